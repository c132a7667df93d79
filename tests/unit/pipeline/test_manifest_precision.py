"""The manifest keeps, per stage, the precision its matrix products actually ran in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from auditkit._precision import observe_precision
from auditkit.config import parse_config
from auditkit.pipeline import Stage, StageContext, run_pipeline
from auditkit.pipeline import _runner
from auditkit.pipeline._manifest import add_precision


def _linear_stage(autocast: bool) -> Any:
    """A stage that runs a Linear (under bf16 autocast or not) and reports what it read back, as train does."""

    def run(ctx: StageContext) -> dict[str, Any]:
        layer = torch.nn.Linear(4, 4)
        with observe_precision() as observed, torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            layer(torch.ones(2, 4))
        return {"steps": 1, "precision": observed.to_json()}

    return run


def _manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stages: list[Stage]) -> dict[str, Any]:
    config = parse_config({"name": "t", "output_dir": str(tmp_path), "data": {"path": "x.csv"},
                           "compute": {"energy": False}})
    monkeypatch.setattr(_runner, "load_stages", lambda names: [s for s in stages if s.name in names])
    run_pipeline(config, stages=tuple(s.name for s in stages), progress=False)
    return json.loads((tmp_path / "t" / "manifest.json").read_text(encoding="utf-8"))


def test_a_stage_record_carries_the_precision_its_summary_read_back(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = _manifest(tmp_path, monkeypatch, [Stage("train", _linear_stage(True)),
                                                 Stage("evaluate", _linear_stage(False)),
                                                 Stage("report", lambda ctx: {"pages": 1})])
    stages = manifest["stages"]
    assert stages["train"]["precision"]["linear_calls"] == {"bf16": 1}
    assert stages["train"]["precision"]["autocast"] == {"bf16": 1}
    assert stages["evaluate"]["precision"]["matmul_dtype"] == "fp32"
    assert "precision" not in stages["report"]  # ran no model: no precision claimed


def test_add_precision_records_only_a_block_that_ran_a_linear() -> None:
    record: dict[str, Any] = {}
    with observe_precision() as idle:
        pass
    add_precision(record, idle)
    assert record == {}
    with observe_precision() as busy:
        torch.nn.Linear(2, 2)(torch.ones(1, 2))
    add_precision(record, busy)
    assert record["precision"]["linear_calls"] == {"fp32": 1}


def test_the_runner_records_what_a_stage_ran_in_without_the_stage_reporting_it(tmp_path, monkeypatch):
    import torch

    from auditkit.pipeline._stage import Stage

    def explain_like(ctx):
        layer = torch.nn.Linear(4, 4)
        layer(torch.ones(2, 4))
        with torch.autocast("cpu", dtype=torch.bfloat16):
            layer(torch.ones(2, 4))
            layer(torch.ones(2, 4))
        return {"n": 1}

    stages = _manifest(tmp_path, monkeypatch, [Stage("explain", explain_like)])["stages"]
    assert stages["explain"]["precision"]["linear_calls"] == {"bf16": 2, "fp32": 1}
