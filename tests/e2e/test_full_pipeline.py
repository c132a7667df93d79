"""The whole pipeline on the tiny model with the network blocked (L7): every stage runs, nothing leaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.pipeline import STAGE_ORDER, run_pipeline
from auditkit.privacy import canary_file_for, load_canaries, sweep


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path, example_corpus: Path) -> Path:
    import socket

    from auditkit.config import parse_config

    mp = pytest.MonkeyPatch()
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[:1])
        raise OSError("network blocked by test")

    mp.setattr(socket.socket, "connect", lambda self, addr: refuse(addr))
    mp.setattr(socket, "getaddrinfo", refuse)
    out = tmp_path_factory.mktemp("full")
    cfg = parse_config({
        "name": "full", "seed": 2, "output_dir": str(out),
        "data": {"path": str(example_corpus), "labels": ["routine", "urgent"], "positive_label": "urgent",
                 "sensitive": ["gender", "age_band"], "id_column": "id", "split_column": "split"},
        "model": {"path": str(tiny_model_dir), "max_length": 64},
        "training": {"epochs": 1, "batch_size": 16, "learning_rate": 1e-3},
        "fairness": {"bootstrap": 30, "min_group_size": 5, "compare": ["none", "fairness_loss", "threshold"]},
        "explain": {"n_samples": 8, "n_steps": 4},
        "privacy": {"canaries": True, "bootstrap": 30},
        "deployment": {"variants": ["int8_dynamic"], "latency_examples": 4},
        "compute": {"energy": False},
        "policy": "default",
    })
    try:
        run_pipeline(cfg, progress=False)
    finally:
        mp.undo()
    assert attempts == [], "the pipeline tried to reach the network"
    return out / "full"


def test_every_stage_ran_and_is_recorded_in_the_manifest(full_run: Path) -> None:
    manifest = json.loads((full_run / "manifest.json").read_text())
    assert {name: manifest["stages"][name]["status"] for name in STAGE_ORDER} == {name: "ok" for name in STAGE_ORDER}
    assert all(manifest["stages"][name]["outputs"] for name in ("prepare", "train", "evaluate"))


def test_scorecard_has_every_section_and_names_the_audited_weights(full_run: Path) -> None:
    card = json.loads((full_run / "scorecard.json").read_text())
    for section in ("identity", "performance", "fairness", "explanations", "privacy", "compute", "policy"):
        assert card[section]["status"] == "ok", section
    assert card["identity"]["model"]["weights"]
    assert (full_run / "scorecard.html").stat().st_size > 10_000
    assert (full_run / "model_card.md").read_text().startswith("---")


def test_mitigation_trains_a_baseline_for_before_and_after(full_run: Path) -> None:
    assert (full_run / "baseline_model" / "model.safetensors").is_file()
    evaluation = json.loads((full_run / "evaluation.json").read_text())
    assert set(evaluation) >= {"model", "baseline"}


def test_canaries_seeded_into_the_raw_data_appear_in_no_file_of_the_run(full_run: Path) -> None:
    canaries = load_canaries(canary_file_for(full_run))
    assert len(canaries) >= 5
    result = sweep(full_run, canaries)
    assert result.clean, result.to_dict()


def test_the_gate_verdict_is_written_with_junit(full_run: Path) -> None:
    verdict = json.loads((full_run / "gate" / "verdict.json").read_text())
    assert verdict["exit_code"] in (0, 1, 4)
    assert (full_run / "gate" / "junit.xml").read_text().startswith("<?xml")
