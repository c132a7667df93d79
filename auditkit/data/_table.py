"""Reading and writing tables (CSV, JSONL, Parquet) chosen by file extension.

Errors name the file and the line or column, never a value from a row.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd

from auditkit._io import atomic_write_bytes
from auditkit.exceptions import DataError

__all__ = ["SUPPORTED_SUFFIXES", "load_table", "save_table", "table_format"]

SUPPORTED_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")


def table_format(path: str | os.PathLike[str]) -> str:
    """Return ``csv``, ``jsonl`` or ``parquet`` for ``path``, or raise :class:`DataError`."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise DataError(
        f"unsupported file type {suffix or '(none)'!r} for {Path(path).name}; expected one of .csv, .jsonl, .parquet"
    )


def load_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Load a CSV, JSONL or Parquet file into a DataFrame (CSV cells stay strings)."""
    file = Path(path)
    fmt = table_format(file)
    if not file.is_file():
        raise DataError(f"data file not found: {file}; check data.path in the config")
    if fmt == "parquet":
        try:
            return pd.read_parquet(file)
        except Exception:
            raise DataError(f"{file.name}: not a readable Parquet file; re-export it") from None
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{file.name}: not valid UTF-8 (first bad byte at offset {exc.start}); re-encode the file as UTF-8"
        ) from None
    if not text.strip():
        raise DataError(f"{file.name}: the file is empty; expected a header and at least one row")
    return _read_csv(text, file.name) if fmt == "csv" else _read_jsonl(text, file.name)


def _read_csv(text: str, name: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.ParserError as exc:
        line = _parser_line(str(exc))
        where = f" near line {line}" if line else ""
        raise DataError(f"{name}: malformed CSV{where}; check quoting and the number of fields per row") from None


def _parser_line(message: str) -> str | None:
    import re

    match = re.search(r"line (\d+)", message)
    return match.group(1) if match else None


def _read_jsonl(text: str, name: str) -> pd.DataFrame:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise DataError(f"{name}: line {number} is not valid JSON; expected one JSON object per line") from None
        if not isinstance(record, dict):
            raise DataError(f"{name}: line {number} is a JSON {type(record).__name__}, expected an object")
        records.append(record)
    return pd.DataFrame.from_records(records)


def save_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` atomically in the format its extension names."""
    fmt = table_format(path)
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return atomic_write_bytes(path, buffer.getvalue())
    if fmt == "csv":
        return atomic_write_bytes(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=False) for r in frame.to_dict(orient="records"))
    return atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8") if len(frame) else b"")
