"""V1-V4: inputs that would mislead a metric are refused or marked inconclusive, never 'fair'."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import demographic_parity_difference, true_positive_rate

from auditkit.evaluate._fairness import assess
from auditkit.data._messages import NOT_UNICODE
from auditkit.evaluate._fairness_input import MISSING_VALUES, TOO_MANY_GROUPS
from auditkit.exceptions import FairnessError

LABELS = ["routine", "urgent"]
SECRET = "Zebulon-Quartz"  # a value that must never be echoed


def _base(n: int = 200, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, n), rng.integers(0, 2, n), rng.choice(["a", "b"], n).astype(object)


@pytest.mark.parametrize("container", ["list", "array", "series", "dataframe"])
def test_v1_missing_sensitive_values_raise_the_same_error_naming_column_and_count(container):
    y, pred, groups = _base()
    groups[[3, 7, 11]] = [None, np.nan, None]
    groups[5] = SECRET
    values = {"list": list(groups), "array": groups, "series": pd.Series(groups)}.get(container)
    features = pd.DataFrame({"gender": groups}) if container == "dataframe" else {"gender": values}
    with pytest.raises(FairnessError) as info:
        assess(y, pred, sensitive_features=features, labels=LABELS, n_boot=0)
    assert str(info.value) == MISSING_VALUES.format(column="gender", count=3)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("container", ["list", "array", "series", "dataframe"])
def test_v1_missing_value_spellings_are_missing_values_not_groups(container):
    y, pred, groups = _base()
    spellings = ["NaN", "None", "null", "nan", "NULL", "", "  "]
    groups[: len(spellings)] = spellings
    groups[10] = SECRET
    features = {"list": {"gender": list(groups)}, "array": {"gender": groups},
                "series": pd.Series(groups, name="gender"), "dataframe": pd.DataFrame({"gender": groups})}[container]
    with pytest.raises(FairnessError) as info:
        assess(y, pred, sensitive_features=features, labels=LABELS, n_boot=0)
    assert str(info.value) == MISSING_VALUES.format(column="gender", count=len(spellings))
    assert SECRET not in str(info.value)


def test_lone_surrogate_group_name_is_refused_naming_the_column():
    y, pred, groups = _base()
    groups[[2, 4]] = "\ud800"
    with pytest.raises(FairnessError) as info:
        assess(y, pred, sensitive_features={"gender": groups}, labels=LABELS, n_boot=0)
    assert str(info.value) == NOT_UNICODE.format(column="gender", count=2)


def test_v1_control_the_same_column_without_missing_values_is_accepted():
    y, pred, groups = _base()
    res = assess(y, pred, sensitive_features={"gender": groups}, labels=LABELS, n_boot=0)
    assert set(res.attributes["gender"].groups) == {"a", "b"}


def test_v2_group_without_positives_has_undefined_tpr_and_inconclusive_gap():
    y, pred, groups = _base(400)
    y[groups == "b"] = 0
    res = assess(y, pred, sensitive_features={"g": groups}, labels=LABELS, n_boot=50)
    tpr = res.attributes["g"].groups["b"].metrics["tpr"]
    gap = res.attributes["g"].gaps["equal_opportunity_difference"]
    assert tpr.value is None and "no positive" in tpr.reason
    assert gap.value is None and gap.reason.startswith("inconclusive")
    assert res.attributes["g"].gaps["equalized_odds_difference"].value is None
    # fairlearn alone reports 0.0 here, which is what this test guards against:
    assert true_positive_rate(y[groups == "b"], pred[groups == "b"]) == 0.0


def test_v2_group_without_negatives_has_undefined_fpr():
    y, pred, groups = _base(400)
    y[groups == "a"] = 1
    res = assess(y, pred, sensitive_features={"g": groups}, labels=LABELS, n_boot=0)
    assert res.attributes["g"].groups["a"].metrics["fpr"].value is None
    assert res.attributes["g"].gaps["equal_opportunity_difference"].value is not None
    assert res.attributes["g"].gaps["equalized_odds_difference"].value is None


def test_v3_single_group_is_inconclusive_not_zero():
    y, pred, _ = _base()
    res = assess(y, pred, sensitive_features={"g": ["only"] * len(y)}, labels=LABELS, n_boot=0)
    gap = res.attributes["g"].gaps["demographic_parity_difference"]
    assert gap.value is None and gap.reason.startswith("inconclusive")
    assert demographic_parity_difference(y, pred, sensitive_features=["only"] * len(y)) == 0.0


def test_v3_small_group_is_shown_flagged_and_left_out_of_gaps():
    y, pred, groups = _base(300)
    groups[:10] = "tiny"
    res = assess(y, pred, sensitive_features={"g": groups}, labels=LABELS, n_boot=0, min_group_size=30)
    tiny = res.attributes["g"].groups["tiny"]
    assert tiny.flagged and tiny.n == 10 and tiny.metrics["selection_rate"].value is not None
    eligible = groups != "tiny"
    expected = demographic_parity_difference(y[eligible], pred[eligible], sensitive_features=groups[eligible])
    assert res.attributes["g"].gaps["demographic_parity_difference"].value == pytest.approx(expected)
    assert any("min_group_size" in note for note in res.attributes["g"].notes)


def test_v3_only_one_group_above_min_size_is_inconclusive():
    y, pred, groups = _base(300)
    groups[:20] = "b"
    groups[20:] = "a"
    res = assess(y, pred, sensitive_features={"g": groups}, labels=LABELS, n_boot=0, min_group_size=30)
    assert res.attributes["g"].gaps["equal_opportunity_difference"].value is None


def test_v3_column_with_hundreds_of_values_is_refused_without_writing_them(tmp_path, caplog):
    y, pred, _ = _base(500)
    ids = np.array([f"{SECRET}-{i}" for i in range(500)])
    with pytest.raises(FairnessError) as info:
        assess(y, pred, sensitive_features={"patient_id": ids}, labels=LABELS, n_boot=0)
    assert str(info.value) == TOO_MANY_GROUPS.format(column="patient_id", count=500, limit=50)
    assert SECRET not in str(info.value) and SECRET not in caplog.text


def test_v4_empty_intersectional_cells_are_reported_empty_and_left_out():
    y, pred, _ = _base(400)
    gender = np.array(["f", "m"] * 200)
    age = np.array(["young"] * 400, dtype=object)
    age[np.flatnonzero(gender == "f")[::2]] = "old"  # no (m, old) rows
    res = assess(y, pred, sensitive_features={"gender": gender, "age": age}, labels=LABELS, n_boot=20)
    cell = res.attributes["gender×age"].groups["m×old"]
    assert cell.n == 0 and cell.flagged
    assert all(e.value is None and "empty" in e.reason for e in cell.metrics.values())
    assert res.attributes["gender×age"].gaps["demographic_parity_difference"].value is not None
    assert any("empty" in note for note in res.attributes["gender×age"].notes)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"y_pred": [0, 1]}, "y_pred has 2 entries"),
        ({"y_true": []}, "y_true is empty"),
        ({"y_true": [5] * 200}, "outside the 2 known labels"),
        ({"scores": np.zeros((200, 3))}, "expected (200, 2)"),
    ],
)
def test_malformed_arrays_get_what_expected_got_messages(kwargs, fragment):
    y, pred, groups = _base()
    args = {"y_true": y, "y_pred": pred, "scores": None, **kwargs}
    with pytest.raises(FairnessError, match=None) as info:
        assess(args["y_true"], args["y_pred"], args["scores"], sensitive_features={"g": groups}, labels=LABELS)
    assert fragment in str(info.value)


def test_v2_score_metrics_of_a_one_class_group_are_undefined_with_reasons():
    y, pred, groups = _base(400)
    y[groups == "b"] = 0
    score = np.linspace(0.01, 0.99, 400)
    res = assess(y, pred, np.stack([1 - score, score], 1), sensitive_features={"g": groups}, labels=LABELS, n_boot=20)
    metrics = res.attributes["g"].groups["b"].metrics
    assert metrics["roc_auc"].value is None and "one label class" in metrics["roc_auc"].reason
    assert metrics["bnsp_auc"].value is None
    assert metrics["calibration_error"].value is not None
    card = res.to_scorecard()["g"]["groups"]["b"]["roc_auc"]
    assert card == {"value": None, "ci_low": None, "ci_high": None, "reason": metrics["roc_auc"].reason}
