"""The HF-format model card (``model_card.md``) from a scorecard.

The YAML front matter comes from :mod:`auditkit.report._front_matter`
(``huggingface_hub.ModelCardData``). The body is a Jinja2 template whose
every printed value passes :func:`md_escape`, which escapes only what Markdown
(CommonMark + GFM tables) would otherwise interpret: ``<``/``>`` and entity-like
``&`` as HTML entities (no raw HTML), backslash, backtick, ``*``, ``[``, ``]``,
``|``, ``~``, ``_`` at a word boundary, ``://`` (no autolink), and a
leading ``#``, ``-``, ``+`` or ``1.`` that would start a heading or a list; line breaks (U+2028/U+2029 too) fold into
spaces and invisible controls are dropped. Dates, paths and quotes stay as
written, and a hostile string stays inert text in any Markdown renderer (S2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditkit.report._front_matter import card_metadata_dict, model_card_front_matter
from auditkit.report._templates import markdown_environment, render_template
from auditkit.report._view import build_view

__all__ = ["md_escape", "model_card_front_matter", "render_model_card"]

_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?$")
_INLINE = re.compile(r"[\\`*\[\]|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;)|[<>]|:(?=//)")
_LEADING = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[+-](?=\s|$)|[0-9]{1,9}(?=[.)](?:\s|$)))")
_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _escape_inline(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ENTITY.get(char, "\\" + char)


def md_escape(value: Any) -> str:
    """Escape ``value`` so it renders as literal text in Markdown (and in HTML produced from it)."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else str(value)
    if _NUMBER.match(text):
        return text
    text = _INLINE.sub(_escape_inline, _CONTROL.sub("", _BREAKS.sub(" ", text)))
    return _LEADING.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text)


def render_model_card(
    doc: Mapping[str, Any], *, template_dir: Path | None = None, signature: Mapping[str, Any] | None = None
) -> str:
    """Render ``model_card.md`` (front matter + escaped body) from a validated scorecard."""
    env = markdown_environment(md_escape, template_dir)
    context = build_view(doc, signature)
    _, meta, _ = card_metadata_dict(doc)
    context["co2"] = meta.get("co2_eq_emissions")
    context["card_meta"] = meta
    context["not_covered"] = (doc.get("compliance") or {}).get("not_covered", [])
    body = render_template(env, "model_card.md.j2", context)
    return model_card_front_matter(doc) + "\n" + body
