"""Every mitigation side by side: one row of accuracy, macro F1 and fairness gaps per mitigation.

Rows are computed from :class:`~auditkit.evaluate.Predictions` on the same test
split, so they differ only by the mitigation. Accuracy gets a Wilson interval,
macro F1 a percentile bootstrap, and the gaps come from :func:`assess` (the
fairness section's own intervals). The post-processing row is fairlearn's
``ThresholdOptimizer`` (:func:`threshold_predictions`): fitted on the validation
predictions of the unmitigated model, applied to its test predictions, never
fitted on test.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np

from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.evaluate._fairness import assess
from auditkit.evaluate._gap_interval import DIFFERENCE_GAPS, wilson_interval
from auditkit.evaluate._gap_interval import _z as z_value
from auditkit.evaluate._postprocess import threshold_optimize
from auditkit.evaluate._predict import Predictions
from auditkit.exceptions import FairnessError
from auditkit.scorecard import Metric

__all__ = ["comparison_row", "threshold_predictions"]


def _positive_label(preds: Predictions) -> str | None:
    if preds.positive_label:
        return preds.positive_label
    return preds.labels[-1] if len(preds.labels) == 2 else None


def _macro_f1(preds: Predictions, n_boot: int, confidence: float, seed: int) -> Metric:
    classes = np.unique(np.concatenate([preds.y_true, preds.y_pred]))

    def stat(w: np.ndarray) -> np.ndarray:
        tp = np.stack([w @ ((preds.y_true == c) & (preds.y_pred == c)) for c in classes], axis=1)
        den = np.stack([w @ (preds.y_true == c) + w @ (preds.y_pred == c) for c in classes], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.where(den > 0, 2 * tp / den, np.nan)
        ok = np.isfinite(f1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ok.any(axis=1), np.where(ok, f1, 0).sum(axis=1) / ok.sum(axis=1), np.nan)

    n = len(preds)
    point = float(stat(np.ones((1, n)))[0])
    samples = [stat(c) for c in count_chunks(n, n_boot, seed=seed)] if n_boot else []
    low, high = percentile_interval(np.concatenate(samples), confidence) if samples else (None, None)
    return Metric(point, low, high, None if samples else "no bootstrap; no interval", n)


def comparison_row(preds: Predictions, *, min_group_size: int = 30, n_boot: int = 1000, confidence: float = 0.95,
                   seed: int = 0, max_groups: int = 50) -> dict[str, Any]:
    """``{"accuracy", "macro_f1", "attributes": {attribute: {gap: leaf}}}`` of one mitigation's predictions."""
    if len(preds) == 0:
        raise FairnessError("a comparison row needs predictions; got none")
    hits = (preds.y_true == preds.y_pred).astype(float)
    low, high = wilson_interval(np.array(hits.sum()), np.array(hits.size), z_value(confidence, 1))
    row: dict[str, Any] = {"accuracy": Metric(float(hits.mean()), float(low), float(high), None, int(hits.size)).to_dict(),
                           "macro_f1": _macro_f1(preds, n_boot, confidence, seed).to_dict(), "attributes": {}}
    if preds.groups:
        result = assess(preds.y_true, preds.y_pred, preds.scores,
                        sensitive_features={a: np.asarray(v).astype(str) for a, v in preds.groups.items()},
                        labels=preds.labels, positive_label=_positive_label(preds), min_group_size=min_group_size,
                        n_boot=n_boot, confidence=confidence, seed=seed, max_groups=max_groups)
        row["attributes"] = {name: {gap: attr[gap] for gap in DIFFERENCE_GAPS if gap in attr}
                             for name, attr in result.to_scorecard().items()}
    return row


def threshold_predictions(validation: Predictions, test: Predictions, *, attribute: str,
                          constraint: Literal["demographic_parity", "equalized_odds", "equal_opportunity"],
                          seed: int = 0) -> Predictions:
    """Test predictions after group thresholds fitted on ``validation`` (binary tasks only).

    Raises
    ------
    FairnessError
        For a task with more than two labels, or when ``attribute`` is not in both predictions.
    """
    if len(test.labels) != 2:
        raise FairnessError(f"threshold post-processing needs a binary task; got {len(test.labels)} labels")
    if attribute not in validation.groups or attribute not in test.groups:
        raise FairnessError(f"sensitive attribute {attribute!r} is missing from the validation or test predictions")
    positive = test.positive_index
    y_pred = threshold_optimize(validation.scores[:, positive], validation.y_true == positive,
                                validation.groups[attribute], test.scores[:, positive], test.groups[attribute],
                                constraint=constraint, seed=seed)
    return replace(test, y_pred=np.where(y_pred == 1, positive, 1 - positive).astype(np.int64))
