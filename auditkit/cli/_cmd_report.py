"""``auditkit report RUN_DIR``: re-render scorecard.html and model_card.md from scorecard.json alone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder holding scorecard.json, or the scorecard file itself.", show_default=False)],
    template_dir: Annotated[
        Path | None, typer.Option("--template-dir", help="Folder of .j2 templates overriding the shipped partials (sandboxed).")
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Where to write; default: beside scorecard.json.")] = None,
) -> None:
    """Re-render scorecard.html and model_card.md from scorecard.json (validated against its schema)."""
    from auditkit.cli._paths import ensure_dir
    from auditkit.report import render_report

    if out_dir is not None:
        ensure_dir(out_dir, "--out-dir")
    paths = render_report(run_dir, template_dir=template_dir, out_dir=out_dir)
    typer.echo(f"scorecard.html  {paths.html}")
    typer.echo(f"model_card.md   {paths.model_card}")


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""
    app.command("report")(report)
