"""Operators replace, redact, mask, hash and pseudonymise; keyed ones need a real secret."""

from __future__ import annotations

import pytest

from auditkit.exceptions import ConfigError
from auditkit.scrub import Operator, apply_operator, load_key
from auditkit.scrub._operators import Span, merge_spans

KEY = b"k" * 32
TEXT = "Call Jane Roe on 555-201-3344."
SPANS = [Span("PERSON", 5, 13, 0.8), Span("PHONE_NUMBER", 17, 29, 0.7)]


def test_replace_writes_the_entity_tag() -> None:
    assert apply_operator(TEXT, SPANS, Operator("replace")) == "Call <PERSON> on <PHONE_NUMBER>."


def test_redact_removes_the_span() -> None:
    assert apply_operator(TEXT, SPANS, Operator("redact")) == "Call  on ."


def test_mask_overwrites_every_non_space_character() -> None:
    assert apply_operator(TEXT, SPANS, Operator("mask")) == "Call **** *** on ************."


def test_hash_is_keyed_stable_and_never_contains_the_value() -> None:
    out = apply_operator(TEXT, SPANS, Operator("hash", key=KEY))
    assert out == apply_operator(TEXT, SPANS, Operator("hash", key=KEY))
    assert out != apply_operator(TEXT, SPANS, Operator("hash", key=b"x" * 32))
    assert "Jane" not in out and "3344" not in out


def test_pseudonyms_ignore_case_spacing_and_punctuation_of_the_same_value() -> None:
    op = Operator("pseudonymize", key=KEY)
    assert op.render("PERSON", "Jane Roe") == op.render("PERSON", "JANE  ROE")
    assert op.render("PHONE_NUMBER", "555-201-3344") == op.render("PHONE_NUMBER", "(555) 201 3344")
    assert op.render("PERSON", "Jane Roe") != op.render("PERSON", "Jane Doe")


@pytest.mark.parametrize("name", ["hash", "pseudonymize"])
def test_keyed_operators_refuse_a_short_key(name: str) -> None:
    with pytest.raises(ConfigError, match="at least 16 bytes"):
        Operator(name, key=b"short")  # type: ignore[arg-type]


def test_load_key_names_the_variable_and_not_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AK_TEST_KEY", "tooshort")
    with pytest.raises(ConfigError) as err:
        load_key("AK_TEST_KEY")
    assert "AK_TEST_KEY" in str(err.value) and "tooshort" not in str(err.value)
    monkeypatch.setenv("AK_TEST_KEY", "a-long-enough-secret-value")
    assert load_key("AK_TEST_KEY") == b"a-long-enough-secret-value"


def test_overlapping_spans_merge_into_their_union_so_no_part_is_left() -> None:
    merged = merge_spans([Span("LOCATION", 0, 10, 0.85), Span("STREET_ADDRESS", 4, 20, 0.6)])
    assert [(s.start, s.end, s.entity) for s in merged] == [(0, 20, "LOCATION")]


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown operator"):
        Operator("shred")  # type: ignore[arg-type]
