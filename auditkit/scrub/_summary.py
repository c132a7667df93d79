"""What a scrubbing run reports: counts only, never a value.

:class:`ScrubSummary` goes into the scorecard (``scrub/summary.json``);
:class:`QuarantineRecord` lists the rows withheld because their analysis failed,
by id and reason only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditkit.scorecard import Metric

__all__ = ["RESIDUAL_DISABLED", "QuarantineRecord", "ScrubSummary", "combine_summaries"]

RESIDUAL_DISABLED = "residual pass disabled (scrub.residual_check is false)"


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
    residual_checked_entities:
        Identifiers replaced in those cells (the rate's denominator).
    residual_entities:
        Identifiers the residual pass still found in those cells.
    residual_entity_rate:
        ``residual_entities / max(entities replaced in the checked cells, 1)``;
        ``None`` when no cell was re-scanned (``residual_reason`` says why).
    docs_per_second, seconds:
        Throughput of the run (cells per second) and its wall time.
    operator, model, language, score_threshold, workers:
        How the run was configured.
    recall_probe:
        Recall on synthetic identifiers planted in a sample of the scrubbed texts,
        per entity type, with a Clopper-Pearson interval (``auditkit.scrub._probe``):
        recall on inserted identifiers, which bounds but does not equal recall on the
        corpus's own identifiers. ``None`` when the probe did not run.
    recall_probe_info:
        How the probe was measured (sizes, positions, interval, seconds, recall per
        position), or why it did not run. Aggregates only.
    gold:
        Precision, recall, F1 and token survival on a labelled gold set
        (``auditkit scrub --gold``); ``None`` without one.
    """

    model_config = ConfigDict(extra="forbid")

    rows_total: int = 0
    rows_touched: int = 0
    rows_quarantined: int = 0
    cells_total: int = 0
    entities: dict[str, int] = Field(default_factory=dict)
    entities_by_column: dict[str, dict[str, int]] = Field(default_factory=dict)
    residual_cells_checked: int = 0
    residual_checked_entities: int = 0
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
    recall_probe: dict[str, Metric] | None = None
    recall_probe_info: dict[str, Any] | None = None
    gold: dict[str, Any] | None = None

    def finish(self, *, residual_on: bool) -> None:
        """Derive the residual rate and throughput from the counts."""
        self.seconds = round(self.seconds, 3)
        self.docs_per_second = round(self.cells_total / self.seconds, 2) if self.seconds > 0 else None
        if not residual_on:
            self.residual_entity_rate = None
            self.residual_reason = RESIDUAL_DISABLED
        elif self.residual_cells_checked == 0:
            self.residual_entity_rate = None
            self.residual_reason = "no scrubbed cell was selected for the residual pass"
        else:
            self.residual_entity_rate = self.residual_entities / max(self.residual_checked_entities, 1)
            self.residual_reason = None

    def to_json_dict(self) -> dict[str, Any]:
        """Return the summary as a plain JSON-ready dict (sorted entity keys)."""
        data = self.model_dump(mode="json")
        data["entities"] = dict(sorted(self.entities.items()))
        data["entities_by_column"] = {
            col: dict(sorted(counts.items())) for col, counts in sorted(self.entities_by_column.items())
        }
        if self.recall_probe is not None:
            data["recall_probe"] = {entity: m.to_dict() for entity, m in sorted(self.recall_probe.items())}
        return data


_ADDED = (
    "rows_total", "rows_touched", "rows_quarantined", "cells_total", "residual_cells_checked",
    "residual_checked_entities", "residual_entities", "seconds",
)


def combine_summaries(parts: list[ScrubSummary]) -> ScrubSummary:
    """Add summaries of disjoint parts (e.g. splits) into one; rates recomputed from the totals."""
    if not parts:
        return ScrubSummary()
    first = parts[0]
    total = ScrubSummary(
        operator=first.operator, model=first.model, language=first.language,
        score_threshold=first.score_threshold, workers=first.workers,
    )
    for part in parts:
        for name in _ADDED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for entity, count in part.entities.items():
            total.entities[entity] = total.entities.get(entity, 0) + count
        for column, counts in part.entities_by_column.items():
            target = total.entities_by_column.setdefault(column, {})
            for entity, count in counts.items():
                target[entity] = target.get(entity, 0) + count
    total.recall_probe = next((p.recall_probe for p in parts if p.recall_probe is not None), None)
    total.recall_probe_info = next((p.recall_probe_info for p in parts if p.recall_probe_info is not None), None)
    total.gold = next((p.gold for p in parts if p.gold is not None), None)
    total.finish(residual_on=not any(p.residual_reason == RESIDUAL_DISABLED for p in parts))
    return total
