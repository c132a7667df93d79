"""Several processes on one run: torchrun's environment, rank-0-only writes, and the few collectives auditkit uses.

``torchrun --nproc-per-node N -m auditkit run audit.yaml`` (or ``auditkit run --nproc N``,
which launches exactly that) starts N copies of the pipeline. :func:`init_from_env` joins
them into one process group (gloo on CPU, NCCL on CUDA); the HF Trainer then trains with
DDP on it, the fairness loss all-reduces its group statistics, and attribution shards its
examples. Everything that writes to the run folder runs on rank 0 alone; the other ranks
wait at a barrier and read what it wrote (one machine, or a folder every node shares).
Outside torchrun every helper is a no-op for a single process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from auditkit.exceptions import ConfigError

__all__ = [
    "barrier",
    "broadcast",
    "gather",
    "init_from_env",
    "is_main",
    "launch",
    "rank",
    "world_size",
]


def _dist() -> Any:
    """``torch.distributed`` when torch is imported and a group is up, else ``None`` (never imports torch)."""
    torch = sys.modules.get("torch")
    if torch is None or not torch.distributed.is_available() or not torch.distributed.is_initialized():
        return None
    return torch.distributed


def world_size() -> int:
    """Processes in the run (``WORLD_SIZE`` from torchrun; 1 otherwise)."""
    dist = _dist()
    return int(dist.get_world_size()) if dist is not None else int(os.environ.get("WORLD_SIZE", "1") or 1)


def rank() -> int:
    """This process's rank (0 outside torchrun)."""
    dist = _dist()
    return int(dist.get_rank()) if dist is not None else int(os.environ.get("RANK", "0") or 0)


def is_main() -> bool:
    """Whether this process writes the run folder (rank 0)."""
    return rank() == 0


def init_from_env() -> bool:
    """Join torchrun's process group when started by it (``WORLD_SIZE`` > 1); return whether distributed.

    The backend is NCCL when this process has a CUDA device, gloo otherwise. The HF
    Trainer (through accelerate) reuses the group rather than starting its own.
    """
    if int(os.environ.get("WORLD_SIZE", "1") or 1) <= 1:
        return False
    import torch

    dist = torch.distributed
    if dist.is_initialized():
        return True
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    return True


def barrier() -> None:
    """Wait until every rank gets here (no-op for one process)."""
    dist = _dist()
    if dist is not None:
        dist.barrier()


def broadcast(value: Any) -> Any:
    """Rank 0's ``value`` on every rank (picklable small objects only; no-op for one process)."""
    dist = _dist()
    if dist is None:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def gather(value: Any) -> list[Any] | None:
    """Every rank's ``value`` on rank 0, in rank order (``None`` on the other ranks)."""
    dist = _dist()
    if dist is None:
        return [value]
    out: list[Any] | None = [None] * dist.get_world_size() if dist.get_rank() == 0 else None
    dist.gather_object(value, out, dst=0)
    return out


def launch(nproc: int, argv: Sequence[str], *, env: dict[str, str] | None = None) -> int:
    """Run ``python -m auditkit ARGV`` in ``nproc`` processes under torchrun on this machine; return its exit code.

    ``torch.distributed.run --standalone`` picks a free rendezvous port, so two runs
    on one machine do not collide. Each process gets ``OMP_NUM_THREADS`` = cores / nproc
    unless set, so N processes do not each start one thread per core.
    """
    if nproc < 1:
        raise ConfigError(f"--nproc must be at least 1; got {nproc}")
    env = {**os.environ, **(env or {})}
    env.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // nproc)))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}",
           "-m", "auditkit", *argv]
    return subprocess.run(cmd, env=env, check=False).returncode
