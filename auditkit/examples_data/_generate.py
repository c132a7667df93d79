"""Seeded generation of the synthetic clinical triage corpus.

:func:`generate_corpus` draws each note from three independent seeded streams
(note content, split assignment, label flips), so the same ``(n, seed)`` always
gives the same notes, spans and labels, and the split of a note does not change
its wording. The planted bias flips urgent labels of female patients to
``routine`` in the historically labelled splits (train and validation) only,
with a probability that depends on the presentation; since most urgent notes of
women aged 65+ are atypical presentations, the most flipped, it is concentrated
on them.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from auditkit.examples_data import _clinical as C
from auditkit.examples_data._bias import (
    ATYPICAL_SHARE,
    BIASED_SPLITS,
    FLIP_PROBABILITY,
    GENERATOR_VERSION,
    BiasPlant,
    summarise_bias,
)
from auditkit.examples_data._lexicon import FEMALE_FIRST_NAMES, LAST_NAMES, MALE_FIRST_NAMES
from auditkit.examples_data._pii import (
    REFERENCE_DATE,
    fake_address,
    fake_dob,
    fake_email,
    fake_mrn,
    fake_phone,
    fake_ssn,
)
from auditkit.exceptions import UserInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_COLUMNS",
    "Corpus",
    "ENTITIES",
    "MAX_NOTES",
    "Note",
    "PiiSpan",
    "generate_corpus",
]

MAX_NOTES = 1_000_000
CSV_COLUMNS: tuple[str, ...] = ("id", "text", "label", "gender", "age_band", "split")
ENTITIES: tuple[str, ...] = (
    "PERSON", "DATE_OF_BIRTH", "PHONE_NUMBER", "EMAIL_ADDRESS",
    "MEDICAL_RECORD_NUMBER", "STREET_ADDRESS", "US_SSN",
)
SPLIT_FRACTIONS: tuple[tuple[str, float], ...] = (("train", 0.7), ("validation", 0.1), ("test", 0.2))
#: (band, youngest, oldest, share of patients, probability the case is truly urgent)
AGE_BANDS: tuple[tuple[str, int, int, float, float], ...] = (
    ("18-39", 18, 39, 0.35, 0.30),
    ("40-64", 40, 64, 0.40, 0.40),
    ("65+", 65, 92, 0.25, 0.50),
)
#: Probability that a note mentions each identifier (PERSON is always present).
PII_RATES: tuple[tuple[str, float], ...] = (
    ("DATE_OF_BIRTH", 0.9), ("MEDICAL_RECORD_NUMBER", 0.85), ("PHONE_NUMBER", 0.85),
    ("EMAIL_ADDRESS", 0.6), ("STREET_ADDRESS", 0.7), ("US_SSN", 0.1),
)
_FIELD_ENTITY = {"PERSON": "PERSON", "SURNAME": "PERSON", **{e: e for e in ENTITIES}}
_FORMATTER = string.Formatter()
Gender = Literal["female", "male"]


@dataclass(frozen=True)
class PiiSpan:
    """One inserted fake identifier: ``text[start:end] == value`` in note ``id``."""

    id: str
    start: int
    end: int
    entity: str
    value: str
    column: str = "text"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with the ``pii_spans.jsonl`` keys."""
        return {"id": self.id, "column": self.column, "start": self.start, "end": self.end,
                "entity": self.entity, "value": self.value}


@dataclass(frozen=True)
class Note:
    """One synthetic triage note with its observed and true (symptom) labels."""

    id: str
    text: str
    label: str
    true_label: str
    gender: str
    age_band: str
    split: str
    presentation: str | None = None


@dataclass(frozen=True)
class Corpus:
    """The generated corpus: notes in id order, their PII spans, and what bias was planted."""

    notes: tuple[Note, ...]
    spans: tuple[PiiSpan, ...]
    bias: BiasPlant
    seed: int
    n: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", len(self.notes))

    def to_frame(self) -> pd.DataFrame:
        """The notes as a DataFrame with the ``clinical_notes.csv`` columns (all ``str``)."""
        import pandas as pd

        rows = [{c: getattr(note, c) for c in CSV_COLUMNS} for note in self.notes]
        return pd.DataFrame(rows, columns=list(CSV_COLUMNS)).astype(str)


