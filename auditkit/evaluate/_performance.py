"""Overall performance: accuracy, macro F1, ROC AUC and expected calibration error."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

from auditkit.evaluate._predict import Predictions

__all__ = ["PerformanceResult", "expected_calibration_error", "performance"]


@dataclass
class PerformanceResult:
    """Headline metrics on the test split (``None`` with a reason when undefined)."""

    n: int
    accuracy: float
    macro_f1: float
    roc_auc: float | None
    ece: float
    roc_auc_reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form in the scorecard metric convention."""
        data = asdict(self)
        data["roc_auc"] = {"value": self.roc_auc, "ci_low": None, "ci_high": None, "reason": self.roc_auc_reason}
        data.pop("roc_auc_reason")
        return data


def expected_calibration_error(y_true: np.ndarray, scores: np.ndarray, *, n_bins: int = 10) -> float:
    """ECE of the top-class confidence over ``n_bins`` equal-width bins."""
    confidence = scores.max(axis=1)
    correct = (scores.argmax(axis=1) == y_true).astype(np.float64)
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    total = np.bincount(bins, minlength=n_bins)
    conf_sum = np.bincount(bins, weights=confidence, minlength=n_bins)
    acc_sum = np.bincount(bins, weights=correct, minlength=n_bins)
    mask = total > 0
    return float(np.sum(np.abs(acc_sum[mask] - conf_sum[mask])) / max(len(y_true), 1))


def performance(preds: Predictions) -> PerformanceResult:
    """Accuracy, macro F1, ROC AUC (one-vs-rest for multiclass) and ECE."""
    y, p = preds.y_true, preds.y_pred
    auc: float | None = None
    reason: str | None = None
    present = np.unique(y)
    if len(present) < 2:
        reason = "only one class present in the test labels"
    elif preds.scores.shape[1] == 2:
        auc = float(roc_auc_score(y, preds.scores[:, 1]))
    elif len(present) == preds.scores.shape[1]:
        auc = float(roc_auc_score(y, preds.scores, multi_class="ovr"))
    else:
        reason = "some classes are absent from the test labels"
    return PerformanceResult(
        n=int(len(y)), accuracy=float(accuracy_score(y, p)),
        macro_f1=float(f1_score(y, p, average="macro", labels=list(range(preds.scores.shape[1])), zero_division=0)),
        roc_auc=auc, ece=expected_calibration_error(y, preds.scores), roc_auc_reason=reason,
    )
