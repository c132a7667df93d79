"""Validators a recogniser pattern can name (``check: luhn``): a match that fails its check is dropped.

Language files refer to these by name, so a new language can reuse them
without code; a new kind of checksum is the only thing that needs code here.
:data:`WORD_CHECKS` are built per language from its word list (``name_like``:
no word of the match is one usually written in lower case, nor one that
never belongs to a name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

__all__ = ["CHECKS", "WORD_CHECKS", "luhn_ok", "nir_ok"]

_LETTERS = re.compile(r"[^\W\d_]{2,}")


def luhn_ok(value: str) -> bool:
    """Whether the digits of ``value`` pass the Luhn checksum (card numbers)."""
    digits = [int(c) for c in value if c.isdigit()]
    if not 12 <= len(digits) <= 19:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def nir_ok(value: str) -> bool:
    """Whether ``value`` is a French NIR whose 2-digit key is ``97 - (number mod 97)``.

    Spaces, dots and dashes are ignored; Corsican departments ``2A``/``2B`` count
    as ``19``/``18`` in the number, as the key is computed by the INSEE.
    """
    compact = "".join(c for c in value.upper() if c.isalnum())
    if len(compact) != 15 or compact[0] not in "12378":
        return False
    body, key = compact[:13], compact[13:]
    if body[5:7] == "2A":
        body = body[:5] + "19" + body[7:]
    elif body[5:7] == "2B":
        body = body[:5] + "18" + body[7:]
    if not (body.isdigit() and key.isdigit()):
        return False
    return 97 - int(body) % 97 == int(key)


CHECKS: dict[str, Callable[[str], bool]] = {"luhn": luhn_ok, "nir_key": nir_ok}
"""Validators by the name a language file uses."""


def _name_like(lower_words: Container[str], stop: Container[str]) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        words = [w.lower() for w in _LETTERS.findall(value)]
        return bool(words) and not any(w in lower_words or w in stop for w in words)

    return check


WORD_CHECKS: dict[str, Callable[[Container[str], Container[str]], Callable[[str], bool]]] = {"name_like": _name_like}
"""Validators built from a language's word lists (usually lower-case words, words never in a name)."""
