"""A transparent toy classifier: its 'urgent' logit grows with the count of chosen keyword tokens."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import torch
from torch import nn


class KeywordClassifier(nn.Module):
    """Sum-pooled embeddings where only ``keywords`` carry signal (dimension 0)."""

    def __init__(self, tokenizer: Any, keywords: Iterable[str], *, seed: int = 0) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        vocab = len(tokenizer)
        self.config = SimpleNamespace(num_labels=2, id2label={0: "routine", 1: "urgent"}, max_position_embeddings=64,
                                      hidden_size=4, num_hidden_layers=1, num_attention_heads=1)
        self.emb = nn.Embedding(vocab, 4)
        self.head = nn.Linear(4, 2)
        with torch.no_grad():
            self.emb.weight.copy_(0.01 * torch.randn(vocab, 4, generator=gen))
            self.emb.weight[:, 0] = 0.0
            for word in keywords:
                self.emb.weight[tokenizer.convert_tokens_to_ids(word), 0] = 1.0
            self.head.weight.copy_(torch.tensor([[0.0, 0.1, 0.0, 0.0], [3.0, 0.0, 0.1, 0.0]]))
            self.head.bias.copy_(torch.tensor([0.0, -1.5]))

    def get_input_embeddings(self) -> nn.Module:
        return self.emb

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                inputs_embeds: torch.Tensor | None = None) -> SimpleNamespace:
        x = self.emb(input_ids) if inputs_embeds is None else inputs_embeds
        if attention_mask is not None:
            x = x * attention_mask[..., None].to(x.dtype)
        return SimpleNamespace(logits=self.head(torch.tanh(x.sum(1))))
