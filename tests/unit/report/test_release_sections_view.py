"""Robustness, deployment variants and the mitigation comparison in the HTML report and the model card."""

from __future__ import annotations

import json
from pathlib import Path

from auditkit.report import render_report
from auditkit.report._view_release import comparison_view, deployment_view, robustness_view
from auditkit.scorecard import load_document, read_scorecard, write_scorecard
from tests.unit.report import _release_sections as fixtures
from tests.unit.report._html_check import inspect_html
from tests.unit.report._runs import demo_run

__all__ = ["demo_run"]


def _with_sections(run: Path) -> Path:
    doc, _ = read_scorecard(run / "scorecard.json")
    doc["robustness"], doc["deployment"] = fixtures.robustness(), fixtures.deployment()
    doc["fairness"]["comparison"] = fixtures.comparison()
    write_scorecard(doc, run / "scorecard.json")
    return run


def test_the_report_shows_each_new_section_with_its_numbers(demo_run: Path) -> None:
    paths = render_report(_with_sections(demo_run))
    html = paths.html.read_text(encoding="utf-8")
    for anchor in ('id="robustness"', 'id="deployment"', 'id="mitigations"', 'id="chart-mitigations-t"', 'id="chart-robustness-t"'):
        assert anchor in html
    assert "0.075 [0.043, 0.127]" in html and "typo_keyboard" in html
    assert "places: not measured (changed 9 test text(s)" in html
    assert "failed: could not build the variant on CPU (RuntimeError)" in html
    assert "fairness_loss (shipped)" in html and html.count('class="chosen"') == 1
    assert inspect_html(html).problems == []
    card = paths.model_card.read_text(encoding="utf-8")
    assert "## Robustness" in card and "## Deployment variants" in card and "## Mitigations compared" in card
    assert "| typo_keyboard | 160 | 0.075 \\[0.043, 0.127\\] |" in card
    assert card.index("| none |") < card.index("| fairness_loss (shipped) |") < card.index("| threshold |")


def test_sections_that_did_not_run_say_so_and_draw_nothing(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    assert 'id="robustness"' in html and 'id="chart-robustness-t"' not in html and 'id="mitigations"' not in html
    assert robustness_view({"status": "not_run", "reason": "off"}) == {} and deployment_view(None) == {}
    assert comparison_view({"status": "ok", "comparison": {"status": "not_run", "reason": "off"}}) == {}


def test_undefined_values_print_as_undefined_and_points_without_values_are_not_drawn() -> None:
    view = robustness_view(fixtures.robustness())
    assert view["attributes"][0]["rows"][0]["cells"][-1] == "undefined"
    section = fixtures.comparison()
    section["rows"]["none"]["attributes"]["gender"]["equal_opportunity_difference"] = {"value": None, "reason": "no positives"}
    chart = comparison_view({"comparison": section})["charts"][0]
    none = next(p for p in chart.points if p.label == "none")
    assert none.x is None and none.gap_text == "undefined" and not none.front
    assert {p.label for p in chart.points if p.front} == {"fairness_loss", "threshold"}


def test_the_deployment_table_puts_the_full_model_first_and_lists_a_failed_variant() -> None:
    rows = deployment_view(fixtures.deployment())["summary"]["rows"]
    assert [r["label"] for r in rows] == ["full precision", "int8_dynamic", "prune_50"]
    assert rows[1]["cells"][1] == "23.0" and rows[1]["cells"][7].startswith("0.980 [0.930, 1.000]")
    assert rows[2]["cells"][0].startswith("failed: ")


def test_the_scorecard_with_every_new_section_validates(demo_run: Path) -> None:
    doc = load_document(_with_sections(demo_run) / "scorecard.json")
    assert json.dumps(doc["deployment"]["variants"]["int8_dynamic"]["agreement"]["lowest_group"]).startswith('{"value": 0.98')


def test_each_variant_explanation_is_shown_against_the_full_model_and_undefined_stays_undefined(demo_run: Path) -> None:
    view = deployment_view(fixtures.deployment())
    assert view["explain"]["columns"][2] == "Top-5 word overlap"
    int8 = next(r for r in view["explain"]["rows"] if r["label"] == "int8_dynamic")
    assert int8["cells"][:4] == ["occlusion", "20", "0.830 [0.780, 0.880]", "undefined"]
    assert view["explain_notes"] == [("int8_dynamic", "int8 kernels have no autograd; occlusion for both")]
    section = fixtures.deployment()
    section["variants"]["int8_dynamic"]["explain"] = {"status": "not_run", "reason": "explain.enabled is false"}
    assert deployment_view(section)["explain"]["rows"][0]["cells"][0] == "not_run: explain.enabled is false"
    paths = render_report(_with_sections(demo_run))
    html = paths.html.read_text(encoding="utf-8")
    assert "Explanations: each variant against the full model" in html and "int8 kernels have no autograd" in html
    assert inspect_html(html).problems == []
    assert "| int8_dynamic | occlusion | 20 | 0.830 \\[0.780, 0.880\\] | undefined |" in paths.model_card.read_text(encoding="utf-8")
