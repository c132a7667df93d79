"""Stage ``fairness``: group metrics with intervals and term swaps, before and after mitigation.

Reads ``predictions.parquet`` (the shipped model) and, when present,
``baseline_predictions.parquet`` (the unmitigated model); assesses every
sensitive attribute (plus their intersection) as exclusive groups; with
``fairness.identity_terms`` (``builtin``, a lexicon file or ``{term: [forms]}``)
adds the non-exclusive identity-term audit as the ``identity`` attribute and, per
sensitive column, ``<column>×identity``; runs the bounded term-swap test with
``model/`` (and ``baseline_model/``) on the test texts; writes ``fairness.json``
in the scorecard convention.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from auditkit._io import atomic_write_json
from auditkit.evaluate._fairness import INTERSECTION_SEP, assess
from auditkit.evaluate._identity_terms import assess_identity_terms
from auditkit.evaluate._lexicon import load_lexicon, term_membership
from auditkit.evaluate._predict import Predictions
from auditkit.evaluate._term_swap import DEFAULT_PAIRS, term_swap
from auditkit.exceptions import StageError
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.pipeline._stages._common import read_split
from auditkit.scorecard import FairnessSection, section_document

__all__ = ["STAGE"]

IDENTITY_ATTRIBUTE = "identity"


def _positive_label(preds: Predictions) -> str | None:
    if preds.positive_label:
        return preds.positive_label
    return preds.labels[-1] if len(preds.labels) == 2 else None


def _assess(preds: Predictions, texts_by_id: dict[str, str], ctx: StageContext) -> dict[str, Any]:
    cfg = ctx.config.fairness
    if not preds.groups and not cfg.identity_terms:
        raise StageError("no sensitive attribute to assess; set data.sensitive or fairness.identity_terms")
    out: dict[str, Any] = {}
    if preds.groups:
        result = assess(
            preds.y_true, preds.y_pred, preds.scores,
            sensitive_features={a: np.asarray(v).astype(str) for a, v in preds.groups.items()}, labels=preds.labels,
            positive_label=_positive_label(preds), min_group_size=cfg.min_group_size,
            n_boot=cfg.bootstrap, confidence=cfg.confidence, seed=ctx.config.seed, max_groups=cfg.max_groups,
        )
        out.update(result.to_scorecard())
    if cfg.identity_terms:
        out.update(_identity(preds, texts_by_id, ctx))
    return out


def _identity(preds: Predictions, texts_by_id: dict[str, str], ctx: StageContext) -> dict[str, Any]:
    """The identity-term audit: ``identity`` and, per sensitive column, ``<column>×identity``."""
    cfg = ctx.config.fairness
    texts = [texts_by_id.get(str(i)) for i in preds.ids]
    if any(t is None for t in texts):
        raise StageError("predictions hold ids missing from data/test.jsonl; rerun the evaluate stage")
    if IDENTITY_ATTRIBUTE in preds.groups:
        raise StageError("a sensitive column is named 'identity', the name of the identity-term audit; rename the column")
    lexicon = load_lexicon(cfg.identity_terms)
    matrix = term_membership([str(t) for t in texts], lexicon)
    attributes = {IDENTITY_ATTRIBUTE: ((IDENTITY_ATTRIBUTE,), matrix, lexicon.names)}
    for column, raw in preds.groups.items():
        values = np.asarray(raw).astype(str)
        levels = sorted(set(values.tolist()))
        cells = np.concatenate([(values == level)[:, None] & matrix for level in levels], axis=1)
        names = [f"{level}{INTERSECTION_SEP}{term}" for level in levels for term in lexicon.names]
        attributes[f"{column}{INTERSECTION_SEP}{IDENTITY_ATTRIBUTE}"] = ((column, IDENTITY_ATTRIBUTE), cells, names)
    positive = _positive_label(preds)
    out: dict[str, Any] = {}
    for label in [positive] if positive is not None else list(preds.labels):
        suffix = "" if positive is not None else f"/{label}"
        for name, (columns, membership, terms) in attributes.items():
            result = assess_identity_terms(
                preds.y_true, preds.y_pred, preds.scores, membership=membership, terms=terms, labels=preds.labels,
                positive_label=label, min_group_size=cfg.min_group_size, n_boot=cfg.bootstrap,
                confidence=cfg.confidence, seed=ctx.config.seed, columns=columns,
            )
            out[name + suffix] = result.to_dict()
    return out


def _predict_fn(model_dir: Path, ctx: StageContext) -> Callable[[list[str]], np.ndarray]:
    from auditkit._model_io import load_classifier, resolve_device
    from auditkit.evaluate._predict import predict_scores

    device = resolve_device(ctx.config.training.device)
    model, tokenizer = load_classifier(model_dir, device=device)
    batch, max_length = ctx.config.training.eval_batch_size, ctx.config.model.max_length

    def predict_fn(texts: list[str]) -> np.ndarray:
        return predict_scores(model, tokenizer, texts, batch_size=batch, max_length=max_length, device=device)

    return predict_fn


def _term_swap(model_dir: Path, texts: list[str], ctx: StageContext) -> dict[str, Any]:
    if not model_dir.is_dir():
        return {"status": "not_run", "reason": f"{model_dir.name}/ is missing"}
    cfg = ctx.config.fairness
    pairs = [tuple(p) for p in cfg.term_swap_pairs] or list(DEFAULT_PAIRS)
    result = term_swap(_predict_fn(model_dir, ctx), texts, pairs, n_boot=cfg.bootstrap,
                       seed=ctx.config.seed, confidence=cfg.confidence, max_texts=cfg.term_swap_max_texts)
    return result.to_scorecard()


def _run(ctx: StageContext) -> dict[str, Any]:
    pred_file = ctx.path("predictions.parquet")
    if not pred_file.is_file():
        raise StageError("predictions.parquet is missing; run the evaluate stage first")
    test = read_split(ctx, "test")
    texts_by_id = dict(zip((str(i) for i in test.ids), test.texts))
    preds = Predictions.load(pred_file)
    attributes = _assess(preds, texts_by_id, ctx)
    out: dict[str, Any] = {"status": "ok", "attributes": attributes, "declared": _declared(preds, attributes, ctx)}
    base_file = ctx.path("baseline_predictions.parquet")
    if base_file.is_file():
        out["baseline"] = {"attributes": _assess(Predictions.load(base_file), texts_by_id, ctx),
                           "term_swap": _term_swap(ctx.path("baseline_model"), test.texts, ctx)}
    out["term_swap"] = _term_swap(ctx.path("model"), test.texts, ctx)
    out["mitigation"] = ctx.config.fairness.mitigation if base_file.is_file() else "none"
    out["min_group_size"] = ctx.config.fairness.min_group_size
    out["confidence"] = ctx.config.fairness.confidence
    atomic_write_json(ctx.path("fairness.json"), section_document(FairnessSection, out, source="fairness.json"))
    return _summary(out)


def _declared(preds: Predictions, attributes: dict[str, Any], ctx: StageContext) -> list[str]:
    """Every attribute this run was asked to assess: the configured columns, identity terms, and what was assessed."""
    names = set(preds.groups) | set(attributes)
    names.update(str(c) for c in ctx.config.data.sensitive)
    if ctx.config.fairness.identity_terms:
        names.add(IDENTITY_ATTRIBUTE)
    return sorted(names)


def _summary(out: dict[str, Any]) -> dict[str, Any]:
    """Headline numbers only: the equal-opportunity gap per attribute and the overall flip rate."""
    gaps = {k: v["equal_opportunity_difference"]["value"] for k, v in out["attributes"].items()}
    flip = out["term_swap"].get("flip_rate", {}).get("value")
    return {"status": "ok", "equal_opportunity_difference": gaps, "term_swap_flip_rate": flip,
            "mitigation": out["mitigation"]}


STAGE = Stage(
    name="fairness",
    run=_run,
    config_sections=("fairness", "model"),
    outputs=("fairness.json",),
    after=("prepare", "train", "evaluate"),
)
