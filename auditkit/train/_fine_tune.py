"""Fine-tune a local HF model folder into a sequence classifier.

Built on :class:`transformers.Trainer` (checkpointing, mixed precision and
torch.distributed come with it) through :class:`FairTrainer`. Dynamic padding
and length-grouped batches keep CPU time low; the seed makes two CPU runs give
identical weights; early stopping watches validation loss; checkpoints are
safetensors; a killed run resumes from its newest checkpoint.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auditkit._architecture import head_modules, layer_stack, lora_target_modules
from auditkit._distributed import barrier, is_main, world_size
from auditkit._io import atomic_dir, atomic_write_json, sha256_file
from auditkit._logging import get_logger
from auditkit._model_io import default_model_path, load_classifier, quiet_transformers, resolve_device
from auditkit._offline import force_offline
from auditkit._precision import ObservedPrecision, attention_implementation, cpu_has_native_bf16, observe_precision
from auditkit.config import RunConfig, TrainingConfig
from auditkit.data import AuditDataset
from auditkit.exceptions import CheckpointError, ConfigError, DataError
from auditkit.train._artifact import META_FILE, ModelArtifact
from auditkit.train._checkpoint import latest_verified_checkpoint
from auditkit.train._data import PadCollator, encode
from auditkit.train._determinism import seed_everything
from auditkit.train._trainer import FairTrainer

__all__ = ["build_training_args", "fine_tune", "freeze_lower_layers", "group_index", "latest_checkpoint",
           "per_device_batch"]

_log = get_logger(__name__)


def group_index(values: Sequence[str] | np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Map group names to consecutive ints (sorted by name); return ``(ids, names)``."""
    names = sorted({str(v) for v in values})
    lookup = {name: i for i, name in enumerate(names)}
    return np.array([lookup[str(v)] for v in values], dtype=np.int64), names


def _precision(cfg: TrainingConfig, device: str) -> dict[str, bool]:
    """Trainer precision flags: bf16/fp16 autocast on CUDA; bf16 on a CPU with native bf16 units."""
    if cfg.mixed_precision == "no":
        return {}
    if device == "cpu":
        # fp16 autocast on CPU is slow and not what anyone asks for; bf16 only where the CPU computes it natively
        # (elsewhere it is emulated and slower than fp32) unless the user asked for it explicitly.
        wanted = cfg.mixed_precision == "bf16" or (cfg.mixed_precision == "auto" and cpu_has_native_bf16())
        return {"bf16": True} if wanted else {}
    if device != "cuda":
        return {}
    if cfg.mixed_precision == "fp16":
        return {"fp16": True}
    if cfg.mixed_precision == "bf16" or torch.cuda.is_bf16_supported():
        return {"bf16": True}
    return {"fp16": True}


def _ran_in(observed: ObservedPrecision, requested: str) -> str:
    """The precision training actually ran in (read back from the Linear outputs), warning on a fallback."""
    ran = {"bf16": "bf16", "fp16": "fp16"}.get(observed.matmul_dtype or "", "no")
    if observed.ran and ran != requested:
        _log.warning("training asked for mixed precision %r but its matrix products ran in %s",
                     requested, observed.matmul_dtype)
    return ran if observed.ran else requested


def per_device_batch(batch_size: int, world: int) -> int:
    """``training.batch_size`` is the global batch: each of ``world`` processes takes an equal share.

    So N processes see the same batches, in the same order, as one process, and train to
    the same parameters (up to float summation order).
    """
    if batch_size % world:
        raise ConfigError(f"training.batch_size {batch_size} does not split evenly over {world} processes; "
                          f"use a multiple of {world} (it is the global batch, shared by the processes)")
    return batch_size // world


def build_training_args(config: RunConfig, output_dir: Path, *, device: str, progress: bool = True) -> Any:
    """TrainingArguments for ``config`` (no reporting integration unless the config asks)."""
    from transformers import TrainingArguments

    t = config.training
    save = t.save_checkpoints
    early = t.early_stopping_patience is not None and save
    return TrainingArguments(
        output_dir=str(output_dir),
        num_train_epochs=t.epochs,
        max_steps=t.max_steps or -1,
        per_device_train_batch_size=per_device_batch(t.batch_size, world_size()),
        per_device_eval_batch_size=t.eval_batch_size,
        learning_rate=t.learning_rate,
        weight_decay=t.weight_decay,
        warmup_steps=t.warmup_ratio,
        train_sampling_strategy="group_by_length" if t.group_by_length else "random",
        eval_strategy="epoch",
        save_strategy="epoch" if save else "no",
        logging_strategy="epoch",
        load_best_model_at_end=early,
        metric_for_best_model="eval_loss" if early else None,
        greater_is_better=False if early else None,
        save_total_limit=2 if save else None,
        seed=config.seed,
        data_seed=config.seed,
        report_to=t.report_to or "none",
        disable_tqdm=not progress or not is_main(),
        use_cpu=device == "cpu",
        remove_unused_columns=False,
        dataloader_num_workers=0,
        dataloader_pin_memory=device == "cuda",
        **_precision(t, device),
    )


