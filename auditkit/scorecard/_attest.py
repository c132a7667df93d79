"""Signed scorecards: an in-toto Statement in a DSSE envelope, signed with Ed25519.

The Statement's subjects are the audited files by SHA-256 (``model/<file>`` for the
weights, ``data/<file>`` for every data split, ``config.json``), taken from the
scorecard's ``identity`` section; its predicate is the scorecard's evidence (the
document minus the derived ``integrity`` and ``policy`` sections). The signature
covers the DSSE pre-authentication encoding of the payload, so a verifier with
the public key can tell that the evidence is exactly what the key holder signed,
and :func:`verify_envelope` names the dotted paths that changed when it is not.
The envelope is one JSON line in ``scorecard.intoto.jsonl`` beside the scorecard.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditkit._io import atomic_write_text
from auditkit.exceptions import SchemaError, UserInputError
from auditkit.scorecard._canonical import canonical_bytes, changed_paths, content_digest, evidence, section_digests
from auditkit.scorecard._keys import key_id

__all__ = [
    "ENVELOPE_NAME",
    "PAYLOAD_TYPE",
    "PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "AttestationCheck",
    "attest_run",
    "pae",
    "read_envelope",
    "sign_scorecard",
    "signature_info",
    "statement",
    "verify_envelope",
    "write_envelope",
]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://auditkit.dev/scorecard/v2"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
ENVELOPE_NAME = "scorecard.intoto.jsonl"
_MAX_ENVELOPE_BYTES = 256 * 1024 * 1024


# --- statement and envelope -------------------------------------------------------------------


def statement(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The in-toto Statement v1 for a scorecard: audited files as subjects, evidence as predicate."""
    identity = doc.get("identity")
    identity = identity if isinstance(identity, Mapping) else {}
    model = identity.get("model") if isinstance(identity.get("model"), Mapping) else {}
    weights = model.get("weights") if isinstance(model.get("weights"), Mapping) else {}
    data = identity.get("data") if isinstance(identity.get("data"), Mapping) else {}
    subjects = [{"name": f"model/{rel}", "digest": {"sha256": digest}} for rel, digest in sorted(weights.items())]
    subjects += [
        {"name": f"data/{rel}", "digest": {"sha256": entry["sha256"]}}
        for rel, entry in sorted(data.items())
        if isinstance(entry, Mapping) and isinstance(entry.get("sha256"), str)
    ]
    if isinstance(identity.get("config_sha256"), str):
        subjects.append({"name": "config.json", "digest": {"sha256": identity["config_sha256"]}})
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": PREDICATE_TYPE, "predicate": evidence(doc)}


