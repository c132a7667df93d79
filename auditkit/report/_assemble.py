"""Assembling ``scorecard.json`` from the files a run left in its run directory.

Each section comes from one stage's output file (see docs/architecture.md).
A missing file means the stage did not run and the section says so, with a
reason; a stage the manifest records as failed, or a file that is not valid
JSON, makes the section ``failed``. Nothing is ever filled in or guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from auditkit.exceptions import DataError
from auditkit.report._compliance import compliance_section
from auditkit.report._energy import energy_totals
from auditkit.report._identity import card_metadata, data_identity, environment_section, model_identity
from auditkit._io import sha256_file
from auditkit.scorecard import SCHEMA_VERSION

__all__ = ["SECTION_SOURCES", "assemble_scorecard"]

# section -> (file relative to the run dir, stage names recorded in the manifest)
SECTION_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "performance": ("evaluation.json", ("evaluate",)),
    "fairness": ("fairness.json", ("fairness", "evaluate")),
    "explanations": ("explain/result.json", ("explain",)),
    "privacy": ("privacy.json", ("privacy",)),
    "policy": ("gate/verdict.json", ("gate",)),
    "robustness": ("robustness.json", ("robustness",)),
    "deployment": ("deployment.json", ("deployment",)),
}
_SCRUB_FILE = "scrub/summary.json"
_COMPARISON = ("comparison.json", ("compare",))  # becomes fairness.comparison
_STAGE_DROP = frozenset({"outputs", "inputs", "input_key", "key", "result", "summary"})
_ENERGY_KEYS = ("energy_kwh", "emissions_kg_co2eq", "co2_kg")
_LIFTED = ("device", *_ENERGY_KEYS)


def _read(path: Path) -> tuple[Any, str | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (UnicodeDecodeError, json.JSONDecodeError, OSError):
        return None, f"{path.name} could not be read as JSON"


def _stage_records(manifest: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(manifest, Mapping):
        return {}
    stages = manifest.get("stages", manifest)
    if isinstance(stages, list):
        return {str(s.get("name")): s for s in stages if isinstance(s, Mapping) and s.get("name")}
    if isinstance(stages, Mapping):
        return {str(k): v for k, v in stages.items() if isinstance(v, Mapping)}
    return {}


def _failed_stage(records: Mapping[str, Mapping[str, Any]], names: tuple[str, ...]) -> str | None:
    for name in names:
        record = records.get(name, {})
        if record.get("status") == "failed":
            reason = record.get("reason") or record.get("error")
            return f"stage '{name}' failed" + (f": {reason}" if isinstance(reason, str) else "")
    return None


def _file_section(run_dir: Path, rel: str, stages: tuple[str, ...], records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    failed = _failed_stage(records, stages[:1])
    path = run_dir / rel
    if not path.is_file():
        if failed:
            return {"status": "failed", "reason": failed}
        why = records.get(stages[0], {}).get("reason") if records.get(stages[0], {}).get("status") == "not_run" else None
        return {"status": "not_run", "reason": f"{rel} not found: stage '{stages[0]}' did not run"
                + (f" ({why})" if isinstance(why, str) and why else "")}
    content, error = _read(path)
    if error or not isinstance(content, Mapping):
        return {"status": "failed", "reason": error or f"{rel} does not hold a JSON object"}
    section = dict(content)
    status = section.get("status")
    if status not in ("ok", "not_run", "failed"):
        section["status"] = "failed" if failed else "ok"
    if section["status"] != "ok" and not section.get("reason"):
        section["reason"] = failed or f"stage '{stages[0]}' reported status {section['status']}"
    return section


def _privacy(run_dir: Path, records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    privacy = _file_section(run_dir, *SECTION_SOURCES["privacy"], records)
    scrub = _file_section(run_dir, _SCRUB_FILE, ("scrub",), records)
    if "scrub" not in privacy or not isinstance(privacy.get("scrub"), Mapping):
        privacy["scrub"] = scrub
    if privacy["status"] == "not_run" and scrub["status"] == "ok":
        privacy = {"status": "ok", "scrub": scrub, "audit": {"status": "not_run", "reason": privacy["reason"]}}
    return privacy


def _base_model_dir(run_dir: Path) -> Path | None:
    """The model folder the run started from (``model.path`` in its config), when it is on this machine."""
    config, _ = _read(run_dir / "config.json") if (run_dir / "config.json").is_file() else (None, None)
    model = config.get("model") if isinstance(config, Mapping) else None
    path = model.get("path") if isinstance(model, Mapping) else None
    return Path(path) if isinstance(path, str) and Path(path).is_dir() else None


def _identity(run_dir: Path, records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    model_dir = run_dir / "model"
    if not model_dir.is_dir():
        failed = _failed_stage(records, ("train",))
        status = "failed" if failed else "not_run"
        return {"status": status, "reason": failed or "model/ not found: no model in this run directory"}
    identity: dict[str, Any] = {"status": "ok", "model": model_identity(model_dir)}
    card = card_metadata(model_dir, _base_model_dir(run_dir))
    if card:
        identity["model"]["card"] = card
    if (run_dir / "baseline_model").is_dir():
        identity["baseline_model"] = model_identity(run_dir / "baseline_model")
    identity["data"] = data_identity(run_dir / "data") if (run_dir / "data").is_dir() else {}
    if (run_dir / "config.json").is_file():
        identity["config_sha256"] = sha256_file(run_dir / "config.json")
    return identity


def _config(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "config.json"
    if not path.is_file():
        return {"status": "not_run", "reason": "config.json not found in the run directory"}
    content, error = _read(path)
    if error or not isinstance(content, Mapping):
        return {"status": "failed", "reason": error or "config.json does not hold a JSON object"}
    return {"status": "ok", "values": dict(content)}


def _lift(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stage record without hashes and summaries, plus device/energy found in its summary."""
    out = {k: v for k, v in record.items() if k not in _STAGE_DROP}
    summary = record.get("summary")
    places = [summary, *(summary.values() if isinstance(summary, Mapping) else ())]
    for place in places:
        if not isinstance(place, Mapping):
            continue
        for key in _LIFTED:
            value = place.get(key)
            if key not in out and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                out[key] = value
    return out


