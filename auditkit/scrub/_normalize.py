"""Text normalisation for detection: the analyser sees a cleaned copy of the text.

Zero-width and other format characters are dropped, common Cyrillic/Greek
homoglyphs and full-width forms are mapped to ASCII, and ALL-CAPS words are
title-cased for the NER model only. Every character of the cleaned copy keeps the
index of the original character it came from, so spans found on the copy map
back onto the original text exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["NormalizedText", "deshout", "ner_view", "normalize"]

_HOMOGLYPHS = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ј": "j", "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v",
    "＠": "@", "․": ".", "‧": ".", "﹒": ".", "．": ".", "‐": "-", "‑": "-", "‒": "-",
    "–": "-", "—": "-", "−": "-", "\u00a0": " ", "\u2007": " ", "\u202f": " ",
}
_TAG = re.compile(r"<[A-Z][A-Z_]*(?:[_#][0-9a-f]{6,64})?>")
_SHOUT = re.compile(r"\b[A-Z][A-Z'’-]{2,}[A-Z]\b")


@dataclass(frozen=True)
class NormalizedText:
    """A cleaned copy of a text and, per character, the index it came from.

    Attributes
    ----------
    text:
        The cleaned text the analyser sees.
    origin:
        ``origin[i]`` is the index in the original text of ``text[i]``; ``None``
        when the copy is identical to the original.
    """

    text: str
    origin: tuple[int, ...] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span on the cleaned copy to the original text."""
        if self.origin is None:
            return start, end
        if end <= start or start >= len(self.origin):
            return start, start
        return self.origin[start], self.origin[end - 1] + 1


def _map_char(char: str) -> str:
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
    if unicodedata.category(char) == "Cf":
        return ""
    if ord(char) > 0x2000:
        folded = unicodedata.normalize("NFKC", char)
        return folded if folded.isascii() else char
    return char


def normalize(text: str) -> NormalizedText:
    """Return the cleaned copy of ``text`` with its character origins.

    Parameters
    ----------
    text:
        The original text.

    Returns
    -------
    NormalizedText
        ``origin`` is ``None`` when nothing needed cleaning (the fast path).
    """
    if text.isascii():
        return NormalizedText(text, None)
    pieces: list[str] = []
    origin: list[int] = []
    changed = False
    for index, char in enumerate(text):
        mapped = _map_char(char) if not char.isascii() else char
        if mapped != char:
            changed = True
        pieces.append(mapped)
        origin.extend([index] * len(mapped))
    if not changed:
        return NormalizedText(text, None)
    return NormalizedText("".join(pieces), tuple(origin))


def blank_placeholders(text: str) -> str:
    """Replace auditkit's own ``<ENTITY>`` / ``<ENTITY_hash>`` tags by spaces of the same length.

    Already-scrubbed text (the residual pass, a second scrub) carries these tags;
    neither NER nor the cue-word recognisers may read ``Ms <PERSON>`` as a name
    again. Blanking only the tags auditkit writes cannot hide a surviving identifier.
    """
    return _TAG.sub(lambda match: " " * len(match.group(0)), text)


def deshout(text: str) -> str:
    """Prepare text for NER (same length): blank auditkit's own tags, title-case ALL-CAPS words.

    A small NER model misses ``JOHN SMITH`` but finds ``John Smith``.
    """
    return _SHOUT.sub(lambda match: match.group(0).capitalize(), blank_placeholders(text))


_SENTENCE = re.compile(r"[^.!?;\n]*(?:[.!?;\n]+|$)")
_CANDIDATE = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’-]*")


def ner_view(text: str, common: frozenset[str]) -> str:
    """Blank (same length) the sentences NER cannot add anything to.

    NER is only needed where a name or place could be: a sentence with no
    capitalised word outside ``common`` (lower-cased sentence starters, titles,
    months, clinical words) is replaced by spaces, which spaCy reads as one
    token, so the model runs on a fraction of the text. Offsets are unchanged.
    """
    pieces = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0)
        if not sentence:
            continue
        if any(word.lower() not in common for word in _CANDIDATE.findall(sentence)):
            pieces.append(sentence)
        else:
            pieces.append(re.sub(r"[^\n]", " ", sentence))
    return "".join(pieces)
