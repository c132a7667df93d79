"""Stage ``prepare``: load and validate the raw data, split it, write ``data/<split>.jsonl``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditkit.data import load_dataset
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.pipeline._stages._common import write_dataset

__all__ = ["STAGE"]


def _inputs(ctx: StageContext) -> list[Path]:
    data = ctx.config.data
    return [Path(p) for p in (data.path, data.train, data.validation, data.test) if p is not None]


def _run(ctx: StageContext) -> dict[str, Any]:
    dataset = load_dataset(ctx.config.data, seed=ctx.config.seed)
    seeder = _canary_seeder()
    if ctx.config.privacy.canaries and seeder is not None:
        dataset = seeder(ctx, dataset)
    write_dataset(ctx, dataset)
    counts = dataset.frame["split"].value_counts().to_dict()
    return {"rows": len(dataset), "splits": {k: int(v) for k, v in sorted(counts.items())},
            "labels": list(dataset.labels), "sensitive": list(dataset.sensitive)}


def _canary_seeder() -> Any:
    try:
        from auditkit.pipeline._stages._canaries import seed_run_canaries
    except ImportError:
        return None
    return seed_run_canaries


STAGE = Stage(name="prepare", run=_run, config_sections=("data", "privacy"), inputs=_inputs,
              outputs=("data/train.jsonl", "data/validation.jsonl", "data/test.jsonl", "data/meta.json"))
