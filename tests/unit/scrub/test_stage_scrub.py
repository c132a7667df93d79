"""Scrubbing inside the ``prepare`` stage: splits scrubbed in memory, withheld rows dropped, summary written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.config import RunConfig
from auditkit.data import AuditDataset
from auditkit.pipeline._stage import StageContext
from auditkit.pipeline._stages._common import write_dataset
from auditkit.pipeline._stages.prepare import scrub_dataset
from auditkit.scrub._engine import RowFailure


def _config(enabled: bool) -> RunConfig:
    from auditkit.config import parse_config

    return parse_config(
        {"name": "t", "data": {"path": "x.csv", "labels": ["routine", "urgent"]}, "model": {"path": "m"},
         "scrub": {"enabled": enabled, "residual_sample": 1.0, "recall_probe": False}},
        source="test",
    )


def _dataset() -> AuditDataset:
    frames = []
    for split, n in (("train", 4), ("validation", 2), ("test", 2)):
        frames.append(pd.DataFrame({
            "id": [f"{split}-{i}" for i in range(n)],
            "text": [f"Patient Jane Roe{i} called from 555-201-33{i:02d} about chest pain" for i in range(n)],
            "label": ["urgent"] * n, "split": [split] * n, "gender": ["female"] * n,
        }))
    return AuditDataset(pd.concat(frames, ignore_index=True), ("routine", "urgent"), ("gender",), "urgent")


def test_stage_scrubs_every_split_drops_withheld_rows_and_writes_counts_only(
    shared_engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.data import load_table

    real = shared_engine.detect_many
    monkeypatch.setattr(
        shared_engine, "detect_many",
        lambda texts, **kw: [RowFailure("analysis failed (ValueError)") if "Roe3" in t else r for t, r in zip(texts, real(texts, **kw), strict=True)],
    )
    run_dir = tmp_path
    ctx = StageContext(config=_config(True), run_dir=run_dir, progress=False)
    dataset, result = scrub_dataset(ctx, _dataset())
    write_dataset(ctx, dataset)
    train = load_table(run_dir / "data" / "train.jsonl")
    assert result["rows"] == 8 and result["rows_dropped"] == 1
    assert list(train["id"]) == ["train-0", "train-1", "train-2"]
    assert list(train.columns) == ["id", "text", "label", "split", "gender"]
    for split in ("train", "validation", "test"):
        assert "Jane" not in (run_dir / "data" / f"{split}.jsonl").read_text()
    summary_text = (run_dir / "scrub" / "summary.json").read_text()
    summary = json.loads(summary_text)
    assert summary["rows_quarantined"] == 1 and summary["entities"]["PHONE_NUMBER"] == 7
    assert "Jane" not in summary_text and "555-201" not in summary_text
    quarantine = (run_dir / "scrub" / "quarantine.jsonl").read_text()
    assert json.loads(quarantine) == {"id": "train-3", "column": "text", "reason": "analysis failed (ValueError)"}
