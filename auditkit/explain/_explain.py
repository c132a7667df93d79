"""``explain()``: attributions for many texts, with the figures an audit needs.

One call tokenises the texts, predicts, attributes the predicted class (batched,
memory-aware, on CUDA when available), merges word-pieces into words, measures
sensitive-token reliance per group and the faithfulness of the explanations
against a random baseline. The model is left exactly as it was found, even when
attribution fails.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from auditkit._architecture import last_position_pooling, pools_last_token
from auditkit._logging import get_logger
from auditkit._model_io import resolve_device
from auditkit._precision import cpu_has_native_bf16
from auditkit.exceptions import AuditkitError, DataError, ExplainError
from auditkit.explain._encode import EncodedText, encode_texts, model_max_length
from auditkit.explain._engine import EngineReport, EngineSettings, attribute_all, predict_proba
from auditkit.explain._faithfulness import faithfulness
from auditkit.explain._guard import model_guard
from auditkit.explain._methods import ExplainerRegistry, default_registry
from auditkit.explain._reliance import DEFAULT_IDENTITY_TERMS, example_reliance, group_reliance
from auditkit.explain._result import ExampleAttribution, ExplanationResult
from auditkit.explain._words import merge_words

__all__ = ["explain"]

_LOG = get_logger(__name__)


def _check_inputs(texts: Sequence[Any], ids: Sequence[Any] | None, groups: Mapping[str, Sequence[Any]],
                  labels: Sequence[Any] | None, targets: Sequence[int] | None) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence) and not hasattr(texts, "__len__"):
        raise DataError("texts must be a list of strings, not a single string; wrap it in a list")
    texts = list(texts)
    if not texts:
        raise DataError("no texts to explain: expected at least 1 text, got 0")
    bad = sum(not isinstance(t, str) for t in texts)
    if bad:
        raise DataError(f"texts must all be strings; {bad} of {len(texts)} are not (bytes, None or numbers); "
                        "convert or drop them first")
    for name, values in [("ids", ids), ("labels", labels), ("targets", targets)] + [
            (f"groups[{a!r}]", v) for a, v in groups.items()]:
        if values is not None and len(values) != len(texts):
            raise DataError(f"{name} has {len(values)} entries but there are {len(texts)} texts; give one per text")
    for attr, values in groups.items():
        missing = sum(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)
        if missing:
            raise DataError(f"sensitive column {attr!r} has {missing} missing values; drop or impute them before explaining")
    return texts


def _resolve(model: nn.Module, device: str | None) -> torch.device:
    current = next(model.parameters()).device
    return current if device is None else torch.device(resolve_device(device))


def _targets(probs: np.ndarray, targets: Sequence[int] | None) -> np.ndarray:
    if targets is None:
        return probs.argmax(axis=1).astype(np.int64)
    return np.asarray(targets, dtype=np.int64)


def _convergence(report: EngineReport, deltas: dict[int, float], tolerance: float, has_delta: bool) -> dict[str, Any] | None:
    if not has_delta or not deltas:
        return None
    values = np.array(list(deltas.values()))
    return {"mean_relative_delta": float(values.mean()), "max_relative_delta": float(values.max()),
            "tolerance": tolerance, "n_over_tolerance": report.n_over_tolerance,
            "n_recomputed": report.n_recomputed, "n_still_over": report.n_still_over,
            "recompute_steps": report.recompute_steps,
            "definition": "|delta| / max(1, |f(x) - f(baseline)|), delta = sum(attributions) - (f(x) - f(baseline))"}


def _autocasts(device: torch.device) -> bool:
    return device.type == "cuda" or (device.type == "cpu" and cpu_has_native_bf16())


def explain(
    model: nn.Module,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    labels: Sequence[str] | None = None,
    method: str = "layer_integrated_gradients",
    n_steps: int = 50,
    batch_size: int = 16,
    device: Literal["auto", "cpu", "cuda"] | None = "auto",
    identity_terms: Sequence[str] | None = None,
    faithfulness_k: Sequence[float] | None = (0.05, 0.1, 0.2),
    delta_tolerance: float = 0.05,
    max_length: int | None = None,
    targets: Sequence[int] | None = None,
    precision: Literal["auto", "fp32"] = "auto",
    max_internal_batch_size: int | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    min_token_count: int = 2,
    registry: ExplainerRegistry | None = None,
) -> ExplanationResult:
    """Explain a sequence classifier's predictions on ``texts``.

    Parameters
    ----------
    model, tokenizer:
        A Hugging Face sequence classifier and its tokenizer.
    texts:
        Texts to explain (already scrubbed when they came from personal data).
    ids:
        One id per text (default: the position as a string).
    groups:
        Sensitive attribute -> one group value per text.
    labels:
        Gold label names, used only to choose heat-map examples.
    method:
        Registered attribution method (see ``default_registry().names()``).
    n_steps:
        Integration steps (samples for GradientSHAP).
    batch_size:
        Examples per attribution call.
    device:
        ``auto`` (CUDA when present), ``cpu``, ``cuda``, or ``None`` for the model's device.
        The model is moved back afterwards.
    identity_terms:
        Words counted for sensitive-token reliance (default: gendered words).
    faithfulness_k:
        Fractions of tokens for comprehensiveness/sufficiency; ``None`` skips faithfulness.
    delta_tolerance:
        Relative convergence delta above which an example is recomputed with 4x the steps.
    max_length:
        Token limit (default: the model's); longer texts are truncated and flagged.
    targets:
        Class index to explain per text (default: the predicted class).
    precision:
        ``auto`` uses autocast on CUDA (path methods are re-checked by their delta and
        recomputed in full precision when off); ``fp32`` never does.
    max_internal_batch_size:
        Upper bound on rows per forward pass (default: sized from free memory).
    n_resamples, confidence, seed:
        Bootstrap settings and the seed of every random choice.
    min_token_count:
        A word must appear in this many examples to be listed among the top tokens.
    registry:
        Where to look ``method`` up (default: the built-in methods).

    Returns
    -------
    ExplanationResult
    """
    groups = {str(a): list(v) for a, v in (groups or {}).items()}
    texts = _check_inputs(texts, ids, groups, labels, targets)
    explainer = (registry or default_registry()).create(method)
    n_labels = int(getattr(model.config, "num_labels", 2))
    if targets is not None and any(not 0 <= int(t) < n_labels for t in targets):
        raise ExplainError(f"targets must be class indices in [0, {n_labels - 1}]; got some outside that range")
    if faithfulness_k and any(not 0 < float(k) <= 1 for k in faithfulness_k):
        raise DataError("faithfulness_k values must be fractions in (0, 1], e.g. (0.05, 0.1, 0.2)")
    ids = [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(texts))]
    limit = model_max_length(model, tokenizer, max_length)
    encoded = encode_texts(tokenizer, texts, max_length=limit)
    rows = [i for i, e in enumerate(encoded) if e.n_content > 0]
    target_device = _resolve(model, device)
    settings = EngineSettings(device=target_device, n_steps=n_steps, batch_size=batch_size,
                              autocast=precision == "auto", delta_tolerance=delta_tolerance,
                              max_internal_batch_size=max_internal_batch_size,
                              padding_side="left" if pools_last_token(model) else "right")
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    original = next(model.parameters()).device
    _LOG.info("explaining %d texts with %s (%d steps) on %s", len(rows), method, n_steps, target_device)
    try:
        with model_guard(model), last_position_pooling(model):
            model.to(target_device)
            scores, deltas, report, probs, tgt, faith = _run(
                model, explainer, encoded, rows, settings, pad_id, targets, n_labels, faithfulness_k,
                seed=seed, n_resamples=n_resamples, confidence=confidence)
    except AuditkitError:
        raise
    except Exception as exc:
        raise ExplainError(f"attribution with method {method!r} failed ({type(exc).__name__}); "
                           "the model was restored unchanged; check the model and the method") from None
    finally:
        model.to(original)
    id2label = {int(k): str(v) for k, v in (getattr(model.config, "id2label", None) or {}).items()}
    terms = tuple(identity_terms) if identity_terms is not None else DEFAULT_IDENTITY_TERMS
    records = tuple(
        _record(tokenizer, texts[i], encoded[i], scores[i], ids[i], id2label.get(int(tgt[i]), str(int(tgt[i]))),
                float(probs[i, tgt[i]]), None if labels is None else str(labels[i]),
                {a: str(v[i]) for a, v in groups.items()}, deltas.get(i), terms)
        for i in rows)
    shares = np.array([r.reliance for r in records], dtype=float)
    overall, by_group = group_reliance(
        shares, {a: np.array([str(v[i]) for i in rows], dtype=object) for a, v in groups.items()},
        n_resamples=n_resamples, confidence=confidence, seed=seed)
    return ExplanationResult(
        method=method, n_steps=n_steps, device=target_device.type,
        precision="autocast" if settings.autocast and explainer.has_delta and _autocasts(target_device) else "fp32",
        records=records, skipped_ids=tuple(ids[i] for i, e in enumerate(encoded) if e.n_content == 0),
        max_length=limit, identity_terms=terms, reliance=overall, reliance_by_group=by_group, faithfulness=faith,
        convergence=_convergence(report, deltas, delta_tolerance, explainer.has_delta),
        memory={"internal_batch_sizes": sorted(set(report.internal_batch_sizes)), "oom_backoffs": report.oom_backoffs},
        min_token_count=min_token_count)


def _run(model: nn.Module, explainer: Any, encoded: list[EncodedText], rows: list[int], settings: EngineSettings,
         pad_id: int, targets: Sequence[int] | None, n_labels: int, faithfulness_k: Sequence[float] | None,
         *, seed: int, n_resamples: int, confidence: float) -> tuple[Any, ...]:
    probs = np.zeros((len(encoded), n_labels))
    if rows:
        probs[rows] = predict_proba(model, [encoded[i] for i in rows], settings, pad_id)
    tgt = _targets(probs, targets)
    scores, deltas, report = (attribute_all(explainer, model, encoded, rows, tgt, settings, pad_id)
                              if rows else ({}, {}, EngineReport()))
    faith = None
    if faithfulness_k and rows:
        faith = faithfulness(model, encoded, rows, scores, tgt, probs, k=faithfulness_k, settings=settings,
                             pad_id=pad_id, seed=seed, n_resamples=n_resamples, confidence=confidence)
    return scores, deltas, report, probs, tgt, faith


def _record(tokenizer: Any, text: str, enc: EncodedText, scores: np.ndarray, id_: str, predicted: str,
            confidence: float, true_label: str | None, groups: dict[str, str], delta: float | None,
            terms: Sequence[str]) -> ExampleAttribution:
    pieces = tokenizer.convert_ids_to_tokens(list(enc.ids))
    words, word_scores = merge_words(text, enc, scores, pieces)
    return ExampleAttribution(
        id=id_, words=words, scores=word_scores, predicted_label=predicted, confidence=confidence,
        true_label=true_label, groups=groups, truncated=enc.truncated,
        reliance=example_reliance(words, word_scores, terms), delta=delta)
