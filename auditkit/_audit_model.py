"""``audit_model``: audit a model trained elsewhere, without retraining.

The model folder (any local Hugging Face sequence-classification folder with
safetensors weights) and a labelled data file become a :class:`RunConfig`, and
the pipeline runner runs the audit pipeline (:data:`auditkit.pipeline.AUDIT_STAGES`)
into a run directory: the data, scrubbed in memory, becomes the test split; the
model is copied to ``model/`` in place of training; then evaluate, fairness,
explain, privacy, report and, when a policy is given, gate — the same stages,
manifest, skip-if-unchanged and checks as ``auditkit run``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit._io import read_json
from auditkit.exceptions import DataError

__all__ = ["AuditResult", "audit_model", "default_run_dir", "positive_label_for"]


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
    policy:
        The gate's full verdict (the scorecard's ``policy`` section: rules, counts) when a policy was given.
    verdict:
        The gate's outcome, ``"pass"``, ``"fail"`` or ``"inconclusive"`` (``None`` without a policy).
    passed:
        ``True`` only when the gate passed (warnings allowed); ``False`` when it failed or was
        inconclusive; ``None`` without a policy (nothing was judged).
    exit_code:
        The gate's exit code (0 pass, 1 fail, 4 inconclusive) or ``None`` without a policy.
    stages:
        Stage name to status (``ok``, ``not_run``, ``failed``).
    """

    run_dir: Path
    scorecard_path: Path | None
    scorecard: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    verdict: str | None = None
    passed: bool | None = None
    exit_code: int | None = None
    stages: dict[str, str] = field(default_factory=dict)


