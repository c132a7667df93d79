"""What the generator planted, measured on the corpus it produced.

:class:`BiasPlant` is written as ``bias.json``. Rates are measured on the notes,
not copied from the generator's settings, so a test can check the plant is there
(a lower urgent-label rate for women in train, concentrated on women aged 65+)
and absent where it must be (test). A rate over an empty group is ``None``, never ``0.0``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any, Protocol

from auditkit.examples_data._clinical import GENDERED_TERM_PAIRS

__all__ = ["ATYPICAL_SHARE", "BIASED_SPLITS", "FLIP_PROBABILITY", "GENERATOR_VERSION", "BiasPlant", "summarise_bias"]

#: Bump when any change alters the corpus written for a given ``(n, seed)``.
#: 2: flips concentrated on women aged 65+ (age-band-specific flip probabilities).
#: 3: atypical presentations, common in women aged 65+ and flipped most, concentrate the plant on them.
GENERATOR_VERSION = 3
#: Splits labelled "historically" and therefore carrying the plant; test is labelled by symptoms.
BIASED_SPLITS: tuple[str, ...] = ("train", "validation")
#: Probability that a truly urgent female note in a biased split is labelled routine, by presentation.
FLIP_PROBABILITY: Mapping[str, float] = MappingProxyType({"dismissed": 0.5, "other": 0.2, "atypical": 0.95})
#: Share of truly urgent notes that are ``atypical`` presentations, by gender then age band (the
#: rest are ``dismissed`` or ``other``, half each). Women aged 65+ mostly present atypically, so
#: the historic under-triage concentrates on them: an intersectional (gender x age band) bias,
#: carried by symptom wording rather than gendered words, and nearly erased from the training
#: labels, so a gender-only constraint measured on those labels does not see it.
ATYPICAL_SHARE: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "female": MappingProxyType({"18-39": 0.1, "40-64": 0.1, "65+": 0.8}),
    "male": MappingProxyType({"18-39": 0.05, "40-64": 0.05, "65+": 0.05}),
})
_GROUPS = ("female", "male")


class _NoteLike(Protocol):
    label: str
    true_label: str
    gender: str
    age_band: str
    split: str
    presentation: str | None


@dataclass(frozen=True)
class BiasPlant:
    """The planted historic under-triage and the label rates it produced.

    Attributes
    ----------
    flip_rate : float or None
        Share of truly urgent ``disadvantaged_group`` notes in ``biased_splits``
        that carry the ``routine`` label (``None`` if there are none).
    flip_rate_by_band : dict
        The same share per age band (``None`` for a band with no such notes).
    flip_probability_by_presentation : dict
        Generator setting: flip probability for ``dismissed`` (cardiac and pain),
        ``atypical`` and ``other`` urgent presentations.
    atypical_share_by_group : dict
        Generator setting: share of urgent notes presenting atypically, per gender then age band.
    flip_probability_by_band : dict
        What the two settings imply: the probability that a truly urgent female
        note of each age band in a biased split is flipped.
    train_label_rate_by_group, validation_label_rate_by_group, test_label_rate_by_group : dict
        Share of notes labelled ``positive_label`` per group, as written.
    true_label_rate_by_split : dict
        Same shares by the symptom (true) labels, per split then group.
    gendered_terms : list of str
        Every gendered word the templates use; ``gendered_term_pairs`` pairs
        them as (female, male) for counterfactual swaps.
    """

    attribute: str
    disadvantaged_group: str
    positive_label: str
    biased_splits: list[str]
    flip_rate: float | None
    n_flipped: int
    flip_rate_by_band: dict[str, float | None]
    flip_probability_by_presentation: dict[str, float]
    atypical_share_by_group: dict[str, dict[str, float]]
    flip_probability_by_band: dict[str, float]
    train_label_rate_by_group: dict[str, float | None]
    validation_label_rate_by_group: dict[str, float | None]
    test_label_rate_by_group: dict[str, float | None]
    true_label_rate_by_split: dict[str, dict[str, float | None]]
    gendered_terms: list[str]
    gendered_term_pairs: list[list[str]]
    n: int
    seed: int
    generator_version: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (the content of ``bias.json``)."""
        return asdict(self)


def _rate(notes: Sequence[_NoteLike], split: str, group: str, *, true: bool) -> float | None:
    chosen = [nt for nt in notes if nt.split == split and nt.gender == group]
    if not chosen:
        return None
    hits = sum((nt.true_label if true else nt.label) == "urgent" for nt in chosen)
    return round(hits / len(chosen), 4)


def _expected_flip(atypical_share: float) -> float:
    """Flip probability of a truly urgent female note whose band presents atypically with this share."""
    typical = (FLIP_PROBABILITY["dismissed"] + FLIP_PROBABILITY["other"]) / 2
    return round(atypical_share * FLIP_PROBABILITY["atypical"] + (1 - atypical_share) * typical, 4)


def summarise_bias(notes: Sequence[_NoteLike], *, seed: int) -> BiasPlant:
    """Measure the planted bias on ``notes`` and describe it as a :class:`BiasPlant`."""
    exposed = [nt for nt in notes if nt.split in BIASED_SPLITS and nt.gender == "female"
               and nt.true_label == "urgent"]
    flipped = sum(nt.label != nt.true_label for nt in exposed)
    by_band: dict[str, float | None] = {}
    for band in ATYPICAL_SHARE["female"]:
        in_band = [nt for nt in exposed if nt.age_band == band]
        by_band[band] = (round(sum(nt.label != nt.true_label for nt in in_band) / len(in_band), 4)
                         if in_band else None)
    by_split: Mapping[str, dict[str, float | None]] = {
        split: {g: _rate(notes, split, g, true=False) for g in _GROUPS}
        for split in ("train", "validation", "test")}
    return BiasPlant(
        attribute="gender",
        disadvantaged_group="female",
        positive_label="urgent",
        biased_splits=list(BIASED_SPLITS),
        flip_rate=round(flipped / len(exposed), 4) if exposed else None,
        n_flipped=flipped,
        flip_rate_by_band=by_band,
        flip_probability_by_presentation=dict(FLIP_PROBABILITY),
        atypical_share_by_group={g: dict(shares) for g, shares in ATYPICAL_SHARE.items()},
        flip_probability_by_band={band: _expected_flip(share) for band, share in ATYPICAL_SHARE["female"].items()},
        train_label_rate_by_group=by_split["train"],
        validation_label_rate_by_group=by_split["validation"],
        test_label_rate_by_group=by_split["test"],
        true_label_rate_by_split={split: {g: _rate(notes, split, g, true=True) for g in _GROUPS}
                                  for split in ("train", "validation", "test")},
        gendered_terms=sorted({term for pair in GENDERED_TERM_PAIRS for term in pair}),
        gendered_term_pairs=[list(pair) for pair in GENDERED_TERM_PAIRS],
        n=len(notes),
        seed=seed,
        generator_version=GENERATOR_VERSION,
    )
