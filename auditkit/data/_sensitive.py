"""Sensitive columns: what counts as missing, which strings are refused, how many groups are allowed.

Data loading (:func:`auditkit.data.load_dataset`) and fairness assessment
(:func:`auditkit.evaluate.assess`) apply these same rules, so a column is judged
the same whether it comes from a CSV, JSONL or Parquet file or from a list,
array, Series or DataFrame:

* a value is **missing** when it is ``None``, a float NaN or pandas ``NA``, or a
  string that is empty, whitespace only, or spells a missing value (``nan``,
  ``none`` or ``null``, in any case). CSV cells are read as plain strings, so
  without this rule a ``NaN`` typed into a spreadsheet would become a group;
* a string holding a lone surrogate is refused (see :mod:`auditkit._unicode`);
* a column with more than ``max_groups`` distinct values (an ID or free-text
  column chosen by mistake) is refused, before anything is written.

Every message names the column and a count, never a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from auditkit._unicode import has_lone_surrogate
from auditkit.data import _messages as msg
from auditkit.exceptions import DataError, UserInputError

__all__ = ["MISSING_TOKENS", "check_group_counts", "check_sensitive_values", "missing_mask"]

MISSING_TOKENS = frozenset({"", "nan", "none", "null"})
"""Strings (compared stripped and lower-cased) that mean "no value" in a sensitive column."""


def _is_missing(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in MISSING_TOKENS
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array inside a cell is a value, not a missing one
        return False


def missing_mask(values: Iterable[Any]) -> np.ndarray:
    """Boolean mask of the missing values in ``values`` (rules in the module docstring)."""
    return np.fromiter((_is_missing(v) for v in values), dtype=bool)


def check_sensitive_values(column: str, values: Iterable[Any], *,
                           error: type[UserInputError] = DataError) -> None:
    """Refuse a sensitive column with missing values or strings that are not valid Unicode.

    Raises
    ------
    UserInputError
        ``error`` (``DataError`` by default) naming the column and the count.
    """
    items = list(values)
    missing = int(missing_mask(items).sum())
    if missing:
        raise error(msg.MISSING_SENSITIVE.format(column=column, count=missing))
    broken = sum(1 for v in items if isinstance(v, str) and has_lone_surrogate(v))
    if broken:
        raise error(msg.NOT_UNICODE.format(column=column, count=broken))


def check_group_counts(frame: pd.DataFrame, columns: Sequence[str], *, max_groups: int,
                       error: type[UserInputError] = DataError) -> None:
    """Refuse any of ``columns`` with more than ``max_groups`` distinct values.

    Call it right after loading, before anything is written, so the values of a
    column chosen by mistake (an ID, free text) reach no file.

    Raises
    ------
    UserInputError
        ``error`` (``DataError`` by default) naming the column, its count and the limit.
    """
    for column in columns:
        count = int(frame[column].astype(str).nunique())
        if count > max_groups:
            raise error(msg.TOO_MANY_GROUPS.format(column=column, count=count, limit=max_groups))
