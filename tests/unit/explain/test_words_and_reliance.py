"""Word-pieces merge into words; reliance is the identity-term share of attribution mass."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from auditkit.explain import DEFAULT_IDENTITY_TERMS, bootstrap_mean, example_reliance
from auditkit.explain._encode import encode_texts
from auditkit.explain._reliance import group_reliance
from auditkit.explain._words import merge_words, normalise_word


def test_word_pieces_are_merged_and_special_tokens_dropped(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    text = "patient reports headaches"
    enc = encode_texts(tokenizer, [text], max_length=32)[0]
    pieces = tokenizer.convert_ids_to_tokens(list(enc.ids))
    assert pieces[0] == "[CLS]" and pieces[-1] == "[SEP]" and "##s" in pieces
    scores = np.arange(len(enc.ids), dtype=float)
    words, values = merge_words(text, enc, scores, pieces)
    assert words == ("patient", "reports", "headaches")
    assert values[-1] == pytest.approx(sum(scores[p] for p, w in enumerate(enc.word_ids) if w == 2))
    assert values.sum() == pytest.approx(scores[1:-1].sum())


def test_words_keep_their_original_casing_and_punctuation(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    text = "Mrs. Patient"
    enc = encode_texts(tokenizer, [text], max_length=32)[0]
    words, _ = merge_words(text, enc, np.ones(len(enc.ids)), tokenizer.convert_ids_to_tokens(list(enc.ids)))
    assert words == ("Mrs", ".", "Patient")
    assert normalise_word("Mrs.") == "mrs"


def test_long_text_is_truncated_to_the_limit_and_flagged(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    short, long = encode_texts(tokenizer, ["chest pain", "chest pain " * 40], max_length=16)
    assert not short.truncated and long.truncated
    assert len(long.ids) == 16 and long.special[-1]


def test_text_with_only_unknown_or_no_characters_has_no_content_tokens(tiny: tuple[Any, Any]) -> None:
    _, tokenizer = tiny
    empty, spaces = encode_texts(tokenizer, ["", "   \u200b "], max_length=16)
    assert empty.n_content == 0 and spaces.n_content == 0


def test_reliance_is_the_share_of_absolute_mass_on_identity_terms() -> None:
    words = ("She", "reports", "pain", "her")
    scores = np.array([-2.0, 1.0, 1.0, 0.0])
    assert example_reliance(words, scores, DEFAULT_IDENTITY_TERMS) == pytest.approx(0.5)
    assert example_reliance(words, scores, ["pain"]) == pytest.approx(0.25)


def test_reliance_with_no_attribution_mass_is_undefined_not_zero() -> None:
    assert np.isnan(example_reliance(("she",), np.zeros(1), ["she"]))
    metric = bootstrap_mean(np.array([np.nan, np.nan]), what="reliance")
    assert metric.value is None and metric.reason == "no examples with defined reliance"


def test_group_reliance_gives_each_group_its_own_interval() -> None:
    shares = np.array([0.4, 0.5, 0.6, 0.0, 0.1, 0.05])
    groups = {"gender": np.array(["f", "f", "f", "m", "m", "m"], dtype=object)}
    overall, by_group = group_reliance(shares, groups, n_resamples=200, seed=1)
    assert overall.value == pytest.approx(shares.mean())
    f, m = by_group["gender"]["f"], by_group["gender"]["m"]
    assert f.value == pytest.approx(0.5) and m.value == pytest.approx(0.05)
    assert f.ci_low is not None and m.ci_high is not None and f.ci_low > m.ci_high


def test_an_attribute_with_too_many_values_is_not_broken_down() -> None:
    shares = np.linspace(0, 1, 60)
    _, by_group = group_reliance(shares, {"name": np.array([f"n{i}" for i in range(60)], dtype=object)}, n_resamples=0)
    assert list(by_group["name"]) == ["_all"]
    assert by_group["name"]["_all"].value is None


def test_bootstrap_interval_is_seeded_and_contains_the_mean() -> None:
    values = np.random.default_rng(0).normal(size=50)
    a, b = bootstrap_mean(values, seed=3), bootstrap_mean(values, seed=3)
    assert a == b
    assert a.ci_low is not None and a.ci_high is not None and a.ci_low < a.value < a.ci_high
    assert bootstrap_mean(values, seed=4) != a
