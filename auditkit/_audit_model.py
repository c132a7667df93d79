"""``audit_model``: audit a model trained elsewhere, without retraining.

The model folder (any local Hugging Face sequence-classification folder with
safetensors weights) and a labelled data file become a run directory: the data
is validated and written as the test split, the model is copied to ``model/``
(so the scorecard binds its hashes), and the pipeline runs its audit stages —
evaluate, fairness, explain, report and, when a policy is given, gate — with
the prepare and train stages recorded as done elsewhere. The result names the
run directory, the scorecard and the gate verdict.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit._io import atomic_dir, read_json
from auditkit._logging import get_logger
from auditkit.exceptions import DataError

__all__ = ["AuditResult", "audit_model"]

_log = get_logger(__name__)
AUDIT_STAGES = ("evaluate", "fairness", "explain", "report", "gate")


@dataclass(frozen=True)
class AuditResult:
    """What :func:`audit_model` produced.

    Attributes
    ----------
    run_dir:
        The run directory holding every artifact.
    scorecard_path:
        ``run_dir / "scorecard.json"`` (``None`` when the report stage did not run).
    scorecard:
        The scorecard document.
    verdict:
        The gate's verdict (the scorecard's ``policy`` section) when a policy was given.
    exit_code:
        The gate's exit code (0 pass, 1 fail, 4 inconclusive) or ``None`` without a policy.
    stages:
        Stage name to status (``ok``, ``not_run``, ``failed``).
    """

    run_dir: Path
    scorecard_path: Path | None
    scorecard: dict[str, Any] = field(default_factory=dict)
    verdict: dict[str, Any] | None = None
    exit_code: int | None = None
    stages: dict[str, str] = field(default_factory=dict)


def _model_labels(model_dir: Path) -> list[str]:
    config = model_dir / "config.json"
    if not config.is_file():
        raise DataError(f"{model_dir.name}/config.json not found; give a Hugging Face sequence-classification folder")
    raw = json.loads(config.read_text(encoding="utf-8"))
    id2label = raw.get("id2label") if isinstance(raw, dict) else None
    if not isinstance(id2label, dict) or len(id2label) < 2:
        raise DataError(f"{model_dir.name}/config.json has no id2label with two or more labels; it is not a classifier folder")
    return [str(id2label[k]) for k in sorted(id2label, key=int)]


def _align_labels(frame: Any, labels: list[str], column: str) -> Any:
    """Map label ids written as numbers (``0``, ``1``) to the model's names when the names differ."""
    values = set(frame["label"].unique())
    if values <= set(labels):
        return frame
    if all(re.fullmatch(r"\d+", v) and int(v) < len(labels) for v in values):
        frame = frame.copy()
        frame["label"] = frame["label"].map(lambda v: labels[int(v)])
        return frame
    unknown = len(values - set(labels))
    raise DataError(
        f"column {column!r} holds {unknown} label value(s) the model does not know; expected the model's "
        f"{len(labels)} labels ({', '.join(labels)}) or class ids 0..{len(labels) - 1}"
    )


def _copy_model(model_dir: Path, target: Path) -> None:
    from auditkit._io import sha256_dir

    if target.is_dir() and sha256_dir(target) == sha256_dir(model_dir):
        return
    with atomic_dir(target) as tmp:
        for item in sorted(model_dir.iterdir()):
            if item.is_file() and not item.name.startswith("."):
                shutil.copy2(item, tmp / item.name)


def _config(model_dir: Path, data_path: Path, run_dir: Path, labels: list[str], opts: dict[str, Any]) -> Any:
    from auditkit.config import parse_config

    sensitive = list(opts["sensitive"])
    raw = {
        "name": run_dir.name,
        "seed": opts["seed"],
        "output_dir": str(run_dir.parent),
        "data": {"path": str(data_path), "text_column": opts["text_column"], "label_column": opts["label_column"],
                 "labels": labels, "positive_label": opts["positive_label"], "sensitive": sensitive, "id_column": opts["id_column"]},
        "model": {"path": str(model_dir), "max_length": opts["max_length"]},
        "training": {"eval_batch_size": opts["batch_size"], "device": opts["device"]},
        "fairness": {"sensitive": sensitive[0], "mitigation": "none", "compare_baseline": False,
                     "min_group_size": opts["min_group_size"], "bootstrap": opts["bootstrap"]},
        "scrub": {"enabled": False},
        "explain": {"enabled": opts["explain"], "n_samples": opts["explain_samples"], "device": opts["device"]},
        "privacy": {"enabled": False},
        "policy": str(opts["policy"]) if opts["policy"] is not None else None,
    }
    return parse_config(raw, source="audit_model")


_PREVIOUS_OUTPUTS = ("predictions.parquet", "baseline_predictions.parquet", "evaluation.json", "fairness.json", "explain",
                     "privacy.json", "scorecard.json", "scorecard.html", "model_card.md", "gate")


