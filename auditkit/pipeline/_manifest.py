"""The run manifest: per-stage input keys, output hashes, timings, status and the precision each stage ran in.

``precision`` (a stage record's key, when the stage ran a model) is what the
stage's matrix products and attention kernels actually ran in, read back from
the running model by :func:`auditkit._precision.observe_precision`: Linear calls
by output dtype and by active autocast dtype, attention calls by kernel. The
scorecard's ``compute.stages.<stage>.precision`` is this record.
"""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from auditkit._io import atomic_write_json, read_json, sha256_bytes, sha256_dir, sha256_file

__all__ = ["MANIFEST", "PRECISION", "add_precision", "hash_output", "load_manifest", "save_manifest", "stage_key"]

MANIFEST = "manifest.json"
_VERSION = 1
PRECISION = "precision"


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


def add_precision(record: dict[str, Any], observed: Any) -> None:
    """Put ``observed`` (an :class:`~auditkit._precision.ObservedPrecision`) under the record's ``precision``.

    A stage that ran no Linear layer (data preparation, the report) gets no precision record.
    """
    if observed.ran:
        record[PRECISION] = observed.to_json()


def _lift_precision(record: Any) -> None:
    """A stage whose summary reports its precision (``train`` does) gets it at the record's top level."""
    if not isinstance(record, dict) or PRECISION in record:
        return
    summary = record.get("summary")
    found = summary.get(PRECISION) if isinstance(summary, Mapping) else None
    if isinstance(found, Mapping) and "matmul_dtype" in found:
        record[PRECISION] = dict(found)


def save_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` atomically (stage summaries' precision records lifted to the stage record)."""
    for record in manifest.get("stages", {}).values():
        _lift_precision(record)
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