class _TextBuilder:
    """Concatenates filled templates while recording the spans of identifier fields."""

    def __init__(self, note_id: str) -> None:
        self._id = note_id
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[PiiSpan] = []

    def add(self, template: str, fields: Mapping[str, str]) -> None:
        if self._parts:
            self._append(" ")
        for literal, name, _spec, _conv in _FORMATTER.parse(template):
            self._append(literal)
            if name is None:
                continue
            value = fields[name]
            if name in _FIELD_ENTITY:
                self.spans.append(PiiSpan(self._id, self._length, self._length + len(value),
                                          _FIELD_ENTITY[name], value))
            self._append(value)

    def _append(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    @property
    def text(self) -> str:
        return "".join(self._parts)


def _check_args(n: object, seed: object, test_size: object = None) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_NOTES:
        raise UserInputError(
            f"number of notes must be an integer from 1 to {MAX_NOTES}; got {type(n).__name__} "
            f"{n if isinstance(n, int) else ''}".rstrip() + "; pass e.g. --n 3000")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UserInputError(f"seed must be an integer; got {type(seed).__name__}; pass e.g. --seed 13")
    if test_size is not None and (isinstance(test_size, bool) or not isinstance(test_size, int)
                                  or not 0 <= test_size <= n):
        raise UserInputError(f"test split size must be an integer from 0 to the number of notes ({n}); "
                             f"got {test_size!r}; pass e.g. --test-size 320")


_URGENT_POOLS = {"dismissed": C.DISMISSED_URGENT, "other": C.OTHER_URGENT, "atypical": C.ATYPICAL_URGENT}


def _symptoms(rng: random.Random, urgent: bool, atypical_share: float) -> tuple[list[str], str | None]:
    presentation = None
    symptoms = rng.sample(C.ROUTINE_SYMPTOMS, 1 + (rng.random() < (0.4 if urgent else 0.5)))
    if urgent:
        presentation = "atypical" if rng.random() < atypical_share else rng.choice(("dismissed", "other"))
        pool = _URGENT_POOLS[presentation]
        symptoms[0 if rng.random() < 0.6 else -1] = rng.choice(pool)
    return symptoms, presentation


def _gender_fields(rng: random.Random, gender: Gender) -> dict[str, str]:
    return {key: rng.choice(words) for key, words in C.GENDERED[gender].items()}


def _identity(rng: random.Random, gender: Gender, age: int) -> dict[str, str]:
    first = rng.choice(FEMALE_FIRST_NAMES if gender == "female" else MALE_FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    fields = {"PERSON": f"{first} {last}", "SURNAME": last, "age": str(age)}
    fields["DATE_OF_BIRTH"] = fake_dob(rng, age)
    fields["MEDICAL_RECORD_NUMBER"] = fake_mrn(rng)
    fields["PHONE_NUMBER"] = fake_phone(rng)
    fields["EMAIL_ADDRESS"] = fake_email(rng, first, last, REFERENCE_DATE.year - age)
    fields["STREET_ADDRESS"] = fake_address(rng)
    fields["US_SSN"] = fake_ssn(rng)
    return fields


def _compose(rng: random.Random, note_id: str, fields: dict[str, str],
             symptoms: list[str]) -> _TextBuilder:
    ids = [entity for entity, rate in PII_RATES if rng.random() < rate]
    rng.shuffle(ids)
    id_sentences = [(rng.choice(C.ID_CLAUSES[e]), {}) for e in ids]
    onset = rng.choice(C.ONSETS)
    body: list[tuple[str, dict[str, str]]] = [
        (rng.choice(C.SYMPTOM_SENTENCES), {"symptom": symptoms[0], "onset": onset})]
    body += [(rng.choice(C.SECOND_SYMPTOM), {"symptom": s}) for s in symptoms[1:]]
    if rng.random() < 0.3:
        body.append((rng.choice(C.ADMIN_SENTENCES), {"request": rng.choice(C.ADMIN_REQUESTS)}))
    extras = [(rng.choice(C.CONTEXTS), {})] if rng.random() < 0.6 else []
    extras += [(rng.choice(C.HISTORY), {})] if rng.random() < 0.5 else []
    order = [id_sentences, body] if rng.random() < 0.6 else [body, id_sentences]
    sentences = [(rng.choice(C.OPENINGS), {})] + order[0] + order[1] + extras
    sentences.append((rng.choice(C.CLOSINGS), {}))
    builder = _TextBuilder(note_id)
    for template, extra in sentences:
        builder.add(template, {**fields, **extra})
    return builder


def _split_counts(n: int, test_size: int | None) -> list[int]:
    """Train and validation counts: the fixed fractions of ``n``, or of the notes left after ``test_size``."""
    if test_size is None:
        return [round(fraction * n) for _name, fraction in SPLIT_FRACTIONS[:-1]]
    rest = n - test_size
    shares = [fraction for _name, fraction in SPLIT_FRACTIONS[:-1]]
    train = round(rest * shares[0] / sum(shares))
    return [train, rest - train]


def _assign_splits(n: int, seed: int, test_size: int | None = None) -> list[str]:
    counts = _split_counts(n, test_size)
    names = [name for name, _f in SPLIT_FRACTIONS]
    labels = [names[0]] * counts[0] + [names[1]] * counts[1]
    labels += [names[2]] * (n - len(labels))
    random.Random(f"auditkit-examples-split-{seed}").shuffle(labels)
    return labels[:n]


def _allocate(total: int, shares: list[float]) -> list[int]:
    """Split ``total`` into integer counts proportional to ``shares`` (largest remainder, ties by order)."""
    raw = [total * share for share in shares]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(shares)), key=lambda k: (-(raw[k] - counts[k]), k))
    for k in by_remainder[: total - sum(counts)]:
        counts[k] += 1
    return counts


