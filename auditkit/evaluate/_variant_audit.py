"""Comparing a deployment variant with the full-precision model on the same test examples.

Two numbers a release rule bounds. **Agreement**: the share of examples where
the variant predicts the full model's class, overall and per group (Wilson
intervals); compression is known to cost most where data is thinnest, so the
per-group floor is the one that matters. **Gap increase**: for each sensitive
attribute and each difference gap (demographic parity, equal opportunity,
equalized odds), the variant's gap minus the full model's, over the groups with
at least ``min_group_size`` examples; a paired bootstrap (the same resampled
examples for both models) gives its interval, so the sampling noise the two gaps
share cancels. A gap undefined for either model (a group without positives) is
undefined here too, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.evaluate._gap_interval import _z as z_value
from auditkit.evaluate._gap_interval import wilson_interval
from auditkit.scorecard import Metric

__all__ = ["GAPS", "agreement", "gap_increase"]

GAPS = ("demographic_parity_difference", "equal_opportunity_difference", "equalized_odds_difference")


def _share(hits: np.ndarray, confidence: float) -> Metric:
    n = int(hits.size)
    if n == 0:
        return Metric.undefined("no example", n=0)
    low, high = wilson_interval(np.array(hits.sum()), np.array(n), z_value(confidence, 1))
    return Metric(float(hits.mean()), float(low), float(high), None, n)


def agreement(full: np.ndarray, variant: np.ndarray, groups: Mapping[str, np.ndarray], *,
              confidence: float = 0.95, min_group_size: int = 30) -> dict[str, Any]:
    """``{"overall": leaf, "lowest_group": leaf, "attributes": {attribute: {group: leaf}}}``.

    ``lowest_group`` is the minimum over groups with at least ``min_group_size``
    examples (the number a per-group floor judges); smaller groups are shown with a reason.
    """
    same = (np.asarray(full) == np.asarray(variant)).astype(np.float64)
    out: dict[str, Any] = {"overall": _share(same, confidence).to_dict(), "attributes": {}}
    eligible: list[tuple[str, Metric]] = []
    for attr, values in groups.items():
        values = np.asarray(values).astype(str)
        cells = {}
        for name in sorted(set(values.tolist())):
            metric = _share(same[values == name], confidence)
            if (metric.n or 0) < min_group_size:
                metric = Metric(metric.value, metric.ci_low, metric.ci_high,
                                f"fewer than {min_group_size} examples: not in lowest_group", metric.n)
            else:
                eligible.append((f"{attr}={name}", metric))
            cells[name] = metric.to_dict()
        out["attributes"][attr] = cells
    out["lowest_group"] = _lowest(eligible, min_group_size).to_dict()
    return out


def _lowest(eligible: list[tuple[str, Metric]], min_group_size: int) -> Metric:
    """The lowest agreement over groups with at least ``min_group_size`` examples, naming the group."""
    if not eligible:
        return Metric.undefined(f"no group has at least {min_group_size} examples")
    where, low = min(eligible, key=lambda item: (item[1].value, item[0]))
    return Metric(low.value, low.ci_low, low.ci_high, f"lowest group: {where}", low.n)


def _gaps(weights: np.ndarray, y: np.ndarray, pred: np.ndarray, masks: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Each difference gap per row of ``weights``; NaN where a group's rate is undefined."""
    def rate(num: list[np.ndarray], den: list[np.ndarray]) -> np.ndarray:
        top = np.stack([weights @ a for a in num], axis=1)
        bottom = np.stack([weights @ b for b in den], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(bottom > 0, top / bottom, np.nan)

    def spread(rates: np.ndarray) -> np.ndarray:
        undefined = ~np.isfinite(rates).all(axis=1)
        filled = np.where(np.isfinite(rates), rates, 0.0)
        return np.where(undefined, np.nan, filled.max(axis=1) - filled.min(axis=1))

    sel = spread(rate([m & pred for m in masks], masks))
    tpr = spread(rate([m & y & pred for m in masks], [m & y for m in masks]))
    fpr = spread(rate([m & ~y & pred for m in masks], [m & ~y for m in masks]))
    return {"demographic_parity_difference": sel, "equal_opportunity_difference": tpr,
            "equalized_odds_difference": np.where(np.isnan(tpr) | np.isnan(fpr), np.nan, np.maximum(tpr, fpr))}


def _increase(y: np.ndarray, full: np.ndarray, variant: np.ndarray, masks: list[np.ndarray],
              settings: Mapping[str, Any]) -> dict[str, Metric]:
    n = int(y.size)
    point_full, point_var = _gaps(np.ones((1, n)), y, full, masks), _gaps(np.ones((1, n)), y, variant, masks)
    samples: dict[str, list[np.ndarray]] = {g: [] for g in GAPS}
    for chunk in count_chunks(n, settings["n_boot"], seed=settings["seed"]) if settings["n_boot"] else ():
        a, b = _gaps(chunk, y, full, masks), _gaps(chunk, y, variant, masks)
        for gap in GAPS:
            samples[gap].append(b[gap] - a[gap])
    out = {}
    for gap in GAPS:
        full_value, var_value = float(point_full[gap][0]), float(point_var[gap][0])
        if not (np.isfinite(full_value) and np.isfinite(var_value)):
            out[gap] = Metric.undefined("the gap is undefined for a group (no example with the condition)", n=n)
            continue
        low, high = percentile_interval(np.concatenate(samples[gap]), settings["confidence"]) if samples[gap] else (None, None)
        out[gap] = Metric(var_value - full_value, low, high, None if samples[gap] else "no bootstrap; no interval", n)
    return out


def gap_increase(y_true: np.ndarray, full: np.ndarray, variant: np.ndarray, groups: Mapping[str, np.ndarray], *,
                 positives: Sequence[int], labels: Sequence[str], min_group_size: int = 30, n_boot: int = 1000,
                 confidence: float = 0.95, seed: int = 0) -> dict[str, dict[str, Any]]:
    """``{attribute: {gap: leaf}}`` (``attribute/label`` per label when there are several positives)."""
    settings = {"n_boot": n_boot, "confidence": confidence, "seed": seed}
    out: dict[str, dict[str, Any]] = {}
    for attr, raw in groups.items():
        values = np.asarray(raw).astype(str)
        names = [g for g in sorted(set(values.tolist())) if int((values == g).sum()) >= min_group_size]
        masks = [values == g for g in names]
        for positive in positives:
            key = attr if len(positives) == 1 else f"{attr}/{labels[positive]}"
            if len(masks) < 2:
                reason = f"inconclusive: {len(masks)} group(s) with at least {min_group_size} examples; a gap needs two"
                out[key] = {gap: Metric.undefined(reason).to_dict() for gap in GAPS}
                continue
            y = np.asarray(y_true) == positive
            metrics = _increase(y, np.asarray(full) == positive, np.asarray(variant) == positive, masks, settings)
            out[key] = {gap: m.to_dict() for gap, m in metrics.items()}
    return out
