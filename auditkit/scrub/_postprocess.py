"""Document-level clean-up of detections: widen names, find every mention, drop durations.

A small NER model often finds ``Brown`` but not ``Do-yun Brown``, or a surname
in one sentence but not in the next. After the recognisers run, a PERSON span is
widened over adjacent capitalised words, and every word of a detected name (or
of an e-mail's local part) is searched for across the whole document. NER DATE
entities that hold no date (``three days``, ``yesterday``) are dropped:
durations are not identifiers and removing them costs utility. The words that
never belong to a name, the name particles and what looks like a date come from
the language pack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from auditkit.scrub._languages import LanguagePack

__all__ = ["NameRules"]

_UP = "A-ZÀ-ÖØ-Þ"
_LO = "a-zß-öø-ÿĀ-ž'’"
_CAP_WORD = rf"[{_UP}][{_LO}]+(?:-[{_UP}{_LO}][{_LO}]+)?"
_LEFT = re.compile(rf"({_CAP_WORD})[ \t]+$")
_LEAD = re.compile(r"[ \t]*(?:([^\W\d_]+)[.:,]?[ \t]+|((?:[a-zß-öø-ÿ]{1,2}|qu)['’][^\W\d_]+)(?:[ \t]+|$))")
_LAST = re.compile(r"[ \t]+([^\W\d_]+)[.:,]?$")
_WORD_END = re.compile(r"[\w'’-]*")
_ELISION = re.compile(r"[ \t]*[^\W\d_]{1,2}['’][ \t]*")
_NOT_NEWLINE = re.compile(r"[^\n]+")
_LOCAL_PART = re.compile(r"([A-Za-z0-9._%+-]+)@")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t")
    return not before or before[-1] in ".!?\n:;\"'(" or before.endswith("...")


class NameRules:
    """Name widening, mention search and the date test of one language pack.

    Parameters
    ----------
    pack:
        The language pack whose word lists to use.
    """

    def __init__(self, pack: LanguagePack) -> None:
        self.stop = pack.name_stop
        self.lower = pack.lower_words
        self.not_names = pack.not_names
        self.date_like = pack.date_like
        particles = "|".join(map(re.escape, pack.name_particles))
        lead = rf"(?:(?:{particles})[ \t]+){{0,3}}" if particles else ""
        self._right = re.compile(rf"[ \t]+{lead}({_CAP_WORD})")

    def is_date_like(self, text: str) -> bool:
        """Whether ``text`` holds a calendar date (digits or a month), not just a duration."""
        return bool(self.date_like.search(text))

    def _pieces(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Cut a PERSON span at line breaks and trim what cannot be part of a name off each piece.

        Leading stop words and elided words (``c'est``, ``d'appeler``) and trailing
        lower-case stop words go; a span that ends inside a word is widened to the
        word's end (``O'`` of ``O'Connor``). A piece is dropped when it holds only
        stop words none of which could be a name on its own (``Dr``, ``Holter``), or
        when none of its words is capitalised and one is a word usually written in
        lower case (``suis en``): names are capitalised in the truecased text.
        """
        out = []
        for match in _NOT_NEWLINE.finditer(text, start, end):
            a, b = match.span()
            while (lead := _LEAD.match(text, a, b)) and (lead.group(2) or (lead.group(1) or "").lower() in self.stop):
                a = lead.end()
            if _ELISION.fullmatch(text, a, b):
                continue
            if b < len(text) and (text[b].isalpha() or (text[b] in "'’-" and text[b + 1 : b + 2].isalpha())):
                b = _WORD_END.match(text, b).end()  # a span that ends inside a word (O'|Connor) takes the word
            b = a + len(text[a:b].rstrip(" \t,;:"))
            while (last := _LAST.search(text, a, b)) and last.group(1).islower() and last.group(1) in self.stop:
                b = last.start()
            words = _NAME_WORD.findall(text[a:b])
            capitalised = [w for w in words if w[0].isupper()]
            if not words or all(len(w) < 2 for w in words):
                continue
            never = self.stop | self.not_names
            if all(w.lower() in never for w in words) and all(w.lower() in self.not_names for w in capitalised):
                continue
            if not capitalised and any(w.lower() in self.lower for w in words):
                continue
            out.append((a, b))
        return out

    def expand(self, text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Clean each PERSON span and widen it over adjacent capitalised words that are not stop words.

        A word to the left is only taken when it does not start a sentence (where any
        word is capitalised).
        """
        out: list[tuple[int, int]] = []
        for span in spans:
            for start, end in self._pieces(text, *span):
                while (match := self._right.match(text, end)) and match.group(1).lower() not in self.stop:
                    end = match.end()
                while (match := _LEFT.search(text[max(0, start - 40) : start])) and match.group(1).lower() not in self.stop:
                    left = start - (len(match.group(0)))
                    if _sentence_start(text, left):
                        break
                    start = left
                out.append((start, end))
        return out

    def _name_words(
        self, text: str, spans: Iterable[tuple[int, int]], mono: Sequence[tuple[int, int]] = ()
    ) -> set[str]:
        words: set[str] = set()
        for start, end in spans:
            any_case = any(a <= start and end <= b for a, b in mono)
            for word in _NAME_WORD.findall(text[start:end]):
                if len(word) >= 3 and word.lower() not in self.stop and (any_case or word[0].isupper()):
                    words.add(word)
        return words

    def _email_words(self, text: str, spans: Iterable[tuple[int, int]]) -> set[str]:
        words: set[str] = set()
        for start, end in spans:
            match = _LOCAL_PART.search(text[start:end])
            if match:
                words.update(w.capitalize() for w in re.findall(r"[A-Za-z]{3,}", match.group(1)))
        return {w for w in words if w.lower() not in self.stop}

    def mentions(
        self,
        text: str,
        person_spans: Sequence[tuple[int, int]],
        email_spans: Sequence[tuple[int, int]] = (),
        mono: Sequence[tuple[int, int]] = (),
    ) -> list[tuple[int, int]]:
        """Every other mention of a detected name word in ``text``.

        Words come from PERSON spans (matched case-insensitively; inside the
        one-case lines ``mono`` a name word may be a lower-case word) and from
        e-mail local parts (matched only where capitalised, as a name would be written).
        """
        found: list[tuple[int, int]] = []
        words = self._name_words(text, person_spans, mono)
        if words:
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(words))) + r")(?!\w)", re.IGNORECASE)
            found.extend(m.span() for m in pattern.finditer(text))
        email = self._email_words(text, email_spans) - words
        if email:
            pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(email))) + r")\b")
            found.extend(m.span() for m in pattern.finditer(text))
        return found
