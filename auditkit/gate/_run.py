"""One call that does what ``auditkit gate`` does: read, judge, write reports.

:func:`run_gate` loads the scorecard and policy, optionally binds the model
folder and compares with a baseline scorecard, and writes the requested
reports atomically. It returns the :class:`Verdict`; the caller turns
``verdict.exit_code`` into the process exit status.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from auditkit._io import atomic_write_bytes
from auditkit._logging import get_logger
from auditkit.exceptions import UserInputError
from auditkit.gate._checks import evaluate
from auditkit.gate._identity import identity_outcome
from auditkit.gate._junit import junit_xml
from auditkit.gate._lookup import load_scorecard
from auditkit.gate._policy import Policy, load_policy
from auditkit.gate._sarif import sarif_json
from auditkit.gate._text import markdown_summary
from auditkit.gate._verdict import RuleOutcome, Verdict

__all__ = ["GateOutputs", "run_gate", "write_outputs"]

_log = get_logger(__name__)


@dataclass(frozen=True)
class GateOutputs:
    """Where to write the gate's reports (``None``: do not write that one)."""

    junit: Path | None = None
    sarif: Path | None = None
    markdown: Path | None = None
    verdict_json: Path | None = None
    step_summary: Path | None = None


def _write(path: Path, data: bytes) -> Path:
    try:
        return atomic_write_bytes(path, data)
    except OSError as exc:
        raise UserInputError(
            f"cannot write gate report '{path.name}' ({exc.strerror or type(exc).__name__}); check that its folder is writable"
        ) from None


def write_outputs(verdict: Verdict, outputs: GateOutputs, *, scorecard_uri: str = "scorecard.json") -> list[Path]:
    """Write every requested report; the step summary (``$GITHUB_STEP_SUMMARY``) is appended to, not replaced.

    Raises
    ------
    UserInputError
        When a report path cannot be written (a folder, no permission).
    """
    from auditkit import __version__

    written: list[Path] = []
    if outputs.junit is not None:
        written.append(_write(outputs.junit, junit_xml(verdict)))
    if outputs.sarif is not None:
        written.append(_write(outputs.sarif, sarif_json(verdict, scorecard_uri=scorecard_uri, tool_version=__version__).encode()))
    if outputs.markdown is not None:
        written.append(_write(outputs.markdown, markdown_summary(verdict).encode()))
    if outputs.verdict_json is not None:
        text = json.dumps(verdict.to_json(), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
        written.append(_write(outputs.verdict_json, text.encode()))
    if outputs.step_summary is not None:
        try:
            with open(outputs.step_summary, "a", encoding="utf-8") as handle:
                handle.write(markdown_summary(verdict) + "\n")
        except OSError as exc:
            raise UserInputError(f"cannot append to $GITHUB_STEP_SUMMARY ({exc.strerror or type(exc).__name__})") from None
        written.append(outputs.step_summary)
    return written


def run_gate(
    scorecard: str | os.PathLike[str],
    policy: str | os.PathLike[str] | Policy,
    *,
    outputs: GateOutputs | None = None,
    model_dir: str | os.PathLike[str] | None = None,
    baseline: str | os.PathLike[str] | None = None,
    tolerance: float = 0.01,
) -> Verdict:
    """Judge ``scorecard`` against ``policy`` and write the requested reports.

    Parameters
    ----------
    scorecard:
        Path of ``scorecard.json``.
    policy:
        A :class:`Policy`, a preset name (``default``, ``strict``, ``four-fifths``) or a YAML path.
    outputs:
        Reports to write.
    model_dir:
        Model folder about to be released; its file hashes must match ``identity.model``.
    baseline:
        Previous release's ``scorecard.json``; adds ``regression.<rule>`` outcomes.
    tolerance:
        How much worse than the baseline a metric may get (>= 0).

    Returns
    -------
    Verdict

    Raises
    ------
    UserInputError
        Missing or invalid scorecard, policy, baseline, model folder or tolerance (exit 2).
    """
    if not (isinstance(tolerance, (int, float)) and math.isfinite(tolerance) and tolerance >= 0):
        raise UserInputError("--tolerance must be a finite number >= 0, e.g. 0.01")
    card = load_scorecard(scorecard)
    rules = policy if isinstance(policy, Policy) else load_policy(policy)
    old = load_scorecard(baseline) if baseline is not None else None
    extra: list[RuleOutcome] = [identity_outcome(card, model_dir)] if model_dir is not None else []
    verdict = evaluate(card, rules, baseline=old, tolerance=float(tolerance), extra=extra)
    _log.info("gate %s: %s", verdict.status, verdict.counts())
    if outputs is not None:
        write_outputs(verdict, outputs, scorecard_uri=str(scorecard))
    return verdict
