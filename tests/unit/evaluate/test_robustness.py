"""The robustness suite finds a brittle model, and says so per group, with honest intervals."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.evaluate._robustness import NO_TEXT_CHANGED, TOO_FEW, assess_robustness
from auditkit.exceptions import FairnessError
from auditkit.scorecard import RobustnessSection


def _keyword_model(*, case_sensitive: bool):  # type: ignore[no-untyped-def]
    """'urgent' iff the text says 'chest pain' (exactly as written when case-sensitive)."""
    def predict(texts: list[str]) -> np.ndarray:
        hits = np.array([("chest pain" in (t if case_sensitive else t.lower())) for t in texts], dtype=float)
        return np.column_stack([1.0 - 0.8 * hits - 0.1, 0.8 * hits + 0.1])

    return predict


def _corpus(n_per_group: int = 60) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """Group 'a' notes carry the keyword as written; group 'b' notes are routine without it."""
    texts = ["She reports chest pain since this morning."] * n_per_group + ["He reports a mild cough."] * n_per_group
    labels = np.array([1] * n_per_group + [0] * n_per_group)
    return texts, labels, {"gender": np.array(["a"] * n_per_group + ["b"] * n_per_group)}


def test_a_case_sensitive_model_flips_under_upper_casing_for_one_group_only() -> None:
    texts, labels, groups = _corpus()
    result = assess_robustness(_keyword_model(case_sensitive=True), texts, labels, groups=groups,
                               perturbations=["upper"], n_boot=200, seed=1, min_group_size=20)
    upper = result.perturbations["upper"]
    assert upper.metrics["flip_rate"].value == pytest.approx(0.5)
    assert upper.metrics["flip_rate"].ci_low > 0.3
    assert upper.metrics["accuracy_change"].value == pytest.approx(-0.5)
    assert upper.metrics["accuracy_change"].ci_high < 0
    gender = upper.attributes["gender"]
    assert gender.groups["a"].metrics["flip_rate"].value == 1.0
    assert gender.groups["b"].metrics["flip_rate"].value == 0.0
    gap = gender.gaps["flip_rate_gap"]
    assert gap.value == 1.0 and gap.ci_low > 0.8 and gap.mdg is not None
    assert gender.gaps["accuracy_change_gap"].value == 1.0 and gender.gaps["accuracy_change_gap"].ci_low > 0.8


def test_a_robust_model_has_zero_flips_with_an_interval_that_is_not_zero_wide() -> None:
    texts, labels, groups = _corpus()
    result = assess_robustness(_keyword_model(case_sensitive=False), texts, labels, groups=groups,
                               perturbations=["upper"], n_boot=100, min_group_size=20)
    flip = result.perturbations["upper"].metrics["flip_rate"]
    assert flip.value == 0.0 and flip.ci_low == 0.0
    assert 0.0 < flip.ci_high < 0.05  # Wilson: 0 of 120 is not "certainly 0"
    gap = result.perturbations["upper"].attributes["gender"].gaps["flip_rate_gap"]
    assert gap.value == 0.0 and gap.ci_high > 0.0


def test_typos_break_an_exact_keyword_model() -> None:
    texts, labels, groups = _corpus()
    result = assess_robustness(_keyword_model(case_sensitive=True), texts, labels, groups=groups,
                               perturbations=["typo_keyboard", "char_drop"], rate=0.2, n_boot=100, min_group_size=20)
    for name in ("typo_keyboard", "char_drop"):
        assert result.perturbations[name].metrics["flip_rate"].ci_low > 0.0
        assert result.perturbations[name].metrics["macro_f1_change"].value < 0.0


def test_small_groups_are_flagged_and_a_gap_over_one_group_is_undefined_not_zero() -> None:
    texts, labels, groups = _corpus(n_per_group=20)
    result = assess_robustness(_keyword_model(case_sensitive=True), texts, labels, groups=groups,
                               perturbations=["upper"], n_boot=50, min_group_size=30)
    gender = result.perturbations["upper"].attributes["gender"]
    assert all(g.flagged for g in gender.groups.values())
    assert gender.gaps["flip_rate_gap"].value is None
    assert gender.gaps["flip_rate_gap"].reason.startswith("inconclusive: 0 group(s) with at least 30 affected texts")


def test_a_perturbation_that_changes_no_text_is_skipped_with_the_reason() -> None:
    texts, labels, groups = _corpus(n_per_group=5)
    result = assess_robustness(_keyword_model(case_sensitive=True), texts, labels, groups=groups,
                               perturbations=["names", "places"], n_boot=10)
    assert result.skipped == {"names": NO_TEXT_CHANGED, "places": NO_TEXT_CHANGED}
    section = result.to_scorecard()
    assert section["status"] == "not_run" and section["reason"] == "no perturbation changed any test text"
    RobustnessSection.model_validate(section)


def test_the_scorecard_section_validates_and_records_its_settings_and_sample() -> None:
    texts, labels, groups = _corpus()
    result = assess_robustness(_keyword_model(case_sensitive=True), texts, labels, groups=groups,
                               perturbations=["lower", "names"], n_boot=20, seed=3, max_texts=50, min_group_size=5)
    section = RobustnessSection.model_validate(result.to_scorecard())
    assert section.status == "ok" and section.n == 50 and section.sampled_from == 120
    assert section.skipped == {"names": NO_TEXT_CHANGED}
    assert set(section.perturbations["lower"].attributes["gender"].groups) == {"a", "b"}


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(FairnessError, match="sensitive column 'gender' has 1 rows but there are 2 texts; pass aligned arrays"):
        assess_robustness(_keyword_model(case_sensitive=True), ["x", "y"], [0, 1], groups={"gender": ["a"]})


def test_a_perturbation_that_changes_fewer_texts_than_a_group_needs_is_skipped_not_measured() -> None:
    texts, labels, groups = _corpus(n_per_group=20)
    texts[0] = "She lives in Leeds and reports chest pain."
    result = assess_robustness(_keyword_model(case_sensitive=True), texts, labels, groups=groups,
                               perturbations=["places", "upper"], n_boot=10, min_group_size=5)
    assert result.skipped == {"places": TOO_FEW.format(n=1, minimum=5)}
    assert result.skipped["places"] == "changed 1 test text(s), fewer than min_group_size=5: too few to measure"
    assert set(result.perturbations) == {"upper"}
