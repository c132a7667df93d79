"""Identity-term fairness: the unintended-bias method for texts without a demographic column.

Dixon et al. (2018) and Borkan et al. (2019) audit a text classifier through the
identity terms its texts mention. Each term is a subgroup: the texts mentioning
it, *non-exclusively* (a text counts under every term it mentions), against a
background of every text that does not mention it. Per term,
:func:`assess_identity_terms` reports the size, TPR, FPR, FNR and selection rate
(Wilson intervals), the FPR ratio to the term's background (a MOVER interval),
and the subgroup, BPSN and BNSP AUCs (percentile bootstrap, vectorised across
terms). At the top of the attribute it reports the method's headline figures
over the terms with at least ``min_group_size`` mentions: ``min_bpsn_auc``,
``min_bnsp_auc`` and ``worst_subgroup_auc`` (Bonferroni-adjusted intervals: the
minimum of the per-term bounds at level ``1 - alpha / terms``), ``fpr_spread``
(max - min FPR, with the Newcombe/Bonferroni gap interval and its minimum
detectable gap), and the usual gaps across terms. Terms that no text mentions are
listed as ``absent``; no ``none``/``multiple`` pseudo-group enters any gap.

Gap intervals assume independent groups; terms that share texts are positively
correlated, which makes the Newcombe intervals conservative, never optimistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import norm

from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.evaluate._fairness import _gaps
from auditkit.evaluate._fairness_input import as_labels, check_inputs
from auditkit.evaluate._fairness_result import GroupResult
from auditkit.evaluate._fairness_stats import UNDEFINED_REASONS, gap_arrays
from auditkit.evaluate._gap_interval import gap_interval, minimum_detectable_gap, wilson_interval
from auditkit.evaluate._term_stats import TermDesign, ratio_interval
from auditkit.exceptions import FairnessError
from auditkit.scorecard import Metric

__all__ = ["HEADLINE_METRICS", "TERM_METRICS", "TermAuditResult", "assess_identity_terms"]

RATE_METRICS = ("tpr", "fpr", "fnr", "selection_rate")
AUC_METRICS = ("subgroup_auc", "bpsn_auc", "bnsp_auc")
TERM_METRICS = (*RATE_METRICS, "fpr_ratio", *AUC_METRICS)
HEADLINE_METRICS = ("min_bpsn_auc", "min_bnsp_auc", "worst_subgroup_auc", "fpr_spread", "max_fpr_ratio")
_HEADLINE_SOURCE = {"min_bpsn_auc": "bpsn_auc", "min_bnsp_auc": "bnsp_auc", "worst_subgroup_auc": "subgroup_auc"}
_REASONS = {
    **UNDEFINED_REASONS,
    "subgroup_auc": "the term's texts hold only one label class, so its AUC is undefined",
}
_RATIO_REASONS = (
    "the term has no negatives, so its FPR and the ratio are undefined",
    "the background has no negatives, so its FPR and the ratio are undefined",
    "the background has no false positives, so the ratio is undefined (unbounded if the term has any)",
)
_DENOMINATORS = {"tpr": (3, (2, 3)), "fnr": (2, (2, 3)), "fpr": (1, (0, 1)), "selection_rate": (None, (0, 1, 2, 3))}


@dataclass(frozen=True)
class TermAuditResult:
    """Identity-term results for one attribute (``identity``, or ``<column>×identity``).

    Attributes
    ----------
    columns:
        What the subgroups are made of (``("identity",)`` or ``("gender", "identity")``).
    groups:
        Term (or cell) name to :class:`GroupResult`, for every term the data mentions.
    summary:
        Headline metrics (:data:`HEADLINE_METRICS`) and gaps across eligible terms.
    absent:
        Terms (cells) of the lexicon that no text mentions: reported, never assessed.
    notes:
        Human-readable notes (counts and term names only, never text).
    """

    columns: tuple[str, ...]
    groups: dict[str, GroupResult]
    summary: dict[str, Metric]
    absent: tuple[str, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Scorecard form of :class:`~auditkit.scorecard.AttributeFairness`."""
        out: dict[str, Any] = {"columns": list(self.columns)}
        out.update({name: metric.to_dict() for name, metric in self.summary.items()})
        out["groups"] = {name: g.to_dict() for name, g in self.groups.items()}
        out["absent"] = list(self.absent)
        out["notes"] = list(self.notes)
        return out


