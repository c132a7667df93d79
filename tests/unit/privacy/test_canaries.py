"""Canary seeding: unique, reproducible, stored outside the run directory, never shown in repr."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from auditkit.exceptions import DataError
from auditkit.privacy import CANARY_KINDS, canary_file_for, load_canaries, save_canaries, seed_canaries


def _frame(n: int = 30) -> pd.DataFrame:
    splits = ["train", "validation", "test"] * (n // 3)
    return pd.DataFrame({"id": [str(i) for i in range(n)], "text": [f"note {i}" for i in range(n)], "split": splits})


def test_each_split_gets_one_canary_of_each_kind_in_its_text() -> None:
    seeded, canaries = seed_canaries(_frame(), seed=1)
    assert len(canaries) == 3 * len(CANARY_KINDS)
    for c in canaries.canaries:
        assert c.value in seeded.loc[c.row, "text"]
        assert seeded.loc[c.row, "split"] == c.split
    assert sorted(c.kind for c in canaries.in_split("train")) == sorted(CANARY_KINDS)


def test_canaries_are_unique_and_reproducible_and_seed_dependent() -> None:
    _, first = seed_canaries(_frame(), seed=1)
    _, again = seed_canaries(_frame(), seed=1)
    _, other = seed_canaries(_frame(), seed=2)
    values = [c.value for c in first.canaries]
    assert len(set(values)) == len(values)
    assert values == [c.value for c in again.canaries]
    assert values != [c.value for c in other.canaries]


def test_input_frame_is_not_modified() -> None:
    frame = _frame()
    seed_canaries(frame, seed=1)
    assert frame["text"].tolist() == _frame()["text"].tolist()


def test_repr_of_a_canary_hides_its_value() -> None:
    _, canaries = seed_canaries(_frame(), seed=3)
    assert all(c.value not in repr(c) for c in canaries.canaries)
    assert all(c.value not in repr(canaries) for c in canaries.canaries)


def test_canary_file_lives_outside_the_run_dir_with_owner_only_permissions(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "demo"
    run.mkdir(parents=True)
    _, canaries = seed_canaries(_frame(), seed=4)
    path = save_canaries(canaries, canary_file_for(run))
    assert run.resolve() not in path.resolve().parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_canaries(path) == canaries


def test_frame_without_split_column_is_one_split() -> None:
    _, canaries = seed_canaries(_frame().drop(columns="split"), seed=1)
    assert {c.split for c in canaries.canaries} == {"all"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"text_column": "note"}, "text column 'note' not found"),
        ({"kinds": ["iban"]}, "unknown canary kind"),
        ({"per_split": 5}, "has 10 rows; seeding 25 canaries"),
    ],
)
def test_bad_seeding_requests_raise_data_error(kwargs: dict, match: str) -> None:
    with pytest.raises(DataError, match=match):
        seed_canaries(_frame(), seed=1, **kwargs)


def test_loading_a_missing_or_broken_canary_file_raises_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_canaries(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match="unknown format"):
        load_canaries(tmp_path / "bad.json")
