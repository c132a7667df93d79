"""SARIF carries what needs a look (failures, warnings, blocking inconclusives), with stable fingerprints and
repository-relative paths; the CI examples use one documented policy and show JUnit in the job (G3)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditkit.gate import GateOutputs, evaluate, load_policy, parse_policy, run_gate, sarif_log
from auditkit.gate._policy import PRESETS
from tests.unit.gate._cards import make_scorecard, metric, set_path, write_card

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "ci"
POLICY = parse_policy({"name": "mixed", "rules": [
    {"id": "eo", "metric": "fairness.attributes.*.equal_opportunity_difference", "op": "<", "threshold": 0.1},
    {"id": "eod", "metric": "fairness.attributes.*.equalized_odds_difference", "op": "<", "threshold": 0.1},
    {"id": "dp", "metric": "fairness.attributes.gender.demographic_parity_difference", "op": "<", "threshold": 0.005,
     "severity": "warn"},
    {"id": "dp_age", "metric": "fairness.attributes.age_band.demographic_parity_ratio", "op": ">", "threshold": 0.5,
     "severity": "warn"},
    {"id": "ex", "metric": "explanations.faithfulness", "op": ">", "threshold": 0.1, "allow_missing": ["explanations"]},
]})


def _card() -> dict[str, Any]:
    card = set_path(make_scorecard(), "fairness.attributes.gender.equal_opportunity_difference", metric(0.2, 0.1, 0.3))
    card = set_path(card, "fairness.attributes.age_band.demographic_parity_ratio", metric(None, reason="no selections"))
    return set_path(card, "fairness.attributes.age_band.equalized_odds_difference", metric(None, reason="undefined"))


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    return list(log["runs"][0]["results"])


def test_sarif_carries_failures_warnings_and_blocking_inconclusives_only() -> None:
    verdict = evaluate(_card(), POLICY)
    assert {o.status for o in verdict.outcomes} == {"pass", "fail", "warn", "inconclusive", "skipped"}
    expected = sorted(o.id for o in verdict.outcomes if o.status in ("fail", "warn") or (o.status == "inconclusive" and o.blocks))
    results = _results(sarif_log(verdict))
    assert sorted(r["message"]["text"].split(":")[0] for r in results) == expected
    assert "dp_age" not in {r["ruleId"] for r in results}  # inconclusive at warn severity does not block: JUnit only
    assert {r["level"] for r in results} == {"error", "warning"}


def test_every_sarif_result_has_a_stable_partial_fingerprint_that_ignores_the_value() -> None:
    first = _results(sarif_log(evaluate(_card(), POLICY)))
    moved = set_path(_card(), "fairness.attributes.gender.equal_opportunity_difference", metric(0.4, 0.3, 0.5))
    second = _results(sarif_log(evaluate(moved, POLICY)))
    prints = [r["partialFingerprints"]["auditkitOutcome/v1"] for r in first]
    assert len(set(prints)) == len(prints) and all(re.fullmatch(r"[0-9a-f]{32}", p) for p in prints)
    assert prints == [r["partialFingerprints"]["auditkitOutcome/v1"] for r in second]


def test_sarif_paths_are_repository_relative_and_byte_identical_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "runs" / "a").mkdir(parents=True)
    card = write_card(repo / "runs" / "a" / "scorecard.json", _card())
    outputs = []
    for cwd, given in ((repo, "runs/a/scorecard.json"), (card.parent, "scorecard.json"), (tmp_path, str(card))):
        monkeypatch.chdir(cwd)
        out = tmp_path / f"out-{len(outputs)}.sarif"
        run_gate(given, POLICY, outputs=GateOutputs(sarif=out))
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    text = outputs[0].decode("utf-8")
    assert str(tmp_path) not in text
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in _results(yaml.safe_load(text)) for loc in r["locations"]}
    assert uris == {"runs/a/scorecard.json"}


def _gate_policy(command: str) -> str:
    found = re.search(r'--policy\s+("?)(\S+?)\1(\s|$)', command)
    assert found, command
    return found.group(2)


def _gate_commands(doc: Any) -> list[str]:
    """Every ``auditkit gate`` line in a ``run:`` (GitHub) or ``script:`` (GitLab) entry."""
    if isinstance(doc, list):
        return [c for item in doc for c in _gate_commands(item)]
    if not isinstance(doc, dict):
        return []
    found = []
    for key, value in doc.items():
        lines = (value.splitlines() if isinstance(value, str) else value) if key in ("run", "script") else None
        if isinstance(lines, list):
            found += [str(line) for line in lines if str(line).strip().startswith("auditkit gate")]
        else:
            found += _gate_commands(value)
    return found


def _env(doc: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("env", "variables") and isinstance(value, dict):
                out.update({str(k): str(v) for k, v in value.items()})
            else:
                out.update(_env(value))
    elif isinstance(doc, list):
        for item in doc:
            out.update(_env(item))
    return out


def _policy_of(name: str) -> str:
    doc = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    (command,) = _gate_commands(doc)
    policy = _gate_policy(command)
    return _env(doc).get(policy[1:].strip("{}"), policy) if policy.startswith("$") else policy


def test_both_ci_examples_gate_with_the_same_documented_policy() -> None:
    github, gitlab = _policy_of("github-actions.yml"), _policy_of("gitlab-ci.yml")
    assert github == gitlab
    assert github in PRESETS and load_policy(github).description  # a shipped preset, described in its file
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        assert f"`{github}` preset" in (EXAMPLES / name).read_text(encoding="utf-8")


def test_github_example_shows_junit_results_in_the_job_and_writes_the_step_summary() -> None:
    doc = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text(encoding="utf-8"))
    steps = doc["jobs"]["gate"]["steps"]
    reporter = next(s for s in steps if str(s.get("uses", "")).startswith("mikepenz/action-junit-report@"))
    assert reporter["with"]["report_paths"] == "gate-junit.xml" and reporter["if"] == "always()"
    assert doc["permissions"]["checks"] == "write"
    gate = next(s for s in steps if str(s.get("run", "")).startswith("auditkit gate"))
    assert "--junit gate-junit.xml" in gate["run"] and "GITHUB_STEP_SUMMARY" in gate["name"]
    assert steps.index(gate) < steps.index(reporter)
