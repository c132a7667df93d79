"""Stage ``evaluate``: predictions on the test split (Parquet) and headline performance."""

from __future__ import annotations

from typing import Any

from auditkit._io import atomic_write_json
from auditkit.evaluate import performance, predict
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.pipeline._stages._common import read_split
from auditkit.scorecard import PerformanceSection, section_document

__all__ = ["STAGE"]


def _run(ctx: StageContext) -> dict[str, Any]:
    test = read_split(ctx, "test")
    cfg = ctx.config
    kwargs = {"batch_size": cfg.training.eval_batch_size, "max_length": cfg.model.max_length, "device": cfg.training.device}
    preds = predict(ctx.path("model"), test, **kwargs)
    preds.save(ctx.path("predictions.parquet"))
    result: dict[str, Any] = {"status": "ok", "model": performance(preds).to_json()}
    if ctx.path("baseline_model").is_dir():
        base = predict(ctx.path("baseline_model"), test, **kwargs)
        base.save(ctx.path("baseline_predictions.parquet"))
        result["baseline"] = performance(base).to_json()
    elif ctx.path("baseline_predictions.parquet").exists():
        ctx.path("baseline_predictions.parquet").unlink()
    atomic_write_json(ctx.path("evaluation.json"), section_document(PerformanceSection, result, source="evaluation.json"))
    return {"accuracy": result["model"]["accuracy"], "macro_f1": result["model"]["macro_f1"], "n": result["model"]["n"]}


STAGE = Stage(name="evaluate", run=_run, config_sections=("model", "training"),
              outputs=("predictions.parquet", "baseline_predictions.parquet", "evaluation.json"),
              after=("prepare", "train"))
