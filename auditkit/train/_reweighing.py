"""Reweighing (Kamiran & Calders, 2012): a pre-processing fairness baseline.

Each training example of group ``g`` and label ``y`` gets the weight
``P(g) * P(y) / P(g, y)``: the weight that would make group and label
statistically independent in the weighted training set. Under-represented
combinations (e.g. urgent cases of an under-triaged group) weigh more. The
weights feed ``fine_tune(..., sample_weights=...)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from auditkit.exceptions import FairnessError

__all__ = ["reweighing_weights"]


def reweighing_weights(labels: Any, groups: Any) -> np.ndarray:
    """Kamiran-Calders weights, one per example, with mean 1.

    Parameters
    ----------
    labels:
        Training labels (ids or names), shape ``(n,)``.
    groups:
        Sensitive group of each example, shape ``(n,)``; no missing values.

    Returns
    -------
    numpy.ndarray
        ``float64`` weights of shape ``(n,)``.

    Raises
    ------
    FairnessError
        On empty input, a length mismatch or missing group values (values are never echoed).

    Examples
    --------
    >>> reweighing_weights([1, 1, 0, 0], ["a", "a", "a", "b"]).round(3).tolist()
    [0.857, 0.857, 1.714, 0.571]
    """
    y = pd.Series(list(labels), dtype=object)
    g = pd.Series(list(groups), dtype=object)
    if y.empty:
        raise FairnessError("reweighing got no examples; pass the training labels and groups")
    if len(y) != len(g):
        raise FairnessError(f"reweighing got {len(y)} labels but {len(g)} groups; pass arrays of the same length")
    missing = int(g.isna().sum())
    if missing:
        raise FairnessError(f"sensitive groups have {missing} missing value(s); drop or impute them before reweighing")
    frame = pd.DataFrame({"y": y.astype(str), "g": g.astype(str)})
    n = len(frame)
    p_y = frame["y"].map(frame["y"].value_counts() / n)
    p_g = frame["g"].map(frame["g"].value_counts() / n)
    joint = frame.groupby(["g", "y"]).size() / n
    p_gy = pd.Series([joint[(a, b)] for a, b in zip(frame["g"], frame["y"])])
    weights = (p_y.to_numpy(float) * p_g.to_numpy(float)) / p_gy.to_numpy(float)
    return weights / weights.mean()
