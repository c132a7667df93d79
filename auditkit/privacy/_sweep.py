"""Canary sweep: search every file of a run directory for planted identifiers.

Each canary is searched in several forms — as written, lower-case (the search
is case-insensitive), digits only (for identifiers with at least seven digits,
so short digit runs in binary files do not raise false alarms), URL-encoded,
and "spaced" (its alphanumeric parts in order with up to 12 other bytes between
them, which catches tokenised copies such as ``"912", "-", "34"``) — in the raw bytes of every file, binary ones included (safetensors, parquet,
checkpoints). Parquet pages are usually compressed, so parquet files are also
searched in their decoded cell values, and ``.gz`` files after decompression.
A hit names the file and the canary (``ssn#3``), never the value; a file whose
*name* holds a canary is reported with its name withheld.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from auditkit._logging import get_logger
from auditkit.exceptions import DataError
from auditkit.privacy._canaries import Canary, CanarySet

__all__ = ["SweepHit", "SweepResult", "canary_forms", "spaced_pattern", "sweep"]

MIN_DIGITS = 7
_CHUNK = 8 << 20
_WITHHELD = "<name withheld: holds a canary>"
_log = get_logger(__name__)


@dataclass(frozen=True)
class SweepHit:
    """One canary found in one file.

    Attributes
    ----------
    file:
        Path relative to the run directory (withheld when the name itself holds a canary).
    canary:
        ``<kind>#<index>``.
    kind, split:
        Kind of identifier and the split it was planted in.
    form:
        Which form matched: ``raw`` (case-insensitive), ``digits``, ``url``, ``spaced``
        (the value's parts in order with a few other characters between them) or ``filename``.
    """

    file: str
    canary: str
    kind: str
    split: str
    form: str


@dataclass(frozen=True)
class SweepResult:
    """Outcome of a sweep (aggregates, file names and canary labels only).

    Attributes
    ----------
    n_canaries, files_scanned, bytes_scanned:
        What was searched.
    hits:
        Every (file, canary, form) found.
    found:
        ``{canary label: number of files holding it}`` for canaries found at least once.
    skipped:
        Entries that could not be read (relative path and reason).
    """

    n_canaries: int
    files_scanned: int
    bytes_scanned: int
    hits: tuple[SweepHit, ...] = ()
    found: dict[str, int] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """True when no canary was found anywhere and every file was read."""
        return not self.hits and not self.skipped

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary for ``privacy.json`` and the scorecard."""
        data = asdict(self)
        data["n_hits"] = len(self.hits)
        data["files_with_hits"] = sorted({h.file for h in self.hits})
        data["status"] = "ok" if self.clean else "failed"
        if not self.clean:
            found = f"{len(self.hits)} canary hit(s) in {len(data['files_with_hits'])} file(s)" if self.hits else ""
            unread = f"{len(self.skipped)} file(s) could not be read" if self.skipped else ""
            data["reason"] = "; ".join(p for p in (found, unread) if p)
        return data


def spaced_pattern(value: str) -> re.Pattern[bytes] | None:
    """Regex for the canary's alphanumeric parts in order, separated by 1-12 spaces or punctuation marks.

    Catches tokenised and re-punctuated copies (``912 - 34 - 5678``, ``"annika", "blackwood"``);
    ``None`` for a value with a single part. The pattern starts with a literal so
    the regex engine can skip ahead quickly; the left word boundary is checked by the caller.
    """
    parts = re.findall(r"[a-z0-9]+", value.lower())
    if len(parts) < 2:
        return None
    sep = rb"[\s\"',.;:/#()\[\]_-]{1,12}"
    return re.compile(sep.join(re.escape(p.encode()) for p in parts) + rb"(?![a-z0-9])")


def _spaced_hit(regex: re.Pattern[bytes], chunk: bytes) -> bool:
    return any(m.start() == 0 or not chunk[m.start() - 1 : m.start()].isalnum() for m in regex.finditer(chunk))


def canary_forms(value: str) -> dict[str, bytes]:
    """Lower-cased byte patterns of one canary: ``raw``, ``digits`` (when long enough), ``url``."""
    forms = {"raw": value.lower().encode("utf-8")}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= MIN_DIGITS and digits != value:
        forms["digits"] = digits.encode("ascii")
    for i, encoded in enumerate({quote(value, safe=""), quote_plus(value, safe="")}):
        if encoded != value:
            forms[f"url{i}"] = encoded.lower().encode("ascii")
    return forms


def _chunks(handle: Any, overlap: int) -> Iterator[bytes]:
    tail = b""
    while True:
        block = handle.read(_CHUNK)
        if not block:
            return
        yield (tail + block).lower()
        tail = block[-overlap:] if overlap else b""


def _parquet_text(path: Path) -> bytes:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    parts = [" ".join(table.column_names), str(table.schema.metadata or "")]
    for column in table.columns:
        parts.extend(str(v) for v in column.to_pylist())
    return "\n".join(parts).lower().encode("utf-8", "replace")


def _streams(path: Path) -> Iterator[tuple[str, Any]]:
    yield "bytes", open(path, "rb")  # noqa: SIM115 - closed by the caller
    if path.suffix == ".gz":
        yield "gunzip", gzip.open(path, "rb")


def _search(chunk: bytes, patterns: list[tuple[Canary, str, bytes]], spaced: dict[int, re.Pattern[bytes]],
            found: set[tuple[int, str]]) -> None:
    for i, (_c, form, pattern) in enumerate(patterns):
        if pattern in chunk:
            found.add((i, form))
    for i, regex in spaced.items():
        if _spaced_hit(regex, chunk):
            found.add((i, "spaced"))


def _scan_file(path: Path, patterns: list[tuple[Canary, str, bytes]], spaced: dict[int, re.Pattern[bytes]]) -> set[tuple[int, str]]:
    """Indices of (pattern position, form) found in ``path``."""
    overlap = 12 * max((len(p) for _, _, p in patterns), default=1)
    found: set[tuple[int, str]] = set()
    for _name, handle in _streams(path):
        with handle:
            for chunk in _chunks(handle, overlap):
                _search(chunk, patterns, spaced, found)
    if path.suffix == ".parquet":
        _search(_parquet_text(path), patterns, spaced, found)
    return {(i, form) for i, form in found if form != "spaced" or (i, "raw") not in found}


def _name_holds_canary(relpath: str, patterns: list[tuple[Canary, str, bytes]]) -> list[Canary]:
    lowered = relpath.lower().encode("utf-8", "replace")
    return [c for c, _form, p in patterns if p in lowered]


def sweep(run_dir: str | os.PathLike[str], canaries: CanarySet, *, exclude: tuple[str, ...] = ()) -> SweepResult:
    """Search every file under ``run_dir`` for every canary form.

    Parameters
    ----------
    run_dir:
        The run directory (symlinks are not followed).
    canaries:
        The planted canaries (see :func:`auditkit.privacy.seed_canaries`).
    exclude:
        Relative paths to skip (e.g. the privacy report being written).

    Returns
    -------
    SweepResult

    Raises
    ------
    DataError
        When ``run_dir`` is not a folder.
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise DataError(f"run directory not found: {root.name}; pass the folder of a run (runs/<name>)")
    patterns = [(c, form, p) for c in canaries.canaries for form, p in canary_forms(c.value).items()]
    spaced = {i: rx for i, (c, form, _p) in enumerate(patterns) if form == "raw" and (rx := spaced_pattern(c.value))}
    hits: set[SweepHit] = set()
    skipped: list[str] = []
    files = scanned_bytes = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if rel in exclude or path.is_symlink() or not path.is_file():
                continue
            named = _name_holds_canary(rel, patterns)
            shown = _WITHHELD if named else rel
            hits.update(SweepHit(shown, c.label, c.kind, c.split, "filename") for c in named)
            try:
                found = _scan_file(path, patterns, spaced)
            except Exception as exc:  # noqa: BLE001 - an unreadable file must not pass silently
                skipped.append(f"{shown}: {type(exc).__name__}")
                continue
            files += 1
            scanned_bytes += path.stat().st_size
            for i, form in found:
                c = patterns[i][0]
                hits.add(SweepHit(shown, c.label, c.kind, c.split, form.rstrip("01")))
    ordered = tuple(sorted(hits, key=lambda h: (h.file, h.canary, h.form)))
    per_canary: dict[str, set[str]] = {}
    for hit in ordered:
        per_canary.setdefault(hit.canary, set()).add(hit.file)
    _log.info("canary sweep: %d files, %d hits, %d skipped", files, len(ordered), len(skipped))
    return SweepResult(
        n_canaries=len(canaries),
        files_scanned=files,
        bytes_scanned=scanned_bytes,
        hits=ordered,
        found={k: len(v) for k, v in sorted(per_canary.items())},
        skipped=tuple(skipped),
    )
