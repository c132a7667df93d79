"""How many scrub processes run: a count from the config, or ``auto``.

One scrub process is single-threaded Python + spaCy (it keeps at most one core
busy), so more processes can only help where cores are left over. ``auto`` is
1 on a machine with at most two usable cores: measured on the shared 2-core AMD
EPYC (AVX512-BF16) machine with ``flock /tmp/auditkit-heavy.lock python
bench/scrub_throughput.py --n 600 --rounds 5 --workers 1,2 --no-presidio``-style
interleaved rounds (600 clinical notes, docs/s median, min..max):

=====================================  =====================
1 process                               84.0 (67.2..96.2)
2 forked workers                        78.6 (62.7..97.8)
2 workers, BLAS/OpenMP pinned to 1      82.2 (59.4..85.5)
=====================================  =====================

so a second process does not pay there (the parent feeding batches and the other
work on the machine take the second core). With more cores ``auto`` leaves one
core to the parent and gives each other core a worker, capped at
:data:`MAX_AUTO_WORKERS` (not measured on this machine).
"""

from __future__ import annotations

import os
from typing import Literal

__all__ = ["MAX_AUTO_WORKERS", "auto_workers", "resolve_workers", "usable_cores"]

MAX_AUTO_WORKERS = 8


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def auto_workers(cores: int | None = None) -> int:
    """The process count ``workers: auto`` picks for ``cores`` usable cores (default: this machine's)."""
    cores = usable_cores() if cores is None else cores
    if cores <= 2:
        return 1
    return min(cores - 1, MAX_AUTO_WORKERS)


def resolve_workers(workers: int | Literal["auto"] | None) -> int:
    """A process count: ``auto`` (or ``None``) through :func:`auto_workers`, a positive count as given."""
    if workers is None or workers == "auto":
        return auto_workers()
    return max(1, int(workers))
