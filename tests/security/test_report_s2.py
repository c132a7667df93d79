"""S2: hostile strings in texts, group, model and metric names render inert in HTML and Markdown.

Each check is shown able to fail: the same inspection run on output rendered
without escaping finds the injected markup.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from auditkit.report import md_escape, render_report
from auditkit.scorecard import load_document
from auditkit.report._templates import BUILTIN_TEMPLATES
from auditkit.report._view import build_view
from tests.unit.report._html_check import inspect_html
from tests.unit.report._runs import HOSTILE, hostile_run

__all__ = ["hostile_run"]

REPORT_PKG = Path(__file__).resolve().parents[2] / "auditkit" / "report"


def _markdown_to_html(text: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return str(markdown_it.MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").render(text))


def test_hostile_strings_render_as_text_in_html(hostile_run: Path) -> None:
    html = render_report(hostile_run).html.read_text(encoding="utf-8")
    assert inspect_html(html).problems == []
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=" in html
    assert "<script" not in html.lower() and "javascript:alert" not in re.sub(r">[^<]*<", "><", html)


def test_unescaped_rendering_of_the_same_data_is_caught_by_the_inspection(hostile_run: Path) -> None:
    """Shows the S2 check can fail: the built-in templates without autoescape leak live markup."""
    unsafe = jinja2.Environment(loader=jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)), autoescape=False)
    unsafe.filters["fmt"] = lambda value, digits=3: str(value)
    html = unsafe.get_template("scorecard.html.j2").render(**build_view(load_document(hostile_run / "scorecard.json")))
    problems = inspect_html(html).problems
    assert "<script>" in problems and "<img>" in problems and any("onerror" in p for p in problems)


def test_hostile_strings_render_as_text_in_the_model_card(hostile_run: Path) -> None:
    card = render_report(hostile_run).model_card.read_text(encoding="utf-8")
    assert "\u2028" not in card and "\u2029" not in card
    assert "<script" not in card and "<img" not in card
    assert inspect_html(_markdown_to_html(card)).problems == []


def test_unescaped_markdown_is_caught_by_the_same_inspection() -> None:
    """Shows the Markdown check can fail: raw hostile strings become live HTML and links."""
    naive = "\n\n".join(f"| {s} |" for s in HOSTILE)
    problems = inspect_html(_markdown_to_html(naive)).problems
    assert "<script>" in problems and any("onerror" in p for p in problems)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_md_escape_leaves_no_markup_link_or_line_break(hostile: str) -> None:
    escaped = md_escape(hostile)
    assert not re.search(r"[<>\n\r\u2028\u2029]", escaped)
    rendered = _markdown_to_html(f"| a |\n|---|\n| {escaped} |\n\n{escaped}\n")
    assert inspect_html(rendered).problems == []


def test_hostile_model_name_in_yaml_front_matter_becomes_a_plain_slug(hostile_run: Path) -> None:
    import yaml

    card = render_report(hostile_run).model_card.read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert re.fullmatch(r"[A-Za-z0-9._-]+", front["model-index"][0]["name"])
    assert card.split("---\n")[1].isascii()


def test_templates_and_code_never_mark_data_safe() -> None:
    offenders = []
    for file in sorted(REPORT_PKG.rglob("*")):
        if file.suffix not in (".py", ".j2"):
            continue
        text = file.read_text(encoding="utf-8")
        for pattern in (r"\|\s*safe\b", r"Markup\(", r"select_autoescape", r"markupsafe", r"autoescape\s+false"):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{file.name}: {pattern}")
        if file.suffix == ".j2" and re.search(r"\|\s*tojson", text) is None and "<script" in text.lower():
            offenders.append(f"{file.name}: script block")
    assert offenders == []


def test_html_environment_sets_autoescape_unconditionally() -> None:
    source = (REPORT_PKG / "_templates.py").read_text(encoding="utf-8")
    html_env = source[source.index("def html_environment"):source.index("def markdown_environment")]
    assert "autoescape=True," in html_env
    from auditkit.report._templates import html_environment

    env = html_environment()
    assert env.autoescape is True and "safe" not in env.filters
