"""``auditkit sweep``: exit 0 clean, 1 on hits (labels only), 2 on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.cli._app import main
from auditkit.privacy import Canary, CanarySet, canary_file_for, save_canaries

SSN = "912-34-5678"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "runs" / "demo"
    run.mkdir(parents=True)
    (run / "scorecard.json").write_text("{}", encoding="utf-8")
    save_canaries(CanarySet((Canary("ssn", 0, SSN, "train", 3),), seed=0), canary_file_for(run))
    return run


def test_clean_run_exits_zero(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(run_dir)]) == 0
    assert "0 hit(s)" in capsys.readouterr().out


def test_run_with_a_leak_exits_one_and_names_file_not_value(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (run_dir / "model_card.md").write_text(f"patient SSN {SSN}", encoding="utf-8")
    assert main(["sweep", str(run_dir)]) == 1
    out = capsys.readouterr()
    assert "HIT  model_card.md  ssn#0  (train, raw)" in out.out
    assert SSN not in out.out + out.err and "912345678" not in out.out + out.err


def test_explicit_canary_file_and_json_output(run_dir: Path, tmp_path: Path) -> None:
    other = save_canaries(CanarySet((Canary("mrn", 0, "40718263", "test", 1),), seed=0), tmp_path / "c.json")
    (run_dir / "log.txt").write_text("MRN 40718263", encoding="utf-8")
    assert main(["sweep", str(run_dir), "--canaries", str(other), "--json", str(tmp_path / "s.json")]) == 1
    assert '"n_hits": 1' in (tmp_path / "s.json").read_text(encoding="utf-8")


def test_missing_canary_file_or_run_dir_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["sweep", str(tmp_path / "empty")]) == 2
    assert main(["sweep", str(tmp_path / "nope")]) == 2
    assert "canary file not found" in capsys.readouterr().err
