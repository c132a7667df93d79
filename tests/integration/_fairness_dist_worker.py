"""Worker for test_fairness_distributed: each rank computes FairnessLoss on its shard (gloo, CPU)."""

from __future__ import annotations

import json
import os
import sys

import torch
import torch.distributed as dist

from auditkit.train._fairness_loss import FairnessLoss


def full_batches(steps: int = 3) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """The same deterministic global batches on every rank."""
    gen = torch.Generator().manual_seed(0)
    out = []
    for _ in range(steps):
        logits = torch.randn(24, 2, generator=gen)
        labels = torch.randint(0, 2, (24,), generator=gen)
        groups = torch.randint(0, 3, (24,), generator=gen)
        out.append((logits, labels, groups))
    return out


def run(constraint: str, mode: str, rank: int, world: int) -> dict[str, list[float]]:
    loss = FairnessLoss(constraint, n_groups=3, mode=mode, weight=0.5, epsilon=0.01, momentum=0.5)
    values, grads, multipliers = [], [], []
    for logits, labels, groups in full_batches():
        shard = slice(rank * 24 // world, (rank + 1) * 24 // world)
        mine = logits[shard].clone().requires_grad_(True)
        term = loss(mine, labels[shard], groups[shard])
        term.backward()
        values.append(float(term))
        grads.extend((mine.grad / world).flatten().tolist())
        multipliers.append(float(loss.multiplier))
    return {"values": values, "grads": grads, "multipliers": multipliers}


def main() -> None:
    out_dir = sys.argv[1]
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    result = {f"{c}/{m}": run(c, m, rank, world) for c in ("equal_opportunity", "equalized_odds", "demographic_parity") for m in ("penalty", "lagrangian")}
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
