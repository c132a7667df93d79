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
def doc(demo_run: Path) -> dict[str, Any]:
    data = json.loads((demo_run / "scorecard.json").read_text())
    del data["fairness"]["age_band"]  # its gap is undefined; tests below set gaps explicitly
    return data


def _with_gap(doc: dict[str, Any], value: float | None, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["fairness"]["gender"] = {"equal_opportunity_difference": {"value": value, "ci_low": low, "ci_high": high, "reason": None if value is not None else "group has no positives"}}
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


def test_section_not_run_grades_incomplete_with_the_reason(doc: dict[str, Any]) -> None:
    doc["explanations"] = {"status": "not_run", "reason": "explain/result.json not found"}
    assert _grades(doc)["explainability"] == (
        "incomplete", "explanations section not available: explain/result.json not found")


def test_canary_hit_grades_privacy_d(doc: dict[str, Any]) -> None:
    doc["privacy"]["canary_sweep"]["hits"] = 1
    assert _grades(doc)["privacy"][0] == "D"


def test_privacy_without_membership_audit_is_at_most_b(doc: dict[str, Any]) -> None:
    del doc["privacy"]["membership"]
    assert _grades(doc)["privacy"][0] == "B"


def test_explanations_that_do_not_beat_random_grade_c(doc: dict[str, Any]) -> None:
    doc["explanations"]["faithfulness"]["random_comprehensiveness"]["value"] = 0.5
    assert _grades(doc)["explainability"][0] == "C"


def test_compute_without_energy_is_b(doc: dict[str, Any]) -> None:
    doc["compute"]["energy_kwh"] = None
    assert _grades(doc)["compute"][0] == "B"


def test_overall_verdict_comes_from_the_gate_or_says_not_gated(doc: dict[str, Any]) -> None:
    assert overall_verdict(doc)[0] == "FAIL"
    doc["policy"] = {"status": "not_run", "reason": "gate/verdict.json not found"}
    verdict, reason = overall_verdict(doc)
    assert verdict == "NOT GATED" and "informational" in reason
