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


def _piece_text(piece: str) -> str:
    return piece.removeprefix("##")


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
        The words in order and the summed attribution of each. A word's text is
        the stretch of ``text`` from its first token's start to its last token's
        end (tokens may overlap, as a Metaspace ``▁`` does); without offsets, its
        pieces joined.
    """
    spans: list[list[int]] = []
    joined: list[str] = []
    values: list[float] = []
    current: object = object()
    for pos, word_id in enumerate(enc.word_ids):
        if enc.special[pos] or word_id is None:
            current = object()
            continue
        start, end = enc.offsets[pos]
        if word_id != current:
            spans.append([start, end] if end > start else [-1, -1])
            joined.append("")
            values.append(0.0)
            current = word_id
        if end > start:
            span = spans[-1]
            span[:] = [start, end] if span[0] < 0 else [min(span[0], start), max(span[1], end)]
        joined[-1] += _piece_text(pieces[pos])
        values[-1] += float(scores[pos])
    words = tuple(text[a:b] if b > a else piece for (a, b), piece in zip(spans, joined))
    return words, np.asarray(values, dtype=np.float64)
