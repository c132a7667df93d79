"""Tables in chunks: read CSV, JSONL and Parquet a block of rows at a time, write them atomically.

:func:`iter_table` yields DataFrames of at most ``chunk_rows`` rows (pandas
``chunksize`` for CSV, line batches for JSONL, ``iter_batches`` for Parquet), so a
file of any length is held one chunk at a time. :class:`TableWriter` appends
chunks to a temporary file beside the target and renames it into place only when
every chunk is written: a failure at any point leaves no output file (or the old
one untouched), never half of one. Cells are read as :func:`load_table` reads
them (CSV cells stay strings) and written as :func:`save_table` writes them, so a
chunked copy equals a whole-file one row for row.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import pandas as pd

from auditkit.data._table import _parser_line, table_format
from auditkit.exceptions import DataError

__all__ = ["TableWriter", "iter_table", "table_rows"]


def _check_file(file: Path) -> None:
    if not file.is_file():
        raise DataError(f"data file not found: {file}; check the input path")


def table_rows(path: str | os.PathLike[str]) -> int | None:
    """Row count from a Parquet file's metadata; ``None`` for formats that need a full read to know it."""
    if table_format(path) != "parquet":
        return None
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # noqa: BLE001 - the reader reports the problem with its own message
        return None


def iter_table(path: str | os.PathLike[str], *, chunk_rows: int = 5000) -> Iterator[pd.DataFrame]:
    """Yield the rows of a CSV, JSONL or Parquet file in DataFrames of at most ``chunk_rows`` rows.

    A file with a header or schema but no rows yields one empty DataFrame with its
    columns. Errors name the file and line, never a value.
    """
    if chunk_rows < 1:
        raise DataError(f"chunk size must be at least 1 row; got {chunk_rows}")
    file = Path(path)
    fmt = table_format(file)
    _check_file(file)
    if fmt == "parquet":
        yield from _parquet_chunks(file, chunk_rows)
    elif fmt == "csv":
        yield from _csv_chunks(file, chunk_rows)
    else:
        yield from _jsonl_chunks(file, chunk_rows)


def _parquet_chunks(file: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(file)
        schema = reader.schema_arrow
    except Exception:
        raise DataError(f"{file.name}: not a readable Parquet file; re-export it") from None
    seen = False
    for batch in reader.iter_batches(batch_size=chunk_rows):
        seen = True
        yield pa.Table.from_batches([batch], schema=schema).to_pandas()
    if not seen:
        yield schema.empty_table().to_pandas()


def _csv_chunks(file: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    try:
        reader = pd.read_csv(
            file, dtype=str, keep_default_na=False, na_filter=False, chunksize=chunk_rows, encoding="utf-8-sig"
        )
        with reader:
            yield from reader
    except pd.errors.EmptyDataError:
        raise DataError(f"{file.name}: the file is empty; expected a header and at least one row") from None
    except pd.errors.ParserError as exc:
        line = _parser_line(str(exc))
        where = f" near line {line}" if line else ""
        raise DataError(f"{file.name}: malformed CSV{where}; check quoting and the number of fields per row") from None
    except UnicodeDecodeError:
        raise DataError(f"{file.name}: not valid UTF-8; re-encode the file as UTF-8") from None


def _jsonl_chunks(file: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    records: list[dict[str, Any]] = []
    rows = 0
    try:
        with file.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    records.append(_record(line, number, file.name))
                if len(records) >= chunk_rows:
                    rows += len(records)
                    yield pd.DataFrame.from_records(records)
                    records = []
    except UnicodeDecodeError:
        raise DataError(f"{file.name}: not valid UTF-8; re-encode the file as UTF-8") from None
    if rows == 0 and not records:
        raise DataError(f"{file.name}: the file is empty; expected at least one JSON object per line")
    if records:
        yield pd.DataFrame.from_records(records)


def _record(line: str, number: int, name: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise DataError(f"{name}: line {number} is not valid JSON; expected one JSON object per line") from None
    if not isinstance(record, dict):
        raise DataError(f"{name}: line {number} is a JSON {type(record).__name__}, expected an object")
    return record


class TableWriter:
    """Write DataFrame chunks to one CSV, JSONL or Parquet file, atomically.

    Use as a context manager; the target appears (by rename) only when the block
    ends without an exception. Every chunk must have the first chunk's columns.

    Parameters
    ----------
    path:
        The target file; its extension picks the format.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.format = table_format(self.path)
        self.rows = 0
        self._columns: list[str] | None = None
        self._tmp: Path | None = None
        self._handle: IO[bytes] | None = None
        self._parquet: Any = None

    def __enter__(self) -> TableWriter:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        self._tmp, self._handle = Path(tmp), os.fdopen(fd, "wb")
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows."""
        if self._handle is None:
            raise RuntimeError("TableWriter.write called outside its with-block")
        first = self._columns is None
        if first:
            self._columns = [str(c) for c in frame.columns]
        elif [str(c) for c in frame.columns] != self._columns:
            raise DataError(
                f"{self.path.name}: the columns changed at row {self.rows + 1}; expected the same columns in "
                "every row (JSONL rows with different keys cannot go to one table); make the keys uniform"
            )
        if self.format == "csv":
            self._handle.write(frame.to_csv(index=False, header=first, lineterminator="\n").encode("utf-8"))
        elif self.format == "jsonl":
            lines = (json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in frame.to_dict(orient="records"))
            self._handle.write("".join(lines).encode("utf-8"))
        else:
            self._write_parquet(frame)
        self.rows += len(frame)

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._parquet is None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            self._parquet = pq.ParquetWriter(self._handle, table.schema)
        else:
            try:
                table = pa.Table.from_pandas(frame, schema=self._parquet.schema, preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
                raise DataError(
                    f"{self.path.name}: a column's type changed at row {self.rows + 1}; expected one type per "
                    "column; write CSV or JSONL instead, or make the column's values uniform"
                ) from None
        self._parquet.write_table(table)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        handle, tmp, parquet = self._handle, self._tmp, self._parquet
        self._handle = self._parquet = None
        if handle is None or tmp is None:
            return
        try:
            if exc_type is None:
                if parquet is not None:
                    parquet.close()
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
                os.replace(tmp, self.path)
        finally:
            if parquet is not None and exc_type is not None:
                with contextlib.suppress(Exception):
                    parquet.close()
            handle.close()
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
