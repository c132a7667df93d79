"""Statistics of non-exclusive subgroups, vectorised across subgroups and bootstrap resamples.

A subgroup here is a boolean column of a membership matrix ``M`` (``n x T``): a
text may belong to several subgroups (it mentions several identity terms) and the
*background* of subgroup ``t`` is every text outside it (Borkan et al. 2019).
Given a weight matrix ``W`` (``k x n``: ones for the point values, bootstrap
counts otherwise), :class:`TermDesign` gives

* per-subgroup weighted confusion counts in one matrix product (the background's
  are the totals minus the subgroup's), and
* the Mann-Whitney statistics of the subgroup, BPSN and BNSP AUCs of every
  subgroup at once, without a sort per subgroup: with ``G(q)`` the weighted
  number of positives scored above negative ``q`` (ties count one half),
  ``sum_{q in N_t} w_q G(q)`` counts the pairs (every positive, subgroup
  negative), a single matrix product over all subgroups; subtracting the
  within-subgroup pairs (the subgroup AUC's statistic, computed on the small
  subgroup alone) leaves the BPSN pairs (background positive, subgroup
  negative). BNSP is the mirror image.

So the cost of a bootstrap chunk is a few passes over ``k x n`` plus one product
with ``M``, whatever the number of subgroups.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TermDesign", "ratio_interval"]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den > 0, out, np.nan)


def _cum(weights: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((weights.shape[0], 1)), np.cumsum(weights, axis=1)], axis=1)


class _Ranks:
    """Positions of ``at`` scores among sorted ``ref`` scores, fixed once; weighted counts per call."""

    def __init__(self, ref_scores: np.ndarray, at_scores: np.ndarray) -> None:
        self.order = np.argsort(ref_scores, kind="mergesort")
        ordered = ref_scores[self.order]
        self.lo = np.searchsorted(ordered, at_scores, side="left")
        self.hi = np.searchsorted(ordered, at_scores, side="right")

    def below(self, ref_weights: np.ndarray) -> np.ndarray:
        """Weighted count of ``ref`` scores below each ``at`` score (ties one half), shape ``(k, len(at))``."""
        cum = _cum(ref_weights[:, self.order])
        return 0.5 * (cum[:, self.lo] + cum[:, self.hi])

    def above(self, ref_weights: np.ndarray) -> np.ndarray:
        """Weighted count of ``ref`` scores above each ``at`` score (ties one half), shape ``(k, len(at))``."""
        cum = _cum(ref_weights[:, self.order])
        return cum[:, -1:] - 0.5 * (cum[:, self.lo] + cum[:, self.hi])


class TermDesign:
    """Non-exclusive subgroups prepared for fast weighted statistics.

    Parameters
    ----------
    membership:
        Boolean ``(n, T)``: which example belongs to which subgroup.
    positive, predicted:
        Boolean true labels and predictions, shape ``(n,)``.
    scores:
        Positive-class scores ``(n,)``, or ``None`` (no AUCs then).
    """

    def __init__(self, membership: np.ndarray, positive: np.ndarray, predicted: np.ndarray, scores: np.ndarray | None) -> None:
        n, self.n_terms = membership.shape
        cell = positive.astype(int) * 2 + predicted.astype(int)  # tn, fp, fn, tp
        onehot = np.eye(4)[cell]
        self._onehot = onehot
        self._cells = (membership[:, :, None] * onehot[:, None, :]).reshape(n, self.n_terms * 4)
        self.scores = scores
        if scores is None:
            return
        self._pos, self._neg = np.flatnonzero(positive), np.flatnonzero(~positive)
        self._m_pos = membership[self._pos].astype(np.float64)
        self._m_neg = membership[self._neg].astype(np.float64)
        self._pos_above_neg = _Ranks(scores[self._pos], scores[self._neg])
        self._neg_below_pos = _Ranks(scores[self._neg], scores[self._pos])
        self._within = []
        for t in range(self.n_terms):
            pos_t = self._pos[membership[self._pos, t]]
            neg_t = self._neg[membership[self._neg, t]]
            self._within.append((pos_t, neg_t, _Ranks(scores[pos_t], scores[neg_t])))

    def confusion(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weighted ``(tn, fp, fn, tp)`` of each subgroup and of its background, each ``(k, T, 4)``."""
        inside = (weights @ self._cells).reshape(weights.shape[0], self.n_terms, 4)
        total = weights @ self._onehot
        return inside, total[:, None, :] - inside

    def rates(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Per-subgroup metrics under ``weights`` -> ``{metric: (k, T)}``, NaN where undefined."""
        inside, outside = self.confusion(weights)
        tn, fp, fn, tp = (inside[..., j] for j in range(4))
        background_fpr = _ratio(outside[..., 1], outside[..., 0] + outside[..., 1])
        out = {
            "n": tn + fp + fn + tp,
            "selection_rate": _ratio(tp + fp, tn + fp + fn + tp),
            "tpr": _ratio(tp, tp + fn),
            "fpr": _ratio(fp, fp + tn),
            "fnr": _ratio(fn, tp + fn),
        }
        out["fpr_ratio"] = _ratio(out["fpr"], background_fpr)
        if self.scores is not None:
            out.update(self._aucs(weights, inside, outside))
        return out

    def _aucs(self, weights: np.ndarray, inside: np.ndarray, outside: np.ndarray) -> dict[str, np.ndarray]:
        w_pos, w_neg = weights[:, self._pos], weights[:, self._neg]
        every_pos_vs_term_neg = (w_neg * self._pos_above_neg.above(w_pos)) @ self._m_neg
        term_pos_vs_every_neg = (w_pos * self._neg_below_pos.below(w_neg)) @ self._m_pos
        within = np.zeros((weights.shape[0], self.n_terms))
        for t, (pos_t, neg_t, ranks) in enumerate(self._within):
            if pos_t.size and neg_t.size:
                within[:, t] = (weights[:, neg_t] * ranks.above(weights[:, pos_t])).sum(axis=1)
        n_pos_t, n_neg_t = inside[..., 2] + inside[..., 3], inside[..., 0] + inside[..., 1]
        n_pos_bg, n_neg_bg = outside[..., 2] + outside[..., 3], outside[..., 0] + outside[..., 1]
        return {
            "subgroup_auc": _ratio(within, n_pos_t * n_neg_t),
            "bpsn_auc": _ratio(every_pos_vs_term_neg - within, n_pos_bg * n_neg_t),
            "bnsp_auc": _ratio(term_pos_vs_every_neg - within, n_pos_t * n_neg_bg),
        }


def ratio_interval(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray, z: float
) -> tuple[np.ndarray, np.ndarray]:
    """MOVER interval for the ratio of two proportions ``(x1/n1) / (x2/n2)``, elementwise.

    Donner and Zou's method of variance estimates recovery, built on Wilson score
    intervals of the two proportions: well behaved with zero counts, where the
    percentile bootstrap collapses to a point. Each bound is a root of the quadratic
    that MOVER's interval for ``p1 - theta * p2`` gives; the upper bound is unbounded
    (returned as NaN) when the denominator's interval reaches zero, and both are NaN
    where the ratio itself is undefined (no trials, or a zero denominator rate).

    References
    ----------
    Donner, A. and Zou, G. Y. (2012). Closed-form confidence intervals for
    functions of the normal mean and standard deviation. *Statistical Methods in
    Medical Research* 21, 347-359 (ratio of proportions: section 3).
    """
    from auditkit.evaluate._gap_interval import wilson_interval

    x1, n1, x2, n2 = (np.asarray(a, dtype=np.float64) for a in (x1, n1, x2, n2))
    p1, p2 = _ratio(x1, n1), _ratio(x2, n2)
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    base = p1 * p2
    with np.errstate(divide="ignore", invalid="ignore"):
        a_low, c_low = u2 * (2 * p2 - u2), l1 * (2 * p1 - l1)
        a_high, c_high = l2 * (2 * p2 - l2), u1 * (2 * p1 - u1)
        disc_low, disc_high = base**2 - a_low * c_low, base**2 - a_high * c_high
        low = (base - np.sqrt(np.maximum(disc_low, 0.0))) / a_low
        high = (base + np.sqrt(np.maximum(disc_high, 0.0))) / a_high
    defined = (n1 > 0) & (n2 > 0) & (x2 > 0)
    low = np.where(defined & (disc_low >= 0) & np.isfinite(low), np.maximum(low, 0.0), np.where(defined, 0.0, np.nan))
    high = np.where(defined & (disc_high >= 0) & (a_high > 0) & np.isfinite(high), high, np.nan)
    return low, high
