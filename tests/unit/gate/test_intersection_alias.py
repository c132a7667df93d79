"""A policy may name an intersection in ASCII (``gender*age_band`` or ``gender x age_band``) for the stored ``×`` key."""

from __future__ import annotations

import pytest

from auditkit.exceptions import PolicyError
from auditkit.gate import evaluate, parse_policy
from tests.unit.gate._cards import make_scorecard, metric

STORED = "gender×age_band"


def _card(gap: float) -> dict:
    card = make_scorecard()
    attrs = card["fairness"]["attributes"]
    attrs[STORED] = {**attrs["gender"], "equal_opportunity_difference": metric(gap, gap - 0.01, gap + 0.01)}
    return card


@pytest.mark.parametrize("spelling", ["gender*age_band", "gender x age_band", "gender×age_band"])
def test_every_spelling_judges_the_stored_intersection(spelling: str) -> None:
    policy = parse_policy([{"id": "eo_cross", "metric": f"fairness.attributes.{spelling}.equal_opportunity_difference",
                            "op": "<", "threshold": 0.1}])
    assert evaluate(_card(0.02), policy).status == "pass"
    failing = evaluate(_card(0.3), policy)
    assert failing.status == "fail"
    assert failing.outcomes[0].metric == f"fairness.attributes.{STORED}.equal_opportunity_difference"


def test_a_glob_looking_key_is_still_refused() -> None:
    with pytest.raises(PolicyError):
        parse_policy([{"id": "x", "metric": "fairness.attributes.gen*.equal_opportunity_difference", "op": "<", "threshold": 0.1}])
