"""Group fairness assessment with bootstrap confidence intervals.

:func:`assess` computes, for every group of every sensitive attribute (and their
intersections), the selection rate, accuracy, TPR, FPR, FNR, precision, ROC AUC,
calibration error and the Borkan BPSN/BNSP AUCs, then the gaps between groups:
demographic parity difference and ratio, equalized odds difference, equal
opportunity difference and the four-fifths ratio. Point values of the rates come
from fairlearn's :class:`~fairlearn.metrics.MetricFrame`; intervals of the rates and
ratios come from one seeded, vectorised bootstrap shared by all metrics. The three
difference gaps get a closed-form interval instead (Bonferroni-adjusted Newcombe
intervals of the pairwise differences, see :mod:`auditkit.evaluate._gap_interval`),
because the percentile bootstrap of a max-min gap is biased upward, plus the
minimum gap the data could detect (``mdg``) and the eligible examples (``n``).

Undefined is not zero: a group without positives has no TPR (``None`` with a
reason), and a gap over such a group is inconclusive. Groups smaller than
``min_group_size`` and empty intersectional cells are shown, flagged, and left
out of the gaps with a note.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

from auditkit._logging import get_logger
from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.evaluate._fairness_input import as_labels, check_inputs, normalise_sensitive
from auditkit.evaluate._fairness_result import AttributeResult, FairnessResult, GroupResult
from auditkit.evaluate._gap_interval import DIFFERENCE_GAPS, difference_gap_estimates
from auditkit.scorecard import Metric
from auditkit.evaluate._fairness_stats import (
    GAP_METRICS,
    RATE_METRICS,
    SCORE_METRICS,
    UNDEFINED_REASONS,
    GroupDesign,
    gap_arrays,
)
from auditkit.exceptions import FairnessError

__all__ = ["assess"]

_LOG = get_logger(__name__)
INTERSECTION_SEP = "×"
_FAIRLEARN_RATES = {
    "selection_rate": selection_rate,
    "accuracy": accuracy_score,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "fnr": false_negative_rate,
    "precision": functools.partial(precision_score, zero_division=np.nan),
}


def assess(
    y_true: Any,
    y_pred: Any,
    scores: Any | None = None,
    *,
    sensitive_features: Mapping[str, Any] | pd.DataFrame,
    labels: Sequence[str],
    positive_label: str | None = None,
    min_group_size: int = 30,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    intersectional: bool = True,
    max_groups: int = 50,
) -> FairnessResult:
    """Assess group fairness of classifier predictions.

    Parameters
    ----------
    y_true, y_pred:
        True and predicted labels, as class ids (index into ``labels``) or label names.
    scores:
        Class probabilities, shape ``(n, len(labels))``; without them the score
        metrics (ROC AUC, calibration error, BPSN/BNSP AUC) are left out.
    sensitive_features:
        ``{column: values}`` or a DataFrame; one attribute per column. Missing
        values raise :class:`~auditkit.exceptions.FairnessError`.
    labels:
        Label names in class-id order.
    positive_label:
        The label treated as positive (one-vs-rest). Default: ``labels[1]`` for
        binary labels; for multiclass, every label in turn (``by_label``).
    min_group_size:
        Groups with fewer examples are flagged and left out of gaps.
    n_boot:
        Bootstrap resamples for the intervals of rates and ratios (0 disables all
        intervals, including the closed-form ones of the difference gaps).
    confidence:
        Interval coverage, e.g. 0.95.
    seed:
        Bootstrap seed; the same seed gives identical intervals.
    intersectional:
        Also assess the intersection of all sensitive columns (when there are two or more).
    max_groups:
        A column with more distinct values is refused as a probable mistake.

    Returns
    -------
    FairnessResult
        Per attribute, per group :class:`Metric` values and gap estimates.

    Raises
    ------
    FairnessError
        On missing sensitive values, length mismatches, unknown labels or a column
        with too many distinct values. Messages never contain data values.
    """
    label_names = tuple(str(x) for x in labels)
    if len(label_names) < 2:
        raise FairnessError(f"labels has {len(label_names)} entries; expected at least 2 label names")
    y = as_labels(y_true, label_names, what="y_true")
    yhat = as_labels(y_pred, label_names, what="y_pred")
    prob = None if scores is None else np.asarray(scores, dtype=np.float64)
    check_inputs(y, yhat, prob, len(label_names))
    columns = normalise_sensitive(sensitive_features, y.shape[0], max_groups=max_groups)
    if positive_label is not None and positive_label not in label_names:
        raise FairnessError(f"positive_label is not one of the {len(label_names)} labels; pass one of labels")
    settings = {"min_group_size": min_group_size, "n_boot": n_boot, "confidence": confidence, "seed": seed}
    attributes = _attributes(columns, intersectional, max_groups)
    if positive_label is None and len(label_names) > 2:
        by_label = {
            name: _assess_positive(y, yhat, prob, i, attributes, name, settings)
            for i, name in enumerate(label_names)
        }
        first = next(iter(by_label.values()))
        return FairnessResult(first.attributes, label_names[0], by_label=by_label, **settings)
    index = label_names.index(positive_label) if positive_label is not None else 1
    return _assess_positive(y, yhat, prob, index, attributes, label_names[index], settings)


def _attributes(
    columns: dict[str, np.ndarray], intersectional: bool, max_groups: int
) -> dict[str, tuple[tuple[str, ...], np.ndarray, list[str], str | None]]:
    """Attribute name -> (columns, codes, group names, note)."""
    out: dict[str, tuple[tuple[str, ...], np.ndarray, list[str], str | None]] = {}
    for name, values in columns.items():
        groups, codes = np.unique(values, return_inverse=True)
        out[name] = ((name,), codes, [str(g) for g in groups], None)
    if intersectional and len(columns) >= 2:
        names = tuple(columns)
        levels = [sorted(set(columns[c].tolist())) for c in names]
        cells = list(itertools.product(*levels))
        name = INTERSECTION_SEP.join(names)
        if len(cells) > max_groups:
            note = f"intersection has {len(cells)} cells, more than max_groups={max_groups}; not assessed"
            out[name] = (names, np.zeros(0, dtype=int), [], note)
        else:
            lookup = {cell: i for i, cell in enumerate(cells)}
            codes = np.array([lookup[row] for row in zip(*(columns[c].tolist() for c in names))], dtype=int)
            out[name] = (names, codes, [INTERSECTION_SEP.join(cell) for cell in cells], None)
    return out


def _assess_positive(
    y: np.ndarray,
    yhat: np.ndarray,
    prob: np.ndarray | None,
    index: int,
    attributes: dict[str, tuple[tuple[str, ...], np.ndarray, list[str], str | None]],
    label: str,
    settings: dict[str, Any],
) -> FairnessResult:
    positive, predicted = y == index, yhat == index
    score = None if prob is None else prob[:, index]
    results = {
        name: _assess_attribute(cols, codes, groups, note, positive, predicted, score, settings)
        for name, (cols, codes, groups, note) in attributes.items()
    }
    return FairnessResult(results, label, **settings)


def _fairlearn_points(positive: np.ndarray, predicted: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Rate point values from fairlearn's MetricFrame, shape ``(1, G)`` per metric, NaN for absent groups."""
    frame = MetricFrame(
        metrics=_FAIRLEARN_RATES,
        y_true=positive.astype(int),
        y_pred=predicted.astype(int),
        sensitive_features=pd.Series(codes, name="group"),
    ).by_group
    full = np.full((len(RATE_METRICS), n_groups), np.nan)
    for j, metric in enumerate(RATE_METRICS):
        for code, value in frame[metric].items():
            full[j, int(code)] = float(value)
    return full


