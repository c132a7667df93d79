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

__all__ = ["BIASED_SPLITS", "FLIP_PROBABILITY", "GENERATOR_VERSION", "BiasPlant", "summarise_bias"]

#: Bump when any change alters the corpus written for a given ``(n, seed)``.
#: 2: flips concentrated on women aged 65+ (age-band-specific flip probabilities).
GENERATOR_VERSION = 2
#: Splits labelled "historically" and therefore carrying the plant; test is labelled by symptoms.
BIASED_SPLITS: tuple[str, ...] = ("train", "validation")
#: Probability that a truly urgent female note in a biased split is labelled routine, by age
#: band then presentation. The under-triage is concentrated on older women: nearly every urgent
#: note of a woman aged 65+ is labelled routine, far fewer of younger women's, so it is an
#: intersectional (gender x age band) bias that a gender-only constraint does not see whole.
FLIP_PROBABILITY: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "18-39": MappingProxyType({"dismissed": 0.9, "other": 0.4}),
    "40-64": MappingProxyType({"dismissed": 0.9, "other": 0.4}),
    "65+": MappingProxyType({"dismissed": 1.0, "other": 0.9}),
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
    flip_probability_by_band : dict
        Generator setting: flip probability per age band for ``dismissed``
        (cardiac and pain) and ``other`` urgent presentations.
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
    flip_probability_by_band: dict[str, dict[str, float]]
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


def summarise_bias(notes: Sequence[_NoteLike], *, seed: int) -> BiasPlant:
    """Measure the planted bias on ``notes`` and describe it as a :class:`BiasPlant`."""
    exposed = [nt for nt in notes if nt.split in BIASED_SPLITS and nt.gender == "female"
               and nt.true_label == "urgent"]
    flipped = sum(nt.label != nt.true_label for nt in exposed)
    by_band: dict[str, float | None] = {}
    for band in FLIP_PROBABILITY:
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
        flip_probability_by_band={band: dict(probs) for band, probs in FLIP_PROBABILITY.items()},
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
