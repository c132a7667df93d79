"""``auditkit scrub INPUT -o OUTPUT --text-column COL``: scrub personal data from a table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

__all__ = ["register"]

_Operator = Literal["replace", "redact", "mask", "hash", "pseudonymize"]


def scrub(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV, JSONL or Parquet file.", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write (format from the extension).", show_default=False)],
    text_column: Annotated[list[str], typer.Option("--text-column", help="Column to scrub (repeatable).", show_default=False)],
    operator: Annotated[_Operator | None, typer.Option("--operator", help="replace (default), redact, mask, hash or pseudonymize.")] = None,
    summary: Annotated[Path | None, typer.Option("--summary", help="Write the ScrubSummary JSON here.")] = None,
    quarantine: Annotated[Path | None, typer.Option("--quarantine", help="Write withheld rows (id, column, reason) as JSONL here.")] = None,
    id_column: Annotated[str, typer.Option("--id-column", help="Column naming rows in the quarantine list.")] = "id",
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes (default: config or 1).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="A run config whose scrub section to use.")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")] = True,
) -> None:
    """Scrub personal data from text columns, keeping other columns and the row order.

    Exits 1 when any cell had to be withheld (its id and reason are in the
    quarantine file); its text is never written.
    """
    from auditkit._io import atomic_write_json, atomic_write_text
    from auditkit.cli._paths import not_a_dir, writing
    from auditkit.config import ScrubConfig
    from auditkit.data import load_table, save_table, table_format
    from auditkit.exceptions import DataError
    from auditkit.scrub import Scrubber, scrub_frame

    table_format(output)
    not_a_dir(output, "--output")
    not_a_dir(summary, "--summary")
    not_a_dir(quarantine, "--quarantine")
    if output.resolve() == input_path.resolve():
        raise DataError("the output path is the input path; expected a different file so the original stays intact")
    scrub_config = ScrubConfig()
    if config is not None:
        from auditkit.config import load_config

        scrub_config = load_config(config).scrub
    scrubber = Scrubber(scrub_config, operator=operator, workers=workers)
    frame = load_table(input_path)
    result = scrub_frame(frame, text_column, scrubber=scrubber, id_column=id_column, progress=progress)
    with writing(output, "--output"):
        save_table(result.frame, output)
    if summary is not None:
        with writing(summary, "--summary"):
            atomic_write_json(summary, result.summary.to_json_dict())
    if quarantine is not None:
        lines = "".join(record.model_dump_json() + "\n" for record in result.quarantine)
        with writing(quarantine, "--quarantine"):
            atomic_write_text(quarantine, lines)
    s = result.summary
    typer.echo(
        f"scrubbed {s.rows_total} rows ({s.rows_touched} touched, {sum(s.entities.values())} identifiers, "
        f"{s.rows_quarantined} withheld) -> {output}",
        err=True,
    )
    if s.rows_quarantined:
        typer.echo(f"auditkit: {s.rows_quarantined} row(s) withheld: analysis failed or timed out", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``scrub`` command to ``app``."""
    app.command("scrub")(scrub)
