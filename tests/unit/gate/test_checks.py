"""Judging rules: every shipped check can fail (G2), and fail-closed outcomes for missing input."""

from __future__ import annotations

from typing import Any

import pytest

from auditkit.exceptions import PolicyError
from auditkit.gate import PRESETS, Rule, Verdict, evaluate, load_policy, parse_policy
from tests.unit.gate._cards import make_scorecard, metric, set_path

MARGIN = 0.001
PRESET_RULES = [(name, rule) for name in PRESETS for rule in load_policy(name).rules]


def _violating(rule: Rule, *, margin: float) -> float:
    """A judged value on the wrong side of ``rule.threshold`` by ``margin`` (negative margin: right side)."""
    return rule.threshold + margin if rule.op in ("<", "<=") else rule.threshold - margin


def _concrete(path: str) -> str:
    """A rule's metric path with each ``*`` replaced by a key the reference scorecard has."""
    path = path.replace("perturbations.*", "perturbations.typo_keyboard").replace("variants.*", "variants.int8_dynamic")
    path = path.replace("gap_increase.*", "gap_increase.gender")
    path = path.replace("recall_probe.*", "recall_probe.PERSON")
    return path.replace("attributes.*", "attributes.gender").replace("groups.*", "groups.muslim")


def _card_with(rule: Rule, judged: float) -> dict[str, Any]:
    return set_path(make_scorecard(identity_terms=True), _concrete(rule.metric), metric(judged, judged, judged))


def _delete(card: dict[str, Any], path: str) -> dict[str, Any]:
    out = set_path(card, path, None)
    node = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]
    return out


def _judge(rule: Rule, card: dict[str, Any]) -> Verdict:
    return evaluate(card, parse_policy({"name": "one", "rules": [rule.model_dump()]}))


def _single(verdict: Verdict, metric_path: str) -> str:
    return next(o.status for o in verdict.outcomes if o.metric == metric_path)


@pytest.mark.parametrize(("preset", "rule"), PRESET_RULES, ids=[f"{p}:{r.id}" for p, r in PRESET_RULES])
def test_every_preset_rule_fails_when_violated_by_a_small_margin(preset: str, rule: Rule) -> None:
    card = _card_with(rule, _violating(rule, margin=MARGIN))
    verdict = _judge(rule, card)
    status = _single(verdict, _concrete(rule.metric))
    if rule.severity == "error":
        assert status == "fail"
        assert verdict.exit_code == 1
        assert evaluate(card, load_policy(preset)).exit_code == 1
    else:
        assert status == "warn"
        assert verdict.exit_code == 0


@pytest.mark.parametrize(("preset", "rule"), PRESET_RULES, ids=[f"{p}:{r.id}" for p, r in PRESET_RULES])
def test_every_preset_rule_passes_just_inside_its_threshold(preset: str, rule: Rule) -> None:
    verdict = _judge(rule, _card_with(rule, _violating(rule, margin=-MARGIN)))
    assert _single(verdict, _concrete(rule.metric)) == "pass"


@pytest.mark.parametrize("preset", PRESETS)
def test_the_reference_scorecard_passes_every_preset(preset: str) -> None:
    verdict = evaluate(make_scorecard(identity_terms=True), load_policy(preset))
    assert verdict.status == "pass"
    assert verdict.exit_code == 0


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [("<", 0.05, "fail"), ("<=", 0.05, "pass"), (">", 0.05, "fail"), (">=", 0.05, "pass"), ("==", 0.05, "pass"), ("==", 0.0501, "fail")],
)
def test_comparison_operators_treat_the_boundary_exactly(op: str, value: float, expected: str) -> None:
    card = set_path(make_scorecard(), "performance.model.accuracy", value)
    rule = Rule(id="r", metric="performance.model.accuracy", op=op, threshold=0.05)  # type: ignore[arg-type]
    assert _judge(rule, card).outcomes[0].status == expected


def test_ci_high_judge_fails_when_only_the_upper_bound_crosses() -> None:
    card = set_path(make_scorecard(), "fairness.attributes.gender.equal_opportunity_difference", metric(0.03, 0.01, 0.051))
    rule = Rule(id="eo", metric="fairness.attributes.gender.equal_opportunity_difference", op="<", threshold=0.05, judge="ci_high")
    verdict = _judge(rule, card)
    assert verdict.outcomes[0].status == "fail"
    assert verdict.outcomes[0].observed == pytest.approx(0.051)
    assert _judge(rule.model_copy(update={"judge": "value"}), card).outcomes[0].status == "pass"


