"""Chart geometry for the HTML report, computed here and drawn by templates.

Charts are plain data (numbers and labels); the ``charts.j2`` partial turns
them into inline SVG through the autoescaping environment, so a label from the
data can never become markup. Every chart carries a title, a description and
the table of its numbers as a text alternative.
"""

from __future__ import annotations

import math
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
    """A horizontal bar chart with optional CI whiskers, ready to draw; ``caption`` promises only what is drawn."""

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
    caption: str = "bars show the point value."


@dataclass(frozen=True)
class HeatToken:
    """One token of a heat-map: its text, signed score and a background colour."""

    text: str
    score: float
    sign: str
    colour: str


def _step(span: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about four intervals over ``span``."""
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)


def _domain(metrics: Sequence[Metric]) -> tuple[float, float, float]:
    """Axis ``(low, high, step)`` fitted to the values and intervals, always including zero (the bars start there)."""
    points = [p for m in metrics for p in (m.value, m.ci_low, m.ci_high) if p is not None and math.isfinite(p)]
    lo, hi = min([0.0, *points]), max([0.0, *points])
    if hi - lo <= 0:
        return 0.0, 1.0, 0.25
    step = _step(hi - lo)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step


def _tick_label(value: float, step: float) -> str:
    power = math.floor(math.log10(step) + 1e-9)
    decimals = max(0, -power) + (1 if round(step / 10**power, 6) == 2.5 else 0)
    return f"{value:.{decimals}f}"


def _caption(rows: Sequence[tuple[str, str, Metric]]) -> str:
    defined = [m for _, _, m in rows if m.value is not None]
    with_ci = [m for m in defined if m.ci_low is not None and m.ci_high is not None]
    if not defined:
        return "no value here is defined, so no bar is drawn (the reasons are in the table below)."
    if len(with_ci) == len(defined):
        return "bars show the point value, whiskers the 95% confidence interval."
    if with_ci:
        return ("bars show the point value, whiskers the 95% confidence interval where one was recorded "
                "(bars without whiskers have none).")
    return "bars show the point value; no confidence interval was recorded for these values, so no whiskers are drawn."


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
    lo, hi, step = _domain([m for _, _, m in rows])
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
    count = round((hi - lo) / step)
    ticks = [(round(_LABEL_W + k * step * scale, 1), _tick_label(lo + k * step, step)) for k in range(count + 1)]
    legend = [(name, css[name]) for name in series_names] if len(series_names) > 1 else []
    height = _TOP + len(rows) * _ROW_H + 24
    return BarChart(chart_id, title, description, _LABEL_W + _PLOT_W + 240, height, _LABEL_W, _PLOT_W,
                    round(zero, 1), ticks, bars, legend, _caption(rows))


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
