"""Stage ``robustness``: writes the scorecard section from the run folder, or says it did not run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from auditkit._io import atomic_write_json, read_json
from auditkit.config import RunConfig
from auditkit.data import save_table
from auditkit.pipeline._stage import StageContext, StageSkipped
from auditkit.pipeline._stages.robustness import STAGE
from auditkit.report import assemble_scorecard
from auditkit.scorecard import parse_scorecard

TEXTS = ["She reports chest pain since this morning.", "He reports a mild cough for two days.",
         "Mrs <PERSON> presents with shortness of breath.", "Mr <PERSON> asks for a repeat prescription."]


def _run_dir(tmp_path: Path, model_dir: Path) -> Path:
    run = tmp_path / "run"
    rows = [{"id": f"t{i}", "text": TEXTS[i % 4], "label": ["urgent", "routine"][i % 2], "split": "test",
             "gender": ["female", "male"][(i // 2) % 2]} for i in range(24)]
    save_table(pd.DataFrame(rows), run / "data" / "test.jsonl")
    atomic_write_json(run / "data" / "meta.json", {"labels": ["routine", "urgent"], "sensitive": ["gender"],
                                                   "positive_label": "urgent"})
    shutil.copytree(model_dir, run / "model")
    return run


def _config(**robustness: object) -> RunConfig:
    return RunConfig.model_validate({
        "data": {"path": "notes.csv", "sensitive": ["gender"]}, "seed": 3,
        "training": {"device": "cpu"}, "fairness": {"bootstrap": 30, "min_group_size": 5},
        "robustness": {"perturbations": ["upper", "names", "places"], **robustness},
    })


def test_stage_writes_the_robustness_section_per_group(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir)
    summary = STAGE.run(StageContext(config=_config(), run_dir=run))
    section = read_json(run / "robustness.json")
    assert section["status"] == "ok" and section["n"] == 24 and section["min_group_size"] == 5
    assert set(section["perturbations"]) == {"upper", "names"}
    assert section["skipped"] == {"places": "no test text is changed by this perturbation"}
    assert section["perturbations"]["names"]["n"] == 12
    assert set(section["perturbations"]["upper"]["attributes"]["gender"]["groups"]) == {"female", "male"}
    assert summary["flip_rate"]["upper"] == section["perturbations"]["upper"]["flip_rate"]["value"]


def test_disabled_stage_is_skipped_and_the_scorecard_says_why(tmp_path: Path, tiny_model_dir: Path) -> None:
    run = _run_dir(tmp_path, tiny_model_dir)
    with pytest.raises(StageSkipped, match="robustness.enabled is false in the config"):
        STAGE.run(StageContext(config=_config(enabled=False), run_dir=run))
    atomic_write_json(run / "manifest.json", {"stages": {"robustness": {
        "status": "not_run", "reason": "robustness.enabled is false in the config"}}})
    doc = assemble_scorecard(run)
    assert doc["robustness"] == {"status": "not_run", "reason": "robustness.json not found: stage 'robustness' did "
                                 "not run (robustness.enabled is false in the config)"}
    assert doc["deployment"]["status"] == "not_run"
    assert parse_scorecard(doc).robustness.status == "not_run"