def test_undefined_metric_is_inconclusive_never_a_pass() -> None:
    card = set_path(make_scorecard(), "fairness.attributes.gender.equal_opportunity_difference", metric(None, reason="TPR undefined for 1 group(s)"))
    verdict = _judge(Rule(id="eo", metric="fairness.attributes.gender.equal_opportunity_difference", op="<", threshold=0.05), card)
    assert verdict.outcomes[0].status == "inconclusive"
    assert verdict.exit_code == 4
    assert "TPR undefined" in verdict.outcomes[0].message


def test_confidence_judge_on_a_metric_without_interval_is_inconclusive() -> None:
    rule = Rule(id="acc", metric="performance.model.accuracy", op=">", threshold=0.5, judge="ci_low")
    assert _judge(rule, make_scorecard()).exit_code == 4


def test_section_that_did_not_run_is_inconclusive() -> None:
    card = set_path(make_scorecard(), "fairness", {"status": "not_run", "reason": "no sensitive column"})
    verdict = evaluate(card, load_policy("default"))
    assert {o.status for o in verdict.outcomes if o.rule_id.startswith(("equal", "demographic_parity"))} == {"inconclusive"}
    assert verdict.exit_code == 4


def test_failed_section_is_inconclusive() -> None:
    card = set_path(make_scorecard(), "performance", {"status": "failed", "reason": "stage error"})
    rule = Rule(id="f1", metric="performance.model.macro_f1", op=">=", threshold=0.5)
    assert _judge(rule, card).outcomes[0].status == "inconclusive"


def test_allow_missing_skips_exactly_the_named_section_that_did_not_run_and_does_not_count_as_pass() -> None:
    rule = Rule(id="ex", metric="explanations.faithfulness.comprehensiveness", op=">", threshold=0.1, allow_missing=("explanations",))
    verdict = _judge(rule, make_scorecard())
    assert verdict.outcomes[0].status == "skipped"
    assert verdict.counts()["pass"] == 0
    assert verdict.exit_code == 0
    other = rule.model_copy(update={"allow_missing": ("privacy.membership",)})
    assert _judge(other, make_scorecard()).exit_code == 4


def test_allow_missing_never_accepts_a_failed_section() -> None:
    card = set_path(make_scorecard(), "explanations", {"status": "failed", "reason": "attribution crashed"})
    rule = Rule(id="ex", metric="explanations.faithfulness.comprehensiveness", op=">", threshold=0.1, allow_missing=("explanations",))
    verdict = _judge(rule, card)
    assert verdict.outcomes[0].status == "inconclusive"
    assert verdict.exit_code == 4


def test_allow_missing_true_is_refused_because_it_names_no_absence() -> None:
    with pytest.raises(PolicyError, match="allow_missing names the sections"):
        parse_policy([{"id": "x", "metric": "privacy.membership.auc", "op": "<", "threshold": 0.6, "allow_missing": True}])


def test_a_v1_fairness_path_is_refused_with_the_new_location() -> None:
    with pytest.raises(PolicyError, match="fairness.attributes"):
        parse_policy([{"id": "x", "metric": "fairness.*.equal_opportunity_difference", "op": "<", "threshold": 0.1}])


def test_missing_metric_path_is_inconclusive_and_blocks() -> None:
    rule = Rule(id="typo", metric="fairness.attributes.gender.equal_oportunity_difference", op="<", threshold=0.05)
    verdict = _judge(rule, make_scorecard())
    assert verdict.outcomes[0].status == "inconclusive"
    assert verdict.exit_code == 4
    assert "not found" in verdict.outcomes[0].message


def test_wildcard_matching_nothing_is_inconclusive_for_every_declared_attribute() -> None:
    verdict = _judge(Rule(id="w", metric="fairness.attributes.*.no_such_gap", op="<", threshold=0.05), make_scorecard())
    assert [o.status for o in verdict.outcomes] == ["inconclusive", "inconclusive"]
    assert verdict.exit_code == 4


@pytest.mark.parametrize(("preset", "rule"), PRESET_RULES, ids=[f"{p}:{r.id}" for p, r in PRESET_RULES])
def test_deleting_the_metric_a_preset_rule_needs_is_never_a_pass(preset: str, rule: Rule) -> None:
    path = _concrete(rule.metric)
    verdict = evaluate(_delete(make_scorecard(identity_terms=True), path), load_policy(preset))
    assert verdict.status != "pass"
    assert next(o.status for o in verdict.outcomes if o.metric == path) == "inconclusive"


