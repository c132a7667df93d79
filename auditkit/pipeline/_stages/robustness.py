"""Stage ``robustness``: the perturbation suite on the test split, per sensitive group.

Reads ``model/`` and ``data/test.jsonl``, perturbs a seeded sample of at most
``robustness.max_texts`` test texts with each configured perturbation, and writes
``robustness.json`` (the scorecard's ``robustness`` section). Group sizes, the
bootstrap and the confidence are the fairness section's, so the robustness gap
and the fairness gaps are measured over the same groups.
"""

from __future__ import annotations

from typing import Any

from auditkit._io import atomic_write_json
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import model_predict_fn, read_split
from auditkit.scorecard import RobustnessSection, section_document

__all__ = ["STAGE"]


def _run(ctx: StageContext) -> dict[str, Any]:
    from auditkit.evaluate._perturb import DEFAULT_PERTURBATIONS
    from auditkit.evaluate._robustness import assess_robustness

    cfg = ctx.config.robustness
    if not cfg.enabled:
        raise StageSkipped("robustness.enabled is false in the config")
    test = read_split(ctx, "test")
    fair = ctx.config.fairness
    result = assess_robustness(
        model_predict_fn(ctx.path("model"), ctx), test.texts, test.label_ids,
        groups={attr: test.groups(attr) for attr in test.sensitive},
        perturbations=cfg.perturbations or DEFAULT_PERTURBATIONS, rate=cfg.rate, n_boot=fair.bootstrap,
        confidence=fair.confidence, seed=ctx.config.seed, min_group_size=fair.min_group_size, max_texts=cfg.max_texts,
    )
    section = result.to_scorecard()
    atomic_write_json(ctx.path("robustness.json"), section_document(RobustnessSection, section, source="robustness.json"))
    flips = {name: p["flip_rate"]["value"] for name, p in section.get("perturbations", {}).items()}
    return {"status": section["status"], "n": section.get("n"), "flip_rate": flips}


STAGE = Stage(
    name="robustness",
    run=_run,
    config_sections=("robustness", "fairness", "model", "training"),
    outputs=("robustness.json",),
    after=("prepare", "train"),
)
