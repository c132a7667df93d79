"""Attach (and later detach) the run folder's log file to the auditkit logger."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

__all__ = ["run_log"]


@contextlib.contextmanager
def run_log(run_dir: Path, *, verbose: bool = False) -> Iterator[Path]:
    """Log auditkit's records (counts and timings only) to ``run_dir/logs/auditkit.log`` while inside."""
    path = run_dir / "logs" / "auditkit.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("auditkit")
    old_level = logger.level
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.addHandler(handler)
    try:
        yield path
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        handler.close()
