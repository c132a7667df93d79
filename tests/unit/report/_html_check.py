"""An HTML inspector for the report tests: what tags, attributes and URLs a document really has."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

ACTIVE_TAGS = frozenset({"script", "img", "iframe", "object", "embed", "link", "base", "form", "video", "audio", "source", "meta-refresh"})
URL_ATTRS = frozenset({"src", "href", "action", "formaction", "srcset", "data", "poster", "xlink:href", "background"})


@dataclass
class Inspection:
    """Everything suspicious the parser met."""

    tags: set[str] = field(default_factory=set)
    active: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Active tags, event handlers and any URL that is not an in-page anchor."""
        bad_urls = [u for u in self.urls if not u.startswith("#")]
        return [*self.active, *self.handlers, *bad_urls]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Inspection()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.tags.add(tag)
        if tag in ACTIVE_TAGS:
            self.found.active.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.handlers.append(f"{tag}[{name}]")
            if name in URL_ATTRS and value is not None:
                self.found.urls.append(value.strip())
            if name == "style" and value and "url(" in value:
                self.found.urls.append(value)


def inspect_html(text: str) -> Inspection:
    """Parse ``text`` and return what it contains."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.found
