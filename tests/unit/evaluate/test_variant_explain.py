"""A variant's explanations against the full model's: overlap, rank correlation, reliance change."""

from __future__ import annotations

import numpy as np

from auditkit.evaluate._variant_explain import attribution_agreement, explain_method_for
from auditkit.explain import ExampleAttribution

WORDS = ("she", "reports", "sudden", "chest", "pain", "today")


def _record(i: int, scores: list[float], words: tuple[str, ...] = WORDS, reliance: float = 0.1) -> ExampleAttribution:
    return ExampleAttribution(id=f"e{i}", words=words, scores=np.asarray(scores, dtype=float), predicted_label="urgent",
                              confidence=0.9, reliance=reliance)


FULL = [_record(i, [0.1, 0.0, 0.5 + i / 10, 0.9, 0.7, -0.05]) for i in range(8)]


def test_identical_explanations_agree_fully_and_change_nothing() -> None:
    out = attribution_agreement(FULL, FULL, top_k=2, n_resamples=50)
    assert out["n"] == 8 and out["n_unmatched"] == 0
    assert out["top_k_overlap"]["value"] == 1.0 and out["rank_correlation"]["value"] == 1.0
    assert out["reliance_change"]["value"] == 0.0


def test_reversed_attributions_are_caught_by_overlap_and_rank_correlation() -> None:
    flipped = [_record(i, [0.7, 0.9, 0.1, 0.0, 0.05, 0.5], reliance=0.4) for i in range(8)]
    out = attribution_agreement(FULL, flipped, top_k=2, n_resamples=50)
    assert out["top_k_overlap"]["value"] == 0.0 and out["rank_correlation"]["value"] < -0.5
    assert abs(out["reliance_change"]["value"] - 0.3) < 1e-9 and out["reliance_change"]["ci_low"] is not None


def test_undefined_examples_are_left_out_and_counted_never_zero() -> None:
    flat = [_record(i, [0.0] * 6, reliance=float("nan")) for i in range(8)]
    out = attribution_agreement(FULL, flat, n_resamples=50)
    assert out["rank_correlation"]["value"] is None and "undefined for every one of 8" in out["rank_correlation"]["reason"]
    assert out["sensitive_token_reliance"]["value"] is None and out["reliance_change"]["value"] is None
    partial = flat[:3] + FULL[3:]
    mixed = attribution_agreement(FULL, partial, n_resamples=50)
    assert mixed["rank_correlation"]["n"] == 5 and "3 of 8 example(s) undefined" in mixed["rank_correlation"]["reason"]


def test_unmatched_examples_are_counted_and_none_matched_is_undefined() -> None:
    other = [_record(i, [1.0] * 5, words=WORDS[:5]) for i in range(8)]
    out = attribution_agreement(FULL, other + [_record(99, [1.0] * 6)])
    assert out["n"] == 0 and out["n_unmatched"] == 9
    assert out["top_k_overlap"] == {"value": None, "ci_low": None, "ci_high": None,
                                    "reason": "no example was explained by both models", "n": 0}


def test_int8_is_explained_without_gradients_and_says_so() -> None:
    method, note = explain_method_for("int8_dynamic", "layer_integrated_gradients")
    assert method == "occlusion" and "no autograd" in note
    assert explain_method_for("int8_dynamic", "occlusion") == ("occlusion", None)
    assert explain_method_for("bf16", "saliency") == ("saliency", None)
