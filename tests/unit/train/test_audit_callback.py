"""AuditCallback: fairness metrics from the Trainer's own predictions in its metrics and logs, one scorecard per run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.exceptions import DataError
from auditkit.gate import load_policy, parse_policy, run_gate
from auditkit.train import AuditCallback


def _frame(n: int = 24) -> pd.DataFrame:
    rows = []
    for i in range(n):
        urgent = i % 4 < 2
        rows.append({
            "text": ("patient reports severe chest pain" if urgent else "routine medication refill") + (" she" if i % 2 else " he"),
            "label": "urgent" if urgent else "routine",
            "gender": "female" if i % 2 else "male",
        })
    return pd.DataFrame(rows)


class _Recorder:
    """A stand-in reporter: remembers every key it was asked to log."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("on_"):
            return lambda *a, **k: None
        raise AttributeError(name)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, float] | None = None, **kwargs: Any) -> None:
        self.keys.update(logs or {})


@pytest.fixture(scope="module")
def trained(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer, TrainingArguments

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("callback_run")
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model_dir, local_files_only=True)
    frame = _frame()
    enc = tokenizer(frame["text"].tolist(), truncation=True, max_length=32)
    data = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
             "labels": int(frame["label"][i] == "urgent")} for i in range(len(frame))]
    args = TrainingArguments(output_dir=str(out), max_steps=2, eval_strategy="steps", eval_steps=1, save_strategy="no",
                             report_to="none", per_device_train_batch_size=8, disable_tqdm=True, dataloader_pin_memory=False,
                             use_cpu=True)
    audit = AuditCallback(frame, sensitive="gender", min_group_size=5, scorecard_n_boot=50)
    recorder = _Recorder()
    trainer = Trainer(model=model, args=args, train_dataset=data, eval_dataset=data, processing_class=tokenizer,
                      data_collator=DataCollatorWithPadding(tokenizer), callbacks=[recorder, audit],
                      compute_metrics=audit.compute_metrics)
    trainer.train()
    at_train_end = json.loads((out / "scorecard.json").read_text())
    calls = _count_forward_calls(model)
    metrics = trainer.evaluate()
    return {"out": out, "metrics": metrics, "trainer": trainer, "audit": audit, "recorder": recorder, "tokenizer": tokenizer,
            "data": data, "at_train_end": at_train_end, "forward_calls": len(calls)}


def _count_forward_calls(model: Any) -> list[int]:
    calls: list[int] = []
    model.register_forward_hook(lambda module, inputs, output: calls.append(1))
    return calls


def test_evaluate_returns_fairness_metrics(trained: dict[str, Any]) -> None:
    metrics = trained["metrics"]
    assert "eval_fair/gender/equal_opportunity_difference" in metrics
    assert "eval_fair/gender/female/tpr" in metrics
    assert 0.0 <= metrics["eval_fair/gender/equal_opportunity_difference"] <= 1.0


def test_fairness_metrics_reach_every_reporter_and_the_log_history(trained: dict[str, Any]) -> None:
    assert "eval_fair/gender/equal_opportunity_difference" in trained["recorder"].keys
    history = trained["trainer"].state.log_history
    assert any("eval_fair/gender/equal_opportunity_difference" in entry for entry in history)


def test_callback_never_enables_a_reporting_integration(trained: dict[str, Any]) -> None:
    assert trained["trainer"].args.report_to in ([], "none", ["none"])


def test_scorecard_is_written_at_train_end_and_passes_through_the_gate(trained: dict[str, Any]) -> None:
    card = trained["out"] / "scorecard.json"
    doc = json.loads(card.read_text())
    assert doc["fairness"]["status"] == "ok"
    assert doc["fairness"]["attributes"]["gender"]["equal_opportunity_difference"]["ci_low"] is not None
    assert doc["performance"]["model"]["n"] == 24
    assert doc["identity"]["status"] == "not_run"
    policy = parse_policy([{"id": "eo", "metric": "fairness.attributes.*.equal_opportunity_difference", "op": "<=", "threshold": 1.0}])
    assert run_gate(card, policy).exit_code == 0
    assert run_gate(card, load_policy("default")).exit_code in (1, 4)


