"""Scrubbing on Spark (local[2]) writes what the local scrubber writes, row for row, and counts the same.

Needs pyspark (the [spark] extra) and Java 17+; `.ci/run` installs both. Without them
the module is skipped with the reason, never silently.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.config import ScrubConfig
from auditkit.scrub import WITHHELD, Scrubber, scrub_frame

if importlib.util.find_spec("pyspark") is None:
    pytest.skip("pyspark is not installed (pip install 'auditkit-rai[spark]')", allow_module_level=True)
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark (apt-get install openjdk-17-jre-headless)", allow_module_level=True)

_COUNTS = ("rows_total", "rows_touched", "rows_quarantined", "cells_total", "entities", "entities_by_column",
           "residual_cells_checked", "residual_checked_entities", "residual_entities", "operator", "model")


@pytest.fixture(scope="module")
def spark() -> Any:
    import os

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers run this interpreter (its venv)
    session = (SparkSession.builder.master("local[2]").appName("auditkit-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def notes(example_corpus: Path) -> pd.DataFrame:
    frame = pd.read_csv(example_corpus, dtype=str)
    return frame[["id", "text", "gender", "label"]].head(60).reset_index(drop=True)


def _config(**changes: Any) -> ScrubConfig:
    return ScrubConfig(recall_probe=False, **changes)


def test_spark_output_and_counts_equal_the_local_scrubbers(spark: Any, notes: pd.DataFrame) -> None:
    from auditkit.scrub.spark import scrub_dataframe

    local = scrub_frame(notes, ["text"], scrubber=Scrubber(_config()))
    result = scrub_dataframe(spark.createDataFrame(notes).repartition(3), ["text"], config=_config())
    out = result.frame.toPandas().set_index("id").loc[notes["id"]].reset_index()
    pd.testing.assert_frame_equal(out[notes.columns], local.frame)
    assert (out["text"] != notes["text"]).sum() > 40  # the comparison is not trivially raw == raw
    spark_summary, local_summary = result.summary().to_json_dict(), local.summary.to_json_dict()
    assert {k: spark_summary[k] for k in _COUNTS} == {k: local_summary[k] for k in _COUNTS}
    assert spark_summary["workers"] == 2 and result.quarantine.count() == 0
    result.unpersist()


def test_withheld_cells_form_the_quarantine_dataframe_without_text(spark: Any, notes: pd.DataFrame) -> None:
    from auditkit.scrub.spark import scrub_dataframe

    config = _config(row_timeout_s=1e-9)  # every analysis overruns its budget: every cell is withheld
    result = scrub_dataframe(spark.createDataFrame(notes.head(6)), ["text"], config=config)
    quarantine = result.quarantine.toPandas().sort_values("id").reset_index(drop=True)
    local = scrub_frame(notes.head(6), ["text"], scrubber=Scrubber(config))
    assert list(quarantine.columns) == ["id", "column", "reason"]
    assert sorted(quarantine["id"]) == sorted(r.id for r in local.quarantine) == sorted(notes.head(6)["id"])
    assert set(quarantine["reason"]) == {r.reason for r in local.quarantine}
    assert set(result.frame.toPandas()["text"]) == {WITHHELD}
    assert result.summary().rows_quarantined == 6


def test_a_frame_without_the_id_column_is_refused_with_the_fix(spark: Any, notes: pd.DataFrame) -> None:
    from auditkit.exceptions import DataError
    from auditkit.scrub.spark import scrub_dataframe

    with pytest.raises(DataError, match="id column 'row' not found.*pass --id-column"):
        scrub_dataframe(spark.createDataFrame(notes), ["text"], config=_config(), id_column="row")


def test_cli_engine_spark_writes_the_rows_and_summary_the_local_engine_writes(spark: Any, notes: pd.DataFrame,
                                                                              tmp_path: Path) -> None:
    from auditkit.cli._app import main

    source = tmp_path / "notes.parquet"
    notes.to_parquet(source, index=False)
    common = ["--text-column", "text", "--no-recall-probe", "--no-progress"]
    assert main(["scrub", str(source), "-o", str(tmp_path / "local.parquet"), "--summary",
                 str(tmp_path / "local.json"), *common]) == 0
    assert main(["scrub", "--engine", "spark", str(source), "-o", str(tmp_path / "spark.parquet"), "--summary",
                 str(tmp_path / "spark.json"), "--quarantine", str(tmp_path / "q.jsonl"), *common]) == 0
    local = pd.read_parquet(tmp_path / "local.parquet")
    on_spark = pd.read_parquet(tmp_path / "spark.parquet").set_index("id").loc[local["id"]].reset_index()
    pd.testing.assert_frame_equal(on_spark[local.columns], local)
    summaries = [json.loads((tmp_path / f"{n}.json").read_text()) for n in ("local", "spark")]
    assert {k: summaries[0][k] for k in _COUNTS} == {k: summaries[1][k] for k in _COUNTS}
    assert (tmp_path / "q.jsonl").read_text() == ""
    assert main(["scrub", "--engine", "spark", str(source), "-o", str(tmp_path / "spark.parquet"), *common]) == 2


def test_a_one_partition_input_is_spread_over_the_cores_and_kept_on_disk(spark: Any, notes: pd.DataFrame) -> None:
    """One Parquet row group is one partition: without the spread, local[2] scrubs on one core; and the
    scrubbed rows live on disk, so executor (in local mode, driver) memory does not grow with the table."""
    from pyspark import StorageLevel

    from auditkit.scrub.spark import scrub_dataframe

    one = spark.createDataFrame(notes.head(12)).coalesce(1)
    assert one.rdd.getNumPartitions() == 1
    result = scrub_dataframe(one, ["text"], config=_config())
    sizes = result.frame.rdd.glom().map(len).collect()
    assert len(sizes) == 2 and min(sizes) > 0 and sum(sizes) == 12
    assert result._scrubbed.storageLevel == StorageLevel.DISK_ONLY  # noqa: SLF001 - the storage level is the contract
    # two partitions, one of them empty (as a Parquet row group read by one of two splits): still both cores busy
    full = spark.createDataFrame(notes.head(12))
    skewed = spark.createDataFrame(full.rdd.coalesce(1).union(spark.sparkContext.parallelize([], 1)), full.schema)
    assert skewed.rdd.glom().map(len).collect() == [12, 0]
    spread = scrub_dataframe(skewed, ["text"], config=_config()).frame.rdd.glom().map(len).collect()
    assert len(spread) == 2 and min(spread) > 0
    kept = scrub_dataframe(skewed, ["text"], config=_config(), rebalance=False).frame.rdd.glom().map(len).collect()
    assert kept == [12, 0]  # the control: without the spread one core does everything
    small = scrub_dataframe(skewed, ["text"], config=_config(), rows_per_partition=5).frame.rdd.glom().map(len).collect()
    assert len(small) == 3 and sum(small) == 12  # ceil(12 / 5) partitions: a task's share does not grow with the table
    result.unpersist()


def test_partitions_below_one_are_refused(spark: Any, notes: pd.DataFrame) -> None:
    from auditkit.exceptions import DataError
    from auditkit.scrub.spark import scrub_dataframe

    with pytest.raises(DataError, match="partitions must be at least 1, got 0"):
        scrub_dataframe(spark.createDataFrame(notes.head(3)), ["text"], config=_config(), partitions=0)
    with pytest.raises(DataError, match="rows_per_partition must be at least 1, got 0"):
        scrub_dataframe(spark.createDataFrame(notes.head(3)), ["text"], config=_config(), rows_per_partition=0)


def test_scrub_to_gathers_summary_and_quarantine_in_the_write_pass(spark: Any, notes: pd.DataFrame,
                                                                  tmp_path: Path) -> None:
    """One pass: nothing is cached or read back; the withheld cells and counts come from the write itself."""
    from auditkit.scrub.spark import CELLS, scrub_to

    config = _config(row_timeout_s=1e-9)  # every cell is withheld
    where = str(tmp_path / "out.parquet")
    persisted: list[int] = []

    def write(frame: Any) -> None:
        frame.write.parquet(where)
        persisted.append(spark.sparkContext._jsc.getPersistentRDDs().size())  # noqa: SLF001 - nothing is cached

    before = spark.sparkContext._jsc.getPersistentRDDs().size()  # noqa: SLF001 - earlier tests may leave some
    summary, quarantine = scrub_to(spark.createDataFrame(notes.head(6)), ["text"], write, config=config)
    local = scrub_frame(notes.head(6), ["text"], scrubber=Scrubber(config))
    assert [(q.id, q.column, q.reason) for q in quarantine] == sorted((r.id, r.column, r.reason)
                                                                      for r in local.quarantine)
    assert summary.rows_total == 6 and summary.rows_quarantined == 6 and persisted == [before]
    out = pd.read_parquet(where)
    assert set(out["text"]) == {WITHHELD} and CELLS not in out.columns


@pytest.mark.parametrize("actions", [0, 2])
def test_scrub_to_refuses_a_write_that_runs_no_job_or_two(spark: Any, notes: pd.DataFrame, actions: int) -> None:
    from auditkit.exceptions import DataError
    from auditkit.scrub.spark import scrub_to

    def write(frame: Any) -> None:
        for _ in range(actions):
            frame.count()

    with pytest.raises(DataError, match="exactly one action"):
        scrub_to(spark.createDataFrame(notes.head(4)), ["text"], write, config=_config())


def test_repeated_ids_are_refused_in_the_counting_job(spark: Any, notes: pd.DataFrame) -> None:
    """A repeated id would make the quarantine name the wrong row; the count job refuses it (fail closed)."""
    from auditkit.exceptions import DataError
    from auditkit.scrub.spark import scrub_dataframe, scrub_to

    twice = spark.createDataFrame(pd.concat([notes.head(3), notes.head(1)], ignore_index=True))
    with pytest.raises(DataError, match="repeats ids"):
        scrub_dataframe(twice, ["text"], config=_config())
    with pytest.raises(DataError, match="repeats ids"):
        scrub_to(twice, ["text"], lambda frame: frame.count(), config=_config())
    scrub_dataframe(twice, ["text"], config=_config(), check_ids=False).unpersist()  # the opt-out is an opt-out
