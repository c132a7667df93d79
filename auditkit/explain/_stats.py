"""Point estimates with bootstrap intervals, in the scorecard metric convention.

A metric is reported as ``{"value", "ci_low", "ci_high", "reason"}``; a value
that cannot be computed is ``None`` with a reason, never ``0.0``. Intervals are
percentile bootstrap intervals over examples, seeded so reruns agree.
"""

from __future__ import annotations

import numpy as np

from auditkit.scorecard import Metric

__all__ = ["bootstrap_mean"]


def bootstrap_mean(
    values: np.ndarray,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    what: str = "values",
) -> Metric:
    """Mean of ``values`` with a percentile bootstrap interval.

    Parameters
    ----------
    values:
        One number per example; NaNs are dropped (they mark undefined examples).
    n_resamples:
        Bootstrap resamples; 0 gives the mean without an interval.
    confidence:
        Two-sided confidence level of the interval.
    seed:
        Seed of the resampling generator.
    what:
        Name of the quantity, used in the reason text.

    Returns
    -------
    Metric
        ``value`` is ``None`` (with a reason) when no example is defined.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    n = int(arr.size)
    if n == 0:
        return Metric(None, reason=f"no examples with defined {what}", n=0)
    value = float(arr.mean())
    if n < 2 or n_resamples <= 0:
        return Metric(value, reason="fewer than 2 examples or no resamples; no interval", n=n)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, n, size=(n_resamples, n))].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Metric(value, float(low), float(high), None, n)
