"""Streaming ``auditkit scrub``: chunked output equals whole-file output; failures leave no output file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.cli._app import main
from auditkit.data import load_table, save_table
from auditkit.data._stream import TableWriter
from auditkit.exceptions import DataError
from auditkit.scrub import Detection
from tests.unit.scrub._stub import StubEngine

ROWS = pd.DataFrame({
    "id": [f"r{i}" for i in range(7)],
    "note": ["Call Jane Roe on 555-201-3344", "no identifiers here", "Mr. Omar Shin, DOB 12/15/1969",
             "email bob.stone@example.org please", "", "Seen by Dr. Ana Lima today", "SSN 219-09-9999 on file"],
    "label": ["urgent", "routine", "routine", "urgent", "routine", "urgent", "routine"],
})


def _scrub(src: Path, dst: Path, *extra: str) -> int:
    return main(["scrub", str(src), "-o", str(dst), "--text-column", "note", "--no-progress", "--no-recall-probe", *extra])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_streamed_output_equals_whole_file_output_row_for_row(shared_engine: Any, tmp_path: Path, fmt: str) -> None:
    from auditkit.config import ScrubConfig
    from auditkit.scrub import Scrubber, scrub_frame

    save_table(ROWS, tmp_path / f"in.{fmt}")
    code = _scrub(tmp_path / f"in.{fmt}", tmp_path / f"out.{fmt}", "--chunk-rows", "2", "--summary", str(tmp_path / "s.json"))
    whole = scrub_frame(load_table(tmp_path / f"in.{fmt}"), ["note"], scrubber=Scrubber(ScrubConfig(recall_probe=False)))
    save_table(whole.frame, tmp_path / f"ref.{fmt}")
    streamed, reference = load_table(tmp_path / f"out.{fmt}"), load_table(tmp_path / f"ref.{fmt}")
    summary = json.loads((tmp_path / "s.json").read_text())
    assert code == 0
    pd.testing.assert_frame_equal(streamed, reference)
    assert "Jane" not in " ".join(streamed["note"]) and streamed["note"][1] == "no identifiers here"
    assert summary["entities"] == dict(sorted(whole.summary.entities.items())) and summary["rows_total"] == 7
    assert summary["rows_touched"] == whole.summary.rows_touched


def _big(tmp_path: Path, n: int = 300, boom: int = 250) -> Path:
    notes = [f"note {i}: call 555-201-{i:04d}" if i != boom else "BOOM" for i in range(n)]
    path = tmp_path / "big.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(n)], "note": notes}).to_csv(path, index=False)
    return path


def _phone_engine(config: Any) -> StubEngine:
    def detect(text: str) -> list[Detection]:
        if text == "BOOM":
            raise RuntimeError("recogniser crashed")
        start = text.find("555")
        return [Detection("PHONE_NUMBER", start, start + 12, 0.9)] if start >= 0 else []

    return StubEngine(["PHONE_NUMBER"], detect, config)


@pytest.mark.parametrize("existing", [False, True])
def test_a_failure_mid_write_leaves_no_output_file_and_any_old_one_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    import auditkit.scrub._scrubber as module

    monkeypatch.setattr(module, "DetectionEngine", lambda config, **_: _phone_engine(config))
    written: list[int] = []
    real_write = TableWriter.write
    monkeypatch.setattr(TableWriter, "write", lambda self, frame: (written.append(len(frame)), real_write(self, frame))[1])
    out = tmp_path / "out" / "o.jsonl"
    out.parent.mkdir()
    if existing:
        out.write_text("old\n")
    code = _scrub(_big(tmp_path), out, "--chunk-rows", "50")
    assert code == 3 and sum(written) >= 100
    assert (out.read_text() == "old\n") if existing else not out.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == (["o.jsonl"] if existing else [])


def test_ids_repeated_across_chunks_are_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import auditkit.scrub._scrubber as module

    monkeypatch.setattr(module, "DetectionEngine", lambda config, **_: _phone_engine(config))
    frame = pd.DataFrame({"id": ["a", "b", "c", "a"], "note": ["x 555-201-0001", "y", "z", "Jane 555-201-0002"]})
    frame.to_csv(tmp_path / "in.csv", index=False)
    code = _scrub(tmp_path / "in.csv", tmp_path / "o.csv", "--chunk-rows", "2")
    err = capsys.readouterr().err
    assert code == 2 and "repeats 1 id" in err and "Jane" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_table_writer_refuses_a_chunk_whose_columns_differ(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="columns changed at row 2"), TableWriter(tmp_path / "o.csv") as writer:
        writer.write(pd.DataFrame({"a": ["1"]}))
        writer.write(pd.DataFrame({"b": ["2"]}))
    assert list(tmp_path.iterdir()) == []


def test_streaming_cli_runs_the_recall_probe_on_a_bounded_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditkit.scrub._scrubber as module

    monkeypatch.setattr(module, "DetectionEngine", lambda config, **_: _phone_engine(config))
    path = _big(tmp_path, n=120, boom=-1)
    config = tmp_path / "audit.yaml"
    config.write_text("data: {path: x.csv, labels: [a, b]}\nmodel: {path: m}\nscrub: {probe_per_type: 25}\n")
    code = main(["scrub", str(path), "-o", str(tmp_path / "o.parquet"), "--text-column", "note", "--no-progress",
                 "--config", str(config), "--summary", str(tmp_path / "s.json"), "--chunk-rows", "40"])
    summary = json.loads((tmp_path / "s.json").read_text())
    assert code == 0 and summary["rows_total"] == 120
    assert summary["recall_probe"]["PHONE_NUMBER"]["n"] == 25 and summary["recall_probe_info"]["host_texts"] == 5
