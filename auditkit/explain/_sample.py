"""Seeded sampling of the texts to explain, stratified by group and label.

Each row gets a key ``(rank within its stratum + u) / stratum size`` from a
seeded shuffle, minus 1 for the first row of each stratum; taking the ``n``
smallest keys gives every stratum one row first, then shares proportional to
stratum sizes. The same seed always gives the same sample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from auditkit.exceptions import DataError

__all__ = ["per_group_sample", "stratified_sample"]


def stratified_sample(frame: pd.DataFrame, n: int, *, by: Sequence[str], seed: int = 0) -> pd.DataFrame:
    """Up to ``n`` rows of ``frame``, stratified by the columns ``by`` (seeded, original order kept).

    Parameters
    ----------
    frame:
        The rows to sample from.
    n:
        Sample size; the whole frame when it has ``n`` rows or fewer.
    by:
        Strata columns (e.g. the sensitive attributes and the label).
    seed:
        Seed of the shuffle.
    """
    missing = [c for c in by if c not in frame.columns]
    if missing:
        raise DataError(f"cannot stratify by {missing}: not columns of the data; known: {list(frame.columns)}")
    if n < 1:
        raise DataError(f"sample size must be at least 1; got {n}")
    if len(frame) <= n:
        return frame.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    shuffled = frame.iloc[rng.permutation(len(frame))]
    if by:
        strata = shuffled[list(by)].astype(str).agg("\x1f".join, axis=1)
    else:
        strata = pd.Series("", index=shuffled.index)
    rank = strata.groupby(strata).cumcount().to_numpy()
    size = strata.map(strata.value_counts()).to_numpy()
    key = (rank + rng.random(len(shuffled))) / size - (rank == 0)  # every stratum's first row goes first
    chosen = shuffled.iloc[np.argsort(key, kind="stable")[:n]]
    return frame.loc[sorted(chosen.index, key=frame.index.get_loc)].reset_index(drop=True)


def per_group_sample(strata: Sequence[str], n: int, *, seed: int = 0) -> np.ndarray:
    """Positions of up to ``n`` rows from each stratum (seeded), in ascending order.

    Parameters
    ----------
    strata:
        One stratum key per row (e.g. group and label joined).
    n:
        Rows kept per stratum; a smaller stratum is kept whole.
    seed:
        Seed of the draw within each stratum.
    """
    if n < 1:
        raise DataError(f"per-group sample size must be at least 1; got {n}")
    keys = pd.Series(list(strata), dtype=object)
    draw = pd.Series(np.random.default_rng(seed).random(len(keys)))
    rank = draw.groupby(keys).rank(method="first").to_numpy()
    return np.flatnonzero(rank <= n)
