"""``auditkit make-example-data``: write the seeded synthetic clinical-notes corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["DEFAULT_OUT_DIR", "make_example_data", "register"]

DEFAULT_OUT_DIR = Path("examples/clinical_triage/data")


def make_example_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the corpus into.")] = DEFAULT_OUT_DIR,
    n: Annotated[int, typer.Option("--n", help="Number of notes.", min=1)] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Seed; same seed gives byte-identical files.")] = 13,
) -> None:
    """Write clinical_notes.csv, pii_spans.jsonl and bias.json (synthetic, fictional data)."""
    from auditkit.cli._paths import ensure_dir, writing
    from auditkit.examples_data import write_corpus

    ensure_dir(out_dir, "the output folder")
    with writing(out_dir, "the example corpus into"):
        files = write_corpus(out_dir, n=n, seed=seed)
    for path in files.paths():
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add the ``make-example-data`` command to ``app``."""
    app.command(name="make-example-data")(make_example_data)
