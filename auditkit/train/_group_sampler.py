"""A sampler that puts every group in every batch.

Fairness penalties compare group statistics inside a batch; with small batches a
rare group is often absent and the penalty jumps. :class:`GroupBalancedSampler`
yields an epoch order in which each consecutive block of ``batch_size`` indices
contains at least one example of every group (when ``batch_size`` allows it),
by swapping a member of the most common group for one of each missing group.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from torch.utils.data import Sampler

from auditkit.exceptions import FairnessError

__all__ = ["GroupBalancedSampler"]


class GroupBalancedSampler(Sampler[int]):
    """Shuffled epoch order with every group present in every batch.

    Parameters
    ----------
    group_ids:
        Group id of each example (``0 .. G-1``).
    batch_size:
        Batch size the DataLoader will use; must be at least the number of groups.
    seed:
        Base seed; the order of epoch ``e`` uses ``seed + e`` (see :meth:`set_epoch`).

    Notes
    -----
    The epoch length stays ``len(group_ids)``; rare groups may be drawn more than
    once and common ones dropped now and then, which slightly reweights groups.
    """

    def __init__(self, group_ids: Sequence[int] | np.ndarray, batch_size: int, *, seed: int = 0) -> None:
        self.group_ids = np.asarray(group_ids, dtype=np.int64)
        self.n_groups = int(self.group_ids.max()) + 1 if self.group_ids.size else 0
        if self.group_ids.size == 0:
            raise FairnessError("GroupBalancedSampler got no examples")
        if batch_size < self.n_groups:
            raise FairnessError(
                f"batch_size {batch_size} is below the number of groups {self.n_groups}; "
                "raise the batch size so every group fits in a batch"
            )
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Use the order of ``epoch`` next (call once per epoch for fresh shuffles)."""
        self.epoch = epoch

    def __len__(self) -> int:
        return int(self.group_ids.size)

    def __iter__(self) -> Iterator[int]:
        rng = np.random.default_rng(self.seed + self.epoch)
        order = rng.permutation(self.group_ids.size)
        pools = [rng.permutation(np.flatnonzero(self.group_ids == g)) for g in range(self.n_groups)]
        cursors = [0] * self.n_groups
        for start in range(0, order.size, self.batch_size):
            batch = order[start : start + self.batch_size].copy()
            if batch.size >= self.n_groups:
                self._fill_missing(batch, pools, cursors)
            yield from (int(i) for i in batch)

    def _fill_missing(self, batch: np.ndarray, pools: list[np.ndarray], cursors: list[int]) -> None:
        for g in range(self.n_groups):
            groups = self.group_ids[batch]
            if (groups == g).any() or pools[g].size == 0:
                continue
            counts = np.bincount(groups, minlength=self.n_groups)
            donor = int(counts.argmax())
            slot = int(np.flatnonzero(groups == donor)[0])
            batch[slot] = pools[g][cursors[g] % pools[g].size]
            cursors[g] += 1
