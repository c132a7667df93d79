"""`run --sign-key` / `report.sign_key`: the report stage signs, the gate stage verifies with the same key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.cli._cmd_run import _with_sign_key
from auditkit.config import DataConfig, ReportConfig, RunConfig, load_config, parse_config
from auditkit.exceptions import ConfigError, KeyFileError
from auditkit.gate import run_gate
from auditkit.pipeline._stage import StageContext
from auditkit.pipeline._stages.gate import STAGE as GATE
from auditkit.pipeline._stages.report import STAGE as REPORT
from auditkit.scorecard import ENVELOPE_NAME, key_id, load_public_key, write_keypair
from tests.unit.report._runs import make_run_dir

BASE = {"data": {"path": "notes.csv"}}


def test_sign_key_takes_a_reference_never_key_material(tmp_path: Path) -> None:
    private, _, _ = write_keypair(tmp_path / "k")
    assert parse_config({**BASE, "report": {"sign_key": "env:AUDIT_KEY"}}).report.sign_key == "env:AUDIT_KEY"
    with pytest.raises(ConfigError, match="report.sign_key takes a key file path or env:VARNAME") as info:
        parse_config({**BASE, "report": {"sign_key": private.read_text()}})
    assert private.read_text().splitlines()[1] not in str(info.value)


def test_relative_sign_key_resolves_against_the_config_folder(tmp_path: Path) -> None:
    (tmp_path / "audit.yaml").write_text("data: {path: notes.csv}\nreport: {sign_key: keys/release.key}\n")
    assert load_config(tmp_path / "audit.yaml").report.sign_key == str(tmp_path.resolve() / "keys" / "release.key")


def test_cli_sign_key_overrides_the_config_and_a_bad_key_fails_before_any_stage(tmp_path: Path) -> None:
    private, _, _ = write_keypair(tmp_path / "k")
    config = parse_config({**BASE, "report": {"sign_key": "env:UNUSED"}})
    assert _with_sign_key(config, str(private)).report.sign_key == str(private)
    with pytest.raises(KeyFileError, match="environment variable 'UNUSED'"):
        _with_sign_key(config, None)
    assert _with_sign_key(parse_config(BASE), None).report.sign_key is None


def test_report_stage_signs_and_gate_stage_verifies_with_the_same_key(tmp_path: Path) -> None:
    private, public, kid = write_keypair(tmp_path / "k")
    run = make_run_dir(tmp_path)
    config = RunConfig(data=DataConfig(path=tmp_path / "data.csv"), report=ReportConfig(sign_key=str(private)))
    assert REPORT.run(StageContext(config=config, run_dir=run))["signed_by"] == kid
    assert (run / ENVELOPE_NAME).is_file()
    GATE.run(StageContext(config=config, run_dir=run))
    rules = {r["id"]: r for r in json.loads((run / "gate" / "verdict.json").read_text())["rules"]}
    assert rules["integrity.signature"]["status"] == "pass" and kid in rules["integrity.signature"]["message"]
    # the gate's verdict went into the derived `policy` section: the signature still holds
    verdict = run_gate(run / "scorecard.json", "default", verify_key=load_public_key(public))
    assert next(o for o in verdict.outcomes if o.id == "integrity.signature").status == "pass"


def test_report_stage_without_a_key_removes_a_stale_envelope(tmp_path: Path) -> None:
    private, _, _ = write_keypair(tmp_path / "k")
    run = make_run_dir(tmp_path)
    signing = RunConfig(data=DataConfig(path=tmp_path / "data.csv"), report=ReportConfig(sign_key=str(private)))
    REPORT.run(StageContext(config=signing, run_dir=run))
    assert (run / ENVELOPE_NAME).is_file()
    summary = REPORT.run(StageContext(config=RunConfig(data=DataConfig(path=tmp_path / "data.csv")), run_dir=run))
    assert summary["signed_by"] is None
    assert not (run / ENVELOPE_NAME).exists()
    assert key_id(load_public_key(private))  # the key itself is untouched


def _model_folder(root: Path) -> Path:
    from tests._tiny import build_tiny_model

    folder = root / "model"
    build_tiny_model(folder, labels=("no", "yes"))
    return folder


def test_audit_sign_key_reaches_the_report_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditkit.pipeline as pipeline
    from auditkit._audit_model import audit_model

    private, _, _ = write_keypair(tmp_path / "k")
    seen: list[RunConfig] = []

    def capture(config: RunConfig, **kwargs: object) -> None:
        seen.append(config)
        raise RuntimeError("stop before running stages")

    monkeypatch.setattr(pipeline, "run_pipeline", capture)
    with pytest.raises(RuntimeError, match="stop before"):
        audit_model(_model_folder(tmp_path), tmp_path / "d.csv", sensitive="g", sign_key=str(private), output_dir=tmp_path / "run")
    assert seen[0].report.sign_key == str(private)


def test_audit_with_a_bad_sign_key_fails_before_anything_is_written(tmp_path: Path) -> None:
    from auditkit._audit_model import audit_model

    with pytest.raises(KeyFileError, match="key file 'missing.key' not found"):
        audit_model(_model_folder(tmp_path), tmp_path / "d.csv", sensitive="g", sign_key=str(tmp_path / "missing.key"),
                    output_dir=tmp_path / "run")
    assert not (tmp_path / "run").exists()
