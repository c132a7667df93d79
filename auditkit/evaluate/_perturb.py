"""Seeded, label-preserving text perturbations for the robustness suite.

Each perturbation is a small function ``(text, rng, rate) -> text`` registered by
name in :data:`PERTURBATIONS`: the noise a real note meets (keyboard typos,
dropped and swapped characters, casing, punctuation and whitespace), the
placeholders another scrubber would have written, other names and places, and
clinical shorthand. None of them changes what the note says, so the label stays;
a prediction that changes is a robustness failure. Scrub placeholders
(``<PERSON>``) are left alone by every perturbation except ``placeholder_style``,
``names`` and ``places``, so noise never breaks a placeholder into new tokens.
The random stream of a text depends only on the seed, the perturbation's name and
the text's position, so one text's perturbation never depends on which others
were drawn.

nlpaug (PyPI 1.1.11, last released 2022) was considered: its character
augmenters do the same few lines of work, but draw from Python's global
``random`` state and pull in ``gdown``/``requests`` downloaders; these generators
are small, seeded per text and tested here.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence

import numpy as np

from auditkit.evaluate._perturb_lists import ABBREVIATIONS, KEYBOARD_ROWS, NAMES, PLACEHOLDER_STYLES, PLACES
from auditkit.evaluate._term_swap import _match_case
from auditkit.exceptions import FairnessError

__all__ = ["DEFAULT_PERTURBATIONS", "PERTURBATIONS", "Perturber", "perturb_texts"]

Perturber = Callable[[str, np.random.Generator, float], str]

_PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*>")
_LETTER = re.compile(r"[A-Za-z]")


def _neighbours() -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for c, key in enumerate(row):
            near = [row[c + d] for d in (-1, 1) if 0 <= c + d < len(row)]
            near += [KEYBOARD_ROWS[r + d][c + e] for d in (-1, 1) for e in (-1, 0, 1)
                     if 0 <= r + d < len(KEYBOARD_ROWS) and 0 <= c + e < len(KEYBOARD_ROWS[r + d])]
            out[key] = "".join(near)
    return out


_NEAR = _neighbours()


def _outside_placeholders(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the text between scrub placeholders, keeping the placeholders as they are."""
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        parts.extend([fn(text[last:match.start()]), match.group(0)])
        last = match.end()
    parts.append(fn(text[last:]))
    return "".join(parts)


def _per_letter(text: str, rng: np.random.Generator, rate: float, edit: Callable[[list[str], int], None]) -> str:
    def run(segment: str) -> str:
        chars = list(segment)
        hits = [i for i, ch in enumerate(chars) if _LETTER.match(ch)]
        chosen = [i for i, u in zip(hits, rng.random(len(hits))) if u < rate]
        for i in reversed(chosen):
            edit(chars, i)
        return "".join(chars)

    return _outside_placeholders(text, run)


def _typo_keyboard(text: str, rng: np.random.Generator, rate: float) -> str:
    def edit(chars: list[str], i: int) -> None:
        near = _NEAR.get(chars[i].lower(), "")
        if near:
            new = near[int(rng.integers(len(near)))]
            chars[i] = new.upper() if chars[i].isupper() else new

    return _per_letter(text, rng, rate, edit)


def _char_drop(text: str, rng: np.random.Generator, rate: float) -> str:
    return _per_letter(text, rng, rate, lambda chars, i: chars.__setitem__(i, ""))


def _char_swap(text: str, rng: np.random.Generator, rate: float) -> str:
    def edit(chars: list[str], i: int) -> None:
        if i + 1 < len(chars) and _LETTER.match(chars[i + 1]):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]

    return _per_letter(text, rng, rate, edit)


def _casing(kind: str) -> Perturber:
    def apply(text: str, rng: np.random.Generator, rate: float) -> str:
        return _outside_placeholders(text, lambda s: getattr(s, kind)())

    return apply


