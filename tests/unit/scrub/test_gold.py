"""Gold-set evaluation: precision, recall, F1 and token survival, checked against a hand computation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditkit.cli._app import main
from auditkit.exceptions import DataError
from auditkit.scrub import Detection
from auditkit.scrub._gold import auditkit_type, evaluate_gold, read_gold
from tests.unit.scrub._stub import StubEngine, stub_scrubber

DOC1 = "Call Jane Roe at 555-201-3344 today."
DOC2 = "Email bob@example.org or visit Boston General."
DOC3 = "Seen on 2024-03-02 by nurse Ann."
SCOPE = ["DATE_TIME", "EMAIL_ADDRESS", "LOCATION", "PERSON", "PHONE_NUMBER"]


def _at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _write_gold(path: Path) -> Path:
    """Three documents in three common forms: presidio-research, ai4privacy, doccano."""
    lines = [
        {"full_text": DOC1, "spans": [
            {"entity_type": "PERSON", "start_position": _at(DOC1, "Jane Roe")[0], "end_position": _at(DOC1, "Jane Roe")[1]},
            {"entity_type": "PHONE_NUMBER", "start_position": _at(DOC1, "555-201-3344")[0], "end_position": _at(DOC1, "555-201-3344")[1]},
        ]},
        {"source_text": DOC2, "privacy_mask": [
            {"label": "EMAIL", "start": _at(DOC2, "bob@example.org")[0], "end": _at(DOC2, "bob@example.org")[1], "value": "x"},
            {"label": "ORG", "start": _at(DOC2, "Boston General")[0], "end": _at(DOC2, "Boston General")[1]},
        ]},
        {"text": DOC3, "label": [[*_at(DOC3, "2024-03-02"), "DATE"], [*_at(DOC3, "Ann"), "NAME"]]},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _detector(text: str) -> list[Detection]:
    found = {
        DOC1: [("PERSON", "Jane"), ("PHONE_NUMBER", "555-201-3344"), ("LOCATION", "today")],
        DOC2: [("EMAIL_ADDRESS", "bob@example.org"), ("LOCATION", "Boston")],
        DOC3: [("PHONE_NUMBER", "2024-03-02")],
    }[text]
    return [Detection(entity, *_at(text, part), 0.9) for entity, part in found]


def _value(metric: dict[str, Any]) -> float | None:
    return metric["value"]


def test_foreign_labels_map_to_auditkit_entity_names() -> None:
    assert [auditkit_type(x) for x in ("ZIPCODE", "per", "e-mail", "TELEPHONENUM", "dob", "Custom Tag")] == [
        "POSTAL_CODE", "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "DATE_TIME", "CUSTOM_TAG"]


def test_three_labelled_forms_are_read_with_their_types_mapped(tmp_path: Path) -> None:
    docs = read_gold(_write_gold(tmp_path / "gold.jsonl"))
    assert [[(s.entity, d.text[s.start : s.end]) for s in d.spans] for d in docs] == [
        [("PERSON", "Jane Roe"), ("PHONE_NUMBER", "555-201-3344")],
        [("EMAIL_ADDRESS", "bob@example.org"), ("ORGANIZATION", "Boston General")],
        [("DATE_TIME", "2024-03-02"), ("PERSON", "Ann")],
    ]


def test_gold_metrics_equal_the_hand_computation(tmp_path: Path) -> None:
    scrubber = stub_scrubber(StubEngine(SCOPE, _detector))
    report = evaluate_gold(scrubber, read_gold(_write_gold(tmp_path / "gold.jsonl")))
    rows = report["entities"]
    got = {t: (_value(r["precision"]), _value(r["recall"]), _value(r["f1"]), _value(r["token_survival"])) for t, r in rows.items()}
    assert got == {
        "PERSON": (1.0, 0.5, pytest.approx(2 / 3, abs=1e-6), pytest.approx(2 / 3, abs=1e-6)),
        "PHONE_NUMBER": (0.5, 1.0, pytest.approx(2 / 3, abs=1e-6), 0.0),
        "EMAIL_ADDRESS": (1.0, 1.0, 1.0, 0.0),
        "DATE_TIME": (None, 0.0, None, 0.0),
        "LOCATION": (0.0, None, None, None),
    }
    assert (rows["PERSON"]["support"], rows["PHONE_NUMBER"]["predicted"], rows["LOCATION"]["predicted"]) == (2, 2, 2)
    every = report["all"]
    assert (every["support"], every["predicted"]) == (5, 6)
    assert _value(every["recall"]) == 0.8 and _value(every["precision"]) == pytest.approx(4 / 6, abs=1e-6)
    assert _value(every["f1"]) == pytest.approx(2 * (4 / 6) * 0.8 / (4 / 6 + 0.8), abs=1e-6)
    assert _value(every["token_survival"]) == pytest.approx(2 / 12, abs=1e-6) and every["token_survival"]["n"] == 12
    assert _value(report["non_pii_tokens_kept"]) == 0.9 and report["non_pii_tokens_kept"]["n"] == 10
    assert report["out_of_scope"] == {"ORGANIZATION": 1} and report["documents"] == 3 and report["withheld"] == 0


def test_a_span_outside_its_text_is_refused_naming_the_line_not_the_text(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "Jane Roe", "spans": []}) + "\n"
                    + json.dumps({"text": "Secret Person", "entities": [{"type": "PERSON", "start": 3, "end": 40}]}) + "\n")
    with pytest.raises(DataError) as info:
        read_gold(gold)
    assert "line 2, span 1" in str(info.value) and "Secret" not in str(info.value)


def test_cli_gold_prints_the_table_and_writes_it_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import auditkit.scrub._scrubber as module

    monkeypatch.setattr(module, "DetectionEngine", lambda config, **_: StubEngine(SCOPE, _detector, config))
    gold = _write_gold(tmp_path / "gold.jsonl")
    code = main(["scrub", "--gold", str(gold), "--summary", str(tmp_path / "s.json")])
    out = capsys.readouterr().out
    summary = json.loads((tmp_path / "s.json").read_text())
    assert code == 0
    assert "PERSON" in out and "non-PII tokens kept: 0.900" in out and "Jane" not in out
    assert summary["gold"]["all"]["recall"]["value"] == 0.8 and "span overlap" in summary["gold"]["matching"]


def test_an_address_reported_as_street_city_and_zip_matches_one_gold_address(tmp_path: Path) -> None:
    text = "Ship to 12 Oak Street, Leeds LS1 4AB today."
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": text, "entities": [{"type": "ADDRESS", "start": 8, "end": 36}]}) + "\n")

    def detect(_: str) -> list[Detection]:
        parts = (("STREET_ADDRESS", "12 Oak Street"), ("LOCATION", "Leeds"), ("POSTAL_CODE", "LS1 4AB"))
        return [Detection(entity, *_at(text, part), 0.9) for entity, part in parts]

    engine = StubEngine(["LOCATION", "POSTAL_CODE", "STREET_ADDRESS"], detect)
    rows = evaluate_gold(stub_scrubber(engine), read_gold(gold))["entities"]
    assert rows["STREET_ADDRESS"]["recall"]["value"] == 1.0
    assert rows["LOCATION"]["precision"]["value"] == rows["POSTAL_CODE"]["precision"]["value"] == 1.0
    assert rows["STREET_ADDRESS"]["token_survival"]["value"] == 0.0
