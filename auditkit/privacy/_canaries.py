"""Canaries: unique fake identifiers planted in the raw data to trace leaks.

:func:`seed_canaries` appends one sentence holding a fresh fake identifier (SSN,
e-mail, name, phone, MRN) to a few rows of each split. After a run, the canary
sweep searches every file of the run directory for them; any hit is personal
data that survived scrubbing (or was written where it never should be).

The canary values must never land inside the run directory (the sweep would
find its own list), so :func:`canary_file_for` places them in a hidden sibling
file ``<output_dir>/.<run name>.canaries.json`` created with mode 0600. The
``repr`` of a :class:`Canary` hides its value, so a canary caught in a traceback
or a log line does not leak itself.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from auditkit._io import atomic_write_text
from auditkit.exceptions import DataError

if TYPE_CHECKING:  # pandas is imported by the caller's frame; the canary sweep itself runs on the slim core
    import pandas as pd

__all__ = [
    "CANARY_KINDS",
    "Canary",
    "CanarySet",
    "canary_file_for",
    "load_canaries",
    "save_canaries",
    "seed_canaries",
]

CanaryKind = Literal["ssn", "email", "name", "phone", "mrn"]
CANARY_KINDS: tuple[CanaryKind, ...] = ("ssn", "email", "name", "phone", "mrn")
_FORMAT = "auditkit-canaries/1"

_FIRST = (
    "Annika", "Bertram", "Cosima", "Dorian", "Evander", "Fenna", "Gideon", "Henrike", "Isadora", "Jasper",
    "Katrien", "Leopold", "Marisol", "Nikolai", "Octavia", "Percival", "Quintina", "Rosalind", "Severin", "Theodora",
)
_LAST = (
    "Abernathy", "Blackwood", "Castellano", "Drummond", "Ellingsen", "Fairweather", "Gallagher", "Halvorsen",
    "Ingersoll", "Jablonski", "Kettering", "Lindqvist", "Montgomery", "Nakashima", "Oyelaran", "Pemberton",
    "Quartermain", "Rasmussen", "Strickland", "Thornbury",
)
_AREAS = ("206", "212", "303", "312", "404", "415", "503", "602", "617", "713")
_TEMPLATES: dict[str, str] = {
    "ssn": " SSN {value}.",
    "email": " Contact email: {value}.",
    "name": " Patient name: {value}.",
    "phone": " Call back on phone {value}.",
    "mrn": " MRN: {value}.",
}


@dataclass(frozen=True)
class Canary:
    """One planted identifier.

    Attributes
    ----------
    kind:
        ``ssn``, ``email``, ``name``, ``phone`` or ``mrn``.
    index:
        Position in its :class:`CanarySet` (how hits name it).
    value:
        The identifier itself (hidden from ``repr``).
    split:
        Split of the row it was planted in (``train``, ``validation``, ``test`` or ``all``).
    row:
        Position of that row in the seeded frame.
    """

    kind: str
    index: int
    value: str = field(repr=False)
    split: str
    row: int

    @property
    def label(self) -> str:
        """How reports name the canary: ``<kind>#<index>`` (never the value)."""
        return f"{self.kind}#{self.index}"


@dataclass(frozen=True)
class CanarySet:
    """The canaries of one run (keep outside the run directory)."""

    canaries: tuple[Canary, ...]
    seed: int

    def __len__(self) -> int:
        return len(self.canaries)

    def in_split(self, split: str) -> tuple[Canary, ...]:
        """Canaries planted in ``split``."""
        return tuple(c for c in self.canaries if c.split == split)


def _draw(kind: str, rng: random.Random) -> str:
    if kind == "ssn":  # area 900-999 is never issued as an SSN; group 10-69 avoids ITIN ranges
        return f"9{rng.randrange(100):02d}-{rng.randrange(10, 70):02d}-{rng.randrange(1000, 10000):04d}"
    if kind == "email":
        return f"{rng.choice(_FIRST).lower()}.{rng.choice(_LAST).lower()}{rng.randrange(100, 1000)}@example.org"
    if kind == "name":
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    if kind == "phone":
        exchange = rng.randrange(200, 1000)
        exchange = exchange if exchange != 555 else 556
        return f"({rng.choice(_AREAS)}) {exchange}-{rng.randrange(1000, 10000):04d}"
    return f"{rng.randrange(10**7, 10**8)}"


