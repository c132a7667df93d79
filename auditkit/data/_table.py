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
from auditkit._unicode import has_lone_surrogate, utf8_safe
from auditkit.data._messages import NOT_UNICODE
from auditkit.exceptions import DataError

__all__ = ["SUPPORTED_SUFFIXES", "load_table", "save_table", "table_format", "utf8_safe_frame"]

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
    # JSON Lines are separated by "\n" only: str.splitlines would also split inside strings at U+2028, U+0085, ...
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise DataError(f"{name}: line {number} is not valid JSON; expected one JSON object per line") from None
        if not isinstance(record, dict):
            raise DataError(f"{name}: line {number} is a JSON {type(record).__name__}, expected an object")
        records.append(record)
    try:
        return pd.DataFrame.from_records(records)
    except UnicodeEncodeError:  # a "\ud800" escape: pandas' Arrow-backed strings cannot hold it
        raise DataError(_not_unicode(records, name)) from None


def _not_unicode(records: list[dict[str, object]], name: str) -> str:
    counts: dict[str, int] = {}
    for record in records:
        for key, value in record.items():
            if isinstance(value, str) and has_lone_surrogate(value):
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return f"{name}: a column name is not valid Unicode (lone surrogate escape); re-encode the file as UTF-8"
    column = min(counts)
    return f"{name}: " + NOT_UNICODE.format(column=column, count=counts[column])


def utf8_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with lone surrogates in column names and string cells replaced by U+FFFD.

    Only object columns can hold them (Arrow-backed strings cannot); see :mod:`auditkit._unicode`.
    """
    def fix(value: object) -> object:
        return utf8_safe(value) if isinstance(value, str) else value

    dirty = [c for c in frame.columns if frame[c].dtype == object
             and frame[c].map(lambda v: isinstance(v, str) and has_lone_surrogate(v)).any()]
    out = frame.assign(**{str(c): frame[c].map(fix) for c in dirty}) if dirty else frame
    if any(isinstance(c, str) and has_lone_surrogate(c) for c in out.columns):
        out = out.rename(columns=fix)
    return out


def save_table(frame: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``frame`` atomically in the format its extension names (always valid UTF-8)."""
    fmt = table_format(path)
    frame = utf8_safe_frame(frame)
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return atomic_write_bytes(path, buffer.getvalue())
    if fmt == "csv":
        return atomic_write_bytes(path, utf8_safe(frame.to_csv(index=False, lineterminator="\n")).encode("utf-8"))
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=False) for r in frame.to_dict(orient="records"))
    return atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8") if len(frame) else b"")
