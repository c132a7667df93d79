"""The :class:`Scrubber`: detect, anonymise, re-scan, count — in batches, optionally in parallel.

Rows stream through in batches of ``batch_size``; with ``workers > 1`` each
batch goes to a worker process that builds its own engine once (at most two
batches per worker are in flight, so memory stays flat on any input length).
A cell whose analysis fails or overruns its time budget is never passed
through: it comes back withheld, with a reason, for the quarantine list.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from auditkit._logging import get_logger
from auditkit.config import ScrubConfig
from auditkit.exceptions import ScrubError
from auditkit.scrub._engine import DetectionEngine, RowFailure
from auditkit.scrub._operators import Operator, OperatorName, Span, apply_operator, load_key, merge_spans
from auditkit.scrub._summary import QuarantineRecord, ScrubSummary
from auditkit.scrub._workers import resolve_workers

__all__ = ["CellResult", "Scrubber"]

_log = get_logger(__name__)


@dataclass(frozen=True)
class CellResult:
    """The outcome for one text cell.

    Attributes
    ----------
    row_id, column:
        Where the cell came from.
    text:
        The scrubbed text; ``None`` when the input was null or the cell was withheld.
    entities:
        Replaced identifiers per entity type.
    residual:
        Identifiers the residual pass still found; ``None`` when this cell was not re-scanned.
    failure:
        Why the cell was withheld (no text in it); ``None`` when it was scrubbed.
    found:
        ``(entity, original text)`` of each replaced span, for an in-memory leak sweep
        (hidden from ``repr``; never written by auditkit).
    """

    row_id: str
    column: str
    text: str | None
    entities: dict[str, int] = field(default_factory=dict)
    residual: int | None = None
    failure: str | None = None
    found: tuple[tuple[str, str], ...] = field(default=(), repr=False)


def _coerce(value: Any) -> tuple[str | None, str | None]:
    """Return ``(text, failure)`` for a raw cell value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if isinstance(value, str):
        return value, None
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8"), None
        except UnicodeDecodeError:
            return None, "value is not valid UTF-8 text"
    if isinstance(value, int | float):
        return str(value), None
    return None, f"value has type {type(value).__name__}; expected text"


def _process(engine: DetectionEngine, operator: Operator, cells: list[tuple[str, str, Any]]) -> list[CellResult]:
    coerced = [_coerce(value) for _, _, value in cells]
    todo = [i for i, (text, fail) in enumerate(coerced) if text and fail is None]
    found = engine.detect_many([coerced[i][0] or "" for i in todo], exempt=operator.registry)
    outputs: dict[int, tuple[str | None, dict[str, int], str | None]] = {}
    spans: dict[int, tuple[tuple[str, str], ...]] = {}
    for index, detections in zip(todo, found, strict=True):
        text = coerced[index][0] or ""
        if isinstance(detections, RowFailure):
            outputs[index] = (None, {}, detections.reason)
            continue
        merged = merge_spans([Span(d.entity, d.start, d.end, d.score) for d in detections])
        outputs[index] = (apply_operator(text, merged, operator), dict(Counter(s.entity for s in merged)), None)
        spans[index] = tuple((s.entity, text[s.start : s.end]) for s in merged)
    residual = _residual(engine, operator, outputs, [f"{row_id}\x00{column}" for row_id, column, _ in cells])
    results = []
    for i, (row_id, column, _) in enumerate(cells):
        text, fail = coerced[i]
        if i in outputs:
            out, counts, reason = outputs[i]
            results.append(CellResult(row_id, column, out, counts, residual.get(i), reason, spans.get(i, ())))
        else:
            results.append(CellResult(row_id, column, text if fail is None else None, failure=fail))
    return results


