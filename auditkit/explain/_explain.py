"""``explain()``: attributions for many texts, with the figures an audit needs.

One call tokenises the texts, predicts, attributes the predicted class (batched,
memory-aware, on CUDA when available), merges word-pieces into words, measures
sensitive-token reliance per group and the faithfulness of the explanations
against a random baseline. The model is left exactly as it was found, even when
attribution fails.

The same steps run chunk by chunk for a stream (:mod:`auditkit.explain._stream`):
:func:`plan_explanation` resolves the options once, :func:`explain_chunk` explains
one chunk into records placed at their positions in the whole sample, and
:func:`summarise` turns the accumulated tally into the run-level figures.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from auditkit._architecture import last_position_pooling, pools_last_token
from auditkit._logging import get_logger
from auditkit._model_io import resolve_device
from auditkit.exceptions import AuditkitError, DataError, ExplainError
from auditkit.explain._encode import EncodedText, encode_texts, model_max_length
from auditkit.explain._engine import EngineReport, EngineSettings, attribute_all, predict_proba
from auditkit.explain._faithfulness import faithfulness_report, faithfulness_values
from auditkit.explain._guard import model_guard
from auditkit.explain._methods import Explainer, ExplainerRegistry, default_registry
from auditkit.explain._reliance import DEFAULT_IDENTITY_TERMS, example_reliance, group_reliance
from auditkit.explain._result import ExampleAttribution, ExplanationResult
from auditkit.explain._tally import ExplanationTally
from auditkit.explain._words import merge_words

__all__ = ["ExplainPlan", "ExplainedChunk", "explain", "explain_chunk", "on_device", "plan_explanation", "summarise"]

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


def _convergence(tally: ExplanationTally, tolerance: float, has_delta: bool) -> dict[str, Any] | None:
    if not has_delta or not tally.deltas:
        return None
    values = np.array([tally.deltas[p] for p in sorted(tally.deltas)])
    return {"mean_relative_delta": float(values.mean()), "max_relative_delta": float(values.max()),
            "tolerance": tolerance, "n_over_tolerance": tally.engine["n_over_tolerance"],
            "n_recomputed": tally.engine["n_recomputed"],
            "n_recomputed_full_precision": tally.engine["n_recomputed_full_precision"],
            "n_still_over": tally.engine["n_still_over"],
            "recompute_steps": tally.recompute_steps,
            "definition": "|delta| / max(1, |f(x) - f(baseline)|), delta = sum(attributions) - (f(x) - f(baseline))"}


def explain(
    model: nn.Module,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    labels: Sequence[str] | None = None,
    method: str = "layer_integrated_gradients",
    n_steps: int | None = None,
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
        Integration steps of the first pass (samples for GradientSHAP); default: the
        method's own (24 Gauss-Legendre steps for integrated gradients, whose every
        example is checked and recomputed with more when over ``delta_tolerance``;
        50 for methods without that check).
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
        Relative convergence delta above which an example is recomputed with 2-4x the
        steps (in the first pass's precision, then in full precision if still over).
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
    plan = plan_explanation(
        model, tokenizer, method=method, n_steps=n_steps, batch_size=batch_size, device=device,
        identity_terms=identity_terms, faithfulness_k=faithfulness_k, delta_tolerance=delta_tolerance,
        max_length=max_length, precision=precision, max_internal_batch_size=max_internal_batch_size,
        n_resamples=n_resamples, confidence=confidence, seed=seed, min_token_count=min_token_count, registry=registry)
    if targets is not None and any(not 0 <= int(t) < plan.n_labels for t in targets):
        raise ExplainError(f"targets must be class indices in [0, {plan.n_labels - 1}]; got some outside that range")
    ids = [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(texts))]
    _LOG.info("explaining %d texts with %s (%d steps) on %s", len(texts), method, plan.settings.n_steps,
              plan.settings.device)
    with on_device(model, plan):
        chunk = explain_chunk(model, tokenizer, plan, texts, ids=ids, groups=groups, labels=labels,
                              targets=targets, positions=range(len(texts)))
    tally = ExplanationTally()
    chunk.add_to(tally)
    return ExplanationResult(records=tuple(chunk.records), skipped_ids=tuple(i for _, i in chunk.skipped),
                             **summarise(plan, tally))


@dataclass(frozen=True)
class ExplainPlan:
    """What one explanation run resolved once: method, engine settings, limits, statistics settings."""

    explainer: Explainer
    settings: EngineSettings
    pad_id: int
    max_length: int
    n_labels: int
    id2label: dict[int, str]
    identity_terms: tuple[str, ...]
    faithfulness_k: tuple[float, ...] | None
    seed: int
    n_resamples: int
    confidence: float
    min_token_count: int

    @property
    def precision(self) -> str:
        """How path methods run: ``bf16`` (bf16 weights, CPU), ``autocast`` (CUDA) or ``fp32``."""
        from auditkit.explain import _engine

        s = self.settings
        if not (self.explainer.has_delta and _engine.reduces_precision(s)):
            return "fp32"
        return "bf16" if s.device.type == "cpu" and _engine._CPU_BF16_WEIGHTS else "autocast"


def plan_explanation(model: nn.Module, tokenizer: Any, *, method: str = "layer_integrated_gradients",
                     n_steps: int | None = None,
                     batch_size: int = 16, device: Literal["auto", "cpu", "cuda"] | None = "auto",
                     identity_terms: Sequence[str] | None = None,
                     faithfulness_k: Sequence[float] | None = (0.05, 0.1, 0.2), delta_tolerance: float = 0.05,
                     max_length: int | None = None, precision: Literal["auto", "fp32"] = "auto",
                     max_internal_batch_size: int | None = None, n_resamples: int = 1000, confidence: float = 0.95,
                     seed: int = 0, min_token_count: int = 2, registry: ExplainerRegistry | None = None) -> ExplainPlan:
    """Validate the options of :func:`explain` once and resolve them into an :class:`ExplainPlan`."""
    explainer = (registry or default_registry()).create(method)
    if faithfulness_k and any(not 0 < float(k) <= 1 for k in faithfulness_k):
        raise DataError("faithfulness_k values must be fractions in (0, 1], e.g. (0.05, 0.1, 0.2)")
    steps = explainer.default_steps if n_steps is None else int(n_steps)
    settings = EngineSettings(device=_resolve(model, device), n_steps=steps, batch_size=batch_size,
                              autocast=precision == "auto", delta_tolerance=delta_tolerance,
                              max_internal_batch_size=max_internal_batch_size,
                              padding_side="left" if pools_last_token(model) else "right")
    return ExplainPlan(
        explainer=explainer, settings=settings,
        pad_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0,
        max_length=model_max_length(model, tokenizer, max_length), n_labels=int(getattr(model.config, "num_labels", 2)),
        id2label={int(k): str(v) for k, v in (getattr(model.config, "id2label", None) or {}).items()},
        identity_terms=tuple(identity_terms) if identity_terms is not None else DEFAULT_IDENTITY_TERMS,
        faithfulness_k=tuple(float(k) for k in faithfulness_k) if faithfulness_k else None,
        seed=seed, n_resamples=n_resamples, confidence=confidence, min_token_count=min_token_count)


@contextlib.contextmanager
def on_device(model: nn.Module, plan: ExplainPlan) -> Iterator[None]:
    """Guard the model (restored on exit, error or not), move it to the plan's device, map failures to ExplainError."""
    original = next(model.parameters()).device
    try:
        with model_guard(model), last_position_pooling(model):
            model.to(plan.settings.device)
            yield
    except AuditkitError:
        raise
    except Exception as exc:
        raise ExplainError(f"attribution with method {plan.explainer.name!r} failed ({type(exc).__name__}); "
                           "the model was restored unchanged; check the model and the method") from None
    finally:
        model.to(original)


