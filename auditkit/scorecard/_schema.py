"""The scorecard's JSON Schema, generated from the models (the one source of truth).

``schemas/scorecard.schema.json`` in the repository is this function's output,
kept for tools outside Python; a test fails when it drifts from the models.
"""

from __future__ import annotations

from typing import Any

from auditkit.scorecard._model import SCHEMA_VERSION, Scorecard

__all__ = ["json_schema"]


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``scorecard.json``."""
    schema = Scorecard.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:auditkit:scorecard:{SCHEMA_VERSION.split('.')[0]}"
    return schema
