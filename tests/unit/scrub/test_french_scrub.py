"""French end to end: ``scrub.language: fr`` loads the French model and language file and scrubs French text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pytest

from auditkit.config import ScrubConfig

LETTER = """Service de cardiologie
12, rue des Lilas
69003 Lyon
Tél. 04 72 11 22 33

Lyon, le 3 janvier 2024

Objet : Sophie Martin, née le 12/03/1985

Cher confrère,
J'ai revu Mme Martin en consultation le 28 décembre 2023. Elle habite au 4 bis, avenue Jean Jaurès,
75011 Paris avec son mari Karim Benali, joignable au +33 6 12 34 56 78 ou à karim.benali@orange.fr.
Son numéro de sécurité sociale est le {nir}.

Bien confraternellement,
Dr Aminata Diallo"""
IDENTIFIERS = [
    "Lilas", "69003", "04 72 11 22 33", "3 janvier 2024", "Sophie", "Martin", "12/03/1985", "28 décembre 2023",
    "Jaurès", "75011", "Karim", "Benali", "12 34 56 78", "karim.benali", "Aminata", "Diallo",
]


def _nir(body: str) -> str:
    return f"{body}{97 - int(body) % 97:02d}"


@lru_cache(maxsize=1)
def _scrubber() -> Any:
    from auditkit.scrub import Scrubber

    return Scrubber(ScrubConfig(language="fr", residual_sample=1.0))


def test_a_french_letter_loses_every_planted_identifier_and_keeps_its_prose() -> None:
    nir = _nir("2850369123045")
    out = _scrubber().scrub(LETTER.format(nir=nir))
    assert [value for value in [*IDENTIFIERS, nir] if value in out] == []
    for word in ("consultation", "confrère", "cardiologie", "sécurité sociale"):
        assert word in out


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_french_text_in_one_case_is_scrubbed_too(case: Any) -> None:
    text = case("Coucou c'est Karim Benali, mon nouveau numéro c'est le 06 12 34 56 78, j'habite 12 rue des Lilas, 69003 Lyon")
    out = _scrubber().scrub(text)
    assert not re.search(r"(?i)karim|benali|lilas|69003|56 78", out), out


def test_a_wrong_nir_key_is_not_reported_as_a_nir_but_the_digits_still_go() -> None:
    from auditkit.scrub import Detection

    good = _nir("1850578006084")
    bad = good[:-2] + f"{(int(good[-2:]) + 1) % 100:02d}"
    engine = _scrubber().engine
    (found_good,) = engine.detect_many([f"NIR : {good}"])
    (found_bad,) = engine.detect_many([f"NIR : {bad}"])
    assert any(isinstance(d, Detection) and d.entity == "FR_NIR" for d in found_good)
    assert not any(d.entity == "FR_NIR" for d in found_bad)
    assert bad not in _scrubber().scrub(f"NIR : {bad}")


def test_the_french_summary_names_its_language_and_model() -> None:
    scrubber = _scrubber()
    results = list(scrubber.scrub_cells([("1", "text", "Appelez Mme Durand au 01 45 67 89 10.")]))
    summary = scrubber.summarize(results, rows_total=1, seconds=0.1)
    assert summary.language == "fr" and summary.model == "fr_core_news_sm"
    assert summary.entities.get("PHONE_NUMBER") == 1 and summary.residual_entities == 0


def test_a_run_config_selects_french_with_one_key() -> None:
    from auditkit.config import parse_config

    config = parse_config({"data": {"path": "notes.csv"}, "scrub": {"language": "fr"}})
    assert config.scrub.language == "fr" and config.scrub.spacy_model == "fr_core_news_sm"


def test_the_cli_scrubs_french_with_language_fr_and_refuses_an_unknown_language(tmp_path: Any, capsys: Any) -> None:
    import json

    from auditkit.cli._app import main

    (tmp_path / "in.csv").write_text('id,note\nr1,"Mme Sophie Martin, tél 06 12 34 56 78."\n', encoding="utf-8")
    args = ["scrub", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.csv"), "--text-column", "note",
            "--summary", str(tmp_path / "s.json"), "--no-progress", "--no-recall-probe"]
    assert main([*args, "--language", "fr"]) == 0
    out = (tmp_path / "o.csv").read_text(encoding="utf-8")
    assert "Martin" not in out and "56 78" not in out
    assert json.loads((tmp_path / "s.json").read_text())["language"] == "fr"
    assert main([*args, "--language", "xx"]) == 2
    assert "scrub.language: no language file for 'xx'" in capsys.readouterr().err