@dataclass
class ExplainedChunk:
    """One chunk's records (at their positions in the whole sample) and per-example figures."""

    records: list[ExampleAttribution]
    positions: list[int]
    skipped: list[tuple[int, str]]
    faith: np.ndarray | None
    deltas: dict[int, float]
    report: EngineReport

    def add_to(self, tally: ExplanationTally) -> None:
        """Fold this chunk into ``tally``."""
        tally.add(self.records, self.positions, faith=self.faith, deltas=self.deltas)
        tally.skipped_ids.extend(self.skipped)
        tally.add_engine(self.report)


def explain_chunk(model: nn.Module, tokenizer: Any, plan: ExplainPlan, texts: Sequence[str], *, ids: Sequence[str],
                  groups: Mapping[str, Sequence[Any]], labels: Sequence[Any] | None, targets: Sequence[int] | None,
                  positions: Sequence[int]) -> ExplainedChunk:
    """Attribute one chunk of texts (inside :func:`on_device`); ``positions`` place them in the whole sample."""
    encoded = encode_texts(tokenizer, list(texts), max_length=plan.max_length)
    rows = [i for i, e in enumerate(encoded) if e.n_content > 0]
    where = [int(p) for p in positions]
    scores, deltas, report, probs, tgt = _run(model, plan, encoded, rows, targets)
    faith = None
    if plan.faithfulness_k and rows:
        faith = faithfulness_values(model, encoded, rows, scores, tgt, probs, k=plan.faithfulness_k,
                                    settings=plan.settings, pad_id=plan.pad_id, seed=plan.seed,
                                    positions=[where[i] for i in rows])
    records = [
        _record(tokenizer, texts[i], encoded[i], scores[i], str(ids[i]), plan.id2label.get(int(tgt[i]), str(int(tgt[i]))),
                float(probs[i, tgt[i]]), None if labels is None else str(labels[i]),
                {a: str(v[i]) for a, v in groups.items()}, deltas.get(i), plan.identity_terms)
        for i in rows]
    return ExplainedChunk(records=records, positions=[where[i] for i in rows],
                          skipped=[(where[i], str(ids[i])) for i, e in enumerate(encoded) if e.n_content == 0],
                          faith=faith, deltas={where[i]: d for i, d in deltas.items()}, report=report)


