"""Identifier sweep: search a run folder for the identifiers the scrubber found in the input.

Planting canaries would change the texts an audit measures, and data a user
brings to ``auditkit audit`` is not ours to change. Instead the scrubber's own
findings serve as canaries: the prepare stage hands the identifiers it replaced
to the privacy stage in memory (never written anywhere), and every file of the
run folder is searched for them. Matching is by whole words, case-insensitive:
an identifier's words in order with at most 12 other characters between them
(catching tokenised and re-punctuated copies), its digits run together (seven
or more), its URL-encoded form, and each word of four or more letters of a
person's name on its own (a surname the scrubber missed elsewhere is the usual
leak). Quasi-identifiers such as dates, ages and places are left out, since the
same words occur in unrelated text, as are values under three letters or
digits. A hit names the file and ``<ENTITY>#<n>``, never the value.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote

from auditkit._logging import get_logger
from auditkit.exceptions import DataError
from auditkit.privacy._sweep import MIN_DIGITS, SweepHit, SweepResult, _parquet_text

__all__ = ["NOT_SWEPT", "FoundIdentifiers", "found_identifiers", "identifier_sweep"]

NOT_SWEPT = frozenset({"AGE", "DATE_TIME", "LOCATION", "NRP", "ORGANIZATION", "POSTAL_CODE", "URL"})
"""Entity types left out of the sweep: their words also occur in text that identifies no one."""
MIN_CHARS = 3
MIN_NAME_PART = 4
MAX_GAP = 12
_WORD = re.compile(r"[^\W_]+")
_CHUNK = 8 << 20
_WITHHELD = "<name withheld: holds an identifier>"
_log = get_logger(__name__)


@dataclass(frozen=True)
class FoundIdentifiers:
    """Distinct identifiers to sweep for: ``(entity, value)`` pairs, values hidden from ``repr``.

    Build with :func:`found_identifiers`; keep in memory only.
    """

    entries: tuple[tuple[str, str], ...] = field(repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def label(self, index: int) -> str:
        """How reports name an identifier: ``<ENTITY>#<index>``."""
        return f"{self.entries[index][0]}#{index}"


def _words(value: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(value.casefold()))


def found_identifiers(pairs: Iterable[tuple[str, str]]) -> FoundIdentifiers:
    """Distinct direct identifiers among the scrubber's ``(entity, value)`` findings, in a stable order."""
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    for entity, value in pairs:
        words = _words(value)
        if entity in NOT_SWEPT or sum(map(len, words)) < MIN_CHARS:
            continue
        seen.setdefault(words, (entity, value))
    return FoundIdentifiers(tuple(seen[k] for k in sorted(seen, key=lambda w: (seen[w][0], w))))


def _forms(entity: str, value: str) -> list[tuple[str, tuple[str, ...]]]:
    words = _words(value)
    forms = [("raw", words)]
    digits = re.sub(r"\D", "", value)
    if len(digits) >= MIN_DIGITS and (digits,) != words:
        forms.append(("digits", (digits,)))
    url = _words(quote(value, safe=""))
    if url != words:
        forms.append(("url", url))
    if entity == "PERSON" and len(words) > 1:
        forms += [("name_part", (w,)) for w in words if len(w) >= MIN_NAME_PART and w.isalpha()]
    return forms


