"""Rendering ``scorecard.html`` and ``model_card.md`` from ``scorecard.json`` alone.

:func:`render_report` reads (and validates) the scorecard, builds the view
model once and writes both files atomically next to it, or into ``out_dir``.
It needs nothing else from the run directory, so ``auditkit report RUN_DIR``
and the gate (which adds a ``policy`` section, then re-renders) call it alike.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_text
from auditkit._logging import get_logger
from auditkit.report._markdown import render_model_card
from auditkit.report._templates import html_environment, render_template
from auditkit.report._view import build_view
from auditkit.scorecard import parse_scorecard, read_scorecard, signature_info

__all__ = ["ReportPaths", "render_html", "render_report"]

_LOG = get_logger(__name__)
SCORECARD_NAME = "scorecard.json"
HTML_NAME = "scorecard.html"
CARD_NAME = "model_card.md"


@dataclass(frozen=True)
class ReportPaths:
    """Where :func:`render_report` wrote its files."""

    scorecard: Path
    html: Path
    model_card: Path


def render_html(
    doc: Mapping[str, Any],
    *,
    template_dir: str | os.PathLike[str] | None = None,
    signature: Mapping[str, Any] | None = None,
) -> str:
    """Render the self-contained HTML scorecard for a scorecard document.

    Parameters
    ----------
    doc:
        A scorecard document; it is validated first.
    template_dir:
        Optional folder whose templates override the shipped ones (sandboxed).
    signature:
        What the signature envelope beside the scorecard claims (:func:`auditkit.scorecard.signature_info`).

    Raises
    ------
    SchemaError
        When ``doc`` fails the schema.
    ReportError
        When a template is missing, invalid or refused by the sandbox.
    """
    normalised = parse_scorecard(doc).to_document()
    env = html_environment(Path(template_dir) if template_dir is not None else None)
    return render_template(env, "scorecard.html.j2", build_view(normalised, signature))


def _scorecard_path(source: str | os.PathLike[str]) -> Path:
    path = Path(source)
    return path / SCORECARD_NAME if path.is_dir() else path


def render_report(
    source: str | os.PathLike[str],
    *,
    template_dir: str | os.PathLike[str] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
) -> ReportPaths:
    """Re-render ``scorecard.html`` and ``model_card.md`` from ``scorecard.json``.

    Parameters
    ----------
    source:
        A run directory holding ``scorecard.json``, or the path of a scorecard file.
    template_dir:
        Optional folder of templates overriding the shipped partials (sandboxed).
    out_dir:
        Where to write; defaults to the scorecard's folder.

    Returns
    -------
    ReportPaths
        The scorecard read and the two files written.

    Raises
    ------
    SchemaError
        When the scorecard is missing, fails its schema or has a newer major version.
    ReportError
        When a template is missing, invalid or refused by the sandbox.
    """
    scorecard = _scorecard_path(source)
    raw, card_model = read_scorecard(scorecard)
    doc = card_model.to_document()
    signature = signature_info(scorecard, raw)
    user_dir = Path(template_dir) if template_dir is not None else None
    html = render_html(doc, template_dir=user_dir, signature=signature)
    card = render_model_card(doc, template_dir=user_dir, signature=signature)
    target = Path(out_dir) if out_dir is not None else scorecard.parent
    paths = ReportPaths(scorecard, atomic_write_text(target / HTML_NAME, html), atomic_write_text(target / CARD_NAME, card))
    _LOG.info("report rendered: html %d bytes, model card %d bytes", len(html.encode()), len(card.encode()))
    return paths
