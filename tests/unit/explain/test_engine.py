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


def test_batched_attributions_equal_one_example_at_a_time(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    batched = explain(model, tokenizer, TEXTS, batch_size=6, **KW)
    single = explain(model, tokenizer, TEXTS, batch_size=1, **KW)
    for a, b in zip(batched.records, single.records):
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-5)


def test_out_of_memory_halves_the_batch_and_gives_the_same_result(tiny: tuple[Any, Any]) -> None:
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
    assert conv["recompute_steps"] == 8


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
    import contextlib

    from auditkit.explain import _engine
    from auditkit.explain._engine import EngineSettings, _autocast

    cpu = EngineSettings(device=torch.device("cpu"), autocast=True)
    monkeypatch.setattr(_engine, "cpu_has_native_bf16", lambda: False)
    assert isinstance(_autocast(cpu), contextlib.nullcontext)
    monkeypatch.setattr(_engine, "cpu_has_native_bf16", lambda: True)
    assert isinstance(_autocast(cpu), torch.autocast)
    assert isinstance(_autocast(EngineSettings(device=torch.device("cpu"), autocast=False)), contextlib.nullcontext)
    model, tokenizer = tiny
    assert explain(model, tokenizer, TEXTS[:1], precision="fp32", **KW).precision == "fp32"
