"""Identity-term audits: non-exclusive subgroups, Borkan AUCs, headline figures, absent terms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from auditkit.evaluate._bias_auc import bias_auc_matrix
from auditkit.evaluate._identity_terms import HEADLINE_METRICS, TERM_METRICS, assess_identity_terms
from auditkit.evaluate._lexicon import load_lexicon, term_membership
from auditkit.evaluate._term_stats import ratio_interval
from auditkit.evaluate._term_swap import term_swap
from auditkit.exceptions import FairnessError
from auditkit.gate import check_rule, evaluate, load_policy
from auditkit.scorecard import AttributeFairness

LABELS = ("non-toxic", "toxic")
PLANTED = {"gay": ["gay", "gays"], "muslim": ["muslim", "muslims"], "christian": ["christian"], "old": ["old", "elderly"],
           "sikh": ["sikh", "sikhs"]}


def _planted(seed: int = 0, per_term: int = 200, background: int = 1000) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, labels and scores where every non-toxic mention of 'gay' scores high; 'sikh' never occurs."""
    rng = np.random.default_rng(seed)
    texts, labels, scores = [], [], []
    for term in ("gay", "muslim", "christian", "old", None):
        for i in range(background if term is None else per_term):
            toxic = i % 2 == 0
            texts.append(f"{'you are awful' if toxic else 'a nice day'} {'' if term is None else 'for ' + term + ' folks'}")
            labels.append(int(toxic))
            if toxic:
                scores.append(rng.uniform(0.55, 0.95))
            else:
                scores.append(rng.uniform(0.9, 1.0) if term == "gay" else rng.uniform(0.0, 0.55))  # ~9% false positives
    s = np.asarray(scores)
    return texts, np.asarray(labels), np.stack([1 - s, s], axis=1)


def _assess(texts: list[str], y: np.ndarray, scores: np.ndarray, terms: dict[str, list[str]], **kw: object):
    lexicon = load_lexicon(terms)
    matrix = term_membership(texts, lexicon)
    return assess_identity_terms(y, scores.argmax(axis=1), scores, membership=matrix, terms=lexicon.names,
                                 labels=LABELS, **{"n_boot": 300, "min_group_size": 30, **kw})


@pytest.fixture(scope="module")
def planted():
    return _assess(*_planted(), PLANTED)


def _doc(result) -> dict[str, object]:
    return {"fairness": {"status": "ok", "attributes": {"identity": result.to_dict()}, "declared": ["identity"]}}


def test_a_term_whose_non_toxic_mentions_score_high_has_bpsn_far_below_the_others(planted) -> None:
    gay = planted.groups["gay"].metrics["bpsn_auc"]
    others = [planted.groups[t].metrics["bpsn_auc"] for t in ("muslim", "christian", "old")]
    assert gay.ci_high is not None and gay.ci_high < 0.2
    assert all(o.ci_low is not None and o.ci_low > 0.9 for o in others)
    assert planted.groups["gay"].metrics["fpr"].value == 1.0
    assert planted.groups["muslim"].metrics["fpr"].value < 0.2
    headline = planted.summary["min_bpsn_auc"]
    assert headline.value == gay.value and "gay" in (headline.reason or "")
    assert headline.ci_low <= gay.ci_low and headline.ci_high >= gay.ci_high  # Bonferroni: wider than the term's own


def test_the_identity_terms_preset_fails_on_the_planted_term(planted) -> None:
    doc = _doc(planted)
    policy = load_policy("identity-terms")
    by_id = {rule.id: rule for rule in policy.rules}
    assert [o.status for o in check_rule(doc, by_id["identity_min_bpsn_auc"])] == ["fail"]
    assert [o.status for o in check_rule(doc, by_id["identity_max_fpr_ratio"])] == ["fail"]
    per_term = {o.metric.split(".")[-2]: o.status for o in check_rule(doc, by_id["identity_term_fpr_ratio"])}
    assert per_term["gay"] == "warn" and set(per_term) == {"gay", "muslim", "christian", "old"}
    assert evaluate(doc, policy).exit_code == 1


def test_a_fair_model_passes_the_bpsn_rule() -> None:
    texts, y, scores = _planted()
    s = np.where(y == 1, 0.6 + 0.3 * scores[:, 1] % 0.3, 0.1 + scores[:, 1] % 0.3)  # every term ranks alike
    fair = _assess(texts, y, np.stack([1 - s, s], axis=1), PLANTED)
    rule = next(r for r in load_policy("identity-terms").rules if r.id == "identity_min_bpsn_auc")
    assert [o.status for o in check_rule(_doc(fair), rule)] == ["pass"]


