"""Is the evidence the evidence? Integrity checks reported as gate rules.

Four outcomes, each a :class:`RuleOutcome` like any policy rule:

- ``integrity.content`` (always): the SHA-256 of the scorecard's canonical evidence
  must equal ``integrity.content_sha256``; a mismatch fails and names the sections
  that changed; a scorecard without an ``integrity`` section is inconclusive.
- ``integrity.signature`` (always): with an envelope and a verify key, the signature
  must verify over exactly this evidence (a failure names the changed paths or the
  key that did sign). Without an envelope, or without a key to check it, the
  scorecard is unsigned or unverified and ``unsigned_severity`` (the policy's
  ``unsigned``) decides: ``warn`` or ``error`` (fail). A verify key with no
  envelope fails; an unverified envelope that does not match the scorecard fails.
- ``integrity.model`` (with ``model_dir``): the model folder's files re-hashed
  against ``identity.model``.
- ``integrity.data`` (with ``data_dir``): every file in ``identity.data`` re-hashed
  under ``data_dir``; a changed or absent file fails and is named.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from auditkit._io import sha256_file
from auditkit.exceptions import SchemaError, UserInputError
from auditkit.gate._identity import identity_outcome
from auditkit.gate._verdict import Outcome, RuleOutcome
from auditkit.scorecard import (
    ENVELOPE_NAME,
    Scorecard,
    content_digest,
    load_public_key,
    read_envelope,
    section_digests,
    signature_info,
    verify_envelope,
)

__all__ = ["INTEGRITY_RULES", "MESSAGES", "integrity_outcomes"]

INTEGRITY_RULES = ("integrity.content", "integrity.signature", "integrity.model", "integrity.data")
_METHOD = "sha256-canonical-json/1"
MESSAGES = {
    "no_digest": "scorecard has no integrity digest; it was not sealed by auditkit or the section was removed",
    "method": "unknown integrity method (this auditkit checks '{method}'); upgrade auditkit",
    "non_finite": "scorecard holds a non-finite number (NaN or Infinity): it was edited after auditkit wrote it",
    "edited": "scorecard was changed after auditkit wrote it: content digest differs in {where}",
    "unsigned": "unsigned: no '{name}' beside the scorecard",
    "unverified": "signed by {key} but no --verify-key given: signature not verified",
    "unreadable": "envelope '{name}' cannot be read as a signed scorecard and no --verify-key given: unsigned",
    "differs_unverified": "scorecard differs from what key {key} signed (signature not verified: no --verify-key given)",
    "key_no_envelope": "--verify-key given but no envelope at '{name}': the scorecard is unsigned",
    "no_envelope_file": "--envelope '{name}' not found; omit it to use '{default}' beside the scorecard",
}
_REASONS = {
    "integrity.content": "the scorecard must be the one auditkit wrote",
    "integrity.signature": "the scorecard must be signed by the expected key",
    "integrity.model": "the released weights must be the audited weights",
    "integrity.data": "the data on disk must be the audited data",
}
_METRICS = {
    "integrity.content": "integrity.content_sha256",
    "integrity.signature": "integrity.signature",
    "integrity.model": "identity.model",
    "integrity.data": "identity.data",
}


def _outcome(rule: str, status: Outcome, message: str, *, severity: str = "error") -> RuleOutcome:
    observed = {"pass": 1.0, "fail": 0.0, "warn": 0.0}.get(status)
    return RuleOutcome(
        id=rule, rule_id=rule, metric=_METRICS[rule], op="==", threshold=1.0, judge="value", severity=severity,
        reason=_REASONS[rule], observed=observed, status=status, message=message,
    )


def content_outcome(raw_doc: Mapping[str, Any]) -> RuleOutcome:
    """``integrity.content``: recompute the canonical digest and compare with the recorded one."""
    recorded = raw_doc.get("integrity")
    if not isinstance(recorded, Mapping) or not isinstance(recorded.get("content_sha256"), str):
        return _outcome("integrity.content", "inconclusive", MESSAGES["no_digest"])
    if recorded.get("method", _METHOD) != _METHOD:
        return _outcome("integrity.content", "inconclusive", MESSAGES["method"].format(method=_METHOD))
    try:
        current, sections = content_digest(raw_doc), section_digests(raw_doc)
    except ValueError:
        return _outcome("integrity.content", "fail", MESSAGES["non_finite"])
    if current == recorded["content_sha256"]:
        return _outcome("integrity.content", "pass", f"content digest matches (sha256 {current[:16]}…)")
    old = recorded.get("sections") if isinstance(recorded.get("sections"), Mapping) else {}
    edited = sorted(k for k, v in sections.items() if old.get(k) != v) + sorted(f"{k} (removed)" for k in old if k not in sections)
    where = ", ".join(edited) if edited else "a section whose recorded digest was edited as well"
    return _outcome("integrity.content", "fail", MESSAGES["edited"].format(where=where))


def _unsigned(message: str, severity: Literal["warn", "error"]) -> RuleOutcome:
    if severity == "error":
        return _outcome("integrity.signature", "fail", message)
    return _outcome("integrity.signature", "warn", message, severity="warn")


def signature_outcome(
    raw_doc: Mapping[str, Any],
    *,
    scorecard_path: Path,
    verify_key: Ed25519PublicKey | None,
    envelope_path: Path,
    unsigned_severity: Literal["warn", "error"],
) -> RuleOutcome:
    """``integrity.signature``: verify the envelope with the key, or judge the absence of either by the policy."""
    if not envelope_path.is_file():
        if verify_key is not None:
            return _outcome("integrity.signature", "fail", MESSAGES["key_no_envelope"].format(name=envelope_path.name))
        return _unsigned(MESSAGES["unsigned"].format(name=envelope_path.name), unsigned_severity)
    if verify_key is None:
        info = signature_info(scorecard_path, raw_doc, envelope_path=envelope_path) or {}
        signer = info.get("key_id")
        if signer is None or info.get("matches") is None:
            return _unsigned(MESSAGES["unreadable"].format(name=envelope_path.name), unsigned_severity)
        if not info["matches"]:
            return _outcome("integrity.signature", "fail", MESSAGES["differs_unverified"].format(key=signer))
        return _unsigned(MESSAGES["unverified"].format(key=signer), unsigned_severity)
    try:
        envelope = read_envelope(envelope_path)
    except (SchemaError, UserInputError) as exc:
        return _outcome("integrity.signature", "fail", f"envelope unreadable: {exc}")
    check = verify_envelope(envelope, verify_key, raw_doc)
    return _outcome("integrity.signature", check.status, check.message)


def data_outcome(raw_doc: Mapping[str, Any], data_dir: str | os.PathLike[str]) -> RuleOutcome:
    """``integrity.data``: re-hash every file recorded in ``identity.data`` under ``data_dir``.

    Raises
    ------
    UserInputError
        When ``data_dir`` is not a folder.
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise UserInputError(f"--data-dir '{root}' is not a folder; pass the run's data/ folder")
    identity = raw_doc.get("identity")
    recorded = identity.get("data") if isinstance(identity, Mapping) else None
    if not isinstance(recorded, Mapping) or not recorded:
        return _outcome("integrity.data", "inconclusive", "scorecard records no data hashes (identity.data); cannot check the data")
    changed: list[str] = []
    absent: list[str] = []
    base = root.resolve()
    for rel, entry in sorted(recorded.items()):
        file = (root / str(rel)).resolve()
        expected = entry.get("sha256") if isinstance(entry, Mapping) else None
        if not file.is_relative_to(base) or not file.is_file():
            absent.append(str(rel))
        elif sha256_file(file) != expected:
            changed.append(str(rel))
    problems = [f"{len(changed)} file(s) differ: {', '.join(changed)}"] if changed else []
    problems += [f"{len(absent)} recorded file(s) absent: {', '.join(absent)}"] if absent else []
    if problems:
        return _outcome("integrity.data", "fail", "data folder does not match the audited data: " + "; ".join(problems))
    return _outcome("integrity.data", "pass", f"{len(recorded)} data file(s) match the scorecard's SHA-256")


