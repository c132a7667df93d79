"""Seeded sampling stratified by group and label."""

from __future__ import annotations

import pandas as pd
import pytest

from auditkit.exceptions import DataError
from auditkit.explain._sample import stratified_sample


def _frame() -> pd.DataFrame:
    rows = [{"id": f"r{i}", "gender": "f" if i % 4 else "m", "label": "urgent" if i % 3 == 0 else "routine"}
            for i in range(400)]
    return pd.DataFrame(rows)


def test_sample_keeps_strata_proportions() -> None:
    frame = _frame()
    sample = stratified_sample(frame, 100, by=["gender", "label"], seed=1)
    assert len(sample) == 100
    expected = frame.groupby(["gender", "label"]).size() / 4
    got = sample.groupby(["gender", "label"]).size()
    assert ((got - expected).abs() <= 1).all()


def test_sample_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    frame = _frame()
    a = stratified_sample(frame, 50, by=["gender"], seed=7)
    assert a["id"].tolist() == stratified_sample(frame, 50, by=["gender"], seed=7)["id"].tolist()
    assert a["id"].tolist() != stratified_sample(frame, 50, by=["gender"], seed=8)["id"].tolist()


def test_small_strata_are_represented_before_large_ones_grow() -> None:
    frame = pd.DataFrame({"id": [str(i) for i in range(101)], "g": ["rare"] + ["common"] * 100})
    assert "rare" in set(stratified_sample(frame, 3, by=["g"], seed=0)["g"])


def test_a_frame_smaller_than_the_sample_is_returned_whole() -> None:
    frame = _frame().head(5)
    assert len(stratified_sample(frame, 200, by=["gender"])) == 5


def test_unknown_strata_column_is_a_data_error() -> None:
    with pytest.raises(DataError, match=r"cannot stratify by \['age'\]"):
        stratified_sample(_frame(), 10, by=["age"])