def _z(confidence: float) -> float:
    return float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))


def _validated(y_true: Any, y_pred: Any, scores: Any, membership: Any, terms: Sequence[str],
               labels: Sequence[str], positive_label: str | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    names = tuple(str(x) for x in labels)
    if len(names) < 2:
        raise FairnessError(f"labels has {len(names)} entries; expected at least 2 label names")
    if positive_label is None and len(names) > 2:
        raise FairnessError("identity-term audits of a multiclass model need positive_label; pass one of labels")
    if positive_label is not None and positive_label not in names:
        raise FairnessError(f"positive_label is not one of the {len(names)} labels; pass one of labels")
    y, yhat = as_labels(y_true, names, what="y_true"), as_labels(y_pred, names, what="y_pred")
    prob = None if scores is None else np.asarray(scores, dtype=np.float64)
    check_inputs(y, yhat, prob, len(names))
    matrix = np.asarray(membership)
    if matrix.ndim != 2 or matrix.shape != (y.shape[0], len(terms)):
        raise FairnessError(
            f"membership has shape {matrix.shape}; expected ({y.shape[0]}, {len(terms)}): one row per text, one column per term"
        )
    if len(set(terms)) != len(terms):
        raise FairnessError("identity terms must have distinct names; rename the duplicated term")
    index = names.index(positive_label) if positive_label is not None else 1
    return y == index, yhat == index, None if prob is None else prob[:, index], matrix.astype(bool)


def _bootstrap(design: TermDesign, n: int, eligible: np.ndarray, n_boot: int, seed: int) -> dict[str, np.ndarray] | None:
    if n_boot <= 0:
        return None
    parts: list[dict[str, np.ndarray]] = []
    for counts in count_chunks(n, n_boot, seed=seed):
        rates = design.rates(counts)
        kept = {m: rates[m] for m in AUC_METRICS if m in rates}
        if eligible.sum() >= 2:
            kept.update(gap_arrays(rates, eligible))
        parts.append(kept)
    return {key: np.concatenate([p[key] for p in parts], axis=0) for key in parts[0]}


def _rate(metric: str, counts: np.ndarray, z: float) -> Metric:
    num, dens = _DENOMINATORS[metric]
    trials = float(sum(counts[j] for j in dens))
    if trials == 0:
        return Metric.undefined(_REASONS[metric], n=0)
    hits = float(counts[1] + counts[3]) if num is None else float(counts[num])
    low, high = wilson_interval(np.array(hits), np.array(trials), z)
    return Metric(hits / trials, float(low), float(high), None, int(trials))


def _ratio(inside: np.ndarray, outside: np.ndarray, z: float) -> Metric:
    x1, n1, x2, n2 = inside[1], inside[0] + inside[1], outside[1], outside[0] + outside[1]
    for failed, reason in zip((n1 == 0, n2 == 0, x2 == 0), _RATIO_REASONS):
        if failed:
            return Metric.undefined(reason, n=int(n1))
    low, high = ratio_interval(np.array(x1), np.array(n1), np.array(x2), np.array(n2), z)
    value = (x1 / n1) / (x2 / n2)
    reason = None if np.isfinite(high) else "upper bound unbounded: the background's FPR interval reaches zero"
    return Metric(float(value), float(low), None if np.isnan(high) else float(high), reason, int(n1))


def _without_interval(metric: Metric) -> Metric:
    return Metric(metric.value, None, None, metric.reason, metric.n, metric.mdg)


def _group(t: int, point: dict[str, np.ndarray], boot: dict[str, np.ndarray] | None, inside: np.ndarray,
           outside: np.ndarray, settings: dict[str, Any]) -> GroupResult:
    z = _z(settings["confidence"])
    metrics = {m: _rate(m, inside[t], z) for m in RATE_METRICS}
    metrics["fpr_ratio"] = _ratio(inside[t], outside[t], z)
    if boot is None:  # n_boot=0 turns every interval off, as in assess()
        metrics = {name: _without_interval(m) for name, m in metrics.items()}
    for m in AUC_METRICS:
        if m not in point:
            continue
        value = point[m][0, t]
        if np.isnan(value):
            metrics[m] = Metric.undefined(_REASONS[m])
            continue
        low, high = (None, None) if boot is None else percentile_interval(boot[m][:, t], settings["confidence"])
        metrics[m] = Metric(float(value), low, high, None)
    size = int(point["n"][0, t])
    small = size < settings["min_group_size"]
    note = f"fewer than {settings['min_group_size']} mentions; excluded from the headline and gaps" if small else None
    return GroupResult(size, small, metrics, note)


def _minimum(metric: str, point: np.ndarray, boot: np.ndarray | None, names: list[str], confidence: float) -> Metric:
    """Minimum over eligible terms; interval from per-term bounds at the Bonferroni-adjusted level."""
    if not names:
        return Metric.undefined("inconclusive: no term has enough mentions (min_group_size)")
    undefined = [name for name, v in zip(names, point) if np.isnan(v)]
    if undefined:
        return Metric.undefined(f"inconclusive: {metric.replace('_', ' ').upper()} undefined for {len(undefined)} term(s): {', '.join(undefined)}")
    worst = int(np.argmin(point))
    if boot is None:
        return Metric(float(point[worst]), None, None, f"lowest: {names[worst]}")
    level = 1.0 - (1.0 - confidence) / len(names)
    bounds = [percentile_interval(boot[:, j], level) for j in range(len(names))]
    if any(low is None for low, _ in bounds):
        return Metric(float(point[worst]), None, None, f"lowest: {names[worst]}; a term has no finite resample")
    low = min(float(b[0]) for b in bounds if b[0] is not None)
    high = min(float(b[1]) for b in bounds if b[1] is not None)
    return Metric(float(point[worst]), low, high, f"lowest: {names[worst]} (interval Bonferroni-adjusted over {len(names)} terms)")


def _fpr_spread(inside: np.ndarray, point: dict[str, np.ndarray], eligible: np.ndarray, confidence: float,
                with_interval: bool) -> Metric:
    fpr = point["fpr"][0, eligible]
    if eligible.sum() < 2:
        return Metric.undefined("inconclusive: fewer than two terms have enough mentions (min_group_size)")
    if np.isnan(fpr).any():
        return Metric.undefined(f"inconclusive: FPR undefined for {int(np.isnan(fpr).sum())} term(s)")
    fp, trials = inside[eligible, 1], inside[eligible, 0] + inside[eligible, 1]
    low, high = gap_interval(fp, trials, confidence)
    mdg = float(minimum_detectable_gap(fp, trials, confidence))
    value = float(fpr.max() - fpr.min())
    if not with_interval:
        return Metric(value, None, None, None, int(trials.sum()), mdg)
    return Metric(value, float(low), float(high), None, int(trials.sum()), mdg)


def _max_ratio(inside: np.ndarray, outside: np.ndarray, names: list[str], confidence: float, with_interval: bool) -> Metric:
    """Largest FPR ratio to the background over eligible terms; per-term MOVER bounds at the Bonferroni level."""
    if not names:
        return Metric.undefined("inconclusive: no term has enough mentions (min_group_size)")
    x1, n1 = inside[:, 1], inside[:, 0] + inside[:, 1]
    x2, n2 = outside[:, 1], outside[:, 0] + outside[:, 1]
    undefined = [name for name, a, b, c in zip(names, n1, n2, x2) if a == 0 or b == 0 or c == 0]
    if undefined:
        return Metric.undefined(f"inconclusive: FPR ratio undefined for {len(undefined)} term(s): {', '.join(undefined)}")
    values = (x1 / n1) / (x2 / n2)
    worst = int(np.argmax(values))
    reason = f"highest: {names[worst]}"
    if not with_interval:
        return Metric(float(values[worst]), None, None, reason, int(n1.sum()))
    low, high = ratio_interval(x1, n1, x2, n2, _z(1.0 - (1.0 - confidence) / len(names)))
    upper = None if np.isnan(high).any() else float(high.max())
    return Metric(float(values[worst]), float(low.max()), upper,
                  reason + f" (interval Bonferroni-adjusted over {len(names)} terms)", int(n1.sum()))


def _notes(matrix: np.ndarray, absent: list[str], small: int, min_group_size: int) -> list[str]:
    per_text = matrix.sum(axis=1)
    notes = [
        f"membership is not exclusive: {int((per_text >= 2).sum())} text(s) mention two or more terms and count "
        f"under each; {int((per_text == 0).sum())} mention none (they are background only)"
    ]
    if absent:
        notes.append(f"{len(absent)} term(s) absent from the data, not assessed: {', '.join(absent)}")
    if small:
        notes.append(f"{small} term(s) with fewer than {min_group_size} mentions are shown but excluded from the headline and gaps")
    return notes


def assess_identity_terms(
    y_true: Any,
    y_pred: Any,
    scores: Any | None = None,
    *,
    membership: Any,
    terms: Sequence[str],
    labels: Sequence[str],
    positive_label: str | None = None,
    min_group_size: int = 30,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    columns: Sequence[str] = ("identity",),
) -> TermAuditResult:
    """Assess fairness across non-exclusive identity-term subgroups (Borkan et al. 2019).

    Parameters
    ----------
    y_true, y_pred:
        True and predicted labels (class ids or label names).
    scores:
        Class probabilities ``(n, len(labels))``; without them there are no AUCs.
    membership:
        Boolean ``(n, len(terms))``: which text mentions which term (:func:`term_membership`).
    terms:
        Term (or cell) names, one per membership column.
    labels, positive_label:
        Label names in class-id order and the positive label (default ``labels[1]``
        for a binary model; required for multiclass).
    min_group_size:
        Terms with fewer mentions are shown, flagged and left out of the headline and gaps.
    n_boot, confidence, seed:
        Bootstrap resamples for the AUC intervals (0: no intervals at all), coverage, seed.
    columns:
        What the subgroups are made of, recorded in the result.

    Returns
    -------
    TermAuditResult

    Raises
    ------
    FairnessError
        On mismatched shapes, unknown labels or duplicate term names (never echoing data).
    """
    positive, predicted, score, matrix = _validated(y_true, y_pred, scores, membership, terms, labels, positive_label)
    names = [str(t) for t in terms]
    present = matrix.any(axis=0)
    absent = [name for name, p in zip(names, present) if not p]
    kept = [name for name, p in zip(names, present) if p]
    design = TermDesign(matrix[:, present], positive, predicted, score)
    ones = np.ones((1, positive.shape[0]))
    point = design.rates(ones)
    inside, outside = (a[0] for a in design.confusion(ones))
    sizes = point["n"][0].astype(int)
    eligible = sizes >= min_group_size
    boot = _bootstrap(design, positive.shape[0], eligible, n_boot, seed)
    settings = {"min_group_size": min_group_size, "confidence": confidence}
    groups = {name: _group(t, point, boot, inside, outside, settings) for t, name in enumerate(kept)}
    summary: dict[str, Metric] = {}
    chosen = [name for name, e in zip(kept, eligible) if e]
    for headline, source in _HEADLINE_SOURCE.items():
        if source in point:
            samples = None if boot is None else boot[source][:, eligible]
            summary[headline] = _minimum(source, point[source][0, eligible], samples, chosen, confidence)
    summary["fpr_spread"] = _fpr_spread(inside, point, eligible, confidence, boot is not None)
    summary["max_fpr_ratio"] = _max_ratio(inside[eligible], outside[eligible], chosen, confidence, boot is not None)
    gap_boot = None if boot is None else {k: v for k, v in boot.items() if k not in AUC_METRICS}
    gaps, _ = _gaps(point, gap_boot or None, inside, eligible, sizes, settings)
    summary.update(gaps)
    notes = _notes(matrix, absent, int((~eligible).sum()), min_group_size)
    return TermAuditResult(tuple(columns), groups, summary, tuple(absent), tuple(notes))
