"""The ``auditkit`` command: parse, call, print, map errors to exit codes.

Exit codes: 0 success, 1 a policy rule failed (gate), 2 bad input or usage,
3 internal error, 4 inconclusive (gate). A user mistake prints one line on
stderr, never a traceback; tracebacks never show local variables.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from typer.core import TyperCommand

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from auditkit import __version__
from auditkit._extras import DISTRIBUTION, extra_for_module, missing_error
from auditkit.cli._command import AuditkitCommand, AuditkitGroup
from auditkit.cli._output import error as _error
from auditkit.exceptions import AuditkitError

__all__ = ["app", "main"]

_HELP = "Responsible-AI audits for fine-tuned text classifiers: scrub, fair training, explain, report, gate."

app = typer.Typer(
    name="auditkit",
    help=_HELP,
    cls=AuditkitGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)

_COMMAND_MODULES = (
    "_cmd_run",
    "_cmd_make_example_data",
    "_cmd_scrub",
    "_cmd_report",
    "_cmd_gate",
    "_cmd_attest",
    "_cmd_audit",
    "_cmd_probe",
    "_cmd_sweep",
)


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"auditkit.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"auditkit.cli.{name}":
                continue
            raise
        module.register(app)
    for info in app.registered_commands:
        if info.cls is None or info.cls is TyperCommand:
            info.cls = AuditkitCommand


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"auditkit {__version__} ({DISTRIBUTION})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Results and errors only: no status lines, no progress bars.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug-level run log (still no data).")] = False,
) -> None:
    if quiet and verbose:
        raise typer.BadParameter("give one of --quiet and --verbose, not both", param_hint="'--quiet'")


_root.__doc__ = _HELP
_register_commands()


def _command_name(args: Sequence[str]) -> str:
    return next((a for a in args if not a.startswith("-")), "")


def _missing_module(exc: ModuleNotFoundError, args: Sequence[str]) -> int | None:
    """A third-party module of an extra is not installed: one line naming the extra, exit 2."""
    name = exc.name or ""
    extra = extra_for_module(name) if not name.startswith("auditkit") else None
    if extra is None:
        return None
    command = _command_name(args)
    _error(str(missing_error(f"'auditkit {command}'" if command else "auditkit", extra, [name.split(".")[0]])))
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; returns the process exit code."""
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = command.main(args=args, prog_name="auditkit", standalone_mode=False)
    except click_exc.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        return 2
    except click_exc.UsageError as exc:
        _error(exc.format_message())
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _error("aborted")
        return 130
    except AuditkitError as exc:
        _error(str(exc))
        return exc.exit_code
    except ModuleNotFoundError as exc:
        code = _missing_module(exc, args)
        if code is None:
            if os.environ.get("AUDITKIT_DEBUG") == "1":
                raise
            _error(f"internal error ({type(exc).__name__}); re-run with AUDITKIT_DEBUG=1 for a traceback and report it")
            return 3
        return code
    except KeyboardInterrupt:
        _error("interrupted; finished stages are kept and a re-run resumes from them")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback, no data
        if os.environ.get("AUDITKIT_DEBUG") == "1":
            raise
        _error(f"internal error ({type(exc).__name__}); re-run with AUDITKIT_DEBUG=1 for a traceback and report it")
        return 3
    return int(result) if isinstance(result, int) else 0
