"""Counterfactual term-swap test.

Swap identity terms in each text (he <-> she, Mr <-> Mrs, gendered names, ...),
predict again, and measure how often the predicted class flips and how far the
scores move. A model that does not use identity should be unmoved. Swaps are
case-preserving (``He`` -> ``She``, ``HE`` -> ``SHE``) and on word boundaries.
Each pair is tested alone on the texts it affects; ``"all"`` swaps every pair at once.
The test is bounded: it runs on at most ``max_texts`` affected texts (a seeded
sample, recorded as ``sampled_from``), and every distinct text is scored once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.scorecard import Metric
from auditkit.exceptions import FairnessError

__all__ = ["DEFAULT_PAIRS", "PairSwapResult", "TermSwapResult", "swap_terms", "term_swap"]

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("he", "she"),
    ("his", "her"),
    ("him", "her"),
    ("himself", "herself"),
    ("mr", "mrs"),
    ("man", "woman"),
    ("men", "women"),
    ("male", "female"),
    ("boy", "girl"),
    ("father", "mother"),
    ("husband", "wife"),
    ("son", "daughter"),
    ("brother", "sister"),
)

PredictFn = Callable[[list[str]], np.ndarray]


def _match_case(source: str, target: str) -> str:
    if source.isupper() and len(source) > 1:
        return target.upper()
    if source[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


def swap_terms(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Swap every term of ``pairs`` in both directions, case-preserving, on word boundaries.

    When a term appears in several pairs (``her`` in his/her and him/her) the first pair wins.

    Examples
    --------
    >>> swap_terms("He said Mr. Smith saw HIS wife", [("he", "she"), ("mr", "mrs"), ("his", "her")])
    'She said Mrs. Smith saw HER wife'
    """
    mapping: dict[str, str] = {}
    for a, b in pairs:
        mapping.setdefault(a.lower(), b.lower())
        mapping.setdefault(b.lower(), a.lower())
    if not mapping:
        return text
    pattern = _compile(tuple(mapping))
    return pattern.sub(lambda m: _match_case(m.group(0), mapping[m.group(0).lower()]), text)


