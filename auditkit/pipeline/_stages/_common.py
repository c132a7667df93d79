"""Helpers shared by the stage wiring modules: reading and writing the prepared splits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json, read_json
from auditkit.data import SPLITS, AuditDataset, load_table, save_table
from auditkit.exceptions import DataError
from auditkit.pipeline._stage import StageContext

__all__ = ["DATA_META", "FOUND_IDENTIFIERS", "model_predict_fn", "read_dataset", "read_split", "split_path", "write_dataset"]

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


def model_predict_fn(model_dir: Path, ctx: StageContext) -> Callable[[list[str]], Any]:
    """``texts -> (n, n_labels)`` class probabilities of the classifier in ``model_dir``."""
    from auditkit._model_io import load_classifier, resolve_device
    from auditkit.evaluate._predict import predict_scores

    device = resolve_device(ctx.config.training.device)
    model, tokenizer = load_classifier(model_dir, device=device)
    batch, max_length = ctx.config.training.eval_batch_size, ctx.config.model.max_length

    def predict_fn(texts: list[str]) -> Any:
        return predict_scores(model, tokenizer, texts, batch_size=batch, max_length=max_length, device=device)

    return predict_fn
