"""Scrub a Spark DataFrame's text columns where the corpus already lives (``mapInPandas``, no home-made cluster).

Each executor's Python worker builds one :class:`~auditkit.scrub.Scrubber` (spaCy,
Presidio, auditkit's recognisers) the first time it meets a partition and reuses it
for every later batch: Spark reuses its Python workers, so the model loads once per
worker process, not per partition. A batch goes through the same function the local
scrubber uses (``_process``), so every cell comes out exactly as ``auditkit scrub``
writes it. Alongside the scrubbed columns each row carries its cells' counts and
failure reasons (a JSON column); the summary is folded per partition and combined on
the driver with the local code (:func:`combine_summaries`), and the withheld cells
form the quarantine DataFrame. :func:`scrub_dataframe` persists the scrubbed
DataFrame on disk (``DISK_ONLY``) so the scrub runs once for the output, the
summary and the quarantine without the executors holding every scrubbed row in
memory. :func:`scrub_to` (what ``auditkit scrub --engine spark`` runs) needs no
cache: the write is the only job, and each task adds its summary and withheld
cells to accumulators as it goes.

Rows are first spread by a hash of their (unique) id over at least as many
partitions as Spark has cores, and enough that none holds more than
``rows_per_partition`` rows (what a task buffers while it writes grows with its
partition, not with the table): a file's splits need not hold rows (one Parquet row
group is read whole by one of the splits that cut it, the others come back empty),
so partition counts alone would leave ``local[2]`` scrubbing on one core. Hashing rather than
round-robin: Spark sorts each input partition before a round-robin split (so a
retried task sends rows to the same place), which holds a whole partition in the
executor's memory; a hash of the id is deterministic without it. The shuffle moves
raw text once, which costs little next to NER; Spark's output order is then not the
input's (rows keep their id).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from auditkit.config import ScrubConfig
from auditkit.exceptions import DataError
from auditkit.scrub._frame import WITHHELD
from auditkit.scrub._operators import OperatorName
from auditkit.scrub._scrubber import CellResult, Scrubber, _process
from auditkit.scrub._summary import QuarantineRecord, ScrubSummary, combine_summaries

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

__all__ = ["SparkScrub", "scrub_dataframe", "scrub_to"]

CELLS = "_auditkit_cells"
"""Column of the persisted frame with each row's per-cell counts, residuals and failure reasons (JSON)."""

_SCRUBBERS: dict[str, Scrubber] = {}  # per Python worker process: one Scrubber per configuration, built once


def _scrubber(config_json: str, operator: OperatorName) -> Scrubber:
    key = f"{operator}\x00{config_json}"
    if key not in _SCRUBBERS:
        _SCRUBBERS[key] = Scrubber(ScrubConfig.model_validate_json(config_json), operator=operator, workers=1)
    return _SCRUBBERS[key]


def _cells_json(results: Sequence[CellResult]) -> str:
    return json.dumps([[r.column, r.entities, r.residual, r.failure] for r in results], separators=(",", ":"))


def _scrub_batches(batches: Iterator[pd.DataFrame], *, config_json: str, operator: OperatorName,
                   columns: list[str], id_column: str, batch_size: int, tally: Any = None) -> Iterator[pd.DataFrame]:
    """mapInPandas body: scrub each Arrow batch's text columns; add the per-row cell record, or (with ``tally``, a
    pair of accumulators) add each batch's summary and withheld cells to them instead."""
    scrubber = _scrubber(config_json, operator)
    for frame in batches:
        for start in range(0, len(frame), batch_size):
            part = frame.iloc[start:start + batch_size]
            ids = part[id_column].astype(str).tolist()
            cells = [(ids[row], column, value) for column in columns for row, value in enumerate(part[column].tolist())]
            results = _process(scrubber.engine, scrubber._operator, cells)  # noqa: SLF001 - the local scrubber's own path
            out = part.copy()
            n = len(part)
            for index, column in enumerate(columns):
                chunk = results[index * n:(index + 1) * n]
                out[column] = [WITHHELD if r.failure is not None else r.text for r in chunk]
            if tally is None:
                out[CELLS] = [_cells_json([results[index * n + row] for index in range(len(columns))])
                              for row in range(n)]
            else:
                tally[0].add(scrubber.summarize(results, rows_total=n, seconds=0.0).to_json_dict())
                tally[1].add([(r.row_id, r.column, r.failure) for r in results if r.failure is not None])
            yield out