@pytest.mark.parametrize("preset", [p for p in PRESETS if p != "identity-terms"])  # that one reads only `identity`
def test_deleting_a_declared_attribute_is_never_a_pass(preset: str) -> None:
    card = _delete(make_scorecard(), "fairness.attributes.age_band")
    verdict = evaluate(card, load_policy(preset))
    assert verdict.status == "inconclusive"
    missing = [o for o in verdict.outcomes if o.metric.startswith("fairness.") and "age_band" in o.metric]
    assert missing and all(o.status == "inconclusive" and "declared" in o.message for o in missing)


def test_a_configured_sensitive_column_counts_as_declared_even_without_the_declared_list() -> None:
    card = _delete(_delete(make_scorecard(), "fairness.attributes.age_band"), "fairness.declared")
    card = set_path(card, "config", {"status": "ok", "values": {"data": {"sensitive": ["gender", "age_band"]}}})
    assert evaluate(card, load_policy("default")).status == "inconclusive"


@pytest.mark.parametrize("preset", ["default", "strict", "release"])
def test_a_failed_canary_sweep_is_never_a_pass(preset: str) -> None:
    card = set_path(make_scorecard(), "privacy.canary_sweep", {"status": "failed", "reason": "sweep crashed"})
    verdict = evaluate(card, load_policy(preset))
    assert verdict.status == "inconclusive"


def test_a_privacy_section_that_did_not_run_is_never_a_pass() -> None:
    card = set_path(make_scorecard(), "privacy", {"status": "not_run", "reason": "privacy.enabled is false"})
    assert evaluate(card, load_policy("default")).status == "inconclusive"


def test_interval_rule_is_three_valued() -> None:
    rule = Rule(id="eo", metric="fairness.attributes.gender.equal_opportunity_difference", op="<", threshold=0.10, judge="interval")
    def status(lo: float, hi: float) -> str:
        card = set_path(make_scorecard(), rule.metric, {"value": (lo + hi) / 2, "ci_low": lo, "ci_high": hi, "reason": None, "mdg": 0.33})
        return _judge(rule, card).outcomes[0].status
    assert status(0.01, 0.09) == "pass"
    assert status(0.10, 0.30) == "fail"
    assert status(0.03, 0.30) == "inconclusive"
    assert status(0.0, 0.10) == "inconclusive"  # an upper bound at the threshold does not show it is below


def test_inconclusive_interval_rule_states_the_detectable_gap() -> None:
    rule = Rule(id="eo", metric="fairness.attributes.gender.equal_opportunity_difference", op="<", threshold=0.10, judge="interval")
    card = set_path(make_scorecard(), rule.metric, {"value": 0.16, "ci_low": 0.03, "ci_high": 0.30, "reason": None, "mdg": 0.334})
    outcome = _judge(rule, card).outcomes[0]
    assert outcome.message.startswith("this test set cannot tell")
    assert "it can detect a gap of 0.334 at 80% power" in outcome.message
    assert (outcome.value, outcome.ci_low, outcome.ci_high) == (0.16, 0.03, 0.30)


def test_interval_rule_on_a_ratio_passes_only_when_the_lower_bound_clears() -> None:
    rule = Rule(id="ff", metric="fairness.attributes.gender.four_fifths_ratio", op=">=", threshold=0.8, judge="interval")
    def status(lo: float, hi: float) -> str:
        return _judge(rule, set_path(make_scorecard(), rule.metric, metric((lo + hi) / 2, lo, hi))).outcomes[0].status
    assert (status(0.82, 0.95), status(0.5, 0.79), status(0.7, 0.9)) == ("pass", "fail", "inconclusive")


def test_a_small_test_set_is_not_a_pass_under_the_default_policy() -> None:
    """60 rows: the demo-sized gap with the wide interval such a set gives is inconclusive, never PASS."""
    wide = {"value": 0.05, "ci_low": 0.0, "ci_high": 0.42, "reason": None, "mdg": 0.41}
    card = make_scorecard()
    for attr in ("gender", "age_band"):
        for gap in ("equal_opportunity_difference", "equalized_odds_difference"):
            card = set_path(card, f"fairness.attributes.{attr}.{gap}", wide)
    verdict = evaluate(card, load_policy("default"))
    assert verdict.status == "inconclusive"
    assert verdict.exit_code == 4


def test_wildcard_checks_every_attribute_and_only_attributes() -> None:
    verdict = _judge(Rule(id="eo", metric="fairness.attributes.*.equal_opportunity_difference", op="<", threshold=0.05), make_scorecard())
    assert [o.id for o in verdict.outcomes] == ["eo[age_band]", "eo[gender]"]


