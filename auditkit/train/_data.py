"""Tokenised torch datasets and the collator that pads them and carries group ids and weights."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch.utils.data import Dataset

__all__ = ["EncodedDataset", "PadCollator", "encode"]


class EncodedDataset(Dataset[dict[str, Any]]):
    """Pre-tokenised examples: ``input_ids``/``attention_mask`` lists, ``labels`` and optional extras."""

    def __init__(self, features: list[dict[str, Any]]) -> None:
        self.features = features

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.features[index]


def encode(
    tokenizer: Any,
    texts: Sequence[str],
    labels: Sequence[int] | np.ndarray | None = None,
    *,
    max_length: int,
    group_ids: Sequence[int] | np.ndarray | None = None,
    sample_weights: Sequence[float] | np.ndarray | None = None,
) -> EncodedDataset:
    """Tokenise ``texts`` once (truncated, unpadded) into an :class:`EncodedDataset`."""
    encoded = tokenizer(list(texts), truncation=True, max_length=max_length, padding=False)
    keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded]
    features: list[dict[str, Any]] = []
    for i in range(len(texts)):
        item: dict[str, Any] = {k: encoded[k][i] for k in keys}
        if labels is not None:
            item["labels"] = int(labels[i])
        if group_ids is not None:
            item["group_ids"] = int(group_ids[i])
        if sample_weights is not None:
            item["sample_weight"] = float(sample_weights[i])
        features.append(item)
    return EncodedDataset(features)


@dataclass
class PadCollator:
    """Pad token fields to the longest example in the batch (dynamic padding); stack the extras.

    ``padding_side`` follows the tokenizer: decoder classifiers pad on the left.
    """

    pad_token_id: int
    pad_to_multiple_of: int | None = None
    padding_side: Literal["left", "right"] = "right"

    def __call__(self, batch: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        longest = max(len(item["input_ids"]) for item in batch)
        if self.pad_to_multiple_of:
            m = self.pad_to_multiple_of
            longest = (longest + m - 1) // m * m
        out: dict[str, torch.Tensor] = {}
        for key, pad in (("input_ids", self.pad_token_id), ("attention_mask", 0), ("token_type_ids", 0)):
            if key in batch[0]:
                rows = [self._pad(item[key], pad, longest) for item in batch]
                out[key] = torch.tensor(rows, dtype=torch.long)
        if "labels" in batch[0]:
            out["labels"] = torch.tensor([item["labels"] for item in batch], dtype=torch.long)
        if "group_ids" in batch[0]:
            out["group_ids"] = torch.tensor([item["group_ids"] for item in batch], dtype=torch.long)
        if "sample_weight" in batch[0]:
            out["sample_weight"] = torch.tensor([item["sample_weight"] for item in batch], dtype=torch.float32)
        return out

    def _pad(self, values: list[int], pad: int, width: int) -> list[int]:
        filler = [pad] * (width - len(values))
        return filler + values if self.padding_side == "left" else values + filler
