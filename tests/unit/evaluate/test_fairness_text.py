"""Text-specific fairness: Borkan bias AUCs, groups derived from identity terms, term swaps."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from auditkit.evaluate._bias_auc import bias_aucs
from auditkit.evaluate._identity_groups import identity_groups
from auditkit.evaluate._term_swap import swap_terms, term_swap
from auditkit.exceptions import FairnessError


def test_bias_aucs_match_sklearn_on_the_borkan_subsets():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    g = rng.choice(["f", "m"], 400)
    s = np.clip(0.4 * y - 0.2 * ((g == "f") & (y == 1)) + 0.6 * rng.random(400), 0, 1)
    out = bias_aucs(y, s, g)
    inside, pos = g == "f", y == 1
    bpsn = (inside & ~pos) | (~inside & pos)
    bnsp = (inside & pos) | (~inside & ~pos)
    assert out["f"]["subgroup_auc"] == pytest.approx(roc_auc_score(y[inside], s[inside]))
    assert out["f"]["bpsn_auc"] == pytest.approx(roc_auc_score(y[bpsn], s[bpsn]))
    assert out["f"]["bnsp_auc"] == pytest.approx(roc_auc_score(y[bnsp], s[bnsp]))
    assert out["f"]["bnsp_auc"] < out["m"]["bnsp_auc"]  # the planted under-scoring of f positives shows


def test_bias_auc_with_tied_scores_counts_ties_as_half():
    y = np.array([0, 1, 0, 1])
    s = np.array([0.5, 0.5, 0.2, 0.9])
    assert bias_aucs(y, s, np.array(["a"] * 4))["a"]["subgroup_auc"] == pytest.approx(roc_auc_score(y, s))


def test_subgroup_auc_of_a_one_class_group_is_undefined():
    out = bias_aucs(np.array([0, 0, 1, 0]), np.array([0.1, 0.2, 0.9, 0.3]), np.array(["a", "a", "b", "b"]))
    assert out["a"]["subgroup_auc"] is None


def test_identity_groups_match_on_word_boundaries_ignoring_case():
    terms = {"female": ["she", "her", "woman"], "male": ["he", "his", "man"]}
    texts = ["SHE reports pain", "the man and his son", "She and he", "shelter the manual", "Woman-led"]
    assert identity_groups(texts, terms).tolist() == ["female", "male", "multiple", "none", "female"]


def test_identity_groups_refuse_reserved_and_empty_groups():
    with pytest.raises(FairnessError, match="reserved"):
        identity_groups(["x"], {"none": ["a"]})
    with pytest.raises(FairnessError, match="no terms"):
        identity_groups(["x"], {"f": [" "]})


def test_swap_terms_preserves_case_and_word_boundaries():
    text = "He told HIM that his Mrs. Hemsworth, a woman, is here"
    got = swap_terms(text, [("he", "she"), ("him", "her"), ("his", "her"), ("mr", "mrs"), ("man", "woman")])
    assert got == "She told HER that her Mr. Hemsworth, a man, is here"


def test_term_swap_measures_flips_only_on_affected_texts():
    def predict(texts: list[str]) -> np.ndarray:
        urgent = np.array([0.9 if " he " in f" {t.lower()} " else 0.2 for t in texts])
        return np.stack([1 - urgent, urgent], 1)

    texts = ["he has chest pain", "she has chest pain", "patient has a rash", "he is dizzy"]
    res = term_swap(predict, texts, [("he", "she"), ("boy", "girl")], n_boot=100, seed=0)
    pair = res.pairs["he/she"]
    assert pair.n_affected == 3
    assert pair.flip_rate.value == pytest.approx(1.0)
    assert pair.mean_abs_score_change.value == pytest.approx(0.7)
    assert res.pairs["boy/girl"].n_affected == 0 and res.pairs["boy/girl"].flip_rate.value is None
    card = res.to_scorecard()
    assert card["status"] == "ok" and card["n"] == 3 and card["flip_rate"]["value"] == pytest.approx(1.0)


def test_term_swap_of_an_identity_blind_model_has_zero_flip_rate():
    def predict(texts: list[str]) -> np.ndarray:
        urgent = np.array([0.8 if "pain" in t else 0.1 for t in texts])
        return np.stack([1 - urgent, urgent], 1)

    res = term_swap(predict, ["he has pain", "she is fine", "Mr X"], n_boot=50)
    assert res.overall is not None and res.overall.flip_rate.value == 0.0
    assert res.overall.mean_abs_score_change.value == 0.0


def test_term_swap_with_name_pairs_reports_them_together():
    def predict(texts: list[str]) -> np.ndarray:
        urgent = np.array([0.9 if "James" in t else 0.1 for t in texts])
        return np.stack([1 - urgent, urgent], 1)

    res = term_swap(predict, ["James is ill", "Mary is ill"], pairs=(), name_pairs=[("James", "Mary")], n_boot=0)
    assert res.pairs["names"].n_affected == 2 and res.pairs["names"].flip_rate.value == 1.0