def _sampled(row_id: str, fraction: float) -> bool:
    """Stable choice of the rows the residual pass re-scans (by a hash of the id)."""
    if fraction >= 1.0:
        return True
    digest = hashlib.blake2b(row_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < fraction


def _residual(
    engine: DetectionEngine,
    operator: Operator,
    outputs: dict[int, tuple[str | None, dict[str, int], str | None]],
    ids: list[str],
) -> dict[int, int]:
    if not engine.config.residual_check:
        return {}
    keys = [i for i, (out, _, _) in outputs.items() if out and _sampled(ids[i], engine.config.residual_sample)]
    found = engine.detect_many([outputs[i][0] or "" for i in keys], exempt=operator.registry)
    return {i: (len(d) if not isinstance(d, RowFailure) else 1) for i, d in zip(keys, found, strict=True)}


_WORKER: dict[str, Any] = {}  # per worker process only: its engine and operator, built once


def _init_worker(config: ScrubConfig, operator: OperatorName) -> None:
    key = load_key(config.key_env) if operator in ("hash", "pseudonymize") else None
    _WORKER["engine"] = DetectionEngine(config)
    _WORKER["operator"] = Operator(operator, key=key)


def _adopt(engine: DetectionEngine, operator: Operator) -> None:
    _WORKER["engine"] = engine
    _WORKER["operator"] = operator


def _work(cells: list[tuple[str, str, Any]]) -> list[CellResult]:
    return _process(_WORKER["engine"], _WORKER["operator"], cells)


class Scrubber:
    """Finds and anonymises personal data in text with Presidio and auditkit's recognisers.

    Parameters
    ----------
    config:
        The scrub configuration (defaults: ``ScrubConfig()``).
    operator:
        Overrides ``config.operator``.
    workers:
        Overrides ``config.workers`` (worker processes; 1 runs in this process; ``auto``
        picks the count for this machine's cores, see :func:`auditkit.scrub.auto_workers`).
    extra_recognizers:
        More Presidio recognisers (in-process only).

    Examples
    --------
    >>> scrubber = Scrubber()                                  # doctest: +SKIP
    >>> scrubber.scrub("Call Jane Roe on 555-201-3344")        # doctest: +SKIP
    'Call <PERSON> on <PHONE_NUMBER>'
    """

    def __init__(
        self,
        config: ScrubConfig | None = None,
        *,
        operator: OperatorName | None = None,
        workers: int | Literal["auto"] | None = None,
        extra_recognizers: Sequence[Any] = (),
    ) -> None:
        self.config = config or ScrubConfig()
        self.operator_name: OperatorName = operator or self.config.operator
        self.workers = resolve_workers(workers or self.config.workers)
        key = load_key(self.config.key_env) if self.operator_name in ("hash", "pseudonymize") else None
        self._operator = Operator(self.operator_name, key=key)
        self._extra = tuple(extra_recognizers)
        self._engine: DetectionEngine | None = None

    @property
    def engine(self) -> DetectionEngine:
        """The in-process detection engine (built on first use)."""
        if self._engine is None:
            self._engine = DetectionEngine(self.config, extra_recognizers=self._extra)
        return self._engine

    def scrub(self, text: str) -> str:
        """Scrub one text; raises :class:`ScrubError` instead of returning text it could not check."""
        (result,) = _process(self.engine, self._operator, [("0", "text", text)])
        if result.failure is not None:
            raise ScrubError(f"text withheld: {result.failure}")
        return result.text or ""

    def scrub_cells(
        self, cells: Iterable[tuple[str, str, Any]], *, total: int | None = None, progress: bool = False
    ) -> Iterator[CellResult]:
        """Scrub ``(row_id, column, value)`` cells lazily, in input order.

        Parameters
        ----------
        cells:
            Any iterable (read one batch at a time).
        total:
            Number of cells, for the progress bar.
        progress:
            Show a tqdm bar on stderr.
        """
        from tqdm.auto import tqdm

        bar = tqdm(total=total, disable=not progress, file=sys.stderr, unit="doc", desc="scrub")
        try:
            for batch in self._results(self._batches(cells)):
                bar.update(len(batch))
                yield from batch
        finally:
            bar.close()

    def _batches(self, cells: Iterable[tuple[str, str, Any]]) -> Iterator[list[tuple[str, str, Any]]]:
        batch: list[tuple[str, str, Any]] = []
        for cell in cells:
            batch.append(cell)
            if len(batch) >= self.config.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _results(self, batches: Iterator[list[tuple[str, str, Any]]]) -> Iterator[list[CellResult]]:
        if self.workers <= 1 or self._extra:
            for batch in batches:
                yield _process(self.engine, self._operator, batch)
            return
        if "fork" in mp.get_all_start_methods():
            # Forked workers inherit the loaded engine (no model load per worker); the
            # key stays in memory and is never pickled or written.
            ctx = mp.get_context("fork")
            init: Any = (_adopt, (self.engine, self._operator))
        else:
            ctx = mp.get_context("spawn")
            init = (_init_worker, (self.config, self.operator_name))
        with ctx.Pool(self.workers, initializer=init[0], initargs=init[1]) as pool:
            pending: deque[Any] = deque()
            for batch in batches:
                pending.append(pool.apply_async(_work, (batch,)))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()

    def summarize(self, results: Iterable[CellResult], *, rows_total: int, seconds: float) -> ScrubSummary:
        """Fold cell results into a :class:`ScrubSummary` (counts only)."""
        summary = ScrubSummary(
            operator=self.operator_name, model=self.config.spacy_model, language=self.config.language,
            score_threshold=self.config.score_threshold, workers=self.workers, rows_total=rows_total,
            seconds=round(seconds, 3),
        )
        touched: set[str] = set()
        quarantined: set[str] = set()
        entities: Counter[str] = Counter()
        for res in results:
            summary.cells_total += 1
            column = summary.entities_by_column.setdefault(res.column, {})
            for entity, count in res.entities.items():
                column[entity] = column.get(entity, 0) + count
                entities[entity] += count
            if res.entities:
                touched.add(res.row_id)
            if res.failure is not None:
                quarantined.add(res.row_id)
            if res.residual is not None:
                summary.residual_cells_checked += 1
                summary.residual_entities += res.residual
                summary.residual_checked_entities += sum(res.entities.values())
        summary.entities = dict(entities)
        summary.rows_touched, summary.rows_quarantined = len(touched), len(quarantined)
        summary.finish(residual_on=self.config.residual_check)
        _log.info("scrubbed %d cells: %d rows touched, %d quarantined", summary.cells_total, summary.rows_touched, summary.rows_quarantined)
        return summary

    @staticmethod
    def quarantine_records(results: Iterable[CellResult]) -> list[QuarantineRecord]:
        """The withheld cells as quarantine records (id, column, reason)."""
        return [QuarantineRecord(id=r.row_id, column=r.column, reason=r.failure) for r in results if r.failure]