def _print_status(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def default_run_dir(model_dir: str | os.PathLike[str]) -> Path:
    """Where an audit of ``model_dir`` goes when no output folder is given: ``runs/audit-<folder name>``."""
    return Path("runs") / f"audit-{Path(model_dir).resolve().name}"


def positive_label_for(labels: list[str], positive_label: str | int | None) -> str | None:
    """The positive class named by label name or class id (``'urgent'``, ``1``, ``'1'``); ``None`` stays ``None``."""
    if positive_label is None:
        return None
    name = str(positive_label)
    if name in labels:
        return name
    if name.isdigit() and int(name) < len(labels):
        return labels[int(name)]
    raise DataError(f"positive label {name!r} is neither one of the model's {len(labels)} labels "
                    f"({', '.join(labels)}) nor a class id 0..{len(labels) - 1}")


def _config(model_dir: Path, data_path: Path, run_dir: Path, opts: dict[str, Any]) -> Any:
    from auditkit.config import parse_config

    sensitive = list(opts["sensitive"])
    raw = {
        "name": run_dir.name,
        "seed": opts["seed"],
        "output_dir": str(run_dir.parent),
        "data": {"path": str(data_path), "text_column": opts["text_column"], "label_column": opts["label_column"],
                 "labels": opts["labels"], "positive_label": opts["positive_label"], "sensitive": sensitive,
                 "id_column": opts["id_column"]},
        "model": {"path": str(model_dir), "max_length": opts["max_length"], "copy_into_run": opts["copy_model"]},
        "training": {"eval_batch_size": opts["batch_size"], "device": opts["device"]},
        "fairness": {"sensitive": sensitive[0] if sensitive else None, "mitigation": "none", "compare_baseline": False,
                     "min_group_size": opts["min_group_size"], "bootstrap": opts["bootstrap"],
                     "identity_terms": opts["identity_terms"]},
        "scrub": {"enabled": opts["scrub"]},
        "explain": {"enabled": opts["explain"], "n_samples": opts["explain_samples"], "device": opts["device"]},
        "privacy": {"canaries": False, "device": opts["device"]},
        "policy": str(opts["policy"]) if opts["policy"] is not None else None,
        "report": {"sign_key": opts["sign_key"]},
        "deployment": {"variants": opts.get("variants", [])},
    }
    return parse_config(raw, source="audit_model")


def _identity_terms(spec: str | os.PathLike[str] | dict[str, list[str]] | None) -> str | dict[str, list[str]]:
    """``fairness.identity_terms``: ``{}`` (none), ``"builtin"``, an absolute lexicon path, or ``{term: [forms]}``."""
    if spec is None or isinstance(spec, dict) or str(spec) == "builtin":
        return spec or {}
    return str(Path(spec).resolve())


def _sign_key(spec: str | None) -> str | None:
    """An absolute key reference, loaded once now so a bad key fails before any stage runs."""
    from auditkit.scorecard import load_private_key

    if spec is None:
        return None
    load_private_key(spec)
    return spec if spec.startswith("env:") else os.path.abspath(spec)


def audit_model(
    model_dir: str | os.PathLike[str],
    data: str | os.PathLike[str],
    *,
    text_column: str = "text",
    label_column: str = "label",
    sensitive: str | list[str] | tuple[str, ...] = (),
    identity_terms: str | os.PathLike[str] | dict[str, list[str]] | None = None,
    id_column: str | None = None,
    positive_label: str | int | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    policy: str | os.PathLike[str] | None = None,
    scrub: bool = True,
    explain: bool = True,
    explain_samples: int = 200,
    min_group_size: int = 30,
    bootstrap: int = 1000,
    batch_size: int = 64,
    max_length: int = 128,
    device: str = "auto",
    seed: int = 13,
    sign_key: str | None = None,
    copy_model: bool = False,
    force: bool = False,
    progress: bool = False,
    echo: Callable[[str], None] | None = None,
    variants: Sequence[str] = (),
) -> AuditResult:
    """Audit an existing classifier folder on a labelled data file, through the same stages as ``auditkit run``.

    Parameters
    ----------
    model_dir:
        Local Hugging Face sequence-classification folder (safetensors weights; pickles are refused).
    data:
        CSV, JSONL or Parquet file with text, label and sensitive columns; every row is audited.
    text_column, label_column, id_column:
        Column names (ids default to row numbers).
    sensitive:
        Sensitive attribute column(s); the first is the main one. Optional with ``identity_terms``.
    identity_terms:
        Audit through the identity terms the texts mention (no demographic column needed):
        ``"builtin"`` (the shipped lexicon), a lexicon YAML file, or ``{term: [forms]}``; maps to
        ``fairness.identity_terms``. With ``sensitive`` too, the intersections are assessed as well.
    positive_label:
        Label treated as positive, by name or class id (default: the model's second label for a binary model).
        The model's labels are read through ``transformers.AutoConfig``, so a classifier saved with default
        labels audits as ``LABEL_0``, ``LABEL_1``; the data's labels may be those names or class ids.
    output_dir:
        Run directory (default :func:`default_run_dir`).
    policy:
        Gate policy (preset name or YAML path); without it the gate does not run.
    scrub:
        Scrub personal data from the texts before anything is written (default). ``False``
        writes the raw texts to the run folder, and the scorecard's privacy section says
        scrubbing was disabled by the user.
    explain, explain_samples:
        Whether to compute attributions, and on how many examples.
    min_group_size, bootstrap:
        Fairness settings: smallest group in gaps; bootstrap resamples for intervals.
    batch_size, max_length, device, seed:
        Prediction settings and the seed of every random choice.
    sign_key:
        Ed25519 private key (PEM path or ``env:VARNAME``) that signs the scorecard into
        ``scorecard.intoto.jsonl``; the gate then verifies it with the key's public half.
    copy_model:
        Copy the model folder into the run folder's ``model/``; by default ``model/`` links to
        ``model_dir`` and the scorecard binds the audited files by their SHA-256.
    force:
        Re-run every stage even when its inputs did not change.
    progress, echo:
        Show progress bars and each stage's elapsed time on stderr (on a terminal); receive one status
        line per stage (with ``progress=True`` and no ``echo`` they are printed on stderr).
    variants:
        Deployment variants to build on CPU and audit beside the model (``int8_dynamic``, ``bf16``,
        ``fp16``, ``prune_30``, ``prune_50``); maps to ``deployment.variants``.

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
    from auditkit._model_io import check_safe_folder, model_labels
    from auditkit.pipeline import AUDIT_STAGES, run_pipeline

    model = check_safe_folder(model_dir).resolve()
    labels = model_labels(model)
    names = [sensitive] if isinstance(sensitive, str) else list(sensitive)
    if not names and not identity_terms:
        raise DataError("audit_model needs a sensitive column (sensitive='gender'), identity_terms='builtin', or both")
    run_dir = (Path(output_dir) if output_dir is not None else default_run_dir(model)).resolve()
    opts = {"text_column": text_column, "label_column": label_column, "sensitive": names, "id_column": id_column,
            "identity_terms": _identity_terms(identity_terms),
            "labels": labels, "positive_label": positive_label_for(labels, positive_label), "policy": policy, "scrub": scrub, "explain": explain,
            "explain_samples": explain_samples, "min_group_size": min_group_size, "bootstrap": bootstrap,
            "batch_size": batch_size, "max_length": max_length, "device": device, "seed": seed,
            "sign_key": _sign_key(sign_key), "copy_model": copy_model, "variants": list(variants)}
    config = _config(model, Path(data).resolve(), run_dir, opts)
    stages = AUDIT_STAGES if policy is not None else tuple(s for s in AUDIT_STAGES if s != "gate")
    if progress and echo is None:
        echo = _print_status
    summary = run_pipeline(config, stages=stages, force=force, progress=progress, echo=echo)
    card_path = summary.run_dir / "scorecard.json"
    card = read_json(card_path) if card_path.is_file() else {}
    verdict = card.get("policy") if policy is not None and isinstance(card.get("policy"), dict) else None
    outcome = str(verdict["verdict"]) if verdict is not None and verdict.get("verdict") is not None else None
    return AuditResult(
        run_dir=summary.run_dir,
        scorecard_path=card_path if card_path.is_file() else None,
        scorecard=card,
        policy=verdict,
        verdict=outcome,
        passed=None if outcome is None else outcome == "pass",
        exit_code=summary.gate_exit_code if policy is not None else None,
        stages={name: str(rec.get("status")) for name, rec in summary.stages.items()},
    )