def _records(cells_json: str, row_id: str) -> list[CellResult]:
    return [CellResult(row_id, column, None, entities, residual, failure)
            for column, entities, residual, failure in json.loads(cells_json)]


class _SummaryParam:
    """Accumulator of ScrubSummary JSON dicts, combined as they arrive (on the workers per batch, then per task)."""

    def zero(self, value: Any) -> Any:
        return None

    def addInPlace(self, a: Any, b: Any) -> Any:  # noqa: N802 - pyspark's AccumulatorParam protocol
        if a is None or b is None:
            return b if a is None else a
        return combine_summaries([ScrubSummary.model_validate(a), ScrubSummary.model_validate(b)]).to_json_dict()


class _ListParam:
    """Accumulator of a list (the withheld cells: id, column, reason; never text)."""

    def zero(self, value: Any) -> list[Any]:
        return []

    def addInPlace(self, a: list[Any], b: list[Any]) -> list[Any]:  # noqa: N802 - pyspark's protocol
        a.extend(b)
        return a


def _summarise_batches(batches: Iterator[pd.DataFrame], *, config_json: str, operator: OperatorName,
                       id_column: str) -> Iterator[pd.DataFrame]:
    """mapInPandas body: one row per partition holding that partition's ScrubSummary (JSON)."""
    import pandas as pd

    scrubber = _scrubber(config_json, operator)
    parts = []
    for frame in batches:
        results = [r for cells, rid in zip(frame[CELLS], frame[id_column].astype(str)) for r in _records(cells, rid)]
        parts.append(scrubber.summarize(results, rows_total=len(frame), seconds=0.0))
    if parts:
        yield pd.DataFrame({"summary": [json.dumps(combine_summaries(parts).to_json_dict())]})


def _quarantine_batches(batches: Iterator[pd.DataFrame], *, id_column: str) -> Iterator[pd.DataFrame]:
    """mapInPandas body: the withheld cells as ``(id, column, reason)`` rows."""
    import pandas as pd

    for frame in batches:
        rows = [(r.row_id, r.column, r.failure) for cells, rid in zip(frame[CELLS], frame[id_column].astype(str))
                for r in _records(cells, rid) if r.failure is not None]
        yield pd.DataFrame(rows, columns=["id", "column", "reason"])


@dataclass
class SparkScrub:
    """The scrubbed DataFrame, its quarantine DataFrame and (computed on first use) its summary.

    Attributes
    ----------
    frame:
        The input's rows and columns, text columns scrubbed, withheld cells set to
        ``[WITHHELD]`` (lazy; persisted on first use).
    quarantine:
        One row per withheld cell: ``id``, ``column``, ``reason`` (never the text).
    """

    frame: DataFrame
    quarantine: DataFrame
    _scrubbed: DataFrame = field(repr=False)
    _config_json: str = field(repr=False)
    _operator: OperatorName = field(repr=False)
    _id_column: str = field(repr=False)
    _summary: ScrubSummary | None = field(default=None, repr=False)
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def summary(self) -> ScrubSummary:
        """Counts over every partition (one Spark job over the persisted rows), as the local scrubber reports them."""
        if self._summary is None:
            body = partial(_summarise_batches, config_json=self._config_json, operator=self._operator,
                           id_column=self._id_column)
            rows = self._scrubbed.select(self._id_column, CELLS).mapInPandas(body, "summary string").collect()
            parts = [ScrubSummary.model_validate(json.loads(r["summary"])) for r in rows]
            self._summary = _finished(combine_summaries(parts) if parts else None,
                                      ScrubConfig.model_validate_json(self._config_json), self._operator,
                                      self._scrubbed.sparkSession.sparkContext, self._started)
        return self._summary

    def unpersist(self) -> None:
        """Free the persisted scrubbed rows (after writing the output and reading the summary)."""
        self._scrubbed.unpersist()