def latest_checkpoint(folder: Path) -> Path | None:
    """Newest ``checkpoint-N`` folder whose SHA-256 manifest verifies, or ``None``."""
    found = latest_verified_checkpoint(folder)
    return Path(found) if found is not None else None


def _apply_lora(model: Any, config: RunConfig) -> Any:
    """Wrap ``model`` in LoRA adapters on the attention projections its architecture has; the head trains in full."""
    lora = config.training.lora
    if lora is None:
        return model
    try:
        from peft import LoraConfig, TaskType, get_peft_model
    except ImportError:
        raise DataError("training.lora needs the peft package; install auditkit[lora] or remove training.lora") from None
    targets = lora.target_modules or lora_target_modules(model)
    peft_cfg = LoraConfig(task_type=TaskType.SEQ_CLS, r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                          target_modules=targets, modules_to_save=head_modules(model))
    _log.info("LoRA on %s (head trained in full: %s)", ", ".join(targets), ", ".join(head_modules(model)))
    return get_peft_model(model, peft_cfg)


def freeze_lower_layers(model: Any, top_layers: int | None) -> int:
    """Freeze the embeddings and all but the top ``top_layers`` transformer blocks; return trainable parameters.

    The blocks are the base model's ``ModuleList`` of ``config.num_hidden_layers`` layers
    (``encoder.layer`` in BERT, ``layers`` in Llama), the embeddings the base model's part
    that holds ``get_input_embeddings()``; the head, poolers and final norms stay trainable.
    """
    if top_layers is None:
        return sum(p.numel() for p in model.parameters() if p.requires_grad)
    layers = layer_stack(model)
    if layers is None:
        raise DataError(f"training.train_top_layers needs a stack of config.num_hidden_layers transformer blocks, "
                        f"not found in this {type(model).__name__}; remove the option for this model")
    for param in _embedding_block(model).parameters():
        param.requires_grad_(False)
    for layer in list(layers)[: max(len(layers) - top_layers, 0)]:
        for param in layer.parameters():
            param.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _embedding_block(model: Any) -> torch.nn.Module:
    """The base model's child that holds the input embeddings (BERT: ``embeddings``; Llama: ``embed_tokens``)."""
    embeddings = model.get_input_embeddings()
    base = getattr(model, model.base_model_prefix, model)
    for child in base.children():
        if child is embeddings or any(m is embeddings for m in child.modules()):
            return child
    return embeddings


