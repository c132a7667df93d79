"""Explaining a stream of chunks gives what one call on everything gives; the stage explains all or per group."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from auditkit._io import atomic_write_json, read_json
from auditkit.config import RunConfig
from auditkit.data import save_table
from auditkit.explain import ExampleChunk, explain, explain_stream
from auditkit.explain._sample import per_group_sample
from auditkit.pipeline._stage import StageContext
from auditkit.pipeline._stages.explain import STAGE
from tests.unit.explain.conftest import GROUPS, LABELS, TEXTS

_OPTIONS: dict[str, Any] = {"n_steps": 3, "device": "cpu", "faithfulness_k": (0.2, 0.5), "n_resamples": 50, "seed": 4}


def _chunks(size: int) -> list[ExampleChunk]:
    return [ExampleChunk(texts=TEXTS[s:s + size], ids=[f"t{i}" for i in range(s, min(s + size, 6))],
                         positions=list(range(s, min(s + size, 6))),
                         groups={"gender": GROUPS["gender"][s:s + size]}, labels=LABELS[s:s + size])
            for s in range(0, 6, size)]


def _canon(card: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in card.items() if k != "memory"}, sort_keys=True)


def test_a_stream_of_chunks_reports_what_one_call_on_everything_reports(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    whole = explain(model, tokenizer, TEXTS, ids=[f"t{i}" for i in range(6)], groups=GROUPS, labels=LABELS, **_OPTIONS)
    rows: list[pd.DataFrame] = []
    streamed = explain_stream(model, tokenizer, _chunks(2), attributes=["gender"],
                              sink=lambda index, frame: rows.append(frame), **_OPTIONS)
    assert streamed is not None and streamed.n_examples == 6 and len(rows) == 3
    assert _canon(streamed.to_scorecard()) == _canon(whole.to_scorecard())
    pd.testing.assert_frame_equal(pd.concat(rows, ignore_index=True), whole.to_frame())


def test_control_a_stream_missing_a_chunk_reports_differently(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    whole = explain(model, tokenizer, TEXTS, ids=[f"t{i}" for i in range(6)], groups=GROUPS, labels=LABELS, **_OPTIONS)
    partial = explain_stream(model, tokenizer, _chunks(2)[:2], attributes=["gender"], **_OPTIONS)
    assert partial is not None and partial.n_examples == 4
    assert _canon(partial.to_scorecard()) != _canon(whole.to_scorecard())


def test_rank_one_of_two_explains_every_other_chunk(tiny: tuple[Any, Any]) -> None:
    model, tokenizer = tiny
    seen: list[int] = []
    # outside torchrun the gather is this process's own tally, so the shard's share is what comes back
    part = explain_stream(model, tokenizer, _chunks(2), shard=(1, 2), sink=lambda index, frame: seen.append(index),
                          **_OPTIONS)
    assert seen == [1] and part is not None and part.n_examples == 2


def test_per_group_sample_keeps_up_to_n_of_each_stratum_seeded() -> None:
    strata = ["a"] * 5 + ["b"] * 2 + ["c"]
    rows = per_group_sample(strata, 2, seed=1)
    assert sorted(pd.Series(strata)[rows].value_counts().to_dict().items()) == [("a", 2), ("b", 2), ("c", 1)]
    assert list(rows) == sorted(rows) and list(rows) == list(per_group_sample(strata, 2, seed=1))


def _run_dir(tmp_path: Path, model_dir: Path, n: int) -> Path:
    run = tmp_path / "run"
    rows = [{"id": f"t{i}", "text": TEXTS[i % 6], "label": LABELS[i % 6], "split": "test",
             "gender": GROUPS["gender"][i % 6]} for i in range(n)]
    save_table(pd.DataFrame(rows), run / "data" / "test.jsonl")
    atomic_write_json(run / "data" / "meta.json", {"labels": ["routine", "urgent"], "sensitive": ["gender"],
                                                   "positive_label": "urgent"})
    shutil.copytree(model_dir, run / "model")
    return run


def _config(**explain: object) -> RunConfig:
    return RunConfig.model_validate({
        "data": {"path": "notes.csv", "sensitive": ["gender"]}, "seed": 3,
        "explain": {"n_steps": 2, "device": "cpu", "faithfulness_k": [0.2], "batch_size": 4, **explain},
        "fairness": {"bootstrap": 20},
    })


def test_sample_all_explains_every_test_example_in_row_groups_and_says_so(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir, 520)  # chunks of 256: three row groups
    summary = STAGE.run(StageContext(config=_config(sample="all"), run_dir=run, progress=False))
    result = read_json(run / "explain" / "result.json")
    parquet = pq.ParquetFile(run / "explain" / "attributions.parquet")
    assert summary["n_examples"] == result["n_examples"] == 520 and summary["sample"] == "all"
    assert parquet.metadata.num_row_groups == 3
    assert pd.read_parquet(run / "explain" / "attributions.parquet")["id"].nunique() == 520
    assert result["sample"]["statement"] == "520 of 520 test examples: every test example"
    assert result["top_tokens"]["n_examples"] == 520 and not (run / "explain" / ".parts").exists()


def test_sample_per_group_states_its_size_per_stratum(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir, 30)
    STAGE.run(StageContext(config=_config(sample={"per_group": 2}), run_dir=run, progress=False))
    result = read_json(run / "explain" / "result.json")
    assert result["n_examples"] == 4  # (female, urgent) and (male, routine): 2 each
    assert result["sample"]["statement"] == "4 of 30 test examples: up to 2 per gender x label stratum (seed 3)"


@pytest.mark.parametrize("sample", ["stratified", "all"])
def test_the_scorecard_section_has_the_same_shape_in_every_mode(tmp_path: Path, tiny_model_dir: Path, sample: str) -> None:
    run = _run_dir(tmp_path, tiny_model_dir, 12)
    STAGE.run(StageContext(config=_config(sample=sample, n_samples=12), run_dir=run, progress=False))
    result = read_json(run / "explain" / "result.json")
    assert result["n_examples"] == 12 and result["sample"]["mode"] == sample
