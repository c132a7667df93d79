"""F1 and S1 for training checkpoints: atomic rename, SHA-256 manifest, verified resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditkit.exceptions import CheckpointError, UserInputError
from auditkit.train._checkpoint import (
    MANIFEST_NAME,
    AtomicCheckpointMixin,
    latest_verified_checkpoint,
    list_checkpoints,
    verify_checkpoint,
    write_checkpoint_atomically,
)


class _Boom(RuntimeError):
    pass


def _make_trainer(model_dir: Path, out: Path, *, mixin: bool = True, max_steps: int = 4, fairness: bool = False) -> Any:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

    from auditkit.train import FairnessLoss, FairTrainer

    torch.set_num_threads(1)
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True)
    texts = ["patient reports chest pain", "routine refill check"] * 8
    enc = tokenizer(texts, truncation=True, max_length=16, padding="max_length")
    rows = [
        {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": i % 2}
        for i in range(len(texts))
    ]
    args = TrainingArguments(
        output_dir=str(out),
        max_steps=max_steps,
        per_device_train_batch_size=4,
        save_strategy="steps",
        save_steps=2,
        logging_strategy="no",
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        seed=0,
        remove_unused_columns=not fairness,  # keep group_ids in the batches
    )
    if fairness:  # lagrangian mode with running sums: multiplier, sums, counts and last gap all change every step
        for i, row in enumerate(rows):
            row["group_ids"] = (i // 3) % 2
        loss = FairnessLoss("demographic_parity", n_groups=2, mode="lagrangian", epsilon=0.0, dual_lr=0.5, momentum=0.5)
        return FairTrainer(model=model, args=args, train_dataset=rows, processing_class=tokenizer, fairness_loss=loss)
    bases = (AtomicCheckpointMixin, Trainer) if mixin else (Trainer,)
    cls = type("T", bases, {})
    return cls(model=model, args=args, train_dataset=rows, processing_class=tokenizer)


def test_trainer_checkpoints_verify_and_hold_no_training_args_pickle(tiny_model_dir: Path, tmp_path: Path) -> None:
    trainer = _make_trainer(tiny_model_dir, tmp_path / "ckpt")
    trainer.train()
    found = list_checkpoints(tmp_path / "ckpt")
    assert [p.name for p in found] == ["checkpoint-2", "checkpoint-4"]
    assert all(verify_checkpoint(p).ok for p in found)
    assert all((p / MANIFEST_NAME).is_file() and (p / "model.safetensors").is_file() for p in found)
    assert not list((tmp_path / "ckpt").rglob("training_args.bin"))
    assert not [p for p in (tmp_path / "ckpt").iterdir() if p.name.startswith(".")]


def test_plain_trainer_writes_training_args_pickle_so_the_check_can_fail(tiny_model_dir: Path, tmp_path: Path) -> None:
    trainer = _make_trainer(tiny_model_dir, tmp_path / "plain", mixin=False, max_steps=2)
    trainer.train()
    assert list((tmp_path / "plain").rglob("training_args.bin"))
    check = verify_checkpoint(tmp_path / "plain" / "checkpoint-2")
    assert not check.ok and "training_args.bin" in (check.problem or "")


def test_failure_mid_save_keeps_previous_checkpoint_and_resume_uses_it(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditkit.train._checkpoint_state as state_module

    out = tmp_path / "ckpt"
    trainer = _make_trainer(tiny_model_dir, out)
    real = state_module.save_state

    def failing_save(folder: Any, name: str, state: Any) -> None:
        real(folder, name, state)  # model and optimizer files are already on disk
        if name == "rng_state" and trainer.state.global_step == 4:
            raise _Boom("disk full")

    monkeypatch.setattr(state_module, "save_state", failing_save)
    with pytest.raises(_Boom):
        trainer.train()
    assert [p.name for p in list_checkpoints(out)] == ["checkpoint-2"]
    assert verify_checkpoint(out / "checkpoint-2").ok
    assert latest_verified_checkpoint(out) == out / "checkpoint-2"
    monkeypatch.setattr(state_module, "save_state", real)
    resumed = _make_trainer(tiny_model_dir, out)
    result = resumed.train(resume_from_checkpoint=True)
    assert result.global_step == 4
    assert latest_verified_checkpoint(out) == out / "checkpoint-4"


def test_partial_checkpoint_without_manifest_is_skipped_on_resume(tmp_path: Path) -> None:
    good = write_checkpoint_atomically(tmp_path / "checkpoint-2", lambda d: (d / "a.safetensors").write_bytes(b"x"))
    partial = tmp_path / "checkpoint-4"
    partial.mkdir()
    (partial / "model.safetensors").write_bytes(b"half")
    assert not verify_checkpoint(partial).ok
    assert latest_verified_checkpoint(tmp_path) == good


def test_checkpoint_with_changed_byte_fails_verification(tmp_path: Path) -> None:
    folder = write_checkpoint_atomically(tmp_path / "checkpoint-3", lambda d: (d / "w.safetensors").write_bytes(b"abc"))
    assert verify_checkpoint(folder).ok
    (folder / "w.safetensors").write_bytes(b"abd")
    check = verify_checkpoint(folder)
    assert not check.ok and check.sealed and check.problem == "hash mismatch: w.safetensors"
    with pytest.raises(CheckpointError, match="'checkpoint-3' does not match its manifest"):
        latest_verified_checkpoint(tmp_path)


def test_tampered_optimizer_file_in_newest_checkpoint_is_refused_not_resumed(tiny_model_dir: Path, tmp_path: Path) -> None:
    """F2: a checkpoint whose files do not match its manifest is refused, never resumed (nor silently skipped)."""
    out = tmp_path / "ckpt"
    _make_trainer(tiny_model_dir, out, max_steps=4).train()
    optimizer = out / "checkpoint-4" / "optimizer.safetensors"
    data = bytearray(optimizer.read_bytes())
    data[-1] ^= 0x01
    optimizer.write_bytes(bytes(data))
    resumed = _make_trainer(tiny_model_dir, out, max_steps=6)
    with pytest.raises(CheckpointError) as info:
        resumed.train(resume_from_checkpoint=True)
    message = str(info.value)
    assert "'checkpoint-4'" in message and "hash mismatch: optimizer.safetensors" in message
    assert "\n" not in message and info.value.exit_code == 2 and isinstance(info.value, UserInputError)
    assert resumed.state.global_step == 0  # nothing was trained from either checkpoint
    assert verify_checkpoint(out / "checkpoint-2").ok  # the older one is intact, yet not silently used


@pytest.mark.parametrize("name", ["pytorch_model.bin", "training_args.bin", "evil.pkl"])
def test_checkpoint_with_injected_pickle_fails_verification(tmp_path: Path, name: str) -> None:
    folder = write_checkpoint_atomically(tmp_path / "checkpoint-1", lambda d: (d / "w.safetensors").write_bytes(b"a"))
    (folder / name).write_bytes(b"not loaded")
    check = verify_checkpoint(folder)
    assert not check.ok and name in (check.problem or "")


def test_writer_error_leaves_no_target_and_no_partial_folder(tmp_path: Path) -> None:
    def half_write(folder: Path) -> None:
        (folder / "model.safetensors").write_bytes(b"half")
        raise _Boom("killed")

    with pytest.raises(_Boom):
        write_checkpoint_atomically(tmp_path / "checkpoint-5", half_write)
    assert list(tmp_path.iterdir()) == []


def test_manifest_refuses_to_seal_a_folder_holding_a_pickle(tmp_path: Path) -> None:
    def writes_pickle(folder: Path) -> None:
        (folder / "training_args.bin").write_bytes(b"x")

    with pytest.raises(CheckpointError, match="training_args.bin"):
        write_checkpoint_atomically(tmp_path / "checkpoint-1", writes_pickle)
    assert not (tmp_path / "checkpoint-1").exists()


def test_explicit_resume_from_unverified_checkpoint_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "ckpt" / "checkpoint-2"
    bad.mkdir(parents=True)
    trainer = _make_trainer(tiny_model_dir, tmp_path / "ckpt")
    with pytest.raises(CheckpointError, match="does not verify"):
        trainer.train(resume_from_checkpoint=str(bad))
    with pytest.raises(CheckpointError, match="no verified checkpoint"):
        trainer.train(resume_from_checkpoint=True)


def test_checkpoints_hold_no_pickle_and_resume_reads_none(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    out = tmp_path / "ckpt"
    _make_trainer(tiny_model_dir, out, max_steps=2).train()
    names = {p.name for p in (out / "checkpoint-2").iterdir()}
    assert {"optimizer.safetensors", "scheduler.json", "rng_state.json"} <= names
    assert not [n for n in names if n.endswith((".pt", ".pth", ".bin"))]

    def no_pickles(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("torch.load called during resume")

    monkeypatch.setattr(torch, "load", no_pickles)
    result = _make_trainer(tiny_model_dir, out, max_steps=4).train(resume_from_checkpoint=True)
    assert result.global_step == 4


def _stop_at_two() -> Any:
    """A callback that stops training right after the step-2 checkpoint, as a kill would."""
    from transformers import TrainerCallback

    class StopAtTwo(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            control.should_training_stop = state.global_step == 2
            return control

    return StopAtTwo()


def _killed_and_resumed(model_dir: Path, out: Path, *, fairness: bool) -> Any:
    first = _make_trainer(model_dir, out, max_steps=4, fairness=fairness)
    first.add_callback(_stop_at_two())
    first.train()  # "killed" after the step-2 checkpoint
    assert [p.name for p in list_checkpoints(out)] == ["checkpoint-2"]
    resumed = _make_trainer(model_dir, out, max_steps=4, fairness=fairness)
    resumed.train(resume_from_checkpoint=True)
    return resumed


def _same_state(a: Any, b: Any) -> bool:
    import torch

    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("fairness", [False, True], ids=["plain", "fairness_loss"])
def test_resumed_training_matches_straight_training(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fairness: bool
) -> None:
    """Optimizer, scheduler, RNG and fairness-loss state survive the pickle-free format exactly (F2 on CPU)."""
    straight = _make_trainer(tiny_model_dir, tmp_path / "a", max_steps=4, fairness=fairness)
    straight.train()
    resumed = _killed_and_resumed(tiny_model_dir, tmp_path / "b", fairness=fairness)
    assert _same_state(straight.model, resumed.model)
    if fairness:
        assert _same_state(straight.fairness_loss, resumed.fairness_loss)
        moved = straight.fairness_loss  # the state moved away from its start, so the comparison means something
        assert float(moved.multiplier) != 1.0 and float(moved.running_counts.sum()) > 0
    # shown able to fail: a resume that drops the fairness-loss state, or the optimizer state, ends elsewhere
    from auditkit.train._checkpoint_state import SafeStateMixin

    if fairness:
        with monkeypatch.context() as patch:
            patch.setattr(AtomicCheckpointMixin, "_load_stateful_modules", lambda self, checkpoint: None)
            fresh_loss = _make_trainer(tiny_model_dir, tmp_path / "b", max_steps=4, fairness=True)
            fresh_loss.train(resume_from_checkpoint=str(tmp_path / "b" / "checkpoint-2"))
        assert not _same_state(straight.fairness_loss, fresh_loss.fairness_loss)
        assert not _same_state(straight.model, fresh_loss.model)

    monkeypatch.setattr(SafeStateMixin, "_load_optimizer_and_scheduler", lambda self, checkpoint: None)
    forgetful = _make_trainer(tiny_model_dir, tmp_path / "b", max_steps=4, fairness=fairness)
    forgetful.train(resume_from_checkpoint=str(tmp_path / "b" / "checkpoint-2"))
    assert not _same_state(straight.model, forgetful.model)

