"""Scrub text columns of a table, keeping every other column and the row order."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditkit.exceptions import DataError
from auditkit.scrub._scrubber import Scrubber
from auditkit.scrub._summary import QuarantineRecord, ScrubSummary

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WITHHELD", "ScrubbedFrame", "scrub_frame"]

WITHHELD = "[WITHHELD]"
"""What a quarantined cell holds in the output (never the original text)."""


@dataclass(frozen=True)
class ScrubbedFrame:
    """A scrubbed copy of a table with its summary and quarantine list.

    Attributes
    ----------
    frame:
        Same rows, order and columns; text columns scrubbed, withheld cells set to
        :data:`WITHHELD`.
    summary:
        Counts only.
    quarantine:
        One record per withheld cell (row id, column, reason).
    found:
        ``(entity, original text)`` of every replaced span, in memory only (hidden from
        ``repr``): what a leak sweep of the outputs searches for. Never write it.
    """

    frame: pd.DataFrame
    summary: ScrubSummary
    quarantine: list[QuarantineRecord]
    found: tuple[tuple[str, str], ...] = field(default=(), repr=False)


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], id_column: str | None) -> None:
    if not columns:
        raise DataError("no text column given; expected at least one, e.g. --text-column text")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"text column(s) {', '.join(map(repr, missing))} not found; expected one of "
            f"{', '.join(map(repr, map(str, frame.columns)))}; pass the right --text-column"
        )
    if id_column is not None and id_column in frame.columns and frame[id_column].duplicated().any():
        raise DataError(
            f"id column {id_column!r} has {int(frame[id_column].duplicated().sum())} duplicate ids; "
            "expected unique ids so quarantined rows can be named; de-duplicate or choose another id column"
        )


def scrub_frame(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    scrubber: Scrubber,
    id_column: str | None = "id",
    progress: bool = False,
) -> ScrubbedFrame:
    """Scrub ``columns`` of ``frame`` with ``scrubber``.

    Parameters
    ----------
    frame:
        The table; not modified.
    columns:
        Text columns to scrub.
    scrubber:
        A configured :class:`Scrubber`.
    id_column:
        Column naming rows in the quarantine list; the row position is used when
        it is ``None`` or absent.
    progress:
        Show a progress bar on stderr.

    Returns
    -------
    ScrubbedFrame

    Raises
    ------
    DataError
        A text column is missing, or the id column has duplicates.
    """
    _check_columns(frame, columns, id_column)
    ids = frame[id_column].astype(str).tolist() if id_column in frame.columns else [str(i) for i in range(len(frame))]
    cells = [(ids[row], col, value) for col in columns for row, value in enumerate(frame[col].tolist())]
    start = time.perf_counter()
    results = list(scrubber.scrub_cells(cells, total=len(cells), progress=progress))
    seconds = time.perf_counter() - start
    out = frame.copy()
    for col_index, col in enumerate(columns):
        chunk = results[col_index * len(frame) : (col_index + 1) * len(frame)]
        values = [WITHHELD if r.failure is not None else r.text for r in chunk]
        out[col] = values
    summary = scrubber.summarize(results, rows_total=len(frame), seconds=seconds)
    found = tuple(pair for r in results for pair in r.found)
    return ScrubbedFrame(out, summary, Scrubber.quarantine_records(results), found)
