"""What auditkit needs to know about a classifier's architecture, read from the model itself.

Encoders (BERT, RoBERTa, DeBERTa) classify from their first token through a head;
decoder LLMs (Llama, Qwen2, Mistral, ...) loaded with ``AutoModelForSequenceClassification``
classify from the last token that is not padding, which transformers finds by comparing
the input ids with ``config.pad_token_id``. Decoder checkpoints often ship without a pad
token, so :func:`ensure_pad_token` sets one (end-of-sequence, as their authors advise)
and pads on the left. LoRA target modules, the task head and the layer stack are found
from the model type and the module tree, never from a hard-coded ``model.bert``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from auditkit.exceptions import DataError

__all__ = [
    "ensure_pad_token",
    "head_modules",
    "last_position_pooling",
    "layer_stack",
    "lora_target_modules",
    "pools_last_token",
]

# Attention projections per model type (LoRA on every projection of attention, the QLoRA
# paper's advice for decoders; query/key/value for encoders). Other types: peft's own table.
_LORA_TARGETS: dict[str, tuple[str, ...]] = {
    **{t: ("q_proj", "k_proj", "v_proj", "o_proj")
       for t in ("llama", "qwen2", "qwen3", "mistral", "mixtral", "gemma", "gemma2", "gemma3_text", "olmo", "olmo2")},
    "phi3": ("qkv_proj", "o_proj"),
    **{t: ("query", "key", "value") for t in ("bert", "roberta", "xlm-roberta", "electra", "camembert")},
    "deberta-v2": ("query_proj", "key_proj", "value_proj"),
    "distilbert": ("q_lin", "k_lin", "v_lin"),
    "modernbert": ("Wqkv",),
}


def _model_type(model_or_config: Any) -> str:
    config = getattr(model_or_config, "config", model_or_config)
    return str(getattr(config, "model_type", "") or "")


def pools_last_token(model_or_config: Any) -> bool:
    """Whether the classifier reads its last non-pad token: a decoder-only (causal-LM-only) model type."""
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, MODEL_FOR_MASKED_LM_MAPPING_NAMES

    kind = _model_type(model_or_config)
    return kind in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES and kind not in MODEL_FOR_MASKED_LM_MAPPING_NAMES


def ensure_pad_token(model: Any, tokenizer: Any) -> None:
    """Give ``tokenizer`` and ``model.config`` a pad token; decoders pad on the left.

    A tokenizer without one borrows its end-of-sequence token (else its unknown token);
    ``config.pad_token_id`` is set from the tokenizer when missing, since a decoder
    classifier cannot find each example's last token in a padded batch without it.
    """
    if getattr(tokenizer, "pad_token", None) is None:
        spare = getattr(tokenizer, "eos_token", None) or getattr(tokenizer, "unk_token", None)
        if spare is None:
            raise DataError(f"the tokenizer of this {_model_type(model) or 'model'} has no pad, end-of-sequence or "
                            "unknown token to pad batches with; add a pad token to the tokenizer and save it again")
        tokenizer.pad_token = spare
    config = model.config
    if getattr(config, "pad_token_id", None) is None:
        config.pad_token_id = int(tokenizer.pad_token_id)
    if pools_last_token(model):
        tokenizer.padding_side = "left"


@contextlib.contextmanager
def last_position_pooling(model: Any) -> Iterator[None]:
    """Inside the block a decoder classifier reads the last position, whatever the ids there.

    Attribution feeds baselines made of pad tokens and embeddings without ids; with left
    padding the last position is each example's last token, so pooling it is what the
    model does on the real input. ``config.pad_token_id`` is restored on exit. Encoders
    are left alone.
    """
    if not pools_last_token(model):
        yield
        return
    from transformers.utils import logging as hf_logging

    config = model.config
    before, verbosity = config.pad_token_id, hf_logging.get_verbosity()
    config.pad_token_id = -1  # matches no id: every position counts as content, the last one is pooled
    hf_logging.set_verbosity_error()  # its "will not detect padding in inputs_embeds" warning is what we want here
    try:
        yield
    finally:
        config.pad_token_id = before
        hf_logging.set_verbosity(verbosity)


def _base(model: Any) -> Any:
    return getattr(model, getattr(model, "base_model_prefix", ""), None) or model


def head_modules(model: Any) -> list[str]:
    """Names of the model's direct children outside its pretrained base (the task head, trained in full under LoRA)."""
    base = _base(model)
    return [name for name, child in model.named_children()
            if child is not base and any(True for _ in child.parameters())]


def lora_target_modules(model: Any) -> list[str]:
    """The attention projections LoRA adapts for this model type (auditkit's table, then peft's)."""
    kind = _model_type(model)
    targets: list[str] | None = list(_LORA_TARGETS.get(kind, ())) or None
    if targets is None:
        try:
            from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING as peft_table
        except ImportError:
            peft_table = {}
        targets = list(peft_table.get(kind) or []) or None
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    if not targets or not set(targets) & names:
        raise DataError(f"no LoRA target modules are known for model type {kind!r}; "
                        "set training.lora.target_modules to the names of its attention projections")
    return [t for t in targets if t in names]


def layer_stack(model: Any) -> Any:
    """The ``ModuleList`` of the base model's ``num_hidden_layers`` transformer blocks, or ``None``."""
    import torch

    wanted = getattr(model.config, "num_hidden_layers", None)
    for _, module in _base(model).named_modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) == wanted and wanted:
            return module
    return None
