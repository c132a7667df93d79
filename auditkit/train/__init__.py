"""Fine-tuning core: FairTrainer, fine_tune(), the fairness loss, and the model artifact it produces."""

from auditkit.train._artifact import META_FILE, ModelArtifact
from auditkit.train._callback import AuditCallback
from auditkit.train._data import EncodedDataset, PadCollator, encode
from auditkit.train._determinism import seed_everything
from auditkit.train._fairness_loss import FairnessLoss
from auditkit.train._fine_tune import (
    build_training_args,
    fine_tune,
    freeze_lower_layers,
    group_index,
    latest_checkpoint,
    per_device_batch,
    save_model,
)
from auditkit.train._group_sampler import GroupBalancedSampler
from auditkit.train._reweighing import reweighing_weights
from auditkit.train._trainer import FairTrainer

__all__ = [
    "META_FILE",
    "AuditCallback",
    "EncodedDataset",
    "FairTrainer",
    "FairnessLoss",
    "GroupBalancedSampler",
    "ModelArtifact",
    "PadCollator",
    "build_training_args",
    "encode",
    "fine_tune",
    "freeze_lower_layers",
    "group_index",
    "latest_checkpoint",
    "per_device_batch",
    "reweighing_weights",
    "save_model",
    "seed_everything",
]