class _Matcher:
    """Finds word sequences in a stream of words, indexed by each sequence's last word."""

    def __init__(self, found: FoundIdentifiers) -> None:
        self.by_last: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        for index, (entity, value) in enumerate(found.entries):
            for form, words in _forms(entity, value):
                self.by_last.setdefault(words[-1], []).append((index, form, words))
        self.width = max((len(w) for items in self.by_last.values() for _, _, w in items), default=1)

    def scan(self, texts: Iterator[str]) -> set[tuple[int, str]]:
        """``(identifier index, form)`` for every identifier found in the concatenated ``texts``."""
        window: deque[tuple[str, int, int]] = deque(maxlen=self.width)
        hits: set[tuple[int, str]] = set()
        offset = 0
        for text in texts:
            for match in _WORD.finditer(text):
                window.append((match.group(), offset + match.start(), offset + match.end()))
                for index, form, words in self.by_last.get(match.group(), ()):
                    if self._ends_window(window, words):
                        hits.add((index, form))
            offset += len(text)
        return hits

    @staticmethod
    def _ends_window(window: deque[tuple[str, int, int]], words: tuple[str, ...]) -> bool:
        if len(words) > len(window):
            return False
        tail = list(window)[-len(words):]
        if any(word != expected for (word, _, _), expected in zip(tail, words)):
            return False
        return all(nxt[1] - prev[2] <= MAX_GAP for prev, nxt in zip(tail, tail[1:]))


def _decoded(handle: IO[bytes]) -> Iterator[str]:
    """Case-folded text of a binary stream; a trailing word is held back so no word is split between chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    carry = ""
    while block := handle.read(_CHUNK):
        text = carry + decoder.decode(block).casefold()
        cut = len(text)
        while cut > 0 and text[cut - 1].isalnum() and len(text) - cut < _CHUNK:
            cut -= 1
        carry = text[cut:]
        yield text[:cut]
    yield carry + decoder.decode(b"", final=True).casefold()


def _scan_file(path: Path, matcher: _Matcher) -> set[tuple[int, str]]:
    hits = set()
    with open(path, "rb") as handle:
        hits |= matcher.scan(_decoded(handle))
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as handle:
            hits |= matcher.scan(_decoded(handle))
    if path.suffix == ".parquet":
        hits |= matcher.scan(iter([_parquet_text(path).decode("utf-8", "replace")]))
    return hits


def _files(root: Path, exclude: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if (Path(dirpath) / d).relative_to(root).as_posix() not in exclude)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if rel not in exclude and not path.is_symlink() and path.is_file():
                yield path, rel


def identifier_sweep(
    run_dir: str | os.PathLike[str], found: FoundIdentifiers, *, exclude: tuple[str, ...] = ()
) -> SweepResult:
    """Search every file under ``run_dir`` (``exclude``: relative files or folders to skip) for ``found``.

    Returns
    -------
    SweepResult
        Hits name the file and ``<ENTITY>#<n>``; ``kind`` is the entity type and ``split`` is ``input``.

    Raises
    ------
    DataError
        When ``run_dir`` is not a folder.
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise DataError(f"run directory not found: {root.name}; pass the folder of a run (runs/<name>)")
    matcher = _Matcher(found)
    hits: set[SweepHit] = set()
    skipped: list[str] = []
    files = scanned = 0
    for path, rel in _files(root, exclude):
        named = matcher.scan(iter([rel.casefold()]))
        shown = _WITHHELD if named else rel
        hits.update(SweepHit(shown, found.label(i), found.entries[i][0], "input", "filename") for i, _ in named)
        try:
            in_file = _scan_file(path, matcher)
        except Exception as exc:  # noqa: BLE001 - an unreadable file must not pass silently
            skipped.append(f"{shown}: {type(exc).__name__}")
            continue
        files += 1
        scanned += path.stat().st_size
        hits.update(SweepHit(shown, found.label(i), found.entries[i][0], "input", form) for i, form in in_file)
    ordered = tuple(sorted(hits, key=lambda h: (h.file, h.canary, h.form)))
    per_identifier: dict[str, set[str]] = {}
    for hit in ordered:
        per_identifier.setdefault(hit.canary, set()).add(hit.file)
    _log.info("identifier sweep: %d identifiers, %d files, %d hits", len(found), files, len(ordered))
    return SweepResult(len(found), files, scanned, ordered, {k: len(v) for k, v in sorted(per_identifier.items())},
                       tuple(skipped))
