"""Stage ``train``: fine-tune on the prepared (scrubbed) splits; with mitigation, also an unmitigated baseline.

Outputs ``model/`` (the model to ship) and, when a mitigation is configured and
``fairness.compare_baseline`` is on, ``baseline_model/`` so the audits can show
before and after side by side. Checkpoints live in ``checkpoints/`` (and
``checkpoints-baseline/``); a run killed mid-training resumes from the newest
verified checkpoint when its inputs are unchanged. Under torchrun every rank trains
(DDP through the HF Trainer; ``training.batch_size`` is the global batch) and rank 0
alone writes checkpoints and models.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from auditkit._distributed import barrier, is_main
from auditkit._io import atomic_write_text
from auditkit.data import AuditDataset
from auditkit.exceptions import ConfigError
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.pipeline._stages._common import read_split

__all__ = ["STAGE", "sensitive_attribute"]


def sensitive_attribute(ctx: StageContext, dataset: AuditDataset) -> str | None:
    """The attribute fairness works on: ``fairness.sensitive`` or the first sensitive column."""
    attr = ctx.config.fairness.sensitive or (dataset.sensitive[0] if dataset.sensitive else None)
    if attr is not None and attr not in dataset.sensitive:
        raise ConfigError(f"fairness.sensitive {attr!r} is not one of data.sensitive {list(dataset.sensitive)}")
    return attr


def _fairness_loss(ctx: StageContext, n_groups: int, train: AuditDataset) -> Any:
    """The configured loss; multiclass data without a positive label constrains every class (the worst class's gap)."""
    from auditkit.train import FairnessLoss

    f = ctx.config.fairness
    every_class = len(train.labels) > 2 and not train.positive_label
    return FairnessLoss(constraint=f.constraint, n_groups=n_groups, mode=f.mode, weight=f.weight,
                        epsilon=f.epsilon, dual_lr=f.dual_lr, momentum=f.momentum,
                        positive_index=None if every_class else train.positive_index,
                        n_classes=len(train.labels))


def _reweighing(train: AuditDataset, attr: str) -> np.ndarray:
    from auditkit.train import reweighing_weights

    return np.asarray(reweighing_weights(train.label_ids, train.groups(attr)), dtype=np.float64)


def _fresh_checkpoints(folder: Path, key: str) -> None:
    """Keep checkpoints only when they belong to a run with the same inputs (resume); else start clean."""
    marker = folder / "RUN_KEY"
    if folder.exists() and (not marker.is_file() or marker.read_text().strip() != key):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(marker, key + "\n")


def _train_one(ctx: StageContext, train: AuditDataset, val: AuditDataset, out: str, ckpt: str,
               *, mitigation: str, attr: str | None) -> dict[str, Any]:
    from auditkit.train import fine_tune, group_index

    if is_main():
        _fresh_checkpoints(ctx.path(ckpt), ctx.stage_key or "unkeyed")
    barrier()
    kwargs: dict[str, Any] = {}
    if mitigation == "fairness_loss" and attr:
        n_groups = len(group_index(train.groups(attr))[1])
        kwargs = {"fairness_loss": _fairness_loss(ctx, n_groups, train), "group_attr": attr}
    elif mitigation == "reweighing" and attr:
        kwargs = {"sample_weights": _reweighing(train, attr)}
    artifact = fine_tune(ctx.config, train, val, ctx.path(out), checkpoint_dir=ctx.path(ckpt),
                         progress=ctx.progress, **kwargs)
    return artifact.training


def _run(ctx: StageContext) -> dict[str, Any]:
    train, val = read_split(ctx, "train"), read_split(ctx, "validation")
    attr = sensitive_attribute(ctx, train)
    mitigation = ctx.config.fairness.mitigation if attr else "none"
    result: dict[str, Any] = {"mitigation": mitigation, "sensitive": attr}
    if mitigation != "none" and ctx.config.fairness.compare_baseline:
        result["baseline"] = _train_one(ctx, train, val, "baseline_model", "checkpoints-baseline", mitigation="none", attr=attr)
    elif ctx.path("baseline_model").exists() and is_main():
        shutil.rmtree(ctx.path("baseline_model"))
    result["model"] = _train_one(ctx, train, val, "model", "checkpoints", mitigation=mitigation, attr=attr)
    return result


STAGE = Stage(name="train", run=_run, config_sections=("data", "model", "training", "fairness"),
              outputs=("model", "baseline_model"), after=("prepare",), ranks="all")
