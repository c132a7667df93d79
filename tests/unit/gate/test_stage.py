"""The pipeline's gate stage: verdict files in the run dir, verdict in the scorecard and its HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.config import parse_config
from auditkit.pipeline._stage import StageContext, StageSkipped
from auditkit.pipeline._stages.gate import STAGE
from tests.unit.gate._cards import make_scorecard, metric, set_path, write_card


def _ctx(run_dir: Path, policy: str | None = None) -> StageContext:
    config = parse_config({"data": {"path": "data.csv"}, "policy": policy})
    return StageContext(config=config, run_dir=run_dir, progress=False)


def test_gate_stage_writes_verdict_files_and_updates_the_scorecard(tmp_path: Path) -> None:
    write_card(tmp_path / "scorecard.json", make_scorecard())
    summary = STAGE.run(_ctx(tmp_path))
    assert summary["exit_code"] == 0
    assert summary["policy"] == "default"
    for rel in STAGE.outputs:
        assert (tmp_path / rel).is_file(), rel
    card = json.loads((tmp_path / "scorecard.json").read_text())
    assert card["policy"]["verdict"] == "pass"
    assert summary["in_report"] is True
    assert "equal_opportunity_gap[gender]" in (tmp_path / "scorecard.html").read_text()


def test_gate_stage_reports_a_failing_verdict_with_exit_code_1(tmp_path: Path) -> None:
    card = set_path(make_scorecard(), "fairness.attributes.gender.equal_opportunity_difference", metric(0.4, 0.3, 0.5))
    write_card(tmp_path / "scorecard.json", card)
    summary = STAGE.run(_ctx(tmp_path, "four-fifths"))
    assert summary["policy"] == "four-fifths"
    assert summary["exit_code"] == 0
    summary = STAGE.run(_ctx(tmp_path, "default"))
    assert (summary["status"], summary["exit_code"]) == ("fail", 1)
    assert json.loads((tmp_path / "gate/verdict.json").read_text())["verdict"] == "fail"


def test_gate_stage_without_scorecard_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(StageSkipped, match="report stage did not run"):
        STAGE.run(_ctx(tmp_path))


def test_policy_file_is_a_stage_input(tmp_path: Path) -> None:
    assert STAGE.inputs is not None
    assert STAGE.inputs(_ctx(tmp_path, "default")) == []
    assert STAGE.inputs(_ctx(tmp_path, str(tmp_path / "p.yaml"))) == [tmp_path / "p.yaml"]
