"""Fine-tuning core: FairTrainer, fine_tune() and the model artifact it produces."""

from auditkit.train._artifact import META_FILE, ModelArtifact
from auditkit.train._callback import AuditCallback
from auditkit.train._data import EncodedDataset, PadCollator, encode
from auditkit.train._determinism import seed_everything
from auditkit.train._fine_tune import build_training_args, fine_tune, group_index, latest_checkpoint, save_model
from auditkit.train._trainer import FairTrainer

__all__ = [
    "AuditCallback",
    "META_FILE",
    "EncodedDataset",
    "FairTrainer",
    "ModelArtifact",
    "PadCollator",
    "build_training_args",
    "encode",
    "fine_tune",
    "group_index",
    "latest_checkpoint",
    "save_model",
    "seed_everything",
]
