"""F4: after an explainer error the model keeps no hooks, the same modes and flags, and explains identically."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch import Tensor, nn

from auditkit.exceptions import ExplainError
from auditkit.explain import AttributionBatch, Explainer, default_registry, explain, model_guard, model_state
from tests.unit.explain.conftest import GROUPS, TEXTS

_HOOKS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks")


def _hook_count(model: nn.Module) -> int:
    return sum(len(getattr(m, attr)) for m in model.modules() for attr in _HOOKS)


def _scores(model: Any, tokenizer: Any) -> list[np.ndarray]:
    result = explain(model, tokenizer, TEXTS, groups=GROUPS, n_steps=4, device="cpu", faithfulness_k=None, n_resamples=0)
    return [r.scores for r in result.records]


class _Exploding(nn.Module):
    """Stands in for the classifier head; raises from its second forward call on (mid-attribution)."""

    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        self.calls = 0

    def forward(self, x: Tensor) -> Tensor:
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("module failure inside forward")
        return self.inner(x)


class _LeakyExplainer(Explainer):
    """A careless method: leaves a hook, flips train mode and a grad flag, then fails."""

    name = "leaky"

    def attribute(self, model: nn.Module, batch: AttributionBatch, *, n_steps: int, internal_batch_size: int) -> tuple[Tensor, Tensor | None]:
        model.get_input_embeddings().register_forward_hook(lambda *a: None)
        model.train()
        next(model.parameters()).requires_grad_(True)
        raise RuntimeError("leaky method failed")


def test_a_module_raising_in_forward_leaves_no_hooks_and_the_same_modes(tiny: tuple[Any, Any],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from auditkit.explain import _engine

    monkeypatch.setattr(_engine, "cpu_has_native_bf16", lambda: True)  # the raise comes inside bf16 + eager attention
    model, tokenizer = tiny
    kernel = model.config._attn_implementation
    reference = _scores(model, tokenizer)
    model.train()
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    before = model_state(model)
    head = model.classifier
    model.classifier = _Exploding(head)
    with pytest.raises(ExplainError, match="failed \\(RuntimeError\\); the model was restored"):
        explain(model, tokenizer, TEXTS, n_steps=4, device="cpu", faithfulness_k=None)
    model.classifier = head
    assert _hook_count(model) == 0
    assert model_state(model) == before
    assert model.training is True
    assert model.config._attn_implementation == kernel
    model.bert.embeddings.word_embeddings.weight.requires_grad_(True)
    assert all(np.array_equal(a, b) for a, b in zip(_scores(model, tokenizer), reference))


def test_a_bad_target_index_is_refused_and_the_model_is_unchanged(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    before = model_state(model)
    with pytest.raises(ExplainError, match=r"targets must be class indices in \[0, 1\]"):
        explain(model, tokenizer, TEXTS, targets=[0, 1, 5, 0, 1, 0], device="cpu")
    assert model_state(model) == before


def test_a_bad_target_inside_captum_is_cleaned_up_by_the_guard(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    before = model_state(model)
    ids = tokenizer(TEXTS[:2], return_tensors="pt", padding=True)
    batch = AttributionBatch(ids.input_ids, ids.attention_mask, ids.input_ids * 0, torch.tensor([7, 9]))
    explainer = default_registry().create("layer_integrated_gradients")
    with pytest.raises((IndexError, RuntimeError)), model_guard(model):
        explainer.attribute(model, batch, n_steps=3, internal_batch_size=6)
    assert _hook_count(model) == 0
    assert model_state(model) == before


def test_a_leaky_explainer_is_cleaned_up_by_explain(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    for p in model.parameters():
        p.requires_grad_(False)
    before = model_state(model)
    registry = default_registry()
    registry.register(_LeakyExplainer)
    with pytest.raises(ExplainError):
        explain(model, tokenizer, TEXTS, method="leaky", registry=registry, device="cpu")
    assert _hook_count(model) == 0
    assert model_state(model) == before


def test_the_state_check_can_fail_it_sees_a_leaked_hook_mode_and_flag(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    before = model_state(model)
    ids = tokenizer(TEXTS[:1], return_tensors="pt")
    batch = AttributionBatch(ids.input_ids, ids.attention_mask, ids.input_ids * 0, torch.tensor([0]))
    with pytest.raises(RuntimeError, match="leaky"):
        _LeakyExplainer().attribute(model, batch, n_steps=1, internal_batch_size=1)  # no guard
    after = model_state(model)
    assert after != before
    assert after.hooks != before.hooks
    assert after.training != before.training
