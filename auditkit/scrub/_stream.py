"""Scrub a table chunk by chunk, so memory stays flat on any number of rows.

:class:`ChunkScrubber` feeds the cells of every chunk through one
:meth:`Scrubber.scrub_cells` stream (one worker pool for the whole file) and
yields each chunk back, scrubbed, as soon as its last cell is done. It keeps
only counts (one :class:`ScrubSummary` per chunk, added up at the end), the
quarantine records, 8-byte hashes of the row ids (to refuse duplicates across
chunks) and, when asked, a bounded reservoir sample of texts for the recall probe.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from auditkit.exceptions import DataError
from auditkit.scrub._frame import WITHHELD, _check_columns
from auditkit.scrub._probe import Reservoir
from auditkit.scrub._scrubber import CellResult, Scrubber
from auditkit.scrub._summary import QuarantineRecord, ScrubSummary, combine_summaries

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ChunkScrubber"]


class ChunkScrubber:
    """Scrub the text columns of a stream of DataFrame chunks.

    Parameters
    ----------
    scrubber:
        A configured :class:`Scrubber`.
    columns:
        Text columns to scrub.
    id_column:
        Column naming rows in the quarantine list (the row's position in the whole
        stream when absent); its values must be unique across all chunks.
    progress:
        Show a progress bar on stderr.
    total_rows:
        Rows in the stream, when known, for the progress bar.
    sample:
        Texts to keep (reservoir sample) for a recall probe; 0 keeps none.
    seed:
        Seeds the sample.

    Attributes
    ----------
    summary:
        Counts for the whole stream, set when the stream is exhausted.
    quarantine:
        Withheld cells (row id, column, reason).
    hosts:
        The sampled texts (in memory only; never written).
    """

    def __init__(
        self,
        scrubber: Scrubber,
        columns: Sequence[str],
        *,
        id_column: str | None = "id",
        progress: bool = False,
        total_rows: int | None = None,
        sample: int = 0,
        seed: int = 13,
    ) -> None:
        self.scrubber = scrubber
        self.columns = list(columns)
        self.id_column = id_column
        self.progress = progress
        self.total_rows = total_rows
        self.summary = ScrubSummary()
        self.quarantine: list[QuarantineRecord] = []
        self._reservoir = Reservoir(sample, seed=seed)
        self._parts: list[ScrubSummary] = []
        self._seen_ids = np.empty(0, dtype=np.uint64)
        self._rows = 0

    @property
    def hosts(self) -> list[str]:
        """The reservoir sample of texts seen (for the recall probe)."""
        return self._reservoir.items

    def run(self, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """Yield each chunk with its text columns scrubbed (withheld cells hold :data:`WITHHELD`)."""
        started = time.perf_counter()
        pending: deque[tuple[pd.DataFrame, list[str]]] = deque()
        total = None if self.total_rows is None else self.total_rows * len(self.columns)
        results = iter(self.scrubber.scrub_cells(self._cells(chunks, pending), total=total, progress=self.progress))
        for first in results:
            while len(pending[0][0]) == 0:
                yield self._finish(*pending.popleft(), [])
            frame, ids = pending.popleft()
            rest = list(islice(results, len(frame) * len(self.columns) - 1))
            yield self._finish(frame, ids, [first, *rest])
        while pending:
            yield self._finish(*pending.popleft(), [])
        self.summary = combine_summaries(self._parts) if self._parts else self.scrubber.summarize([], rows_total=0, seconds=0.0)
        self.summary.seconds = time.perf_counter() - started
        self.summary.finish(residual_on=self.scrubber.config.residual_check)

    def _cells(
        self, chunks: Iterable[pd.DataFrame], pending: deque[tuple[pd.DataFrame, list[str]]]
    ) -> Iterator[tuple[str, str, Any]]:
        for frame in chunks:
            _check_columns(frame, self.columns, self.id_column)
            ids = self._ids(frame)
            pending.append((frame, ids))
            for column in self.columns:
                for row, value in enumerate(frame[column].tolist()):
                    self._reservoir.add(value)
                    yield ids[row], column, value

    def _ids(self, frame: pd.DataFrame) -> list[str]:
        start, self._rows = self._rows, self._rows + len(frame)
        if self.id_column is None or self.id_column not in frame.columns:
            return [str(i) for i in range(start, start + len(frame))]
        import pandas as pd

        ids = frame[self.id_column].astype(str)
        hashes = pd.util.hash_pandas_object(ids, index=False).to_numpy(dtype=np.uint64)
        repeated = int(np.isin(hashes, self._seen_ids).sum())
        if repeated:
            raise DataError(
                f"id column {self.id_column!r} repeats {repeated} id(s) of earlier rows (by row {start + len(frame)}); "
                "expected unique ids so quarantined rows can be named; de-duplicate or choose another id column"
            )
        self._seen_ids = np.union1d(self._seen_ids, hashes)
        return ids.tolist()

    def _finish(self, frame: pd.DataFrame, ids: list[str], results: list[CellResult]) -> pd.DataFrame:
        out = frame.copy()
        n = len(frame)
        for index, column in enumerate(self.columns):
            chunk = results[index * n : (index + 1) * n]
            out[column] = [WITHHELD if r.failure is not None else r.text for r in chunk]
        self._parts.append(self.scrubber.summarize(results, rows_total=n, seconds=0.0))
        self.quarantine.extend(Scrubber.quarantine_records(results))
        return out