def test_wildcard_failure_in_one_attribute_fails_the_gate() -> None:
    card = set_path(make_scorecard(), "fairness.attributes.age_band.equal_opportunity_difference", metric(0.2, 0.1, 0.3))
    verdict = _judge(Rule(id="eo", metric="fairness.attributes.*.equal_opportunity_difference", op="<", threshold=0.05), card)
    assert [o.status for o in verdict.outcomes] == ["fail", "pass"]
    assert verdict.exit_code == 1


def test_a_boolean_is_not_a_metric() -> None:
    card = set_path(make_scorecard(), "performance.model.accuracy", True)
    assert _judge(Rule(id="a", metric="performance.model.accuracy", op=">", threshold=0.5), card).outcomes[0].status == "inconclusive"


def test_warn_severity_failure_is_reported_but_does_not_block() -> None:
    card = set_path(make_scorecard(), "performance.model.accuracy", 0.4)
    verdict = _judge(Rule(id="a", metric="performance.model.accuracy", op=">", threshold=0.5, severity="warn"), card)
    assert verdict.outcomes[0].status == "warn"
    assert verdict.exit_code == 0


def test_failure_wins_over_inconclusive() -> None:
    card = set_path(make_scorecard(), "performance.model.accuracy", 0.4)
    card = set_path(card, "fairness.attributes.gender.equal_opportunity_difference", metric(None, reason="undefined"))
    policy = parse_policy(
        [
            {"id": "eo", "metric": "fairness.attributes.gender.equal_opportunity_difference", "op": "<", "threshold": 0.05},
            {"id": "acc", "metric": "performance.model.accuracy", "op": ">", "threshold": 0.5},
        ]
    )
    verdict = evaluate(card, policy)
    assert (verdict.status, verdict.exit_code) == ("fail", 1)


def test_regression_beyond_tolerance_fails_and_within_passes() -> None:
    policy = parse_policy([{"id": "eo", "metric": "fairness.attributes.gender.equal_opportunity_difference", "op": "<", "threshold": 0.1}])
    old = make_scorecard()  # gap 0.01
    worse = set_path(old, "fairness.attributes.gender.equal_opportunity_difference", metric(0.0351, 0.03, 0.04))
    slightly = set_path(old, "fairness.attributes.gender.equal_opportunity_difference", metric(0.034, 0.03, 0.04))
    bad = evaluate(worse, policy, baseline=old, tolerance=0.025)
    good = evaluate(slightly, policy, baseline=old, tolerance=0.025)
    assert [o.status for o in bad.outcomes] == ["pass", "fail"]
    assert bad.outcomes[1].id == "regression.eo"
    assert bad.exit_code == 1
    assert good.exit_code == 0


def test_regression_direction_follows_the_rule_comparison() -> None:
    policy = parse_policy([{"id": "f1", "metric": "performance.model.accuracy", "op": ">=", "threshold": 0.5}])
    old = set_path(make_scorecard(), "performance.model.accuracy", 0.9)
    better = set_path(old, "performance.model.accuracy", 0.95)
    worse = set_path(old, "performance.model.accuracy", 0.85)
    assert evaluate(better, policy, baseline=old, tolerance=0.0).exit_code == 0
    assert evaluate(worse, policy, baseline=old, tolerance=0.0).exit_code == 1


def test_regression_against_a_baseline_missing_the_metric_is_inconclusive() -> None:
    policy = parse_policy([{"id": "acc", "metric": "performance.model.accuracy", "op": ">=", "threshold": 0.5}])
    old = set_path(make_scorecard(), "performance", {"status": "not_run", "reason": "skipped"})
    verdict = evaluate(make_scorecard(), policy, baseline=old)
    assert verdict.outcomes[1].status == "inconclusive"
    assert verdict.exit_code == 4


def test_verdict_json_is_stable_and_has_counts() -> None:
    first = evaluate(make_scorecard(), load_policy("default")).to_json()
    second = evaluate(make_scorecard(), load_policy("default")).to_json()
    assert first == second
    assert first["counts"]["pass"] == len(first["rules"])
    assert (first["status"], first["verdict"], first["passed"]) == ("ok", "pass", True)


def test_a_canary_sweep_that_found_a_leak_fails_rather_than_being_inconclusive() -> None:
    leak = {"status": "failed", "reason": "1 canary hit(s) in 1 file(s)", "n_hits": 1}
    card = set_path(make_scorecard(), "privacy.canary_sweep", leak)
    card = set_path(card, "privacy.status", "failed")
    card = set_path(card, "privacy.reason", "failed: canary sweep")
    verdict = evaluate(card, load_policy("default"))
    assert next(o.status for o in verdict.outcomes if o.rule_id == "canary_sweep_clean") == "fail"
    assert verdict.exit_code == 1