def pae(payload_type: str, body: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: ``DSSEv1 <len(type)> <type> <len(body)> <body>``."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def sign_scorecard(doc: Mapping[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """Sign the scorecard's Statement; returns the DSSE envelope (a JSON-ready dict)."""
    body = canonical_bytes(statement(doc))
    signature = private_key.sign(pae(PAYLOAD_TYPE, body))
    return {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(body).decode("ascii"),
        "signatures": [{"keyid": key_id(private_key.public_key()), "sig": base64.b64encode(signature).decode("ascii")}],
    }


def write_envelope(envelope: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``envelope`` atomically as one JSON line (``scorecard.intoto.jsonl``)."""
    return atomic_write_text(path, json.dumps(envelope, sort_keys=True, separators=(",", ":")) + "\n")


def read_envelope(path: str | os.PathLike[str]) -> Any:
    """Read the one envelope in a ``.intoto.jsonl`` file (parsed JSON, not yet checked).

    Raises
    ------
    UserInputError
        The file does not exist or cannot be read.
    SchemaError
        It is not one line of JSON.
    """
    file = Path(path)
    try:
        if not file.is_file():
            raise UserInputError(f"envelope '{file.name}' not found; sign the run with 'auditkit attest RUN_DIR --key KEY'")
        if file.stat().st_size > _MAX_ENVELOPE_BYTES:
            raise SchemaError(f"{file.name}: larger than any scorecard envelope; it is not one")
        lines = [line for line in file.read_bytes().splitlines() if line.strip()]
    except OSError as exc:
        raise UserInputError(f"cannot read envelope '{file.name}' ({exc.strerror or type(exc).__name__})") from None
    if len(lines) != 1:
        raise SchemaError(f"{file.name}: expected exactly one envelope line, found {len(lines)}")
    try:
        return json.loads(lines[0])
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SchemaError(f"{file.name}: not a JSON line; re-sign the run with 'auditkit attest'") from None


# --- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttestationCheck:
    """The result of checking a signed scorecard.

    Attributes
    ----------
    status:
        ``pass`` or ``fail``.
    message:
        One line: who signed, or what is wrong (and at which paths the scorecard changed).
    key_id:
        Id of the key that signed (the envelope's claim when the signature does not verify).
    changed:
        Dotted paths where the current scorecard differs from what was signed.
    """

    status: Literal["pass", "fail"]
    message: str
    key_id: str | None = None
    changed: list[str] = field(default_factory=list)


def _b64(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        try:
            return base64.urlsafe_b64decode(value.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return None


def _parts(envelope: Any) -> tuple[bytes, list[tuple[str | None, bytes]]] | str:
    """The payload and ``(keyid, signature)`` pairs of an envelope, or why it is not a DSSE envelope."""
    if not isinstance(envelope, Mapping):
        return "not a DSSE envelope (expected a JSON object)"
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        return f"envelope payloadType is not '{PAYLOAD_TYPE}'"
    body = _b64(envelope.get("payload"))
    signatures = envelope.get("signatures")
    if body is None or not isinstance(signatures, list) or not signatures:
        return "not a DSSE envelope (payload must be base64 and signatures a non-empty list)"
    pairs: list[tuple[str | None, bytes]] = []
    for entry in signatures:
        sig = _b64(entry.get("sig")) if isinstance(entry, Mapping) else None
        if sig is not None:
            keyid = entry.get("keyid")
            pairs.append((keyid if isinstance(keyid, str) else None, sig))
    return (body, pairs) if pairs else "envelope holds no readable signature"


def _statement_from(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not (isinstance(payload, dict) and payload.get("_type") == STATEMENT_TYPE and payload.get("predicateType") == PREDICATE_TYPE):
        return None
    predicate = payload.get("predicate")
    if not isinstance(predicate, dict) or not isinstance(payload.get("subject"), list):
        return None
    return payload if payload["subject"] == statement(predicate)["subject"] else None


def _verified_by(pairs: list[tuple[str | None, bytes]], body: bytes, public_key: Ed25519PublicKey) -> bool:
    message = pae(PAYLOAD_TYPE, body)
    for _, sig in pairs:
        try:
            public_key.verify(sig, message)
        except InvalidSignature:
            continue
        return True
    return False


def verify_envelope(envelope: Any, public_key: Ed25519PublicKey, doc: Mapping[str, Any]) -> AttestationCheck:
    """Check that ``envelope`` is ``public_key``'s signature over exactly ``doc``'s evidence.

    Fails when the envelope is malformed, the signature does not verify with
    ``public_key`` (naming the key that did sign when the key ids differ), the payload
    is not an auditkit scorecard Statement, or the signed evidence differs from
    ``doc``'s (naming the changed paths).
    """
    expected = key_id(public_key)
    parts = _parts(envelope)
    if isinstance(parts, str):
        return AttestationCheck("fail", parts)
    body, pairs = parts
    claimed = next((kid for kid, _ in pairs if kid), None)
    if not _verified_by(pairs, body, public_key):
        if claimed is not None and all(kid != expected for kid, _ in pairs):
            return AttestationCheck("fail", f"signed by key {claimed}, not by {expected}", key_id=claimed)
        return AttestationCheck("fail", f"signature does not verify with key {expected}: the envelope was altered", key_id=claimed)
    signed = _statement_from(body)
    if signed is None:
        return AttestationCheck("fail", "signed payload is not an auditkit scorecard statement (in-toto v1)", key_id=expected)
    if canonical_bytes(signed["predicate"]) != canonical_bytes(evidence(doc)):
        changed = changed_paths(signed["predicate"], doc)
        where = ", ".join(changed) or "<unknown>"
        return AttestationCheck("fail", f"scorecard differs from what was signed at {where}", key_id=expected, changed=changed)
    return AttestationCheck("pass", f"signed by key {expected}; the scorecard is what was signed", key_id=expected)


def signature_info(
    scorecard_path: str | os.PathLike[str],
    doc: Mapping[str, Any] | None = None,
    *,
    envelope_path: str | os.PathLike[str] | None = None,
) -> dict[str, Any] | None:
    """What the envelope beside a scorecard claims, without a key (for the HTML and model card).

    Returns ``None`` when there is no envelope, else ``{"key_id", "envelope",
    "matches", "verified": False}`` where ``matches`` says whether the signed
    predicate equals the scorecard's current evidence (``doc`` when given, else
    the file), ``None`` when the payload cannot be read as a scorecard statement.
    An envelope that cannot be read at all gives ``key_id: None``. Nothing is
    verified (that needs the public key); never raises for a bad envelope.
    """
    scorecard = Path(scorecard_path)
    path = Path(envelope_path) if envelope_path is not None else scorecard.with_name(ENVELOPE_NAME)
    if not path.is_file():
        return None
    info: dict[str, Any] = {"key_id": None, "envelope": path.name, "matches": False, "verified": False}
    try:
        parts = _parts(read_envelope(path))
        current = doc if doc is not None else json.loads(scorecard.read_text(encoding="utf-8"))
    except (UserInputError, OSError, UnicodeDecodeError, json.JSONDecodeError):
        return info
    if isinstance(parts, str):
        return info
    body, pairs = parts
    info["key_id"] = next((kid for kid, _ in pairs if kid), None)
    signed = _statement_from(body)
    if signed is None or not isinstance(current, Mapping):
        info["matches"] = None  # nothing readable to compare
        return info
    try:
        info["matches"] = canonical_bytes(signed["predicate"]) == canonical_bytes(evidence(current))
    except ValueError:
        info["matches"] = False
    return info


def attest_run(scorecard_path: str | os.PathLike[str], private_key: Ed25519PrivateKey) -> tuple[Path, str]:
    """Sign ``scorecard.json`` into ``scorecard.intoto.jsonl`` beside it; returns the envelope path and key id.

    The scorecard must be intact (its content digest matches its ``integrity``
    section): signing a hand-edited scorecard would launder the edit.

    Raises
    ------
    UserInputError
        Missing or invalid scorecard, or one whose content no longer matches its digest.
    """
    from auditkit.scorecard._io import read_scorecard

    raw, _ = read_scorecard(scorecard_path)
    recorded = raw.get("integrity") if isinstance(raw.get("integrity"), Mapping) else {}
    try:
        current, sections = content_digest(raw), section_digests(raw)
    except ValueError:
        current, sections = "", {}
    if recorded.get("content_sha256") != current:
        old = recorded.get("sections") if isinstance(recorded.get("sections"), Mapping) else {}
        edited = sorted(k for k, v in sections.items() if old.get(k) != v) or ["integrity"]
        raise UserInputError(
            f"{Path(scorecard_path).name} was changed after auditkit wrote it (sections: {', '.join(edited)}); "
            "re-run the audit instead of signing an edited scorecard"
        )
    envelope = sign_scorecard(raw, private_key)
    path = write_envelope(envelope, Path(scorecard_path).with_name(ENVELOPE_NAME))
    return path, key_id(private_key.public_key())