def _punctuation(text: str, rng: np.random.Generator, rate: float) -> str:
    """Drop each punctuation mark with probability 1/2 and insert stray ones at ``rate`` per word gap."""
    def run(segment: str) -> str:
        out = []
        for ch in segment:
            if ch in ".,;:!?" and rng.random() < 0.5:
                continue
            if ch == " " and rng.random() < rate:
                ch = str(rng.choice([" ,", " ;", " -", "..."])) + " "
            out.append(ch)
        return "".join(out)

    return _outside_placeholders(text, run)


def _whitespace(text: str, rng: np.random.Generator, rate: float) -> str:
    """Double or newline a space at ``4 * rate``, pad both ends (a copy-paste from another system)."""
    def run(segment: str) -> str:
        return "".join(str(rng.choice(["  ", "\n", " \t"])) if ch == " " and rng.random() < 4 * rate else ch
                       for ch in segment)

    return "  " + _outside_placeholders(text, run) + " \n"


def _placeholder_style(text: str, rng: np.random.Generator, rate: float) -> str:
    style = PLACEHOLDER_STYLES[int(rng.integers(len(PLACEHOLDER_STYLES)))]
    return _PLACEHOLDER.sub(lambda m: style.format(name=m.group(0)[1:-1], lower=m.group(0)[1:-1].lower()), text)


def _lexicon_swap(words: Sequence[str], placeholder: str) -> Perturber:
    """Replace listed words (and the ``placeholder``) with a different listed word, case-preserving."""
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + r")(?!\w)|" + re.escape(placeholder), re.IGNORECASE)

    def apply(text: str, rng: np.random.Generator, rate: float) -> str:
        chosen: dict[str, str] = {}  # one replacement per distinct word in a text: the same person stays one person

        def pick(match: re.Match[str]) -> str:
            found = match.group(0)
            if found.lower() not in chosen:
                choices = [w for w in words if w.lower() != found.lower()]
                chosen[found.lower()] = choices[int(rng.integers(len(choices)))]
            new = chosen[found.lower()]
            return new if found == placeholder else _match_case(found, new)

        return pattern.sub(pick, text)

    return apply


def _abbreviate(text: str, rng: np.random.Generator, rate: float) -> str:
    """Clinical shorthand both ways: long forms to their abbreviation and abbreviations to their long form."""
    table = {**{long.lower(): short for long, short in ABBREVIATIONS},
             **{short.lower(): long for long, short in ABBREVIATIONS}}
    pattern = re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
                         + r")(?![\w/])", re.IGNORECASE)
    return _outside_placeholders(text, lambda s: pattern.sub(lambda m: table[m.group(0).lower()], s))


PERTURBATIONS: dict[str, Perturber] = {
    "typo_keyboard": _typo_keyboard,
    "char_drop": _char_drop,
    "char_swap": _char_swap,
    "lower": _casing("lower"),
    "upper": _casing("upper"),
    "title": _casing("title"),
    "punctuation": _punctuation,
    "whitespace": _whitespace,
    "placeholder_style": _placeholder_style,
    "names": _lexicon_swap(NAMES, "<PERSON>"),
    "places": _lexicon_swap(PLACES, "<LOCATION>"),
    "abbreviations": _abbreviate,
}
"""Every perturbation by name; ``rate`` is the per-letter (or per-gap) probability where one applies."""

DEFAULT_PERTURBATIONS: tuple[str, ...] = tuple(PERTURBATIONS)


def perturb_texts(texts: Sequence[str], name: str, *, rate: float = 0.05, seed: int = 0) -> list[str]:
    """Perturb every text with perturbation ``name``; seeded per (seed, name, position).

    Raises
    ------
    FairnessError
        When ``name`` is not a registered perturbation or ``rate`` is outside ``[0, 1]``.
    """
    if name not in PERTURBATIONS:
        raise FairnessError(f"unknown perturbation {name!r}; expected one of {', '.join(PERTURBATIONS)}")
    if not 0.0 <= rate <= 1.0:
        raise FairnessError("perturbation rate must be within [0, 1], e.g. 0.05")
    fn, key = PERTURBATIONS[name], zlib.crc32(name.encode())
    return [fn(text, np.random.default_rng([seed, key, i]), rate) for i, text in enumerate(texts)]
