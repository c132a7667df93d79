"""Stage ``scrub``: scrub the text of the prepared splits in place; withheld rows are dropped."""

from __future__ import annotations

from typing import Any

from auditkit._io import atomic_write_json, atomic_write_text
from auditkit.data import SPLITS, load_table, save_table
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import split_path

__all__ = ["STAGE"]

SUMMARY = "scrub/summary.json"
QUARANTINE = "scrub/quarantine.jsonl"


def _run(ctx: StageContext) -> dict[str, Any]:
    from auditkit.scrub import Scrubber, combine_summaries, scrub_frame

    if not ctx.config.scrub.enabled:
        raise StageSkipped("scrubbing disabled in config")
    scrubber = Scrubber(ctx.config.scrub)
    frames = {split: load_table(split_path(ctx, split)) for split in SPLITS}
    results = {split: scrub_frame(frame, ["text"], scrubber=scrubber, progress=ctx.progress) for split, frame in frames.items()}
    dropped = 0
    for split, result in results.items():
        bad = {record.id for record in result.quarantine}
        keep = ~result.frame["id"].astype(str).isin(bad)
        dropped += int((~keep).sum())
        save_table(result.frame[keep].reset_index(drop=True), split_path(ctx, split))
    summary = combine_summaries([r.summary for r in results.values()])
    atomic_write_json(ctx.path(SUMMARY), summary.to_json_dict())
    records = [rec for r in results.values() for rec in r.quarantine]
    atomic_write_text(ctx.path(QUARANTINE), "".join(rec.model_dump_json() + "\n" for rec in records))
    ctx.logger.info("scrub: %d rows, %d dropped as quarantined", summary.rows_total, dropped)
    return {
        "rows": summary.rows_total, "rows_touched": summary.rows_touched, "rows_dropped": dropped,
        "identifiers": sum(summary.entities.values()), "residual_entity_rate": summary.residual_entity_rate,
    }


STAGE = Stage(
    name="scrub",
    run=_run,
    config_sections=("scrub",),
    after=("prepare",),
    outputs=("data/train.jsonl", "data/validation.jsonl", "data/test.jsonl", SUMMARY, QUARANTINE),
)
