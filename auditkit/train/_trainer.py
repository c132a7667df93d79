"""FairTrainer: the one place where the training loss is computed.

A :class:`transformers.Trainer` subclass whose ``compute_loss`` takes the
(optionally per-example weighted) cross-entropy and adds a fairness term when a
fairness loss is attached. Batches carry ``group_ids`` and ``sample_weight``
next to the model inputs; they are removed before the forward pass. The
fairness loss's state is part of every checkpoint, so a resumed run continues
with the multiplier and running sums it had.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from transformers import Trainer

from auditkit.train._checkpoint import AtomicCheckpointMixin

__all__ = ["FairTrainer"]


class FairTrainer(AtomicCheckpointMixin, Trainer):
    """HF Trainer with weighted cross-entropy plus an optional fairness term.

    Parameters
    ----------
    fairness_loss:
        A callable ``(logits, labels, group_ids) -> scalar tensor`` added to the
        task loss during training (e.g. :class:`auditkit.train.FairnessLoss`).
    *args, **kwargs:
        Passed to :class:`transformers.Trainer`.
    """

    loss_is_scaled_for_ga = False

    def __init__(self, *args: Any, fairness_loss: torch.nn.Module | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fairness_loss = fairness_loss
        self.last_fairness_term: float | None = None

    def _stateful_modules(self) -> dict[str, Any]:
        """The fairness loss (multiplier, running group sums): checkpointed and restored on resume (F2)."""
        loss = self.fairness_loss
        return {"fairness_loss": loss} if isinstance(loss, torch.nn.Module) and loss.state_dict() else {}

    def compute_loss(
        self,
        model: torch.nn.Module,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: torch.Tensor | int | None = None,
    ) -> torch.Tensor | tuple[torch.Tensor, Any]:
        """Weighted cross-entropy (+ fairness term while training)."""
        inputs = dict(inputs)
        labels = inputs.pop("labels")
        group_ids = inputs.pop("group_ids", None)
        weights = inputs.pop("sample_weight", None)
        outputs = model(**inputs)
        logits = outputs["logits"] if isinstance(outputs, dict) else outputs[0]
        per_example = F.cross_entropy(logits.float(), labels, reduction="none")
        if weights is not None:
            loss = (per_example * weights).sum() / weights.sum().clamp_min(1e-12)
        else:
            loss = per_example.mean()
        if self.fairness_loss is not None and group_ids is not None and model.training:
            term = self.fairness_loss(logits.float(), labels, group_ids)
            self.last_fairness_term = float(term.detach())
            loss = loss + term
        return (loss, outputs) if return_outputs else loss
