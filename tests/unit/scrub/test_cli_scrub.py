"""``auditkit scrub``: any table format in and out, other columns and row order kept, errors as exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.cli._app import main
from auditkit.scrub._engine import RowFailure

ROWS = pd.DataFrame(
    {
        "id": ["r3", "r1", "r2"],
        "note": ["Call Jane Roe on 555-201-3344", "no identifiers here", "Mr. Omar Shin, DOB 12/15/1969"],
        "title": ["Jane Roe visit", "routine", "follow-up"],
        "label": ["urgent", "routine", "routine"],
    }
)


@pytest.mark.parametrize(("src", "dst"), [("csv", "jsonl"), ("jsonl", "parquet"), ("parquet", "csv")])
def test_scrub_keeps_other_columns_and_row_order_across_formats(
    shared_engine: Any, tmp_path: Path, src: str, dst: str
) -> None:
    from auditkit.data import load_table, save_table

    save_table(ROWS, tmp_path / f"in.{src}")
    code = main([
        "scrub", str(tmp_path / f"in.{src}"), "-o", str(tmp_path / f"out.{dst}"), "--text-column", "note",
        "--text-column", "title", "--summary", str(tmp_path / "s.json"), "--no-progress", "--no-recall-probe",
    ])
    out = load_table(tmp_path / f"out.{dst}")
    assert code == 0
    assert list(out.columns) == list(ROWS.columns) and list(out["id"]) == ["r3", "r1", "r2"]
    assert list(out["label"]) == list(ROWS["label"])
    assert "Jane" not in " ".join(out["note"]) + " ".join(out["title"])
    assert out["note"][1] == "no identifiers here"
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["rows_total"] == 3 and summary["entities_by_column"]["title"] == {"PERSON": 1}


def test_missing_text_column_exits_2_naming_the_column(shared_engine: Any, tmp_path: Path, capsys: Any) -> None:
    ROWS.to_csv(tmp_path / "in.csv", index=False)
    code = main(["scrub", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.csv"), "--text-column", "body", "--no-recall-probe"])
    err = capsys.readouterr().err
    assert code == 2 and "'body'" in err and "Jane" not in err
    assert not (tmp_path / "o.csv").exists()


def test_unknown_output_extension_exits_2_before_any_work(tmp_path: Path, capsys: Any) -> None:
    ROWS.to_csv(tmp_path / "in.csv", index=False)
    code = main(["scrub", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.xlsx"), "--text-column", "note"])
    assert code == 2 and "xlsx" in capsys.readouterr().err


def test_keyed_operator_without_a_key_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.delenv("AUDITKIT_SCRUB_KEY", raising=False)
    ROWS.to_csv(tmp_path / "in.csv", index=False)
    code = main(["scrub", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.csv"), "--text-column", "note", "--operator", "hash"])
    assert code == 2 and "AUDITKIT_SCRUB_KEY" in capsys.readouterr().err


def test_withheld_rows_are_listed_by_id_and_exit_1_without_their_text(
    shared_engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = shared_engine.detect_many

    def failing(texts: list[str], **kw: Any) -> list[Any]:
        return [RowFailure("analysis failed (TimeoutError)") if "Omar" in t else r for t, r in zip(texts, real(texts, **kw), strict=True)]

    monkeypatch.setattr(shared_engine, "detect_many", failing)
    ROWS.to_csv(tmp_path / "in.csv", index=False)
    code = main([
        "scrub", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.csv"), "--text-column", "note",
        "--quarantine", str(tmp_path / "q.jsonl"), "--no-progress", "--no-recall-probe",
    ])
    out = (tmp_path / "o.csv").read_text()
    quarantine = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert code == 1
    assert "Omar" not in out and "[WITHHELD]" in out
    assert quarantine == [{"id": "r2", "column": "note", "reason": "analysis failed (TimeoutError)"}]
