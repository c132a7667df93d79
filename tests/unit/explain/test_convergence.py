"""Convergence with the checks on: fp32 endpoints, recompute only what is over tolerance, padded CPU batches."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from auditkit.explain import _engine
from auditkit.explain._encode import encode_texts
from auditkit.explain._engine import EngineSettings, attribute_all, bf16_weights, recompute_steps
from auditkit.explain._methods import default_registry
from tests.unit.explain._toy import KeywordClassifier
from tests.unit.explain.conftest import TEXTS

LIG = default_registry().create("layer_integrated_gradients")


def _setup(tiny: tuple[Any, Any], texts: list[str]) -> tuple[Any, list[Any], np.ndarray, int]:
    model, tokenizer = tiny
    model.eval()
    encoded = encode_texts(tokenizer, texts, max_length=64)
    return model, encoded, np.zeros(len(texts), dtype=np.int64), tokenizer.pad_token_id


def _settings(**kw: Any) -> EngineSettings:
    return EngineSettings(device=torch.device("cpu"), **{"n_steps": 4, **kw})


def _fp32_change(model: Any, enc: Any, pad_id: int, target: int = 1) -> float:
    ids = torch.tensor([enc.ids])
    base = torch.where(torch.tensor([enc.special]), ids, torch.full_like(ids, pad_id))
    with torch.no_grad():
        return float(model(input_ids=ids).logits[0, target] - model(input_ids=base).logits[0, target])


@pytest.mark.parametrize("n_steps, delta, tolerance, steps", [
    (50, 0.06, 0.05, 120),    # just over: enough steps to bring it to half the tolerance
    (50, 0.051, 0.05, 102),
    (50, 0.03, 0.05, 100),    # never fewer than twice the steps
    (50, 5.0, 0.05, 200),     # never more than 4x
    (400, 5.0, 0.05, 1024),   # nor more than the cap
])
def test_recompute_steps_follow_the_delta(n_steps: int, delta: float, tolerance: float, steps: int) -> None:
    assert recompute_steps(n_steps, delta, tolerance) == steps


def test_the_delta_is_measured_against_full_precision_endpoints(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    model = KeywordClassifier(tokenizer, ["severe", "sudden", "bleeding", "chest"])  # logit changes of a few units
    _, encoded, _, pad_id = _setup((model, tokenizer), TEXTS)
    targets = np.ones(len(TEXTS), dtype=np.int64)
    scores, rel, _ = attribute_all(LIG, model, encoded, range(len(TEXTS)), targets, _settings(autocast=True,
                                   delta_tolerance=10.0), pad_id)
    changes = [_fp32_change(model, enc, pad_id) for enc in encoded]
    assert max(abs(c) for c in changes) > 1.0
    for i, change in enumerate(changes):
        expected = abs(scores[i].sum() - change) / max(1.0, abs(change))
        assert rel[i] == pytest.approx(expected, rel=1e-4, abs=1e-6)
    assert max(rel.values()) > 1e-4  # bf16 work leaves a visible gap against the fp32 endpoints


def _recomputed_correctly(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples over tolerance come back with the fp32 scores at their recompute step count; the rest are untouched."""
    _, tokenizer = tiny
    model = KeywordClassifier(tokenizer, ["severe", "sudden", "bleeding", "chest"])  # tanh: 2 steps are not enough
    _, encoded, _, pad_id = _setup((model, tokenizer), TEXTS)
    targets = np.ones(len(TEXTS), dtype=np.int64)
    rows = range(len(TEXTS))
    tol = 0.01
    first, first_rel, _ = attribute_all(LIG, model, encoded, rows, targets, _settings(n_steps=2, delta_tolerance=1e9),
                                        pad_id)
    over = [i for i in rows if first_rel[i] > tol]
    assert 0 < len(over) < len(TEXTS), "fixture must put some examples, not all, over the tolerance"
    scores, rel, report = attribute_all(LIG, model, encoded, rows, targets, _settings(n_steps=2, delta_tolerance=tol),
                                        pad_id)
    assert report.n_over_tolerance == len(over)
    for i in rows:
        if i in over:
            steps = recompute_steps(2, first_rel[i], tol)
            ref, _, _ = attribute_all(LIG, model, encoded, [i], targets, _settings(n_steps=steps, autocast=False,
                                      delta_tolerance=1e9), pad_id)
            np.testing.assert_allclose(scores[i], ref[i], atol=1e-6)
            assert rel[i] < first_rel[i]
        else:
            np.testing.assert_allclose(scores[i], first[i], atol=1e-6)
    assert report.n_recomputed == len(over)


