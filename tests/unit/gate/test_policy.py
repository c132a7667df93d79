"""Policy parsing: presets load, mistakes are refused with the key path and never echo values."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.exceptions import PolicyError, UserInputError
from auditkit.gate import PRESETS, Policy, load_policy, parse_policy

GOOD_RULE = {"id": "eo", "metric": "fairness.attributes.gender.equal_opportunity_difference", "op": "<", "threshold": 0.05}


@pytest.mark.parametrize("name", PRESETS)
def test_every_shipped_preset_loads_by_name(name: str) -> None:
    policy = load_policy(name)
    assert isinstance(policy, Policy)
    assert policy.name == name
    assert policy.rules


def test_strict_preset_judges_confidence_bounds() -> None:
    judges = {rule.judge for rule in load_policy("strict").rules if rule.metric.startswith("fairness.")}
    assert judges <= {"interval", "ci_low"}
    assert judges


def test_policy_file_loads_from_yaml(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    file.write_text("name: mine\nrules:\n  - {id: eo, metric: fairness.attributes.gender.equal_opportunity_difference, op: '<', threshold: 0.05, judge: ci_high}\n")
    policy = load_policy(file)
    assert policy.name == "mine"
    assert policy.rules[0].judge == "ci_high"
    assert policy.rules[0].severity == "error"


def test_a_bare_list_of_rules_is_accepted() -> None:
    assert parse_policy([GOOD_RULE]).rules[0].id == "eo"


def test_policy_error_is_a_user_input_error() -> None:
    assert issubclass(PolicyError, UserInputError)


def test_typo_in_rule_key_names_the_path_and_suggests_the_key() -> None:
    bad = {**GOOD_RULE, "treshold": 0.1}
    with pytest.raises(PolicyError, match=r"unknown key 'rules.0.treshold'; did you mean 'threshold'\?"):
        parse_policy({"rules": [bad]})


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"op": "=<"}, "rules.0.op"),
        ({"judge": "ci_mid"}, "rules.0.judge"),
        ({"severity": "fatal"}, "rules.0.severity"),
        ({"threshold": float("nan")}, "rules.0.threshold"),
        ({"metric": "fairness..gap"}, "rules.0.metric"),
        ({"id": "has space"}, "rules.0.id"),
    ],
)
def test_invalid_rule_values_are_refused_with_the_key_path(change: dict[str, object], where: str) -> None:
    with pytest.raises(PolicyError, match=f"invalid value at '{where}'"):
        parse_policy({"rules": [{**GOOD_RULE, **change}]})


def test_error_message_never_echoes_the_offending_value() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy({"rules": [{**GOOD_RULE, "threshold": "jane.doe@example.com"}]})
    assert "jane.doe" not in str(info.value)


def test_duplicate_rule_ids_are_refused() -> None:
    with pytest.raises(PolicyError, match="appears twice"):
        parse_policy({"rules": [GOOD_RULE, GOOD_RULE]})


def test_empty_rule_list_is_refused() -> None:
    with pytest.raises(PolicyError, match="rules"):
        parse_policy({"rules": []})


def test_unknown_preset_name_lists_the_presets() -> None:
    with pytest.raises(PolicyError, match="shipped presets are: default, four-fifths, identity-terms, release, strict"):
        load_policy("lenient")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "p.yaml"
    file.write_text("rules:\n  - id: [unclosed\n")
    with pytest.raises(PolicyError, match="not valid YAML at line"):
        load_policy(file)
