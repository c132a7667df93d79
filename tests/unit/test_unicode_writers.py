"""JSON and table writers write valid UTF-8 for any string: lone surrogates become U+FFFD, the rest is kept."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit._io import atomic_write_json, read_json
from auditkit._unicode import utf8_safe
from auditkit.data import load_table, save_table

ODD = "g\ud800\x01\u2028x"
WRITTEN = "g\ufffd\x01\u2028x"  # what any reader gets back


def test_utf8_safe_replaces_lone_surrogates_joins_pairs_and_keeps_everything_else() -> None:
    assert utf8_safe(ODD) == WRITTEN
    assert utf8_safe("\ud83d\ude00 \udc00") == "\U0001f600 \ufffd"
    clean = "plain \x07 text \u2029"
    assert utf8_safe(clean) is clean


def test_json_writer_escapes_controls_and_replaces_a_lone_surrogate(tmp_path: Path) -> None:
    path = atomic_write_json(tmp_path / "x.json", {ODD: [ODD], "groups": {ODD: 1}})
    raw = path.read_bytes()
    raw.decode("utf-8")  # strict
    assert b"\\u0001" in raw and b"\x01" not in raw
    assert read_json(path) == {WRITTEN: [WRITTEN], "groups": {WRITTEN: 1}}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_table_writers_accept_odd_strings_in_cells(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({"id": ["a", "b"]})
    frame["group"] = pd.Series([ODD, "m"], dtype=object)  # only object columns can hold a lone surrogate
    back = load_table(save_table(frame, tmp_path / f"t{suffix}"))
    assert back["group"].tolist() == [WRITTEN, "m"]


def test_predictions_parquet_accepts_odd_group_names(tmp_path: Path) -> None:
    from auditkit.evaluate import Predictions

    preds = Predictions(
        ids=np.array(["a", "b"], dtype=object), y_true=np.array([0, 1]), y_pred=np.array([0, 1]),
        scores=np.array([[0.9, 0.1], [0.2, 0.8]]), labels=["routine", "urgent"],
        groups={ODD: np.array([ODD, "m"], dtype=object)}, positive_label="urgent",
    )
    back = Predictions.load(preds.save(tmp_path / "p.parquet"))
    assert list(back.groups) == [WRITTEN] and back.groups[WRITTEN].tolist() == [WRITTEN, "m"]
    json.dumps(list(back.groups)).encode("utf-8")
