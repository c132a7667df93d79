"""Tokenise texts once, keeping what attribution and word merging need.

Each text becomes an :class:`EncodedText`: token ids (with special tokens,
truncated to the model's maximum length), which positions are special, and which
word each token belongs to (with character offsets), so word-pieces can later be
merged back into the words a reader sees. Texts longer than the limit are
truncated and flagged, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EncodedText", "encode_texts", "model_max_length"]


@dataclass(frozen=True)
class EncodedText:
    """One tokenised text.

    Attributes
    ----------
    ids:
        Token ids including special tokens, truncated to the maximum length.
    special:
        ``True`` where the token is a special token ([CLS], [SEP], ...).
    word_ids:
        Index of the word each token belongs to (``None`` for special tokens).
    offsets:
        ``(start, end)`` character span of each token in the text.
    truncated:
        Whether the text had more tokens than the maximum length.
    """

    ids: tuple[int, ...]
    special: tuple[bool, ...]
    word_ids: tuple[int | None, ...]
    offsets: tuple[tuple[int, int], ...]
    truncated: bool

    @property
    def n_content(self) -> int:
        """Number of non-special tokens."""
        return sum(not s for s in self.special)


def model_max_length(model: Any, tokenizer: Any, requested: int | None = None) -> int:
    """The longest input the model accepts: the smallest of the request, the tokenizer and the positions."""
    limits = [requested] if requested else []
    positions = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        limits.append(positions)
    tok_limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_limit, int) and 0 < tok_limit < 1_000_000:
        limits.append(tok_limit)
    return min(limits) if limits else 512


def encode_texts(tokenizer: Any, texts: Sequence[str], *, max_length: int) -> list[EncodedText]:
    """Tokenise ``texts`` with truncation to ``max_length``, flagging truncated ones.

    Parameters
    ----------
    tokenizer:
        A Hugging Face tokenizer; a fast one gives exact word boundaries, a slow
        one falls back to merging ``##`` continuation pieces.
    texts:
        The texts, already validated as strings.
    max_length:
        Maximum number of tokens, special tokens included.
    """
    if not texts:
        return []
    if getattr(tokenizer, "is_fast", False):
        return _encode_fast(tokenizer, texts, max_length)
    return [_encode_slow(tokenizer, text, max_length) for text in texts]


def _encode_fast(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[EncodedText]:
    enc = tokenizer(
        list(texts), truncation=True, max_length=max_length, return_overflowing_tokens=True,
        return_offsets_mapping=True, return_special_tokens_mask=True,
    )
    mapping = enc.get("overflow_to_sample_mapping", list(range(len(texts))))
    first: dict[int, int] = {}
    chunks: dict[int, int] = {}
    for row, sample in enumerate(mapping):
        first.setdefault(int(sample), row)
        chunks[int(sample)] = chunks.get(int(sample), 0) + 1
    out = []
    for sample in range(len(texts)):
        row = first[sample]
        special = tuple(bool(s) for s in enc["special_tokens_mask"][row])
        offsets = _strip_spaces(texts[sample], enc["offset_mapping"][row])
        word_ids = _words(texts[sample], offsets, enc.word_ids(row), special)
        out.append(EncodedText(
            ids=tuple(int(i) for i in enc["input_ids"][row]), special=special, word_ids=word_ids,
            offsets=offsets, truncated=chunks[sample] > 1,
        ))
    return out


def _strip_spaces(text: str, offsets: Sequence[Sequence[int]]) -> tuple[tuple[int, int], ...]:
    """Token spans without the leading whitespace byte-level and Metaspace tokens carry (``Ġpatient``, ``▁The``)."""
    out = []
    for a, b in offsets:
        start, end = int(a), int(b)
        while start < end and text[start].isspace():
            start += 1
        out.append((start, end))
    return tuple(out)


def _words(text: str, offsets: Sequence[tuple[int, int]], tokenizer_words: Sequence[int | None],
           special: Sequence[bool]) -> tuple[int | None, ...]:
    """Word index per token: a new word where the tokenizer says so or whitespace separates two tokens.

    Whitespace matters for tokenizers that see a whole text as one word (Llama's
    Metaspace normaliser). A token with no characters of its own (a lone ``▁`` or
    ``Ġ``) belongs to the word after it (or, at the end, the one before).
    """
    words: list[int | None] = [None] * len(offsets)
    word, prev_end, prev_tok, pending = -1, None, object(), []
    for pos, ((start, end), tok_word) in enumerate(zip(offsets, tokenizer_words)):
        if special[pos]:
            continue
        if end <= start:
            pending.append(pos)
            continue
        if prev_end is None or tok_word != prev_tok or any(c.isspace() for c in text[prev_end:start]):
            word += 1
        for p in pending + [pos]:
            words[p] = word
        pending, prev_end, prev_tok = [], end, tok_word
    for p in pending:
        words[p] = max(word, 0)
    return tuple(words)


def _encode_slow(tokenizer: Any, text: str, max_length: int) -> EncodedText:
    full = tokenizer(text, truncation=False, return_special_tokens_mask=True)
    enc = tokenizer(text, truncation=True, max_length=max_length, return_special_tokens_mask=True)
    special = tuple(bool(s) for s in enc["special_tokens_mask"])
    pieces = tokenizer.convert_ids_to_tokens(enc["input_ids"])
    word_ids: list[int | None] = []
    word = -1
    for piece, is_special in zip(pieces, special):
        if is_special:
            word_ids.append(None)
            continue
        if not (piece.startswith("##") and word >= 0):
            word += 1
        word_ids.append(word)
    return EncodedText(
        ids=tuple(int(i) for i in enc["input_ids"]), special=special, word_ids=tuple(word_ids),
        offsets=tuple((0, 0) for _ in special), truncated=len(full["input_ids"]) > len(enc["input_ids"]),
    )