def test_examples_over_tolerance_are_recomputed_and_only_those(tiny: tuple[Any, Any],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _recomputed_correctly(tiny, monkeypatch)


def test_control_skipping_the_recompute_is_caught(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_engine, "_recompute", lambda *args, **kwargs: None)
    with pytest.raises(AssertionError):
        _recomputed_correctly(tiny, monkeypatch)


def _two_stage(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, tol: float) -> tuple[int, int]:
    """After a bf16 first pass, over-tolerance examples are retried in bf16 at their step count; those still over
    get the fp32 recompute at that count. Checks each example's scores against the right reference; returns
    (fixed by the bf16 retry, sent on to fp32)."""
    monkeypatch.setattr(_engine, "cpu_has_native_bf16", lambda: True)  # the bf16 path on any CPU
    _, tokenizer = tiny
    model = KeywordClassifier(tokenizer, ["severe", "sudden", "bleeding", "chest"])
    _, encoded, _, pad_id = _setup((model, tokenizer), TEXTS)
    targets = np.ones(len(TEXTS), dtype=np.int64)
    rows = range(len(TEXTS))
    first, first_rel, _ = attribute_all(LIG, model, encoded, rows, targets,
                                        _settings(n_steps=2, autocast=True, delta_tolerance=1e9), pad_id)
    scores, rel, report = attribute_all(LIG, model, encoded, rows, targets,
                                        _settings(n_steps=2, autocast=True, delta_tolerance=tol), pad_id)
    fixed = sent_on = 0
    for i in rows:
        if first_rel[i] <= tol:
            np.testing.assert_allclose(scores[i], first[i], atol=1e-6)
            continue
        steps = recompute_steps(2, first_rel[i], tol)
        retry, retry_rel, _ = attribute_all(LIG, model, encoded, [i], targets,
                                            _settings(n_steps=steps, autocast=True, delta_tolerance=1e9), pad_id)
        if retry_rel[i] <= tol:
            fixed += 1
            np.testing.assert_allclose(scores[i], retry[i], atol=1e-6)
        else:
            sent_on += 1
            full, _, _ = attribute_all(LIG, model, encoded, [i], targets,
                                       _settings(n_steps=steps, autocast=False, delta_tolerance=1e9), pad_id)
            np.testing.assert_allclose(scores[i], full[i], atol=1e-6)
    assert report.n_recomputed == fixed + sent_on == report.n_over_tolerance
    assert report.n_recomputed_full_precision == sent_on
    return fixed, sent_on


def test_quadrature_gaps_are_closed_by_a_bf16_retry_without_fp32(tiny: tuple[Any, Any],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fixed, sent_on = _two_stage(tiny, monkeypatch, tol=0.01)  # 2 steps leave ~0.04; 8 bf16 steps ~0.002
    assert fixed > 0 and sent_on == 0


def test_gaps_below_bf16_resolution_go_on_to_fp32(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    fixed, sent_on = _two_stage(tiny, monkeypatch, tol=5e-6)  # bf16 alone leaves ~1e-5 on some examples
    assert sent_on > 0


def test_control_recomputing_straight_in_fp32_is_caught(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_engine, "reduces_precision", lambda settings: False)  # the old single fp32 stage
    with pytest.raises(AssertionError):
        _two_stage(tiny, monkeypatch, tol=0.01)


PADDED = ["she reports severe chest pain since yesterday and today",  # 11 tokens
          "he reports mild chest pain since yesterday today",          # 10 tokens: padded by one in a shared batch
          "her mother reports sudden bleeding since today",
          "his father has chronic dizziness for days"]


@pytest.mark.parametrize("mode", ["fp32", "autocast", "bf16-weights"])
def test_padded_cpu_batches_equal_one_example_at_a_time(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch,
                                                        mode: str) -> None:
    monkeypatch.setattr(_engine, "_CPU_BF16_WEIGHTS", mode == "bf16-weights")
    model, encoded, targets, pad_id = _setup(tiny, PADDED)
    lengths = [len(e.ids) for e in encoded]
    assert len(set(lengths)) > 1
    settings = _settings(autocast=mode != "fp32", delta_tolerance=1e9)
    batched, rel_b, report = attribute_all(LIG, model, encoded, range(len(PADDED)), targets, settings, pad_id)
    assert any(size > settings.n_steps for size in report.internal_batch_sizes), "examples must share a padded pass"
    for i in range(len(PADDED)):
        alone, rel_a, _ = attribute_all(LIG, model, encoded, [i], targets, settings, pad_id)
        assert batched[i].shape == (lengths[i],)
        scale = float(np.abs(alone[i]).max())
        assert scale > 0
        np.testing.assert_allclose(batched[i], alone[i], rtol=0, atol=(1e-4 if mode == "fp32" else 0.02) * scale)


def test_control_padding_without_the_mask_changes_the_result(tiny: tuple[Any, Any]) -> None:
    """The equality above is not vacuous: the same padded batch without its attention mask differs."""
    model, encoded, targets, pad_id = _setup(tiny, PADDED[:2])
    ids, mask, base = _engine._pad(encoded, [0, 1], pad_id, torch.device("cpu"))
    batch = _engine.AttributionBatch(ids, torch.ones_like(mask), base, torch.zeros(2, dtype=torch.long))
    unmasked, _ = LIG.attribute(model, batch, n_steps=4, internal_batch_size=8, delta=False)
    alone, _, _ = attribute_all(LIG, model, encoded, [1], targets, _settings(delta_tolerance=1e9), pad_id)
    n = len(encoded[1].ids)
    scale = float(np.abs(alone[1]).max())
    assert not np.allclose(unmasked[1, :n].numpy(), alone[1], rtol=0, atol=0.02 * scale)


def test_bf16_weights_leave_the_model_bit_for_bit_even_on_error(tiny: tuple[Any, Any]) -> None:
    model, _ = tiny
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(RuntimeError, match="boom"), bf16_weights(model):
        assert model.classifier.weight.dtype == torch.bfloat16
        raise RuntimeError("boom")
    after = model.state_dict()
    assert all(after[k].dtype == v.dtype and torch.equal(after[k], v) for k, v in before.items())
