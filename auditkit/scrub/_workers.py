"""How many scrub processes run: a count from the config, or ``auto``.

One scrub process is single-threaded Python + spaCy (it keeps at most one core
busy; the parent that feeds forked workers mostly waits), so a second process
pays exactly when a second core is free. Measured on the shared 2-core AMD EPYC
(AVX512-BF16) machine, auditkit 2 workers / 1, docs/s medians over interleaved
rounds (``flock /tmp/auditkit-heavy.lock python bench/scrub_throughput.py --n 400
--rounds 3 --workers 1,2 --no-loop``):

==========================================  ==========================  =========
machine                                      1 process / 2 workers      2 / 1
==========================================  ==========================  =========
other jobs light (1-min load 2.6 -> 2.2)     196.6 / 297.5 docs/s        1.51x (0.92..1.67)
other jobs heavy (1-min load ~7)             84.0 / 78.6 (600 notes)     0.94x
issue #16 (load not recorded)                135.3 / 106.7               0.79x
==========================================  ==========================  =========

So ``auto`` counts the cores that are free: usable cores minus the 1-minute load
average, plus one for this process itself (it is part of that load), rounded,
at least 1 and at most the usable cores and :data:`MAX_AUTO_WORKERS`. An idle
2-core machine gets 2 workers, a busy one 1 (where a second process never paid).
Above 2 cores the rule is not measured on this machine.
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


def _load() -> float:
    """The 1-minute load average (0 where the OS has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return 0.0


def auto_workers(cores: int | None = None, load: float | None = None) -> int:
    """The process count ``workers: auto`` picks: the free cores (``cores - load + 1``), within 1..cores."""
    cores = usable_cores() if cores is None else cores
    load = _load() if load is None else load
    free = int(cores - load + 1 + 0.5)
    return max(1, min(free, cores, MAX_AUTO_WORKERS))


def resolve_workers(workers: int | Literal["auto"] | None) -> int:
    """A process count: ``auto`` (or ``None``) through :func:`auto_workers`, a positive count as given."""
    if workers is None or workers == "auto":
        return auto_workers()
    return max(1, int(workers))
