"""Robustness of a classifier to label-preserving perturbations, per sensitive group.

Each perturbation of :mod:`auditkit.evaluate._perturb` is applied to the test
texts; on the texts it changes ("affected") the model predicts again and the
suite measures how often the predicted class flips, how accuracy and macro F1
move, and how far the class probabilities move. The same is measured per group
of every sensitive attribute, and the **robustness gap** is the largest
difference in flip rate (and in accuracy change) between groups: a model that
breaks more for one group is a fairness finding.

Flip rates are proportions, so their intervals are Wilson score intervals and
the flip-rate gap uses the Newcombe pairwise intervals of
:mod:`auditkit.evaluate._gap_interval` (a percentile bootstrap of 0 flips would
claim ``[0, 0]``). Changes in accuracy, macro F1 and scores are paired (the same
texts before and after) and get a percentile bootstrap over texts; their gap
combines per-group bootstraps pairwise, Bonferroni-adjusted, like the flip-rate
gap. A group with fewer affected texts than ``min_group_size`` is shown, flagged
and left out of the gaps; a gap over fewer than two groups is undefined.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.evaluate._fairness_result import GroupResult
from auditkit.evaluate._gap_interval import absolute_interval, gap_interval, minimum_detectable_gap, wilson_interval
from auditkit.evaluate._gap_interval import _z as z_value
from auditkit.evaluate._perturb import DEFAULT_PERTURBATIONS, perturb_texts
from auditkit.exceptions import FairnessError
from auditkit.scorecard import Metric

__all__ = ["NO_TEXT_CHANGED", "TOO_FEW", "PerturbationResult", "RobustnessAttribute", "RobustnessResult", "assess_robustness"]

PredictFn = Callable[[list[str]], np.ndarray]
NO_TEXT_CHANGED = "no test text is changed by this perturbation"
TOO_FEW = "changed {n} test text(s), fewer than min_group_size={minimum}: too few to measure"


@dataclass(frozen=True)
class RobustnessAttribute:
    """Per-group robustness of one sensitive attribute and the gaps between its groups."""

    groups: dict[str, GroupResult]
    gaps: dict[str, Metric]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Scorecard form: ``{"groups": {...}, "flip_rate_gap": leaf, "accuracy_change_gap": leaf, "notes": [...]}``."""
        out: dict[str, Any] = {"groups": {name: g.to_dict() for name, g in self.groups.items()}}
        out.update({name: m.to_dict() for name, m in self.gaps.items()})
        out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class PerturbationResult:
    """Effect of one perturbation on the texts it changes, overall and per group."""

    n: int
    metrics: dict[str, Metric]
    attributes: dict[str, RobustnessAttribute] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Scorecard form: ``{"n", <metric>: leaf, ..., "attributes": {...}}``."""
        out: dict[str, Any] = {"n": self.n, **{k: m.to_dict() for k, m in self.metrics.items()}}
        out["attributes"] = {name: attr.to_dict() for name, attr in self.attributes.items()}
        return out


@dataclass(frozen=True)
class RobustnessResult:
    """The outcome of :func:`assess_robustness`."""

    perturbations: dict[str, PerturbationResult]
    skipped: dict[str, str]
    n: int
    settings: dict[str, Any]
    sampled_from: int | None = None

    def to_scorecard(self) -> dict[str, Any]:
        """The ``robustness`` section (``not_run`` with a reason when no perturbation changed any text)."""
        if not self.perturbations:
            return {"status": "not_run", "reason": "no perturbation changed any test text", "skipped": self.skipped}
        out: dict[str, Any] = {"status": "ok", "n": self.n, **self.settings}
        out["perturbations"] = {name: res.to_dict() for name, res in self.perturbations.items()}
        out["skipped"] = dict(self.skipped)
        if self.sampled_from is not None:
            out["sampled_from"] = self.sampled_from
        return out


def _macro_f1(weights: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Macro F1 per row of ``weights`` (``k x n``) over ``classes``; NaN when no class is defined."""
    tp = np.stack([weights @ ((y_true == c) & (y_pred == c)) for c in classes], axis=1)
    denom = np.stack([weights @ (y_true == c) + weights @ (y_pred == c) for c in classes], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(denom > 0, 2.0 * tp / denom, np.nan)
    defined = np.isfinite(f1)
    count = defined.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, np.where(defined, f1, 0.0).sum(axis=1) / count, np.nan)