def test_a_term_absent_from_the_data_is_reported_absent_not_as_a_group(planted) -> None:
    assert planted.absent == ("sikh",)
    assert "sikh" not in planted.groups
    assert any("absent" in note and "sikh" in note for note in planted.notes)
    assert planted.summary["equal_opportunity_difference"].value is not None
    assert planted.summary["equal_opportunity_difference"].n == 4 * 200  # present terms only, no pseudo-group
    assert not {"none", "multiple"} & set(planted.groups)


def test_the_scorecard_form_validates_as_an_attribute(planted) -> None:
    attr = AttributeFairness.model_validate(planted.to_dict())
    assert attr.absent == ["sikh"] and attr.columns == ["identity"]
    assert set(HEADLINE_METRICS) <= set(attr.metrics())
    assert set(TERM_METRICS) <= set(attr.groups["muslim"].metrics())
    assert attr.groups["gay"].n == 200


OVERLAP = {"african american": ["african american", "african americans"], "african": ["african", "africans"],
           "american": ["american", "americans"], "muslim": ["muslim", "muslims"]}
OVERLAP_TEXTS = [
    "an african american woman",            # 0: african american, african, american
    "African food",                          # 1: african
    "american cars",                         # 2: american
    "african americans in town",             # 3: african american, african, american
    "The African-American MUSLIM's view",    # 4: all four (hyphen and apostrophe split tokens)
    "an americano please",                   # 5: none (whole tokens only)
    "nothing here",                          # 6: none
    "a sunny day",                           # 7: none
]
OVERLAP_Y = np.array([0, 0, 1, 0, 1, 0, 1, 0])
OVERLAP_S = np.array([0.9, 0.2, 0.8, 0.7, 0.3, 0.1, 0.6, 0.55])


def test_overlapping_terms_count_every_mention_against_a_hand_computation() -> None:
    lexicon = load_lexicon(OVERLAP)
    matrix = term_membership(OVERLAP_TEXTS, lexicon)
    assert matrix.astype(int).tolist() == [
        [1, 1, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0],
    ]
    res = _assess(OVERLAP_TEXTS, OVERLAP_Y, np.stack([1 - OVERLAP_S, OVERLAP_S], axis=1), OVERLAP, min_group_size=1, n_boot=50)
    assert {t: g.n for t, g in res.groups.items()} == {"african american": 3, "african": 4, "american": 4, "muslim": 1}
    aa = res.groups["african american"].metrics
    # members 0, 3, 4: negatives 0 and 3 both predicted toxic; positive 4 missed
    assert aa["fpr"].value == 1.0 and aa["fnr"].value == 1.0
    # background negatives 1, 5, 7: only 7 (0.55) predicted toxic -> FPR 1/3, ratio 3
    assert aa["fpr_ratio"].value == pytest.approx(3.0)
    # BPSN: subgroup negatives {0.9, 0.7} vs background positives {0.8, 0.6}: only 0.8 > 0.7 -> 1/4
    assert aa["bpsn_auc"].value == pytest.approx(0.25)
    # BNSP: subgroup positive {0.3} vs background negatives {0.2, 0.1, 0.55} -> 2/3
    assert aa["bnsp_auc"].value == pytest.approx(2 / 3)
    assert aa["subgroup_auc"].value == 0.0
    african = res.groups["african"].metrics  # members 0, 1, 3, 4: negatives 0, 1, 3 -> 2 of 3 predicted toxic
    assert african["fpr"].value == pytest.approx(2 / 3)
    assert res.groups["muslim"].metrics["fpr"].value is None  # only a positive mention: undefined, not zero
    assert any("3 text(s) mention two or more terms" in n and "3 mention none" in n for n in res.notes)


def test_vectorised_aucs_agree_with_the_per_group_implementation_on_tied_scores() -> None:
    rng = np.random.default_rng(3)
    n, terms = 600, 7
    matrix = rng.random((n, terms)) < 0.2
    y = rng.random(n) < 0.4
    s = np.round(rng.random(n) * 0.5 + y * 0.3, 1)  # heavy ties
    res = assess_identity_terms(y.astype(int), (s > 0.5).astype(int), np.stack([1 - s, s], 1), membership=matrix,
                                terms=[f"t{i}" for i in range(terms)], labels=LABELS, n_boot=0)
    for t in range(terms):
        ref = bias_auc_matrix(s, y, matrix[:, t], np.ones((1, n)))
        for name, values in ref.items():
            assert res.groups[f"t{t}"].metrics[name].value == pytest.approx(float(values[0]), abs=1e-12)


