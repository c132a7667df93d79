"""The scorecard schema: validated on write and read; newer majors and bad documents refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.exceptions import SchemaError
from auditkit.report import (
    SCHEMA_VERSION,
    Scorecard,
    load_schema,
    load_scorecard,
    set_section,
    validate_scorecard,
    write_scorecard,
)


def _doc(run: Path) -> dict:
    return json.loads((run / "scorecard.json").read_text(encoding="utf-8"))


def _write_raw(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_assembled_demo_scorecard_passes_its_schema(demo_run: Path) -> None:
    doc = load_scorecard(demo_run / "scorecard.json")
    assert doc["schema_version"] == SCHEMA_VERSION
    assert Scorecard.from_dict(doc).status("fairness") == "ok"


def test_scorecard_from_newer_major_version_is_refused_with_upgrade_hint(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = "2.0"
    path = _write_raw(demo_run / "scorecard.json", doc)
    with pytest.raises(SchemaError) as err:
        load_scorecard(path)
    assert str(err.value) == "scorecard.json: schema_version 2.x is newer than this auditkit supports (1.x); upgrade auditkit to read it"


def test_scorecard_from_newer_minor_version_is_accepted(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = "1.9"
    validate_scorecard(doc)


@pytest.mark.parametrize("version", [None, "1", "one.zero", 1.0])
def test_malformed_schema_version_is_refused(demo_run: Path, version: object) -> None:
    doc = _doc(demo_run)
    doc["schema_version"] = version
    with pytest.raises(SchemaError, match="missing or malformed 'schema_version'"):
        validate_scorecard(doc)


def test_scorecard_failing_its_schema_is_refused_on_read(demo_run: Path) -> None:
    doc = _doc(demo_run)
    del doc["fairness"]
    with pytest.raises(SchemaError, match="required key\\(s\\) missing: fairness"):
        load_scorecard(_write_raw(demo_run / "scorecard.json", doc))


def test_section_not_run_without_reason_fails_the_schema(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["explanations"] = {"status": "not_run"}
    with pytest.raises(SchemaError, match="at 'explanations'"):
        validate_scorecard(doc)


def test_schema_error_message_never_echoes_the_bad_value(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["privacy"]["status"] = "<script>alert('jane.doe@example.com')</script>"
    with pytest.raises(SchemaError) as err:
        validate_scorecard(doc)
    assert "jane.doe" not in str(err.value) and "<script>" not in str(err.value)
    assert "privacy.status" in str(err.value)


def test_metric_leaf_with_unknown_keys_fails_the_schema(demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["performance"]["accuracy"] = {"value": 0.9, "stderr": 0.1}
    with pytest.raises(SchemaError, match="performance.accuracy"):
        validate_scorecard(doc)


def test_write_refuses_an_invalid_document_and_leaves_no_file(tmp_path: Path, demo_run: Path) -> None:
    doc = _doc(demo_run)
    doc["compute"]["status"] = "maybe"
    target = tmp_path / "out" / "scorecard.json"
    with pytest.raises(SchemaError):
        write_scorecard(doc, target)
    assert not target.exists()
    assert not any(target.parent.glob("*")) if target.parent.exists() else True


def test_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scorecard.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(SchemaError, match="not valid UTF-8 JSON"):
        load_scorecard(path)


def test_missing_scorecard_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="run 'auditkit run' first"):
        load_scorecard(tmp_path / "scorecard.json")


def test_set_section_adds_a_validated_policy_section(demo_run: Path) -> None:
    doc = set_section(demo_run / "scorecard.json", "policy", {"status": "ok", "verdict": "pass", "rules": []})
    assert load_scorecard(demo_run / "scorecard.json")["policy"]["verdict"] == "pass" == doc["policy"]["verdict"]
    with pytest.raises(SchemaError):
        set_section(demo_run / "scorecard.json", "policy", {"status": "failed"})
    assert load_scorecard(demo_run / "scorecard.json")["policy"]["verdict"] == "pass"


def test_schema_file_declares_draft_2020_12_and_a_strict_envelope() -> None:
    schema = load_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"schema_version", "identity", "policy", "compliance", "environment"} <= set(schema["required"])