def _compute(manifest: Any, records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    if not records:
        return {"status": "not_run", "reason": "manifest.json not found or has no stage records"}
    stages = {name: _lift(rec) for name, rec in records.items()}
    seconds = [rec.get("seconds") for rec in records.values()]
    section: dict[str, Any] = {
        "status": "ok",
        "stages": stages,
        "total_seconds": round(sum(s for s in seconds if isinstance(s, (int, float))), 3),
    }
    if isinstance(manifest, Mapping):
        for key in ("device", "device_name", "accelerator"):
            if isinstance(manifest.get(key), str):
                section[key] = manifest[key]
    if "device" not in section:
        devices = sorted({str(rec["device"]) for rec in stages.values() if isinstance(rec.get("device"), str)})
        if devices:
            section["device"] = ", ".join(devices)
    section.update(energy_totals(stages))
    return section


def assemble_scorecard(run_dir: str | Path, *, now: datetime | None = None) -> dict[str, Any]:
    """Build the scorecard document from the stage outputs in ``run_dir``.

    Parameters
    ----------
    run_dir:
        A run directory (``runs/<name>/``).
    now:
        Generation time (UTC); defaults to the current time. Tests pass a fixed one.

    Returns
    -------
    dict
        A document that :func:`auditkit.scorecard.write_scorecard` validates and seals.

    Raises
    ------
    DataError
        When ``run_dir`` is not a folder.
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise DataError(f"run directory not found: {root}; pass the folder that 'auditkit run' wrote")
    manifest, _ = _read(root / "manifest.json") if (root / "manifest.json").is_file() else (None, None)
    records = _stage_records(manifest)
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds"),
        "identity": _identity(root, records),
        "config": _config(root),
        "privacy": _privacy(root, records),
        "compute": _compute(manifest, records),
        "environment": environment_section(root),
    }
    for name in ("performance", "fairness", "explanations", "policy", "robustness", "deployment"):
        doc[name] = _file_section(root, *SECTION_SOURCES[name], records)
    if doc["fairness"]["status"] == "ok":
        doc["fairness"]["comparison"] = _file_section(root, *_COMPARISON, records)
    device = doc["explanations"].get("device")
    if doc["compute"]["status"] == "ok" and "device" not in doc["compute"] and isinstance(device, str):
        doc["compute"]["device"] = device
    doc["compliance"] = compliance_section(doc)
    return doc
