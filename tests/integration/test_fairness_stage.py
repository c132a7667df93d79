"""The fairness stage reads predictions from the run folder and writes fairness.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.config import parse_config
from auditkit.data import AuditDataset
from auditkit.evaluate._predict import Predictions
from auditkit.pipeline._stage import StageContext
from auditkit.pipeline._stages._common import write_dataset
from auditkit.pipeline._stages.fairness import STAGE



def _dataset(n: int = 120) -> AuditDataset:
    rng = np.random.default_rng(0)
    gender = rng.choice(["female", "male"], n)
    texts = [f"{'she' if g == 'female' else 'he'} reports chest pain since today" for g in gender]
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)], "text": texts, "label": rng.choice(["routine", "urgent"], n),
        "split": ["train"] * 10 + ["validation"] * 10 + ["test"] * (n - 20), "gender": gender,
    })
    return AuditDataset(frame, ("routine", "urgent"), ("gender",), "urgent")


def _predictions(test: AuditDataset, seed: int) -> Predictions:
    rng = np.random.default_rng(seed)
    urgent = rng.random(len(test))
    scores = np.stack([1 - urgent, urgent], 1)
    return Predictions(ids=np.asarray(test.ids, dtype=object), y_true=test.label_ids, y_pred=scores.argmax(1),
                       scores=scores, labels=list(test.labels), groups={"gender": test.groups("gender")},
                       positive_label="urgent")


@pytest.fixture
def run_dir(tmp_path: Path, tiny_model_dir: Path) -> StageContext:
    import shutil

    config = parse_config({
        "data": {"path": "x.csv", "sensitive": ["gender"]},
        "fairness": {"bootstrap": 50, "min_group_size": 10, "identity_terms": {"female": ["she"], "male": ["he"]},
                     "mitigation": "fairness_loss", "term_swap_pairs": [["he", "she"]]},
        "training": {"eval_batch_size": 16},
    })
    ctx = StageContext(config=config, run_dir=tmp_path, progress=False)
    data = _dataset()
    write_dataset(ctx, data)
    test = data.split("test")
    _predictions(test, 1).save(ctx.path("predictions.parquet"))
    _predictions(test, 2).save(ctx.path("baseline_predictions.parquet"))
    shutil.copytree(tiny_model_dir, ctx.path("model"))
    shutil.copytree(tiny_model_dir, ctx.path("baseline_model"))
    return ctx


def test_stage_writes_fairness_json_with_baseline_term_swap_and_identity(run_dir, no_network):
    summary = STAGE.run(run_dir)
    out = json.loads(run_dir.path("fairness.json").read_text())
    assert out["status"] == "ok" and out["mitigation"] == "fairness_loss" and out["min_group_size"] == 10
    attrs = out["attributes"]
    assert {"gender", "identity"} <= set(attrs) and set(out["declared"]) >= {"gender", "identity"}
    assert set(attrs["gender"]["groups"]) == {"female", "male"}
    assert set(attrs["gender"]["equal_opportunity_difference"]) == {"value", "ci_low", "ci_high", "reason", "n", "mdg"}
    assert "gender" in out["baseline"]["attributes"] and out["baseline"]["term_swap"]["status"] == "ok"
    assert out["term_swap"]["status"] == "ok" and out["term_swap"]["n"] == 100
    assert set(out["term_swap"]["pairs"]) == {"he/she"}
    assert attrs["gender"] != out["baseline"]["attributes"]["gender"]
    assert summary["equal_opportunity_difference"]["gender"] == attrs["gender"]["equal_opportunity_difference"]["value"]
    assert not no_network


def test_stage_without_baseline_reports_no_mitigation(run_dir):
    run_dir.path("baseline_predictions.parquet").unlink()
    STAGE.run(run_dir)
    out = json.loads(run_dir.path("fairness.json").read_text())
    assert out.get("baseline") is None and out["mitigation"] == "none"


def test_stage_output_holds_no_text(run_dir):
    STAGE.run(run_dir)
    assert "chest pain" not in run_dir.path("fairness.json").read_text()
