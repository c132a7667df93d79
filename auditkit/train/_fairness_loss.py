"""A differentiable group-fairness term for any PyTorch training loop.

:class:`FairnessLoss` turns a batch's logits into soft positive-class
probabilities ``p`` and compares group statistics of ``p``:

* ``demographic_parity``: mean ``p`` per group (soft selection rate);
* ``equal_opportunity``: mean ``p`` over the positives of each group (soft TPR);
* ``equalized_odds``: soft TPR and soft FPR; the gap is the larger of the two.

The gap is the largest minus the smallest group rate. With ``positive_index=None``
and ``n_classes=K`` (multiclass), every class is constrained one-vs-rest (its
soft probability in place of ``p``, its examples as the positives) and the gap is
the **largest over classes**: the gate judges the worst class, and a sum or mean
would let a small gain on an easy class pay for a large gap on another. In ``penalty`` mode the term
is ``weight * gap``; in ``lagrangian`` mode it is ``lambda * (gap - epsilon)`` and
``lambda`` is updated by dual ascent. Small batches are stabilised by running
(exponentially decayed) group sums, and under ``torch.distributed`` the group sums
and counts are all-reduced so every rank sees the global gap.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from auditkit.exceptions import FairnessError

__all__ = ["FairnessLoss"]

Constraint = Literal["demographic_parity", "equalized_odds", "equal_opportunity"]
_SLICES = {"demographic_parity": 1, "equal_opportunity": 1, "equalized_odds": 2}


def _world() -> int:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return int(torch.distributed.get_world_size())
    return 1


def _global_sum(local: torch.Tensor, world: int) -> torch.Tensor:
    """All-reduced sum whose gradient flows to the local contribution only, scaled by ``world``.

    The value equals the sum over ranks. The backward pass gives each rank
    ``world x`` its local gradient, so after DDP averages gradients over ranks the
    parameters receive the gradient of the global penalty.
    """
    total = local.detach().clone()
    torch.distributed.all_reduce(total, op=torch.distributed.ReduceOp.SUM)
    return total + world * (local - local.detach())


class FairnessLoss(nn.Module):
    """Fairness term to add to the task loss: ``loss = task_loss + fairness(logits, labels, group_ids)``.

    Parameters
    ----------
    constraint:
        ``demographic_parity``, ``equal_opportunity`` or ``equalized_odds``.
    n_groups:
        Number of groups; ``group_ids`` take values ``0 .. n_groups - 1``. At least 2.
    mode:
        ``penalty`` returns ``weight * gap``; ``lagrangian`` returns ``lambda * (gap - epsilon)``.
    weight:
        Penalty weight (``penalty`` mode) and initial multiplier (``lagrangian`` mode).
    epsilon:
        Allowed gap in ``lagrangian`` mode.
    dual_lr:
        Dual ascent step size for the multiplier.
    positive_index:
        Class index treated as positive (1 for binary); a single-logit output uses a sigmoid.
        ``None`` constrains every class one-vs-rest (needs ``n_classes``); the gap is the worst class's.
    n_classes:
        Number of classes, for ``positive_index=None`` (sizes the running group statistics).
    momentum:
        Decay of the running group sums (0 = this batch only). With ``m > 0`` the rate of a
        group is ``(batch_sum + m * running_sum) / (batch_count + m * running_count)``; the
        running part is detached, so gradients come from this batch while a group absent
        from the batch still has a rate.

    Notes
    -----
    **When the dual step happens.** In ``lagrangian`` mode each ``forward`` call made
    while the module is in training mode returns ``lambda * (gap - epsilon)`` with the
    *current* ``lambda``, and then updates ``lambda <- max(0, lambda + dual_lr * (gap - epsilon))``
    using the detached gap. In eval mode (``.eval()``) nothing is updated. Under
    ``torch.distributed`` the gap is global, so every rank takes the same step and the
    multipliers stay in sync. ``lambda`` is a buffer, saved in ``state_dict``; with the
    running sums and counts it is part of every :class:`~auditkit.train.FairTrainer`
    checkpoint and restored on resume, so a resumed run equals an uninterrupted one.

    Group sums are all-reduced when ``torch.distributed`` is initialised with more than
    one process; a group with no example in the (global, running) batch is left out of
    the gap, and with fewer than two groups present the term is zero.

    Examples
    --------
    Standalone, in any loop::

        fair = FairnessLoss("equal_opportunity", n_groups=2, mode="lagrangian", epsilon=0.02)
        for input_ids, attention_mask, labels, group_ids in loader:
            logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
            loss = torch.nn.functional.cross_entropy(logits, labels) + fair(logits, labels, group_ids)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    """

    multiplier: torch.Tensor
    running_sums: torch.Tensor
    running_counts: torch.Tensor
    last_gap: torch.Tensor

    def __init__(
        self,
        constraint: Constraint = "equal_opportunity",
        *,
        n_groups: int = 2,
        mode: Literal["penalty", "lagrangian"] = "penalty",
        weight: float = 1.0,
        epsilon: float = 0.05,
        dual_lr: float = 0.05,
        positive_index: int | None = 1,
        momentum: float = 0.0,
        n_classes: int | None = None,
    ) -> None:
        super().__init__()
        if constraint not in _SLICES:
            raise FairnessError(f"constraint must be one of {sorted(_SLICES)}; got an unknown name")
        if mode not in ("penalty", "lagrangian"):
            raise FairnessError("mode must be 'penalty' or 'lagrangian'")
        if n_groups < 2:
            raise FairnessError(f"a fairness constraint needs at least 2 groups; got n_groups={n_groups}")
        if weight < 0 or epsilon < 0 or dual_lr <= 0 or not 0 <= momentum < 1:
            raise FairnessError("expected weight >= 0, epsilon >= 0, dual_lr > 0 and 0 <= momentum < 1")
        if positive_index is None and (n_classes is None or n_classes < 2):
            raise FairnessError("positive_index=None constrains every class and needs n_classes >= 2; "
                                "pass n_classes=len(labels), or a positive_index for one class")
        self.constraint = constraint
        self.n_groups = n_groups
        self.mode = mode
        self.weight = weight
        self.epsilon = epsilon
        self.dual_lr = dual_lr
        self.positive_index = positive_index
        self.momentum = momentum
        self.n_classes = n_classes
        self.classes = [positive_index] if positive_index is not None else list(range(int(n_classes or 0)))
        slices = _SLICES[constraint] * len(self.classes)
        self.register_buffer("multiplier", torch.tensor(float(weight)))
        self.register_buffer("running_sums", torch.zeros(slices, n_groups))
        self.register_buffer("running_counts", torch.zeros(slices, n_groups))
        self.register_buffer("last_gap", torch.tensor(0.0))

    def extra_repr(self) -> str:
        """Shown inside ``FairnessLoss(...)``: the settings, and the current multiplier in lagrangian mode."""
        parts = [f"{self.constraint!r}", f"n_groups={self.n_groups}", f"mode={self.mode!r}", f"epsilon={self.epsilon}"]
        if self.mode == "lagrangian":
            parts += [f"dual_lr={self.dual_lr}", f"multiplier={float(self.multiplier):.4g}"]
        else:
            parts.append(f"weight={self.weight}")
        if self.positive_index is None:
            parts.append(f"classes=all ({self.n_classes})")
        elif self.positive_index != 1:
            parts.append(f"positive_index={self.positive_index}")
        if self.momentum:
            parts.append(f"momentum={self.momentum}")
        return ", ".join(parts)

    def _class_probs(self, logits: torch.Tensor) -> torch.Tensor:
        """Soft probability of each constrained class, shape ``(len(classes), n)``."""
        if logits.dim() == 1 or logits.shape[-1] == 1:
            if self.positive_index is None:
                raise FairnessError("a single-logit output has one class; give positive_index instead of None")
            return torch.sigmoid(logits.reshape(-1))[None, :]
        if self.positive_index is None and logits.shape[-1] != self.n_classes:
            raise FairnessError(f"logits have {logits.shape[-1]} classes but the loss was built with n_classes={self.n_classes}")
        return torch.softmax(logits, dim=-1)[:, self.classes].T

    def _masks(self, labels: torch.Tensor, n: int, device: torch.device) -> torch.Tensor:
        """One row per (class, slice): which examples each constrained rate averages over."""
        rows = []
        for cls in self.classes:
            if self.constraint == "demographic_parity":
                rows.append(torch.ones(n, device=device))
                continue
            positive = (labels.reshape(-1) == cls).float()
            rows += [positive] if self.constraint == "equal_opportunity" else [positive, 1.0 - positive]
        return torch.stack(rows)

    def group_stats(
        self, logits: torch.Tensor, labels: torch.Tensor, group_ids: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Global (all-reduced) group sums of ``p`` and counts, shape ``(slices, n_groups)`` each."""
        probs = self._class_probs(logits).float()
        groups = group_ids.reshape(-1).long()
        if groups.numel() and (int(groups.min()) < 0 or int(groups.max()) >= self.n_groups):
            raise FairnessError(f"group_ids must lie in 0..{self.n_groups - 1}; got ids outside that range")
        masks = self._masks(labels, probs.shape[1], probs.device)
        prob = probs.repeat_interleave(_SLICES[self.constraint], dim=0)  # each class's p, once per slice
        index = groups[None, :].expand_as(masks)
        zeros = torch.zeros(masks.shape[0], self.n_groups, device=probs.device)
        sums = zeros.scatter_add(1, index, masks * prob)
        counts = zeros.scatter_add(1, index, masks)
        world = _world()
        if world > 1:
            sums = _global_sum(sums, world)
            counts = _global_sum(counts, world).detach()
        return sums, counts

    def gap(self, sums: torch.Tensor, counts: torch.Tensor) -> torch.Tensor:
        """Largest minus smallest group rate, maximised over slices (0 when under two groups)."""
        present = counts > 0
        rates = sums / counts.clamp_min(1e-12)
        big = torch.finfo(rates.dtype).max
        high = torch.where(present, rates, torch.full_like(rates, -big)).max(dim=1).values
        low = torch.where(present, rates, torch.full_like(rates, big)).min(dim=1).values
        usable = present.sum(dim=1) >= 2
        spread = torch.where(usable, high - low, torch.zeros_like(high))
        return spread.max()

    def forward(self, logits: torch.Tensor, labels: torch.Tensor, group_ids: torch.Tensor) -> torch.Tensor:
        """The fairness term (a scalar tensor) for this batch; see the class notes for side effects."""
        sums, counts = self.group_stats(logits, labels, group_ids)
        if self.momentum > 0:
            sums_eff = sums + self.momentum * self.running_sums
            counts_eff = counts + self.momentum * self.running_counts
        else:
            sums_eff, counts_eff = sums, counts
        gap = self.gap(sums_eff, counts_eff)
        if self.mode == "penalty":
            term = self.weight * gap
        else:
            term = self.multiplier.detach().clone() * (gap - self.epsilon)
        if self.training:
            self._update_state(sums.detach(), counts.detach(), gap.detach())
        return term

    @torch.no_grad()
    def _update_state(self, sums: torch.Tensor, counts: torch.Tensor, gap: torch.Tensor) -> None:
        self.last_gap.copy_(gap)
        if self.momentum > 0:
            self.running_sums.mul_(self.momentum).add_(sums)
            self.running_counts.mul_(self.momentum).add_(counts)
        if self.mode == "lagrangian":
            self.multiplier.add_(self.dual_lr * (gap - self.epsilon)).clamp_(min=0.0)
