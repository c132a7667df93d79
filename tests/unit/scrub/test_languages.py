"""Language packs are data: every shipped file loads, a new language is one YAML file, bad files are refused."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditkit.exceptions import ConfigError
from auditkit.scrub import _languages
from auditkit.scrub._languages import available_languages, load_language

SHIPPED = Path(_languages.__file__).parent / "languages"
GERMAN = """
language: de
spacy_model: de_core_news_sm
entities: [EMAIL_ADDRESS, PERSON, PHONE_NUMBER]
ner: {labels: {PER: PERSON, LOC: LOCATION}}
words: {name_stop: "herr frau dr"}
fragments:
  NAME: '([${UP}][${LO}]+(?:[ \\t]+[${UP}][${LO}]+)?)'
recognizers:
  - entity: PHONE_NUMBER
    context: [telefon, tel]
    patterns:
      - {name: national, score: 0.7, regex: '(?<!\\d)0\\d{2,4}[ /-]?\\d{4,8}(?!\\d)'}
  - entity: PERSON
    patterns:
      - {name: titled, score: 0.8, group: 1, regex: '\\b(?:Herr|Frau)[ \\t]+${NAME}'}
"""


@pytest.fixture
def language_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped language folder that tests may add files to."""
    folder = tmp_path / "languages"
    shutil.copytree(SHIPPED, folder)
    monkeypatch.setattr(_languages, "_folder", lambda: folder)
    load_language.cache_clear()
    yield folder
    load_language.cache_clear()


def _found(language: str, text: str, entity: str) -> list[str]:
    from auditkit.scrub import default_recognizers

    hits = []
    for recognizer in default_recognizers(language):
        if entity in recognizer.supported_entities:
            hits += [text[r.start : r.end] for r in recognizer.analyze(text, []) if r.score >= 0.35]
    return hits


@pytest.mark.parametrize("code", ["en", "fr"])
def test_every_shipped_language_file_loads_with_its_model_entities_and_word_list(code: str) -> None:
    pack = load_language(code)
    assert pack.spacy_model and "PERSON" in pack.entities and pack.recognizers
    assert len(pack.lower_words) > 10_000
    assert {"EMAIL_ADDRESS", "URL", "CREDIT_CARD"} <= {spec.entity for spec in pack.recognizers}


def test_a_third_language_is_one_data_file_and_no_code(language_folder: Path) -> None:
    (language_folder / "de.yaml").write_text(GERMAN, encoding="utf-8")
    assert "de" in available_languages()
    pack = load_language("de")
    assert pack.spacy_model == "de_core_news_sm" and pack.ner_labels["PER"] == "PERSON"
    assert _found("de", "Termin mit Herr Müller, Telefon 030 1234567", "PERSON") == ["Müller"]
    assert set(_found("de", "Termin mit Herr Müller, Telefon 030 1234567", "PHONE_NUMBER")) == {"030 1234567"}
    assert _found("de", "Schreiben Sie an anna@beispiel.de", "EMAIL_ADDRESS") == ["anna@beispiel.de"]


def test_a_language_without_a_file_names_the_config_key_and_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"scrub\.language: no language file for 'xx'.*add auditkit/scrub/languages/xx\.yaml"):
        load_language("xx")


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"spacy_modle": "x"}, r"xx\.yaml: spacy_modle: Extra inputs are not permitted"),
        ({"recognizers": [{"entity": "X", "patterns": [{"name": "p", "regex": "${NOPE}", "score": 0.5}]}]}, r"unknown fragment \$\{NOPE\}"),
        ({"recognizers": [{"entity": "X", "patterns": [{"name": "p", "regex": "a", "score": 0.5, "check": "crc"}]}]}, r"unknown check 'crc'"),
        ({"recognizers": [{"entity": "X", "patterns": [{"name": "p", "regex": "(", "score": 0.5}]}]}, r"X/p: invalid regular expression"),
        ({"recognizers": [{"entity": "X", "patterns": [{"name": "p", "regex": "a", "score": 1.5}]}]}, r"score: Input should be less than or equal to 1"),
    ],
    ids=["typo", "fragment", "check", "regex", "score"],
)
def test_a_broken_language_file_is_refused_with_the_file_and_the_key(
    language_folder: Path, patch: dict[str, Any], message: str
) -> None:
    import yaml

    data = {"language": "xx", "spacy_model": "m", "ner": {"labels": {"PER": "PERSON"}}, **patch}
    (language_folder / "xx.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_language("xx")


def test_the_scrub_config_takes_the_spacy_model_from_the_language_file() -> None:
    from auditkit.config import ScrubConfig

    assert ScrubConfig(language="fr").spacy_model == "fr_core_news_sm"
    assert ScrubConfig().spacy_model == load_language("en").spacy_model
    assert ScrubConfig(language="fr", spacy_model="my_model").spacy_model == "my_model"
