"""Input validation for fairness assessment, in one place.

Every check raises :class:`~auditkit.exceptions.FairnessError` with a message
built from the constants below (what, expected, got, how to fix). Messages name
columns and counts, never the values in them: a sensitive column may hold
personal data, and a column chosen by mistake (an ID, a free-text field) must not
leak into an error, a log or a report. Sensitive columns follow the same rules
as data loading (:mod:`auditkit.data._sensitive`): ``None``, NaN and the strings
``NaN``/``None``/``null``/blank are missing values, never a group, and the error is
word for word the one :func:`auditkit.data.load_dataset` gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from auditkit.data import _messages as data_messages
from auditkit.data._sensitive import check_sensitive_values
from auditkit.exceptions import FairnessError

__all__ = [
    "LENGTH_MISMATCH",
    "MISSING_VALUES",
    "NO_SENSITIVE",
    "TOO_MANY_GROUPS",
    "as_labels",
    "check_inputs",
    "normalise_sensitive",
]

MISSING_VALUES = data_messages.MISSING_SENSITIVE
LENGTH_MISMATCH = "{what} has {got} entries but y_true has {expected}; pass arrays of the same length"
TOO_MANY_GROUPS = data_messages.TOO_MANY_GROUPS
NO_SENSITIVE = "no sensitive features given; pass sensitive_features as a mapping of column name to values"
EMPTY = "y_true is empty; fairness needs at least one prediction per group"
BAD_LABEL = "{what} holds {count} value(s) outside the {n_labels} known labels; expected class ids 0..{last} or label names"
BAD_SCORES = "scores has shape {got}; expected ({n}, {n_labels}) class probabilities"


def _column_items(sensitive_features: Any) -> list[tuple[str, Any]]:
    if isinstance(sensitive_features, pd.DataFrame):
        return [(str(c), sensitive_features[c].to_numpy(dtype=object)) for c in sensitive_features.columns]
    if isinstance(sensitive_features, pd.Series):
        return [(str(sensitive_features.name or "sensitive_feature_0"), sensitive_features.to_numpy(dtype=object))]
    if isinstance(sensitive_features, Mapping):
        return [(str(k), v) for k, v in sensitive_features.items()]
    if isinstance(sensitive_features, (list, tuple, np.ndarray)):
        return [("sensitive_feature_0", sensitive_features)]
    raise FairnessError(
        f"sensitive_features has type {type(sensitive_features).__name__}; expected a mapping "
        "{column: values}, a pandas DataFrame or Series, or a list/array"
    )


def normalise_sensitive(sensitive_features: Any, n: int, *, max_groups: int) -> dict[str, np.ndarray]:
    """Validate sensitive features and return ``{column: array of str}``.

    Raises
    ------
    FairnessError
        On missing values (``None``, NaN, ``"NaN"``, ``"null"``, blanks...), strings that are not
        valid Unicode, a length mismatch or a column with more than ``max_groups`` values.
    """
    items = _column_items(sensitive_features)
    if not items:
        raise FairnessError(NO_SENSITIVE)
    out: dict[str, np.ndarray] = {}
    for column, raw in items:
        values = np.asarray(pd.Series(list(raw) if not isinstance(raw, pd.Series) else raw, dtype=object))
        if values.ndim != 1 or values.shape[0] != n:
            got = values.shape[0] if values.ndim == 1 else "a non-1-D array of"
            raise FairnessError(LENGTH_MISMATCH.format(what=f"sensitive column {column!r}", got=got, expected=n))
        check_sensitive_values(column, values, error=FairnessError)
        as_str = values.astype(str)
        distinct = int(np.unique(as_str).size)
        if distinct > max_groups:
            raise FairnessError(TOO_MANY_GROUPS.format(column=column, count=distinct, limit=max_groups))
        out[column] = as_str
    return out


def as_labels(values: Any, labels: tuple[str, ...], *, what: str) -> np.ndarray:
    """Map label names or class ids to an int array of class ids."""
    array = np.asarray(values, dtype=object)
    if array.ndim != 1:
        raise FairnessError(f"{what} must be 1-D; got {array.ndim} dimensions")
    lookup = {name: i for i, name in enumerate(labels)}
    out = np.empty(array.shape[0], dtype=np.int64)
    bad = 0
    for i, value in enumerate(array):
        if isinstance(value, (int, np.integer)) and 0 <= int(value) < len(labels):
            out[i] = int(value)
        elif isinstance(value, str) and value in lookup:
            out[i] = lookup[value]
        else:
            bad += 1
            out[i] = -1
    if bad:
        raise FairnessError(BAD_LABEL.format(what=what, count=bad, n_labels=len(labels), last=len(labels) - 1))
    return out


def check_inputs(y_true: np.ndarray, y_pred: np.ndarray, scores: np.ndarray | None, n_labels: int) -> None:
    """Check lengths and score shape of already-converted arrays."""
    n = y_true.shape[0]
    if n == 0:
        raise FairnessError(EMPTY)
    if y_pred.shape[0] != n:
        raise FairnessError(LENGTH_MISMATCH.format(what="y_pred", got=y_pred.shape[0], expected=n))
    if scores is not None and (scores.ndim != 2 or scores.shape != (n, n_labels)):
        raise FairnessError(BAD_SCORES.format(got=tuple(scores.shape), n=n, n_labels=n_labels))
