"""``auditkit gate`` exit codes, in-process and as a subprocess (G1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from auditkit.cli._cmd_gate import register
from tests.unit.gate._cards import make_scorecard, metric, set_path, write_card

REPO = Path(__file__).resolve().parents[2]


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    register(app)

    @app.callback()
    def _root() -> None:
        """Keep 'gate' as a subcommand."""

    return app


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def cards(tmp_path: Path) -> dict[str, Path]:
    base = make_scorecard()
    return {
        "pass": write_card(tmp_path / "pass.json", base),
        "fail": write_card(tmp_path / "fail.json", set_path(base, "fairness.attributes.gender.equal_opportunity_difference", metric(0.101, 0.101, 0.12))),
        "inconclusive": write_card(
            tmp_path / "inconclusive.json", set_path(base, "fairness.attributes.gender.equal_opportunity_difference", metric(None, reason="TPR undefined"))
        ),
        "bad_json": _write(tmp_path / "bad.json", "{not json"),
        "newer": write_card(tmp_path / "newer.json", {**base, "schema_version": "9.0"}, sealed=False),
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


CASES = [("pass", 0), ("fail", 1), ("bad_json", 2), ("newer", 2), ("inconclusive", 4)]


@pytest.mark.parametrize(("card", "code"), CASES)
def test_exit_codes_in_process(cards: dict[str, Path], card: str, code: int) -> None:
    result = CliRunner().invoke(_app(), ["gate", str(cards[card]), "--policy", "default"])
    assert result.exit_code == code, result.output


def test_missing_scorecard_is_bad_input_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["gate", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "scorecard not found" in result.output


def test_unknown_policy_is_bad_input(cards: dict[str, Path]) -> None:
    result = CliRunner().invoke(_app(), ["gate", str(cards["pass"]), "--policy", "lenient"])
    assert result.exit_code == 2
    assert "shipped presets are" in result.output


def test_negative_tolerance_is_bad_input(cards: dict[str, Path]) -> None:
    result = CliRunner().invoke(_app(), ["gate", str(cards["pass"]), "--baseline", str(cards["pass"]), "--tolerance", "-1"])
    assert result.exit_code == 2


def test_internal_error_exits_3_without_traceback(cards: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import auditkit.gate._cli as cli

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret-data-value")

    monkeypatch.setattr(cli, "run_gate", boom)
    result = CliRunner().invoke(_app(), ["gate", str(cards["pass"])])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "secret-data-value" not in result.output
    assert "internal error: unexpected RuntimeError" in result.output


def test_table_lists_every_rule_with_observed_threshold_and_status(cards: dict[str, Path]) -> None:
    result = CliRunner().invoke(_app(), ["gate", str(cards["fail"]), "--policy", "default"])
    assert "equal_opportunity_gap[gender]" in result.output
    assert "0.101" in result.output and "interval < 0.1" in result.output and "FAIL" in result.output
    assert "Gate verdict: FAIL (exit 1)" in result.output


def test_model_dir_mismatch_fails_the_gate(cards: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"not the audited weights")
    result = CliRunner().invoke(_app(), ["gate", str(cards["pass"]), "--model-dir", str(folder)])
    assert result.exit_code == 1
    assert "integrity.model" in result.output


def test_reports_are_written_and_github_summary_appended(cards: dict[str, Path], tmp_path: Path) -> None:
    summary = tmp_path / "gh_summary.md"
    args = ["gate", str(cards["pass"]), "--junit", str(tmp_path / "g.xml"), "--sarif", str(tmp_path / "g.sarif")]
    args += ["--markdown", str(tmp_path / "g.md"), "--json", str(tmp_path / "verdict.json")]
    result = CliRunner().invoke(_app(), args, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    assert all((tmp_path / n).is_file() for n in ("g.xml", "g.sarif", "g.md", "verdict.json"))
    assert "auditkit gate: PASS" in summary.read_text()


def _subprocess(args: list[str], code_prefix: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    if code_prefix:
        cmd = [sys.executable, "-c", code_prefix + "from auditkit.gate.__main__ import main\nimport sys\nsys.argv=['gate', *sys.argv[1:]]\nmain()\n", *args]
    else:
        cmd = [sys.executable, "-m", "auditkit.gate", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False)


def test_exit_codes_as_a_subprocess(cards: dict[str, Path]) -> None:
    got = {card: _subprocess([str(cards[card]), "--policy", "default", "-q"]).returncode for card, _ in CASES}
    assert got == dict(CASES)


def test_usage_error_exits_2_as_a_subprocess() -> None:
    done = _subprocess(["--no-such-option"])
    assert done.returncode == 2


def test_internal_error_exits_3_as_a_subprocess(cards: dict[str, Path]) -> None:
    prefix = "import auditkit.gate._cli as c\ndef boom(*a, **k):\n    raise KeyError('x')\nc.run_gate = boom\n"
    done = _subprocess([str(cards["pass"])], code_prefix=prefix)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