def _check(df: DataFrame, columns: Sequence[str], id_column: str) -> None:
    names = list(df.columns)
    if not columns:
        raise DataError("no text column given; expected at least one, e.g. --text-column text")
    missing = [c for c in columns if c not in names]
    if missing:
        raise DataError(f"text column(s) {', '.join(map(repr, missing))} not found; expected one of "
                        f"{', '.join(map(repr, names))}; pass the right --text-column")
    if id_column not in names:
        raise DataError(f"id column {id_column!r} not found; the Spark engine names rows by an id column "
                        f"(one of {', '.join(map(repr, names))}); pass --id-column")
    if CELLS in names:
        raise DataError(f"the input has a column named {CELLS!r}, which auditkit uses itself; rename it")


def _count_rows(df: DataFrame, id_column: str, check_ids: bool) -> int:
    """The input's row count; with ``check_ids``, in the same job that refuses repeated ids."""
    from pyspark.sql import functions as F

    if not check_ids:
        return int(df.count())  # from metadata for Parquet
    rows, most = df.groupBy(id_column).count().agg(F.sum("count"), F.max("count")).first()
    if (most or 0) > 1:
        raise DataError(f"id column {id_column!r} repeats ids; expected unique ids so quarantined rows can be named; "
                        "de-duplicate or choose another id column")
    return int(rows or 0)


def _finished(summary: ScrubSummary | None, config: ScrubConfig, operator: OperatorName, context: Any,
              started: float) -> ScrubSummary:
    """The combined counts (or an empty summary for no rows), with the run's workers, seconds and residual rate."""
    summary = summary if summary is not None else ScrubSummary(
        operator=operator, model=config.spacy_model, language=config.language, score_threshold=config.score_threshold)
    summary.workers = int(context.defaultParallelism)
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.finish(residual_on=config.residual_check)
    return summary


