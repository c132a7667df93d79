"""Chart geometry for the HTML report, computed here and drawn by templates.

Charts are plain data (numbers and labels); the ``charts.j2`` partial turns
them into inline SVG through the autoescaping environment, so a label from the
data can never become markup. Every chart carries a title, a description and
the table of its numbers as a text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from auditkit.report._metrics import Metric, format_metric

__all__ = ["Bar", "BarChart", "HeatToken", "bar_chart", "heat_tokens"]

_LABEL_W = 240
_PLOT_W = 420
_ROW_H = 22
_TOP = 26
_SERIES = ("s0", "s1", "s2", "s3")
_FIXED_SERIES = {"shipped model": "s0", "before mitigation": "s1"}


@dataclass(frozen=True)
class Bar:
    """One horizontal bar (coordinates in SVG user units)."""

    label: str
    series: str
    css: str
    value_text: str
    y: float
    x: float
    width: float
    whisker: tuple[float, float] | None
    defined: bool
    reason: str | None


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart with optional CI whiskers, ready to draw."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    plot_x: int
    plot_w: int
    zero_x: float
    ticks: list[tuple[float, str]]
    bars: list[Bar]
    legend: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class HeatToken:
    """One token of a heat-map: its text, signed score and a background colour."""

    text: str
    score: float
    sign: str
    colour: str


def _domain(metrics: Sequence[Metric]) -> tuple[float, float]:
    points = [p for m in metrics for p in (m.value, m.ci_low, m.ci_high) if p is not None]
    lo, hi = min([0.0, *points]), max([0.0, *points])
    if lo >= 0.0 and hi <= 1.0:
        return 0.0, 1.0
    return lo, hi if hi > lo else lo + 1.0


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, str, Metric]],
) -> BarChart:
    """Lay out ``rows`` of ``(label, series, metric)`` as horizontal bars.

    Undefined metrics get no bar and the text "undefined" (with the reason in
    the text table), never a zero-length bar that would read as zero.
    """
    lo, hi = _domain([m for _, _, m in rows])
    scale = _PLOT_W / (hi - lo)
    zero = _LABEL_W + (0.0 - lo) * scale
    series_names = list(dict.fromkeys(series for _, series, _ in rows))
    css = {name: _FIXED_SERIES.get(name, _SERIES[i % len(_SERIES)]) for i, name in enumerate(series_names)}
    bars = []
    for i, (label, series, metric) in enumerate(rows):
        y = _TOP + i * _ROW_H
        value = metric.value if metric.value is not None else 0.0
        x0, x1 = sorted((zero, _LABEL_W + (value - lo) * scale))
        whisker = None
        if metric.value is not None and metric.ci_low is not None and metric.ci_high is not None:
            whisker = (round(_LABEL_W + (metric.ci_low - lo) * scale, 1), round(_LABEL_W + (metric.ci_high - lo) * scale, 1))
        bars.append(Bar(label, series, css[series], format_metric(metric), y, round(x0, 1), round(x1 - x0, 1), whisker,
                        metric.value is not None, metric.reason))
    ticks = [(round(_LABEL_W + (lo + (hi - lo) * k / 4 - lo) * scale, 1), f"{lo + (hi - lo) * k / 4:.2f}") for k in range(5)]
    legend = [(name, css[name]) for name in series_names] if len(series_names) > 1 else []
    height = _TOP + len(rows) * _ROW_H + 24
    return BarChart(chart_id, title, description, _LABEL_W + _PLOT_W + 240, height, _LABEL_W, _PLOT_W,
                    round(zero, 1), ticks, bars, legend)


def heat_tokens(tokens: Sequence[str], scores: Sequence[float], *, limit: int = 160) -> list[HeatToken]:
    """Colour tokens by signed attribution (red: towards the prediction, blue: against).

    The colour is built from numbers only; the sign is also given as text
    (``+``/``-``) so colour is never the only carrier.
    """
    pairs = list(zip(tokens, scores))[:limit]
    peak = max((abs(s) for _, s in pairs), default=0.0) or 1.0
    out = []
    for text, score in pairs:
        alpha = round(min(1.0, abs(score) / peak) * 0.85, 3)
        colour = f"rgba(214, 39, 40, {alpha})" if score >= 0 else f"rgba(31, 119, 180, {alpha})"
        out.append(HeatToken(text, round(score, 4), "+" if score >= 0 else "-", colour))
    return out
