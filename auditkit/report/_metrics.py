"""Reading metric leaves out of a scorecard section.

A metric leaf is either a plain number or an object
``{"value", "ci_low", "ci_high", "reason"}`` (see docs/architecture.md);
``value: null`` means undefined and carries a reason. These helpers read
leaves without guessing: anything else is not a metric.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from auditkit.scorecard import Metric, as_metric

__all__ = ["Metric", "as_metric", "find_metric", "format_metric", "iter_metrics", "lookup"]

_SKIP_KEYS = frozenset({"status", "reason"})


def format_metric(metric: Metric) -> str:
    """``0.123 [0.100, 0.150]``, or ``undefined`` when the value is missing."""
    if metric.value is None:
        return "undefined"
    text = f"{metric.value:.3f}"
    if metric.ci_low is not None and metric.ci_high is not None:
        text += f" [{metric.ci_low:.3f}, {metric.ci_high:.3f}]"
    return text


def lookup(section: Any, path: str) -> Any:
    """Follow a dotted ``path`` through nested mappings; ``None`` when any step is missing."""
    current = section
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def find_metric(section: Any, *paths: str) -> Metric | None:
    """Return the first of ``paths`` that holds a metric leaf in ``section``."""
    for path in paths:
        metric = as_metric(lookup(section, path))
        if metric is not None:
            return metric
    return None


def iter_metrics(section: Any, *, prefix: str = "", max_depth: int = 6) -> Iterator[tuple[str, Metric]]:
    """Yield ``(dotted path, Metric)`` for every metric leaf below ``section`` in key order."""
    if max_depth < 0 or not isinstance(section, Mapping):
        return
    for key, child in section.items():
        if not isinstance(key, str) or key in _SKIP_KEYS:
            continue
        path = f"{prefix}.{key}" if prefix else key
        metric = as_metric(child)
        if metric is not None:
            yield path, metric
        elif isinstance(child, Mapping):
            yield from iter_metrics(child, prefix=path, max_depth=max_depth - 1)
