"""What a scrubbing run reports: counts only, never a value.

:class:`ScrubSummary` goes into the scorecard (``scrub/summary.json``);
:class:`QuarantineRecord` lists the rows withheld because their analysis failed,
by id and reason only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["QuarantineRecord", "ScrubSummary"]


class QuarantineRecord(BaseModel):
    """A withheld cell: the row id, the column and why (no text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    column: str
    reason: str


class ScrubSummary(BaseModel):
    """Counts from one scrubbing run (JSON-serialisable, no raw values).

    Attributes
    ----------
    rows_total, rows_touched, rows_quarantined:
        Rows seen, rows with at least one replacement, rows withheld (fail closed).
    cells_total:
        Text cells scrubbed (rows x text columns).
    entities:
        Replaced identifiers per entity type.
    entities_by_column:
        The same counts per text column.
    residual_cells_checked:
        Scrubbed cells the residual pass re-analysed (a stable sample of
        ``scrub.residual_sample`` of them, chosen by a hash of row id and column).
    residual_entities:
        Identifiers the residual pass still found in those cells.
    residual_entity_rate:
        ``residual_entities / max(entities replaced in the checked cells, 1)``;
        ``None`` when no cell was re-scanned (``residual_reason`` says why).
    docs_per_second, seconds:
        Throughput of the run (cells per second) and its wall time.
    operator, model, language, score_threshold, workers:
        How the run was configured.
    """

    model_config = ConfigDict(extra="forbid")

    rows_total: int = 0
    rows_touched: int = 0
    rows_quarantined: int = 0
    cells_total: int = 0
    entities: dict[str, int] = Field(default_factory=dict)
    entities_by_column: dict[str, dict[str, int]] = Field(default_factory=dict)
    residual_cells_checked: int = 0
    residual_entities: int = 0
    residual_entity_rate: float | None = None
    residual_reason: str | None = None
    docs_per_second: float | None = None
    seconds: float = 0.0
    operator: str = "replace"
    model: str = ""
    language: str = "en"
    score_threshold: float = 0.0
    workers: int = 1

    def to_json_dict(self) -> dict[str, Any]:
        """Return the summary as a plain JSON-ready dict (sorted entity keys)."""
        data = self.model_dump(mode="json")
        data["entities"] = dict(sorted(self.entities.items()))
        data["entities_by_column"] = {
            col: dict(sorted(counts.items())) for col, counts in sorted(self.entities_by_column.items())
        }
        return data
