"""Library logging: silent by default, never carries data.

auditkit attaches only a ``NullHandler`` to its root logger (the Presidio
habit); the CLI adds a file handler in the run directory. Log lines carry
counts, names and timings, never a value taken from a row.
"""

from __future__ import annotations

import logging

__all__ = ["get_logger"]

_ROOT = "auditkit"
logging.getLogger(_ROOT).addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """Return the auditkit logger for module ``name``."""
    return logging.getLogger(name if name.startswith(_ROOT) else f"{_ROOT}.{name}")
