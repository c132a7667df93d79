"""Helpers shared by the stage wiring modules: reading and writing the prepared splits."""

from __future__ import annotations

from pathlib import Path

from auditkit._io import atomic_write_json, read_json
from auditkit.data import SPLITS, AuditDataset, load_table, save_table
from auditkit.exceptions import DataError
from auditkit.pipeline._stage import StageContext

__all__ = ["DATA_META", "FOUND_IDENTIFIERS", "read_dataset", "read_split", "split_path", "write_dataset"]

DATA_META = "data/meta.json"
FOUND_IDENTIFIERS = "found_identifiers"
"""``StageContext.in_memory`` key: the identifiers the scrubber replaced (never written)."""


def split_path(ctx: StageContext, split: str) -> Path:
    """Path of a prepared split file (``data/<split>.jsonl``)."""
    return ctx.path(f"data/{split}.jsonl")


def read_split(ctx: StageContext, split: str) -> AuditDataset:
    """Read one prepared (and, after the scrub stage, scrubbed) split."""
    meta_file = ctx.path(DATA_META)
    if not meta_file.is_file():
        raise DataError("prepared data is missing in the run folder; run the whole pipeline first "
                        "(auditkit run CONFIG) or include the 'prepare' stage in --only")
    frame = load_table(split_path(ctx, split))
    return AuditDataset.from_records(frame, read_json(meta_file))


def read_dataset(ctx: StageContext) -> AuditDataset:
    """All prepared splits as one dataset."""
    import pandas as pd

    parts = [read_split(ctx, s) for s in SPLITS]
    return parts[0].with_frame(pd.concat([p.frame for p in parts], ignore_index=True))


def write_dataset(ctx: StageContext, dataset: AuditDataset) -> None:
    """Write each split to ``data/<split>.jsonl`` and the metadata to ``data/meta.json``."""
    for split in SPLITS:
        save_table(dataset.split(split).frame, split_path(ctx, split))
    atomic_write_json(ctx.path(DATA_META), dataset.meta())
