"""The ``auditkit gate`` command function (typer), shared by the CLI and ``python -m auditkit.gate``.

Exit codes: 0 pass (warnings allowed), 1 a rule failed, 2 usage or invalid input,
3 internal error, 4 inconclusive. The command maps errors itself (so it behaves
the same under ``python -m auditkit.gate``) and never prints a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from auditkit.cli._output import error, is_quiet
from auditkit.exceptions import AuditkitError, DataError, UserInputError
from auditkit.gate._run import GateOutputs, run_gate
from auditkit.gate._text import text_table

__all__ = ["DEMO_SCORECARD", "demo_scorecard", "fail_cleanly", "gate"]

DEMO_SCORECARD = "demo-scorecard.json"
"""The sealed example scorecard shipped in ``auditkit.examples_data`` (``auditkit gate --demo``)."""


def demo_scorecard() -> Path:
    """Path of the bundled demo scorecard (a sealed schema-2.0 scorecard of the synthetic triage demo)."""
    import importlib.resources

    return Path(str(importlib.resources.files("auditkit.examples_data").joinpath(DEMO_SCORECARD)))


def fail_cleanly(exc: BaseException) -> NoReturn:
    """Print one ``auditkit: error:`` line on stderr and exit 2 (bad input) or 3 (anything else); never data, never a traceback."""
    if isinstance(exc, UserInputError):
        error(str(exc))
        raise typer.Exit(2)
    if isinstance(exc, AuditkitError):
        error(f"internal error: {exc}")
        raise typer.Exit(3)
    error(f"internal error: unexpected {type(exc).__name__}; please report it with the command you ran")
    raise typer.Exit(3)


def _scorecard(scorecard: Path | None, demo: bool) -> Path:
    if demo == (scorecard is not None):
        raise DataError("give a SCORECARD or --demo (the bundled example scorecard), not both or neither")
    return demo_scorecard() if scorecard is None else scorecard


def gate(
    scorecard: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help="scorecard.json written by 'auditkit run' or 'auditkit audit'.", show_default=False),
    ] = None,
    policy: Annotated[str, typer.Option("--policy", "-p", help="Preset name (default, strict, four-fifths) or policy YAML.")] = "default",
    junit: Annotated[Optional[Path], typer.Option("--junit", help="Write JUnit XML (one test case per rule).")] = None,  # noqa: UP045
    sarif: Annotated[Optional[Path], typer.Option("--sarif", help="Write SARIF 2.1.0.")] = None,  # noqa: UP045
    markdown: Annotated[Optional[Path], typer.Option("--markdown", help="Write a Markdown summary.")] = None,  # noqa: UP045
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the verdict as JSON.")] = None,  # noqa: UP045
    model_dir: Annotated[
        Optional[Path], typer.Option("--model-dir", help="Model folder being released; its hashes must match the scorecard.")  # noqa: UP045
    ] = None,
    baseline: Annotated[
        Optional[Path], typer.Option("--baseline", help="Previous release's scorecard.json: metrics may not regress.")  # noqa: UP045
    ] = None,
    tolerance: Annotated[float, typer.Option("--tolerance", help="Allowed regression versus --baseline.")] = 0.01,
    verify_key: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--verify-key", help="Public key (PEM file or env:VAR) the scorecard's signature must verify with."),
    ] = None,
    envelope: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--envelope", help="Signed envelope; default scorecard.intoto.jsonl beside the scorecard."),
    ] = None,
    data_dir: Annotated[
        Optional[Path], typer.Option("--data-dir", help="Audited data folder; its files must match identity.data.")  # noqa: UP045
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the verdict line only (as the global --quiet).")] = False,
    demo: Annotated[bool, typer.Option("--demo", help="Judge the bundled example scorecard: try the gate right after installing.")] = False,
) -> None:
    """Judge SCORECARD against a policy; exit 0 pass, 1 fail, 2 bad input, 3 internal error, 4 inconclusive."""
    try:
        scorecard = _scorecard(scorecard, demo)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        outputs = GateOutputs(
            junit=junit, sarif=sarif, markdown=markdown, verdict_json=json_out, step_summary=Path(summary) if summary else None
        )
        verdict = run_gate(
            scorecard, policy, outputs=outputs, model_dir=model_dir, baseline=baseline, tolerance=tolerance,
            verify_key=verify_key, envelope=envelope, data_dir=data_dir,
        )
        table = text_table(verdict)
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - mapped to an exit code with a one-line message
        fail_cleanly(exc)
    sys.stdout.write(table.splitlines()[-1] + "\n" if quiet or is_quiet() else table)
    raise typer.Exit(verdict.exit_code)

