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

import typer

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from auditkit.exceptions import AuditkitError

__all__ = ["app", "main"]

app = typer.Typer(
    name="auditkit",
    help="Responsible-AI audits for fine-tuned text classifiers: scrub, fair training, explain, report, gate.",
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


_register_commands()


def _error(message: str) -> None:
    typer.echo(f"auditkit: error: {message}", err=True)


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
        _error(exc.format_message().replace("\n", " "))
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        _error("aborted")
        return 130
    except AuditkitError as exc:
        _error(str(exc).replace("\n", " "))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted; finished stages are kept and a re-run resumes from them")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback, no data
        if os.environ.get("AUDITKIT_DEBUG") == "1":
            raise
        _error(f"internal error ({type(exc).__name__}); re-run with AUDITKIT_DEBUG=1 for a traceback and report it")
        return 3
    return int(result) if isinstance(result, int) else 0
