"""The CLI end to end on the tiny model: run, skip-if-unchanged, --force, validate, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from auditkit.cli._app import main

STAGES = "prepare,train,evaluate"


def write_config(tmp_path: Path, cfg) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "audit.yaml"
    path.write_text(yaml.safe_dump(cfg.model_dump(mode="json")), encoding="utf-8")
    return path


def test_run_writes_model_predictions_and_manifest_then_skips_unchanged_stages(
    tiny_config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, tiny_config())
    assert main(["run", str(config), "--only", STAGES, "--no-progress"]) == 0
    run_dir = tmp_path / "runs" / "tiny"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert [manifest["stages"][s]["status"] for s in STAGES.split(",")] == ["ok", "ok", "ok"]
    assert set(manifest["stages"]["train"]["outputs"]) == {"model"}
    preds = pd.read_parquet(run_dir / "predictions.parquet")
    assert list(preds.columns[:3]) == ["id", "y_true", "y_pred"] and "text" not in preds.columns
    assert json.loads((run_dir / "evaluation.json").read_text())["model"]["n"] == len(preds)
    capsys.readouterr()

    assert main(["run", str(config), "--only", STAGES, "--no-progress"]) == 0
    assert capsys.readouterr().err.count("unchanged, skipped") == 3

    assert main(["run", str(config), "--only", "evaluate", "--force", "--no-progress"]) == 0
    assert "unchanged, skipped" not in capsys.readouterr().err


def test_changing_the_training_section_reruns_train_but_not_prepare(
    tiny_config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, tiny_config(training={"epochs": 1}))
    assert main(["run", str(config), "--only", "prepare,train", "--no-progress"]) == 0
    write_config(tmp_path, tiny_config(training={"epochs": 1, "learning_rate": 5e-4}))
    capsys.readouterr()
    assert main(["run", str(config), "--only", "prepare,train", "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "prepare: unchanged, skipped" in err and "train: done" in err


def test_bad_config_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text("data:\n  path: x.csv\ntraining:\n  learning_rte: 0.1\n")
    proc = subprocess.run([sys.executable, "-m", "auditkit.cli", "validate", str(config)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "auditkit: error: audit.yaml: unknown key 'training.learning_rte'; did you mean 'learning_rate'?"
    )


def test_validate_checks_data_columns(tiny_config, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tiny_config(data={"sensitive": ["religion"]})
    assert main(["validate", str(write_config(tmp_path, cfg))]) == 2
    assert "column 'religion' not found (config key data.sensitive)" in capsys.readouterr().err
    assert main(["validate", str(write_config(tmp_path, tiny_config()))]) == 0


def test_missing_data_file_is_exit_2(tiny_config, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, tiny_config(data={"path": str(tmp_path / "absent.csv")}))
    assert main(["run", str(config), "--only", "prepare", "--no-progress"]) == 2
    assert "data file not found" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error() -> None:
    assert main(["frobnicate"]) == 2
