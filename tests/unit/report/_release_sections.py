"""Fixture sections for the report tests: robustness, deployment variants and the mitigation comparison."""

from __future__ import annotations

from typing import Any


def _m(value: float | None, lo: float | None = None, hi: float | None = None, reason: str | None = None) -> dict[str, Any]:
    return {"value": value, "ci_low": lo, "ci_high": hi, "reason": reason}


def robustness() -> dict[str, Any]:
    groups = {"female": {"flip_rate": _m(0.087, 0.043, 0.17), "accuracy_change": _m(-0.06, -0.1, -0.01), "n": 80, "flagged": False},
              "male": {"flip_rate": _m(0.062, 0.027, 0.138), "accuracy_change": _m(-0.04, -0.09, 0.0), "n": 80, "flagged": False}}
    typo = {"n": 160, "flip_rate": _m(0.075, 0.043, 0.127), "accuracy_change": _m(-0.05, -0.087, -0.006),
            "macro_f1_change": _m(-0.05, -0.09, -0.01), "mean_abs_score_change": _m(0.08, 0.06, 0.1),
            "attributes": {"gender": {"groups": groups, "flip_rate_gap": _m(0.025, 0.0, 0.115),
                                      "accuracy_change_gap": _m(None, reason="a group's bootstrap had no defined value"),
                                      "notes": []}}}
    return {"status": "ok", "n": 160, "rate": 0.05, "bootstrap": 200, "confidence": 0.95, "min_group_size": 20,
            "perturbations": {"typo_keyboard": typo}, "skipped": {"places": "changed 9 test text(s), fewer than "
                                                                  "min_group_size=20: too few to measure"}}


def _variant(kind: str, size: int, eo: float) -> dict[str, Any]:
    attribute = {"groups": {"female": {"tpr": _m(0.8, 0.7, 0.9), "n": 80}, "male": {"tpr": _m(0.8 - eo, 0.7, 0.9), "n": 80}},
                 "equal_opportunity_difference": _m(eo, 0.0, eo + 0.2), "equalized_odds_difference": _m(eo, 0.0, eo + 0.2),
                 "demographic_parity_difference": _m(0.1, 0.0, 0.2)}
    out = {"status": "ok", "kind": kind, "size_bytes": size, "latency_ms_per_example": _m(12.0, 11.0, 13.0, "batch size 1"),
           "performance": {"n": 160, "accuracy": 0.9, "macro_f1": 0.89}, "attributes": {"gender": attribute}}
    if kind != "full":
        out.update(size_ratio=_m(size / 90_000_000), gap_increase={"gender": {"equal_opportunity_difference": _m(0.01, -0.02, 0.04)}},
                   agreement={"overall": _m(0.99, 0.97, 1.0), "lowest_group": _m(0.98, 0.93, 1.0, "lowest group: gender=male"),
                              "attributes": {"gender": {"female": _m(1.0, 0.95, 1.0), "male": _m(0.98, 0.93, 1.0)}}},
                   explain={"status": "ok", "method": "occlusion", "note": "int8 kernels have no autograd; occlusion for both",
                            "n": 20, "n_unmatched": 0, "top_k": 5, "top_k_overlap": _m(0.83, 0.78, 0.88),
                            "rank_correlation": _m(None, reason="undefined for every one of 20 example(s)"),
                            "sensitive_token_reliance": _m(0.05, 0.03, 0.07),
                            "full_sensitive_token_reliance": _m(0.04, 0.02, 0.06), "reliance_change": _m(0.01, 0.0, 0.02)})
    return out


def deployment() -> dict[str, Any]:
    return {"status": "ok", "device": "cpu", "threads": 2, "full": _variant("full", 90_000_000, 0.2),
            "variants": {"int8_dynamic": _variant("int8_dynamic", 23_000_000, 0.21),
                         "prune_50": {"status": "failed", "kind": "prune_50", "reason": "could not build the variant on CPU (RuntimeError)"}}}


def comparison() -> dict[str, Any]:
    def row(acc: float, eo: float, note: str) -> dict[str, Any]:
        return {"accuracy": _m(acc, acc - 0.04, acc + 0.03), "macro_f1": _m(acc - 0.01, acc - 0.05, acc + 0.02),
                "attributes": {"gender": {"equal_opportunity_difference": _m(eo, max(eo - 0.15, 0), eo + 0.15)}}, "note": note}

    return {"status": "ok", "chosen": "fairness_loss", "gap": "equal_opportunity_difference", "failed": {},
            "rows": {"none": row(0.888, 0.548, "reused"), "fairness_loss": row(0.956, 0.161, "shipped model"),
                     "reweighing": row(0.93, 0.3, "trained"), "threshold": row(0.87, 0.12, "ThresholdOptimizer")}}
