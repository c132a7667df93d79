"""Every ``auditkit`` command follows the same conventions: help for every option, upper-case placeholders,
no ``<bool>`` labels, ``--version``, global ``--quiet``/``--verbose``, one error prefix, progress only on a terminal."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from auditkit import __version__
from auditkit.cli._app import app, main
from auditkit.cli._command import tidy_params
from auditkit.cli._output import progress_enabled

COMMANDS = sorted(info.name for info in app.registered_commands if info.name)


def _command(name: str):  # noqa: ANN202 - a click command object
    return typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_checked() -> None:
    assert {"run", "train", "validate", "demo", "audit", "scrub", "gate", "report", "attest", "keygen"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_and_argument_has_help(name: str) -> None:
    params = [p for p in _command(name).params if p.name != "help"]
    assert [p.name for p in params if not (getattr(p, "help", None) or "").strip()] == []


@pytest.mark.parametrize("name", COMMANDS)
def test_help_shows_no_bool_labels_and_upper_case_placeholders(name: str) -> None:
    text = _help(name)
    assert "<bool>" not in text
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert not re.search(r"\{|\b[a-z_]+\]", usage.split(name, 1)[1].replace("[OPTIONS]", "")), usage


def test_root_help_shows_global_options_without_bool_labels() -> None:
    text = _help()
    assert "--version" in text and "--quiet" in text and "--verbose" in text and "<bool>" not in text


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"auditkit {__version__} (auditkit-rai)"


def test_quiet_and_verbose_together_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quiet", "--verbose", "gate", "--demo"]) == 2
    assert capsys.readouterr().err.startswith("auditkit: error: ")


def test_global_quiet_prints_only_the_verdict_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--quiet", "gate", "--demo"])
    out = capsys.readouterr().out
    assert code in (0, 1, 4) and out.count("\n") == 1 and out.startswith("Gate verdict:")


def test_gate_errors_use_the_one_prefix(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    assert main(["gate", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("auditkit: error: scorecard not found")


def test_progress_defaults_to_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert progress_enabled(None) is False and progress_enabled(True) is True
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert progress_enabled(None) is True and progress_enabled(False) is False


def test_the_tidy_check_is_able_to_fail() -> None:
    raw = typer.main.get_command(app).commands["train"]  # type: ignore[attr-defined]
    plain = typer.core.TyperCommand("x", params=[p for p in raw.params])
    flags = [p for p in plain.params if getattr(p, "is_flag", False)]
    for p in flags:
        p.metavar = None
    ctx = plain.make_context("x", ["c.yaml"], resilient_parsing=True)
    assert any(p.display_type_rich(ctx) == "<bool>" for p in flags)
    tidy_params(flags)
    assert all(p.display_type_rich(ctx) == "" for p in flags)
