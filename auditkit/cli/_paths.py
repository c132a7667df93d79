"""Turn OS errors on paths the user chose into one-line user errors (exit 2)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from auditkit.exceptions import DataError

__all__ = ["ensure_dir", "not_a_dir", "writing"]


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def ensure_dir(path: Path, what: str) -> None:
    """Create the output folder ``path`` (and parents) or fail with a user error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create {what} '{path}' ({_reason(exc)}); pass a writable folder") from None


def not_a_dir(path: Path | None, what: str) -> None:
    """Fail early when an output file path names an existing folder."""
    if path is not None and path.is_dir():
        raise DataError(f"{what} '{path}' is a folder; pass a file path")


@contextlib.contextmanager
def writing(path: Path, what: str) -> Iterator[None]:
    """Map an OSError raised while writing ``path`` to a user error."""
    try:
        yield
    except OSError as exc:
        raise DataError(f"cannot write {what} '{path}' ({_reason(exc)}); check that its folder exists and is writable") from None
