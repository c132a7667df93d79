"""S3: data is never compiled as a template; user template folders render in a sandbox.

Each check is shown able to fail: the same hostile template in an ordinary
(unsandboxed) Jinja2 environment does reach Python internals.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from auditkit.exceptions import ReportError
from auditkit.report import render_html, render_report
from auditkit.scorecard import load_document
from tests.unit.report._runs import demo_run, hostile_run

__all__ = ["demo_run", "hostile_run"]

ESCAPE_TEMPLATE = "{{ ''.__class__.__mro__[1].__subclasses__() }}"


def _user_folder(tmp_path: Path, partial: str, text: str) -> Path:
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / partial).write_text(text, encoding="utf-8")
    return folder


def test_template_syntax_in_data_is_printed_never_evaluated(hostile_run: Path) -> None:
    paths = render_report(hostile_run)
    html, card = paths.html.read_text(encoding="utf-8"), paths.model_card.read_text(encoding="utf-8")
    assert "{{ 7*7 }}{{ &#39;&#39;.__class__.__mro__ }}" in html
    assert "object'&gt;" not in html and "<class" not in html
    assert "{{ 7\\*7 }}" in card and "49" not in card.split("## Audit provenance")[0]


def test_user_template_folder_overrides_a_partial(demo_run: Path, tmp_path: Path) -> None:
    folder = _user_folder(tmp_path, "privacy.j2", '<section id="privacy"><h2>Custom privacy for {{ model_name }}</h2></section>\n')
    html = render_report(demo_run, template_dir=folder).html.read_text(encoding="utf-8")
    assert "<h2>Custom privacy for minilm-triage</h2>" in html
    assert "Scrubbing, canary sweep and membership inference" not in html
    assert 'id="fairness"' in html


def test_user_template_values_are_still_escaped(hostile_run: Path, tmp_path: Path) -> None:
    folder = _user_folder(tmp_path, "privacy.j2", "<p>{{ model_name }}</p>\n")
    html = render_report(hostile_run, template_dir=folder).html.read_text(encoding="utf-8")
    assert "<p>&lt;script&gt;" in html and "<p><script>" not in html


def test_user_template_reaching_python_internals_is_refused(demo_run: Path, tmp_path: Path) -> None:
    folder = _user_folder(tmp_path, "privacy.j2", ESCAPE_TEMPLATE + "\n")
    with pytest.raises(ReportError, match="refused by the sandbox"):
        render_html(load_document(demo_run / "scorecard.json"), template_dir=folder)


def test_the_same_template_escapes_in_an_unsandboxed_environment() -> None:
    """Shows the S3 check can fail: without the sandbox the template lists Python classes."""
    assert "<class 'type'>" in jinja2.Environment().from_string(ESCAPE_TEMPLATE).render()


def test_user_template_mutating_data_is_refused(demo_run: Path, tmp_path: Path) -> None:
    folder = _user_folder(tmp_path, "privacy.j2", "{{ grades.append(1) }}\n")
    with pytest.raises(ReportError, match="refused by the sandbox"):
        render_html(load_document(demo_run / "scorecard.json"), template_dir=folder)


@pytest.mark.parametrize("text", ["{{ model_name|safe }}", "{% autoescape false %}{{ model_name }}{% endautoescape %}"])
def test_user_template_turning_escaping_off_is_refused(demo_run: Path, tmp_path: Path, text: str) -> None:
    folder = _user_folder(tmp_path, "privacy.j2", text + "\n")
    with pytest.raises(ReportError, match="turns escaping off"):
        render_report(demo_run, template_dir=folder)


def test_broken_user_template_is_a_one_line_report_error(demo_run: Path, tmp_path: Path) -> None:
    folder = _user_folder(tmp_path, "privacy.j2", "{% if %}\n")
    with pytest.raises(ReportError, match="privacy.j2 line 1: syntax error"):
        render_report(demo_run, template_dir=folder)


def test_missing_user_template_folder_is_refused(demo_run: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="report.template_dir not found"):
        render_report(demo_run, template_dir=tmp_path / "nope")


def test_cli_maps_a_sandbox_refusal_to_exit_2(demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from auditkit.cli._app import main

    folder = _user_folder(tmp_path, "privacy.j2", ESCAPE_TEMPLATE + "\n")
    assert main(["report", str(demo_run), "--template-dir", str(folder)]) == 2
    assert "sandbox" in capsys.readouterr().err
    assert json.loads((demo_run / "scorecard.json").read_text())["schema_version"] == "2.0"
