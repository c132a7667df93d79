"""The synthetic corpus: reproducible, spans exact, PII varied, bias planted where promised."""

from __future__ import annotations

import re

import pytest

from auditkit.examples_data import Corpus, generate_corpus
from auditkit.examples_data._bias import ATYPICAL_SHARE
from auditkit.examples_data._clinical import ATYPICAL_URGENT, GENDERED
from auditkit.examples_data._generate import CSV_COLUMNS, ENTITIES
from auditkit.exceptions import UserInputError


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate_corpus(3000, seed=13)


def test_number_of_notes_is_respected() -> None:
    for n in (1, 7, 123):
        assert generate_corpus(n, seed=5).n == n


def test_ids_are_zero_padded_and_unique(corpus: Corpus) -> None:
    ids = [note.id for note in corpus.notes]
    assert ids[0] == "note-00001" and ids[-1] == "note-03000"
    assert len(set(ids)) == len(ids)


def test_same_seed_gives_identical_corpus() -> None:
    assert generate_corpus(200, seed=21) == generate_corpus(200, seed=21)


def test_other_seed_gives_different_notes() -> None:
    first, second = generate_corpus(200, seed=21), generate_corpus(200, seed=22)
    assert [n.text for n in first.notes] != [n.text for n in second.notes]


def test_every_span_points_at_its_value(corpus: Corpus) -> None:
    texts = {note.id: note.text for note in corpus.notes}
    for span in corpus.spans:
        assert texts[span.id][span.start:span.end] == span.value


def test_every_entity_type_appears(corpus: Corpus) -> None:
    assert {span.entity for span in corpus.spans} == set(ENTITIES)


def test_every_note_names_its_patient(corpus: Corpus) -> None:
    named = {span.id for span in corpus.spans if span.entity == "PERSON"}
    assert named == {note.id for note in corpus.notes}


def test_ssn_appears_in_about_one_note_in_ten(corpus: Corpus) -> None:
    with_ssn = {span.id for span in corpus.spans if span.entity == "US_SSN"}
    assert 0.06 < len(with_ssn) / corpus.n < 0.14


@pytest.mark.parametrize(
    ("entity", "pattern"),
    [
        ("PHONE_NUMBER", r"\(\d{3}\) 555-01\d\d|\d{3}-555-01\d\d|\d{3}\.555\.01\d\d|\+1[ -]\d{3}[ -]555[ -]01\d\d"),
        ("EMAIL_ADDRESS", r"[a-z_.0-9]+@example\.(com|org|net)"),
        ("US_SSN", r"(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}"),
        ("MEDICAL_RECORD_NUMBER", r"\d{7,8}|[A-Z]-\d{4,5}"),
    ],
)
def test_identifiers_use_only_fictional_ranges_and_known_formats(corpus: Corpus, entity: str, pattern: str) -> None:
    values = [span.value for span in corpus.spans if span.entity == entity]
    assert values
    assert all(re.fullmatch(pattern, value) for value in values)


def test_phone_numbers_come_in_several_formats(corpus: Corpus) -> None:
    phones = [span.value for span in corpus.spans if span.entity == "PHONE_NUMBER"]
    shapes = {re.sub(r"\d", "9", value) for value in phones}
    assert len(shapes) >= 5


def test_notes_are_short_single_lines(corpus: Corpus) -> None:
    words = [len(note.text.split()) for note in corpus.notes]
    assert min(words) >= 20 and max(words) <= 100
    assert 40 <= sum(words) / len(words) <= 90
    assert not any("\n" in note.text or "{" in note.text for note in corpus.notes)


def test_every_note_has_gendered_words_of_its_own_gender_only(corpus: Corpus) -> None:
    def words(gender: str) -> set[str]:
        return {w.rstrip(".") for key, ws in GENDERED[gender].items() if key[0].islower() for w in ws}

    own = {g: words(g) for g in GENDERED}
    for note in corpus.notes:
        tokens = set(re.findall(r"[A-Za-z]+", note.text.lower()))
        other = "male" if note.gender == "female" else "female"
        assert tokens & {w.lower() for w in own[note.gender]}, note.id
        assert not tokens & {w.lower() for w in own[other] - own[note.gender]}, note.id


