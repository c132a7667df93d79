"""A labelled document under construction: text pieces with gold spans, in one casing.

Every generator appends pieces with :meth:`Doc.add`; a piece with an entity
label becomes a gold span. ``neutral`` pieces (US state codes, country names:
not HIPAA identifiers, but not ordinary words either) are excluded from both the
survival and the retention counts. The casing (``as_is``, ``lower``, ``upper``)
is applied piece by piece, so offsets stay exact even where a character changes
length under case mapping (``ß`` -> ``SS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Piece = tuple[str, str | None]  # (text, entity or None or "NEUTRAL")


@dataclass
class Doc:
    """A document being built (see the module docstring)."""

    family: str
    case: str = "as_is"
    text: str = ""
    spans: list[dict[str, Any]] = field(default_factory=list)
    neutral: list[dict[str, Any]] = field(default_factory=list)

    def _cased(self, piece: str) -> str:
        if self.case == "lower":
            return piece.lower()
        if self.case == "upper":
            return piece.upper()
        return piece

    def add(self, piece: str, entity: str | None = None) -> Doc:
        """Append ``piece``; label it when ``entity`` is given."""
        piece = self._cased(piece)
        start = len(self.text)
        self.text += piece
        if entity == "NEUTRAL":
            self.neutral.append({"start": start, "end": len(self.text)})
        elif entity is not None and piece.strip():
            self.spans.append({"start": start, "end": len(self.text), "entity_type": entity, "text": piece})
        return self

    def extend(self, pieces: list[Piece]) -> Doc:
        """Append several ``(text, entity)`` pieces."""
        for piece, entity in pieces:
            self.add(piece, entity)
        return self

    def record(self, doc_id: str, locale: str) -> dict[str, Any]:
        """The JSON record (``text`` plus ``spans`` of ``entity_type``/``start``/``end``/``text``)."""
        return {
            "id": doc_id, "family": self.family, "case": self.case, "locale": locale,
            "text": self.text, "spans": self.spans, "neutral": self.neutral,
        }