def _assess_attribute(
    columns: tuple[str, ...],
    codes: np.ndarray,
    groups: list[str],
    note: str | None,
    positive: np.ndarray,
    predicted: np.ndarray,
    score: np.ndarray | None,
    settings: dict[str, Any],
) -> AttributeResult:
    if not groups:
        gaps = {g: Metric.undefined(f"inconclusive: {note}") for g in GAP_METRICS}
        return AttributeResult(columns, {}, gaps, (note or "",))
    design = GroupDesign(codes, len(groups), positive, predicted, score)
    ones = np.ones((1, codes.shape[0]))
    point = design.rates(ones)
    counts = design.confusion(ones)[0]
    fair = _fairlearn_points(positive, predicted, codes, len(groups))
    for j, metric in enumerate(RATE_METRICS):
        point[metric] = np.where(np.isnan(point[metric]), np.nan, fair[j][None, :])
    sizes = point["n"][0].astype(int)
    eligible = sizes >= settings["min_group_size"]
    boot = _bootstrap(design, eligible, codes.shape[0], settings)
    metrics = [m for m in (*RATE_METRICS, *SCORE_METRICS) if m in point]
    group_results = {
        name: _group_result(g, sizes[g], bool(eligible[g]), point, boot, metrics, settings)
        for g, name in enumerate(groups)
    }
    gaps, notes = _gaps(point, boot, counts, eligible, sizes, settings)
    _LOG.debug("assessed attribute with %d groups (%d eligible)", len(groups), int(eligible.sum()))
    return AttributeResult(columns, group_results, gaps, tuple(notes))


