"""Stage ``privacy``: membership inference, artifact checks and the canary sweep -> ``privacy.json``.

Runs late (after explain) so the sweep covers the model, checkpoints, logs,
predictions and attributions; ``auditkit sweep RUN_DIR`` repeats the sweep after
the report and gate stages have written their files. ``auditkit run`` sweeps for
the canaries it planted; ``auditkit audit`` plants none in the user's data and
sweeps for the identifiers its scrubber found there instead (``canary_sweep.source``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from auditkit._io import read_json
from auditkit._model_io import check_safe_folder
from auditkit.exceptions import UnsafeArtifactError
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import FOUND_IDENTIFIERS, read_split, split_path
from auditkit.privacy import (
    FoundIdentifiers,
    PrivacyResult,
    artifact_checks,
    canary_file_for,
    identifier_sweep,
    load_canaries,
    membership_section,
    not_run,
    sweep,
)
from auditkit.privacy._result import EXPLANATION, IDENTIFIER_EXPLANATION

__all__ = ["STAGE"]

_OUTPUT = "privacy.json"
_RUN_NOTE = ("the sweep ran before the report and gate stages wrote their files; run "
             "`auditkit sweep RUN_DIR` after the run to cover them too")
_AUDIT_NOTE = ("the sweep ran before the report and gate stages wrote their files; they are built from "
               "the files it covered")


def _scrub_summary(ctx: StageContext) -> dict[str, Any]:
    path = ctx.path("scrub/summary.json")
    if not path.is_file():
        return not_run("the scrub stage did not run (scrub.enabled is false or it was skipped)")
    summary = read_json(path)
    return {"status": "ok", **summary} if isinstance(summary, dict) and "status" not in summary else summary


def _sample(n: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    return np.sort(rng.choice(n, size=limit, replace=False)) if n > limit else np.arange(n)


def _membership(ctx: StageContext) -> dict[str, Any]:
    from auditkit.evaluate._membership import example_losses, membership_inference

    cfg = ctx.config.privacy
    if not cfg.membership:
        return not_run("privacy.membership is false")
    if not ctx.path("model").is_dir():
        return not_run("no trained model in the run directory")
    try:
        check_safe_folder(ctx.path("model"))
    except UnsafeArtifactError as exc:
        return {"status": "failed", "reason": str(exc)}
    train_file = split_path(ctx, "train")
    if train_file.is_file() and train_file.stat().st_size == 0:
        return not_run("no training data in the run folder: the model was trained elsewhere")
    rng = np.random.default_rng(ctx.config.seed)
    train, test = read_split(ctx, "train"), read_split(ctx, "test")
    parts = []
    for data in (train, test):
        rows = _sample(len(data), cfg.membership_max_examples, rng)
        texts = [data.texts[i] for i in rows]
        losses = example_losses(ctx.path("model"), texts, data.label_ids[rows], batch_size=cfg.batch_size,
                                max_length=ctx.config.model.max_length, device=cfg.device)
        groups = {attr: data.groups(attr)[rows] for attr in data.sensitive}
        parts.append((losses, data.label_ids[rows], groups))
    (tr_loss, tr_y, tr_g), (ho_loss, ho_y, ho_g) = parts
    result = membership_inference(tr_loss, ho_loss, labels_train=tr_y, labels_holdout=ho_y, groups_train=tr_g,
                                  groups_holdout=ho_g, n_boot=cfg.bootstrap, confidence=cfg.confidence,
                                  seed=ctx.config.seed)
    return membership_section(result.to_dict())


def _found_identifiers(ctx: StageContext) -> FoundIdentifiers | None:
    """The audit's scrubber findings: handed over in memory, or found again when prepare was skipped."""
    prepare = ctx.results.get("prepare", {})
    if prepare.get("source") != "audit" or prepare.get("scrub", {}).get("status") == "not_run":
        return None
    found = ctx.in_memory.get(FOUND_IDENTIFIERS)
    if found is None:
        from auditkit.pipeline._stages.prepare_audit import found_in_input

        found = ctx.in_memory[FOUND_IDENTIFIERS] = found_in_input(ctx)
    return found  # type: ignore[no-any-return]


def _sweep(ctx: StageContext) -> dict[str, Any]:
    if not ctx.config.privacy.sweep:
        return not_run("privacy.sweep is false")
    file = canary_file_for(ctx.run_dir)
    if file.is_file():
        return sweep(ctx.run_dir, load_canaries(file), exclude=(_OUTPUT,)).to_dict()
    found = _found_identifiers(ctx)
    if found is not None:
        return {**identifier_sweep(ctx.run_dir, found, exclude=(_OUTPUT, "model")).to_dict(),
                "source": "identifiers the scrubber found in the audited data, held in memory and never written",
                "excluded": {"model": "the audited model folder, copied byte for byte and bound by hash"}}
    reason = ctx.results.get("prepare", {}).get("scrub", {}).get("reason")
    if reason is not None and ctx.results.get("prepare", {}).get("source") == "audit":
        return not_run(f"scrubbing {reason}: no identifiers to sweep for")
    return not_run("no canaries were seeded (set privacy.canaries: true to plant and sweep them)")


def _run(ctx: StageContext) -> dict[str, Any]:
    if not ctx.config.privacy.enabled:
        raise StageSkipped("privacy.enabled is false")
    artifacts = artifact_checks(ctx.run_dir)
    canary_sweep = _sweep(ctx)
    result = PrivacyResult(
        scrub=_scrub_summary(ctx),
        membership=_membership(ctx),
        artifacts=artifacts,
        canary_sweep=canary_sweep,
        explanation=IDENTIFIER_EXPLANATION if "source" in canary_sweep else EXPLANATION,
        notes=[_AUDIT_NOTE if "source" in canary_sweep else _RUN_NOTE],
    )
    result.write(ctx.path(_OUTPUT))
    auc = result.membership.get("auc", {}).get("value") if result.membership.get("status") == "ok" else None
    hits = result.canary_sweep.get("n_hits")
    return {"status": result.status, "canary_hits": hits, "membership_auc": auc,
            "artifacts": result.artifacts["status"]}


def _inputs(ctx: StageContext) -> list[Path]:
    return [canary_file_for(ctx.run_dir)]


STAGE = Stage(name="privacy", run=_run, config_sections=("privacy", "model"), outputs=(_OUTPUT,), inputs=_inputs,
              after=("prepare", "train", "evaluate", "fairness", "explain"))