def test_scorecard_with_model_dir_binds_the_saved_weights(trained: dict[str, Any]) -> None:
    saved = trained["out"] / "model"
    trained["trainer"].model.save_pretrained(saved)
    card = trained["audit"].write_scorecard(trained["out"] / "bound.json", model_dir=saved)
    policy = parse_policy([{"id": "eo", "metric": "fairness.attributes.gender.equal_opportunity_difference", "op": "<=", "threshold": 1.0}])
    assert run_gate(card, policy, model_dir=saved).exit_code == 0
    (saved / "model.safetensors").write_bytes(b"tampered")
    assert run_gate(card, policy, model_dir=saved).exit_code == 1


def test_length_mismatch_is_refused_with_counts() -> None:
    with pytest.raises(DataError, match="3 rows but 2 labels"):
        AuditCallback(labels=[0, 1], groups={"gender": ["f", "m", "f"]})


def test_missing_column_is_refused() -> None:
    with pytest.raises(DataError, match="no column 'gender'"):
        AuditCallback(_frame().drop(columns=["gender"]), sensitive="gender")


def test_no_data_at_all_is_refused() -> None:
    with pytest.raises(DataError, match="needs eval_data"):
        AuditCallback()


def test_evaluation_runs_the_model_once_per_batch_not_again_for_the_audit(trained: dict[str, Any]) -> None:
    batches = -(-len(trained["data"]) // trained["trainer"].args.per_device_eval_batch_size)
    assert trained["forward_calls"] == batches


def test_the_callback_finds_no_frame_of_the_trainer() -> None:
    import inspect

    import auditkit.train._callback as module

    assert "_getframe" not in inspect.getsource(module)


def test_one_scorecard_per_run_binding_the_model_rewrites_the_train_end_file(trained: dict[str, Any], tmp_path: Path) -> None:
    audit = trained["audit"]
    saved = tmp_path / "model"
    trained["trainer"].model.save_pretrained(saved)
    card = audit.write_scorecard(model_dir=saved, step=max(k for k in audit.predictions if k <= trained["trainer"].state.global_step))
    assert card == trained["out"] / "scorecard.json"
    doc = json.loads(card.read_text())
    assert doc["identity"]["status"] == "ok"
    assert doc["fairness"] == trained["at_train_end"]["fairness"]
    assert sorted(p.name for p in trained["out"].glob("*scorecard*.json")) == ["scorecard.json"]


def test_a_trainer_without_the_callbacks_compute_metrics_is_told_how_to_wire_it(tiny_model_dir: Path, tmp_path: Path) -> None:
    trainer, audit = _small_trainer(tiny_model_dir, tmp_path, wire=False)
    with pytest.raises(DataError, match="pass compute_metrics=audit.compute_metrics to the Trainer"):
        trainer.evaluate()
    audit.attach(trainer)
    assert "eval_fair/gender/equal_opportunity_difference" in trainer.evaluate()


def test_rows_that_are_not_the_eval_dataset_are_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    trainer, audit = _small_trainer(tiny_model_dir, tmp_path, wire=True, rows=20)
    with pytest.raises(DataError, match="has 20 audit rows but the Trainer evaluated 24"):
        trainer.evaluate()


def test_repr_names_the_settings() -> None:
    assert repr(AuditCallback(_frame(), sensitive="gender")) == (
        "AuditCallback(sensitive=['gender'], n_rows=24, prefix='eval_fair', min_group_size=30, n_boot=0)")


def _small_trainer(model_dir: Path, tmp_path: Path, *, wire: bool, rows: int = 24) -> tuple[Any, AuditCallback]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer, TrainingArguments

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True)
    frame = _frame()
    enc = tokenizer(frame["text"].tolist(), truncation=True, max_length=32)
    data = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
             "labels": int(frame["label"][i] == "urgent")} for i in range(len(frame))]
    args = TrainingArguments(output_dir=str(tmp_path), report_to="none", disable_tqdm=True, use_cpu=True,
                             dataloader_pin_memory=False)
    audit = AuditCallback(frame.head(rows), sensitive="gender", min_group_size=5)
    trainer = Trainer(model=model, args=args, eval_dataset=data, processing_class=tokenizer,
                      data_collator=DataCollatorWithPadding(tokenizer), callbacks=[audit],
                      compute_metrics=audit.compute_metrics if wire else None)
    return trainer, audit
