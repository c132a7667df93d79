"""Batched predictions of a model folder on a dataset, without gradients."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from auditkit._io import atomic_write_bytes
from auditkit._model_io import load_classifier, resolve_device
from auditkit._unicode import has_lone_surrogate, utf8_safe
from auditkit.data import AuditDataset
from auditkit.exceptions import DataError

__all__ = ["Predictions", "predict", "predict_scores"]


@dataclass
class Predictions:
    """Model outputs on a dataset.

    Attributes
    ----------
    ids, y_true, y_pred:
        Row ids, true and predicted class ids.
    scores:
        ``(n, n_labels)`` class probabilities.
    labels:
        Label names in class-id order.
    groups:
        Sensitive attribute name -> group value per row.
    positive_label:
        Label treated as positive for binary rates.
    """

    ids: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    scores: np.ndarray
    labels: list[str]
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    positive_label: str | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def positive_index(self) -> int:
        """Class id of the positive label."""
        return self.labels.index(self.positive_label) if self.positive_label else len(self.labels) - 1

    def to_frame(self) -> pd.DataFrame:
        """Columns ``id, y_true, y_pred, score_<label>..., <sensitive...>`` (never text).

        Names and group values are valid UTF-8: a lone surrogate becomes U+FFFD (:mod:`auditkit._unicode`).
        """
        frame = pd.DataFrame({"id": self.ids, "y_true": self.y_true, "y_pred": self.y_pred})
        for i, name in enumerate(self.labels):
            frame[f"score_{utf8_safe(name)}"] = self.scores[:, i]
        for attr, values in self.groups.items():
            if any(isinstance(v, str) and has_lone_surrogate(v) for v in values):
                values = np.array([utf8_safe(v) if isinstance(v, str) else v for v in values], dtype=object)
            frame[utf8_safe(attr)] = values
        return frame

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write Parquet atomically, with labels in the file's metadata."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.to_frame(), preserve_index=False)
        meta = {b"auditkit.labels": utf8_safe("\x1f".join(self.labels)).encode(),
                b"auditkit.positive": utf8_safe(self.positive_label or "").encode(),
                b"auditkit.groups": utf8_safe("\x1f".join(self.groups)).encode()}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **meta})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return atomic_write_bytes(path, buffer.getvalue())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Predictions:
        """Read predictions written by :meth:`save`."""
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        labels = meta.get(b"auditkit.labels", b"").decode().split("\x1f")
        attrs = [a for a in meta.get(b"auditkit.groups", b"").decode().split("\x1f") if a]
        frame = table.to_pandas()
        scores = np.column_stack([frame[f"score_{name}"].to_numpy(dtype=np.float64) for name in labels])
        return cls(
            ids=frame["id"].to_numpy(dtype=object), y_true=frame["y_true"].to_numpy(dtype=np.int64),
            y_pred=frame["y_pred"].to_numpy(dtype=np.int64), scores=scores, labels=labels,
            groups={a: frame[a].to_numpy(dtype=object).astype(str) for a in attrs},
            positive_label=meta.get(b"auditkit.positive", b"").decode() or None,
        )


@torch.no_grad()
def predict_scores(model: Any, tokenizer: Any, texts: list[str], *, batch_size: int = 64,
                   max_length: int = 128, device: str = "cpu") -> np.ndarray:
    """Class probabilities for ``texts`` (batches sorted by length to keep padding small)."""
    if not texts:
        return np.zeros((0, int(model.config.num_labels)))
    was_training = model.training
    model.eval()
    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.zeros((len(texts), int(model.config.num_labels)), dtype=np.float64)
    try:
        for start in range(0, len(texts), batch_size):
            index = order[start:start + batch_size]
            batch = tokenizer([texts[i] for i in index], truncation=True, max_length=max_length,
                              padding=True, return_tensors="pt").to(device)
            logits = model(**batch).logits.float()
            out[index] = torch.softmax(logits, dim=-1).cpu().numpy()
    finally:
        model.train(was_training)
    return out


def predict(model_dir: str | os.PathLike[str], dataset: AuditDataset, *, batch_size: int = 64,
            max_length: int = 128, device: str = "auto") -> Predictions:
    """Predict every row of ``dataset`` with the model in ``model_dir``."""
    if len(dataset) == 0:
        raise DataError("cannot predict on an empty dataset; check the test split")
    dev = resolve_device(device)
    model, tokenizer = load_classifier(model_dir, device=dev)
    n_model = int(model.config.num_labels)
    if n_model != len(dataset.labels):
        raise DataError(f"the model has {n_model} output classes but the data declares {len(dataset.labels)} labels; "
                        "check data.labels")
    max_len = min(max_length, getattr(tokenizer, "model_max_length", max_length) or max_length)
    scores = predict_scores(model, tokenizer, dataset.texts, batch_size=batch_size, max_length=max_len, device=dev)
    return Predictions(
        ids=np.asarray(dataset.ids, dtype=object), y_true=dataset.label_ids, y_pred=scores.argmax(axis=1),
        scores=scores, labels=list(dataset.labels), positive_label=dataset.positive_label,
        groups={attr: dataset.groups(attr) for attr in dataset.sensitive},
    )
