"""The French language file: each recogniser finds its positives and leaves its negatives alone (no NER)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from auditkit.scrub import default_recognizers
from auditkit.scrub._checks import nir_ok
from auditkit.scrub._recognizers import MONO_SPANS

RECOGNIZERS = default_recognizers("fr")


def _nir(body: str) -> str:
    """A NIR with its correct key (2A/2B counted as 19/18)."""
    key = 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97
    return f"{body}{key:02d}"


def _spans(text: str, entity: str, *, mono: bool = False) -> list[tuple[int, int]]:
    artifacts = SimpleNamespace(**{MONO_SPANS: [(0, len(text))] if mono else []})
    spans = []
    for recognizer in RECOGNIZERS:
        if entity in recognizer.supported_entities:
            spans += [(r.start, r.end) for r in recognizer.analyze(text, [], artifacts) if r.score >= 0.35]  # type: ignore[arg-type]
    return spans


def _covered(text: str, entity: str, value: str, *, mono: bool = False) -> bool:
    start = text.index(value)
    spans = _spans(text, entity, mono=mono)
    return all(any(s <= i < e for s, e in spans) for i in range(start, start + len(value)) if text[i].isalnum())


VALID_NIR = _nir("1850578006084")
POSITIVE = [
    ("PHONE_NUMBER", "Tél : 06 12 34 56 78.", "06 12 34 56 78"),
    ("PHONE_NUMBER", "appelez le 01.45.67.89.10 demain", "01.45.67.89.10"),
    ("PHONE_NUMBER", "portable +33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("PHONE_NUMBER", "joindre au +33 (0)1 45 67 89 10", "+33 (0)1 45 67 89 10"),
    ("PHONE_NUMBER", "numéro 0612345678", "0612345678"),
    ("FR_NIR", f"NIR : {VALID_NIR}", VALID_NIR),
    ("FR_NIR", "sécu 2 69 05 2A 004 123 " + _nir("269052A004123")[-2:], "2 69 05 2A 004 123 " + _nir("269052A004123")[-2:]),
    ("FR_NIR", "n° " + _nir("175012B015001"), _nir("175012B015001")),
    ("STREET_ADDRESS", "Elle habite au 12 rue des Lilas depuis mai.", "12 rue des Lilas"),
    ("STREET_ADDRESS", "livraison : 4 bis, avenue du Général de Gaulle", "4 bis, avenue du Général de Gaulle"),
    ("STREET_ADDRESS", "Envoyer à Bât. B, 7 allée des Tilleuls", "Bât. B"),
    ("STREET_ADDRESS", "écrire à BP 4412", "BP 4412"),
    ("POSTAL_CODE", "12 rue Pasteur, 69003 Lyon", "69003 Lyon"),
    ("POSTAL_CODE", "Code postal : 75011", "75011"),
    ("POSTAL_CODE", "20000 Ajaccio", "20000 Ajaccio"),
    ("DATE_TIME", "né le 12/03/1985 à Lyon", "12/03/1985"),
    ("DATE_TIME", "vue le 3 janvier 2021", "3 janvier 2021"),
    ("DATE_TIME", "rendez-vous le 1er avril", "1er avril"),
    ("DATE_TIME", "consultation du 14 févr. 2023", "14 févr. 2023"),
    ("PERSON", "Je vous adresse Mme Sophie Martin pour avis.", "Sophie Martin"),
    ("PERSON", "Nom de famille : Lefèvre", "Lefèvre"),
    ("PERSON", "Bonjour Karim, merci.", "Karim"),
    ("PERSON", "Docteur Jean-Baptiste Le Goff", "Jean-Baptiste Le Goff"),
    ("LOCATION", "Elle habite à Clermont-Ferrand depuis 2010.", "Clermont-Ferrand"),
    ("MRN", "IPP : 00482913", "00482913"),
    ("AGE", "patiente de 94 ans", "94 ans"),
]
NEGATIVE = [
    ("PHONE_NUMBER", "Tension 150/90, pouls 88, 2 comprimés par jour."),
    ("FR_NIR", f"NIR : {VALID_NIR[:-2]}{(int(VALID_NIR[-2:]) + 1) % 100:02d}"),
    ("FR_NIR", "commande 1 85 05 78 006 084 00 livrée"),
    ("STREET_ADDRESS", "Il a marché 2 heures dans la rue."),
    ("POSTAL_CODE", "Le traitement dure 3 mois."),
    ("DATE_TIME", "Il prend 2 comprimés par jour."),
    ("PERSON", "la patiente se plaint de nausées après les repas"),
    ("AGE", "patient de 45 ans"),
]


@pytest.mark.parametrize(("entity", "text", "value"), POSITIVE, ids=[f"{p[0]}-{i}" for i, p in enumerate(POSITIVE)])
def test_french_recogniser_covers_every_character_of_a_planted_identifier(entity: str, text: str, value: str) -> None:
    assert _covered(text, entity, value), _spans(text, entity)


@pytest.mark.parametrize(("entity", "text"), NEGATIVE, ids=[f"{n[0]}-{i}" for i, n in enumerate(NEGATIVE)])
def test_french_recogniser_leaves_identifier_free_text_alone(entity: str, text: str) -> None:
    assert _spans(text, entity) == []


def test_lower_case_street_and_city_are_found_only_in_one_case_lines() -> None:
    text = "la nouvelle adresse c'est 12 rue des lilas, 69003 lyon"
    assert _covered(text, "STREET_ADDRESS", "12 rue des lilas", mono=True)
    assert _covered(text, "POSTAL_CODE", "69003 lyon", mono=True)
    assert not _covered(text, "STREET_ADDRESS", "12 rue des lilas", mono=False)


def test_nir_key_is_97_minus_the_number_mod_97() -> None:
    assert nir_ok(VALID_NIR)
    assert nir_ok(" ".join([VALID_NIR[0], VALID_NIR[1:3], VALID_NIR[3:5], VALID_NIR[5:7], VALID_NIR[7:10], VALID_NIR[10:13], VALID_NIR[13:]]))
    wrong = VALID_NIR[:-2] + f"{(int(VALID_NIR[-2:]) + 1) % 100:02d}"
    assert not nir_ok(wrong)


def test_nir_key_counts_corsica_2a_as_19_and_2b_as_18() -> None:
    a, b = _nir("269052A004123"), _nir("175012B015001")
    assert nir_ok(a) and nir_ok(b)
    assert _nir("2690519004123")[-2:] == a[-2:]
    assert not nir_ok(a.replace("2A", "2B"))


def test_nir_needs_fifteen_characters_and_a_valid_sex_digit() -> None:
    assert not nir_ok(VALID_NIR[:-1])
    assert not nir_ok("5" + VALID_NIR[1:])
    assert not nir_ok("1 85 05 XX 006 084 12")