def _paired(stats: Callable[[np.ndarray], np.ndarray], n: int, n_boot: int, seed: int,
            confidence: float) -> tuple[Metric, np.ndarray]:
    """A statistic of weights, its point value, percentile interval, and the bootstrap samples."""
    point = float(stats(np.ones((1, n)))[0])
    samples = np.concatenate([stats(c) for c in count_chunks(n, n_boot, seed=seed)]) if n_boot > 0 else np.zeros(0)
    low, high = percentile_interval(samples, confidence) if samples.size else (None, None)
    reason = None if samples.size else "no bootstrap (bootstrap: 0); no interval"
    if not np.isfinite(point):
        return Metric.undefined("undefined on these texts (no class has a true or predicted example)", n=n), samples
    return Metric(point, low, high, reason, n), samples


def _flip_rate(flips: np.ndarray, confidence: float) -> Metric:
    n = int(flips.size)
    if n == 0:
        return Metric.undefined("no affected text in this group", n=0)
    low, high = wilson_interval(np.array(flips.sum()), np.array(n), z_value(confidence, 1))
    return Metric(float(flips.mean()), float(low), float(high), None, n)


@dataclass(frozen=True)
class _Outcome:
    """Per affected text: truth, predictions and scores before and after."""

    y_true: np.ndarray
    before: np.ndarray
    after: np.ndarray

    def take(self, index: np.ndarray) -> _Outcome:
        return _Outcome(self.y_true[index], self.before[index], self.after[index])

    @property
    def flips(self) -> np.ndarray:
        return (self.before.argmax(axis=1) != self.after.argmax(axis=1)).astype(np.float64)

    def accuracy_delta(self) -> np.ndarray:
        return ((self.after.argmax(axis=1) == self.y_true).astype(np.float64)
                - (self.before.argmax(axis=1) == self.y_true).astype(np.float64))


def _overall(out: _Outcome, settings: Mapping[str, Any], seed: int) -> dict[str, Metric]:
    n, boot, conf = int(out.y_true.size), settings["n_boot"], settings["confidence"]
    delta = out.accuracy_delta()
    score = np.abs(out.after - out.before).max(axis=1)
    b_pred, a_pred = out.before.argmax(axis=1), out.after.argmax(axis=1)
    classes = np.unique(np.concatenate([out.y_true, b_pred, a_pred]))
    f1 = lambda w: _macro_f1(w, out.y_true, a_pred, classes) - _macro_f1(w, out.y_true, b_pred, classes)  # noqa: E731
    return {
        "flip_rate": _flip_rate(out.flips, conf),
        "accuracy_change": _paired(lambda w: w @ delta / w.sum(axis=1), n, boot, seed, conf)[0],
        "macro_f1_change": _paired(f1, n, boot, seed, conf)[0],
        "mean_abs_score_change": _paired(lambda w: w @ score / w.sum(axis=1), n, boot, seed, conf)[0],
    }


def _attribute(out: _Outcome, values: np.ndarray, settings: Mapping[str, Any], seed: int) -> RobustnessAttribute:
    minimum, conf, boot = settings["min_group_size"], settings["confidence"], settings["n_boot"]
    groups: dict[str, GroupResult] = {}
    flips, deltas, eligible = [], [], []
    for k, name in enumerate(sorted(set(values.tolist()))):
        part = out.take(np.flatnonzero(values == name))
        delta = part.accuracy_delta()
        change, samples = _paired(lambda w, d=delta: w @ d / w.sum(axis=1), delta.size, boot, seed + 7919 * (k + 1), conf)
        ok = delta.size >= minimum
        note = None if ok else f"fewer than {minimum} affected texts; excluded from gaps"
        groups[name] = GroupResult(int(delta.size), not ok, {"flip_rate": _flip_rate(part.flips, conf),
                                                             "accuracy_change": change}, note)
        if ok:
            flips.append(part.flips)
            deltas.append((float(delta.mean()), samples))
            eligible.append(name)
    notes = [f"{len(groups) - len(eligible)} group(s) below min_group_size={minimum} excluded from gaps"] \
        if len(eligible) < len(groups) else []
    return RobustnessAttribute(groups, _gaps(flips, deltas, conf, minimum), tuple(notes))


def _gaps(flips: list[np.ndarray], deltas: list[tuple[float, np.ndarray]], confidence: float,
          minimum: int) -> dict[str, Metric]:
    if len(flips) < 2:
        reason = f"inconclusive: {len(flips)} group(s) with at least {minimum} affected texts; a gap needs two"
        return {"flip_rate_gap": Metric.undefined(reason), "accuracy_change_gap": Metric.undefined(reason)}
    x = np.array([f.sum() for f in flips])
    n = np.array([f.size for f in flips], dtype=np.float64)
    rates = x / n
    low, high = gap_interval(x, n, confidence)
    mdg = float(minimum_detectable_gap(x, n, confidence))
    total = int(n.sum())
    out = {"flip_rate_gap": Metric(float(rates.max() - rates.min()), float(low), float(high), None, total, mdg)}
    points = np.array([d for d, _ in deltas])
    out["accuracy_change_gap"] = _delta_gap(points, [s for _, s in deltas], confidence, total)
    return out


