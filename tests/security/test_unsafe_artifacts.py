"""S1: only safetensors cross the trust boundary; pickles are refused and never run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from auditkit._model_io import load_classifier
from auditkit.exceptions import UnsafeArtifactError
from auditkit.train._checkpoint import verify_checkpoint, write_checkpoint_atomically


class _Payload:
    """Unpickling this object creates the marker folder (stands in for arbitrary code)."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (self.marker,))


def _malicious_torch_file(path: Path, marker: Path) -> Path:
    import torch

    torch.save({"state": _Payload(marker)}, str(path))
    return path


def test_the_payload_really_runs_when_unpickled_so_the_checks_below_can_fail(tmp_path: Path) -> None:
    import torch

    marker = tmp_path / "pwned"
    file = _malicious_torch_file(tmp_path / "evil.pt", marker)
    torch.load(str(file), weights_only=False)
    assert marker.exists()


def test_model_folder_with_pickle_weights_is_refused_and_pickle_never_runs(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    marker = tmp_path / "pwned"
    _malicious_torch_file(folder / "pytorch_model.bin", marker)
    with pytest.raises(UnsafeArtifactError, match="pytorch_model.bin"):
        load_classifier(folder)
    assert not marker.exists()


def test_pickle_only_model_folder_is_refused_and_pickle_never_runs(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "model.safetensors").unlink()
    marker = tmp_path / "pwned"
    _malicious_torch_file(folder / "pytorch_model.bin", marker)
    with pytest.raises(UnsafeArtifactError):
        load_classifier(folder)
    assert not marker.exists()


def test_checkpoint_with_swapped_optimizer_pickle_fails_verification(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    def write(folder: Path) -> None:
        (folder / "model.safetensors").write_bytes(b"weights")
        (folder / "optimizer.pt").write_bytes(b"honest optimizer state")

    folder = write_checkpoint_atomically(tmp_path / "checkpoint-2", write)
    _malicious_torch_file(folder / "optimizer.pt", marker)
    check = verify_checkpoint(folder)
    assert not check.ok and check.problem == "hash mismatch: optimizer.pt"
    assert not marker.exists()


def test_trainer_reads_checkpoint_torch_files_with_weights_only(tiny_model_dir: Path, tmp_path: Path) -> None:
    """Even a re-sealed malicious optimizer.pt is loaded with weights_only=True and never runs."""
    import pickle

    from transformers import AutoModelForSequenceClassification, Trainer, TrainingArguments

    model = AutoModelForSequenceClassification.from_pretrained(str(tiny_model_dir), local_files_only=True)
    args = TrainingArguments(output_dir=str(tmp_path / "out"), report_to=[], use_cpu=True, max_steps=1)
    trainer = Trainer(model=model, args=args)
    trainer.create_optimizer_and_scheduler(num_training_steps=1)
    checkpoint = tmp_path / "checkpoint-1"
    checkpoint.mkdir()
    marker = tmp_path / "pwned"
    _malicious_torch_file(checkpoint / "optimizer.pt", marker)
    _malicious_torch_file(checkpoint / "scheduler.pt", marker)
    with pytest.raises(pickle.UnpicklingError):
        trainer._load_optimizer_and_scheduler(str(checkpoint))
    with pytest.raises(pickle.UnpicklingError):
        _malicious_torch_file(checkpoint / "rng_state.pth", marker)
        trainer._load_rng_state(str(checkpoint))
    assert not marker.exists()


def test_remote_code_in_model_folder_is_never_executed(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    marker = tmp_path / "pwned"
    (folder / "evil_modeling.py").write_text(f"import os\nos.mkdir({str(marker)!r})\n", encoding="utf-8")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["auto_map"] = {"AutoModelForSequenceClassification": "evil_modeling.EvilModel"}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    try:
        load_classifier(folder)
    except Exception:  # noqa: BLE001 - refusing is fine; running the code is not
        pass
    assert not marker.exists()


def test_transformers_never_reads_training_args_bin_back() -> None:
    """A resumed Trainer does not unpickle training_args.bin (checked in the installed source)."""
    import inspect

    import transformers.trainer as trainer_module

    source = inspect.getsource(trainer_module)
    reads = [line for line in source.splitlines() if "TRAINING_ARGS_NAME" in line and "torch.save" not in line]
    assert reads == ['TRAINING_ARGS_NAME = "training_args.bin"']
    loads = [line for line in source.splitlines() if "torch.load(" in line]
    assert loads and all("weights_only=True" in line or line.rstrip().endswith("(") for line in loads)
