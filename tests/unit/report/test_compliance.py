"""The compliance map follows section status and states what is not covered."""

from __future__ import annotations

from auditkit.report import compliance_section


def _doc(**status: str) -> dict:
    names = ("identity", "config", "performance", "fairness", "privacy", "explanations", "compute", "policy", "environment",
             "robustness", "deployment")
    return {n: {"status": status.get(n, "ok")} for n in names}


def test_every_row_has_evidence_when_all_sections_ran() -> None:
    rows = compliance_section(_doc())["items"]
    refs = {r["reference"] for r in rows}
    assert {"Art. 10(2)(f)-(g)", "Art. 13(3)(b)", "Art. 15(1)-(3)", "MEASURE 2.11"} <= refs
    assert all(r["coverage"] in ("evidence", "partial") for r in rows)


def test_rows_turn_missing_when_their_sections_did_not_run() -> None:
    rows = {r["reference"]: r for r in compliance_section(_doc(fairness="not_run", explanations="not_run"))["items"]}
    assert rows["Art. 10(2)(f)-(g)"]["coverage"] == "missing"
    assert rows["MEASURE 2.11"]["evidence"] == []
    assert "Not available: fairness" in rows["MEASURE 2.11"]["note"]
    assert rows["Art. 13(3)(b)"]["coverage"] == "partial"


def test_map_states_plainly_what_is_not_covered() -> None:
    lines = compliance_section(_doc())["not_covered"]
    assert any("Art. 14 human oversight" in line for line in lines)
    assert any("not a complete" in line for line in lines)


def test_robustness_evidence_makes_article_15_4_partial_and_its_absence_missing() -> None:
    rows = {r["reference"]: r for r in compliance_section(_doc())["items"]}
    assert rows["Art. 15(4)"]["coverage"] == "partial" and rows["Art. 15(4)"]["evidence"] == ["robustness", "fairness"]
    gone = {r["reference"]: r for r in compliance_section(_doc(fairness="not_run", robustness="not_run"))["items"]}
    assert gone["Art. 15(4)"]["coverage"] == "missing"
    assert "Not available: robustness, fairness" in gone["Art. 15(4)"]["note"]


def test_the_deployed_variant_row_has_evidence_only_when_variants_were_audited() -> None:
    with_variants = {r["reference"]: r for r in compliance_section(_doc())["items"]}
    assert with_variants["Art. 15(1), 15(4)"]["coverage"] == "evidence"
    without = {r["reference"]: r for r in compliance_section(_doc(deployment="not_run"))["items"]}
    assert without["Art. 15(1), 15(4)"]["coverage"] == "missing"
