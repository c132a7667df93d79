"""L2 end to end: canaries planted in raw data, a whole run, then ``auditkit sweep`` of the run folder.

Scrubbing is off here on purpose: the prepared splits then hold every canary (the
sweep is shown able to fail), while nothing derived from them — model, checkpoints,
predictions, attributions, privacy.json, scorecard, model card, gate outputs,
logs, manifest — may hold any.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from auditkit.cli._app import main
from auditkit.privacy import canary_file_for, load_canaries

_PREPARED = {"data/train.jsonl", "data/validation.jsonl", "data/test.jsonl"}


def test_full_run_with_scrubbing_off_leaks_canaries_only_into_the_prepared_splits(
    tiny_config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tiny_config(
        training={"epochs": 1},
        explain={"enabled": True, "n_samples": 8, "n_steps": 4, "batch_size": 8},
        privacy={"enabled": True, "canaries": True, "bootstrap": 20, "membership_max_examples": 60, "device": "cpu"},
        report={"enabled": True},
    )
    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump(cfg.model_dump(mode="json")), encoding="utf-8")
    assert main(["run", str(config), "--no-progress"]) in (0, 1)  # 1 = a gate rule failed, fine here
    run_dir = tmp_path / "runs" / "tiny"
    privacy = json.loads((run_dir / "privacy.json").read_text(encoding="utf-8"))
    assert privacy["membership"]["status"] == "ok" and privacy["artifacts"]["status"] == "ok"
    capsys.readouterr()

    assert main(["sweep", str(run_dir), "--json", str(tmp_path / "sweep.json")]) == 1
    out = capsys.readouterr().out
    result = json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8"))
    canaries = load_canaries(canary_file_for(run_dir))
    assert set(result["found"]) == {c.label for c in canaries.canaries}  # every canary is caught
    assert set(result["files_with_hits"]) <= _PREPARED  # and only where scrubbing would have removed it
    assert all(c.value not in out for c in canaries.canaries)
    assert result["files_scanned"] >= 10


def test_full_run_with_scrubbing_on_leaves_no_canary_anywhere(
    tiny_config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tiny_config(
        training={"epochs": 1},
        scrub={"enabled": True},
        explain={"enabled": True, "n_samples": 8, "n_steps": 4, "batch_size": 8},
        privacy={"enabled": True, "canaries": True, "bootstrap": 20, "membership_max_examples": 60, "device": "cpu"},
        report={"enabled": True},
    )
    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump(cfg.model_dump(mode="json")), encoding="utf-8")
    assert main(["run", str(config), "--no-progress"]) in (0, 1)
    capsys.readouterr()
    run_dir = tmp_path / "runs" / "tiny"
    assert main(["sweep", str(run_dir)]) == 0, capsys.readouterr().out
