"""The scorecard answers "why": the verdict box names the rules, the table is ordered and honest about bounds."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from auditkit.gate import evaluate, load_policy
from auditkit.report import render_html
from auditkit.report._charts import bar_chart
from auditkit.scorecard import Metric
from tests.unit.gate._cards import make_scorecard, metric

INTERSECTION = "gender×age_band"


@pytest.fixture
def judged() -> dict[str, Any]:
    """A scorecard the default policy fails on an intersection, with one inconclusive gap and one warning."""
    card = make_scorecard()
    attributes = card["fairness"]["attributes"]
    attributes[INTERSECTION] = copy.deepcopy(attributes["age_band"])
    attributes[INTERSECTION]["equal_opportunity_difference"] = metric(0.25, 0.12, 0.38)
    attributes["age_band"]["equalized_odds_difference"] = {"value": 0.12, "ci_low": 0.02, "ci_high": 0.31, "mdg": 0.33}
    attributes["gender"]["demographic_parity_difference"] = metric(0.161, 0.09, 0.23)
    card["fairness"]["declared"] = sorted([*card["fairness"]["declared"], INTERSECTION])
    card["policy"] = evaluate(card, load_policy("default")).to_json()
    return card


def _html(card: dict[str, Any]) -> str:
    return render_html(card).replace("<wbr>", "")  # line-break hints inside ids and dotted keys


def _verdict_box(html: str) -> str:
    found = re.search(r'<div class="verdict [^"]*"[^>]*>(.*?)</div>', html, re.DOTALL)
    assert found, "no verdict box"
    return found.group(1)


def _rule_rows(html: str) -> list[tuple[str, str]]:
    table = html[html.index('<section id="policy"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr><th scope="row">([^<]*)</th><td><span class="badge b-[a-z_]+">[^<]* ([A-Z]+)</span>', table)


def test_the_verdict_box_names_the_first_failing_rule(judged: dict[str, Any]) -> None:
    first_fail = next(r["id"] for r in judged["policy"]["rules"] if r["status"] == "fail")
    box = _verdict_box(_html(judged))
    assert first_fail == f"equal_opportunity_gap[{INTERSECTION}]"
    assert first_fail in box


def test_the_verdict_box_says_the_failure_in_words_with_its_interval(judged: dict[str, Any]) -> None:
    box = _verdict_box(_html(judged))
    assert ("equal-opportunity gap for gender × age band: 0.25, 95% interval 0.12–0.38, "
            "lower bound above the 0.10 threshold") in box


def test_the_verdict_box_gives_inconclusive_rules_their_reason(judged: dict[str, Any]) -> None:
    box = _verdict_box(_html(judged))
    assert "equalized_odds_gap[age_band]" in box
    assert "this test set cannot tell; it can only detect a gap of 0.33 at 80% power" in box
    assert box.index("equal_opportunity_gap[") < box.index("equalized_odds_gap[age_band]")


def test_rules_table_lists_failures_then_inconclusive_then_warnings_then_passes(judged: dict[str, Any]) -> None:
    statuses = [status for _, status in _rule_rows(_html(judged))]
    rank = {"FAIL": 0, "INCONCLUSIVE": 1, "WARN": 2, "SKIPPED": 3, "PASS": 4}
    assert statuses == sorted(statuses, key=rank.__getitem__)
    assert {"FAIL", "INCONCLUSIVE", "WARN", "PASS"} <= set(statuses)


def test_interval_rules_show_the_point_value_and_name_the_judged_bound(judged: dict[str, Any]) -> None:
    html = _html(judged)
    row = re.search(r'<th scope="row">equal_opportunity_gap\[gender\]</th>.*?</tr>', html, re.DOTALL)
    assert row is not None
    cells = re.search(r'<td class="num">([^<]*)</td><td>([^<]*)</td>', row.group(0))
    assert cells is not None and cells.groups() == ("0.01 [0, 0.03]", "upper bound 0.03")
    assert "Observed" not in html[html.index('<section id="policy"'):]


def test_rule_rows_use_human_labels_with_the_dotted_key_in_a_details_line(judged: dict[str, Any]) -> None:
    html = _html(judged)
    key = f"fairness.attributes.{INTERSECTION}.equal_opportunity_difference"
    assert f'equal-opportunity gap for gender × age band<span class="key"><code>{key}</code></span>' in html


def test_metric_keys_get_human_labels_and_unknown_keys_are_humanised() -> None:
    from auditkit.report._labels import metric_label, rule_subject

    assert metric_label("faithfulness.by_k.0.05.random_sufficiency") == "sufficiency of random tokens (faithfulness, k = 0.05)"
    assert metric_label("performance.model.macro_f1") == "macro F1"
    assert metric_label("privacy.membership.tpr_at_1pct_fpr") == "TPR at 1pct FPR (membership)"
    assert rule_subject("fairness.attributes.gender×age_band.equal_opportunity_difference") == \
        "equal-opportunity gap for gender × age band"


def test_a_chart_axis_fits_small_values_instead_of_spanning_zero_to_one() -> None:
    chart = bar_chart("c", "top tokens", "d", [(f"t{i}", "importance", Metric(v)) for i, v in enumerate((0.055, 0.03, 0.012))])
    assert chart.ticks[0][1] == "0.00" and chart.ticks[-1][1] == "0.06"
    widest = max(bar.width for bar in chart.bars)
    assert widest > 0.8 * chart.plot_w


def test_the_chart_caption_promises_whiskers_only_when_they_are_drawn() -> None:
    plain = bar_chart("a", "t", "d", [("x", "s", Metric(0.2)), ("y", "s", Metric(0.1))])
    whiskered = bar_chart("b", "t", "d", [("x", "s", Metric(0.2, 0.1, 0.3))])
    assert all(bar.whisker is None for bar in plain.bars) and "no whiskers" in plain.caption
    assert whiskered.bars[0].whisker is not None and "whiskers the 95% confidence interval" in whiskered.caption


def test_long_per_group_tables_fold_into_one_details_block_without_script() -> None:
    card = make_scorecard()
    groups = card["fairness"]["attributes"]["age_band"]["groups"]
    for i in range(30):
        groups[f"band-{i}"] = copy.deepcopy(groups["female"])
    html = _html(card)
    fairness = html[html.index('<section id="fairness"'):html.index('<section id="performance"')]
    assert re.search(r'<details class="fold"><summary>Per-group metrics for age band \(32 groups\)</summary>', fairness)
    assert fairness.count("<table") < 12 and "<script" not in html.lower()


def test_key_columns_do_not_break_words_anywhere() -> None:
    css = _html(make_scorecard()).split("<style>")[1].split("</style>")[0]
    rule = re.search(r"th, td \{[^}]*\}", css)
    assert rule is not None and "overflow-wrap: anywhere" not in rule.group(0)