def _fresh_value(kind: str, rng: random.Random, corpus: str, taken: set[str]) -> str:
    for _ in range(1000):
        value = _draw(kind, rng)
        if value not in taken and value.lower() not in corpus:
            taken.add(value)
            return value
    raise DataError(f"could not draw a {kind} canary absent from the data after 1000 tries; use another seed")


def seed_canaries(
    frame: pd.DataFrame,
    *,
    seed: int,
    text_column: str = "text",
    split_column: str = "split",
    per_split: int = 1,
    kinds: Iterable[str] = CANARY_KINDS,
) -> tuple[pd.DataFrame, CanarySet]:
    """Append unique fake identifiers to rows of each split.

    Parameters
    ----------
    frame:
        Raw data; not modified (a copy is returned).
    seed:
        Seed of the draw; the same seed and frame give the same canaries.
    text_column, split_column:
        Where the text is and which split each row is in (when the split column
        is absent the whole frame is one split, ``all``).
    per_split:
        Canaries of each kind per split.
    kinds:
        Which identifier kinds to plant.

    Returns
    -------
    (pandas.DataFrame, CanarySet)
        The seeded copy and the canaries (values only in the set, never logged).

    Raises
    ------
    DataError
        When the text column is missing or a split has too few rows.
    """
    kinds = tuple(kinds)
    unknown = sorted(set(kinds) - set(CANARY_KINDS))
    if unknown:
        raise DataError(f"unknown canary kind(s) {', '.join(unknown)}; expected some of {', '.join(CANARY_KINDS)}")
    if text_column not in frame.columns:
        raise DataError(f"text column {text_column!r} not found; expected one of the frame's columns")
    out = frame.copy()
    texts = out[text_column].astype(str).tolist()
    corpus = "\n".join(texts).lower()
    splits = out[split_column].astype(str).tolist() if split_column in out.columns else ["all"] * len(out)
    rng = random.Random(seed)
    taken: set[str] = set()
    canaries: list[Canary] = []
    for split in sorted(set(splits)):
        rows = [i for i, s in enumerate(splits) if s == split]
        needed = per_split * len(kinds)
        if len(rows) < needed:
            raise DataError(f"split {split!r} has {len(rows)} rows; seeding {needed} canaries needs as many rows")
        chosen = rng.sample(rows, needed)
        for slot, row in enumerate(chosen):
            kind = kinds[slot % len(kinds)]
            value = _fresh_value(kind, rng, corpus, taken)
            texts[row] = texts[row] + _TEMPLATES[kind].format(value=value)
            canaries.append(Canary(kind, len(canaries), value, split, row))
    out[text_column] = texts
    return out, CanarySet(tuple(canaries), seed)


def canary_file_for(run_dir: str | os.PathLike[str]) -> Path:
    """Where the canaries of ``run_dir`` live: a hidden sibling file, outside the run directory."""
    run = Path(run_dir).resolve()
    return run.parent / f".{run.name}.canaries.json"


def save_canaries(canaries: CanarySet, path: str | os.PathLike[str]) -> Path:
    """Write the canaries as JSON with owner-only permissions (0600)."""
    doc = {
        "format": _FORMAT,
        "seed": canaries.seed,
        "canaries": [
            {"kind": c.kind, "index": c.index, "value": c.value, "split": c.split, "row": c.row}
            for c in canaries.canaries
        ],
    }
    target = atomic_write_text(path, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    os.chmod(target, 0o600)
    return target


def load_canaries(path: str | os.PathLike[str]) -> CanarySet:
    """Read a canary file written by :func:`save_canaries`."""
    file = Path(path)
    try:
        doc: Any = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"canary file not found: {file.name}; seed canaries first (privacy.canaries: true)") from None
    except (UnicodeDecodeError, ValueError):
        raise DataError(f"canary file {file.name} is not valid JSON; re-create it") from None
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT or not isinstance(doc.get("canaries"), list):
        raise DataError(f"canary file {file.name} has an unknown format; expected {_FORMAT}")
    try:
        items = tuple(
            Canary(str(c["kind"]), int(c["index"]), str(c["value"]), str(c["split"]), int(c["row"]))
            for c in doc["canaries"]
        )
    except (KeyError, TypeError, ValueError):
        raise DataError(f"canary file {file.name} has a malformed entry; re-create it") from None
    return CanarySet(items, int(doc.get("seed", 0)))
