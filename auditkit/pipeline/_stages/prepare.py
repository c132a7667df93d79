"""Stage ``prepare``: load, validate and split the raw data, seed canaries, scrub, write ``data/<split>.jsonl``.

Scrubbing happens here, in memory, before anything is written: with scrubbing
on, raw text never reaches the run folder, even if the run is killed. Rows the
scrubber could not analyse safely are withheld (quarantined by id and reason)
and dropped from the splits. ``scrub/summary.json`` holds counts only, and the
recall probe's per-type recall (``scrub.recall_probe``): identifiers planted in a
sample of these texts, analysed in memory; the probe texts are never written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json, atomic_write_text
from auditkit.data import AuditDataset
from auditkit.pipeline._preflight import load_run_dataset
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.pipeline._stages._common import FOUND_IDENTIFIERS, write_dataset

__all__ = ["QUARANTINE", "STAGE", "SUMMARY", "record_scrub_off", "scrub_dataset"]

SUMMARY = "scrub/summary.json"
QUARANTINE = "scrub/quarantine.jsonl"


def _inputs(ctx: StageContext) -> list[Path]:
    data = ctx.config.data
    return [Path(p) for p in (data.path, data.train, data.validation, data.test) if p is not None]


def scrub_dataset(ctx: StageContext, dataset: AuditDataset, *, keep_found: bool = False) -> tuple[AuditDataset, dict[str, Any]]:
    """Scrub the text of every split in memory; drop withheld rows; write the summary and quarantine list.

    With ``keep_found`` the identifiers the scrubber replaced are handed to the privacy
    stage's sweep through ``ctx.in_memory`` (never written).
    """
    from auditkit.privacy import found_identifiers
    from auditkit.scrub import Scrubber, add_recall_probe, scrub_frame

    scrubber = Scrubber(ctx.config.scrub)
    result = scrub_frame(dataset.frame, ["text"], scrubber=scrubber, progress=ctx.progress)
    if keep_found:
        ctx.in_memory[FOUND_IDENTIFIERS] = found_identifiers(result.found)
    withheld = {record.id for record in result.quarantine}
    keep = ~result.frame["id"].astype(str).isin(withheld)
    summary = result.summary
    add_recall_probe(summary, scrubber, dataset.frame["text"].tolist(), seed=ctx.config.seed)
    atomic_write_json(ctx.path(SUMMARY), summary.to_json_dict())
    atomic_write_text(ctx.path(QUARANTINE), "".join(r.model_dump_json() + "\n" for r in result.quarantine))
    ctx.logger.info("scrub: %d rows, %d withheld", summary.rows_total, len(withheld))
    brief = {"rows": summary.rows_total, "rows_touched": summary.rows_touched, "rows_dropped": int((~keep).sum()),
             "identifiers": int(sum(summary.entities.values())), "residual_entity_rate": summary.residual_entity_rate,
             "recall_probe_seconds": (summary.recall_probe_info or {}).get("seconds")}
    return dataset.with_frame(result.frame[keep]), brief


def record_scrub_off(ctx: StageContext, reason: str) -> dict[str, Any]:
    """Write the scrub summary of a run whose scrubbing is off, with the reason."""
    atomic_write_json(ctx.path(SUMMARY), {"status": "not_run", "reason": reason})
    atomic_write_text(ctx.path(QUARANTINE), "")
    return {"status": "not_run", "reason": reason}


def _run(ctx: StageContext) -> dict[str, Any]:
    dataset = load_run_dataset(ctx.config)  # the same checks as `auditkit validate`, before anything is written
    if ctx.config.privacy.canaries:
        from auditkit.pipeline._stages._canaries import seed_run_canaries

        dataset = seed_run_canaries(ctx, dataset)
    if ctx.config.scrub.enabled:
        dataset, scrub = scrub_dataset(ctx, dataset)
    else:
        scrub = record_scrub_off(ctx, "scrubbing disabled in config: the prepared splits hold the raw text")
    write_dataset(ctx, dataset)
    counts = dataset.frame["split"].value_counts().to_dict()
    return {"rows": len(dataset), "splits": {k: int(v) for k, v in sorted(counts.items())},
            "labels": list(dataset.labels), "sensitive": list(dataset.sensitive), "scrub": scrub}


STAGE = Stage(name="prepare", run=_run, config_sections=("data", "privacy", "scrub"), inputs=_inputs,
              outputs=("data/train.jsonl", "data/validation.jsonl", "data/test.jsonl", "data/meta.json",
                       SUMMARY, QUARANTINE))
