"""Stage ``compare``: four mitigations on the same data, one row each; thresholds never fitted on test."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from auditkit.pipeline import run_pipeline
from auditkit.scorecard import MitigationComparison

MITIGATIONS = ["none", "fairness_loss", "reweighing", "threshold"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path, example_corpus: Path) -> Path:
    from auditkit.config import parse_config

    cfg = parse_config({
        "name": "cmp", "seed": 3, "output_dir": str(tmp_path_factory.mktemp("cmp")),
        "data": {"path": str(example_corpus), "labels": ["routine", "urgent"], "positive_label": "urgent",
                 "sensitive": ["gender"], "id_column": "id", "split_column": "split"},
        "model": {"path": str(tiny_model_dir), "max_length": 48},
        "training": {"epochs": 1, "batch_size": 32, "learning_rate": 1e-3, "early_stopping_patience": None,
                     "device": "cpu"},
        "fairness": {"mitigation": "fairness_loss", "bootstrap": 30, "min_group_size": 5, "compare": MITIGATIONS},
        "scrub": {"enabled": False}, "compute": {"energy": False},
    })
    run_pipeline(cfg, stages=("prepare", "train", "evaluate", "fairness", "compare"), progress=False)
    return Path(cfg.output_dir) / "cmp"


def test_every_mitigation_gets_a_row_with_accuracy_and_gap_intervals(compared: Path) -> None:
    section = MitigationComparison.model_validate(json.loads((compared / "comparison.json").read_text()))
    assert section.status == "ok" and sorted(section.rows) == sorted(MITIGATIONS) and section.failed == {}
    assert section.chosen == "fairness_loss" and section.gap == "equal_opportunity_difference"
    for row in section.rows.values():
        assert row.accuracy.has_interval and row.macro_f1.value is not None
        assert "equal_opportunity_difference" in row.attributes["gender"].metrics()
    assert section.rows["fairness_loss"].note == "shipped model"
    assert section.rows["none"].note == "reused from the train stage"
    assert section.rows["reweighing"].note == "trained for this comparison"
    assert section.rows["threshold"].note.startswith("ThresholdOptimizer (equal_opportunity) on the unmitigated model")


def test_the_shipped_row_matches_the_fairness_section(compared: Path) -> None:
    fairness = json.loads((compared / "fairness.json").read_text())
    row = json.loads((compared / "comparison.json").read_text())["rows"]["fairness_loss"]
    assert row["attributes"]["gender"]["equal_opportunity_difference"] == \
        fairness["attributes"]["gender"]["equal_opportunity_difference"]


def test_only_safetensors_models_stay_and_training_checkpoints_are_gone(compared: Path) -> None:
    assert (compared / "compare_models" / "reweighing" / "model.safetensors").is_file()
    assert not list(compared.glob("checkpoints-compare-*"))
    assert not [p for p in (compared / "compare_models").rglob("*") if p.suffix in (".bin", ".pt", ".pkl", ".pickle")]


def test_the_threshold_optimizer_is_fitted_on_validation_not_test(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditkit.evaluate import _comparison
    from auditkit.evaluate._predict import Predictions

    seen: dict[str, int] = {}

    def spy(fit_scores, fit_labels, fit_groups, apply_scores, apply_groups, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(fit=len(fit_scores), apply=len(apply_scores))
        return np.ones(len(apply_scores), dtype=int)

    monkeypatch.setattr(_comparison, "threshold_optimize", spy)

    def preds(n: int) -> Predictions:
        scores = np.tile([0.4, 0.6], (n, 1))
        return Predictions(np.arange(n).astype(object), np.zeros(n, dtype=np.int64), np.ones(n, dtype=np.int64), scores,
                           ["routine", "urgent"], {"gender": np.array(["a", "b"] * (n // 2))}, "urgent")

    out = _comparison.threshold_predictions(preds(10), preds(30), attribute="gender", constraint="equal_opportunity")
    assert seen == {"fit": 10, "apply": 30} and len(out) == 30
