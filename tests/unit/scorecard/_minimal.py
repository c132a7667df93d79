"""A minimal valid scorecard (built here, not through ``auditkit.report``) with real data files behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditkit._io import sha256_file
from auditkit.scorecard import write_scorecard

SPLITS = {"train.jsonl": b'{"id": 1, "label": 0}\n{"id": 2, "label": 1}\n', "test.jsonl": b'{"id": 3, "label": 1}\n'}


def _not_run(reason: str = "not part of this fixture") -> dict[str, Any]:
    return {"status": "not_run", "reason": reason}


def _metric(value: float, lo: float, hi: float) -> dict[str, Any]:
    return {"value": value, "ci_low": lo, "ci_high": hi, "reason": None}


def make_data_dir(root: Path) -> Path:
    """A ``data/`` folder with two small splits."""
    folder = root / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in SPLITS.items():
        (folder / name).write_bytes(content)
    return folder


def minimal_document(data_dir: Path | None = None) -> dict[str, Any]:
    """Every required section; fairness and performance carry a few numbers to tamper with."""
    data = {name: {"sha256": sha256_file(data_dir / name), "rows": None} for name in SPLITS} if data_dir else {}
    return {
        "schema_version": "2.0",
        "generated_at": "2026-01-01T00:00:00Z",
        "identity": {
            "status": "ok",
            "model": {"name": "tiny", "weights": {"model.safetensors": "a" * 64}, "tokenizer": {}, "config": {}},
            "data": data,
            "config_sha256": "c" * 64,
        },
        "config": {"status": "ok"},
        "performance": {"status": "ok", "model": {"n": 250, "accuracy": _metric(0.9, 0.87, 0.93)}},
        "privacy": _not_run(),
        "fairness": {
            "status": "ok",
            "declared": ["gender"],
            "attributes": {"gender": {"equal_opportunity_difference": _metric(0.04, 0.01, 0.07)}},
        },
        "explanations": _not_run(),
        "compute": _not_run(),
        "policy": _not_run("gate has not run"),
        "compliance": _not_run(),
        "environment": _not_run(),
    }


def write_run(root: Path, *, with_data: bool = True) -> Path:
    """A run folder holding ``scorecard.json`` (sealed) and, optionally, its ``data/``; returns the scorecard path."""
    data_dir = make_data_dir(root) if with_data else None
    path = root / "scorecard.json"
    write_scorecard(minimal_document(data_dir), path)
    return path
