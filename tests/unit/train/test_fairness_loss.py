"""FairnessLoss: the gap it penalises, its gradients, the dual step, and running statistics."""

from __future__ import annotations

import pytest
import torch

from auditkit.exceptions import FairnessError
from auditkit.train._fairness_loss import FairnessLoss


def _batch():
    torch.manual_seed(0)
    logits = torch.randn(16, 2, requires_grad=True)
    labels = torch.tensor([1, 0] * 8)
    groups = torch.tensor([0] * 8 + [1] * 8)
    return logits, labels, groups


def _soft_tpr(logits, labels, groups, g):
    p = torch.softmax(logits, -1)[:, 1]
    mask = (labels == 1) & (groups == g)
    return p[mask].mean()


def test_equal_opportunity_penalty_is_weight_times_soft_tpr_gap():
    logits, labels, groups = _batch()
    loss = FairnessLoss("equal_opportunity", n_groups=2, weight=2.0)
    expected = 2.0 * (_soft_tpr(logits, labels, groups, 0) - _soft_tpr(logits, labels, groups, 1)).abs()
    assert loss(logits, labels, groups).item() == pytest.approx(expected.item(), rel=1e-6)


def test_demographic_parity_penalty_uses_all_examples():
    logits, labels, groups = _batch()
    p = torch.softmax(logits, -1)[:, 1]
    expected = (p[groups == 0].mean() - p[groups == 1].mean()).abs()
    got = FairnessLoss("demographic_parity", n_groups=2)(logits, labels, groups)
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)


def test_equalized_odds_penalty_is_the_larger_of_tpr_and_fpr_gaps():
    logits, labels, groups = _batch()
    p = torch.softmax(logits, -1)[:, 1]
    tpr_gap = (_soft_tpr(logits, labels, groups, 0) - _soft_tpr(logits, labels, groups, 1)).abs()
    fpr = [p[(labels == 0) & (groups == g)].mean() for g in (0, 1)]
    expected = torch.maximum(tpr_gap, (fpr[0] - fpr[1]).abs())
    got = FairnessLoss("equalized_odds", n_groups=2)(logits, labels, groups)
    assert got.item() == pytest.approx(expected.item(), rel=1e-6)


def test_gradient_descent_on_the_penalty_shrinks_the_gap():
    logits, labels, groups = _batch()
    loss = FairnessLoss("equal_opportunity", n_groups=2)
    start = loss(logits, labels, groups).item()
    params = logits.detach().clone().requires_grad_(True)
    opt = torch.optim.SGD([params], lr=5.0)
    for _ in range(20):
        opt.zero_grad()
        loss(params, labels, groups).backward()
        opt.step()
    assert start > 0.05
    assert loss(params, labels, groups).item() < start / 4


def test_three_groups_penalise_largest_minus_smallest_rate():
    logits = torch.tensor([[0.0, 2.0], [0.0, 0.0], [0.0, -2.0]])
    labels = torch.tensor([1, 1, 1])
    got = FairnessLoss("equal_opportunity", n_groups=3)(logits, labels, torch.tensor([0, 1, 2]))
    p = torch.sigmoid(torch.tensor([2.0, -2.0]))
    assert got.item() == pytest.approx((p[0] - p[1]).item(), rel=1e-6)


def test_lagrangian_multiplier_grows_while_gap_exceeds_epsilon_and_stays_nonnegative():
    logits, labels, groups = _batch()
    loss = FairnessLoss("equal_opportunity", n_groups=2, mode="lagrangian", weight=0.0, epsilon=0.0, dual_lr=0.5)
    first = loss(logits, labels, groups)
    assert first.item() == 0.0  # uses lambda before the dual step
    assert loss.multiplier.item() == pytest.approx(0.5 * loss.last_gap.item())
    tight = FairnessLoss("equal_opportunity", n_groups=2, mode="lagrangian", weight=0.1, epsilon=1.0, dual_lr=0.5)
    tight(logits, labels, groups)
    assert tight.multiplier.item() == 0.0


def test_eval_mode_takes_no_dual_step():
    logits, labels, groups = _batch()
    loss = FairnessLoss("equal_opportunity", n_groups=2, mode="lagrangian", weight=1.0, epsilon=0.0).eval()
    loss(logits, labels, groups)
    assert loss.multiplier.item() == 1.0


def test_running_statistics_keep_a_group_missing_from_the_batch():
    logits, labels, groups = _batch()
    loss = FairnessLoss("equal_opportunity", n_groups=2, momentum=0.9)
    loss(logits, labels, groups)
    only_group_0 = groups == 0
    with_memory = loss(logits[only_group_0], labels[only_group_0], groups[only_group_0])
    without = FairnessLoss("equal_opportunity", n_groups=2)(logits[only_group_0], labels[only_group_0], groups[only_group_0])
    assert without.item() == 0.0
    assert with_memory.item() > 0.0
    with_memory.backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_batch_with_one_group_gives_zero_without_nan():
    logits, labels, groups = _batch()
    out = FairnessLoss("demographic_parity", n_groups=2)(logits, labels, torch.zeros_like(groups))
    out.backward()
    assert out.item() == 0.0 and torch.isfinite(logits.grad).all()


def test_single_logit_output_uses_a_sigmoid():
    logits = torch.tensor([[2.0], [-1.0]])
    got = FairnessLoss("demographic_parity", n_groups=2)(logits, torch.tensor([1, 0]), torch.tensor([0, 1]))
    assert got.item() == pytest.approx((torch.sigmoid(torch.tensor(2.0)) - torch.sigmoid(torch.tensor(-1.0))).item())


@pytest.mark.parametrize(
    "kwargs", [{"n_groups": 1}, {"constraint": "parity"}, {"mode": "soft"}, {"weight": -1.0}, {"momentum": 1.0}]
)
def test_invalid_settings_are_refused(kwargs):
    with pytest.raises(FairnessError):
        FairnessLoss(**kwargs)


def test_group_ids_out_of_range_are_refused():
    logits, labels, groups = _batch()
    with pytest.raises(FairnessError, match="0..1"):
        FairnessLoss(n_groups=2)(logits, labels, groups + 1)


def test_state_dict_carries_the_multiplier():
    loss = FairnessLoss(mode="lagrangian", weight=0.7)
    assert loss.state_dict()["multiplier"].item() == pytest.approx(0.7)


def test_repr_shows_the_settings_and_the_current_multiplier() -> None:
    from auditkit.train import FairnessLoss as Loss

    assert repr(Loss("equal_opportunity", n_groups=2, mode="lagrangian", epsilon=0.05)) == (
        "FairnessLoss('equal_opportunity', n_groups=2, mode='lagrangian', epsilon=0.05, dual_lr=0.05, multiplier=1)")
    assert repr(Loss("demographic_parity", n_groups=3, weight=0.5)) == (
        "FairnessLoss('demographic_parity', n_groups=3, mode='penalty', epsilon=0.05, weight=0.5)")
