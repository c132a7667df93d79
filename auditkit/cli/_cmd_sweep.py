"""``auditkit sweep RUN_DIR``: search every file of a run for the planted canaries.

Exit 0 when no canary is found, 1 when any is (each hit names the file and the
canary label, never the value), 2 on bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def sweep_command(
    run_dir: Annotated[Path, typer.Argument(help="The run folder to search (runs/<name>).", show_default=False)],
    canaries: Annotated[
        Path | None,
        typer.Option("--canaries", help="Canary file; default: the hidden sibling runs/.<name>.canaries.json."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the sweep result (no values) to this JSON file.")
    ] = None,
) -> None:
    """Search every file of RUN_DIR (binary ones too) for each canary in raw, lower-case, digits-only and URL-encoded form."""
    from auditkit._io import atomic_write_json
    from auditkit.exceptions import DataError
    from auditkit.privacy import canary_file_for, load_canaries, sweep

    if not run_dir.is_dir():
        raise DataError(f"run directory not found: {run_dir}; pass the folder of a run (runs/<name>)")
    from auditkit.cli._paths import not_a_dir, writing

    not_a_dir(canaries, "--canaries")
    not_a_dir(json_out, "--json")
    source = canaries if canaries is not None else canary_file_for(run_dir)
    result = sweep(run_dir, load_canaries(source))
    if json_out is not None:
        if run_dir.resolve() in json_out.resolve().parents:
            raise DataError("--json must point outside the run directory (the sweep result would be swept)")
        with writing(json_out, "--json"):
            atomic_write_json(json_out, result.to_dict())
    typer.echo(
        f"canary sweep: {result.n_canaries} canaries, {result.files_scanned} files, "
        f"{result.bytes_scanned} bytes, {len(result.hits)} hit(s)"
    )
    for hit in result.hits:
        typer.echo(f"HIT  {hit.file}  {hit.canary}  ({hit.split}, {hit.form})")
    for entry in result.skipped:
        typer.echo(f"UNREAD  {entry}")
    if not result.clean:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command to ``app``."""
    app.command("sweep")(sweep_command)
