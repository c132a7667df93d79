"""The explainer registry and every built-in attribution method."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from auditkit.exceptions import ConfigError, ExplainError
from auditkit.explain import Explainer, ExplainerRegistry, default_registry, explain
from tests.unit.explain.conftest import GROUPS, TEXTS

BUILT_IN = ["deeplift", "gradient_shap", "input_x_gradient", "integrated_gradients",
            "layer_integrated_gradients", "occlusion", "saliency"]


def test_default_registry_holds_the_seven_built_in_methods() -> None:
    assert default_registry().names() == BUILT_IN


def test_registry_refuses_something_that_is_not_an_explainer_class() -> None:
    registry = ExplainerRegistry()
    with pytest.raises(ExplainError, match="expected a subclass of auditkit.explain.Explainer"):
        registry.register(object)
    with pytest.raises(ExplainError, match="expected a subclass"):
        registry.register(default_registry().create("saliency"))  # an instance, not a class
    assert registry.names() == []


def test_registry_refuses_an_explainer_without_a_name() -> None:
    class Nameless(Explainer):
        def attribute(self, model: Any, batch: Any, *, n_steps: int, internal_batch_size: int) -> Any:
            return None

    with pytest.raises(ExplainError, match="has no name"):
        ExplainerRegistry().register(Nameless)


def test_unknown_method_name_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown attribution method 'shapley'; expected one of deeplift, "):
        default_registry().create("shapley")


@pytest.mark.parametrize("method", BUILT_IN)
def test_each_built_in_method_gives_one_finite_score_per_word(method: str, tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    result = explain(model, tokenizer, TEXTS[:3], groups={"gender": GROUPS["gender"][:3]}, method=method, n_steps=3,
                     device="cpu", faithfulness_k=None, n_resamples=0)
    assert [len(r.words) for r in result.records] == [len(t.split()) for t in TEXTS[:3]]
    assert all(np.isfinite(r.scores).all() and np.abs(r.scores).sum() > 0 for r in result.records)
    assert (result.convergence is not None) == (method in {"layer_integrated_gradients", "integrated_gradients", "deeplift"})


def test_layer_and_embedding_integrated_gradients_agree_on_bert(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    kw = {"n_steps": 6, "device": "cpu", "faithfulness_k": None, "n_resamples": 0}
    layer = explain(model, tokenizer, TEXTS[:2], method="layer_integrated_gradients", **kw)
    embeds = explain(model, tokenizer, TEXTS[:2], method="integrated_gradients", **kw)
    for a, b in zip(layer.records, embeds.records):
        np.testing.assert_allclose(a.scores, b.scores, atol=1e-5)