def _profiles(splits: list[str], seed: int) -> list[tuple[Gender, int, bool]]:
    """Per note (gender, age-band index, truly urgent), stratified within each split.

    Within a split, genders are balanced, age bands follow their shares within each
    gender, and the true urgent rate of each (gender, band) cell is its band's rate,
    so the symptom labels carry no gender gap beyond rounding.
    """
    rng = random.Random(f"auditkit-examples-profile-{seed}")
    pools: dict[str, list[tuple[Gender, int, bool]]] = {}
    for split, _fraction in SPLIT_FRACTIONS:
        size = splits.count(split)
        genders: list[Gender] = ["female", "male"] if rng.random() < 0.5 else ["male", "female"]
        pool: list[tuple[Gender, int, bool]] = []
        for gender, g_count in zip(genders, _allocate(size, [0.5, 0.5])):
            for band, b_count in enumerate(_allocate(g_count, [b[3] for b in AGE_BANDS])):
                urgent = round(b_count * AGE_BANDS[band][4])
                pool += [(gender, band, k < urgent) for k in range(b_count)]
        rng.shuffle(pool)
        pools[split] = pool
    return [pools[split].pop() for split in splits]


def generate_corpus(n: int = 3000, *, seed: int = 13, test_size: int | None = None) -> Corpus:
    """Generate ``n`` synthetic clinical triage notes from ``seed``.

    Parameters
    ----------
    n : int, default 3000
        Number of notes (1 to :data:`MAX_NOTES`).
    seed : int, default 13
        Seed of every random draw; the same ``(n, seed)`` gives an identical corpus.
    test_size : int, optional
        Number of test notes. By default the splits are 70/10/20 % of ``n``; with
        ``test_size`` the test split has that many notes and the rest is split
        7:1 into train and validation (so a larger test split need not grow train).

    Returns
    -------
    Corpus
        Notes (ids ``note-00001``...), the spans of every inserted fake identifier,
        and a :class:`BiasPlant` describing the planted under-triage.

    Raises
    ------
    UserInputError
        If ``n`` is not an integer in range, ``seed`` is not an integer or
        ``test_size`` is not an integer from 0 to ``n``.
    """
    _check_args(n, seed, test_size)
    rng = random.Random(f"auditkit-examples-notes-{seed}")
    flip_rng = random.Random(f"auditkit-examples-flip-{seed}")
    splits = _assign_splits(n, seed, test_size)
    width = max(5, len(str(n)))
    notes: list[Note] = []
    spans: list[PiiSpan] = []
    for i, (split, (gender, band_index, urgent)) in enumerate(zip(splits, _profiles(splits, seed)), start=1):
        note_id = f"note-{i:0{width}d}"
        band, youngest, oldest = AGE_BANDS[band_index][:3]
        age = rng.randint(youngest, oldest)
        symptoms, presentation = _symptoms(rng, urgent, ATYPICAL_SHARE[gender][band])
        fields = {**_identity(rng, gender, age), **_gender_fields(rng, gender)}
        builder = _compose(rng, note_id, fields, symptoms)
        true_label = "urgent" if urgent else "routine"
        flip_draw = flip_rng.random()
        flipped = (urgent and gender == "female" and split in BIASED_SPLITS
                   and presentation is not None and flip_draw < FLIP_PROBABILITY[presentation])
        notes.append(Note(note_id, builder.text, "routine" if flipped else true_label, true_label,
                          gender, band, split, presentation))
        spans.extend(builder.spans)
    return Corpus(tuple(notes), tuple(spans), summarise_bias(notes, seed=seed), seed)
