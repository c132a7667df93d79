"""Tiny random classifiers of five architectures (BERT, RoBERTa, DeBERTa-v2, Llama, Qwen2), built offline.

Each has its family's own tokenizer class over a vocabulary trained here in milliseconds
(WordPiece, byte-level BPE, Unigram, Metaspace BPE), so pad tokens, special tokens and
offsets behave as the real checkpoints' do: the Llama tokenizer has no pad token and the
Qwen2 config no ``pad_token_id``, as published checkpoints of those families ship.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests._tiny import TINY_WORDS, build_tiny_model

FAMILIES = ("bert", "roberta", "deberta-v2", "llama", "qwen2")
_CORPUS = [" ".join(TINY_WORDS)] * 3 + [
    "The Patient reports chest pain since 3 days. Mrs. Smith (DOB 01/02/1990) phone 555-123-4567, MRN #12345.",
    "He denies fever; she complains of a severe headache and nausea. Follow up in 2 weeks at the clinic.",
]
_SIZES = {"hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 32}


def _bpe(byte_level: bool, special: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False) if byte_level else pre_tokenizers.Metaspace()
    alphabet = pre_tokenizers.ByteLevel.alphabet() if byte_level else []
    tok.train_from_iterator(_CORPUS, trainers.BpeTrainer(vocab_size=600, special_tokens=special,
                                                         initial_alphabet=alphabet, show_progress=False))
    model = json.loads(tok.to_str())["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
    return model["vocab"], merges  # type: ignore[return-value]


def _unigram() -> list[tuple[str, float]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.train_from_iterator(_CORPUS, trainers.UnigramTrainer(
        vocab_size=300, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], unk_token="[UNK]",
        show_progress=False))
    return [tuple(v) for v in json.loads(tok.to_str())["model"]["vocab"]]  # type: ignore[misc]


def _tokenizer(family: str) -> Any:
    import transformers as tf

    if family == "roberta":
        return tf.RobertaTokenizer(*_bpe(True, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]))
    if family == "qwen2":
        return tf.Qwen2Tokenizer(*_bpe(True, ["<|endoftext|>"]))
    if family == "llama":  # sentencepiece-style: byte-fallback tokens <0x00>..<0xFF> as Llama's own vocabulary has
        return tf.LlamaTokenizer(*_bpe(False, ["<unk>", "<s>", "</s>", *(f"<0x{b:02X}>" for b in range(256))]))
    return tf.DebertaV2Tokenizer(vocab=_unigram())


def _config(family: str, tokenizer: Any, labels: dict[str, Any], dropout: float) -> Any:
    import transformers as tf

    vocab = len(tokenizer)
    if family == "roberta":
        return tf.RobertaConfig(vocab_size=vocab, max_position_embeddings=130, pad_token_id=tokenizer.pad_token_id,
                                hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout, **_SIZES, **labels)
    if family == "deberta-v2":
        return tf.DebertaV2Config(vocab_size=vocab, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
                                  hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout,
                                  pooler_dropout=dropout, pooler_hidden_size=16, relative_attention=True,
                                  pos_att_type=["p2c", "c2p"], position_buckets=16, **_SIZES, **labels)
    cls = tf.LlamaConfig if family == "llama" else tf.Qwen2Config
    # Published decoders ship without config.pad_token_id; auditkit must set it (auditkit/_architecture.py).
    return cls(vocab_size=vocab, max_position_embeddings=128, num_key_value_heads=1, attention_dropout=dropout,
               pad_token_id=None, tie_word_embeddings=False, **_SIZES, **labels)


def build_family_model(family: str, path: Path, *, seed: int = 0, dropout: float = 0.1,
                       labels: tuple[str, ...] = ("routine", "urgent")) -> Path:
    """Save a tiny random ``family`` sequence classifier and its tokenizer (safetensors) to ``path``."""
    if family == "bert":
        return build_tiny_model(path, seed=seed, labels=labels, dropout=dropout)
    import torch
    from transformers import AutoModelForSequenceClassification

    torch.manual_seed(seed)
    tokenizer = _tokenizer(family)
    names = {"num_labels": len(labels), "id2label": dict(enumerate(labels)),
             "label2id": {name: i for i, name in enumerate(labels)}}
    model = AutoModelForSequenceClassification.from_config(_config(family, tokenizer, names, dropout))
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
