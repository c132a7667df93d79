"""Command-line interface (``auditkit ...``)."""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Run the ``auditkit`` command and exit with its code."""
    from auditkit.cli._app import main as run

    sys.exit(run())
