"""Data loading: every bad-input case gets auditkit's own one-line message, never a raw value (V5)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from auditkit.config import DataConfig
from auditkit.data import load_dataset, load_table, save_table
from auditkit.data._messages import MISSING_SENSITIVE, NOT_UNICODE, UNKNOWN_POSITIVE_LABEL
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
        "sensitive column 'gender' has 3 missing value(s) (empty, None, NaN or null); "
        "drop or impute them before auditing, or map them to an explicit group such as 'unknown'"
    )


MISSING_SPELLINGS = ["NaN", "None", "null", "nan", "NULL", "", "   "]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_v1_missing_value_spellings_in_a_sensitive_column_are_missing_not_a_group(tmp_path: Path, suffix: str) -> None:
    data = frame()
    data.loc[: len(MISSING_SPELLINGS) - 1, "gender"] = MISSING_SPELLINGS
    data.loc[20, "gender"] = SECRET
    message = load_error(save_table(data, tmp_path / f"n{suffix}"))
    assert message == MISSING_SENSITIVE.format(column="gender", count=len(MISSING_SPELLINGS))


def test_v1_null_and_nan_cells_of_jsonl_and_parquet_count_with_the_strings(tmp_path: Path) -> None:
    data = frame().astype(object)
    data.loc[[0, 1], "gender"] = [None, float("nan")]
    data.loc[2, "gender"] = "null"
    rows = "\n".join(json.dumps(r) for r in data.to_dict(orient="records"))
    (tmp_path / "n.jsonl").write_text(rows.replace("NaN", "null"))
    expected = MISSING_SENSITIVE.format(column="gender", count=3)
    assert load_error(tmp_path / "n.jsonl") == expected
    assert load_error(save_table(data, tmp_path / "n.parquet")) == expected


def test_v1_data_loading_and_assess_give_the_same_missing_value_error(tmp_path: Path) -> None:
    from auditkit.evaluate import assess
    from auditkit.exceptions import FairnessError

    data = frame()
    data.loc[[1, 2], "gender"] = ["NaN", "null"]
    from_file = load_error(save_table(data, tmp_path / "n.csv"))
    n = len(data)
    with pytest.raises(FairnessError) as info:
        assess([0] * n, [0] * n, sensitive_features=data[["gender"]], labels=["routine", "urgent"], n_boot=0)
    assert str(info.value) == from_file


def test_v1_a_sensitive_value_that_only_contains_a_missing_word_is_a_group(tmp_path: Path) -> None:
    data = frame()
    data.loc[[1, 2], "gender"] = ["non-binary", "nullipara"]
    ds = load_dataset(cfg(save_table(data, tmp_path / "n.csv")), seed=0)
    assert {"non-binary", "nullipara"} <= set(ds.frame["gender"])


def test_lone_surrogate_in_a_sensitive_column_is_refused_naming_the_column(tmp_path: Path) -> None:
    rows = [{"note": f"note {i}", "label": "urgent" if i % 2 else "routine", "gender": "f" if i % 3 else "m"} for i in range(20)]
    path = tmp_path / "n.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows).replace('"m"', '"m\\ud800"', 2))
    assert load_error(path) == "n.jsonl: " + NOT_UNICODE.format(column="gender", count=2)


def test_positive_label_that_is_not_a_label_is_refused(tmp_path: Path) -> None:
    message = load_error(save_table(frame(), tmp_path / "n.csv"), positive_label="emergency")
    assert message == UNKNOWN_POSITIVE_LABEL.format(n=2, column="label")


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
