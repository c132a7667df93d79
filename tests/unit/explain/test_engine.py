"""Batching, memory sizing, out-of-memory back-off and convergence re-computation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from auditkit.exceptions import ExplainError
from auditkit.explain import explain
from auditkit.explain._engine import is_oom, rows_budget
from tests.unit.explain.conftest import TEXTS

KW: dict[str, Any] = {"n_steps": 4, "device": "cpu", "faithfulness_k": None, "n_resamples": 0}


def _oom_above(model: Any, max_rows: int) -> Any:
    """Make the encoder raise a CUDA-style out-of-memory error for inputs of more than ``max_rows`` rows."""
    def hook(module: Any, args: Any, kwargs: Any) -> None:
        hidden = args[0] if args else kwargs["hidden_states"]
        if hidden.shape[0] > max_rows:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    return model.bert.encoder.register_forward_pre_hook(hook, with_kwargs=True)


@pytest.mark.parametrize("max_padding", [1.0, 0.10], ids=["padded-batches-as-on-cuda", "cpu-rule"])
def test_batched_attributions_equal_one_example_at_a_time(tiny: tuple[Any, Any], max_padding: float,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from auditkit.explain import _engine

    monkeypatch.setattr(_engine, "_CPU_MAX_PADDING", max_padding)
    model, tokenizer = tiny
    batched = explain(model, tokenizer, TEXTS, batch_size=6, **KW)
    if max_padding == 1.0:
        assert 6 * KW["n_steps"] in batched.memory["internal_batch_sizes"]  # all six texts in one padded pass
    single = explain(model, tokenizer, TEXTS, batch_size=1, **KW)
    for a, b in zip(batched.records, single.records):
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-5)


def test_out_of_memory_halves_the_batch_and_gives_the_same_result(tiny: tuple[Any, Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from auditkit.explain import _engine

    monkeypatch.setattr(_engine, "_CPU_MAX_PADDING", 1.0)  # one padded batch of six, as on CUDA
    model, tokenizer = tiny
    reference = explain(model, tokenizer, TEXTS, batch_size=6, **KW)
    handle = _oom_above(model, 6)
    try:
        result = explain(model, tokenizer, TEXTS, batch_size=6, **KW)
    finally:
        handle.remove()
    assert result.memory["oom_backoffs"] >= 1
    assert result.to_scorecard()["memory"]["oom_backoffs"] == result.memory["oom_backoffs"]
    for a, b in zip(result.records, reference.records):
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-5)


def test_an_example_that_never_fits_in_memory_is_a_clear_error(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    predicted = explain(model, tokenizer, TEXTS[:1], **KW)
    handle = _oom_above(model, 0)
    try:
        with pytest.raises(ExplainError, match="does not fit in memory even one step at a time on cpu; lower model.max_length"):
            explain(model, tokenizer, TEXTS[:1], **KW)
    finally:
        handle.remove()
    assert predicted.records


def test_memory_errors_are_recognised_and_others_are_not() -> None:
    assert is_oom(torch.OutOfMemoryError("CUDA out of memory"))
    assert is_oom(RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 bytes"))
    assert is_oom(MemoryError())
    assert not is_oom(RuntimeError("shape mismatch"))
    assert not is_oom(ValueError("out of memory"))


def test_rows_budget_shrinks_with_sequence_length(tiny: tuple[Any, Any]) -> None:
    model, _ = tiny
    short = rows_budget(model, 16, torch.device("cpu"))
    long = rows_budget(model, 512, torch.device("cpu"))
    assert short > long >= 1


def test_internal_batch_size_is_capped_by_the_request(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    reference = explain(model, tokenizer, TEXTS, batch_size=6, **KW)
    result = explain(model, tokenizer, TEXTS, batch_size=6, max_internal_batch_size=5, **KW)
    assert max(result.memory["internal_batch_sizes"]) <= 5
    for a, b in zip(result.records, reference.records):
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-5)


@pytest.mark.parametrize("n_examples, n_steps, budget, plan", [
    (16, 50, 10_000, (16, 50)),  # everything in one pass
    (16, 50, 480, (16, 25)),     # 2 even passes of 25 steps, not 30 + 20
    (16, 50, 10, (10, 1)),       # fewer rows than examples: split the examples
    (1, 50, 1, (1, 1)),
])
def test_internal_batches_are_planned_evenly_within_the_budget(n_examples: int, n_steps: int, budget: int,
                                                               plan: tuple[int, int]) -> None:
    from auditkit.explain._engine import plan_internal_batch

    assert plan_internal_batch(n_examples, n_steps, budget) == plan
    sub, steps = plan
    assert sub * steps <= max(budget, 1)


def test_examples_above_the_delta_tolerance_are_recomputed_with_more_steps(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    result = explain(model, tokenizer, TEXTS, delta_tolerance=1e-12, **{**KW, "n_steps": 2})
    conv = result.convergence
    assert conv is not None
    assert conv["n_over_tolerance"] > 0
    assert conv["n_recomputed"] == conv["n_over_tolerance"]
    assert conv["recompute_steps"] == 8  # a delta far over the tolerance asks for the most: 4x


def test_well_converged_examples_are_not_recomputed(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    result = explain(model, tokenizer, TEXTS, delta_tolerance=10.0, **KW)
    assert result.convergence is not None
    assert result.convergence["n_recomputed"] == 0
    assert result.convergence["max_relative_delta"] < 10.0


def test_one_example_falls_back_to_one_step_at_a_time_when_memory_is_short(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    reference = explain(model, tokenizer, TEXTS[:1], **KW)
    handle = _oom_above(model, 1)  # only single-row forward passes fit
    try:
        result = explain(model, tokenizer, TEXTS[:1], **KW)
    finally:
        handle.remove()
    assert result.memory["oom_backoffs"] >= 2
    np.testing.assert_allclose(result.records[0].scores, reference.records[0].scores, atol=1e-5)


def test_cpu_autocasts_only_with_native_bf16_and_fp32_precision_never_does(
    tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.explain import _engine
    from auditkit.explain._engine import EngineSettings, _autocast

    model, tokenizer = tiny
    cpu = EngineSettings(device=torch.device("cpu"), autocast=True)

    def inside(settings: EngineSettings) -> tuple[bool, str]:
        with _autocast(model, settings):
            return torch.is_autocast_enabled("cpu"), model.config._attn_implementation

    def weights_inside(settings: EngineSettings) -> torch.dtype:
        with _autocast(model, settings):
            return model.classifier.weight.dtype

    before = model.config._attn_implementation
    monkeypatch.setattr(_engine, "_CPU_BF16_WEIGHTS", False)
    monkeypatch.setattr(_engine, "cpu_has_native_bf16", lambda: False)
    assert inside(cpu) == (False, before)
    monkeypatch.setattr(_engine, "cpu_has_native_bf16", lambda: True)
    assert inside(cpu) == (True, "eager")
    assert model.config._attn_implementation == before
    assert inside(EngineSettings(device=torch.device("cpu"), autocast=False)) == (False, before)
    monkeypatch.setattr(_engine, "_CPU_BF16_WEIGHTS", True)  # the default: bf16 weights instead of autocast
    assert inside(cpu) == (False, "eager") and weights_inside(cpu) == torch.bfloat16
    assert model.classifier.weight.dtype == torch.float32
    assert explain(model, tokenizer, TEXTS[:1], **KW).precision == "bf16"
    assert explain(model, tokenizer, TEXTS[:1], precision="fp32", **KW).precision == "fp32"


def test_attention_switch_is_undone_even_when_the_block_raises(tiny: tuple[Any, Any]) -> None:
    from auditkit._precision import attention_implementation

    model, _ = tiny
    before = model.config._attn_implementation
    assert before != "eager"
    with pytest.raises(RuntimeError, match="boom"), attention_implementation(model, "eager") as switched:
        assert switched and model.config._attn_implementation == "eager"
        raise RuntimeError("boom")
    assert model.config._attn_implementation == before
    with attention_implementation(torch.nn.Linear(2, 2), "eager") as switched:
        assert switched is False


def test_cpu_batches_only_join_examples_of_nearly_the_same_length() -> None:
    from auditkit.explain._engine import _batches

    lengths = [100, 99, 60, 59, 100, 40, 91, 89]
    assert list(_batches(lengths, range(8), 16, max_padding=0.10)) == [[0, 4, 1, 6], [7], [2, 3], [5]]
    assert list(_batches(lengths, range(8), 4)) == [[0, 4, 1, 6], [7, 2, 3, 5]]


@pytest.mark.parametrize("method, steps", [("layer_integrated_gradients", 24), ("integrated_gradients", 24),
                                           ("gradient_shap", 50)])
def test_steps_default_to_the_methods_own(tiny: tuple[Any, Any], method: str, steps: int) -> None:
    """Checked methods (every example's sum against the fp32 logit change) start at 24; unchecked ones keep 50."""
    from auditkit.config import ExplainConfig

    model, tokenizer = tiny
    result = explain(model, tokenizer, TEXTS[:2], method=method, device="cpu", faithfulness_k=None, n_resamples=0)
    assert result.n_steps == steps
    assert explain(model, tokenizer, TEXTS[:1], method=method, n_steps=7, device="cpu", faithfulness_k=None,
                   n_resamples=0).n_steps == 7
    assert ExplainConfig().n_steps is None  # the pipeline passes None through to the method's default
