"""GroupBalancedSampler puts every group in every batch and is seeded."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.exceptions import FairnessError
from auditkit.train._group_sampler import GroupBalancedSampler


def test_every_batch_holds_every_group_even_for_a_rare_group():
    groups = np.array([0] * 190 + [1] * 10)
    order = list(GroupBalancedSampler(groups, batch_size=8, seed=0))
    assert len(order) == 200
    batches = [order[i : i + 8] for i in range(0, 200, 8)]
    assert all({0, 1} <= set(groups[b].tolist()) for b in batches)


def test_control_a_plain_shuffle_leaves_the_rare_group_out_of_some_batches():
    groups = np.array([0] * 190 + [1] * 10)
    order = np.random.default_rng(0).permutation(200)
    batches = [order[i : i + 8] for i in range(0, 200, 8)]
    assert not all({0, 1} <= set(groups[b].tolist()) for b in batches)


def test_same_seed_and_epoch_give_the_same_order_and_epochs_differ():
    groups = np.array([0, 1] * 50)
    a, b = GroupBalancedSampler(groups, 10, seed=1), GroupBalancedSampler(groups, 10, seed=1)
    assert list(a) == list(b)
    b.set_epoch(1)
    assert list(a) != list(b)


def test_batch_smaller_than_the_number_of_groups_is_refused():
    with pytest.raises(FairnessError, match="batch_size 2"):
        GroupBalancedSampler([0, 1, 2], batch_size=2)
