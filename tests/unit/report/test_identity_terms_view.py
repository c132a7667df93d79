"""The identity-term part of the HTML report: headline, per-term table, BPSN/BNSP chart, absent terms."""

from __future__ import annotations

from auditkit.report import render_html
from auditkit.report._view import build_view
from tests.unit.gate._cards import make_scorecard, metric
from tests.unit.report._html_check import inspect_html

HOSTILE_TERM = "<script>alert(1)</script>"


def _card() -> dict[str, object]:
    card = make_scorecard(identity_terms=True)
    groups = card["fairness"]["attributes"]["identity"]["groups"]
    groups["gay"]["bpsn_auc"] = metric(0.41, 0.35, 0.47)
    groups[HOSTILE_TERM] = dict(groups["muslim"], n=12, flagged=True, note="fewer than 30 mentions")
    return card


def test_identity_terms_view_lists_terms_worst_bpsn_first_and_names_absent_terms() -> None:
    view = build_view(_card())["identity_terms"]
    assert [r["term"] for r in view["rows"]][0] == "gay"
    assert view["absent"] == ["sikh"]
    assert {row["path"] for row in view["headline"]} >= {"min_bpsn_auc", "min_bnsp_auc", "max_fpr_ratio"}
    assert {b.series for b in view["chart"].bars} == {"BPSN AUC", "BNSP AUC"}


def test_a_run_without_identity_terms_has_no_identity_view() -> None:
    assert build_view(make_scorecard())["identity_terms"] == {}


def test_the_identity_table_and_chart_render_escaped_without_script() -> None:
    html = render_html(_card())
    assert "BPSN and BNSP AUC per identity term" in html and "Per identity term, worst BPSN AUC first" in html
    assert "Terms absent from the data (not assessed): sikh" in html
    assert "0.410 [0.350, 0.470]" in html
    assert HOSTILE_TERM not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert inspect_html(html).problems == []