def model_outcome(raw_doc: Mapping[str, Any], model_dir: str | os.PathLike[str]) -> RuleOutcome:
    """``integrity.model``: the model folder against ``identity.model`` (see :func:`identity_outcome`)."""
    found = identity_outcome(dict(raw_doc), model_dir)
    return dataclasses.replace(found, id="integrity.model", rule_id="integrity.model", metric=_METRICS["integrity.model"])


def integrity_outcomes(
    raw_doc: Mapping[str, Any],
    card: Scorecard | None = None,
    *,
    scorecard_path: str | os.PathLike[str],
    verify_key: Ed25519PublicKey | str | os.PathLike[str] | None = None,
    envelope_path: str | os.PathLike[str] | None = None,
    model_dir: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    unsigned_severity: Literal["warn", "error"] = "warn",
) -> list[RuleOutcome]:
    """The integrity outcomes of one scorecard (see the module docstring).

    Parameters
    ----------
    raw_doc:
        The scorecard exactly as stored (what digests and signatures cover).
    card:
        Its validated model (unused today; accepted so callers pass what :func:`read_scorecard` returns).
    scorecard_path:
        Where the scorecard was read from; the default envelope sits beside it.
    verify_key:
        Public key (or a private one, or a path / ``env:VAR`` spec of either) the signature must verify with.
    envelope_path:
        The DSSE envelope; default ``<scorecard folder>/scorecard.intoto.jsonl``.
    model_dir, data_dir:
        Folders to re-hash against ``identity.model`` / ``identity.data``; no outcome when not given.
    unsigned_severity:
        What an unsigned or unverified scorecard is: ``warn`` or ``error`` (fail).

    Raises
    ------
    KeyFileError
        A bad verify key (exit 2).
    UserInputError
        A named envelope, model folder or data folder that does not exist (exit 2).
    """
    del card
    path = Path(scorecard_path)
    key = verify_key if verify_key is None or isinstance(verify_key, Ed25519PublicKey) else load_public_key(verify_key)
    if envelope_path is not None and not Path(envelope_path).is_file():
        raise UserInputError(MESSAGES["no_envelope_file"].format(name=Path(envelope_path).name, default=ENVELOPE_NAME))
    envelope = Path(envelope_path) if envelope_path is not None else path.with_name(ENVELOPE_NAME)
    outcomes = [
        content_outcome(raw_doc),
        signature_outcome(raw_doc, scorecard_path=path, verify_key=key, envelope_path=envelope, unsigned_severity=unsigned_severity),
    ]
    if model_dir is not None:
        outcomes.append(model_outcome(raw_doc, model_dir))
    if data_dir is not None:
        outcomes.append(data_outcome(raw_doc, data_dir))
    return outcomes
