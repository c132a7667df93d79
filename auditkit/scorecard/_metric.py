"""The one metric-value type every stage writes and every reader reads.

A metric is a point value with an optional confidence interval, the number of
examples it rests on, and, for a gap between groups, the smallest gap the data
could detect. A value that cannot be computed is ``None`` with a reason: undefined
is not zero. In ``scorecard.json`` a metric is ``{"value", "ci_low", "ci_high",
"reason", "n", "mdg"}``; readers also accept a plain number (a metric without an
interval).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass

__all__ = ["Metric", "as_metric"]


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Metric:
    """One metric value.

    Attributes
    ----------
    value:
        The point estimate; ``None`` when undefined (``reason`` says why).
    ci_low, ci_high:
        Bounds of the confidence interval (``None`` when not computed).
    reason:
        Why the value or its interval is missing or should be read with care.
    n:
        Number of examples the estimate rests on (``None`` when not recorded).
    mdg:
        For a gap between groups: the minimum gap this data detects at 80% power
        (two-sided, at the interval's confidence); ``None`` otherwise.
    """

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None
    n: int | None = Field(default=None, ge=0)
    mdg: float | None = None

    @field_validator("value", "ci_low", "ci_high", "mdg", mode="before")
    @classmethod
    def _nan_is_undefined(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a metric value must be a number, not a boolean")
        if isinstance(value, (int, float)):
            return _finite(value)
        return value

    @classmethod
    def undefined(cls, reason: str, *, n: int | None = None) -> Metric:
        """An undefined metric carrying ``reason``."""
        return cls(None, None, None, reason, n)

    @property
    def defined(self) -> bool:
        """Whether the point value exists."""
        return self.value is not None

    @property
    def has_interval(self) -> bool:
        """Whether both interval bounds exist."""
        return self.ci_low is not None and self.ci_high is not None

    def judged(self, judge: str) -> float | None:
        """The number a policy rule with ``judge`` (``value``, ``ci_low``, ``ci_high``) compares."""
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}[judge]

    def to_dict(self) -> dict[str, Any]:
        """The scorecard form; ``n`` and ``mdg`` only when set."""
        out: dict[str, Any] = {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high, "reason": self.reason}
        if self.n is not None:
            out["n"] = int(self.n)
        if self.mdg is not None:
            out["mdg"] = self.mdg
        return out


_KEYS = frozenset({"value", "ci_low", "ci_high", "reason", "n", "mdg"})


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return _finite(value)


def as_metric(leaf: Any) -> Metric | None:
    """Read a scorecard leaf as a :class:`Metric`; ``None`` when ``leaf`` is not a metric.

    A plain finite number is a metric without an interval; a non-finite number is an
    undefined metric; an object must have ``value`` and only the metric keys.
    """
    if isinstance(leaf, bool):
        return None
    if isinstance(leaf, (int, float)):
        number = _number(leaf)
        return Metric(number) if number is not None else Metric.undefined("not a finite number")
    if not isinstance(leaf, Mapping) or "value" not in leaf or not set(leaf) <= _KEYS:
        return None
    value = leaf.get("value")
    if value is not None and _number(value) is None:
        return None
    reason = leaf.get("reason")
    n = leaf.get("n")
    return Metric(
        _number(value),
        _number(leaf.get("ci_low")),
        _number(leaf.get("ci_high")),
        reason if isinstance(reason, str) else None,
        n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None,
        _number(leaf.get("mdg")),
    )
