"""Stage ``deployment``: every configured variant of ``model/`` built on CPU and audited like the full model.

Per variant (``deployment.variants``): size on disk as safetensors, CPU latency
per example, performance, every fairness gap with its interval (the fairness
section's settings), each gap's change against the full model, and agreement with
the full model overall and per group. The full model's predictions are the ones
the evaluate stage wrote (``predictions.parquet``): the audited model is the
reference. Each variant is also explained beside the full model on up to
``deployment.explain_examples`` examples of the explain stage's own sample (same
seed, same selection; a seeded subset when the sample is larger), for the full
model's predicted class, with one method for both (Captum occlusion for int8,
whose kernels have no autograd; the note says so): top-k word overlap, rank
correlation and the change of sensitive-token reliance (``variants.<kind>.explain``). Variants live in memory; only their size
is measured on disk, in a temporary folder. Writes ``deployment.json``; with no
variant configured the stage does not run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from auditkit._io import atomic_write_json, read_json
from auditkit.exceptions import AuditkitError, StageError
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import DATA_META, read_split
from auditkit.scorecard import DeploymentSection, section_document

__all__ = ["STAGE"]


@contextmanager
def _threads(count: int | None) -> Iterator[int]:
    import torch

    before = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(before)


def _positive_label(preds: Any) -> str | None:
    """As the fairness stage: the declared positive label, else the second of two, else none (one-vs-rest each)."""
    if preds.positive_label:
        return str(preds.positive_label)
    return str(preds.labels[-1]) if len(preds.labels) == 2 else None


def _positives(preds: Any) -> list[int]:
    label = _positive_label(preds)
    return [preds.labels.index(label)] if label is not None else list(range(len(preds.labels)))


def _audit(ctx: StageContext, model: Any, kind: str, tokenizer: Any, full: Any, timing: list[str]) -> dict[str, Any]:
    from auditkit.evaluate import assess, performance
    from auditkit.evaluate._predict import Predictions, predict_scores
    from auditkit.evaluate._variant_audit import agreement, gap_increase
    from auditkit.evaluate._variants import latency_per_example, safetensors_size, sparsity

    fair, test = ctx.config.fairness, read_split(ctx, "test")
    length = ctx.config.model.max_length
    score = lambda texts: predict_scores(model, tokenizer, texts, batch_size=ctx.config.training.eval_batch_size,  # noqa: E731
                                         max_length=length, device="cpu")
    by_id = dict(zip((str(i) for i in test.ids), test.texts))
    scores = score([by_id[str(i)] for i in full.ids])
    preds = Predictions(ids=full.ids, y_true=full.y_true, y_pred=scores.argmax(axis=1), scores=scores,
                        labels=full.labels, groups=full.groups, positive_label=full.positive_label)
    settings = {"min_group_size": fair.min_group_size, "confidence": fair.confidence, "seed": ctx.config.seed}
    result = assess(preds.y_true, preds.y_pred, preds.scores,
                    sensitive_features={a: np.asarray(v).astype(str) for a, v in preds.groups.items()},
                    labels=preds.labels, positive_label=_positive_label(full), n_boot=fair.bootstrap,
                    max_groups=fair.max_groups, **settings)
    entry: dict[str, Any] = {
        "status": "ok", "kind": kind, "size_bytes": safetensors_size(model),
        "latency_ms_per_example": latency_per_example(score, timing, seed=ctx.config.seed).to_dict(),
        "performance": performance(preds).to_json(), "attributes": result.to_scorecard(),
    }
    if kind != "full":
        entry["gap_increase"] = gap_increase(full.y_true, full.y_pred, preds.y_pred, full.groups,
                                             positives=_positives(full), labels=full.labels,
                                             n_boot=fair.bootstrap, **settings)
        entry["agreement"] = agreement(full.y_pred, preds.y_pred, full.groups, confidence=fair.confidence,
                                       min_group_size=fair.min_group_size)
    if (share := sparsity(model)) is not None and kind.startswith("prune"):
        entry["sparsity"] = share
    return entry


def _run(ctx: StageContext) -> dict[str, Any]:
    from auditkit._model_io import load_classifier
    from auditkit.evaluate._predict import Predictions
    from auditkit.evaluate._variants import build_variant

    cfg = ctx.config.deployment
    if not cfg.variants:
        raise StageSkipped("deployment.variants is empty in the config")
    if not ctx.path("predictions.parquet").is_file():
        raise StageError("predictions.parquet is missing; run the evaluate stage first")
    full = Predictions.load(ctx.path("predictions.parquet"))
    model, tokenizer = load_classifier(ctx.path("model"), device="cpu")
    test = read_split(ctx, "test").texts
    pick = np.random.default_rng(ctx.config.seed).permutation(len(test))[:cfg.latency_examples]
    timing = [test[i] for i in np.sort(pick)]
    with _threads(cfg.threads) as threads:
        reference = _audit(ctx, model, "full", tokenizer, full, timing)
        built: dict[str, Any] = {}
        variants = {kind: _variant(ctx, build_variant, model, kind, tokenizer, full, timing, built)
                    for kind in cfg.variants}
        _explain_variants(ctx, model, tokenizer, full, built, variants)
    for entry in variants.values():
        if entry["status"] == "ok":
            entry["size_ratio"] = {"value": entry["size_bytes"] / reference["size_bytes"], "ci_low": None,
                                   "ci_high": None, "reason": None}
    section = {"status": "ok", "device": "cpu", "threads": threads, "full": reference, "variants": variants}
    atomic_write_json(ctx.path("deployment.json"), section_document(DeploymentSection, section, source="deployment.json"))
    return {"variants": {k: v["status"] for k, v in variants.items()}, "threads": threads}


def _variant(ctx: StageContext, build: Any, model: Any, kind: str, tokenizer: Any, full: Any,
             timing: list[str], built: dict[str, Any]) -> dict[str, Any]:
    try:
        variant = build(model, kind)
    except AuditkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - a backend that cannot build one variant must not hide the others
        return {"status": "failed", "kind": kind, "reason": f"could not build the variant on CPU ({type(exc).__name__})"}
    built[kind] = variant
    return _audit(ctx, variant, kind, tokenizer, full, timing)


def _explain_sample(ctx: StageContext, full: Any) -> dict[str, Any] | str:
    """Up to ``explain_examples`` rows of the explain stage's sample (a seeded subset), or why there is none."""
    from auditkit._extras import missing_modules
    from auditkit.pipeline._stages.explain import _selection

    cfg = ctx.config
    if cfg.deployment.explain_examples == 0:
        return "deployment.explain_examples is 0"
    if not cfg.explain.enabled:
        return "explain.enabled is false: no explanation sample to compare the variants on"
    if missing := missing_modules(["explain"]):
        return f"the [explain] extra is not installed (not installed: {', '.join(missing['explain'])})"
    meta = read_json(ctx.path(DATA_META))
    rows, total, _ = _selection(ctx, meta)
    rows = np.arange(total) if rows is None else rows
    if rows.size > cfg.deployment.explain_examples:  # a seeded subset of the sample, kept in test-split order
        pick = np.random.default_rng(cfg.seed).permutation(rows.size)[:cfg.deployment.explain_examples]
        rows = rows[np.sort(pick)]
    test = read_split(ctx, "test")
    ids, texts = [str(i) for i in test.ids], test.texts
    predicted = dict(zip((str(i) for i in full.ids), np.asarray(full.y_pred).tolist()))
    rows = [int(r) for r in rows if ids[int(r)] in predicted]
    if not rows:
        return "no example of the explain sample has a prediction of the full model"
    sensitive = list(meta.get("sensitive", []))
    return {"texts": [texts[r] for r in rows], "ids": [ids[r] for r in rows],
            "groups": {a: [str(g) for g in np.asarray(test.groups(a))[rows]] for a in sensitive},
            "targets": [int(predicted[ids[r]]) for r in rows]}


