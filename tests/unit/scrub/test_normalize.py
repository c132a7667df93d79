"""Detection sees a cleaned copy of the text whose spans map back exactly."""

from __future__ import annotations

from auditkit.scrub._normalize import deshout, normalize, open_tags, truecase


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


def test_open_tags_blanks_only_the_exact_tags_this_run_wrote() -> None:
    text = "Call <PERSON> at <PHONE_NUMBER#0123456789abcdef>."
    out = open_tags(text, {"<PERSON>", "<PHONE_NUMBER#0123456789abcdef>"})
    assert len(out) == len(text)
    assert "PERSON" not in out and "PHONE" not in out


def test_open_tags_opens_tag_shaped_identifiers_it_did_not_write() -> None:
    text = "Call <PHONE_4155550199>, <SSN_578233778> or <ann_lee@example.org>."
    out = open_tags(text, {"<PERSON>"})
    assert len(out) == len(text)
    assert out.split() == ["Call", "PHONE", "4155550199", ",", "SSN", "578233778", "or", "ann_lee@example.org", "."]


def test_open_tags_does_not_exempt_a_tag_that_only_looks_like_one_of_ours() -> None:
    assert open_tags("<PERSON_0123456789>", {"<PERSON_9876543210>"}).split() == ["PERSON", "0123456789"]


def test_truecase_rewrites_one_case_lines_and_leaves_mixed_case_lines_alone() -> None:
    words = frozenset({"hey", "its", "my", "number", "is", "i", "live", "at", "name"})
    text = "Mixed Case Line stays\nhey its priya sharma, my number is 5\nMY NAME IS JOHN SMITH"
    view = truecase(text, words)
    assert len(view.text) == len(text)
    assert view.text.splitlines() == ["Mixed Case Line stays", "hey its Priya Sharma, my number is 5", "my name is John Smith"]
    assert view.mono == ((22, 58), (59, 80))


def test_truecase_keeps_contractions_lower_case_and_needs_a_word_list() -> None:
    assert truecase("i don't know", frozenset({"i", "know"})).text == "i don't know"
    assert truecase("hey priya", frozenset()).text == "hey priya"
