"""The pipeline stage writes attributions and the scorecard section, with the baseline model beside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from auditkit._io import atomic_write_json, read_json
from auditkit.config import RunConfig
from auditkit.data import save_table
from auditkit.pipeline._stage import StageContext, StageSkipped
from auditkit.pipeline._stages.explain import STAGE
from tests._tiny import build_tiny_model
from tests.unit.explain.conftest import GROUPS, LABELS, TEXTS


def _run_dir(tmp_path: Path, model_dir: Path, *, baseline: bool) -> Path:
    run = tmp_path / "run"
    rows = [{"id": f"t{i}", "text": t, "label": LABELS[i % 6], "split": "test", "gender": GROUPS["gender"][i % 6]}
            for i, t in enumerate(TEXTS * 2)]
    save_table(pd.DataFrame(rows), run / "data" / "test.jsonl")
    atomic_write_json(run / "data" / "meta.json", {"labels": ["routine", "urgent"], "sensitive": ["gender"],
                                                   "positive_label": "urgent"})
    shutil.copytree(model_dir, run / "model")
    if baseline:
        build_tiny_model(run / "baseline_model", seed=1)
    return run


def _config(**explain: object) -> RunConfig:
    return RunConfig.model_validate({
        "data": {"path": "notes.csv", "sensitive": ["gender"]}, "seed": 3,
        "explain": {"n_samples": 8, "n_steps": 3, "device": "cpu", "faithfulness_k": [0.2], **explain},
        "fairness": {"bootstrap": 50},
    })


def test_stage_writes_attributions_and_result_with_the_baseline_reliance(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir, baseline=True)
    summary = STAGE.run(StageContext(config=_config(), run_dir=run))
    frame = pd.read_parquet(run / "explain" / "attributions.parquet")
    result = read_json(run / "explain" / "result.json")
    assert set(frame["id"]) <= {f"t{i}" for i in range(12)} and frame["id"].nunique() == 8
    assert "gender" in frame.columns and "text" not in frame.columns
    assert result["sample"]["n"] == 8 and result["sample"]["stratified_by"] == ["gender", "label"]
    assert set(result["baseline"]["sensitive_token_reliance"]) == {"value", "ci_low", "ci_high", "reason", "n"}
    assert summary["baseline_reliance"] == result["baseline"]["sensitive_token_reliance"]["value"]
    assert summary["reliance"] != summary["baseline_reliance"]
    assert STAGE.outputs == ("explain/attributions.parquet", "explain/result.json")


def test_stage_without_baseline_model_has_no_baseline_section(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir, baseline=False)
    STAGE.run(StageContext(config=_config(), run_dir=run))
    assert "baseline" not in read_json(run / "explain" / "result.json")


def test_disabled_stage_is_skipped_with_a_reason(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir, baseline=False)
    with pytest.raises(StageSkipped, match="explain.enabled is false"):
        STAGE.run(StageContext(config=_config(enabled=False), run_dir=run))
    assert not (run / "explain").exists()
