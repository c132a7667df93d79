"""Reading and writing ``scorecard.json``, validated both ways.

:func:`write_scorecard` refuses to write a document that fails the schema, and
writes atomically, so no half-written or invalid scorecard ever exists on disk.
:func:`load_scorecard` refuses a file that is not JSON, fails the schema or
comes from a newer major version. :class:`Scorecard` is a thin read-only view.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json
from auditkit.exceptions import SchemaError
from auditkit.report._schema import validate_scorecard

__all__ = ["Scorecard", "load_scorecard", "set_section", "write_scorecard"]


@dataclass(frozen=True)
class Scorecard:
    """A validated scorecard document.

    Attributes
    ----------
    data:
        The JSON document (validated against the schema when built with
        :meth:`from_dict` or :meth:`load`).
    """

    data: Mapping[str, Any]

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, source: str = "scorecard") -> Scorecard:
        """Validate ``doc`` and wrap it."""
        validate_scorecard(doc, source=source)
        return cls(doc)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Scorecard:
        """Load and validate ``scorecard.json``."""
        return cls(load_scorecard(path))

    @property
    def schema_version(self) -> str:
        """The document's ``MAJOR.MINOR`` schema version."""
        return str(self.data["schema_version"])

    def section(self, name: str) -> Mapping[str, Any]:
        """Return one top-level section (``fairness``, ``policy``, ...)."""
        value = self.data.get(name)
        if not isinstance(value, Mapping):
            raise KeyError(name)
        return value

    def status(self, name: str) -> str:
        """Return a section's status: ``ok``, ``not_run`` or ``failed``."""
        return str(self.section(name)["status"])

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Validate and write the document atomically."""
        return write_scorecard(dict(self.data), path)


def write_scorecard(doc: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Validate ``doc`` and write it to ``path`` atomically (sorted keys, UTF-8).

    Raises
    ------
    SchemaError
        When the document fails the schema; nothing is written then.
    """
    validate_scorecard(doc, source=Path(path).name)
    return atomic_write_json(path, doc)


def load_scorecard(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate a scorecard file.

    Raises
    ------
    SchemaError
        When the file is missing, is not JSON, fails the schema or has a newer
        major ``schema_version``.
    """
    file = Path(path)
    if not file.is_file():
        raise SchemaError(f"scorecard not found: {file}; run 'auditkit run' first or pass the path to scorecard.json")
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SchemaError(f"{file.name}: not valid UTF-8 JSON; regenerate it with 'auditkit run'") from None
    validate_scorecard(doc, source=file.name)
    if not isinstance(doc, dict):  # validate_scorecard already refuses this; keeps the type precise
        raise SchemaError(f"{file.name}: expected a JSON object")
    return doc


def set_section(path: str | os.PathLike[str], name: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """Replace one section of the scorecard at ``path`` and write it back (validated, atomic).

    The gate uses this to add its ``policy`` verdict before re-rendering.
    """
    doc = load_scorecard(path)
    doc[name] = dict(content)
    write_scorecard(doc, path)
    return doc
