"""Grade rules: evidence earns a letter, missing or undefined evidence is 'incomplete'."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from auditkit.report import grade_all, overall_verdict


def _grades(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {g.area: (g.grade, g.reason) for g in grade_all(doc)}


@pytest.fixture
def gated(demo_run: Path) -> dict[str, Any]:
    """The demo scorecard with the gate's verdict in its policy section."""
    return json.loads((demo_run / "scorecard.json").read_text())


@pytest.fixture
def doc(gated: dict[str, Any]) -> dict[str, Any]:
    """The demo scorecard as if the gate had not run: grades come from the report's bands."""
    data = copy.deepcopy(gated)
    del data["fairness"]["attributes"]["age_band"]  # its gap is undefined; tests below set gaps explicitly
    data["policy"] = {"status": "not_run", "reason": "gate/verdict.json not found"}
    return data


def _with_gap(doc: dict[str, Any], value: float | None, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["fairness"]["attributes"]["gender"] = {"equal_opportunity_difference": {"value": value, "ci_low": low, "ci_high": high, "reason": None if value is not None else "group has no positives"}}
    return out


def test_demo_grades_are_as_documented(doc: dict[str, Any]) -> None:
    grades = _grades(doc)
    assert {area: g for area, (g, _) in grades.items()} == {
        "privacy": "A", "fairness": "B", "explainability": "A", "performance": "B", "compute": "A"}
    assert "macro_f1 = 0.861" in grades["performance"][1]


def test_undefined_gap_makes_fairness_incomplete_never_good(doc: dict[str, Any]) -> None:
    grade, reason = _grades(_with_gap(doc, None))["fairness"]
    assert grade == "incomplete" and "inconclusive" in reason


@pytest.mark.parametrize(("value", "high", "expected"), [
    (0.03, 0.06, "A"), (0.03, 0.15, "B"), (0.09, 0.12, "B"), (0.15, 0.2, "C"), (0.21, 0.3, "D"), (-0.25, -0.1, "D")])
def test_fairness_grade_follows_gap_bands_and_interval(doc: dict[str, Any], value: float, high: float, expected: str) -> None:
    assert _grades(_with_gap(doc, value, value - 0.02, high))["fairness"][0] == expected


def test_undefined_ratio_makes_fairness_incomplete(doc: dict[str, Any]) -> None:
    doc["fairness"]["attributes"]["gender"]["four_fifths_ratio"] = {"value": None, "ci_low": None, "ci_high": None, "reason": "highest selection rate is zero"}
    grade, reason = _grades(doc)["fairness"]
    assert grade == "incomplete" and reason.endswith("undefined, so inconclusive: four_fifths_ratio for gender")


def test_ratio_below_four_fifths_caps_fairness_at_c(doc: dict[str, Any]) -> None:
    doc["fairness"]["attributes"]["gender"]["demographic_parity_ratio"] = {"value": 0.78, "ci_low": 0.7, "ci_high": 0.85, "reason": None}
    grade, reason = _grades(doc)["fairness"]
    assert grade == "C" and "four-fifths" in reason


def test_section_not_run_grades_incomplete_with_the_reason(doc: dict[str, Any]) -> None:
    doc["explanations"] = {"status": "not_run", "reason": "explain/result.json not found"}
    grade, reason = _grades(doc)["explainability"]
    assert grade == "incomplete" and reason.endswith("explanations section not available: explain/result.json not found")


def test_canary_hit_grades_privacy_d_even_though_the_section_is_failed(doc: dict[str, Any]) -> None:
    doc["privacy"]["canary_sweep"].update(n_hits=1, status="failed")
    doc["privacy"].update(status="failed", reason="stage 'privacy' reported status failed")
    grade, reason = _grades(doc)["privacy"]
    assert grade == "D" and "canary hits = 1.000" in reason


def test_failed_privacy_section_without_figures_is_incomplete(doc: dict[str, Any]) -> None:
    doc["privacy"] = {"status": "failed", "reason": "stage 'privacy' failed: internal error (OSError)"}
    assert _grades(doc)["privacy"][0] == "incomplete"


def test_privacy_without_membership_audit_is_at_most_b(doc: dict[str, Any]) -> None:
    del doc["privacy"]["membership"]
    assert _grades(doc)["privacy"][0] == "B"


def test_explanations_that_do_not_beat_random_grade_c(doc: dict[str, Any]) -> None:
    doc["explanations"]["faithfulness"]["beats_random"] = False
    assert _grades(doc)["explainability"][0] == "C"


def test_without_a_stated_verdict_faithfulness_is_compared_with_random(doc: dict[str, Any]) -> None:
    del doc["explanations"]["faithfulness"]["beats_random"]
    doc["explanations"]["faithfulness"]["random_comprehensiveness"]["value"] = 0.5
    assert _grades(doc)["explainability"][0] == "C"


def test_high_sensitive_token_reliance_grades_d(doc: dict[str, Any]) -> None:
    doc["explanations"]["sensitive_token_reliance"]["value"] = 0.4
    assert _grades(doc)["explainability"][0] == "D"


def test_compute_without_energy_is_b(doc: dict[str, Any]) -> None:
    doc["compute"]["energy_kwh"] = None
    assert _grades(doc)["compute"][0] == "B"


def test_overall_verdict_comes_from_the_gate_or_says_not_gated(gated: dict[str, Any], doc: dict[str, Any]) -> None:
    assert overall_verdict(gated)[0] == "FAIL"
    verdict, reason = overall_verdict(doc)
    assert verdict == "NOT GATED" and "informational" in reason


def test_without_the_gate_every_grade_says_it_comes_from_the_report_bands(doc: dict[str, Any]) -> None:
    assert all(reason.startswith("the release gate did not run; graded by the report's bands") for _, reason in _grades(doc).values())


def test_with_the_gate_grades_come_from_its_outcomes(gated: dict[str, Any]) -> None:
    grades = _grades(gated)
    assert grades["fairness"][0] == "D" and grades["fairness"][1].startswith("gate rule eo_gap[gender] failed:")
    assert grades["performance"][0] == "A" and "macro_f1" in grades["performance"][1]
    assert grades["privacy"][0] == "A"
    assert grades["explainability"][1].startswith("no gate rule covers explainability; graded by the report's bands")


def _judged(card: dict[str, Any]) -> dict[str, Any]:
    from auditkit.gate import evaluate, load_policy

    card["policy"] = evaluate(card, load_policy("default")).to_json()
    return card


def test_fairness_grade_cites_the_rule_that_decided_the_verdict_not_the_largest_gap() -> None:
    from tests.unit.gate._cards import make_scorecard, metric

    card = make_scorecard()
    card["fairness"]["attributes"]["gender"]["demographic_parity_difference"] = metric(0.3, 0.25, 0.35)  # warns only
    card["fairness"]["attributes"]["gender×age_band"] = copy.deepcopy(card["fairness"]["attributes"]["age_band"])
    card["fairness"]["attributes"]["gender×age_band"]["equal_opportunity_difference"] = metric(0.25, 0.12, 0.38)
    card["fairness"]["declared"].append("gender×age_band")
    grade, reason = _grades(_judged(card))["fairness"]
    assert grade == "D"
    assert reason.startswith("gate rule equal_opportunity_gap[gender×age_band] failed: equal-opportunity gap for gender × age band")


def test_privacy_is_graded_a_when_every_privacy_rule_passed() -> None:
    from tests.unit.gate._cards import make_scorecard

    card = make_scorecard()
    card["privacy"]["scrub"]["residual_entity_rate"] = 0.005  # the report's bands call this "some leakage" (C)
    grade, reason = _grades(_judged(card))["privacy"]
    assert grade == "A" and reason.startswith("every gate rule on privacy passed")


def test_a_rule_skipped_as_allowed_caps_the_grade_at_b() -> None:
    from tests.unit.gate._cards import make_scorecard

    card = make_scorecard()
    card["privacy"]["membership"] = {"status": "not_run", "reason": "privacy.membership is false"}
    grade, reason = _grades(_judged(card))["privacy"]
    assert grade == "B" and "membership_leakage was skipped" in reason