def _clear_previous(run_dir: Path) -> None:
    """Remove outputs of an earlier audit in ``run_dir`` so a stage that does not run now cannot leave stale results."""
    for rel in _PREVIOUS_OUTPUTS:
        path = run_dir / rel
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _prepare(config: Any, run_dir: Path, model_dir: Path, labels: list[str], frame: Any) -> None:
    from auditkit.data import AuditDataset
    from auditkit.pipeline._manifest import hash_output, load_manifest, save_manifest
    from auditkit.pipeline._stage import StageContext
    from auditkit.pipeline._stages._common import write_dataset

    ctx = StageContext(config=config, run_dir=run_dir, progress=False)
    _clear_previous(run_dir)
    data = config.data
    positive = data.positive_label or (labels[-1] if len(labels) == 2 else None)
    write_dataset(ctx, AuditDataset(frame.reset_index(drop=True), tuple(labels), tuple(data.sensitive), positive))
    _copy_model(model_dir, run_dir / "model")
    manifest = load_manifest(run_dir)
    outputs = {rel: hash_output(run_dir / rel) for rel in ("data/test.jsonl", "data/meta.json")}
    manifest["stages"]["prepare"] = {"status": "ok", "outputs": outputs, "summary": {"rows": len(frame), "splits": {"test": len(frame)}}}
    manifest["stages"]["train"] = {"status": "not_run", "reason": "model trained elsewhere; audited as given",
                                   "outputs": {"model": hash_output(run_dir / "model")}}
    save_manifest(run_dir, manifest)


def audit_model(
    model_dir: str | os.PathLike[str],
    data: str | os.PathLike[str],
    *,
    text_column: str = "text",
    label_column: str = "label",
    sensitive: str | list[str] | tuple[str, ...],
    id_column: str | None = None,
    positive_label: str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    policy: str | os.PathLike[str] | None = None,
    explain: bool = True,
    explain_samples: int = 200,
    min_group_size: int = 30,
    bootstrap: int = 1000,
    batch_size: int = 64,
    max_length: int = 128,
    device: str = "auto",
    seed: int = 13,
    progress: bool = False,
) -> AuditResult:
    """Audit an existing classifier folder on a labelled data file: predictions, fairness, explanations, report, gate.

    Parameters
    ----------
    model_dir:
        Local Hugging Face sequence-classification folder (safetensors weights; pickles are refused).
    data:
        CSV, JSONL or Parquet file with text, label and sensitive columns; every row is audited.
    text_column, label_column, id_column:
        Column names (ids default to row numbers).
    sensitive:
        Sensitive attribute column(s); the first is the main one.
    positive_label:
        Label treated as positive (default: the model's second label for a binary model).
    output_dir:
        Run directory (default ``runs/audit-<model folder name>``).
    policy:
        Gate policy (preset name or YAML path); without it the gate does not run.
    explain, explain_samples:
        Whether to compute attributions, and on how many examples.
    min_group_size, bootstrap:
        Fairness settings: smallest group in gaps; bootstrap resamples for intervals.
    batch_size, max_length, device, seed:
        Prediction settings and the seed of every random choice.
    progress:
        Show progress bars.

    Returns
    -------
    AuditResult

    Raises
    ------
    DataError
        Missing model or data file, missing columns, labels the model does not know.
    UnsafeArtifactError
        The model folder holds pickle files.
    """
    from auditkit._model_io import check_safe_folder
    from auditkit.config import DataConfig
    from auditkit.data import load_table, validate_frame
    from auditkit.pipeline import run_pipeline

    model = check_safe_folder(model_dir).resolve()
    data_path = Path(data).resolve()
    names = [sensitive] if isinstance(sensitive, str) else list(sensitive)
    if not names:
        raise DataError("audit_model needs at least one sensitive column (sensitive='gender')")
    labels = _model_labels(model)
    cfg = DataConfig(path=data_path, text_column=text_column, label_column=label_column, sensitive=names, id_column=id_column)
    frame = _align_labels(validate_frame(load_table(data_path), cfg, file=data_path.name), labels, label_column)
    frame["split"] = "test"
    run_dir = Path(output_dir) if output_dir is not None else Path("runs") / f"audit-{model.name}"
    opts = {"text_column": text_column, "label_column": label_column, "sensitive": names, "id_column": id_column,
            "positive_label": positive_label, "policy": policy, "explain": explain, "explain_samples": explain_samples,
            "min_group_size": min_group_size, "bootstrap": bootstrap, "batch_size": batch_size, "max_length": max_length,
            "device": device, "seed": seed}
    config = _config(model, data_path, run_dir.resolve(), labels, opts)
    run_dir = Path(config.output_dir) / config.name
    _prepare(config, run_dir, model, labels, frame)
    stages = tuple(s for s in AUDIT_STAGES if s != "gate" or policy is not None)
    summary = run_pipeline(config, force=True, only=stages, progress=progress)
    card_path = run_dir / "scorecard.json"
    card = read_json(card_path) if card_path.is_file() else {}
    verdict = card.get("policy") if policy is not None and isinstance(card.get("policy"), dict) else None
    _log.info("audited %d rows with %d stage(s)", len(frame), len(stages))
    return AuditResult(
        run_dir=run_dir,
        scorecard_path=card_path if card_path.is_file() else None,
        scorecard=card,
        verdict=verdict,
        exit_code=summary.gate_exit_code if policy is not None else None,
        stages={name: str(rec.get("status")) for name, rec in summary.stages.items()},
    )
