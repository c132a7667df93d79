"""The fairness stage with identity terms: non-exclusive terms, intersections with a column, a bounded term swap."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from auditkit.config import parse_config
from auditkit.data import AuditDataset
from auditkit.evaluate._predict import Predictions
from auditkit.pipeline._stage import StageContext
from auditkit.pipeline._stages._common import write_dataset
from auditkit.pipeline._stages.fairness import STAGE
from auditkit.scorecard import FairnessSection

TERMS = ("gay", "muslim", "old", "black")


def _context(tmp_path: Path, tiny_model_dir: Path, *, sensitive: tuple[str, ...], n: int = 220) -> StageContext:
    rng = np.random.default_rng(0)
    gender = rng.choice(["female", "male"], n)
    texts = [f"{'she' if g == 'female' else 'he'} is {TERMS[i % 4]} and reports pain" for i, g in enumerate(gender)]
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "text": texts, "label": rng.choice(["routine", "urgent"], n),
                          "split": ["train"] * 10 + ["validation"] * 10 + ["test"] * (n - 20), "gender": gender})
    config = parse_config({
        "data": {"path": "x.csv", "sensitive": list(sensitive)},
        "fairness": {"bootstrap": 40, "min_group_size": 10, "identity_terms": "builtin", "term_swap_max_texts": 25},
        "training": {"eval_batch_size": 16, "device": "cpu"},
    })
    ctx = StageContext(config=config, run_dir=tmp_path, progress=False)
    data = AuditDataset(frame, ("routine", "urgent"), sensitive, "urgent")
    write_dataset(ctx, data)
    test = data.split("test")
    urgent = rng.random(len(test))
    scores = np.stack([1 - urgent, urgent], 1)
    Predictions(ids=np.asarray(test.ids, dtype=object), y_true=test.label_ids, y_pred=scores.argmax(1), scores=scores,
                labels=list(test.labels), groups={c: test.groups(c) for c in sensitive},
                positive_label="urgent").save(ctx.path("predictions.parquet"))
    shutil.copytree(tiny_model_dir, ctx.path("model"))
    return ctx


def test_identity_terms_alone_need_no_sensitive_column(tmp_path: Path, tiny_model_dir: Path) -> None:
    ctx = _context(tmp_path, tiny_model_dir, sensitive=())
    STAGE.run(ctx)
    out = json.loads(ctx.path("fairness.json").read_text())
    section = FairnessSection.model_validate(out)
    identity = section.attributes["identity"]
    assert set(out["attributes"]) == {"identity"} and out["declared"] == ["identity"]
    assert set(identity.groups) == {"gay", "muslim", "old", "black"}  # she/he are pronouns, not lexicon terms
    assert "sikh" in identity.absent and "none" not in identity.groups
    assert identity.metrics()["min_bpsn_auc"].value is not None
    assert out["term_swap"]["n"] == 25 and out["term_swap"]["sampled_from"] == 200
    assert "reports pain" not in ctx.path("fairness.json").read_text()


def test_a_column_and_identity_terms_give_their_intersection(tmp_path: Path, tiny_model_dir: Path) -> None:
    ctx = _context(tmp_path, tiny_model_dir, sensitive=("gender",))
    STAGE.run(ctx)
    attrs = json.loads(ctx.path("fairness.json").read_text())["attributes"]
    assert {"gender", "identity", "gender×identity"} <= set(attrs)
    cells = attrs["gender×identity"]["groups"]
    assert "female×gay" in cells and attrs["gender×identity"]["columns"] == ["gender", "identity"]
    assert sum(cells[f"{g}×gay"]["n"] for g in ("female", "male")) == attrs["identity"]["groups"]["gay"]["n"]
