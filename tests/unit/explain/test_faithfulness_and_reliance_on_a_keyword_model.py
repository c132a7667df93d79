"""On a transparent keyword model, explanations beat random and a biased model shows higher reliance."""

from __future__ import annotations

from typing import Any

import pytest

from auditkit.explain import explain
from tests.unit.explain._toy import KeywordClassifier
from tests.unit.explain.conftest import GROUPS, LABELS, TEXTS

GENDERED = ["she", "he", "her", "his", "mr", "mrs", "mother", "father"]
KW: dict[str, Any] = {"n_steps": 16, "device": "cpu", "n_resamples": 300, "groups": GROUPS, "labels": LABELS}


def test_explanations_of_a_keyword_model_beat_the_random_baseline(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    model = KeywordClassifier(tokenizer, ["severe", "sudden", "bleeding", "chest"])
    result = explain(model, tokenizer, TEXTS * 3, faithfulness_k=(0.1, 0.2), **{**KW, "groups": {"gender": GROUPS["gender"] * 3}, "labels": LABELS * 3})
    faith = result.faithfulness
    assert faith is not None
    comp, rand = faith.metrics["comprehensiveness"].value, faith.metrics["random_comprehensiveness"].value
    assert comp is not None and rand is not None and comp > rand
    assert faith.metrics["comprehensiveness_gain"].ci_low is not None
    assert faith.to_dict()["by_k"]["0.1"]["comprehensiveness"] is not None


def test_random_attributions_do_not_beat_the_random_baseline(tiny: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Shows the faithfulness check able to fail: shuffled scores lose their edge over chance."""
    import numpy as np

    from auditkit.explain import _explain

    _, tokenizer = tiny
    model = KeywordClassifier(tokenizer, ["severe", "sudden", "bleeding", "chest"])
    real = _explain.attribute_all

    def shuffled(*args: Any, **kwargs: Any) -> Any:
        scores, deltas, report = real(*args, **kwargs)
        rng = np.random.default_rng(5)
        return {i: rng.normal(size=s.shape) for i, s in scores.items()}, deltas, report

    monkeypatch.setattr(_explain, "attribute_all", shuffled)
    result = explain(model, tokenizer, TEXTS * 3, faithfulness_k=(0.1, 0.2), **{**KW, "groups": {"gender": GROUPS["gender"] * 3}, "labels": LABELS * 3})
    assert result.faithfulness is not None
    assert result.faithfulness.beats_random is not True


def test_a_model_keyed_on_gendered_words_relies_on_them_more_than_a_fair_one(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    biased = explain(KeywordClassifier(tokenizer, ["severe", "sudden", *GENDERED]), tokenizer, TEXTS,
                     faithfulness_k=None, **KW)
    fair = explain(KeywordClassifier(tokenizer, ["severe", "sudden"]), tokenizer, TEXTS, faithfulness_k=None, **KW)
    b, f = biased.reliance, fair.reliance
    assert b.value is not None and f.value is not None and b.ci_low is not None and f.ci_high is not None
    assert b.value > 0.3 > f.value
    assert b.ci_low > f.ci_high
    assert set(biased.reliance_by_group["gender"]) == {"female", "male"}
