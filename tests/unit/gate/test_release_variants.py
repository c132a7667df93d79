"""The release preset's deployment and robustness rules: able to fail, and fail closed."""

from __future__ import annotations

import pytest

from auditkit.gate import evaluate, load_policy
from tests.unit.gate._cards import make_scorecard, metric, set_path

VARIANT = "deployment.variants.int8_dynamic"
EO_INCREASE = f"{VARIANT}.gap_increase.gender.equal_opportunity_difference"


def _outcome(card: dict, rule_id: str) -> list[str]:  # type: ignore[type-arg]
    return [o.status for o in evaluate(card, load_policy("release")).outcomes if o.rule_id == rule_id]


def test_a_variant_whose_gap_is_forced_above_the_margin_fails_the_release() -> None:
    card = set_path(make_scorecard(), EO_INCREASE, metric(0.08, 0.03, 0.13))
    verdict = evaluate(card, load_policy("release"))
    assert _outcome(card, "variant_gap_margin") == ["fail"]
    assert verdict.exit_code == 1


def test_a_variant_within_the_margin_passes() -> None:
    assert _outcome(set_path(make_scorecard(), EO_INCREASE, metric(0.04, -0.01, 0.09)), "variant_gap_margin") == ["pass"]


def test_a_group_the_variant_disagrees_on_fails_the_agreement_floor() -> None:
    card = set_path(make_scorecard(), f"{VARIANT}.agreement.lowest_group", metric(0.9, 0.84, 0.94, "lowest group: gender=male"))
    assert _outcome(card, "variant_group_agreement") == ["fail"]


def test_no_variant_configured_is_an_accepted_absence() -> None:
    card = set_path(make_scorecard(), "deployment", {"status": "not_run", "reason": "deployment.variants is empty"})
    assert _outcome(card, "variant_gap_margin") == ["skipped"]
    assert _outcome(card, "variant_group_agreement") == ["skipped"]


@pytest.mark.parametrize("where", ["deployment", VARIANT])
def test_a_failed_deployment_or_variant_is_never_a_pass(where: str) -> None:
    card = set_path(make_scorecard(), where, {"status": "failed", "reason": "could not build the variant on CPU"})
    assert _outcome(card, "variant_gap_margin") == ["inconclusive"]
    assert evaluate(card, load_policy("release")).status != "pass"


def test_an_undefined_gap_increase_is_inconclusive_not_a_pass() -> None:
    card = set_path(make_scorecard(), EO_INCREASE, metric(None, reason="the gap is undefined for a group"))
    assert _outcome(card, "variant_gap_margin") == ["inconclusive"]


def test_a_perturbation_that_flips_one_group_clearly_more_fails_and_a_robustness_stage_that_did_not_run_blocks() -> None:
    gap = "robustness.perturbations.typo_keyboard.attributes.gender.flip_rate_gap"
    assert _outcome(set_path(make_scorecard(), gap, metric(0.2, 0.12, 0.3)), "robustness_group_gap") == ["pass", "fail"]
    card = set_path(make_scorecard(), "robustness", {"status": "not_run", "reason": "robustness.enabled is false"})
    assert _outcome(card, "robustness_group_gap") == ["inconclusive"]
