"""``python -m auditkit.gate SCORECARD --policy P``: the gate alone, without the rest of the CLI."""

from __future__ import annotations

import typer

from auditkit.gate._cli import gate


def main() -> None:
    """Run the gate command as a standalone program."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command()(gate)
    app()


if __name__ == "__main__":
    main()
