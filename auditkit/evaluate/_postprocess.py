"""Post-processing baseline: fairlearn's ThresholdOptimizer on a trained model's scores.

The model is frozen ("prefit"); ThresholdOptimizer picks group-specific
(randomised) thresholds on the positive-class score that satisfy a parity
constraint while keeping accuracy. Fit on validation predictions, apply to test
predictions. It needs the sensitive attribute at prediction time, which is why it
is a baseline here and not the shipped mitigation.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

from auditkit.exceptions import FairnessError

__all__ = ["threshold_optimize"]

_CONSTRAINTS = {
    "demographic_parity": "demographic_parity",
    "equalized_odds": "equalized_odds",
    "equal_opportunity": "true_positive_rate_parity",
}


class _ScoreColumn(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A 'model' whose input is already its score: ``predict(X) = X[:, 0]``."""

    def fit(self, X: Any, y: Any = None) -> _ScoreColumn:  # noqa: N803 - sklearn convention
        self.classes_ = np.array([0, 1])
        self.fitted_ = True
        return self

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        return np.asarray(X, dtype=np.float64)[:, 0]


def threshold_optimize(
    fit_scores: Any,
    fit_labels: Any,
    fit_groups: Any,
    apply_scores: Any,
    apply_groups: Any,
    *,
    constraint: Literal["demographic_parity", "equalized_odds", "equal_opportunity"] = "equal_opportunity",
    seed: int = 0,
) -> np.ndarray:
    """Group-specific thresholds on positive-class scores (fairlearn ThresholdOptimizer, prefit).

    Parameters
    ----------
    fit_scores, fit_labels, fit_groups:
        Positive-class scores, binary labels (0/1) and groups used to choose thresholds (validation split).
    apply_scores, apply_groups:
        Scores and groups to adjust (test split).
    constraint:
        Parity to enforce; ``equal_opportunity`` maps to fairlearn's ``true_positive_rate_parity``.
    seed:
        Seed of the randomised thresholding.

    Returns
    -------
    numpy.ndarray
        Adjusted 0/1 predictions for ``apply_scores``.
    """
    if constraint not in _CONSTRAINTS:
        raise FairnessError(f"constraint must be one of {sorted(_CONSTRAINTS)}; got an unknown name")
    x_fit = np.asarray(fit_scores, dtype=np.float64).reshape(-1, 1)
    y_fit = np.asarray(fit_labels).astype(int)
    if x_fit.shape[0] != y_fit.shape[0] or x_fit.shape[0] != len(fit_groups):
        raise FairnessError("threshold_optimize fit inputs differ in length; pass aligned scores, labels and groups")
    if np.unique(y_fit).size < 2:
        raise FairnessError("threshold_optimize needs both label classes in the fit data; got one class")
    optimizer = ThresholdOptimizer(
        estimator=_ScoreColumn().fit(x_fit),
        constraints=_CONSTRAINTS[constraint],
        prefit=True,
        predict_method="predict",
    )
    optimizer.fit(x_fit, y_fit, sensitive_features=pd.Series(np.asarray(fit_groups).astype(str)))
    x_apply = np.asarray(apply_scores, dtype=np.float64).reshape(-1, 1)
    groups = pd.Series(np.asarray(apply_groups).astype(str))
    return np.asarray(optimizer.predict(x_apply, sensitive_features=groups, random_state=seed)).astype(int)
