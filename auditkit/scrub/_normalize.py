"""Text normalisation for detection: the analyser sees a cleaned copy of the text.

Zero-width and other format characters are dropped, common Cyrillic/Greek
homoglyphs and full-width forms are mapped to ASCII, and ALL-CAPS words are
title-cased for the NER model only. Every character of the cleaned copy keeps the
index of the original character it came from, so spans found on the copy map
back onto the original text exactly.

Two more same-length views: :func:`open_tags` blanks the exact tags auditkit
itself wrote in this run (a registry of them) and opens every other
``<...>`` so an identifier written as ``<PHONE_4155550199>`` is read like any
other; :func:`truecase` rewrites lines written in one case (lower-case chat,
ALL-CAPS forms) the way they would be written normally, using the language's
list of words usually written in lower case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass

__all__ = ["CasedView", "NormalizedText", "deshout", "ner_view", "normalize", "open_tags", "truecase"]

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
_BRACKETED = re.compile(r"<[^<>\s]{1,200}>")
_PREFIX = re.compile(r"^([A-Z][A-Z_]*?)[_#]")
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


def open_tags(text: str, exempt: Container[str]) -> str:
    """Blank the tags in ``exempt`` and open every other angle-bracketed token (same length).

    ``exempt`` holds the exact strings auditkit wrote in this run (``<PERSON>``,
    ``<PHONE_NUMBER_3f9a0c21d4>``): already-scrubbed text carries them, and
    neither NER nor the cue-word recognisers may read ``Ms <PERSON>`` as a name
    again. Anything else in brackets is analysed like other text: its brackets
    become spaces, and so do ``_``/``#`` separators (in an e-mail only the one after
    an upper-case prefix), so ``<SSN_578233778>`` reads as ``SSN 578233778`` and
    ``<EMAIL_ann_lee@x.org>`` as ``EMAIL ann_lee@x.org``.
    """
    if "<" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        tag = match.group(0)
        if tag in exempt:
            return " " * len(tag)
        body = _PREFIX.sub(r"\1 ", tag[1:-1], count=1) if "@" in tag else tag[1:-1].replace("_", " ").replace("#", " ")
        return " " + body + " "

    return _BRACKETED.sub(repl, text)


def deshout(text: str) -> str:
    """Prepare text for NER (same length): title-case ALL-CAPS words.

    A small NER model misses ``JOHN SMITH`` but finds ``John Smith``.
    """
    return _SHOUT.sub(lambda match: match.group(0).capitalize(), text)


@dataclass(frozen=True)
class CasedView:
    """A text with its one-case lines truecased (same length) and where those lines are."""

    text: str
    mono: tuple[tuple[int, int], ...]


_LINE = re.compile(r"[^\n]+")
_WORDS2 = re.compile(r"[^\W\d_]{2,}")
_RUN = re.compile(r"[^\W\d_]{1,2}['’](?=[^\W\d_])|[^\W\d_]+(?:['’](?i:t|s|re|ve|ll|d|m)\b)?")


def _case_word(word: str, lower_words: Container[str]) -> str:
    low = word.lower()
    if len(low) != len(word):
        return word
    if low in lower_words or "'" in low or "’" in low:  # a word, a contraction or an elision (c', qu')
        return low
    head = low[0].upper()
    return head + low[1:] if len(head) == 1 else low


def _case_line(line: str, lower_words: Container[str]) -> str:
    out: list[str] = []
    cursor = 0
    for m in _RUN.finditer(line):
        word, end = m.group(0), m.end()
        if word[-1] in "'’":  # an elision: c'est, l'église stay lower; O'Sullivan, D'Artagnan do not
            follow = _RUN.match(line, end)
            nxt = follow.group(0).lower() if follow else ""
            cased = word.lower() if nxt in lower_words else word[0].upper() + word[1:].lower()
        elif len(word) == 1 and line[end : end + 1] == ".":  # an initial
            cased = word.upper()
        else:
            cased = _case_word(word, lower_words)
        out.append(line[cursor : m.start()])
        out.append(cased if len(cased) == len(word) else word)
        cursor = end
    out.append(line[cursor:])
    return "".join(out)


def truecase(text: str, lower_words: Container[str]) -> CasedView:
    """Rewrite each line written in one case as it would normally be written (same length).

    A word of such a line stays lower-case when ``lower_words`` holds it (or it
    carries a contraction such as ``don't``, or is an elision such as ``c'``), and
    is capitalised otherwise: names,
    places and unknown words, which is what the NER model and the cue-word
    recognisers key on. A line counts as written in one case when the whole
    text is, or when it has at least three words (a short ALL-CAPS label such as
    ``NIR :`` in mixed text is left alone). Lines in mixed case are left alone.
    """
    if not lower_words:
        return CasedView(text, ())
    pieces: list[str] = []
    mono: list[tuple[int, int]] = []
    cursor = 0
    whole = text.islower() or text.isupper()
    for match in _LINE.finditer(text):
        line = match.group(0)
        if not (line.islower() or line.isupper()) or len(_WORDS2.findall(line)) < (1 if whole else 3):
            continue
        pieces.append(text[cursor : match.start()])
        pieces.append(_case_line(line, lower_words))
        cursor = match.end()
        mono.append(match.span())
    if not mono:
        return CasedView(text, ())
    pieces.append(text[cursor:])
    return CasedView("".join(pieces), tuple(mono))


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
