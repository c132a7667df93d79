"""The scorecard's JSON Schema and version rules.

A scorecard is validated on every write and every read. Its ``schema_version``
is ``MAJOR.MINOR``: a reader accepts any minor version of the majors it knows
and refuses a newer major, because a newer major may change what a field means.
Error messages name the schema rule and the location, never the value found.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from auditkit.exceptions import SchemaError

__all__ = ["SCHEMA_VERSION", "SUPPORTED_MAJOR", "load_schema", "validate_scorecard"]

SCHEMA_VERSION = "1.0"
SUPPORTED_MAJOR = 1
_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)$")
_PATH_DEPTH = 2


@functools.lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("auditkit.report").joinpath("schemas/scorecard.schema.json").read_text("utf-8")


def load_schema() -> dict[str, Any]:
    """Return a fresh copy of the scorecard JSON Schema (draft 2020-12)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@functools.lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema())


def _check_version(doc: Mapping[str, Any], source: str) -> None:
    version = doc.get("schema_version")
    match = _VERSION.match(version) if isinstance(version, str) else None
    if match is None:
        raise SchemaError(
            f"{source}: missing or malformed 'schema_version' (expected 'MAJOR.MINOR' such as "
            f"'{SCHEMA_VERSION}'); regenerate the scorecard with 'auditkit run'"
        )
    major = int(match.group(1))
    if major > SUPPORTED_MAJOR:
        raise SchemaError(
            f"{source}: schema_version {major}.x is newer than this auditkit supports "
            f"({SUPPORTED_MAJOR}.x); upgrade auditkit to read it"
        )
    if major < SUPPORTED_MAJOR:
        raise SchemaError(
            f"{source}: schema_version {major}.x is older than this auditkit supports "
            f"({SUPPORTED_MAJOR}.x); regenerate the scorecard with 'auditkit run'"
        )


def _where(error: ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    shown = ".".join(parts[:_PATH_DEPTH]) or "<top level>"
    return shown + (".…" if len(parts) > _PATH_DEPTH else "")


def _expected(error: ValidationError) -> str:
    rule = error.validator
    if rule == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, Mapping) and k not in error.instance]
        return f"required key(s) missing: {', '.join(missing)}"
    if rule in ("type", "enum"):
        return f"expected {rule} {json.dumps(error.validator_value)}"
    if rule == "pattern":
        return "value does not match the expected format"
    return f"fails the '{rule}' rule"


def validate_scorecard(doc: Any, *, source: str = "scorecard") -> None:
    """Check ``doc`` against the version rules and the JSON Schema.

    Parameters
    ----------
    doc:
        The parsed scorecard document.
    source:
        Name used in messages (a file name, never data).

    Raises
    ------
    SchemaError
        One line naming the failing location and rule; values are never echoed.
    """
    if not isinstance(doc, Mapping):
        raise SchemaError(f"{source}: expected a JSON object at the top level, got {type(doc).__name__}")
    _check_version(doc, source)
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise SchemaError(f"{source}: fails the scorecard schema at '{_where(first)}': {_expected(first)}{more}")
