"""Stage ``deployment``: each variant audited beside the full model; nothing but the section is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit._io import atomic_write_json, read_json
from auditkit.config import RunConfig
from auditkit.data import save_table
from auditkit.pipeline._stage import StageContext, StageSkipped
from auditkit.pipeline._stages.deployment import STAGE
from auditkit.scorecard import DeploymentSection

TEXTS = ["She reports chest pain since this morning.", "He reports a mild cough for two days.",
         "Mrs patient presents with shortness of breath.", "Mr patient asks for a repeat prescription."]


def _run_dir(tmp_path: Path, model_dir: Path) -> Path:
    from auditkit._model_io import load_classifier
    from auditkit.evaluate._predict import Predictions, predict_scores

    run = tmp_path / "run"
    rows = [{"id": f"t{i}", "text": TEXTS[i % 4], "label": ["urgent", "routine"][i % 2], "split": "test",
             "gender": ["female", "male"][(i // 2) % 2]} for i in range(24)]
    frame = pd.DataFrame(rows)
    save_table(frame, run / "data" / "test.jsonl")
    atomic_write_json(run / "data" / "meta.json", {"labels": ["routine", "urgent"], "sensitive": ["gender"],
                                                   "positive_label": "urgent"})
    shutil.copytree(model_dir, run / "model")
    model, tokenizer = load_classifier(run / "model", device="cpu")
    scores = predict_scores(model, tokenizer, frame["text"].tolist())
    Predictions(ids=frame["id"].to_numpy(dtype=object), y_true=(frame["label"] == "urgent").to_numpy(dtype=np.int64),
                y_pred=scores.argmax(axis=1), scores=scores, labels=["routine", "urgent"], positive_label="urgent",
                groups={"gender": frame["gender"].to_numpy(dtype=object).astype(str)}).save(run / "predictions.parquet")
    return run


def _config(*variants: str) -> RunConfig:
    return RunConfig.model_validate({
        "data": {"path": "notes.csv", "sensitive": ["gender"]}, "seed": 3,
        "fairness": {"bootstrap": 30, "min_group_size": 5},
        "deployment": {"variants": list(variants), "latency_examples": 4},
    })


def test_stage_audits_each_variant_beside_the_full_model(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir)
    before = sorted(p.relative_to(run) for p in run.rglob("*"))
    summary = STAGE.run(StageContext(config=_config("int8_dynamic", "prune_50"), run_dir=run))
    section = DeploymentSection.model_validate(read_json(run / "deployment.json"))
    assert summary["variants"] == {"int8_dynamic": "ok", "prune_50": "ok"}
    int8 = section.variants["int8_dynamic"]
    assert int8.size_bytes < section.full.size_bytes and int8.size_ratio.value < 0.5
    assert int8.latency_ms_per_example.n == 4 and int8.performance.metrics()["accuracy"].value is not None
    assert set(int8.attributes["gender"].groups) == {"female", "male"}
    assert set(int8.gap_increase["gender"].metrics()) == {"demographic_parity_difference", "equal_opportunity_difference",
                                                          "equalized_odds_difference"}
    assert set(int8.agreement.attributes["gender"].metrics()) == {"female", "male"}
    assert section.variants["prune_50"].model_extra["sparsity"] == pytest.approx(0.5, abs=0.01)
    after = sorted(p.relative_to(run) for p in run.rglob("*"))
    assert sorted(set(after) - set(before)) == [Path("deployment.json")]


def test_no_variant_configured_means_the_stage_does_not_run(tmp_path: Path) -> None:
    with pytest.raises(StageSkipped, match="deployment.variants is empty in the config"):
        STAGE.run(StageContext(config=_config(), run_dir=tmp_path))


def test_audit_variant_option_reaches_the_deployment_config(tmp_path: Path, tiny_model_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import auditkit.pipeline as pipeline
    from auditkit._audit_model import audit_model
    from auditkit.cli._app import main

    seen: list[RunConfig] = []

    def capture(config: RunConfig, **kwargs: object) -> None:
        seen.append(config)
        raise RuntimeError("stop before running stages")

    monkeypatch.setattr(pipeline, "run_pipeline", capture)
    data = tmp_path / "d.csv"
    pd.DataFrame({"text": ["a", "b"], "label": ["routine", "urgent"], "g": ["x", "y"]}).to_csv(data, index=False)
    with pytest.raises(RuntimeError, match="stop before"):
        audit_model(tiny_model_dir, data, sensitive="g", variants=["int8_dynamic"], output_dir=tmp_path / "run")
    assert seen[-1].deployment.variants == ["int8_dynamic"]
    code = main(["audit", "--model", str(tiny_model_dir), "--data", str(data), "--sensitive", "g", "--variant", "bf16",
                 "--variant", "prune_30", "-o", str(tmp_path / "run2")])
    assert code == 3  # the stand-in pipeline's RuntimeError, reported as an internal error
    assert seen[-1].deployment.variants == ["bf16", "prune_30"]
    assert main(["audit", "--model", str(tiny_model_dir), "--data", str(data), "--sensitive", "g", "--variant", "int4",
                 "-o", str(tmp_path / "run3")]) == 2


def test_each_variant_is_explained_beside_the_full_model_on_the_explain_sample(tmp_path: Path,
                                                                               tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir)
    config = _config("int8_dynamic", "prune_30").model_copy(deep=True)
    config.explain.n_samples, config.explain.n_steps, config.deployment.explain_examples = 12, 8, 6
    STAGE.run(StageContext(config=config, run_dir=run))
    section = DeploymentSection.model_validate(read_json(run / "deployment.json"))
    int8, pruned = section.variants["int8_dynamic"].explain, section.variants["prune_30"].explain
    assert int8.status == "ok" and int8.method == "occlusion" and "no autograd" in int8.note
    assert pruned.status == "ok" and pruned.method == "layer_integrated_gradients" and pruned.note is None
    for entry in (int8, pruned):
        assert entry.n == 6 and entry.n_unmatched == 0 and entry.top_k == 5
        assert entry.top_k_overlap.value is not None and 0 <= entry.top_k_overlap.value <= 1
        assert entry.reliance_change.n is not None
    assert section.full.model_extra.get("explain") is None


def test_variant_explanations_that_cannot_run_say_why(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir)
    config = _config("bf16").model_copy(deep=True)
    config.explain.enabled = False
    STAGE.run(StageContext(config=config, run_dir=run))
    entry = read_json(run / "deployment.json")["variants"]["bf16"]["explain"]
    assert (entry["status"], entry["reason"]) == ("not_run", "explain.enabled is false: no explanation sample to "
                                                             "compare the variants on")
    assert entry["top_k_overlap"] is None and entry["n"] is None
