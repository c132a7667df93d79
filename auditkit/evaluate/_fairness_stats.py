"""Group statistics as matrix products, shared by point values and the bootstrap.

:class:`GroupDesign` holds one attribute's group codes and one-hot cell matrices.
``design.rates(W)`` turns a weight matrix ``W`` (``k x n``; ones for the point
value, bootstrap counts otherwise) into per-group metric arrays of shape
``(k, G)`` in a handful of matrix products, with NaN where a rate is undefined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditkit.evaluate._bias_auc import bias_auc_matrix

__all__ = ["GAP_METRICS", "GroupDesign", "RATE_METRICS", "SCORE_METRICS", "UNDEFINED_REASONS", "gap_arrays"]

RATE_METRICS = ("selection_rate", "accuracy", "tpr", "fpr", "fnr", "precision")
SCORE_METRICS = ("roc_auc", "calibration_error", "bpsn_auc", "bnsp_auc")
GAP_METRICS = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
    "four_fifths_ratio",
)
UNDEFINED_REASONS = {
    "selection_rate": "group is empty",
    "accuracy": "group is empty",
    "tpr": "group has no positive examples, so TPR is undefined",
    "fnr": "group has no positive examples, so FNR is undefined",
    "fpr": "group has no negative examples, so FPR is undefined",
    "precision": "group has no positive predictions, so precision is undefined",
    "roc_auc": "group has only one label class, so ROC AUC is undefined",
    "calibration_error": "group is empty",
    "bpsn_auc": "group has no negatives or the background has no positives",
    "bnsp_auc": "group has no positives or the background has no negatives",
}
_N_BINS = 10


def _onehot(codes: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros((codes.shape[0], width))
    out[np.arange(codes.shape[0]), codes] = 1.0
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den > 0, out, np.nan)


@dataclass
class GroupDesign:
    """One attribute's groups, prepared for fast weighted statistics.

    Parameters
    ----------
    codes:
        Group index of every example, shape ``(n,)``.
    n_groups:
        Number of groups (including empty intersectional cells).
    positive, predicted:
        Boolean true labels and predictions (one-vs-rest for the positive label).
    scores:
        Positive-class scores, or ``None`` when only hard predictions are known.
    """

    codes: np.ndarray
    n_groups: int
    positive: np.ndarray
    predicted: np.ndarray
    scores: np.ndarray | None

    def __post_init__(self) -> None:
        cell = self.codes * 4 + self.positive.astype(int) * 2 + self.predicted.astype(int)
        self._cells = _onehot(cell, 4 * self.n_groups)
        if self.scores is not None:
            bins = np.clip((self.scores * _N_BINS).astype(int), 0, _N_BINS - 1)
            onehot = _onehot(self.codes * _N_BINS + bins, _N_BINS * self.n_groups)
            self._calib = onehot * (self.positive.astype(float) - self.scores)[:, None]

    def confusion(self, weights: np.ndarray) -> np.ndarray:
        """Per-group weighted confusion counts ``(tn, fp, fn, tp)``, shape ``(k, G, 4)``."""
        return (weights @ self._cells).reshape(weights.shape[0], self.n_groups, 4)

    def rates(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Per-group metrics under ``weights`` (``k x n``) -> ``{metric: (k, G) array}``."""
        counts = self.confusion(weights)
        tn, fp, fn, tp = counts[..., 0], counts[..., 1], counts[..., 2], counts[..., 3]
        n = tn + fp + fn + tp
        out = {
            "n": n,
            "selection_rate": _ratio(tp + fp, n),
            "accuracy": _ratio(tp + tn, n),
            "tpr": _ratio(tp, tp + fn),
            "fpr": _ratio(fp, fp + tn),
            "fnr": _ratio(fn, tp + fn),
            "precision": _ratio(tp, tp + fp),
        }
        if self.scores is not None:
            out.update(self._score_metrics(weights, n))
        return out

    def _score_metrics(self, weights: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
        if self.scores is None:
            return {}
        gaps = np.abs((weights @ self._calib).reshape(weights.shape[0], self.n_groups, _N_BINS)).sum(axis=2)
        out = {"calibration_error": _ratio(gaps, n)}
        aucs = {name: np.full((weights.shape[0], self.n_groups), np.nan) for name in ("roc_auc", "bpsn_auc", "bnsp_auc")}
        for g in range(self.n_groups):
            in_group = self.codes == g
            if not in_group.any():
                continue
            values = bias_auc_matrix(self.scores, self.positive, in_group, weights)
            aucs["roc_auc"][:, g] = values["subgroup_auc"]
            aucs["bpsn_auc"][:, g] = values["bpsn_auc"]
            aucs["bnsp_auc"][:, g] = values["bnsp_auc"]
        out.update(aucs)
        return out


def _spread(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        out = values.max(axis=1) - values.min(axis=1)
    return np.where(np.isnan(values).any(axis=1), np.nan, out)


def gap_arrays(rates: dict[str, np.ndarray], eligible: np.ndarray) -> dict[str, np.ndarray]:
    """Gap metrics over the ``eligible`` groups, per row -> ``{gap: (k,) array}`` (NaN if undefined)."""
    sel = rates["selection_rate"][:, eligible]
    tpr = rates["tpr"][:, eligible]
    fpr = rates["fpr"][:, eligible]
    with np.errstate(invalid="ignore", divide="ignore"):
        high = sel.max(axis=1)
        ratio = np.where(high > 0, sel.min(axis=1) / np.where(high > 0, high, 1.0), np.nan)
    ratio = np.where(np.isnan(sel).any(axis=1), np.nan, ratio)
    tpr_gap = _spread(tpr)
    odds = np.maximum(tpr_gap, _spread(fpr))
    return {
        "demographic_parity_difference": _spread(sel),
        "demographic_parity_ratio": ratio,
        "equalized_odds_difference": odds,
        "equal_opportunity_difference": tpr_gap,
        "four_fifths_ratio": ratio.copy(),
    }
