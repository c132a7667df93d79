"""Jinja2 environments for the report, sandboxed and escaping by construction.

Both environments are :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`
with ``StrictUndefined``; templates come only from the shipped folder or a
user folder given in ``report.template_dir`` (which may override any partial),
never from data, so data is never compiled as a template (S3). The HTML
environment sets ``autoescape=True`` unconditionally (S2); the ``safe`` filter
is removed and a user template that switches autoescaping off is refused. The
Markdown environment escapes every printed value for Markdown through its
``finalize`` hook instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from auditkit.exceptions import ReportError

__all__ = ["BUILTIN_TEMPLATES", "html_environment", "markdown_environment", "render_template"]

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
_FORBIDDEN = re.compile(r"autoescape\s+false|\|\s*safe\b|Markup", re.IGNORECASE)


def _check_user_folder(template_dir: Path) -> None:
    if not template_dir.is_dir():
        raise ReportError(f"report.template_dir not found: {template_dir}; give a folder of .j2 templates or leave it unset")
    for file in sorted(template_dir.rglob("*.j2")):
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ReportError(f"template {file.name} is not UTF-8 text; save it as UTF-8") from None
        if _FORBIDDEN.search(text):
            raise ReportError(
                f"template {file.name} turns escaping off (an autoescape block, the safe filter or Markup); "
                "remove it: report templates always escape data"
            )


def _loader(template_dir: Path | None) -> jinja2.BaseLoader:
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        _check_user_folder(template_dir)
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    return jinja2.ChoiceLoader(loaders)


def _fmt(value: Any, digits: int = 3) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else str(value)
    return f"{value:.{digits}f}"


def html_environment(template_dir: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The HTML environment: sandboxed, ``autoescape=True`` always, no ``safe`` filter.

    The shipped-templates environment is built once per process (compiled
    templates are reused); a user folder gets a fresh, re-checked one.
    """
    return _builtin_html() if template_dir is None else _html(template_dir)


@functools.lru_cache(maxsize=1)
def _builtin_html() -> ImmutableSandboxedEnvironment:
    return _html(None)


def _html(template_dir: Path | None) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=_loader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.pop("safe", None)
    env.filters["fmt"] = _fmt
    return env


def markdown_environment(escape: Callable[[Any], str], template_dir: Path | None = None) -> ImmutableSandboxedEnvironment:
    """The Markdown environment: sandboxed; ``escape`` is applied to every printed value."""
    return _builtin_markdown(escape) if template_dir is None else _markdown(escape, template_dir)


@functools.lru_cache(maxsize=2)
def _builtin_markdown(escape: Callable[[Any], str]) -> ImmutableSandboxedEnvironment:
    return _markdown(escape, None)


def _markdown(escape: Callable[[Any], str], template_dir: Path | None) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=_loader(template_dir),
        autoescape=False,  # Markdown is not HTML: every value goes through ``finalize=escape`` instead
        finalize=escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.pop("safe", None)
    env.filters["fmt"] = _fmt
    return env


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render template ``name``; template problems become :class:`ReportError` without data in the message."""
    try:
        return env.get_template(name).render(**context)
    except SecurityError:
        raise ReportError(
            f"template {name}: an unsafe operation was refused by the sandbox; templates may only read the scorecard"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(f"template {exc.name or name} line {exc.lineno}: syntax error; fix the template") from None
    except jinja2.UndefinedError:
        raise ReportError(f"template {name}: uses a name the report does not provide; check the variable names") from None
    except jinja2.TemplateNotFound as exc:
        raise ReportError(f"template {exc.name} not found in the user folder or the shipped templates") from None