def test_splits_follow_fixed_fractions(corpus: Corpus) -> None:
    counts = {s: sum(n.split == s for n in corpus.notes) for s in ("train", "validation", "test")}
    assert counts == {"train": 2100, "validation": 300, "test": 600}


def test_test_size_sets_the_test_split_and_splits_the_rest_seven_to_one() -> None:
    small = generate_corpus(960, seed=13, test_size=320)
    counts = {s: sum(n.split == s for n in small.notes) for s in ("train", "validation", "test")}
    assert counts == {"train": 560, "validation": 80, "test": 320}


@pytest.mark.parametrize("bad", [-1, 961, 2.5, True])
def test_bad_test_size_is_refused(bad: object) -> None:
    with pytest.raises(UserInputError, match="test split size"):
        generate_corpus(960, seed=13, test_size=bad)  # type: ignore[arg-type]


def test_atypical_presentations_are_mostly_older_womens(corpus: Corpus) -> None:
    urgent = [n for n in corpus.notes if n.presentation is not None]
    for gender, shares in ATYPICAL_SHARE.items():
        for band, share in shares.items():
            cell = [n for n in urgent if n.gender == gender and n.age_band == band]
            atypical = [n for n in cell if n.presentation == "atypical"]
            assert abs(len(atypical) / len(cell) - share) < 0.1, (gender, band)
            assert all(any(phrase in n.text for phrase in ATYPICAL_URGENT) for n in atypical)


def test_true_labels_follow_symptoms_alone(corpus: Corpus) -> None:
    for note in corpus.notes:
        assert (note.true_label == "urgent") == (note.presentation is not None)


def test_train_split_under_labels_urgent_women(corpus: Corpus) -> None:
    rates = corpus.bias.train_label_rate_by_group
    assert rates["male"] - rates["female"] > 0.1


def test_flips_concentrate_on_women_aged_65_and_over(corpus: Corpus) -> None:
    by_band, expected = corpus.bias.flip_rate_by_band, corpus.bias.flip_probability_by_band
    assert expected["65+"] > expected["18-39"] + 0.3 and expected["65+"] > expected["40-64"] + 0.3
    for band, rate in by_band.items():
        assert rate is not None and abs(rate - expected[band]) < 0.1, band


def test_test_split_has_no_planted_gap(corpus: Corpus) -> None:
    rates = corpus.bias.test_label_rate_by_group
    assert abs(rates["male"] - rates["female"]) < 0.03
    assert all(n.label == n.true_label for n in corpus.notes if n.split == "test")


def test_only_urgent_female_notes_in_biased_splits_are_flipped(corpus: Corpus) -> None:
    flipped = [n for n in corpus.notes if n.label != n.true_label]
    assert flipped
    assert all(n.gender == "female" and n.split in ("train", "validation") for n in flipped)
    assert all(n.true_label == "urgent" and n.label == "routine" for n in flipped)
    assert corpus.bias.n_flipped == len(flipped)
    assert 0.5 < (corpus.bias.flip_rate or 0.0) < 0.8


def test_frame_has_the_csv_columns_as_strings(corpus: Corpus) -> None:
    frame = corpus.to_frame()
    assert tuple(frame.columns) == CSV_COLUMNS
    assert len(frame) == corpus.n
    assert set(frame["label"]) == {"urgent", "routine"}
    assert set(frame["age_band"]) == {"18-39", "40-64", "65+"}


@pytest.mark.parametrize("bad_n", [0, -5, 2.5, "10", True])
def test_bad_number_of_notes_is_refused(bad_n: object) -> None:
    with pytest.raises(UserInputError, match="number of notes must be an integer"):
        generate_corpus(bad_n, seed=1)  # type: ignore[arg-type]


def test_non_integer_seed_is_refused() -> None:
    with pytest.raises(UserInputError, match="seed must be an integer"):
        generate_corpus(10, seed="13")  # type: ignore[arg-type]
