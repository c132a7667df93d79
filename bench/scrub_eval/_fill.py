"""Fill a template with labelled values: ``{P1}``, ``{P1.first}``, ``{phone}``, ``{addr_ml}`` ...

A template is plain text with slots. ``P1``/``P2`` are people fixed for the
whole document (so ``{P1.first}`` later names the same person as ``{P1}``);
other slots draw a fresh value each time.
"""

from __future__ import annotations

import re
from typing import Any

from _doc import Doc, Piece

_SLOT = re.compile(r"\{([A-Za-z0-9_.]+)\}")


class Filler:
    """Renders templates into a :class:`Doc` using a values provider (English or French)."""

    def __init__(self, values: Any) -> None:
        self.values = values
        self.people: dict[str, tuple[str, str]] = {}

    def _person(self, key: str, part: str) -> list[Piece]:
        if key not in self.people:
            self.people[key] = self.values.first_last()
        first, last = self.people[key]
        if part == "first":
            return [(first, "PERSON")]
        if part == "last":
            return [(last, "PERSON")]
        if part == "full":
            return [(f"{first} {last}", "PERSON")]
        if part == "title":
            return [(f"{self.values.title()} ", None), (last, "PERSON")]
        if part == "email":
            return self.values.email(first, last)
        if part == "lastfirst":
            return [(f"{last}, {first}", "PERSON")]
        form = self.values.rng.choice(("full", "full", "full", "middle", "initial"))
        if form == "middle":
            return [(f"{first} {self.values.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}", "PERSON")]
        if form == "initial":
            return [(f"{first[0]}. {last}", "PERSON")]
        return [(f"{first} {last}", "PERSON")]

    def _slot(self, name: str) -> list[Piece]:
        if name[0] == "P" and name[1].isdigit():
            key, _, part = name.partition(".")
            return self._person(key, part or "any")
        fn = getattr(self.values, f"slot_{name}")
        result: list[Piece] = fn()
        return result

    def fill(self, doc: Doc, template: str) -> Doc:
        """Append ``template`` to ``doc`` with every slot rendered."""
        cursor = 0
        for match in _SLOT.finditer(template):
            doc.add(template[cursor : match.start()])
            doc.extend(self._slot(match.group(1)))
            cursor = match.end()
        doc.add(template[cursor:])
        return doc
