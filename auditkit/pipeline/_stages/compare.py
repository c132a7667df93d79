"""Stage ``compare``: every mitigation in ``fairness.compare`` side by side on the same test split.

Models the train stage already made are reused (``model/`` is the shipped
mitigation, ``baseline_model/`` the unmitigated one); any other trained
mitigation (``none``, ``fairness_loss``, ``reweighing``) is trained on the same
prepared splits into ``compare_models/<name>/`` (its checkpoints, from
which a killed run resumes, are removed once it is saved). ``threshold`` post-processes the unmitigated model with fairlearn's
``ThresholdOptimizer`` fitted on its validation predictions and applied to its
test predictions. Writes ``comparison.json`` (``fairness.comparison`` in the
scorecard); a mitigation that cannot be computed is listed under ``failed`` with
the reason, never dropped.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json
from auditkit.exceptions import AuditkitError, StageError
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import read_split
from auditkit.scorecard import MitigationComparison, section_document

__all__ = ["STAGE"]


def _predict(ctx: StageContext, model_dir: Path, split: str) -> Any:
    from auditkit.evaluate import predict

    cfg = ctx.config
    return predict(model_dir, read_split(ctx, split), batch_size=cfg.training.eval_batch_size,
                   max_length=cfg.model.max_length, device=cfg.training.device)


def _model_for(ctx: StageContext, name: str, shipped: str, attr: str | None) -> Path:
    """The folder of the model trained with mitigation ``name``: reused when the train stage made it."""
    if name == shipped:
        return ctx.path("model")
    if name == "none" and ctx.path("baseline_model").is_dir():
        return ctx.path("baseline_model")
    from auditkit.pipeline._stages.train import _train_one

    from auditkit._distributed import world_size

    if name != "none" and attr is None:
        raise StageError(f"mitigation {name!r} needs a sensitive attribute (data.sensitive or fairness.sensitive)")
    if world_size() > 1:
        raise StageError(f"mitigation {name!r} would be trained on rank 0 alone; run fairness.compare without torchrun")
    out, ckpt = f"compare_models/{name}", f"checkpoints-compare-{name}"
    _train_one(ctx, read_split(ctx, "train"), read_split(ctx, "validation"), out, ckpt, mitigation=name, attr=attr)
    shutil.rmtree(ctx.path(ckpt), ignore_errors=True)  # a killed run resumes from it; a finished one needs none
    return ctx.path(out)


def _row(ctx: StageContext, name: str, shipped: str, attr: str | None) -> dict[str, Any]:
    from auditkit.evaluate._comparison import comparison_row, threshold_predictions

    fair = ctx.config.fairness
    if name == "threshold":
        if attr is None:
            raise StageError("threshold post-processing needs a sensitive attribute (fairness.sensitive)")
        base = _model_for(ctx, "none", shipped, attr)
        preds = threshold_predictions(_predict(ctx, base, "validation"), _predict(ctx, base, "test"), attribute=attr,
                                      constraint=fair.constraint, seed=ctx.config.seed)
        note = f"ThresholdOptimizer ({fair.constraint}) on the unmitigated model; fitted on validation; needs {attr} at prediction time"
    else:
        preds = _predict(ctx, _model_for(ctx, name, shipped, attr), "test")
        note = "shipped model" if name == shipped else ("reused from the train stage" if name == "none" and
                                                       ctx.path("baseline_model").is_dir() else "trained for this comparison")
    row = comparison_row(preds, min_group_size=fair.min_group_size, n_boot=fair.bootstrap, confidence=fair.confidence,
                         seed=ctx.config.seed, max_groups=fair.max_groups)
    return {**row, "note": note}


def _run(ctx: StageContext) -> dict[str, Any]:
    from auditkit.pipeline._stages.train import sensitive_attribute

    wanted = list(dict.fromkeys(ctx.config.fairness.compare))
    if not wanted:
        raise StageSkipped("fairness.compare is empty in the config")
    attr = sensitive_attribute(ctx, read_split(ctx, "train"))
    shutil.rmtree(ctx.path("compare_models"), ignore_errors=True)  # the stage runs only when its inputs changed
    shipped = ctx.config.fairness.mitigation if attr else "none"
    rows, failed = {}, {}
    for name in wanted:
        try:
            rows[name] = _row(ctx, name, shipped, attr)
        except AuditkitError as exc:  # one mitigation that cannot run must not hide the others
            failed[name] = str(exc)
    section = {"status": "ok" if rows else "failed", "rows": rows, "failed": failed, "chosen": shipped,
               "gap": "equal_opportunity_difference" if ctx.config.fairness.constraint == "equal_opportunity"
               else f"{ctx.config.fairness.constraint}_difference"}
    if not rows:
        section["reason"] = "no mitigation of fairness.compare could be computed; see 'failed'"
    atomic_write_json(ctx.path("comparison.json"), section_document(MitigationComparison, section, source="comparison.json"))
    return {"rows": sorted(rows), "failed": sorted(failed), "chosen": shipped}


STAGE = Stage(
    name="compare",
    run=_run,
    config_sections=("data", "model", "training", "fairness"),
    outputs=("comparison.json", "compare_models"),
    after=("prepare", "train"),
)
