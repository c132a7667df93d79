"""Stage ``explain``: attributions for a stratified sample of the test split.

Reads ``data/test.jsonl`` and ``model/``, samples ``explain.n_samples`` texts
stratified by sensitive group and label (seeded), and writes
``explain/attributions.parquet`` (one row per word) and ``explain/result.json``
(the scorecard section). When ``baseline_model/`` exists (mitigation on), the
same sample is explained with it too and its sensitive-token reliance is added
under ``baseline``, so the scorecard shows before and after.
"""

from __future__ import annotations

from typing import Any

from auditkit._io import atomic_write_json
from auditkit._model_io import load_classifier, resolve_device
from auditkit.data import save_table
from auditkit.explain import explain
from auditkit.explain._sample import stratified_sample
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import read_split

__all__ = ["STAGE"]

ATTRIBUTIONS = "explain/attributions.parquet"
RESULT = "explain/result.json"


def _explain_with(ctx: StageContext, folder: str, sample: Any, sensitive: list[str], *, faithful: bool) -> Any:
    cfg = ctx.config
    model, tokenizer = load_classifier(ctx.path(folder), device=resolve_device(cfg.explain.device))
    return explain(
        model, tokenizer, sample["text"].tolist(), ids=sample["id"].astype(str).tolist(),
        groups={a: sample[a].astype(str).tolist() for a in sensitive}, labels=sample["label"].astype(str).tolist(),
        method=cfg.explain.method, n_steps=cfg.explain.n_steps, batch_size=cfg.explain.batch_size,
        device=cfg.explain.device, identity_terms=cfg.explain.identity_terms,
        faithfulness_k=cfg.explain.faithfulness_k if faithful else None,
        delta_tolerance=cfg.explain.delta_tolerance, precision=cfg.explain.precision,
        max_internal_batch_size=cfg.explain.max_internal_batch_size, max_length=cfg.model.max_length, seed=cfg.seed,
        n_resamples=cfg.fairness.bootstrap, confidence=cfg.fairness.confidence,
    )


def _run(ctx: StageContext) -> dict[str, Any]:
    cfg = ctx.config
    if not cfg.explain.enabled:
        raise StageSkipped("explain.enabled is false")
    if not ctx.path("model").is_dir():
        raise StageSkipped("no trained model in the run directory")
    test = read_split(ctx, "test")
    sensitive = list(test.sensitive)
    sample = stratified_sample(test.frame, cfg.explain.n_samples, by=[*sensitive, "label"], seed=cfg.seed)
    result = _explain_with(ctx, "model", sample, sensitive, faithful=True)
    card = result.to_scorecard()
    card["sample"] = {"n": len(sample), "stratified_by": [*sensitive, "label"], "seed": cfg.seed, "split": "test"}
    summary: dict[str, Any] = {"n_examples": card["n_examples"], "reliance": card["sensitive_token_reliance"]["value"]}
    if ctx.path("baseline_model").is_dir():
        base = _explain_with(ctx, "baseline_model", sample, sensitive, faithful=False).to_scorecard()
        card["baseline"] = {k: base[k] for k in (
            "status", "n_examples", "sensitive_token_reliance", "sensitive_token_reliance_by_group", "top_tokens")}
        summary["baseline_reliance"] = base["sensitive_token_reliance"]["value"]
    save_table(result.to_frame(), ctx.path(ATTRIBUTIONS))
    atomic_write_json(ctx.path(RESULT), card)
    return summary


STAGE = Stage(name="explain", run=_run, config_sections=("explain", "model", "fairness", "seed"),
              outputs=(ATTRIBUTIONS, RESULT), after=("prepare", "train"))