def _explain_variants(ctx: StageContext, model: Any, tokenizer: Any, full: Any, built: dict[str, Any],
                      variants: dict[str, dict[str, Any]]) -> None:
    """Add ``explain`` to every built variant's entry: its attributions against the full model's (same method)."""
    from auditkit.evaluate._variant_explain import attribution_agreement, explain_method_for

    if not built:
        return
    sample = _explain_sample(ctx, full)
    if isinstance(sample, str):
        for kind in built:
            variants[kind]["explain"] = {"status": "not_run", "reason": sample}
        return
    cfg, fair = ctx.config, ctx.config.fairness
    stats = {"n_resamples": fair.bootstrap, "confidence": fair.confidence, "seed": cfg.seed}
    reference: dict[str, Any] = {}
    for kind, variant in built.items():
        method, note = explain_method_for(kind, cfg.explain.method)
        entry: dict[str, Any] = {"status": "ok", "method": method, "note": note}
        try:
            if method not in reference:
                reference[method] = _explain(ctx, model, tokenizer, sample, method)
            result = _explain(ctx, variant, tokenizer, sample, method)
        except AuditkitError as exc:  # one variant that cannot be explained must not hide the others
            variants[kind]["explain"] = {**entry, "status": "failed", "reason": str(exc)}
            continue
        entry.update(attribution_agreement(reference[method].records, result.records, top_k=cfg.deployment.explain_top_k,
                                           **stats))
        variants[kind]["explain"] = entry


def _explain(ctx: StageContext, model: Any, tokenizer: Any, sample: dict[str, Any], method: str) -> Any:
    """Attributions of ``model`` on the sample, for the full model's predicted class, on CPU without autocast."""
    from auditkit.explain import explain

    cfg = ctx.config
    return explain(model, tokenizer, sample["texts"], ids=sample["ids"], groups=sample["groups"],
                   targets=sample["targets"], method=method, n_steps=cfg.explain.n_steps,
                   batch_size=cfg.explain.batch_size, device="cpu", identity_terms=cfg.explain.identity_terms,
                   faithfulness_k=None, delta_tolerance=cfg.explain.delta_tolerance, precision="fp32",
                   max_internal_batch_size=cfg.explain.max_internal_batch_size, max_length=cfg.model.max_length,
                   n_resamples=0, seed=cfg.seed)


STAGE = Stage(
    name="deployment",
    run=_run,
    config_sections=("deployment", "fairness", "model", "training", "explain", "seed"),
    outputs=("deployment.json",),
    after=("prepare", "train", "evaluate"),
)
