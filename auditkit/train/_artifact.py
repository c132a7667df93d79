"""ModelArtifact: what the training stage hands to the audits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from auditkit._io import read_json
from auditkit.exceptions import DataError

__all__ = ["META_FILE", "ModelArtifact"]

META_FILE = "auditkit_meta.json"


@dataclass
class ModelArtifact:
    """A fine-tuned model folder (safetensors + tokenizer) and what auditkit knows about it.

    Attributes
    ----------
    path:
        The model folder.
    labels:
        Label names in class-id order.
    positive_label:
        Label treated as positive for binary rates.
    base_model:
        Name of the folder it was fine-tuned from (a name, not a path).
    weights_sha256:
        SHA-256 of each weight file, by file name.
    training:
        Summary figures: epochs, steps, losses, samples/s, mitigation.
    name:
        The run's name (what reports call the model).
    """

    path: Path
    labels: list[str]
    positive_label: str | None
    base_model: str
    weights_sha256: dict[str, str] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form (the path as a string)."""
        data = asdict(self)
        data["path"] = str(self.path)
        return data

    @classmethod
    def load(cls, path: str | Path) -> ModelArtifact:
        """Read the metadata saved beside a model folder by :func:`fine_tune`."""
        folder = Path(path)
        meta_file = folder / META_FILE
        if not meta_file.is_file():
            raise DataError(f"{folder.name} has no {META_FILE}; was it trained by auditkit? use `auditkit audit` for other models")
        data = read_json(meta_file)
        data["path"] = folder
        return cls(**data)
