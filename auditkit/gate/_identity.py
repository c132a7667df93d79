"""Binding a release to the audited model: recompute weight hashes and compare.

The scorecard records ``identity.model.weights`` (and, when known,
``identity.model.tokenizer`` and ``identity.model.config``) as
``{relative file name: sha256}``. :func:`identity_outcome` recomputes the SHA-256
of those files in a model folder. It fails when any recorded file differs or is
absent, or when the folder holds a weight file the scorecard does not list (a
release could otherwise ship extra weights); it is inconclusive when the
scorecard records no weight hashes at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from auditkit._io import sha256_file
from auditkit.exceptions import UserInputError
from auditkit.gate._verdict import RuleOutcome

__all__ = ["WEIGHT_SUFFIXES", "identity_outcome", "recorded_hashes"]

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".gguf", ".onnx")
_GROUPS = ("weights", "tokenizer", "config")


def recorded_hashes(scorecard: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Return ``{"weights": {...}, "tokenizer": {...}, "config": {...}}`` from ``identity.model`` (absent groups omitted)."""
    identity = scorecard.get("identity")
    model = identity.get("model") if isinstance(identity, dict) else None
    if not isinstance(model, dict):
        return {}
    out: dict[str, dict[str, str]] = {}
    for group in _GROUPS:
        hashes = model.get(group)
        if isinstance(hashes, dict):
            clean = {str(k): v.lower() for k, v in hashes.items() if isinstance(v, str)}
            if clean:
                out[group] = clean
    return out


def _find(root: Path, name: str) -> Path | None:
    candidate = root / name
    if candidate.is_file():
        return candidate
    by_base = root / Path(name).name
    return by_base if by_base.is_file() else None


def _outcome(status: str, message: str) -> RuleOutcome:
    return RuleOutcome(
        id="model_identity",
        rule_id="model_identity",
        metric="identity.model",
        op="==",
        threshold=1.0,
        judge="value",
        severity="error",
        reason="the released weights must be the audited weights",
        observed=1.0 if status == "pass" else (0.0 if status == "fail" else None),
        status=status,  # type: ignore[arg-type]
        message=message,
    )


def identity_outcome(scorecard: dict[str, Any], model_dir: str | os.PathLike[str]) -> RuleOutcome:
    """Compare the files in ``model_dir`` with the hashes the scorecard recorded.

    Raises
    ------
    UserInputError
        When ``model_dir`` is not a folder.
    """
    root = Path(model_dir)
    if not root.is_dir():
        raise UserInputError(f"--model-dir '{root}' is not a folder; pass the model folder that is being released")
    recorded = recorded_hashes(scorecard)
    if not recorded.get("weights"):
        return _outcome("inconclusive", "scorecard records no weight hashes (identity.model.weights); cannot bind the release")
    mismatched: list[str] = []
    missing: list[str] = []
    checked = 0
    for group in _GROUPS:
        for name, expected in sorted(recorded.get(group, {}).items()):
            found = _find(root, name)
            if found is None:
                missing.append(name)
                continue
            checked += 1
            if sha256_file(found) != expected:
                mismatched.append(name)
    listed = {Path(n).name for n in recorded["weights"]} | set(recorded["weights"])
    unlisted = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in WEIGHT_SUFFIXES and p.relative_to(root).as_posix() not in listed and p.name not in listed
    )
    problems = [f"{len(mismatched)} file(s) differ: {', '.join(mismatched)}"] if mismatched else []
    problems += [f"{len(missing)} recorded file(s) absent: {', '.join(missing)}"] if missing else []
    problems += [f"{len(unlisted)} unrecorded weight file(s): {', '.join(unlisted)}"] if unlisted else []
    if problems:
        return _outcome("fail", "model folder does not match the audited model: " + "; ".join(problems))
    return _outcome("pass", f"{checked} file(s) match the scorecard's SHA-256")
