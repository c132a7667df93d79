"""How many scrub processes run: a count from the config, or ``auto``.

One scrub process is single-threaded Python + spaCy (it keeps at most one core
busy; the parent that feeds forked workers mostly waits), so a second process
pays when a second core is there. Measured on the shared 2-core AMD EPYC
(AVX512-BF16) machine, auditkit 2 workers / 1, docs/s medians (min..max) over
3 interleaved rounds, ``flock /tmp/auditkit-heavy.lock python
bench/scrub_throughput.py --n 400 --rounds 3 --workers 1,2 --no-loop``:

==============================================  ===============================  ====================
run                                             1 process / 2 workers (docs/s)   2 / 1, per round
==============================================  ===============================  ====================
23:12, nothing else running (load 1.9 -> 1.6)  221.3 (170-233) / 307.2 (276-329)  1.39x (1.25..1.80)
22:50, light other load (load 2.6 -> 2.2)       196.6 (179-220) / 297.5 (181-341)  1.51x (0.92..1.67)
~22:00, heavy other load (load ~7), 600 notes   84.0 (67-96) / 78.6 (63-98)        0.94x
==============================================  ===============================  ====================

A second worker gained 1.4-1.5x whenever the machine had a core to give and lost
6% when other jobs held both, so ``auto`` is one worker per usable core, at most
:data:`MAX_AUTO_WORKERS` (counts above 2 cores are not measured on this machine).
A rule on the load average was tried and dropped: the 1-minute average lags, and
right after this process's own heavy work it picked 1 where 2 ran 1.39x faster.
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
    """The process count ``workers: auto`` picks: one per usable core, at most :data:`MAX_AUTO_WORKERS`."""
    cores = usable_cores() if cores is None else cores
    return max(1, min(cores, MAX_AUTO_WORKERS))


def resolve_workers(workers: int | Literal["auto"] | None) -> int:
    """A process count: ``auto`` (or ``None``) through :func:`auto_workers`, a positive count as given."""
    if workers is None or workers == "auto":
        return auto_workers()
    return max(1, int(workers))