def test_without_resamples_no_metric_has_an_interval(planted) -> None:
    res = _assess(*_planted(per_term=40, background=100), PLANTED, n_boot=0)
    leaves = [m for g in res.groups.values() for m in g.metrics.values()] + list(res.summary.values())
    assert all(m.ci_low is None and m.ci_high is None for m in leaves)


def test_the_same_seed_gives_identical_intervals() -> None:
    data = _planted(per_term=40, background=100)
    assert _assess(*data, PLANTED, seed=5).to_dict() == _assess(*data, PLANTED, seed=5).to_dict()


def test_small_terms_are_flagged_and_left_out_of_the_headline() -> None:
    texts, y, scores = _planted(per_term=40, background=100)
    res = _assess(texts, y, scores, PLANTED, min_group_size=50)
    assert all(g.flagged for g in res.groups.values())
    assert res.summary["min_bpsn_auc"].value is None and "min_group_size" in (res.summary["min_bpsn_auc"].reason or "")


def test_membership_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(FairnessError, match=r"membership has shape \(3, 1\); expected \(3, 2\)"):
        assess_identity_terms([0, 1, 0], [0, 1, 1], membership=np.zeros((3, 1), bool), terms=["a", "b"], labels=LABELS)


def test_a_multiclass_model_needs_a_positive_label() -> None:
    with pytest.raises(FairnessError, match="need positive_label"):
        assess_identity_terms([0, 1, 2], [0, 1, 2], membership=np.ones((3, 1), bool), terms=["a"], labels=("a", "b", "c"))


def test_ratio_interval_handles_zero_counts_and_covers() -> None:
    low, high = ratio_interval(np.array(0), np.array(40), np.array(50), np.array(4000), 1.96)
    assert low == 0.0 and 0 < high < 10
    rng = np.random.default_rng(0)
    x1, x2 = rng.binomial(60, 0.1, 5000), rng.binomial(2000, 0.05, 5000)
    low, high = ratio_interval(x1, np.full(5000, 60), x2, np.full(5000, 2000), 1.96)
    assert 0.93 <= float(np.mean((low <= 2.0) & (high >= 2.0))) <= 0.97


def test_builtin_lexicon_covers_the_six_categories_with_plural_and_adjective_forms() -> None:
    lexicon = load_lexicon("builtin")
    assert set(lexicon.categories.values()) == {
        "sexual_orientation", "gender_identity", "religion", "race_ethnicity_nationality", "disability", "age"}
    assert {"muslims", "islamic"} <= set(lexicon.terms["muslim"]) and "gays" in lexicon.terms["gay"]
    assert "african american" in lexicon.terms and "middle aged" in lexicon.terms


def test_a_user_lexicon_extends_and_trims_the_builtin(tmp_path: Path) -> None:
    file = tmp_path / "terms.yaml"
    file.write_text("extends: builtin\nremove: [old, young]\ncategories:\n  caste:\n    dalit: [dalit, dalits]\n"
                    "terms:\n  vegan: [Vegans, vegan]\n")
    lexicon = load_lexicon(file)
    assert "old" not in lexicon.terms and lexicon.categories["dalit"] == "caste" and "muslim" in lexicon.terms
    assert lexicon.terms["vegan"] == ("vegans", "vegan") and lexicon.categories["vegan"] == "custom"


@pytest.mark.parametrize(("content", "message"), [
    ("terms:\n  vegan: []\n", "term 'vegan' has no form with a word in it"),
    ("extends: mine\n", "'extends' must be 'builtin'"),
    ("colours: {red: [red]}\n", "unknown key(s) colours"),
    ("extends: builtin\nremove: [martian]\n", "'remove' must list terms the lexicon has"),
])
def test_malformed_lexicon_files_are_refused_with_the_fix(tmp_path: Path, content: str, message: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(content)
    with pytest.raises(FairnessError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_lexicon(file)


def test_a_missing_lexicon_file_names_the_alternatives(tmp_path: Path) -> None:
    with pytest.raises(FairnessError, match="identity-term file not found: 'nope.yaml'; pass 'builtin'"):
        load_lexicon(tmp_path / "nope.yaml")


def test_term_swap_is_bounded_to_a_seeded_sample_and_scores_each_text_once() -> None:
    seen: list[str] = []

    def predict(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return np.tile([0.4, 0.6], (len(texts), 1))

    texts = [f"he waited {i} hours" for i in range(50)] + ["no pronoun"] * 10
    res = term_swap(predict, texts, [("he", "she")], n_boot=20, max_texts=10, seed=1)
    assert res.overall is not None and res.overall.n_affected == 10 and res.sampled_from == 50
    assert len(seen) == len(set(seen)) == 20  # 10 originals + 10 swaps, each scored once
    assert res.to_scorecard()["sampled_from"] == 50
