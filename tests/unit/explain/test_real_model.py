"""The default MiniLM model: words come back whole and the attributions converge (slow)."""

from __future__ import annotations

import pytest

from tests.unit.explain.conftest import GROUPS, TEXTS


@pytest.mark.slow
def test_minilm_explanations_have_whole_words_and_small_delta() -> None:
    import torch

    from auditkit._model_io import default_model_path, load_classifier
    from auditkit.explain import explain

    torch.manual_seed(0)
    model, tokenizer = load_classifier(default_model_path(), num_labels=2, id2label={0: "routine", 1: "urgent"})
    result = explain(model, tokenizer, TEXTS[:2], groups={"gender": GROUPS["gender"][:2]}, n_steps=20, device="cpu",
                     faithfulness_k=(0.2,), n_resamples=50)
    assert [" ".join(r.words) for r in result.records] == TEXTS[:2]
    assert result.convergence is not None and result.convergence["n_still_over"] == 0
