"""The signing loop from the command line: keygen -> attest -> gate --verify-key, with exit codes (T1, G1)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from auditkit.cli._app import main
from auditkit.scorecard import ENVELOPE_NAME
from tests.unit.scorecard._minimal import write_run

REPO = Path(__file__).resolve().parents[2]
POLICY = """\
name: accuracy-only
unsigned: {unsigned}
rules:
  - id: accuracy
    metric: performance.model.accuracy
    op: ">="
    threshold: 0.5
"""


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def run(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    write_run(folder)
    return folder


def _policy(tmp_path: Path, unsigned: str = "warn") -> str:
    path = tmp_path / f"policy-{unsigned}.yaml"
    path.write_text(POLICY.format(unsigned=unsigned))
    return str(path)


def _gate(run: Path, tmp_path: Path, *extra: str, unsigned: str = "warn") -> int:
    return main(["gate", str(run / "scorecard.json"), "--policy", _policy(tmp_path, unsigned), "--quiet", *extra])


def test_keygen_attest_gate_round_trip(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen", str(tmp_path / "release")]) == 0
    assert stat.S_IMODE((tmp_path / "release.key").stat().st_mode) == 0o600
    kid = capsys.readouterr().out.split("key id:")[1].strip()
    assert main(["attest", str(run), "--key", str(tmp_path / "release.key")]) == 0
    assert kid in capsys.readouterr().out
    assert (run / ENVELOPE_NAME).is_file()
    assert _gate(run, tmp_path, "--verify-key", str(tmp_path / "release.pub"), unsigned="error") == 0


def test_gate_fails_an_edited_signed_scorecard_naming_the_path(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["keygen", str(tmp_path / "k")])
    main(["attest", str(run), "--key", str(tmp_path / "k.key")])
    doc = json.loads((run / "scorecard.json").read_text())
    doc["performance"]["model"]["accuracy"]["ci_low"] = 0.5
    (run / "scorecard.json").write_text(json.dumps(doc))
    capsys.readouterr()
    code = main(["gate", str(run / "scorecard.json"), "--policy", _policy(tmp_path), "--verify-key", str(tmp_path / "k.pub")])
    assert code == 1
    assert "performance.model.accuracy.ci_low" in capsys.readouterr().out


def test_gate_fails_a_scorecard_signed_by_another_key(run: Path, tmp_path: Path) -> None:
    main(["keygen", str(tmp_path / "mine")])
    main(["keygen", str(tmp_path / "theirs")])
    main(["attest", str(run), "--key", str(tmp_path / "theirs.key")])
    assert _gate(run, tmp_path, "--verify-key", str(tmp_path / "mine.pub")) == 1


def test_gate_fails_a_changed_data_split(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _gate(run, tmp_path, "--data-dir", str(run / "data")) == 0
    (run / "data" / "train.jsonl").write_bytes((run / "data" / "train.jsonl").read_bytes() + b" ")
    capsys.readouterr()
    code = main(["gate", str(run / "scorecard.json"), "--policy", _policy(tmp_path), "--data-dir", str(run / "data")])
    assert code == 1
    assert "train.jsonl" in capsys.readouterr().out


def test_unsigned_scorecard_passes_a_warn_policy_and_fails_an_error_policy(run: Path, tmp_path: Path) -> None:
    assert _gate(run, tmp_path, unsigned="warn") == 0
    assert _gate(run, tmp_path, unsigned="error") == 1


def test_bad_key_file_is_exit_2_with_one_line(run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.pub").write_text("-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n")
    assert _gate(run, tmp_path, "--verify-key", str(tmp_path / "bad.pub")) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "is not a PEM public key" in err and "garbage" not in err
    assert main(["attest", str(run), "--key", str(tmp_path / "missing.key")]) == 2


def test_keygen_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    assert main(["keygen", str(tmp_path / "k")]) == 0
    before = (tmp_path / "k.key").read_bytes()
    assert main(["keygen", str(tmp_path / "k")]) == 2
    assert (tmp_path / "k.key").read_bytes() == before
    assert main(["keygen", str(tmp_path / "k"), "--force"]) == 0
    assert (tmp_path / "k.key").read_bytes() != before


def test_round_trip_as_subprocesses_with_the_key_in_an_environment_variable(run: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("GITHUB_STEP_SUMMARY", None)

    def cli(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "auditkit.cli", *args], capture_output=True, text=True,
                              timeout=120, cwd=REPO, env={**env, **(extra_env or {})}, check=False)

    assert cli("keygen", str(tmp_path / "ci")).returncode == 0
    secret = {"AK_TEST_SIGN_KEY": (tmp_path / "ci.key").read_text()}
    assert cli("attest", str(run), "--key", "env:AK_TEST_SIGN_KEY", extra_env=secret).returncode == 0
    gate = ["gate", str(run / "scorecard.json"), "--policy", _policy(tmp_path, "error")]
    assert cli(*gate, "--verify-key", str(tmp_path / "ci.pub")).returncode == 0
    assert cli(*gate).returncode == 1  # signed, but unverified: the policy says error
    assert cli(*gate, "--verify-key", str(tmp_path / "nope.pub")).returncode == 2
