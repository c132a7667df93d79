"""The run manifest: per-stage input keys, output hashes, timings and status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json, read_json, sha256_bytes, sha256_dir, sha256_file

__all__ = ["MANIFEST", "hash_output", "load_manifest", "save_manifest", "stage_key"]

MANIFEST = "manifest.json"
_VERSION = 1


def load_manifest(run_dir: Path) -> dict[str, Any]:
    """Read ``manifest.json`` or return an empty one."""
    path = run_dir / MANIFEST
    if path.is_file():
        try:
            data = read_json(path)
            if isinstance(data, dict) and data.get("version") == _VERSION:
                return data
        except (OSError, json.JSONDecodeError):
            pass
    return {"version": _VERSION, "stages": {}}


def save_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` atomically."""
    atomic_write_json(run_dir / MANIFEST, manifest)


def hash_output(path: Path) -> str | None:
    """SHA-256 of a file, or of the sorted (name, hash) list of a folder; ``None`` if absent."""
    if path.is_file():
        return sha256_file(path)
    if path.is_dir():
        return sha256_bytes(json.dumps(sha256_dir(path), sort_keys=True).encode())
    return None


def stage_key(name: str, config_parts: dict[str, Any], inputs: dict[str, str], upstream: dict[str, Any]) -> str:
    """Hash of everything that determines a stage's result."""
    payload = {"stage": name, "config": config_parts, "inputs": inputs, "upstream": upstream}
    return sha256_bytes(json.dumps(payload, sort_keys=True, default=str).encode())
