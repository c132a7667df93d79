"""Assembling the scorecard from a run directory: missing stages are not run, never faked."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditkit.exceptions import DataError
from auditkit.report import assemble_scorecard
from auditkit.scorecard import parse_scorecard
from tests.unit.report._runs import make_run_dir


def test_missing_stage_files_are_marked_not_run_never_faked(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path, stages=("evaluate",))
    doc = assemble_scorecard(run)
    parse_scorecard(doc)
    assert doc["performance"]["status"] == "ok"
    for name in ("fairness", "explanations", "privacy", "policy"):
        assert doc[name]["status"] == "not_run"
        assert "did not run" in doc[name]["reason"]
        assert set(doc[name]) <= {"status", "reason", "scrub"}


def test_stage_recorded_as_failed_makes_its_section_failed(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path, stages=("evaluate",))
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["stages"]["explain"] = {"status": "failed", "reason": "attribution failed (ExplainError)"}
    (run / "manifest.json").write_text(json.dumps(manifest))
    doc = assemble_scorecard(run)
    assert doc["explanations"] == {"status": "failed", "reason": "stage 'explain' failed: attribution failed (ExplainError)"}


def test_stage_file_that_is_not_json_makes_its_section_failed(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    (run / "fairness.json").write_text("{not json", encoding="utf-8")
    doc = assemble_scorecard(run)
    assert doc["fairness"] == {"status": "failed", "reason": "fairness.json could not be read as JSON"}


def test_identity_binds_the_scorecard_to_weight_tokenizer_and_data_hashes(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    identity = assemble_scorecard(run)["identity"]
    weights = hashlib.sha256((run / "model" / "model.safetensors").read_bytes()).hexdigest()
    assert identity["model"]["weights"] == {"model.safetensors": weights}
    assert set(identity["model"]["tokenizer"]) == {"tokenizer.json", "vocab.txt"}
    assert identity["model"]["name"] == "minilm-triage"
    assert identity["data"]["train.jsonl"]["rows"] == 5
    assert identity["data"]["test.jsonl"]["sha256"] == hashlib.sha256((run / "data" / "test.jsonl").read_bytes()).hexdigest()
    assert identity["baseline_model"]["weights"] == {"model.safetensors": weights}


def test_run_without_model_has_identity_not_run(tmp_path: Path) -> None:
    doc = assemble_scorecard(make_run_dir(tmp_path, model=False, stages=()))
    assert doc["identity"]["status"] == "not_run"
    parse_scorecard(doc)


def test_compute_lifts_device_and_energy_from_stage_summaries(tmp_path: Path) -> None:
    compute = assemble_scorecard(make_run_dir(tmp_path))["compute"]
    assert compute["device"] == "cpu"
    assert compute["energy_kwh"] == pytest.approx(0.0031)
    assert compute["stages"]["train"]["peak_rss_mb"] == 1830.5
    assert "summary" not in compute["stages"]["train"] and "key" not in compute["stages"]["train"]
    assert compute["total_seconds"] == pytest.approx(141.2 + 7.3 + 6.1 + 3.4 + 38.9 + 4.0)


def test_compute_without_energy_says_not_measured(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["stages"]["train"]["summary"] = {}
    (run / "manifest.json").write_text(json.dumps(manifest))
    compute = assemble_scorecard(run)["compute"]
    assert compute["energy_kwh"] is None and compute["emissions_kg_co2eq"] is None


def test_privacy_takes_the_scrub_summary_when_the_audit_did_not_run(tmp_path: Path) -> None:
    privacy = assemble_scorecard(make_run_dir(tmp_path, stages=("scrub",)))["privacy"]
    assert privacy["status"] == "ok"
    assert privacy["scrub"]["residual_rate"]["value"] == 0.0004
    assert privacy["audit"]["status"] == "not_run"


def test_environment_has_versions_and_no_git_commit_outside_a_repository(tmp_path: Path) -> None:
    env = assemble_scorecard(make_run_dir(tmp_path))["environment"]
    assert env["python"].count(".") == 2
    assert env["packages"]["jinja2"]
    assert env["git_commit"] is None


def test_git_commit_is_recorded_inside_a_repository(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    git = ["git", "-c", "user.email=a@b.c", "-c", "user.name=t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run([*git, "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    assert len(assemble_scorecard(run)["environment"]["git_commit"]) == 40


def test_missing_run_directory_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="run directory not found"):
        assemble_scorecard(tmp_path / "nope")


def test_report_package_never_imports_torch() -> None:
    code = "import sys, auditkit.report; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