def fine_tune(
    config: RunConfig,
    train: AuditDataset,
    validation: AuditDataset,
    out_dir: str | os.PathLike[str],
    *,
    checkpoint_dir: str | os.PathLike[str] | None = None,
    fairness_loss: torch.nn.Module | None = None,
    group_attr: str | None = None,
    sample_weights: np.ndarray | None = None,
    resume: bool = True,
    progress: bool = True,
    callbacks: Sequence[Any] = (),
) -> ModelArtifact:
    """Fine-tune ``config.model.path`` (default MiniLM-L6) on ``train`` and save it to ``out_dir``.

    Parameters
    ----------
    fairness_loss:
        Added to the task loss in training; needs ``group_attr``.
    group_attr:
        Sensitive attribute whose group ids are carried in each batch.
    sample_weights:
        Per-training-example loss weights (e.g. reweighing).
    resume:
        Continue from the newest verified checkpoint in ``checkpoint_dir`` when one exists.

    Returns
    -------
    ModelArtifact
        The saved model folder (safetensors weights, tokenizer, ``auditkit_meta.json``).
    """
    force_offline()
    if fairness_loss is not None and group_attr is None:
        raise DataError("a fairness loss needs a sensitive attribute: set fairness.sensitive")
    t = config.training
    if t.num_threads:
        torch.set_num_threads(t.num_threads)
    device = resolve_device(t.device)
    base = Path(config.model.path) if config.model.path else default_model_path()
    seed_everything(config.seed)
    id2label = dict(enumerate(train.labels))
    model, tokenizer = load_classifier(base, num_labels=len(train.labels), id2label=id2label, device="cpu")
    model = _apply_lora(model, config)
    if t.lora is None:
        freeze_lower_layers(model, t.train_top_layers)
    group_ids, group_names = (None, [])
    if group_attr is not None:
        group_ids, group_names = group_index(train.groups(group_attr))
    max_len = min(config.model.max_length, getattr(tokenizer, "model_max_length", 10**9) or 10**9)
    train_set = encode(tokenizer, train.texts, train.label_ids, max_length=max_len,
                       group_ids=group_ids if fairness_loss is not None else None, sample_weights=sample_weights)
    val_set = encode(tokenizer, validation.texts, validation.label_ids, max_length=max_len)
    ckpt = Path(checkpoint_dir) if checkpoint_dir else Path(out_dir).parent / "checkpoints"
    args = build_training_args(config, ckpt, device=device, progress=progress)
    all_callbacks = list(callbacks)
    if args.load_best_model_at_end:
        from transformers import EarlyStoppingCallback

        all_callbacks.append(EarlyStoppingCallback(early_stopping_patience=t.early_stopping_patience or 1))
    trainer = FairTrainer(
        model=model, args=args, train_dataset=train_set, eval_dataset=val_set,
        data_collator=PadCollator(pad_token_id=tokenizer.pad_token_id or 0, padding_side=tokenizer.padding_side),
        processing_class=tokenizer, callbacks=all_callbacks, fairness_loss=fairness_loss,
    )
    if not progress:
        from transformers.trainer_callback import PrinterCallback

        trainer.remove_callback(PrinterCallback)
    start_from = latest_checkpoint(ckpt) if resume else None
    began = time.perf_counter()
    cpu_bf16 = device == "cpu" and bool(args.bf16)
    with (quiet_transformers(), attention_implementation(trainer.model, "eager") if cpu_bf16 else nullcontext(),
          observe_precision() as observed):
        result = trainer.train(resume_from_checkpoint=str(start_from) if start_from else None)
    requested = next(iter(_precision(t, device)), "no")
    seconds = time.perf_counter() - began
    summary = {
        "epochs": float(trainer.state.epoch or 0.0),
        "steps": int(trainer.state.global_step),
        "train_loss": float(result.training_loss),
        "best_validation_loss": trainer.state.best_metric,
        "seconds": round(seconds, 3),
        "train_samples_per_second": float(result.metrics.get("train_samples_per_second", 0.0)),
        "resumed_from_step": int(start_from.name.split("-")[-1]) if start_from else None,
        "device": device,
        "mixed_precision": _ran_in(observed, requested),
        "mixed_precision_requested": requested,
        "precision": observed.to_json(),
        "lora": t.lora is not None,
        "mitigation": "fairness_loss" if fairness_loss is not None else ("reweighing" if sample_weights is not None else "none"),
        "group_attr": group_attr,
        "group_names": group_names,
    }
    summary["processes"] = world_size()
    base_name = "all-MiniLM-L6-v2" if config.model.path is None else base.name
    if is_main():  # under torchrun rank 0 writes the model; the others read it after the barrier
        save_model(trainer.model, tokenizer, out_dir, labels=list(train.labels), name=config.name,
                   positive_label=train.positive_label, base_model=base_name, training=summary)
    barrier()
    return ModelArtifact.load(out_dir)


def save_model(model: Any, tokenizer: Any, out_dir: str | os.PathLike[str], *, labels: list[str],
               positive_label: str | None, base_model: str, training: dict[str, Any],
               name: str | None = None) -> ModelArtifact:
    """Save ``model`` + tokenizer as safetensors into ``out_dir`` atomically, with metadata."""
    if hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()
    target = Path(out_dir)
    with atomic_dir(target) as tmp, quiet_transformers():
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        weights = {p.name: sha256_file(p) for p in sorted(tmp.glob("*.safetensors"))}
        if not weights:
            raise CheckpointError("the model was not saved as safetensors; refusing to write a pickle")
        artifact = ModelArtifact(target, labels, positive_label, base_model, weights, training, name=name)
        atomic_write_json(tmp / META_FILE, {k: v for k, v in artifact.to_json().items() if k != "path"})
    _log.info("saved model (%d weight file(s))", len(weights))
    return artifact
