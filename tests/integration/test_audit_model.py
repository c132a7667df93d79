"""audit_model / ``auditkit audit``: audit a model trained elsewhere, without retraining."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from auditkit._audit_model import AuditResult, audit_model
from auditkit._io import sha256_file
from auditkit.cli._cmd_audit import register
from auditkit.exceptions import DataError, UnsafeArtifactError

POLICY = "rules:\n  - {id: eo, metric: 'fairness.attributes.gender.equal_opportunity_difference', op: '<=', threshold: 1.0}\n"
SURNAME = "Blackwood"  # seeded into the user's notes; must reach no file of the run folder


def _csv(path: Path, *, numeric_labels: bool = False, n: int = 24) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["note", "triage", "gender"])
        writer.writeheader()
        for i in range(n):
            urgent = i % 4 < 2
            label: Any = int(urgent) if numeric_labels else ("urgent" if urgent else "routine")
            note = ("severe chest pain" if urgent else "routine refill") + (" she" if i % 2 else " he")
            if i % 3 == 0:
                note += f". Patient name: {'Annika' if i % 2 else 'Gideon'} {SURNAME}."
            writer.writerow({"note": note,
                             "triage": label, "gender": "female" if i % 2 else "male"})
    return path


@pytest.fixture(scope="module")
def audited(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    import torch

    torch.set_num_threads(1)
    tmp = tmp_path_factory.mktemp("audit")
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY)
    return audit_model(tiny_model_dir, _csv(tmp / "notes.csv"), text_column="note", label_column="triage",
                       sensitive="gender", output_dir=tmp / "run", policy=policy, min_group_size=5,
                       bootstrap=20, explain_samples=4, device="cpu")


def _files_holding(run_dir: Path, needle: str) -> list[str]:
    """Files under ``run_dir`` whose bytes (or decoded parquet cells) hold ``needle``, case-insensitively."""
    import pyarrow.parquet as pq

    found = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        content = path.read_bytes().lower()
        if path.suffix == ".parquet":
            content += str(pq.read_table(path).to_pylist()).lower().encode()
        if needle.lower().encode() in content:
            found.append(path.relative_to(run_dir).as_posix())
    return found


def test_audit_runs_every_audit_stage_and_gates(audited: AuditResult) -> None:
    assert audited.stages == {"prepare": "ok", "train": "not_run", "evaluate": "ok", "fairness": "ok", "robustness": "ok",
                              "deployment": "not_run", "explain": "ok", "privacy": "ok", "report": "ok", "gate": "ok"}
    assert audited.exit_code == 0
    assert audited.policy is not None and audited.policy["verdict"] == "pass"
    assert audited.verdict == "pass" and audited.passed is True
    for rel in ("predictions.parquet", "fairness.json", "scorecard.html", "gate/junit.xml"):
        assert (audited.run_dir / rel).is_file(), rel


def test_scorecard_binds_the_audited_weights(audited: AuditResult, tiny_model_dir: Path) -> None:
    weights = audited.scorecard["identity"]["model"]["weights"]
    assert weights["model.safetensors"] == sha256_file(tiny_model_dir / "model.safetensors")
    assert audited.scorecard["fairness"]["attributes"]["gender"]["groups"]["female"]["n"] == 12


def test_audit_records_that_training_happened_elsewhere(audited: AuditResult) -> None:
    manifest = json.loads((audited.run_dir / "manifest.json").read_text())
    assert manifest["stages"]["train"]["status"] == "not_run"
    assert "elsewhere" in manifest["stages"]["train"]["reason"]


def test_labels_unknown_to_the_model_are_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("note,triage,gender\nchest pain,emergency,female\nrefill,routine,male\n")
    with pytest.raises(DataError, match="label value\\(s\\) the model does not know"):
        audit_model(tiny_model_dir, path, text_column="note", label_column="triage", sensitive="gender", output_dir=tmp_path / "r")


def test_numeric_class_ids_map_to_model_label_names(tiny_model_dir: Path, tmp_path: Path) -> None:
    import pandas as pd

    from auditkit.pipeline._stages.prepare_audit import align_labels

    frame = align_labels(pd.DataFrame({"label": ["0", "1", "1"]}), ["routine", "urgent"], "triage")
    assert frame["label"].tolist() == ["routine", "urgent", "urgent"]


def test_model_folder_with_a_pickle_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(UnsafeArtifactError):
        audit_model(folder, _csv(tmp_path / "n.csv"), text_column="note", label_column="triage", sensitive="gender",
                    output_dir=tmp_path / "r")


def test_audit_cli_exits_with_the_gate_code_and_prints_the_table(tiny_model_dir: Path, tmp_path: Path) -> None:
    app = typer.Typer(add_completion=False)
    register(app)

    @app.callback()
    def _root() -> None:
        """Keep 'audit' as a subcommand."""

    policy = tmp_path / "strict_eo.yaml"
    policy.write_text("rules:\n  - {id: eo, metric: 'fairness.attributes.gender.equal_opportunity_difference', op: '<', threshold: -1.0}\n")
    args = ["audit", "--model", str(tiny_model_dir), "--data", str(_csv(tmp_path / "n.csv", numeric_labels=True)),
            "--text-column", "note", "--label-column", "triage", "--sensitive", "gender", "--policy", str(policy),
            "-o", str(tmp_path / "run"), "--no-explain", "--bootstrap", "0", "--min-group-size", "5", "--device", "cpu"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Gate verdict: FAIL (exit 1)" in result.output
    assert "scorecard.json" in result.output
    assert (tmp_path / "run" / "logs" / "auditkit.log").is_file()
    assert _files_holding(tmp_path / "run", SURNAME) == []


def test_a_surname_in_the_users_notes_reaches_no_file_of_the_run_folder(audited: AuditResult) -> None:
    assert (audited.run_dir / "data" / "test.jsonl").is_file() and (audited.run_dir / "explain" / "attributions.parquet").is_file()
    assert _files_holding(audited.run_dir, SURNAME) == []


def test_the_runner_writes_the_audit_manifest_with_a_record_per_stage(audited: AuditResult) -> None:
    stages = json.loads((audited.run_dir / "manifest.json").read_text())["stages"]
    for name in ("prepare", "evaluate", "fairness", "explain", "privacy", "report", "gate"):
        record = stages[name]
        assert record["status"] == "ok", name
        assert len(record["key"]) == 64 and record["outputs"] and record["seconds"] >= 0, name
        assert {"started_at", "finished_at", "peak_rss_mb"} <= set(record), name
    assert "data/test.jsonl" in stages["prepare"]["outputs"] and "scrub/summary.json" in stages["prepare"]["outputs"]


def test_the_privacy_section_sweeps_the_run_folder_for_the_identifiers_the_scrubber_found(audited: AuditResult) -> None:
    privacy = audited.scorecard["privacy"]
    assert privacy["scrub"]["status"] == "ok" and privacy["scrub"]["entities"]["PERSON"] >= 8
    sweep = privacy["canary_sweep"]
    assert sweep["status"] == "ok" and sweep["n_hits"] == 0 and sweep["n_canaries"] >= 2 and sweep["files_scanned"] > 3
    assert "identifiers the scrubber found" in sweep["source"]
    assert privacy["membership"]["status"] == "not_run" and "trained elsewhere" in privacy["membership"]["reason"]


def test_no_scrub_is_recorded_in_the_scorecards_privacy_section(tiny_model_dir: Path, tmp_path: Path) -> None:
    app = typer.Typer(add_completion=False)
    register(app)

    @app.callback()
    def _root() -> None:
        """Keep 'audit' as a subcommand."""

    run = tmp_path / "run"
    args = ["audit", "--model", str(tiny_model_dir), "--data", str(_csv(tmp_path / "n.csv")), "--text-column", "note",
            "--label-column", "triage", "--sensitive", "gender", "-o", str(run), "--no-scrub", "--no-explain",
            "--bootstrap", "0", "--min-group-size", "5", "--device", "cpu"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    privacy = json.loads((run / "scorecard.json").read_text())["privacy"]
    assert {k: v for k, v in privacy["scrub"].items() if v is not None} == {
        "status": "not_run", "reason": "disabled by the user (--no-scrub)"}
    assert privacy["canary_sweep"]["status"] == "not_run"
    assert "data/test.jsonl" in _files_holding(run, SURNAME)  # the user asked for raw text: the scorecard says so


def test_a_sensitive_column_with_too_many_groups_is_refused_before_any_data_is_written(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("note,triage,patient\n" + "".join(f"chest pain,{('urgent', 'routine')[i % 2]},P{i:04d}\n" for i in range(60)))
    with pytest.raises(DataError, match="'patient'"):
        audit_model(tiny_model_dir, path, text_column="note", label_column="triage", sensitive="patient",
                    output_dir=tmp_path / "r", device="cpu")
    assert not (tmp_path / "r" / "data").exists()
    assert _files_holding(tmp_path / "r", "P0001") == []
