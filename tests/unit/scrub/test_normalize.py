"""Detection sees a cleaned copy of the text whose spans map back exactly."""

from __future__ import annotations

from auditkit.scrub._normalize import deshout, normalize


def test_ascii_text_is_returned_unchanged_without_an_origin_map() -> None:
    norm = normalize("plain text 555-201-3344")
    assert norm.text == "plain text 555-201-3344"
    assert norm.origin is None


def test_zero_width_characters_are_dropped_and_spans_map_back_to_the_original() -> None:
    original = "call 555\u200b-201\u200d-3344 now"
    norm = normalize(original)
    start = norm.text.index("555")
    end = start + len("555-201-3344")
    assert norm.text[start:end] == "555-201-3344"
    o_start, o_end = norm.to_original(start, end)
    assert original[o_start:o_end] == "555\u200b-201\u200d-3344"


def test_cyrillic_homoglyphs_and_fullwidth_forms_are_mapped_to_ascii() -> None:
    norm = normalize("jоhn＠exаmple.com")  # Cyrillic o and a, full-width @
    assert norm.text == "john@example.com"


def test_deshout_title_cases_long_all_caps_words_and_keeps_length() -> None:
    text = "Patient JOHN SMITH, BP ok"
    out = deshout(text)
    assert out == "Patient John Smith, BP ok"
    assert len(out) == len(text)


def test_deshout_blanks_auditkit_tags_so_they_are_not_taken_for_names() -> None:
    text = "Call <PERSON> at <PHONE_NUMBER#0123456789abcdef>."
    out = deshout(text)
    assert len(out) == len(text)
    assert "PERSON" not in out and "PHONE" not in out
