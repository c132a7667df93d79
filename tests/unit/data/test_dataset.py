"""Data loading: every bad-input case gets auditkit's own one-line message, never a raw value (V5)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from auditkit.config import DataConfig
from auditkit.data import load_dataset, load_table, save_table
from auditkit.exceptions import DataError

SECRET = "Zebulon Quixtable"  # a raw value that must never appear in an error


def frame(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({
        "note": [f"{SECRET} has chest pain {i}" for i in range(n)],
        "label": ["urgent" if i % 2 else "routine" for i in range(n)],
        "gender": ["female" if i % 3 else "male" for i in range(n)],
    })


def cfg(path: Path, **kw: object) -> DataConfig:
    return DataConfig(path=path, text_column="note", sensitive=["gender"], **kw)


def load_error(path: Path, **kw: object) -> str:
    with pytest.raises(DataError) as err:
        load_dataset(cfg(path, **kw), seed=0)
    message = str(err.value)
    assert SECRET not in message and "\n" not in message
    return message


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_each_format_loads_into_canonical_columns_with_seeded_splits(tmp_path: Path, suffix: str) -> None:
    path = save_table(frame(), tmp_path / f"notes{suffix}")
    ds = load_dataset(cfg(path), seed=1)
    assert list(ds.frame.columns) == ["id", "text", "label", "split", "gender"]
    assert ds.labels == ("routine", "urgent") and ds.positive_label == "urgent"
    assert set(ds.frame["split"]) == {"train", "validation", "test"}
    assert load_dataset(cfg(path), seed=1).frame.equals(ds.frame)
    assert not load_dataset(cfg(path), seed=2).frame["split"].equals(ds.frame["split"])


def test_missing_file(tmp_path: Path) -> None:
    assert "data file not found" in load_error(tmp_path / "absent.csv")


def test_unsupported_extension(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_text("x")
    assert "unsupported file type '.xlsx'" in load_error(tmp_path / "notes.xlsx")


def test_missing_column_names_the_config_key(tmp_path: Path) -> None:
    path = save_table(frame().drop(columns=["gender"]), tmp_path / "n.csv")
    assert load_error(path).startswith("n.csv: column 'gender' not found (config key data.sensitive)")


def test_empty_text_is_refused_with_count_and_rows(tmp_path: Path) -> None:
    data = frame()
    data.loc[[3, 5], "note"] = "  "
    path = save_table(data, tmp_path / "n.csv")
    assert load_error(path) == (
        "text column 'note' has 2 empty or non-string value(s) (rows 5, 7); "
        "expected non-empty text in every row: drop or fill them"
    )


def test_non_string_text_in_jsonl_is_refused(tmp_path: Path) -> None:
    rows = [{"note": f"{SECRET} {i}", "label": "urgent" if i % 2 else "routine", "gender": "f"} for i in range(20)]
    rows[2]["note"] = 12345
    rows[4]["note"] = None
    path = tmp_path / "n.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    assert "has 2 empty or non-string value(s)" in load_error(path)


def test_missing_labels(tmp_path: Path) -> None:
    data = frame()
    data.loc[0, "label"] = ""
    assert "label column 'label' has 1 missing value(s)" in load_error(save_table(data, tmp_path / "n.csv"))


def test_label_outside_the_declared_set_is_counted_not_echoed(tmp_path: Path) -> None:
    data = frame()
    data.loc[1, "label"] = SECRET
    message = load_error(save_table(data, tmp_path / "n.csv"), labels=["routine", "urgent"])
    assert "has 1 value(s) outside the declared labels ['routine', 'urgent']" in message


def test_split_with_one_class_is_refused(tmp_path: Path) -> None:
    data = frame()
    data["split"] = ["train"] * 30 + ["validation"] * 5 + ["test"] * 5
    data.loc[30:34, "label"] = "urgent"
    message = load_error(save_table(data, tmp_path / "n.csv"), split_column="split")
    assert message == "split 'validation' has only one label class (5 rows); every split needs at least two classes"


def test_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes(b"note,label,gender\n\xff\xfe bad,urgent,f\n")
    assert "not valid UTF-8 (first bad byte at offset" in load_error(path)


def test_empty_file_and_header_only_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("")
    assert "the file is empty" in load_error(tmp_path / "e.csv")
    (tmp_path / "h.csv").write_text("note,label,gender\n")
    assert "no rows" in load_error(tmp_path / "h.csv")


def test_missing_sensitive_values_are_counted(tmp_path: Path) -> None:
    data = frame()
    data.loc[[1, 2, 3], "gender"] = ""
    assert load_error(save_table(data, tmp_path / "n.csv")) == (
        "sensitive column 'gender' has 3 missing value(s); drop or impute them before auditing"
    )


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    data = frame()
    data["rid"] = ["a"] * len(data)
    assert "duplicated id(s)" in load_error(save_table(data, tmp_path / "n.csv"), id_column="rid")


def test_invalid_jsonl_line_is_located(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text('{"note": "x", "label": "a", "gender": "f"}\n{broken\n')
    assert "line 2 is not valid JSON" in load_error(path)


def test_separate_split_files_are_combined(tmp_path: Path) -> None:
    data = frame(30)
    paths = {s: save_table(data, tmp_path / f"{s}.csv") for s in ("train", "validation", "test")}
    ds = load_dataset(DataConfig(text_column="note", sensitive=["gender"], **paths), seed=0)
    assert len(ds) == 90 and ds.split("test").ids[0] == "test-000000"


def test_save_and_load_round_trip_keeps_row_order(tmp_path: Path) -> None:
    data = frame(10)
    for suffix in (".csv", ".jsonl", ".parquet"):
        back = load_table(save_table(data, tmp_path / f"r{suffix}"))
        assert back["note"].tolist() == data["note"].tolist()
