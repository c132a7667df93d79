"""ExplanationResult: scorecard section, Parquet frame, heat-map rule, and edge cases with clear outcomes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditkit.exceptions import DataError
from auditkit.explain import explain
from auditkit.explain._result import EXAMPLE_RULE
from tests.unit.explain.conftest import GROUPS, LABELS, TEXTS

KW: dict[str, Any] = {"n_steps": 3, "device": "cpu", "n_resamples": 50, "faithfulness_k": (0.2,)}

LEAF = {"value", "ci_low", "ci_high", "reason", "n"}


def test_scorecard_section_follows_the_metric_convention_and_is_json(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    card = explain(model, tokenizer, TEXTS, groups=GROUPS, labels=LABELS, **KW).to_scorecard()
    json.dumps(card, allow_nan=False)
    assert card["status"] == "ok" and card["n_examples"] == 6
    assert set(card["sensitive_token_reliance"]) == LEAF
    assert set(card["sensitive_token_reliance_by_group"]["gender"]) == {"female", "male"}
    assert set(card["faithfulness"]["comprehensiveness"]) == LEAF
    assert card["faithfulness"]["k"] == [0.2]
    assert card["convergence"]["tolerance"] == 0.05
    assert {"overall", "by_class", "by_group", "rule"} <= set(card["top_tokens"])


def test_heatmap_examples_follow_the_stated_rule(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    result = explain(model, tokenizer, TEXTS, groups=GROUPS, labels=LABELS, **KW)
    examples = result.to_scorecard()["examples"]
    assert examples["rule"] == EXAMPLE_RULE
    for item in examples["items"]:
        members = [r for r in result.records if r.groups["gender"] == item["group"]
                   and (r.true_label == r.predicted_label) == item["correct"]]
        assert item["confidence"] == pytest.approx(max(r.confidence for r in members), abs=1e-4)
        assert max(abs(w["score"]) for w in item["words"]) == pytest.approx(1.0)
    assert len(examples["items"]) <= 4


def test_attribution_frame_has_one_row_per_word_with_groups(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    frame = explain(model, tokenizer, TEXTS, ids=[f"n{i}" for i in range(6)], groups=GROUPS, **KW).to_frame()
    assert list(frame.columns) == ["id", "position", "token", "attribution", "predicted_label", "true_label",
                                   "confidence", "gender"]
    assert len(frame) == sum(len(t.split()) for t in TEXTS)
    assert frame.groupby("id")["position"].max().to_dict()["n0"] == len(TEXTS[0].split()) - 1


def test_a_text_without_tokens_is_skipped_and_said_so(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    result = explain(model, tokenizer, ["", TEXTS[0]], ids=["empty", "full"], **KW)
    card = result.to_scorecard()
    assert result.skipped_ids == ("empty",)
    assert [r.id for r in result.records] == ["full"]
    assert "1 text(s) had no tokens after removing special tokens and were skipped" in card["notes"]


def test_only_empty_texts_give_a_failed_section_with_a_reason(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    card = explain(model, tokenizer, ["", " "], **KW).to_scorecard()
    assert card["status"] == "failed" and card["reason"] == "no text had any token to explain"
    assert card["sensitive_token_reliance"]["value"] is None


def test_a_text_longer_than_the_model_limit_is_truncated_and_said_so(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    result = explain(model, tokenizer, [TEXTS[0], "chest pain " * 40], max_length=24, **KW)
    card = result.to_scorecard()
    assert card["n_truncated"] == 1 and card["max_length"] == 24
    assert [r.truncated for r in result.records] == [False, True]
    assert len(result.records[1].words) == 22
    assert any("longer than 24 tokens and were truncated" in note for note in card["notes"])


@pytest.mark.parametrize("texts, message", [
    ([], "no texts to explain: expected at least 1 text, got 0"),
    (["ok", b"bytes", None, 3], "texts must all be strings; 3 of 4 are not"),
    ("a single string", "texts must be a list of strings, not a single string"),
])
def test_bad_texts_are_refused_with_what_was_expected(tiny: tuple[Any, Any], texts: Any, message: str) -> None:
    model, tokenizer = tiny
    with pytest.raises(DataError, match=message):
        explain(model, tokenizer, texts, **KW)


def test_missing_group_values_are_counted_not_echoed(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    with pytest.raises(DataError) as info:
        explain(model, tokenizer, TEXTS[:3], groups={"gender": ["female", None, float("nan")]}, **KW)
    assert str(info.value) == "sensitive column 'gender' has 2 missing values; drop or impute them before explaining"


def test_length_mismatch_names_the_argument(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    with pytest.raises(DataError, match="ids has 2 entries but there are 6 texts"):
        explain(model, tokenizer, TEXTS, ids=["a", "b"], **KW)
