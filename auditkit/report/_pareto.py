"""Layout of the mitigation chart: accuracy against a fairness gap, one point per mitigation.

Each point carries both intervals as whiskers (horizontal: the gap's, vertical:
accuracy's), the chosen (shipped) model is ringed and named in the caption, and
the points on the Pareto front (no other point has both a smaller gap and a
higher accuracy) are listed. Geometry only: the template draws it, escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from auditkit.report._metrics import Metric, format_metric

__all__ = ["ParetoChart", "ParetoPoint", "pareto_chart"]

_W, _H, _LEFT, _TOP, _PLOT_W, _PLOT_H = 640, 350, 64, 30, 520, 260


@dataclass(frozen=True)
class ParetoPoint:
    """One mitigation: its position, whiskers and texts (``x``/``y`` are ``None`` when a value is undefined)."""

    label: str
    x: float | None
    y: float | None
    x_whisker: tuple[float, float] | None
    y_whisker: tuple[float, float] | None
    gap_text: str
    accuracy_text: str
    chosen: bool
    front: bool
    reason: str


@dataclass(frozen=True)
class ParetoChart:
    """The chart: size, axis ticks, points; ``caption`` names the chosen model and the front."""

    chart_id: str
    title: str
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    points: list[ParetoPoint]
    caption: str


def _bounds(values: list[float], floor: float | None = None) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if floor is not None:
        lo = min(lo, floor)
    pad = (hi - lo) * 0.08 or 0.05
    return lo - pad, hi + pad


def _ticks(lo: float, hi: float, to_px: object, count: int = 5) -> list[tuple[float, str]]:
    step = (hi - lo) / (count - 1)
    return [(round(to_px(lo + k * step), 1), f"{lo + k * step:.2f}") for k in range(count)]  # type: ignore[operator]


def _front(rows: Sequence[tuple[str, Metric, Metric]]) -> set[str]:
    defined = [(name, gap.value, acc.value) for name, gap, acc in rows if gap.value is not None and acc.value is not None]
    return {name for name, g, a in defined
            if not any((g2 <= g and a2 >= a) and (g2 < g or a2 > a) for _, g2, a2 in defined)}


def pareto_chart(chart_id: str, title: str, rows: Sequence[tuple[str, Metric, Metric]], *, chosen: str | None) -> ParetoChart:
    """Lay out ``rows`` of ``(mitigation, gap, accuracy)``; undefined points are listed, never drawn at zero."""
    xs = [p for _, g, _ in rows for p in (g.value, g.ci_low, g.ci_high) if p is not None and math.isfinite(p)] or [0.0, 1.0]
    ys = [p for _, _, a in rows for p in (a.value, a.ci_low, a.ci_high) if p is not None and math.isfinite(p)] or [0.0, 1.0]
    x_lo, x_hi = _bounds(xs, 0.0)
    x_lo = max(x_lo, 0.0) if min(xs) >= 0 else x_lo  # a gap is never negative: the axis starts at 0
    y_lo, y_hi = _bounds(ys)

    def px(v: float) -> float:
        return _LEFT + (v - x_lo) / (x_hi - x_lo) * _PLOT_W

    def py(v: float) -> float:
        return _TOP + _PLOT_H - (v - y_lo) / (y_hi - y_lo) * _PLOT_H

    front = _front(rows)
    points = []
    for name, gap, acc in rows:
        drawn = gap.value is not None and acc.value is not None
        xw = (round(px(gap.ci_low), 1), round(px(gap.ci_high), 1)) if drawn and gap.has_interval else None
        yw = (round(py(acc.ci_low), 1), round(py(acc.ci_high), 1)) if drawn and acc.has_interval else None
        reason = "; ".join(r for r in (gap.reason, acc.reason) if r)
        points.append(ParetoPoint(name, round(px(gap.value), 1) if drawn else None, round(py(acc.value), 1) if drawn else None,  # type: ignore[arg-type]
                                  xw, yw, format_metric(gap), format_metric(acc), name == chosen, name in front, reason))
    shown = f"the shipped model ({chosen}) is ringed" if chosen else "no shipped model is marked"
    caption = (f"points show accuracy against the gap, whiskers their 95% confidence intervals; {shown}; "
               f"on the Pareto front (no other row is both fairer and more accurate): {', '.join(sorted(front)) or 'none'}.")
    return ParetoChart(chart_id, title, _W, _H, _LEFT, _TOP, _PLOT_W, _PLOT_H, _ticks(x_lo, x_hi, px),
                       _ticks(y_lo, y_hi, py), points, caption)
