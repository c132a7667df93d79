"""Per-group tables: one table per attribute, groups as rows, metrics as columns.

A scorecard with an intersectional attribute has dozens of groups; one small
table per group made the report a wall of tables. Here each attribute gets a
single table (human column labels, value and interval per cell), and the
template folds it in ``<details>`` when it is long.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditkit.report._labels import metric_label
from auditkit.report._metrics import as_metric, format_metric

__all__ = ["FOLD_ROWS", "group_table"]

FOLD_ROWS = 8
MAX_GROUPS = 300
_FIRST = ("tpr", "true_positive_rate", "fpr", "false_positive_rate", "fnr", "tnr", "selection_rate", "accuracy")
_NOT_METRICS = frozenset({"n", "flagged", "note", "small", "group", "name"})


def _columns(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    seen = {k for g in groups.values() for k, v in g.items() if k not in _NOT_METRICS and as_metric(v) is not None}
    return [k for k in _FIRST if k in seen] + sorted(seen - set(_FIRST))


def group_table(groups: Mapping[str, Mapping[str, Any]], flags: Mapping[str, str]) -> dict[str, Any]:
    """``{"columns": [label...], "keys": [key...], "rows": [{"group", "n", "note", "cells"}], "fold": bool}``."""
    keys = _columns(groups)
    rows = []
    for name, group in list(groups.items())[:MAX_GROUPS]:
        cells, notes = [], [flags.get(name, "")]
        for key in keys:
            metric = as_metric(group.get(key))
            cells.append("—" if metric is None else format_metric(metric))
            if metric is not None and metric.value is None and metric.reason:
                notes.append(f"{metric_label(key)} undefined: {metric.reason}")
        rows.append({"group": name, "n": str(group.get("n", "—")), "note": "; ".join(n for n in notes if n), "cells": cells})
    return {"columns": [metric_label(k) for k in keys], "keys": keys, "rows": rows, "fold": len(rows) > FOLD_ROWS}
