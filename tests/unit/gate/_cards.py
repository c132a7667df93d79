"""Scorecard fixtures for gate tests: valid against the scorecard schema, easy to tweak."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SHA_A = "a" * 64
SHA_B = "b" * 64


def metric(value: float | None, lo: float | None = None, hi: float | None = None, reason: str | None = None) -> dict[str, Any]:
    """A scorecard metric leaf."""
    return {"value": value, "ci_low": lo, "ci_high": hi, "reason": reason}


def _attribute(eo: float, eod: float, dpd: float, ratio: float) -> dict[str, Any]:
    return {
        "groups": {
            "female": {"tpr": metric(0.8, 0.7, 0.9), "n": 120, "flagged": False},
            "male": {"tpr": metric(0.8 + eo, 0.7, 0.95), "n": 130, "flagged": False},
        },
        "equal_opportunity_difference": metric(eo, max(eo - 0.02, 0.0), eo + 0.02),
        "equalized_odds_difference": metric(eod, max(eod - 0.02, 0.0), eod + 0.02),
        "demographic_parity_difference": metric(dpd, max(dpd - 0.02, 0.0), dpd + 0.02),
        "demographic_parity_ratio": metric(ratio, ratio - 0.02, min(ratio + 0.02, 1.0)),
        "four_fifths_ratio": metric(ratio, ratio - 0.02, min(ratio + 0.02, 1.0)),
        "notes": [],
    }


def _identity_terms() -> dict[str, Any]:
    """An identity-term attribute (non-exclusive terms) that passes the identity-terms preset."""
    term = {"fpr": metric(0.05, 0.03, 0.07), "fpr_ratio": metric(1.0, 0.8, 1.2), "bpsn_auc": metric(0.93, 0.9, 0.95),
            "bnsp_auc": metric(0.92, 0.9, 0.94), "n": 200, "flagged": False}
    return {
        **_attribute(0.01, 0.02, 0.01, 0.95),
        "columns": ["identity"],
        "groups": {"muslim": dict(term), "gay": dict(term)},
        "absent": ["sikh"],
        "min_bpsn_auc": metric(0.93, 0.88, 0.96),
        "min_bnsp_auc": metric(0.92, 0.87, 0.95),
        "max_fpr_ratio": metric(1.0, 0.8, 1.2),
    }


def make_scorecard(*, identity_terms: bool = False) -> dict[str, Any]:
    """A scorecard that passes every shipped preset with a comfortable margin.

    ``identity_terms`` adds the ``identity`` attribute an identity-term audit writes
    (needed by the ``identity-terms`` preset).
    """
    card = _make_scorecard()
    if identity_terms:
        card["fairness"]["attributes"]["identity"] = _identity_terms()
        card["fairness"]["declared"] = ["age_band", "gender", "identity"]
    return card


def _make_scorecard() -> dict[str, Any]:
    ok = {"status": "ok"}
    return {
        "schema_version": "2.0",
        "generated_at": "2026-01-01T00:00:00Z",
        "identity": {
            "status": "ok",
            "model": {"name": "tiny", "weights": {"model.safetensors": SHA_A}, "tokenizer": {}, "config": {}},
            "data": {},
        },
        "config": dict(ok),
        "performance": {
            "status": "ok",
            "model": {"n": 250, "accuracy": 0.9, "macro_f1": metric(0.88, 0.85, 0.91), "roc_auc": metric(0.93), "ece": 0.03},
        },
        "privacy": {
            "status": "ok",
            "scrub": {"status": "ok", "residual_entity_rate": 0.0,
                      "recall_probe": {"PERSON": metric(0.99, 0.975, 1.0), "PHONE_NUMBER": metric(1.0, 0.99, 1.0)},
                      "recall_probe_info": {"types": ["PERSON", "PHONE_NUMBER"]}},
            "canary_sweep": {"status": "ok", "n_hits": 0, "n_canaries": 15},
            "membership": {"status": "ok", "auc": metric(0.51, 0.48, 0.54)},
        },
        "fairness": {
            "status": "ok",
            "attributes": {
                "gender": _attribute(0.01, 0.02, 0.01, 0.95),
                "age_band": _attribute(0.015, 0.03, 0.02, 0.92),
            },
            "declared": ["age_band", "gender"],
            "baseline": {"attributes": {"gender": _attribute(0.3, 0.3, 0.3, 0.5)}},
            "min_group_size": 30,
        },
        "explanations": {"status": "not_run", "reason": "disabled in config"},
        "compute": dict(ok),
        "policy": {"status": "not_run", "reason": "gate has not run"},
        "compliance": dict(ok),
        "environment": {"status": "ok", "python": "3.12.0", "git_commit": None},
        "robustness": _robustness(),
        "deployment": _deployment(),
    }


def _robustness() -> dict[str, Any]:
    """A perturbation suite that passes the release preset."""
    groups = {"female": {"flip_rate": metric(0.02, 0.01, 0.05), "n": 120, "flagged": False},
              "male": {"flip_rate": metric(0.03, 0.01, 0.06), "n": 130, "flagged": False}}
    attribute = {"groups": groups, "flip_rate_gap": metric(0.01, 0.0, 0.05), "notes": []}
    perturbation = {"n": 250, "flip_rate": metric(0.025, 0.01, 0.05), "accuracy_change": metric(-0.01, -0.02, 0.0),
                    "attributes": {"gender": attribute, "age_band": copy.deepcopy(attribute)}}
    return {"status": "ok", "n": 250, "perturbations": {"typo_keyboard": perturbation}, "skipped": {}}


def _deployment() -> dict[str, Any]:
    """One int8 variant that passes the release preset."""
    gaps = {"equal_opportunity_difference": metric(0.01, -0.02, 0.03)}
    agreement = {"overall": metric(0.99, 0.98, 1.0), "lowest_group": metric(0.98, 0.96, 1.0),
                 "attributes": {"gender": {"female": metric(0.99, 0.97, 1.0), "male": metric(0.98, 0.96, 1.0)}}}
    variant = {"status": "ok", "kind": "int8_dynamic", "size_bytes": 25, "gap_increase": {"gender": gaps},
               "agreement": agreement}
    return {"status": "ok", "variants": {"int8_dynamic": variant}}


def set_path(card: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a deep copy of ``card`` with the dotted ``path`` set to ``value``."""
    out = copy.deepcopy(card)
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return out


def write_card(path: Path, card: dict[str, Any], *, sealed: bool = True) -> Path:
    """Write ``card`` as JSON (sealed with its integrity digest, as auditkit writes it) and return the path."""
    from auditkit.scorecard import seal

    path.write_text(json.dumps(seal(card) if sealed else card, indent=2, sort_keys=True), encoding="utf-8")
    return path
