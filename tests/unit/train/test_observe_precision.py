"""observe_precision reads what matrix products ran in from the running model."""

from __future__ import annotations

import torch

from auditkit._precision import observe_precision


def test_observe_precision_counts_linear_outputs_by_dtype_and_the_active_autocast() -> None:
    from transformers import BertConfig, BertForSequenceClassification

    model = BertForSequenceClassification(BertConfig(vocab_size=30, hidden_size=8, num_hidden_layers=1,
                                                     num_attention_heads=2, intermediate_size=16))
    ids = torch.randint(0, 30, (2, 5))
    with observe_precision() as plain:
        model(input_ids=ids)
    with observe_precision() as mixed, torch.autocast("cpu", dtype=torch.bfloat16):
        model(input_ids=ids)
    n = plain.linear_calls["fp32"]
    assert n > 0 and plain.to_json()["autocast"] == {"off": n} and plain.matmul_dtype == "fp32"
    assert mixed.to_json()["linear_calls"] == {"bf16": n} and mixed.to_json()["autocast"] == {"bf16": n}
    assert plain.attention and not mixed.devices - {"cpu"}
    model(input_ids=ids)  # the hook is gone after the block
    assert plain.linear_calls["fp32"] == n
