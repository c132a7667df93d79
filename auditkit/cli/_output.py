"""Output conventions shared by every command: the global ``--quiet``/``--verbose``, progress on a terminal only, one error prefix.

The global options live on the root command (``auditkit --quiet gate ...``) and are
read back from the click context of the running invocation, so nothing leaks from
one invocation to the next. Progress bars default to on when stderr is a terminal
and off otherwise, so CI logs never fill with carriage-return updates.
"""

from __future__ import annotations

import sys

import typer

try:  # typer >= 0.20 vendors click
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover
    from click import get_current_context  # type: ignore[no-redef]

__all__ = ["ERROR_PREFIX", "error", "is_quiet", "is_verbose", "progress_enabled", "status"]

ERROR_PREFIX = "auditkit: error: "


def _root_flag(name: str) -> bool:
    ctx = get_current_context(silent=True)
    return bool(ctx is not None and ctx.find_root().params.get(name))


def is_quiet() -> bool:
    """Whether the global ``--quiet`` was given: status lines and progress bars are off."""
    return _root_flag("quiet")


def is_verbose() -> bool:
    """Whether the global ``--verbose`` was given: debug-level run log (still no data)."""
    return _root_flag("verbose")


def progress_enabled(flag: bool | None) -> bool:
    """``--progress/--no-progress`` resolved: off under ``--quiet``; unset means on only when stderr is a terminal."""
    if is_quiet():
        return False
    return sys.stderr.isatty() if flag is None else flag


def status(line: str) -> None:
    """Print a status line on stderr unless ``--quiet``."""
    if not is_quiet():
        typer.echo(line, err=True)


def error(message: str) -> None:
    """Print the one error line: ``auditkit: error: <message>`` on stderr, newlines folded."""
    typer.echo(ERROR_PREFIX + message.replace("\n", " "), err=True)
