"""``auditkit scrub --engine spark``: the same scrub, run by Spark over Parquet, CSV or JSONL paths.

The session is the one ``spark-submit`` (or a notebook) already started, else a
local one over every core (``local[*]``) whose Python workers run this
interpreter. The input path is read as Spark reads it (a file or a folder of
part files); the output is a folder of part files in the format of its
extension, refused if it exists. Summary, quarantine and recall probe come back
as the local engine returns them, so the command prints and exits the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.exceptions import DataError

if TYPE_CHECKING:
    from auditkit.scrub import Scrubber, ScrubSummary

__all__ = ["session", "spark_stream"]


def session(app: str = "auditkit-scrub") -> Any:
    """The active Spark session, or a local one over every core whose Python workers run this interpreter."""
    import importlib.util

    from auditkit._extras import missing_error

    if importlib.util.find_spec("pyspark") is None:
        raise missing_error("'auditkit scrub --engine spark'", "spark", ["pyspark"])
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName(app).config("spark.ui.enabled", "false")
    if not SparkConf().contains("spark.master"):  # not under spark-submit: this machine, this interpreter
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # read by the driver when it starts workers
        builder = builder.master("local[*]")
    return builder.getOrCreate()


def _format(path: Path) -> str:
    from auditkit.data import table_format

    return table_format(path)


def _read(spark: Any, path: Path) -> Any:
    fmt, where = _format(path), str(path)
    if not path.exists():
        raise DataError(f"data file not found: {path}; check the input path")
    if fmt == "parquet":
        return spark.read.parquet(where)
    if fmt == "csv":  # every cell a string, quoted newlines kept: as the local reader reads CSV
        return spark.read.option("header", True).option("multiLine", True).option("escape", '"').csv(where)
    return spark.read.json(where)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise DataError(f"output '{path}' exists; the Spark engine writes a new folder of part files, "
                        "so pass a path that does not exist yet")


def _write(frame: Any, path: Path) -> None:
    _refuse_existing(path)
    fmt, where = _format(path), str(path)
    writer = frame.write.mode("errorifexists")
    if fmt == "parquet":
        writer.parquet(where)
    elif fmt == "csv":
        writer.option("header", True).option("escape", '"').csv(where)
    else:
        writer.json(where)


def spark_stream(scrubber: Scrubber, input_path: Path, output: Path, columns: list[str], *, id_column: str,
                 progress: bool, chunk_rows: int, seed: int) -> tuple[ScrubSummary, list[str], list[str]]:
    """Scrub ``input_path`` into the folder ``output`` on Spark; return the summary, quarantine lines and probe texts.

    Same signature and results as the local engine's chunked stream (``progress`` and
    ``chunk_rows`` are Spark's business here). One pass (:func:`~auditkit.scrub.spark.scrub_to`):
    the summary and quarantine are gathered while the output is written.
    """
    from auditkit.scrub._probe import probe_texts_needed
    from auditkit.scrub.spark import scrub_to

    spark = session()
    frame = _read(spark, input_path)
    _refuse_existing(output)  # before any Spark job
    summary, withheld = scrub_to(frame, columns, lambda scrubbed: _write(scrubbed, output), config=scrubber.config,
                                 operator=scrubber.operator_name, id_column=id_column)
    records = [record.model_dump_json() + "\n" for record in withheld]
    hosts: list[str] = []
    if scrubber.config.recall_probe:
        wanted = probe_texts_needed(len(scrubber.engine.entities), scrubber.config.probe_per_type)
        sample = frame.select(columns[0]).dropna().orderBy(_seeded_order(seed)).limit(wanted).collect()
        hosts = [str(row[0]) for row in sample]
    return summary, records, hosts


def _seeded_order(seed: int) -> Any:
    from pyspark.sql import functions as F

    return F.rand(seed)
