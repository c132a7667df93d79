"""The perturbation generators: seeded, label-preserving, and placeholders left alone."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from auditkit.config import PerturbationName
from auditkit.evaluate._perturb import PERTURBATIONS, perturb_texts
from auditkit.exceptions import FairnessError

NOTE = ("Intake note for <PERSON> (82-year-old woman). Complains of severe chest pain with shortness of breath "
        "for several weeks. She lives in Leeds. Mrs <PERSON> confirmed, MRN <MRN>.")
PLACEHOLDERS = re.compile(r"<[A-Z][A-Z_]*>")


def test_the_config_lists_every_registered_perturbation() -> None:
    assert set(get_args(PerturbationName)) == set(PERTURBATIONS)


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_every_perturbation_is_reproducible_from_its_seed(name: str) -> None:
    texts = [NOTE, NOTE.replace("woman", "man")]
    assert perturb_texts(texts, name, seed=4) == perturb_texts(texts, name, seed=4)


def test_a_text_is_perturbed_the_same_whichever_texts_surround_it() -> None:
    alone = perturb_texts([NOTE], "typo_keyboard", rate=0.2, seed=1)[0]
    first_of_two = perturb_texts([NOTE, "another note"], "typo_keyboard", rate=0.2, seed=1)[0]
    assert alone == first_of_two
    assert perturb_texts([NOTE], "typo_keyboard", rate=0.2, seed=2)[0] != alone


@pytest.mark.parametrize("name", ["typo_keyboard", "char_drop", "char_swap", "lower", "upper", "title",
                                  "punctuation", "whitespace", "abbreviations"])
def test_noise_never_touches_scrub_placeholders(name: str) -> None:
    out = perturb_texts([NOTE], name, rate=0.5, seed=0)[0]
    assert PLACEHOLDERS.findall(out) == PLACEHOLDERS.findall(NOTE)


def test_rate_zero_changes_nothing_and_rate_one_drops_every_letter_outside_placeholders() -> None:
    assert perturb_texts([NOTE], "char_drop", rate=0.0)[0] == NOTE
    dropped = perturb_texts([NOTE], "char_drop", rate=1.0)[0]
    assert not re.search(r"[A-Za-z]", PLACEHOLDERS.sub("", dropped))
    assert PLACEHOLDERS.findall(dropped) == PLACEHOLDERS.findall(NOTE)


def test_casing_changes_only_the_case() -> None:
    for name in ("lower", "upper", "title"):
        out = perturb_texts([NOTE], name)[0]
        assert PLACEHOLDERS.sub("", out).lower() == PLACEHOLDERS.sub("", NOTE).lower()
        assert out != NOTE


def test_keyboard_typos_use_neighbouring_keys() -> None:
    out = perturb_texts(["aaaa"], "typo_keyboard", rate=1.0, seed=0)[0]
    assert set(out) <= set("qwszx")


def test_placeholder_style_rewrites_every_placeholder_one_way() -> None:
    out = perturb_texts([NOTE], "placeholder_style", seed=3)[0]
    assert not PLACEHOLDERS.search(out)
    assert out.replace("Intake", "").count("[") + out.count("{") + out.count("*") + out.count("X") + out.count("<") >= 2


def test_names_fill_the_person_placeholder_with_one_name_per_text() -> None:
    out = perturb_texts([NOTE], "names", seed=0)[0]
    assert "<PERSON>" not in out and "<MRN>" in out
    filled = re.findall(r"for (.+?) \(82", out)[0]
    assert f"Mrs {filled} confirmed" in out


def test_places_swap_a_listed_place_for_another() -> None:
    out = perturb_texts([NOTE], "places", seed=0)[0]
    assert "Leeds" not in out and out.startswith("Intake note for <PERSON>")


def test_abbreviations_go_both_ways() -> None:
    short = perturb_texts(["Patient complains of chest pain with shortness of breath."], "abbreviations")[0]
    assert short == "pt c/o CP w/ SOB."
    assert perturb_texts(["pt c/o CP w/o SOB."], "abbreviations")[0] == "patient complains of chest pain without shortness of breath."


def test_a_perturbation_with_nothing_to_change_returns_the_text() -> None:
    assert perturb_texts(["a mild cough"], "names")[0] == "a mild cough"


def test_unknown_names_and_rates_are_refused() -> None:
    with pytest.raises(FairnessError, match=r"unknown perturbation 'typo'; expected one of typo_keyboard, char_drop"):
        perturb_texts([NOTE], "typo")
    with pytest.raises(FairnessError, match=r"perturbation rate must be within \[0, 1\], e.g. 0.05"):
        perturb_texts([NOTE], "char_drop", rate=1.5)
