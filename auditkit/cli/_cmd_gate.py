"""``auditkit gate``: judge a scorecard against a policy and exit with the verdict.

Exit codes: 0 pass (warnings allowed), 1 a rule failed, 2 usage or invalid input,
3 internal error, 4 inconclusive. The command function lives in
:mod:`auditkit.gate._cli` so ``python -m auditkit.gate`` runs the same code
without importing the rest of the CLI.
"""

from __future__ import annotations

import typer

from auditkit.gate._cli import gate

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``gate`` command to ``app``."""
    app.command("gate")(gate)
