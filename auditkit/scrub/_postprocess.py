"""Document-level clean-up of detections: widen names, find every mention, drop durations.

A small NER model often finds ``Brown`` but not ``Do-yun Brown``, or a surname
in one sentence but not in the next. After the recognisers run, a PERSON span is
widened over adjacent capitalised words, and every word of a detected name (or
of an e-mail's local part) is searched for across the whole document. spaCy's
DATE entities that hold no date (``three days``, ``yesterday``) are dropped:
durations are not identifiers and removing them costs utility.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

__all__ = ["COMMON_WORDS", "expand_names", "is_date_like", "name_mentions"]

_D = TypeVar("_D")
_UP = "A-ZÀ-ÖØ-Þ"
_LO = "a-zß-öø-ÿĀ-ž'’"
_CAP_WORD = rf"[{_UP}][{_LO}]+(?:-[{_UP}{_LO}][{_LO}]+)?"
_PARTICLES = r"(?:(?:van|von|de|der|den|del|della|da|di|le|la|du|dos|das|bin|al|ten|ter|zu)[ \t]+){0,3}"
_RIGHT = re.compile(rf"[ \t]+{_PARTICLES}({_CAP_WORD})")
_LEFT = re.compile(rf"({_CAP_WORD})[ \t]+$")
_DATE_LIKE = re.compile(
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b|\b\d{1,2}/(?:1[89]|20)\d{2}\b|\b(?:1[89]|20)\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d"
    r"|\d\s*(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)
_STOP = frozenset(
    """the and for with from this that than then there these those when where what who why how
    patient patients doctor nurse caller intake note notes triage call called calls mr mrs ms miss dr
    prof sir madam he she his her him hers they them their we our you your it its i my me
    born lives address phone email mrn chart medical record dob home best callback contact
    presents complains reports describes denies history takes also in on at to of by as is was
    has had not no yes please thanks thank dear regards sincerely monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december today yesterday tomorrow street road avenue lane drive
    hospital clinic ward unit room department emergency urgent routine follow up per day days
    week weeks month months year years hour hours morning afternoon evening night""".split()
)
COMMON_WORDS = _STOP | frozenset(
    """a an all also after before because but can could did do does during each every few for from had
    have here if into just more most much no none now only or other over same should since so some such
    than then there through under until up very was were which while will would yes call called email
    phone address born chart record medical nurse doctor walk intake note presents complains reports
    describes denies takes history non smoker requests prefers lives home best callback mrn dob ssn md
    rn er ed icu ecg ekg bp hr rr mri ct xray x ray covid social security number date birth file on
    appointment follow referral prescription results blood work routine urgent triage caller seen
    visit admitted discharged mild severe sudden pain fever cough""".split()
)
_LEAD = re.compile(r"([A-Za-z]+)\.?[ \t]+")
_LOCAL_PART = re.compile(r"([A-Za-z0-9._%+-]+)@")


def is_date_like(text: str) -> bool:
    """Whether ``text`` holds a calendar date (digits or a month), not just a duration."""
    return bool(_DATE_LIKE.search(text))


def _sentence_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t")
    return not before or before[-1] in ".!?\n:;\"'(" or before.endswith("...")


def expand_names(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Widen each PERSON span over adjacent capitalised words that are not common words.

    A word to the left is only taken when it does not start a sentence (where any
    word is capitalised).
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        while (lead := _LEAD.match(text, start, end)) and lead.group(1).lower() in _STOP:
            start = lead.end()
        if start >= end:
            continue
        while (match := _RIGHT.match(text, end)) and match.group(1).lower() not in _STOP:
            end = match.end()
        while (match := _LEFT.search(text[max(0, start - 40) : start])) and match.group(1).lower() not in _STOP:
            left = start - (len(match.group(0)))
            if _sentence_start(text, left):
                break
            start = left
        out.append((start, end))
    return out


def _name_words(text: str, spans: Iterable[tuple[int, int]]) -> set[str]:
    words: set[str] = set()
    for start, end in spans:
        for word in re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text[start:end]):
            if word.lower() not in _STOP and word[0].isupper():
                words.add(word)
    return words


def _email_words(text: str, spans: Iterable[tuple[int, int]]) -> set[str]:
    words: set[str] = set()
    for start, end in spans:
        match = _LOCAL_PART.search(text[start:end])
        if match:
            words.update(w.capitalize() for w in re.findall(r"[A-Za-z]{3,}", match.group(1)))
    return {w for w in words if w.lower() not in _STOP}


def name_mentions(
    text: str, person_spans: Sequence[tuple[int, int]], email_spans: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Every other mention of a detected name word in ``text``.

    Words come from PERSON spans (matched case-insensitively) and from e-mail
    local parts (matched only where capitalised, as a name would be written).
    """
    found: list[tuple[int, int]] = []
    words = _name_words(text, person_spans)
    if words:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b", re.IGNORECASE)
        found.extend(m.span() for m in pattern.finditer(text))
    email = _email_words(text, email_spans) - words
    if email:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(email))) + r")\b")
        found.extend(m.span() for m in pattern.finditer(text))
    return found