def _delta_gap(points: np.ndarray, samples: list[np.ndarray], confidence: float, n: int) -> Metric:
    """Max-min gap of per-group changes; interval from Bonferroni pairwise bootstrap differences."""
    value = float(points.max() - points.min())
    if any(s.size == 0 for s in samples):
        return Metric(value, None, None, "no bootstrap (bootstrap: 0); no interval", n)
    size = min(s.size for s in samples)
    first, second = np.triu_indices(len(samples), k=1)
    level = 1.0 - (1.0 - confidence) / first.size
    bounds = [percentile_interval(samples[i][:size] - samples[j][:size], level) for i, j in zip(first, second)]
    if any(b[0] is None for b in bounds):
        return Metric(value, None, None, "a group's bootstrap had no defined value; no interval", n)
    low, high = absolute_interval(np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds]))
    return Metric(value, float(low.max()), float(high.max()), None, n)


def _check(texts: Sequence[str], y_true: np.ndarray, groups: Mapping[str, np.ndarray]) -> None:
    if any(not isinstance(t, str) for t in texts):
        raise FairnessError("robustness texts must all be str; got a non-string entry")
    for name, values in {"y_true": y_true, **{f"sensitive column '{a}'": v for a, v in groups.items()}}.items():
        if len(values) != len(texts):
            raise FairnessError(f"{name} has {len(values)} rows but there are {len(texts)} texts; pass aligned arrays")


def assess_robustness(
    predict_fn: PredictFn,
    texts: Sequence[str],
    y_true: Sequence[int] | np.ndarray,
    *,
    groups: Mapping[str, Sequence[Any] | np.ndarray] | None = None,
    perturbations: Sequence[str] = DEFAULT_PERTURBATIONS,
    rate: float = 0.05,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_group_size: int = 30,
    max_texts: int | None = None,
) -> RobustnessResult:
    """Measure flips and accuracy/macro-F1/score changes under each perturbation, overall and per group.

    Parameters
    ----------
    predict_fn:
        ``predict_fn(list_of_texts) -> (n, n_labels)`` class probabilities.
    texts, y_true:
        Test texts and their true class ids.
    groups:
        Sensitive attribute name -> group value per text.
    perturbations:
        Names from :data:`auditkit.evaluate._perturb.PERTURBATIONS`.
    rate:
        Per-letter (or per-gap) probability of the rate-based perturbations.
    n_boot, confidence, seed:
        Bootstrap settings (``seed`` also seeds the perturbations and the sample).
    min_group_size:
        Groups with fewer affected texts are flagged and left out of gaps.
    max_texts:
        Test at most this many texts (a seeded sample without replacement).

    Returns
    -------
    RobustnessResult
        One :class:`PerturbationResult` per perturbation that changed at least
        ``min_group_size`` texts; the others are listed in ``skipped`` with the reason.
    """
    texts, truth = list(texts), np.asarray(y_true, dtype=np.int64)
    cols = {str(a): np.asarray(v).astype(str) for a, v in (groups or {}).items()}
    _check(texts, truth, cols)
    sampled_from = None
    if max_texts is not None and len(texts) > max_texts:
        keep = np.sort(np.random.default_rng(seed).choice(len(texts), size=max_texts, replace=False))
        texts, truth, cols, sampled_from = [texts[i] for i in keep], truth[keep], {a: v[keep] for a, v in cols.items()}, len(texts)
    settings = {"rate": rate, "n_boot": n_boot, "confidence": confidence, "seed": seed, "min_group_size": min_group_size}
    base = np.asarray(predict_fn(texts), dtype=np.float64) if texts else np.zeros((0, 0))
    results, skipped = {}, {}
    for name in perturbations:
        changed = perturb_texts(texts, name, rate=rate, seed=seed)
        index = np.array([i for i, (a, b) in enumerate(zip(texts, changed)) if a != b], dtype=int)
        if index.size == 0:
            skipped[name] = NO_TEXT_CHANGED
            continue
        if index.size < min_group_size:
            skipped[name] = TOO_FEW.format(n=index.size, minimum=min_group_size)
            continue
        after = np.asarray(predict_fn([changed[i] for i in index]), dtype=np.float64)
        outcome = _Outcome(truth[index], base[index], after)
        attrs = {a: _attribute(outcome, v[index], settings, seed) for a, v in cols.items()}
        results[name] = PerturbationResult(int(index.size), _overall(outcome, settings, seed), attrs)
    public = {"rate": rate, "bootstrap": n_boot, "confidence": confidence, "min_group_size": min_group_size}
    return RobustnessResult(results, skipped, len(texts), public, sampled_from)
