"""The ``privacy`` stage: privacy.json with membership figures, artifact checks and the canary sweep."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from auditkit._io import read_json
from auditkit.config import parse_config
from auditkit.data import AuditDataset
from auditkit.pipeline._stage import StageContext, StageSkipped
from auditkit.pipeline._stages._canaries import seed_run_canaries
from auditkit.pipeline._stages._common import write_dataset
from auditkit.pipeline._stages.privacy import STAGE
from auditkit.privacy import canary_file_for, load_canaries


def _dataset(n: int = 60) -> AuditDataset:
    words = ["chest pain", "routine refill", "fever cough", "follow up"]
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "text": [f"patient reports {words[i % 4]} {i}" for i in range(n)],
        "label": ["urgent" if i % 2 else "routine" for i in range(n)],
        "split": [("train", "validation", "test")[i % 3] for i in range(n)],
        "gender": ["female" if i % 4 < 2 else "male" for i in range(n)],
    })
    return AuditDataset(frame, ("routine", "urgent"), ("gender",), "urgent")


@pytest.fixture
def ctx(tmp_path: Path, tiny_model_dir: Path) -> StageContext:
    config = parse_config({
        "name": "t", "data": {"path": "x.csv", "sensitive": ["gender"]},
        "privacy": {"canaries": True, "bootstrap": 20, "device": "cpu"},
    })
    run = tmp_path / "runs" / "t"
    run.mkdir(parents=True)
    context = StageContext(config=config, run_dir=run)
    dataset = seed_run_canaries(context, _dataset())
    write_dataset(context, dataset)
    shutil.copytree(tiny_model_dir, run / "model")
    return context


def test_stage_writes_privacy_json_with_all_sections(ctx: StageContext) -> None:
    # scrubbing did not run in this fixture, so the prepared splits still hold the canaries
    summary = STAGE.run(ctx)
    doc = read_json(ctx.path("privacy.json"))
    assert doc["membership"]["status"] == "ok" and 0.0 <= doc["membership"]["auc"]["value"] <= 1.0
    assert set(doc["membership"]["per_group"]["gender"]) == {"female", "male"}
    assert doc["artifacts"]["status"] == "ok"
    assert doc["scrub"]["status"] == "not_run"
    assert doc["canary_sweep"]["status"] == "failed" and summary["canary_hits"] > 0
    assert "0.5" in doc["explanation"]


def test_unscrubbed_data_lets_the_sweep_find_every_canary(ctx: StageContext) -> None:
    STAGE.run(ctx)
    doc = read_json(ctx.path("privacy.json"))
    canaries = load_canaries(canary_file_for(ctx.run_dir))
    assert set(doc["canary_sweep"]["found"]) == {c.label for c in canaries.canaries}
    assert {f for f in doc["canary_sweep"]["files_with_hits"]} == {"data/train.jsonl", "data/validation.jsonl", "data/test.jsonl"}


def test_privacy_json_never_holds_a_canary_value(ctx: StageContext) -> None:
    STAGE.run(ctx)
    text = ctx.path("privacy.json").read_text(encoding="utf-8").lower()
    for c in load_canaries(canary_file_for(ctx.run_dir)).canaries:
        assert c.value.lower() not in text


def test_scrubbed_run_dir_gives_a_clean_sweep(ctx: StageContext) -> None:
    canaries = load_canaries(canary_file_for(ctx.run_dir))
    for split in ("train", "validation", "test"):
        path = ctx.path(f"data/{split}.jsonl")
        text = path.read_text(encoding="utf-8")
        for c in canaries.canaries:
            text = text.replace(c.value, f"<{c.kind.upper()}>")
        path.write_text(text, encoding="utf-8")
    summary = STAGE.run(ctx)
    assert summary["canary_hits"] == 0
    assert read_json(ctx.path("privacy.json"))["status"] == "ok"


def test_pickle_in_run_dir_fails_the_artifact_check(ctx: StageContext) -> None:
    (ctx.run_dir / "model" / "training_args.bin").write_bytes(b"x")
    STAGE.run(ctx)
    artifacts = read_json(ctx.path("privacy.json"))["artifacts"]
    assert artifacts["status"] == "failed"
    assert artifacts["pickle_files"] == ["model/training_args.bin"] and artifacts["training_args_bin"] == 1
    membership = read_json(ctx.path("privacy.json"))["membership"]
    assert membership["status"] == "failed" and "training_args.bin" in membership["reason"]


def test_without_canaries_the_sweep_is_not_run_with_reason(ctx: StageContext) -> None:
    canary_file_for(ctx.run_dir).unlink()
    STAGE.run(ctx)
    sweep = read_json(ctx.path("privacy.json"))["canary_sweep"]
    assert sweep == {"status": "not_run", "reason": sweep["reason"]} and "privacy.canaries" in sweep["reason"]


def test_disabled_privacy_skips_the_stage(ctx: StageContext) -> None:
    ctx.config.privacy.enabled = False
    with pytest.raises(StageSkipped):
        STAGE.run(ctx)


def test_scrub_summary_is_passed_through(ctx: StageContext) -> None:
    ctx.path("scrub").mkdir()
    ctx.path("scrub/summary.json").write_text(json.dumps({"status": "ok", "entities": {"US_SSN": 3}}), encoding="utf-8")
    STAGE.run(ctx)
    assert read_json(ctx.path("privacy.json"))["scrub"] == {"status": "ok", "entities": {"US_SSN": 3}}
