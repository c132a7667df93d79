"""A classifier trained elsewhere with default labels (transformers 5 writes no ``id2label`` for them) audits as
``LABEL_0``/``LABEL_1``; the data's labels and ``--positive-label`` may be names or class ids."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from auditkit._audit_model import audit_model, positive_label_for
from auditkit._io import sha256_file
from auditkit._model_io import model_labels
from auditkit.exceptions import DataError
from tests._tiny import build_tiny_model


@pytest.fixture(scope="module")
def default_label_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = build_tiny_model(tmp_path_factory.mktemp("default_labels"), labels=("LABEL_0", "LABEL_1"))
    config = json.loads((folder / "config.json").read_text())
    for key in ("id2label", "label2id"):  # as transformers 5 saves a classifier with default labels
        config.pop(key, None)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def _csv(path: Path, n: int = 16) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "gender"])
        for i in range(n):
            writer.writerow([("severe chest pain" if i % 4 < 2 else "routine refill") + (" she" if i % 2 else " he"),
                             int(i % 4 < 2), "female" if i % 2 else "male"])
    return path


def test_default_labels_are_read_through_autoconfig(default_label_model: Path) -> None:
    assert "id2label" not in json.loads((default_label_model / "config.json").read_text())
    assert model_labels(default_label_model) == ["LABEL_0", "LABEL_1"]


def test_a_folder_without_a_classifier_head_is_refused(default_label_model: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "encoder"
    shutil.copytree(default_label_model, folder)
    config = json.loads((folder / "config.json").read_text())
    config["architectures"] = ["BertModel"]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(DataError, match="names no sequence-classification architecture \\(got BertModel\\)"):
        model_labels(folder)


@pytest.mark.parametrize(("given", "expected"), [("LABEL_1", "LABEL_1"), ("1", "LABEL_1"), (0, "LABEL_0"), (None, None)])
def test_positive_label_by_name_or_class_id(given: str | int | None, expected: str | None) -> None:
    assert positive_label_for(["LABEL_0", "LABEL_1"], given) == expected


def test_an_unknown_positive_label_names_the_choices() -> None:
    with pytest.raises(DataError, match=r"positive label '2' is neither one of the model's 2 labels \(LABEL_0, LABEL_1\) "
                                        r"nor a class id 0..1"):
        positive_label_for(["LABEL_0", "LABEL_1"], "2")


def test_a_default_label_classifier_is_audited_with_progress(default_label_model: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    torch.set_num_threads(1)
    result = audit_model(default_label_model, _csv(tmp_path / "data.csv"), sensitive="gender", positive_label="1",
                         output_dir=tmp_path / "run", scrub=False, explain=False, min_group_size=4, bootstrap=10,
                         device="cpu", policy="default", progress=True)
    assert result.stages["evaluate"] == "ok" and result.stages["fairness"] == "ok", result.stages
    config = json.loads((result.run_dir / "config.json").read_text())
    assert config["data"]["labels"] == ["LABEL_0", "LABEL_1"] and config["data"]["positive_label"] == "LABEL_1"
    err = capsys.readouterr().err
    assert "evaluate: done in" in err and "fairness: done in" in err
    assert result.verdict in ("pass", "fail", "inconclusive") and result.passed is (result.verdict == "pass")
    assert result.policy is not None and result.policy["verdict"] == result.verdict
    model = result.run_dir / "model"
    assert model.is_symlink() and model.resolve() == default_label_model.resolve()  # referenced, not copied
    weights = result.scorecard["identity"]["model"]["weights"]
    assert weights["model.safetensors"] == sha256_file(default_label_model / "model.safetensors")


def test_the_model_is_copied_only_when_asked(default_label_model: Path, tmp_path: Path) -> None:
    import torch

    torch.set_num_threads(1)
    result = audit_model(default_label_model, _csv(tmp_path / "data.csv"), sensitive="gender", output_dir=tmp_path / "run",
                         scrub=False, explain=False, min_group_size=4, bootstrap=0, device="cpu", copy_model=True)
    model = result.run_dir / "model"
    assert model.is_dir() and not model.is_symlink()
    assert sha256_file(model / "model.safetensors") == sha256_file(default_label_model / "model.safetensors")
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert "copied from" in manifest["stages"]["train"]["reason"]