def _compile(terms: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class PairSwapResult:
    """Effect of swapping one pair (or all pairs) on the texts it affects.

    Attributes
    ----------
    n_affected:
        Texts containing a term of the pair.
    flip_rate:
        Share of affected texts whose predicted class changes.
    mean_abs_score_change:
        Mean over affected texts of the largest absolute class-probability change.
    """

    n_affected: int
    flip_rate: Metric
    mean_abs_score_change: Metric

    def to_dict(self) -> dict[str, Any]:
        """Scorecard form."""
        return {
            "n": self.n_affected,
            "flip_rate": self.flip_rate.to_dict(),
            "mean_abs_score_change": self.mean_abs_score_change.to_dict(),
        }


@dataclass(frozen=True)
class TermSwapResult:
    """Term-swap results per pair (``"he/she"``) and overall (``"all"``)."""

    pairs: dict[str, PairSwapResult] = field(default_factory=dict)
    overall: PairSwapResult | None = None
    sampled_from: int | None = None

    def to_scorecard(self) -> dict[str, Any]:
        """``{"status": "ok", "flip_rate": leaf, "mean_abs_score_change": leaf, "n": int, "pairs": {...}}``.

        ``sampled_from`` (the number of affected texts) is added when only a sample was tested.
        """
        if self.overall is None:
            return {"status": "not_run", "reason": "no text mentions a swappable term"}
        out: dict[str, Any] = {"status": "ok", **self.overall.to_dict()}
        out["pairs"] = {name: res.to_dict() for name, res in self.pairs.items()}
        if self.sampled_from is not None:
            out["sampled_from"] = self.sampled_from
        return out


def _effect(flips: np.ndarray, change: np.ndarray, n_boot: int, seed: int, confidence: float) -> PairSwapResult:
    n = int(flips.shape[0])
    if n == 0:
        empty = Metric.undefined("no text contains a term of this pair")
        return PairSwapResult(0, empty, empty)
    samples = {"flip": [], "change": []}
    for counts in count_chunks(n, n_boot, seed=seed) if n_boot > 0 else ():
        samples["flip"].append(counts @ flips / n)
        samples["change"].append(counts @ change / n)

    def est(values: np.ndarray, key: str) -> Metric:
        low, high = percentile_interval(np.concatenate(samples[key]), confidence) if samples[key] else (None, None)
        return Metric(float(values.mean()), low, high, None)

    return PairSwapResult(n, est(flips.astype(float), "flip"), est(change, "change"))


def term_swap(
    predict_fn: PredictFn,
    texts: Sequence[str],
    pairs: Sequence[tuple[str, str]] = DEFAULT_PAIRS,
    *,
    name_pairs: Sequence[tuple[str, str]] = (),
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    max_texts: int | None = None,
) -> TermSwapResult:
    """Measure prediction flips and score changes when identity terms are swapped.

    Parameters
    ----------
    predict_fn:
        ``predict_fn(list_of_texts) -> (n, n_labels)`` class probabilities, batched by the caller.
    texts:
        Texts to perturb (typically the test split).
    pairs:
        Term pairs swapped both ways, e.g. ``[("he", "she"), ("mr", "mrs")]``.
    name_pairs:
        Pairs of gendered first names (``[("James", "Mary"), ...]``), reported together as ``"names"``.
    n_boot, seed, confidence:
        Bootstrap settings for the intervals (``seed`` also draws the sample).
    max_texts:
        Test at most this many of the texts that hold a swappable term (a seeded
        sample without replacement); ``None`` tests them all.

    Returns
    -------
    TermSwapResult
        Per pair ``"a/b"``, ``"names"`` and overall: texts affected, flip rate, mean absolute score change.
    """
    texts = list(texts)
    if any(not isinstance(t, str) for t in texts):
        raise FairnessError("term_swap texts must all be str; got a non-string entry")
    entries: dict[str, list[tuple[str, str]]] = {f"{a}/{b}": [(a, b)] for a, b in pairs}
    if name_pairs:
        entries["names"] = list(name_pairs)
    all_pairs = [p for group in entries.values() for p in group]
    if not all_pairs or not texts:
        return TermSwapResult()
    affected = [t for t in texts if swap_terms(t, all_pairs) != t]  # a text no pair changes is never tested
    sampled_from = None
    if max_texts is not None and len(affected) > max_texts:
        chosen = np.random.default_rng(seed).choice(len(affected), size=max_texts, replace=False)
        affected, sampled_from = [affected[i] for i in np.sort(chosen)], len(affected)
    swapped = {name: [swap_terms(t, group) for t in affected] for name, group in [*entries.items(), ("all", all_pairs)]}
    score = _scorer(predict_fn, [affected, *swapped.values()])
    base = score(affected)
    results = {}
    for name, variant in swapped.items():
        idx = np.array([i for i, (a, b) in enumerate(zip(affected, variant)) if a != b], dtype=int)
        if idx.size == 0:
            results[name] = _effect(np.zeros(0), np.zeros(0), 0, seed, confidence)
            continue
        new = score([variant[i] for i in idx])
        flips = (new.argmax(axis=1) != base[idx].argmax(axis=1)).astype(float)
        change = np.abs(new - base[idx]).max(axis=1)
        results[name] = _effect(flips, change, n_boot, seed, confidence)
    overall = results.pop("all")
    return TermSwapResult(results, overall if overall.n_affected else None, sampled_from)


def _scorer(predict_fn: PredictFn, batches: list[list[str]]) -> Callable[[list[str]], np.ndarray]:
    """Score every distinct text of ``batches`` in one call; return a lookup for lists of them."""
    unique = list(dict.fromkeys(t for batch in batches for t in batch))
    scores = np.asarray(predict_fn(unique), dtype=np.float64) if unique else np.zeros((0, 0))
    row = {t: i for i, t in enumerate(unique)}
    return lambda batch: scores[[row[t] for t in batch]]
