"""Stage ``prepare`` of ``auditkit audit``: the user's labelled file becomes the test split, scrubbed in memory.

Every row is audited, so the whole file is the test split (the train and
validation files are written empty). Labels written as class ids (``0``, ``1``)
are mapped to the model's label names (``data.labels``). As in ``auditkit run``,
a sensitive column with more than ``fairness.max_groups`` values is refused and
the texts are scrubbed in memory, both before anything is written (unless the
user turned scrubbing off). Canaries are not planted, since the user's texts are
what is measured; instead the identifiers the scrubber replaced are handed, in
memory only, to the privacy stage, which sweeps the run folder for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from auditkit.data import AuditDataset, check_group_counts, load_table, validate_frame
from auditkit.data._messages import DUPLICATE_IDS
from auditkit.exceptions import DataError
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.pipeline._stages._common import write_dataset
from auditkit.pipeline._stages.prepare import QUARANTINE, SUMMARY, record_scrub_off, scrub_dataset
from auditkit.privacy import FoundIdentifiers, found_identifiers

__all__ = ["NO_SCRUB_REASON", "STAGE", "align_labels", "found_in_input", "load_audit_data"]

NO_SCRUB_REASON = "disabled by the user (--no-scrub)"


def align_labels(frame: pd.DataFrame, labels: list[str], column: str) -> pd.DataFrame:
    """Map label ids written as numbers (``0``, ``1``) to the model's names when the names differ."""
    values = set(frame["label"].unique())
    if values <= set(labels):
        return frame
    if all(re.fullmatch(r"\d+", v) and int(v) < len(labels) for v in values):
        frame = frame.copy()
        frame["label"] = frame["label"].map(lambda v: labels[int(v)])
        return frame
    unknown = len(values - set(labels))
    raise DataError(
        f"column {column!r} holds {unknown} label value(s) the model does not know; expected the model's "
        f"{len(labels)} labels ({', '.join(labels)}) or class ids 0..{len(labels) - 1}"
    )


def load_audit_data(ctx: StageContext) -> AuditDataset:
    """The user's file, validated, labels aligned with the model's, every row in the test split."""
    data = ctx.config.data
    if data.path is None or not data.labels:
        raise DataError("an audit needs data.path and the model's labels in data.labels")
    frame = validate_frame(load_table(data.path), data, file=Path(data.path).name)
    frame = align_labels(frame, list(data.labels), data.label_column)
    if frame["id"].duplicated().any():
        raise DataError(DUPLICATE_IDS.format(column=data.id_column or "id", count=int(frame["id"].duplicated().sum())))
    frame["split"] = "test"
    labels = tuple(data.labels)
    positive = data.positive_label or (labels[-1] if len(labels) == 2 else None)
    columns = ["id", "text", "label", "split", *data.sensitive]
    return AuditDataset(frame[columns].reset_index(drop=True), labels, tuple(data.sensitive), positive)


def found_in_input(ctx: StageContext) -> FoundIdentifiers:
    """Scrub the user's file again, in memory, for its identifiers (when this stage was skipped as unchanged)."""
    from auditkit.scrub import Scrubber, scrub_frame

    result = scrub_frame(load_audit_data(ctx).frame, ["text"], scrubber=Scrubber(ctx.config.scrub))
    return found_identifiers(result.found)


def _run(ctx: StageContext) -> dict[str, Any]:
    dataset = load_audit_data(ctx)
    check_group_counts(dataset.frame, dataset.sensitive, max_groups=ctx.config.fairness.max_groups)
    if ctx.config.scrub.enabled:
        dataset, scrub = scrub_dataset(ctx, dataset, keep_found=True)
    else:
        scrub = record_scrub_off(ctx, NO_SCRUB_REASON)
    write_dataset(ctx, dataset)
    return {"rows": len(dataset), "splits": {"test": len(dataset)}, "labels": list(dataset.labels),
            "sensitive": list(dataset.sensitive), "scrub": scrub, "source": "audit"}


def _inputs(ctx: StageContext) -> list[Path]:
    return [Path(ctx.config.data.path)] if ctx.config.data.path is not None else []


STAGE = Stage(name="prepare", run=_run, config_sections=("data", "scrub"), inputs=_inputs,
              outputs=("data/train.jsonl", "data/validation.jsonl", "data/test.jsonl", "data/meta.json",
                       SUMMARY, QUARANTINE))
