"""Turn word-piece attributions into word attributions a reader can follow.

Special tokens are dropped; the pieces of one word (same ``word_id``) are summed
into one score and shown as the word's text in the original string (taken from
the tokenizer's character offsets, so casing and accents survive).
"""

from __future__ import annotations

import re

import numpy as np

from auditkit.explain._encode import EncodedText

__all__ = ["merge_words", "normalise_word"]

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalise_word(word: str) -> str:
    """Lower-case ``word`` and strip punctuation (``"Mrs."`` -> ``"mrs"``), for matching and counting."""
    return _NON_WORD.sub("", word.casefold())


def _piece_text(text: str, enc: EncodedText, position: int, piece: str) -> str:
    start, end = enc.offsets[position]
    return text[start:end] if end > start else piece.removeprefix("##")


def merge_words(text: str, enc: EncodedText, scores: np.ndarray, pieces: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Merge token ``scores`` into words.

    Parameters
    ----------
    text:
        The original text (for the words' surface form).
    enc:
        Its encoding (special-token mask, word ids, offsets).
    scores:
        One attribution per token position of ``enc``.
    pieces:
        The token strings, used when the tokenizer gives no offsets.

    Returns
    -------
    words, word_scores
        The words in order and the summed attribution of each.
    """
    words: list[str] = []
    values: list[float] = []
    current: object = object()
    for pos, word_id in enumerate(enc.word_ids):
        if enc.special[pos] or word_id is None:
            current = object()
            continue
        piece = _piece_text(text, enc, pos, pieces[pos])
        if word_id == current:
            start = enc.offsets[pos][0]
            prev_end = enc.offsets[pos - 1][1]
            words[-1] += (text[prev_end:start] if start > prev_end else "") + piece
            values[-1] += float(scores[pos])
        else:
            words.append(piece)
            values.append(float(scores[pos]))
            current = word_id
    return tuple(words), np.asarray(values, dtype=np.float64)