@dataclass(frozen=True)
class _Prepared:
    """A checked input, spread over its partitions, and the mapInPandas body that scrubs it."""

    source: DataFrame
    text: list[str]
    columns: list[str]
    config: ScrubConfig
    config_json: str
    operator: OperatorName
    id_column: str
    rows: int

    @classmethod
    def of(cls, df: DataFrame, columns: Sequence[str], config: ScrubConfig | None, operator: OperatorName | None,
           id_column: str, check_ids: bool, partitions: int | None, rebalance: bool,
           rows_per_partition: int) -> _Prepared:
        config = config or ScrubConfig()
        _check(df, columns, id_column)
        rows = _count_rows(df, id_column, check_ids)
        name: OperatorName = operator or config.operator
        Scrubber(config, operator=name, workers=1)  # a missing key for hash/pseudonymize fails here, on the driver
        text = [c for c in df.columns if c in set(columns)]
        source = df.select(*[df[c].cast("string").alias(c) if c in text else df[c] for c in df.columns])
        least = partitions if partitions is not None else int(df.sparkSession.sparkContext.defaultParallelism)
        if least < 1:
            raise DataError(f"partitions must be at least 1, got {least}")
        if rows_per_partition < 1:
            raise DataError(f"rows_per_partition must be at least 1, got {rows_per_partition}")
        if rebalance:  # splits can be empty (a row group is read by one split): counts alone do not tell
            by_rows = -(-rows // rows_per_partition)
            source = source.repartition(max(least, source.rdd.getNumPartitions(), by_rows), source[id_column])
        return cls(source, text, list(columns), config, config.model_dump_json(), name, id_column, rows)

    def scrubbed(self, *, cells: bool, tally: Any = None) -> DataFrame:
        """The scrubbed rows (lazy), with the per-row cell record column when ``cells``."""
        from pyspark.sql.types import StringType, StructField, StructType

        fields = [StructField(f.name, StringType(), True) if f.name in self.text else f
                  for f in self.source.schema.fields]
        schema = StructType([*fields, StructField(CELLS, StringType(), False)] if cells else fields)
        body = partial(_scrub_batches, config_json=self.config_json, operator=self.operator, columns=self.columns,
                       id_column=self.id_column, batch_size=self.config.batch_size, tally=tally)
        return self.source.mapInPandas(body, schema)


def scrub_dataframe(df: DataFrame, columns: Sequence[str], *, config: ScrubConfig | None = None,
                    operator: OperatorName | None = None, id_column: str = "id",
                    check_ids: bool = True, partitions: int | None = None, rebalance: bool = True,
                    rows_per_partition: int = 10_000) -> SparkScrub:
    """Scrub ``columns`` of the Spark DataFrame ``df`` on the executors.

    Parameters
    ----------
    df:
        The corpus; string text columns. Other columns pass through unchanged.
    columns:
        Text columns to scrub.
    config, operator:
        As for :class:`~auditkit.scrub.Scrubber` (``scrub.workers`` is ignored: Spark
        parallelises over partitions).
    id_column:
        Unique row id, naming rows in the quarantine and choosing the rows the residual
        pass re-scans (as the local scrubber does).
    check_ids:
        Refuse repeated ids (in the aggregation job that also counts the rows).
    partitions:
        Least number of partitions to scrub in (default: Spark's default parallelism,
        one per core).
    rebalance:
        Spread the rows by a hash of ``id_column`` first (default), so no core idles on
        an empty or light split; turn off for a frame already balanced.
    rows_per_partition:
        With ``rebalance``, the most rows a partition should get: the rows are spread over
        ``max(partitions, the input's partitions, rows / rows_per_partition)`` partitions
        (rows counted with the id check, or from metadata for Parquet without it), so what one task holds while it
        writes and reads back (Parquet pages, cached batches) does not grow with the
        table.

    Returns
    -------
    SparkScrub
        The scrubbed frame, the quarantine frame and the summary.
    """
    from pyspark import StorageLevel

    prepared = _Prepared.of(df, columns, config, operator, id_column, check_ids, partitions, rebalance,
                            rows_per_partition)
    # on disk, not in memory: three jobs read the scrubbed rows, and memory must not grow with the table
    scrubbed = prepared.scrubbed(cells=True).persist(StorageLevel.DISK_ONLY)
    quarantine = scrubbed.select(id_column, CELLS).mapInPandas(
        partial(_quarantine_batches, id_column=id_column), "id string, column string, reason string")
    return SparkScrub(frame=scrubbed.drop(CELLS), quarantine=quarantine, _scrubbed=scrubbed,
                      _config_json=prepared.config_json, _operator=prepared.operator, _id_column=id_column)


def scrub_to(df: DataFrame, columns: Sequence[str], write: Callable[[DataFrame], None], *,
             config: ScrubConfig | None = None, operator: OperatorName | None = None, id_column: str = "id",
             check_ids: bool = True, partitions: int | None = None, rebalance: bool = True,
             rows_per_partition: int = 10_000) -> tuple[ScrubSummary, list[QuarantineRecord]]:
    """Scrub ``columns`` of ``df`` and hand the scrubbed frame to ``write`` (one action, e.g. ``f.write.parquet``).

    One pass: the summary and the withheld cells are gathered while ``write`` runs
    (Spark accumulators, which a job's final stage counts once per partition), so
    nothing is cached and nothing is read back. Use it when the scrubbed rows are
    written once; :func:`scrub_dataframe` when they feed several actions. Options as
    for :func:`scrub_dataframe`.

    Returns
    -------
    summary, quarantine
        The run's :class:`ScrubSummary` and one record per withheld cell (id, column,
        reason; never the text), sorted by id and column.
    """
    started = time.perf_counter()
    prepared = _Prepared.of(df, columns, config, operator, id_column, check_ids, partitions, rebalance,
                            rows_per_partition)
    context = df.sparkSession.sparkContext
    tally = (context.accumulator(None, _SummaryParam()), context.accumulator([], _ListParam()))
    write(prepared.scrubbed(cells=False, tally=tally))
    counted = None if tally[0].value is None else ScrubSummary.model_validate(tally[0].value)
    summary = _finished(counted, prepared.config, prepared.operator, context, started)
    if summary.rows_total != prepared.rows:  # fail closed: a write that ran no job, or ran the scrub twice
        raise DataError(f"write must run exactly one action over the scrubbed frame; {summary.rows_total} rows were "
                        f"scrubbed for {prepared.rows} in the input")
    withheld = sorted((str(i), str(c), str(r)) for i, c, r in tally[1].value)
    return summary, [QuarantineRecord(id=i, column=c, reason=r) for i, c, r in withheld]