def _bootstrap(
    design: GroupDesign, eligible: np.ndarray, n: int, settings: dict[str, Any]
) -> dict[str, np.ndarray] | None:
    if settings["n_boot"] <= 0:
        return None
    parts: list[dict[str, np.ndarray]] = []
    for counts in count_chunks(n, settings["n_boot"], seed=settings["seed"]):
        rates = design.rates(counts)
        if eligible.sum() >= 2:
            rates.update(gap_arrays(rates, eligible))
        parts.append(rates)
    return {key: np.concatenate([p[key] for p in parts], axis=0) for key in parts[0]}


def _estimate(value: float, samples: np.ndarray | None, confidence: float, reason: str) -> Metric:
    if np.isnan(value):
        return Metric.undefined(reason)
    low, high = (None, None) if samples is None else percentile_interval(samples, confidence)
    return Metric(float(value), low, high, None)


def _group_result(
    g: int,
    size: int,
    eligible: bool,
    point: dict[str, np.ndarray],
    boot: dict[str, np.ndarray] | None,
    metrics: list[str],
    settings: dict[str, Any],
) -> GroupResult:
    conf = settings["confidence"]
    if size == 0:
        values = {m: Metric.undefined("empty intersectional cell: no examples") for m in metrics}
        return GroupResult(0, True, values, "empty cell; excluded from gaps")
    values = {
        m: _estimate(point[m][0, g], None if boot is None else boot[m][:, g], conf, UNDEFINED_REASONS[m])
        for m in metrics
    }
    note = None if eligible else f"fewer than {settings['min_group_size']} examples; excluded from gaps"
    return GroupResult(int(size), not eligible, values, note)


def _gaps(
    point: dict[str, np.ndarray],
    boot: dict[str, np.ndarray] | None,
    counts: np.ndarray,
    eligible: np.ndarray,
    sizes: np.ndarray,
    settings: dict[str, Any],
) -> tuple[dict[str, Metric], list[str]]:
    """Gap metrics over the eligible groups and notes on the groups left out.

    Difference gaps carry the closed-form interval of :mod:`._gap_interval`, their
    ``mdg`` and the eligible examples as ``n``; ratios keep the bootstrap interval.
    ``counts`` are the per-group confusion counts ``(G, 4)``.
    """
    notes = []
    small = int(((sizes > 0) & ~eligible).sum())
    empty = int((sizes == 0).sum())
    if small:
        notes.append(f"{small} group(s) below min_group_size={settings['min_group_size']} excluded from gaps")
    if empty:
        notes.append(f"{empty} empty intersectional cell(s) excluded from gaps")
    if eligible.sum() < 2:
        reason = (
            f"inconclusive: {int(eligible.sum())} group(s) with at least {settings['min_group_size']} "
            "examples; a gap needs two or more"
        )
        return {g: Metric.undefined(reason) for g in GAP_METRICS}, notes
    gaps = gap_arrays(point, eligible)
    needs = {
        "demographic_parity_difference": ("selection_rate",),
        "demographic_parity_ratio": ("selection_rate",),
        "four_fifths_ratio": ("selection_rate",),
        "equal_opportunity_difference": ("tpr",),
        "equalized_odds_difference": ("tpr", "fpr"),
    }
    closed = difference_gap_estimates(counts[eligible], settings["confidence"])
    n_eligible = int(sizes[eligible].sum())
    out = {}
    for name in GAP_METRICS:
        value = gaps[name][0]
        if name in DIFFERENCE_GAPS and not np.isnan(value):
            low, high, mdg = closed[name]
            if boot is None:
                low = high = None
            out[name] = Metric(value=float(value), ci_low=low, ci_high=high, reason=None, n=n_eligible, mdg=mdg)
            continue
        missing = [m for m in needs[name] if np.isnan(point[m][0, eligible]).any()]
        if missing:
            count = int(np.isnan(np.stack([point[m][0, eligible] for m in missing])).any(axis=0).sum())
            reason = f"inconclusive: {'/'.join(missing).upper()} undefined for {count} group(s)"
        else:
            reason = "inconclusive: the highest selection rate is zero"
        out[name] = _estimate(gaps[name][0], None if boot is None else boot[name], settings["confidence"], reason)
    return out, notes
