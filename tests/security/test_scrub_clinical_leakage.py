"""Acceptance: on the bundled clinical corpus under 1% of inserted identifier tokens survive the CLI,
and no identifier reaches stderr, the summary or the quarantine file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[A-Z_]+>")


def _spans(corpus_csv: Path) -> dict[str, list[dict[str, Any]]]:
    spans: dict[str, list[dict[str, Any]]] = {}
    for line in (corpus_csv.parent / "pii_spans.jsonl").read_text().splitlines():
        record = json.loads(line)
        spans.setdefault(record["id"], []).append(record)
    return spans


def test_cli_scrub_of_the_clinical_corpus_leaves_under_one_percent_and_reports_no_values(
    example_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import auditkit.scrub._scrubber as module
    from auditkit.cli._app import main
    from auditkit.data import load_table
    from tests.unit.scrub._engine_cache import default_engine, use_config

    monkeypatch.setattr(module, "DetectionEngine", lambda config, **_: use_config(default_engine(), config))
    out, summary, quarantine = tmp_path / "out.jsonl", tmp_path / "s.json", tmp_path / "q.jsonl"
    code = main([
        "scrub", str(example_corpus), "-o", str(out), "--text-column", "text",
        "--summary", str(summary), "--quarantine", str(quarantine), "--no-progress",
    ])
    err = capsys.readouterr().err
    spans = _spans(example_corpus)
    original = {r["id"]: r["text"] for r in load_table(example_corpus).to_dict(orient="records")}
    scrubbed = {r["id"]: r["text"] for r in load_table(out).to_dict(orient="records")}
    total = survived = 0
    for note_id, records in spans.items():
        text, marks = original[note_id], [False] * len(original[note_id])
        for rec in records:
            marks[rec["start"] : rec["end"]] = [True] * (rec["end"] - rec["start"])
        clean = [m.group() for m in _WORD.finditer(text) if not marks[m.start()]]
        have = _WORD.findall(_TAG.sub(" ", scrubbed[note_id]))
        for rec in records:
            for token in _WORD.findall(rec["value"]):
                total += 1
                if have.count(token) > clean.count(token):
                    survived += 1
                    have.remove(token)
    reports = err + summary.read_text() + quarantine.read_text()
    values = {rec["value"] for records in spans.values() for rec in records}
    assert code == 0
    assert total > 1000 and survived / total < 0.01
    assert [v for v in values if v in reports] == []
