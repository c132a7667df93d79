"""Reading and writing ``scorecard.json``: one loader, one version check, integrity on every write.

:func:`write_scorecard` validates the document against the models, recomputes the
``integrity`` digests and writes atomically, so no half-written, invalid or
undigested scorecard exists on disk. :func:`read_scorecard` returns the document
exactly as stored (what digests and signatures are checked against) together with
its validated model. Error messages name the location and the rule, never a value.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from auditkit._io import atomic_write_json
from auditkit.exceptions import SchemaError, UserInputError
from auditkit.scorecard._canonical import content_digest, section_digests
from auditkit.scorecard._model import SCHEMA_VERSION, SUPPORTED_MAJOR, Scorecard

__all__ = ["load_document", "load_scorecard", "parse_scorecard", "read_scorecard", "seal", "section_document", "set_section", "write_scorecard"]

_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)$")
_PATH_DEPTH = 3


def _check_version(doc: Mapping[str, Any], source: str) -> None:
    version = doc.get("schema_version")
    match = _VERSION.match(version) if isinstance(version, str) else None
    if match is None:
        raise SchemaError(
            f"{source}: missing or malformed 'schema_version' (expected 'MAJOR.MINOR' such as "
            f"'{SCHEMA_VERSION}'); this does not look like an auditkit scorecard"
        )
    major = int(match.group(1))
    if major > SUPPORTED_MAJOR:
        raise SchemaError(f"{source}: schema_version {major}.x is newer than this auditkit reads ({SUPPORTED_MAJOR}.x); upgrade auditkit")
    if major < SUPPORTED_MAJOR:
        raise SchemaError(
            f"{source}: schema_version {major}.x is older than this auditkit reads ({SUPPORTED_MAJOR}.x); "
            "re-run the audit to write a current scorecard"
        )


def _where(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not str(p).startswith(("function-", "nullable"))]
    shown = ".".join(parts[:_PATH_DEPTH]) or "<top level>"
    return shown + (".…" if len(parts) > _PATH_DEPTH else "")


def parse_scorecard(doc: Any, *, source: str = "scorecard") -> Scorecard:
    """Validate a parsed document into a :class:`Scorecard`.

    Raises
    ------
    SchemaError
        One line naming the first failing location and rule; values are never echoed.
    """
    if not isinstance(doc, Mapping):
        raise SchemaError(f"{source}: expected a JSON object at the top level, got {type(doc).__name__}")
    _check_version(doc, source)
    try:
        return Scorecard.model_validate(dict(doc))
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        message = first["msg"] if first["type"] in ("value_error", "missing", "extra_forbidden") else first["type"]
        raise SchemaError(f"{source}: fails the scorecard schema at '{_where(tuple(first['loc']))}': {message}{more}") from None


def section_document(model: type[BaseModel], data: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """Validate a stage's section output against its model and return its JSON form.

    Stages call this before writing their output file, so a section that would not
    load into the scorecard fails in the stage that made it, naming the location.

    Raises
    ------
    SchemaError
        The first failing location and rule; values are never echoed.
    """
    try:
        return model.model_validate(dict(data)).model_dump(mode="json")
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        message = first["msg"] if first["type"] in ("value_error", "missing", "extra_forbidden") else first["type"]
        raise SchemaError(f"{source}: fails the scorecard model at '{_where(tuple(first['loc']))}': {message}") from None


def seal(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``doc``, normalise it through the models and add fresh ``integrity`` digests."""
    card = parse_scorecard(doc)
    out = card.to_document()
    out.pop("integrity", None)
    out["integrity"] = {
        "method": "sha256-canonical-json/1",
        "content_sha256": content_digest(out),
        "sections": section_digests(out),
    }
    return out


def write_scorecard(doc: Mapping[str, Any] | Scorecard, path: str | os.PathLike[str]) -> Path:
    """Validate, seal and write ``doc`` to ``path`` atomically; returns the path.

    Raises
    ------
    SchemaError
        When the document fails the models; nothing is written then.
    """
    raw = doc.to_document() if isinstance(doc, Scorecard) else doc
    return atomic_write_json(path, seal(raw))


def set_section(path: str | os.PathLike[str], name: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """Replace one section of the scorecard at ``path`` and write it back (validated, sealed, atomic).

    The gate stage uses this to record its verdict in ``policy``; the verdict is a
    derived section, so the content digest (and any signature) stays valid.
    """
    doc, _ = read_scorecard(path)
    doc[name] = dict(content)
    write_scorecard(doc, path)
    return doc


def read_scorecard(path: str | os.PathLike[str]) -> tuple[dict[str, Any], Scorecard]:
    """Read ``scorecard.json``: the document as stored and its validated model.

    Raises
    ------
    UserInputError
        The file does not exist.
    SchemaError
        Not UTF-8 JSON, fails the models, or a major version this auditkit does not read.
    """
    file = Path(path)
    if not file.is_file():
        raise UserInputError(f"scorecard not found: '{file.name}'; pass the scorecard.json written by 'auditkit run' or 'auditkit audit'")
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise SchemaError(f"{file.name}: not valid UTF-8 JSON{where}; regenerate the scorecard") from None
    card = parse_scorecard(doc, source=file.name)
    return doc, card


def load_scorecard(path: str | os.PathLike[str]) -> Scorecard:
    """Read and validate ``scorecard.json`` into a :class:`Scorecard`."""
    return read_scorecard(path)[1]


def load_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and validate ``scorecard.json``; the normalised JSON document (what readers render)."""
    return read_scorecard(path)[1].to_document()
