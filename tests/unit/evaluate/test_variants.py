"""Deployment variants: built on CPU, measured as safetensors, compared with the full model per group."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from auditkit.evaluate._variant_audit import agreement, gap_increase
from auditkit.exceptions import DataError

TEXTS = ["she reports chest pain", "he has a mild cough", "mrs patient with fever", "routine refill"]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):  # type: ignore[no-untyped-def]
    from auditkit._model_io import load_classifier

    return load_classifier(tiny_model_dir, device="cpu")


@pytest.mark.parametrize("kind", ["int8_dynamic", "bf16", "fp16", "prune_30", "prune_50"])
def test_every_variant_predicts_close_to_the_full_model_and_leaves_it_unchanged(tiny, kind: str) -> None:  # type: ignore[no-untyped-def]
    from auditkit.evaluate._predict import predict_scores
    from auditkit.evaluate._variants import build_variant

    model, tokenizer = tiny
    before = {k: v.clone() for k, v in model.state_dict().items()}
    full = predict_scores(model, tokenizer, TEXTS)
    variant = predict_scores(build_variant(model, kind), tokenizer, TEXTS)
    assert variant.shape == full.shape and np.abs(variant - full).max() < 0.05
    assert all((model.state_dict()[k] == v).all() for k, v in before.items())


def test_int8_and_half_precision_shrink_the_file_and_pruning_zeroes_its_share(tiny) -> None:  # type: ignore[no-untyped-def]
    from auditkit.evaluate._variants import build_variant, safetensors_size, sparsity

    model, _ = tiny
    full = safetensors_size(model)
    assert safetensors_size(build_variant(model, "int8_dynamic")) < 0.5 * full  # tiny model: scales weigh more
    assert safetensors_size(build_variant(model, "bf16")) < 0.55 * full
    assert sparsity(build_variant(model, "prune_50")) == pytest.approx(0.5, abs=0.01)
    assert sparsity(model) == pytest.approx(0.0)


def test_an_unknown_variant_is_refused(tiny) -> None:  # type: ignore[no-untyped-def]
    from auditkit.evaluate._variants import build_variant

    with pytest.raises(DataError, match="unknown deployment variant 'int4'; expected one of int8_dynamic, bf16"):
        build_variant(tiny[0], "int4")


def test_latency_is_a_median_with_an_interval_and_says_how_it_was_timed() -> None:
    from auditkit.evaluate._variants import latency_per_example

    metric = latency_per_example(lambda texts: None, ["a"] * 20, n_boot=50)
    assert metric.n == 20 and metric.ci_low <= metric.value <= metric.ci_high
    assert metric.reason.startswith("batch size 1 on ")
    assert latency_per_example(lambda texts: None, []).value is None


def _case() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    y = np.array([1, 0] * 40)
    groups = {"gender": np.array(["a"] * 40 + ["b"] * 40)}
    return y, y.copy(), groups


def test_a_variant_that_misses_one_groups_positives_raises_that_gap_and_loses_agreement_there() -> None:
    y, full, groups = _case()
    variant = full.copy()
    variant[40:][y[40:] == 1] = 0  # group b's positives are all missed
    increase = gap_increase(y, full, variant, groups, positives=[1], labels=["routine", "urgent"], n_boot=200)
    eo = increase["gender"]["equal_opportunity_difference"]
    assert eo["value"] == pytest.approx(1.0) and eo["ci_low"] > 0.5
    agree = agreement(full, variant, groups)
    assert agree["attributes"]["gender"]["a"]["value"] == 1.0
    assert agree["attributes"]["gender"]["b"]["value"] == 0.5
    assert agree["overall"]["value"] == 0.75
    assert agree["lowest_group"]["value"] == 0.5 and agree["lowest_group"]["reason"] == "lowest group: gender=b"
    assert agreement(full, variant, groups, min_group_size=50)["lowest_group"]["value"] is None


def test_an_identical_variant_changes_no_gap() -> None:
    y, full, groups = _case()
    increase = gap_increase(y, full, full.copy(), groups, positives=[1], labels=["routine", "urgent"], n_boot=100)
    assert all(m["value"] == 0.0 and m["ci_low"] == 0.0 == m["ci_high"] for m in increase["gender"].values())


def test_a_gap_without_two_large_groups_is_undefined_with_the_reason() -> None:
    y, full, groups = _case()
    out = gap_increase(y, full, full.copy(), groups, positives=[1], labels=["routine", "urgent"], min_group_size=50)
    assert out["gender"]["equal_opportunity_difference"]["value"] is None
    assert out["gender"]["equal_opportunity_difference"]["reason"].startswith("inconclusive: 0 group(s) with at least 50")


def test_a_group_without_positives_makes_the_opportunity_gap_undefined_not_zero() -> None:
    y, full, groups = _case()
    y[40:] = 0
    out = gap_increase(y, full, full.copy(), groups, positives=[1], labels=["routine", "urgent"], n_boot=20)
    assert out["gender"]["equal_opportunity_difference"]["value"] is None
    assert out["gender"]["demographic_parity_difference"]["value"] == 0.0


def test_multiclass_reports_every_label_one_vs_rest() -> None:
    y = np.array([0, 1, 2] * 30)
    groups = {"g": np.array(["a", "b"] * 45)}
    out = gap_increase(y, y, y, groups, positives=[0, 1, 2], labels=["x", "y", "z"], n_boot=10)
    assert set(out) == {"g/x", "g/y", "g/z"}


def test_the_int8_variant_runs_without_token_type_ids(tiny) -> None:  # type: ignore[no-untyped-def]
    """BERT's default token_type_ids are an expanded (strided) view, which the 8-bit embedding kernel refuses."""
    import torch

    from auditkit.evaluate._variants import build_variant

    model, tokenizer = tiny
    batch = tokenizer(TEXTS, padding=True, return_tensors="pt")
    variant = build_variant(model, "int8_dynamic")
    with torch.no_grad():
        logits = variant(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        full = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    assert logits.shape == full.shape and (logits - full).abs().max() < 0.05


@pytest.mark.slow
def test_the_int8_variant_of_the_default_encoder_is_under_40_percent_of_fp32() -> None:
    from auditkit._model_io import default_model_path, load_classifier
    from auditkit.evaluate._variants import build_variant, safetensors_size

    model, _ = load_classifier(default_model_path(), device="cpu")
    assert safetensors_size(build_variant(model, "int8_dynamic")) < 0.40 * safetensors_size(model)
