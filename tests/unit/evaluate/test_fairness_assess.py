"""assess(): point values match fairlearn, intervals are seeded, intersections and multiclass work."""

from __future__ import annotations

import numpy as np
import pytest
from fairlearn.metrics import (
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

from auditkit.evaluate._fairness import assess

LABELS = ["routine", "urgent"]


def _data(n: int = 2000, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    gender = rng.choice(["female", "male"], n)
    age = rng.choice(["18-40", "41-65", "65+"], n)
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + 0.6 * rng.random(n) + 0.1 * (gender == "male"), 0, 1)
    return {"y": y, "pred": (score > 0.5).astype(int), "scores": np.stack([1 - score, score], 1), "gender": gender, "age": age}


@pytest.fixture(scope="module")
def data() -> dict[str, np.ndarray]:
    return _data()


@pytest.fixture(scope="module")
def result(data):
    return assess(
        data["y"], data["pred"], data["scores"], sensitive_features={"gender": data["gender"], "age": data["age"]},
        labels=LABELS, n_boot=200, seed=1,
    )


def test_gaps_equal_fairlearns_own_functions(data, result):
    gaps = result.attributes["gender"].gaps
    kw = {"sensitive_features": data["gender"]}
    assert gaps["demographic_parity_difference"].value == pytest.approx(demographic_parity_difference(data["y"], data["pred"], **kw))
    assert gaps["demographic_parity_ratio"].value == pytest.approx(demographic_parity_ratio(data["y"], data["pred"], **kw))
    assert gaps["equalized_odds_difference"].value == pytest.approx(equalized_odds_difference(data["y"], data["pred"], **kw))
    assert gaps["equal_opportunity_difference"].value == pytest.approx(equal_opportunity_difference(data["y"], data["pred"], **kw))
    assert gaps["four_fifths_ratio"].value == pytest.approx(gaps["demographic_parity_ratio"].value)


def test_group_rates_equal_fairlearns_own_functions(data, result):
    for group in ("female", "male"):
        mask = data["gender"] == group
        metrics = result.attributes["gender"].groups[group].metrics
        assert metrics["tpr"].value == pytest.approx(true_positive_rate(data["y"][mask], data["pred"][mask]))
        assert metrics["fpr"].value == pytest.approx(false_positive_rate(data["y"][mask], data["pred"][mask]))
        assert metrics["selection_rate"].value == pytest.approx(selection_rate(data["y"][mask], data["pred"][mask]))


def test_roc_auc_per_group_equals_sklearn(data, result):
    from sklearn.metrics import roc_auc_score

    mask = data["gender"] == "female"
    expected = roc_auc_score(data["y"][mask], data["scores"][mask, 1])
    assert result.attributes["gender"].groups["female"].metrics["roc_auc"].value == pytest.approx(expected)


def test_every_metric_and_gap_has_an_interval_around_its_value(result):
    attr = result.attributes["gender"]
    estimates = [*attr.gaps.values(), *(e for g in attr.groups.values() for e in g.metrics.values())]
    for est in estimates:
        assert est.ci_low is not None and est.ci_high is not None
        assert est.ci_low <= est.value + 1e-9 and est.value - 1e-9 <= est.ci_high


def test_same_seed_gives_identical_intervals_and_another_seed_differs(data):
    kw = {"sensitive_features": {"gender": data["gender"]}, "labels": LABELS, "n_boot": 100}
    a = assess(data["y"], data["pred"], data["scores"], seed=3, **kw).to_scorecard()
    b = assess(data["y"], data["pred"], data["scores"], seed=3, **kw).to_scorecard()
    c = assess(data["y"], data["pred"], data["scores"], seed=4, **kw).to_scorecard()
    assert a == b
    assert a != c


def test_intersection_of_two_columns_is_assessed_with_every_cell(result):
    cross = result.attributes["gender×age"]
    assert cross.columns == ("gender", "age")
    assert len(cross.groups) == 6
    assert sum(g.n for g in cross.groups.values()) == 2000


def test_scorecard_form_follows_the_metric_convention(result):
    card = result.to_scorecard()
    leaf = card["gender"]["groups"]["female"]["tpr"]
    assert set(leaf) == {"value", "ci_low", "ci_high", "reason"}
    assert card["gender"]["groups"]["female"]["flagged"] is False
    assert isinstance(card["gender"]["groups"]["female"]["n"], int)
    assert set(card["gender"]["equal_opportunity_difference"]) == {"value", "ci_low", "ci_high", "reason", "n", "mdg"}


def test_label_names_are_accepted_like_class_ids(data):
    names = np.array(LABELS)
    kw = {"sensitive_features": {"gender": data["gender"]}, "labels": LABELS, "n_boot": 0}
    by_id = assess(data["y"], data["pred"], **kw).to_scorecard()
    by_name = assess(names[data["y"]], names[data["pred"]], **kw).to_scorecard()
    assert by_id == by_name


def test_multiclass_is_assessed_one_vs_rest_for_the_positive_label():
    rng = np.random.default_rng(2)
    y, pred = rng.integers(0, 3, 600), rng.integers(0, 3, 600)
    groups = rng.choice(["a", "b"], 600)
    res = assess(y, pred, sensitive_features={"g": groups}, labels=["x", "y", "z"], positive_label="z", n_boot=0)
    expected = equal_opportunity_difference((y == 2).astype(int), (pred == 2).astype(int), sensitive_features=groups)
    assert res.positive_label == "z"
    assert res.attributes["g"].gaps["equal_opportunity_difference"].value == pytest.approx(expected)


def test_multiclass_without_positive_label_reports_every_label():
    rng = np.random.default_rng(3)
    y, pred = rng.integers(0, 3, 300), rng.integers(0, 3, 300)
    res = assess(y, pred, sensitive_features={"g": rng.choice(["a", "b"], 300)}, labels=["x", "y", "z"], n_boot=0)
    assert set(res.by_label) == {"x", "y", "z"}
    assert set(res.to_scorecard()) == {"g/x", "g/y", "g/z"}


def test_bootstrap_of_ten_thousand_predictions_finishes_and_is_seeded():
    data = _data(10_000, seed=5)
    res = assess(data["y"], data["pred"], data["scores"], sensitive_features={"gender": data["gender"]},
                 labels=LABELS, n_boot=1000, seed=0)
    gap = res.attributes["gender"].gaps["equal_opportunity_difference"]
    assert gap.ci_low < gap.value < gap.ci_high


def test_by_group_is_a_fairlearn_style_frame_with_nan_for_undefined() -> None:
    import math

    y_true = np.array([1, 1, 0, 0, 0, 0, 1, 0])
    y_pred = np.array([1, 0, 0, 1, 0, 0, 1, 0])
    gender = np.array(["f", "f", "f", "f", "m", "m", "m", "m"])
    age = np.array(["young", "old", "young", "old", "young", "old", "young", "old"])
    res = assess(y_true, y_pred, sensitive_features={"gender": gender, "age": age}, labels=["no", "yes"],
                 min_group_size=1, n_boot=0)
    frame = res.attributes["gender"].by_group
    assert list(frame.index) == ["f", "m"] and frame.index.name == "gender"
    assert frame.loc["f", "tpr"] == 0.5 and frame.loc["m", "selection_rate"] == 0.25
    assert frame.loc["f", "n"] == 4 and not frame.loc["f", "flagged"]
    cross = res.attributes["gender×age"].by_group
    assert cross.index.names == ["gender", "age"]
    assert math.isnan(cross.loc[("m", "old"), "tpr"])  # no positives: undefined, not 0
    every = res.by_group
    assert every.index.names == ["attribute", "group"] and ("gender×age", "f×young") in every.index
