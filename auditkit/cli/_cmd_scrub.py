"""``auditkit scrub INPUT -o OUTPUT --text-column COL [--gold GOLD]``: scrub personal data from a table.

The table streams through in chunks (CSV, JSONL and Parquet alike) and the
output is written to a temporary file renamed into place at the end, so memory
stays flat on any number of rows and a failure leaves no half-written file. The
recall probe (``scrub.recall_probe``) plants synthetic identifiers in a bounded
sample of the texts; ``--gold`` scores the scrubber on a labelled JSONL file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from auditkit.config import ScrubConfig
    from auditkit.scrub import ScrubSummary, Scrubber

__all__ = ["register"]

_Operator = Literal["replace", "redact", "mask", "hash", "pseudonymize"]


def _check_paths(input_path: Path | None, output: Path | None, text_column: list[str] | None,
                 files: dict[str, Path | None], gold: Path | None) -> None:
    from auditkit.cli._paths import not_a_dir
    from auditkit.data import table_format
    from auditkit.exceptions import DataError

    if input_path is None and gold is None:
        raise DataError("nothing to scrub; expected INPUT with -o/--output and --text-column, or --gold GOLD.jsonl")
    if input_path is not None:
        if output is None or not text_column:
            raise DataError("INPUT needs -o/--output and at least one --text-column; e.g. -o out.csv --text-column text")
        table_format(output)
        if output.resolve() == input_path.resolve():
            raise DataError("the output path is the input path; expected a different file so the original stays intact")
    for what, path in files.items():
        not_a_dir(path, what)


def _config(config: Path | None, recall: bool | None, language: str | None = None) -> ScrubConfig:
    from auditkit.config import ScrubConfig, load_config

    scrub_config = load_config(config).scrub if config is not None else ScrubConfig()
    if language is not None:
        scrub_config = scrub_config.with_language(language)
    return scrub_config if recall is None else scrub_config.model_copy(update={"recall_probe": recall})


def _stream(scrubber: Scrubber, input_path: Path, output: Path, columns: list[str], *, id_column: str,
            progress: bool, chunk_rows: int, seed: int) -> tuple[ScrubSummary, list[str], list[str]]:
    """Scrub ``input_path`` into ``output`` chunk by chunk; return the summary, quarantine lines and probe sample."""
    from auditkit.cli._paths import writing
    from auditkit.data._stream import TableWriter, iter_table, table_rows
    from auditkit.scrub._probe import probe_texts_needed
    from auditkit.scrub._stream import ChunkScrubber

    sample = 0
    if scrubber.config.recall_probe:
        sample = probe_texts_needed(len(scrubber.engine.entities), scrubber.config.probe_per_type)
    stream = ChunkScrubber(scrubber, columns, id_column=id_column, progress=progress,
                           total_rows=table_rows(input_path), sample=sample, seed=seed)
    with writing(output, "--output"), TableWriter(output) as writer:
        for chunk in stream.run(iter_table(input_path, chunk_rows=chunk_rows)):
            writer.write(chunk)
    return stream.summary, [r.model_dump_json() + "\n" for r in stream.quarantine], stream.hosts


def scrub(
    input_path: Annotated[Path | None, typer.Argument(metavar="INPUT", help="CSV, JSONL or Parquet file.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write (format from the extension).", show_default=False)] = None,
    text_column: Annotated[list[str] | None, typer.Option("--text-column", help="Column to scrub (repeatable).", show_default=False)] = None,
    operator: Annotated[_Operator | None, typer.Option("--operator", help="replace (default), redact, mask, hash or pseudonymize.")] = None,
    summary: Annotated[Path | None, typer.Option("--summary", help="Write the ScrubSummary JSON here.")] = None,
    quarantine: Annotated[Path | None, typer.Option("--quarantine", help="Write withheld rows (id, column, reason) as JSONL here.")] = None,
    id_column: Annotated[str, typer.Option("--id-column", help="Column naming rows in the quarantine list.")] = "id",
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes (default: config or auto: one per usable core).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="A run config whose scrub section to use.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Language of the texts: en, fr or another file in auditkit/scrub/languages/ (default: config or en).", show_default=False)] = None,
    gold: Annotated[Path | None, typer.Option("--gold", help="Labelled JSONL (text + typed spans): report precision, recall, F1 and token survival.")] = None,
    recall: Annotated[bool | None, typer.Option("--recall-probe/--no-recall-probe", help="Plant synthetic identifiers in a sample of the texts and report recall (default: scrub.recall_probe).", show_default=False)] = None,
    chunk_rows: Annotated[int, typer.Option("--chunk-rows", min=1, help="Rows read and written per chunk.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the recall probe's sample.")] = 13,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", show_default=False, help="Progress bar on stderr (default: on when stderr is a terminal; off with --quiet).")] = None,
    engine: Annotated[Literal["local", "spark"], typer.Option("--engine", help="local (this process and --workers) or spark (the active Spark session, else local[*]; OUTPUT becomes a folder of part files; needs the [spark] extra).")] = "local",
) -> None:
    """Scrub personal data from text columns, keeping other columns and the row order.

    Exits 1 when any cell had to be withheld (its id and reason are in the
    quarantine file); its text is never written.
    """
    from auditkit._extras import require

    require("'auditkit scrub'", ["scrub"])
    from auditkit._io import atomic_write_json, atomic_write_text
    from auditkit.cli._output import progress_enabled
    from auditkit.cli._paths import writing
    from auditkit.scrub import Scrubber, ScrubSummary, add_recall_probe
    from auditkit.scrub._gold import evaluate_gold, format_gold, read_gold

    _check_paths(input_path, output, text_column, {"--output": output, "--summary": summary, "--quarantine": quarantine}, gold)
    docs = read_gold(gold) if gold is not None else None
    scrubber = Scrubber(_config(config, recall, language), operator=operator, workers=workers)
    result = ScrubSummary(operator=scrubber.operator_name, model=scrubber.config.spacy_model,
                          language=scrubber.config.language, score_threshold=scrubber.config.score_threshold)
    records: list[str] = []
    if input_path is not None and output is not None and text_column:
        stream = _stream
        if engine == "spark":
            from auditkit.cli._scrub_spark import spark_stream as stream  # same contract as _stream
        result, records, hosts = stream(scrubber, input_path, output, text_column, id_column=id_column,
                                         progress=progress_enabled(progress), chunk_rows=chunk_rows, seed=seed)
        add_recall_probe(result, scrubber, hosts, seed=seed)
    if docs is not None:
        result.gold = evaluate_gold(scrubber, docs)
        typer.echo(format_gold(result.gold))
    if summary is not None:
        with writing(summary, "--summary"):
            atomic_write_json(summary, result.to_json_dict())
    if quarantine is not None:
        with writing(quarantine, "--quarantine"):
            atomic_write_text(quarantine, "".join(records))
    if input_path is not None:
        _report(result, output)


def _report(s: ScrubSummary, output: Path | None) -> None:
    typer.echo(
        f"scrubbed {s.rows_total} rows ({s.rows_touched} touched, {sum(s.entities.values())} identifiers, "
        f"{s.rows_quarantined} withheld) -> {output}",
        err=True,
    )
    if s.recall_probe:
        lowest = sorted((m.value, e) for e, m in s.recall_probe.items() if m.value is not None)[:3]
        shown = ", ".join(f"{e} {v:.3f}" for v, e in lowest)
        typer.echo(f"recall on inserted identifiers (lowest): {shown}", err=True)
    if s.rows_quarantined:
        typer.echo(f"auditkit: {s.rows_quarantined} row(s) withheld: analysis failed or timed out", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``scrub`` command to ``app``."""
    app.command("scrub")(scrub)
