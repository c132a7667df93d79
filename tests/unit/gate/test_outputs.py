"""Reports: JUnit validates against the vendored XSD and SARIF against the 2.1.0 schema; both byte-stable (G3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from auditkit.gate import GateOutputs, evaluate, junit_xml, load_policy, markdown_summary, parse_policy, run_gate, sarif_log, text_table
from tests.unit.gate._cards import make_scorecard, metric, set_path, write_card

xmlschema = pytest.importorskip("xmlschema")
SCHEMAS = Path(__file__).parent / "schemas"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>|`x`\u2028'


def _mixed_card() -> dict[str, Any]:
    """A scorecard giving pass, fail, warn, inconclusive and skipped outcomes under the policy below."""
    card = set_path(make_scorecard(), "fairness.attributes.gender.equal_opportunity_difference", metric(0.2, 0.1, 0.3))
    return set_path(card, "fairness.attributes.age_band.equalized_odds_difference", metric(None, reason="undefined"))


MIXED_POLICY = parse_policy(
    {
        "name": "mixed",
        "rules": [
            {"id": "eo", "metric": "fairness.attributes.*.equal_opportunity_difference", "op": "<", "threshold": 0.1},
            {"id": "eod", "metric": "fairness.attributes.*.equalized_odds_difference", "op": "<", "threshold": 0.1},
            {"id": "dp", "metric": "fairness.attributes.gender.demographic_parity_difference", "op": "<", "threshold": 0.005, "severity": "warn"},
            {"id": "ex", "metric": "explanations.faithfulness", "op": ">", "threshold": 0.1, "allow_missing": ["explanations"]},
        ],
    }
)


def test_mixed_fixture_covers_every_outcome() -> None:
    statuses = {o.status for o in evaluate(_mixed_card(), MIXED_POLICY).outcomes}
    assert statuses == {"pass", "fail", "warn", "inconclusive", "skipped"}


def test_junit_validates_against_the_vendored_xsd() -> None:
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    document = junit_xml(evaluate(_mixed_card(), MIXED_POLICY)).decode("utf-8")
    schema.validate(document)
    assert 'failures="1"' in document and 'errors="1"' in document


def test_the_xsd_check_can_fail() -> None:
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    assert not schema.is_valid('<testsuites><testsuite name="x"><testcase/></testsuite></testsuites>')


def test_junit_has_one_testcase_per_outcome_with_stable_names() -> None:
    verdict = evaluate(_mixed_card(), MIXED_POLICY)
    document = junit_xml(verdict).decode("utf-8")
    assert document.count("<testcase ") == len(verdict.outcomes)
    assert 'name="eo[gender]"' in document


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    schema = json.loads((SCHEMAS / "sarif-2.1.0-subset.schema.json").read_text())
    log = sarif_log(evaluate(_mixed_card(), MIXED_POLICY))
    jsonschema.Draft7Validator(schema).validate(log)
    statuses = {r["properties"]["status"] for r in log["runs"][0]["results"]}
    assert statuses == {"fail", "warn", "inconclusive"}  # passes and skipped rules stay in JUnit


def test_the_sarif_check_can_fail() -> None:
    schema = json.loads((SCHEMAS / "sarif-2.1.0-subset.schema.json").read_text())
    log = sarif_log(evaluate(_mixed_card(), MIXED_POLICY))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not jsonschema.Draft7Validator(schema).is_valid(log)


def test_sarif_level_is_none_unless_the_result_failed() -> None:
    results = sarif_log(evaluate(_mixed_card(), MIXED_POLICY))["runs"][0]["results"]
    assert all(r["level"] == "none" for r in results if r["kind"] != "fail")
    assert {r["level"] for r in results if r["kind"] == "fail"} == {"error", "warning"}


def test_reports_are_byte_stable_across_two_runs(tmp_path: Path) -> None:
    card = write_card(tmp_path / "scorecard.json", _mixed_card())
    runs = []
    for name in ("a", "b"):
        out = GateOutputs(
            junit=tmp_path / name / "junit.xml",
            sarif=tmp_path / name / "gate.sarif",
            markdown=tmp_path / name / "summary.md",
            verdict_json=tmp_path / name / "verdict.json",
        )
        run_gate(card, MIXED_POLICY, outputs=out)
        runs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert runs[0] == runs[1]
    assert len(runs[0]) == 4


def test_step_summary_is_appended_not_replaced(tmp_path: Path) -> None:
    card = write_card(tmp_path / "scorecard.json", make_scorecard())
    summary = tmp_path / "step_summary.md"
    summary.write_text("# earlier step\n")
    run_gate(card, "default", outputs=GateOutputs(step_summary=summary))
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert "## auditkit gate: PASS" in text


def test_hostile_group_names_render_inert_in_markdown_junit_and_table() -> None:
    card = make_scorecard()
    card["fairness"]["attributes"][HOSTILE] = card["fairness"]["attributes"]["gender"]
    verdict = evaluate(card, load_policy("default"))
    md = markdown_summary(verdict)
    assert "<script>" not in md and "<img" not in md and "\u2028" not in md
    assert "&lt;script&gt;" in md
    assert all(line.count(" | ") == 5 for line in md.splitlines() if line.startswith("| ") and "---" not in line)
    assert "<script>" not in junit_xml(verdict).decode()
    assert "\u2028" not in text_table(verdict)


def test_messages_carry_aggregates_only() -> None:
    verdict = evaluate(_mixed_card(), MIXED_POLICY)
    for outcome in verdict.outcomes:
        assert len(outcome.message) < 200
    assert "0.2 is not < 0.1" in verdict.outcomes[1].message


def test_importing_the_gate_and_judging_never_imports_torch(tmp_path: Path) -> None:
    import subprocess

    card = write_card(tmp_path / "scorecard.json", make_scorecard())
    code = (
        "import sys, auditkit.gate as g\n"
        f"v = g.run_gate({str(card)!r}, 'default', outputs=g.GateOutputs(junit={str(tmp_path / 'j.xml')!r}))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'captum', 'presidio_analyzer', 'spacy'))\n"
        "stages = sorted(m for m in sys.modules if m.startswith(('auditkit.train', 'auditkit.explain', 'auditkit.scrub', 'auditkit.evaluate')))\n"
        "print(heavy, stages, v.exit_code)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[] [] 0"


def test_unwritable_report_path_is_bad_input_not_a_crash(tmp_path: Path) -> None:
    from auditkit.exceptions import UserInputError

    card = write_card(tmp_path / "scorecard.json", make_scorecard())
    (tmp_path / "junit.xml").mkdir()
    with pytest.raises(UserInputError, match="cannot write gate report 'junit.xml'"):
        run_gate(card, "default", outputs=GateOutputs(junit=tmp_path / "junit.xml"))
