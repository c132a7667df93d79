"""The scorecard package: one loader with one version check, models validated both ways, sealed writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.exceptions import SchemaError, UserInputError
from auditkit.scorecard import (
    SCHEMA_VERSION,
    Metric,
    content_digest,
    json_schema,
    load_document,
    load_scorecard,
    parse_scorecard,
    read_scorecard,
    set_section,
    write_scorecard,
)
from tests.unit.report._runs import demo_run  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[3]


def _doc(run: Path) -> dict:
    return json.loads((run / "scorecard.json").read_text(encoding="utf-8"))


def _write_raw(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_assembled_demo_scorecard_loads_into_the_models(demo_run: Path) -> None:
    card = load_scorecard(demo_run / "scorecard.json")
    assert card.schema_version == SCHEMA_VERSION
    assert card.fairness.status == "ok"
    gap = card.fairness.attributes["gender"].equal_opportunity_difference
    assert isinstance(gap, Metric) and gap.value is not None


def test_plain_numbers_are_read_as_metrics_of_the_one_metric_type(demo_run: Path) -> None:
    card = load_scorecard(demo_run / "scorecard.json")
    ece = card.performance.model.metrics()["ece"]  # written as a plain number by the stage
    assert ece == Metric(0.042)


def test_an_attribute_named_like_a_bookkeeping_key_does_not_collide(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["fairness"]["attributes"]["baseline"] = doc["fairness"]["attributes"]["gender"]
    card = parse_scorecard(doc)
    assert set(card.fairness.attributes) >= {"baseline", "gender"}
    assert card.fairness.baseline is not None and "gender" in card.fairness.baseline.attributes


def test_scorecard_from_newer_major_version_is_refused_with_upgrade_hint(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = "3.0"
    with pytest.raises(SchemaError) as err:
        load_scorecard(_write_raw(demo_run / "scorecard.json", doc))
    assert str(err.value) == "scorecard.json: schema_version 3.x is newer than this auditkit reads (2.x); upgrade auditkit"


def test_scorecard_from_an_older_major_version_is_refused_with_a_rerun_hint(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = "1.0"
    with pytest.raises(SchemaError, match="older than this auditkit reads"):
        load_scorecard(_write_raw(demo_run / "scorecard.json", doc))


def test_scorecard_from_newer_minor_version_is_accepted(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = "2.9"
    parse_scorecard(doc)


@pytest.mark.parametrize("version", [None, "2", "one.zero", 2.0])
def test_malformed_schema_version_is_refused(demo_run: Path, version: object) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = version
    with pytest.raises(SchemaError, match="missing or malformed 'schema_version'"):
        parse_scorecard(doc)


def test_scorecard_missing_a_section_is_refused_on_read(demo_run: Path) -> None:
    doc = _doc(demo_run)
    del doc["fairness"]
    with pytest.raises(SchemaError, match="at 'fairness'"):
        load_scorecard(_write_raw(demo_run / "scorecard.json", doc))


def test_section_not_run_without_reason_is_refused(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["explanations"] = {"status": "not_run"}
    with pytest.raises(SchemaError, match="at 'explanations'"):
        parse_scorecard(doc)


def test_schema_error_message_never_echoes_the_bad_value(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["privacy"]["status"] = "<script>alert('jane.doe@example.com')</script>"
    with pytest.raises(SchemaError) as err:
        parse_scorecard(doc)
    assert "jane.doe" not in str(err.value) and "<script>" not in str(err.value)
    assert "privacy.status" in str(err.value)


def test_metric_with_unknown_keys_is_refused(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["performance"]["model"]["accuracy"] = {"value": 0.9, "stderr": 0.1}
    with pytest.raises(SchemaError, match="performance.model.*'accuracy' is not a metric"):
        parse_scorecard(doc)


def test_a_group_metric_that_is_not_a_metric_is_refused(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["fairness"]["attributes"]["gender"]["groups"]["female"]["tpr"] = "high"
    with pytest.raises(SchemaError, match="fairness.attributes.gender"):
        parse_scorecard(doc)


def test_write_refuses_an_invalid_document_and_leaves_no_file(tmp_path: Path, demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["compute"]["status"] = "maybe"
    target = tmp_path / "out" / "scorecard.json"
    with pytest.raises(SchemaError):
        write_scorecard(doc, target)
    assert not target.exists()


def test_every_write_is_sealed_with_the_digest_of_its_evidence(demo_run: Path) -> None:
    raw, _ = read_scorecard(demo_run / "scorecard.json")
    assert raw["integrity"]["content_sha256"] == content_digest(raw)
    assert set(raw["integrity"]["sections"]) == set(raw) - {"integrity", "policy"}


def test_the_verdict_section_is_not_evidence_so_recording_it_keeps_the_digest(demo_run: Path) -> None:
    before, _ = read_scorecard(demo_run / "scorecard.json")
    set_section(demo_run / "scorecard.json", "policy", {"status": "ok", "verdict": "pass", "rules": []})
    after, _ = read_scorecard(demo_run / "scorecard.json")
    assert after["policy"]["verdict"] == "pass"
    assert after["integrity"]["content_sha256"] == before["integrity"]["content_sha256"]


def test_editing_evidence_changes_the_digest(demo_run: Path) -> None:
    raw, _ = read_scorecard(demo_run / "scorecard.json")
    raw["fairness"]["attributes"]["gender"]["equal_opportunity_difference"]["ci_low"] -= 0.01
    assert content_digest(raw) != raw["integrity"]["content_sha256"]


def test_set_section_refuses_an_invalid_section_and_keeps_the_file(demo_run: Path) -> None:
    set_section(demo_run / "scorecard.json", "policy", {"status": "ok", "verdict": "pass", "rules": []})
    with pytest.raises(SchemaError):
        set_section(demo_run / "scorecard.json", "policy", {"status": "failed"})
    assert load_document(demo_run / "scorecard.json")["policy"]["verdict"] == "pass"


def test_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scorecard.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(SchemaError, match="not valid UTF-8 JSON"):
        load_scorecard(path)


def test_missing_scorecard_file_is_a_user_error_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="scorecard not found"):
        load_scorecard(tmp_path / "scorecard.json")


def test_committed_schema_file_is_the_one_generated_from_the_models() -> None:
    committed = json.loads((REPO / "schemas" / "scorecard.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "regenerate with: python -m auditkit.scorecard > schemas/scorecard.schema.json"


def test_generated_schema_declares_draft_2020_12_and_the_required_sections() -> None:
    schema = json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"schema_version", "identity", "fairness", "policy", "compliance", "environment"} <= set(schema["required"])
