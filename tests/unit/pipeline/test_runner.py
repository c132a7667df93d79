"""The pipeline runner: a stage list per pipeline, skip-if-unchanged, and no stale outputs left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditkit.config import parse_config
from auditkit.pipeline import AUDIT_STAGES, Stage, StageContext, StageSkipped, load_stages, run_pipeline
from auditkit.pipeline import _runner


def _writer(rel: str, *, skip: str | None = None, keep: bool = False) -> Any:
    def run(ctx: StageContext) -> dict[str, Any]:
        ctx.path(rel).parent.mkdir(parents=True, exist_ok=True)
        ctx.path(rel).write_text("result", encoding="utf-8")
        if skip is not None:
            raise StageSkipped(skip, keep_outputs=keep)
        return {"wrote": rel}

    return run


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stages: list[Stage], **kwargs: Any) -> Any:
    config = parse_config({"name": "t", "output_dir": str(tmp_path), "data": {"path": "x.csv"}, "compute": {"energy": False}})
    monkeypatch.setattr(_runner, "load_stages", lambda names: [s for s in stages if s.name in names])
    return run_pipeline(config, stages=tuple(s.name for s in stages), progress=False, **kwargs)


def test_the_audit_pipeline_records_its_own_stages_under_the_run_pipelines_names() -> None:
    names = [s.name for s in load_stages(AUDIT_STAGES) if isinstance(s, Stage)]
    assert names == ["prepare", "train", "evaluate", "fairness", "robustness", "deployment", "explain", "privacy", "report", "gate"]


def test_a_stage_that_did_not_run_leaves_no_stale_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(tmp_path, monkeypatch, [Stage("explain", _writer("explain/result.json"), outputs=("explain/result.json",))])
    assert (tmp_path / "t" / "explain" / "result.json").is_file()
    skipped = Stage("explain", _writer("explain/result.json", skip="explain.enabled is false"),
                    config_sections=("explain",), outputs=("explain/result.json",))
    summary = _run(tmp_path, monkeypatch, [skipped], force=True)
    assert summary.stages["explain"]["status"] == "not_run" and summary.stages["explain"]["outputs"] == {}
    assert not (tmp_path / "t" / "explain" / "result.json").exists()


def test_a_skipped_stage_may_keep_outputs_it_put_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    adopted = Stage("train", _writer("model/w.safetensors", skip="trained elsewhere", keep=True), outputs=("model",))
    summary = _run(tmp_path, monkeypatch, [adopted])
    assert summary.stages["train"]["status"] == "not_run" and set(summary.stages["train"]["outputs"]) == {"model"}
    assert _run(tmp_path, monkeypatch, [adopted]).stages["train"].get("skipped") is True


def test_records_and_outputs_of_stages_outside_the_pipeline_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = Stage("report", _writer("scorecard.json"), outputs=("scorecard.json",))
    gate = Stage("gate", _writer("gate/verdict.json"), outputs=("gate/verdict.json",))
    _run(tmp_path, monkeypatch, [report, gate])
    _run(tmp_path, monkeypatch, [report])
    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert set(manifest["stages"]) == {"report"}
    assert not (tmp_path / "t" / "gate" / "verdict.json").exists() and (tmp_path / "t" / "scorecard.json").is_file()