def summarise(plan: ExplainPlan, tally: ExplanationTally) -> dict[str, Any]:
    """The run-level figures of ``tally``: reliance with intervals, faithfulness, convergence, memory, settings."""
    shares, groups, faith, _ = tally.ordered()
    stats = {"n_resamples": plan.n_resamples, "confidence": plan.confidence, "seed": plan.seed}
    overall, by_group = group_reliance(shares, groups, **stats)  # type: ignore[arg-type]
    report = None
    if plan.faithfulness_k and faith is not None:
        report = faithfulness_report(faith, plan.faithfulness_k, **stats)  # type: ignore[arg-type]
    elif plan.faithfulness_k:
        report = faithfulness_report(np.zeros((0, len(plan.faithfulness_k), 4)), plan.faithfulness_k, **stats)  # type: ignore[arg-type]
    return {
        "method": plan.explainer.name, "n_steps": plan.settings.n_steps, "device": plan.settings.device.type,
        "precision": plan.precision, "max_length": plan.max_length, "identity_terms": plan.identity_terms,
        "reliance": overall, "reliance_by_group": by_group, "faithfulness": report,
        "convergence": _convergence(tally, plan.settings.delta_tolerance, plan.explainer.has_delta),
        "memory": {"internal_batch_sizes": sorted(tally.internal_batch_sizes),
                   "oom_backoffs": tally.engine["oom_backoffs"]},
        "min_token_count": plan.min_token_count,
    }


def _run(model: nn.Module, plan: ExplainPlan, encoded: list[EncodedText], rows: list[int],
         targets: Sequence[int] | None) -> tuple[Any, ...]:
    probs = np.zeros((len(encoded), plan.n_labels))
    if rows:
        probs[rows] = predict_proba(model, [encoded[i] for i in rows], plan.settings, plan.pad_id)
    tgt = _targets(probs, targets)
    scores, deltas, report = (attribute_all(plan.explainer, model, encoded, rows, tgt, plan.settings, plan.pad_id)
                              if rows else ({}, {}, EngineReport()))
    return scores, deltas, report, probs, tgt
def _record(tokenizer: Any, text: str, enc: EncodedText, scores: np.ndarray, id_: str, predicted: str,
            confidence: float, true_label: str | None, groups: dict[str, str], delta: float | None,
            terms: Sequence[str]) -> ExampleAttribution:
    pieces = tokenizer.convert_ids_to_tokens(list(enc.ids))
    words, word_scores = merge_words(text, enc, scores, pieces)
    return ExampleAttribution(
        id=id_, words=words, scores=word_scores, predicted_label=predicted, confidence=confidence,
        true_label=true_label, groups=groups, truncated=enc.truncated,
        reliance=example_reliance(words, word_scores, terms), delta=delta)
