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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from auditkit._io import atomic_write_bytes
from auditkit._logging import get_logger
from auditkit._unicode import utf8_safe
from auditkit.exceptions import UserInputError
from auditkit.gate._checks import evaluate
from auditkit.gate._integrity import integrity_outcomes
from auditkit.gate._junit import junit_xml
from auditkit.gate._policy import Policy, load_policy
from auditkit.gate._sarif import repository_uri, sarif_json
from auditkit.gate._text import markdown_summary
from auditkit.gate._verdict import RuleOutcome, Verdict
from auditkit.scorecard import read_scorecard

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
        written.append(_write(outputs.verdict_json, utf8_safe(text).encode()))
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
    verify_key: str | os.PathLike[str] | Ed25519PublicKey | None = None,
    envelope: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
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
    verify_key:
        Public key (a key, or a PEM path / ``env:VAR``; a private key works too) the
        scorecard's signature must verify with. Unsigned or unverified scorecards are
        judged by ``policy.unsigned`` (see :mod:`auditkit.gate._integrity`).
    envelope:
        The DSSE envelope; default ``scorecard.intoto.jsonl`` beside the scorecard.
    data_dir:
        The audited data folder; every file in ``identity.data`` is re-hashed.

    Returns
    -------
    Verdict

    Raises
    ------
    UserInputError
        Missing or invalid scorecard, policy, baseline, model or data folder, envelope, key or tolerance (exit 2).
    """
    if not (isinstance(tolerance, (int, float)) and math.isfinite(tolerance) and tolerance >= 0):
        raise UserInputError("--tolerance must be a finite number >= 0, e.g. 0.01")
    raw, card = read_scorecard(scorecard)
    doc = card.to_document()
    rules = policy if isinstance(policy, Policy) else load_policy(policy)
    old = read_scorecard(baseline)[1].to_document() if baseline is not None else None
    extra: list[RuleOutcome] = integrity_outcomes(
        raw, card, scorecard_path=scorecard, verify_key=verify_key, envelope_path=envelope,
        model_dir=model_dir, data_dir=data_dir, unsigned_severity=rules.unsigned,
    )
    verdict = evaluate(doc, rules, baseline=old, tolerance=float(tolerance), extra=extra)
    _log.info("gate %s: %s", verdict.status, verdict.counts())
    if outputs is not None:
        write_outputs(verdict, outputs, scorecard_uri=repository_uri(scorecard))
    return verdict
