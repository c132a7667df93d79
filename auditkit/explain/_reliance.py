"""Sensitive-token reliance: how much of an explanation rests on identity terms.

For each example, reliance is the share of absolute attribution mass that falls
on words from a list of identity terms (by default gendered words). Averaged
over examples, overall and per sensitive group, with a bootstrap interval, it
links a fairness gap to its cause: a model that leans on "she" or "Mr" shows a
high share; a fairness-trained one should show less.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from auditkit.explain._stats import bootstrap_mean
from auditkit.scorecard import Metric
from auditkit.explain._words import normalise_word

__all__ = ["DEFAULT_IDENTITY_TERMS", "example_reliance", "group_reliance"]

DEFAULT_IDENTITY_TERMS: tuple[str, ...] = tuple(sorted({
    "he", "she", "him", "her", "his", "hers", "himself", "herself", "mr", "mrs", "ms", "miss", "sir", "madam",
    "man", "woman", "men", "women", "male", "female", "boy", "girl", "boys", "girls", "gentleman", "lady",
    "gentlemen", "ladies", "father", "mother", "husband", "wife", "son", "daughter", "brother", "sister",
    "dad", "mom", "mum", "uncle", "aunt", "nephew", "niece", "grandfather", "grandmother", "grandson",
    "granddaughter", "boyfriend", "girlfriend", "masculine", "feminine", "transgender", "nonbinary",
}))


def example_reliance(words: Sequence[str], scores: np.ndarray, terms: Iterable[str]) -> float:
    """Share of absolute attribution on identity ``terms`` in one example (NaN when all scores are 0)."""
    wanted = {normalise_word(t) for t in terms}
    mass = np.abs(np.asarray(scores, dtype=float))
    total = float(mass.sum())
    if not np.isfinite(total) or total <= 0.0:
        return float("nan")
    hits = np.fromiter((normalise_word(w) in wanted for w in words), dtype=bool, count=len(words))
    return float(mass[hits].sum() / total)


def group_reliance(
    shares: np.ndarray,
    groups: Mapping[str, np.ndarray],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    max_groups: int = 50,
) -> tuple[Metric, dict[str, dict[str, Metric]]]:
    """Mean reliance overall and per group of each sensitive attribute, with bootstrap intervals.

    An attribute with more than ``max_groups`` distinct values is reported as
    undefined (it is probably not a sensitive attribute) and its values are not written.
    """
    kw = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed, "what": "reliance"}
    overall = bootstrap_mean(shares, **kw)  # type: ignore[arg-type]
    by_group: dict[str, dict[str, Metric]] = {}
    for attr, values in groups.items():
        values = np.asarray(values, dtype=object)
        distinct = sorted({str(v) for v in values})
        if len(distinct) > max_groups:
            by_group[attr] = {"_all": Metric(None, reason=f"{len(distinct)} distinct values (over {max_groups})")}
            continue
        by_group[attr] = {g: bootstrap_mean(shares[values.astype(str) == g], **kw) for g in distinct}  # type: ignore[arg-type]
    return overall, by_group
