"""Batched, memory-aware attribution over many texts.

The engine sorts texts by length so padding stays small, attributes a batch of
examples per Captum call with one target per example, and sizes Captum's
``internal_batch_size`` from free memory (``torch.cuda.mem_get_info`` on CUDA,
``psutil`` on CPU). On out-of-memory it halves the internal batch, then splits
the example batch, and only gives up (with a clear error) when one example at
one step does not fit. For path methods it checks the convergence delta and
recomputes, in full precision with more steps, the examples above tolerance.
CPU and CUDA run the same code. Path methods run under autocast (bf16/fp16 on
CUDA; on a CPU with native bf16 units the weights themselves are held in bf16
for the call, which spares autocast's casts around every product), since their
convergence delta catches precision loss and those examples are recomputed in
full precision. The delta of integrated-gradients methods is measured against
full-precision endpoint logits. Forward-only passes stay in full precision. On
CPU, bf16 work also switches the model to eager attention for the call (see
:mod:`auditkit._precision`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from torch import Tensor, nn

from auditkit._logging import get_logger
from auditkit._precision import attention_implementation, cpu_has_native_bf16
from auditkit.exceptions import ExplainError
from auditkit.explain._encode import EncodedText
from auditkit.explain._methods import AttributionBatch, Explainer

__all__ = [
    "EngineReport",
    "EngineSettings",
    "attribute_all",
    "is_oom",
    "plan_internal_batch",
    "predict_logits",
    "predict_proba",
    "recompute_steps",
    "reduces_precision",
    "rows_budget",
    "softmax",
]

_LOG = get_logger(__name__)
_RECOMPUTE_FACTOR = 4
_MAX_RECOMPUTE_STEPS = 1024
_CPU_TOKENS_PER_PASS = 8192  # larger passes gain nothing on CPU, only memory
_CPU_MAX_PADDING = 0.10
_CPU_BF16_WEIGHTS = True  # bf16 weights on CPU (False: bf16 autocast over fp32 weights)


@dataclass(frozen=True)
class EngineSettings:
    """How to run attribution: device, steps, batch sizes and precision."""

    device: torch.device
    n_steps: int = 50
    batch_size: int = 16
    autocast: bool = False
    delta_tolerance: float = 0.05
    max_internal_batch_size: int | None = None
    memory_fraction: float = 0.5  # of free memory; CPU runs use half of this (the machine is shared)
    padding_side: Literal["left", "right"] = "right"  # decoder classifiers read the last position: left


@dataclass
class EngineReport:
    """What happened: internal batch sizes, out-of-memory back-offs, convergence."""

    internal_batch_sizes: list[int] = field(default_factory=list)
    oom_backoffs: int = 0
    n_over_tolerance: int = 0
    n_recomputed: int = 0
    n_recomputed_full_precision: int = 0
    n_still_over: int = 0
    recompute_steps: int | None = None


def is_oom(exc: BaseException) -> bool:
    """Whether ``exc`` means the device ran out of memory."""
    if isinstance(exc, (torch.cuda.OutOfMemoryError, MemoryError)):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


def _free_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        return int(torch.cuda.mem_get_info(device)[0])
    import psutil

    return int(psutil.virtual_memory().available)


def rows_budget(model: nn.Module, seq_len: int, device: torch.device, *, fraction: float = 0.5) -> int:
    """How many (example x step) rows of length ``seq_len`` fit in ``fraction`` of free memory.

    The estimate counts the activations a transformer keeps for the backward pass
    (about ``34 * hidden + 5 * heads * seq_len`` values per token per layer, fp32).
    """
    config = getattr(model, "config", None)
    hidden = int(getattr(config, "hidden_size", 768) or 768)
    layers = int(getattr(config, "num_hidden_layers", 12) or 12)
    heads = int(getattr(config, "num_attention_heads", 12) or 12)
    per_row = seq_len * layers * (34 * hidden + 5 * heads * seq_len) * 4
    share = fraction if device.type == "cuda" else fraction / 2
    return max(1, int(_free_bytes(device) * share) // max(per_row, 1))


@contextlib.contextmanager
def _autocast(model: nn.Module, settings: EngineSettings, enabled: bool = True) -> Iterator[None]:
    if not (settings.autocast and enabled):
        yield
    elif settings.device.type == "cuda":
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        with torch.autocast(device_type="cuda", dtype=dtype):
            yield
    elif settings.device.type == "cpu" and cpu_has_native_bf16():
        if _CPU_BF16_WEIGHTS:
            with attention_implementation(model, "eager"), bf16_weights(model):
                yield
        else:
            with attention_implementation(model, "eager"), torch.autocast(device_type="cpu", dtype=torch.bfloat16):
                yield
    else:
        yield


@contextlib.contextmanager
def bf16_weights(model: nn.Module) -> Iterator[None]:
    """Hold ``model``'s floating parameters and buffers in bf16 inside the block; the originals come back after.

    The original tensors are kept (not cast back), so the model is bit-for-bit what it was,
    error or not.
    """
    saved: list[tuple[Tensor, Tensor]] = []
    try:
        for tensor in [*model.parameters(), *model.buffers()]:
            if tensor.is_floating_point() and tensor.dtype != torch.bfloat16:
                saved.append((tensor, tensor.data))
                tensor.data = tensor.data.to(torch.bfloat16)
        yield
    finally:
        for tensor, data in saved:
            tensor.data = data


def _batches(lengths: Sequence[int], indices: Sequence[int], size: int, max_padding: float = 1.0) -> Iterator[list[int]]:
    """Longest first, at most ``size`` examples per batch, none padded by more than ``max_padding`` of the width."""
    order = sorted(indices, key=lambda i: (-lengths[i], i))
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) >= size or lengths[i] < (1.0 - max_padding) * lengths[batch[0]]):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _max_padding(device: torch.device) -> float:
    """How much padding an attribution batch may carry.

    On CPU every padded token costs a full row of work while one example's steps
    (50 rows of ~100 tokens) already make matrix products large, so a batch joins
    only examples within 10% of the longest one's length; passes are then cut to a
    token budget (:data:`_CPU_TOKENS_PER_PASS`), several examples sharing a pass
    with fewer steps each. The attention mask keeps padding out of the results.
    Accelerators need wide batches to be busy, so any padding is allowed there.
    """
    return _CPU_MAX_PADDING if device.type == "cpu" else 1.0


def _span(n: int, width: int, side: str) -> slice:
    """Where an example of ``n`` tokens sits in a row of ``width`` padded on ``side``."""
    return slice(width - n, width) if side == "left" else slice(0, n)


def _pad(encoded: Sequence[EncodedText], rows: Sequence[int], pad_id: int, device: torch.device,
         side: str = "right") -> tuple[Tensor, Tensor, Tensor]:
    width = max(len(encoded[i].ids) for i in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    keep = torch.zeros((len(rows), width), dtype=torch.bool)
    for r, i in enumerate(rows):
        span = _span(len(encoded[i].ids), width, side)
        ids[r, span] = torch.tensor(encoded[i].ids)
        mask[r, span] = 1
        keep[r, span] = torch.tensor(encoded[i].special)
    baseline = torch.where(keep, ids, torch.full_like(ids, pad_id))
    return ids.to(device), mask.to(device), baseline.to(device)


def _too_big(n_tokens: int, device: torch.device) -> ExplainError:
    return ExplainError(
        f"one example of {n_tokens} tokens does not fit in memory even one step at a time on {device.type}; "
        "lower model.max_length or use explain.device: cpu"
    )


def _forward_rows(model: nn.Module, encoded: Sequence[EncodedText], rows: list[int], settings: EngineSettings,
                  pad_id: int, baseline: bool = False) -> np.ndarray:
    """Full-precision logits of ``rows`` (of their [PAD] baselines with ``baseline``); halved on OOM."""
    try:
        ids, mask, base = _pad(encoded, rows, pad_id, settings.device, settings.padding_side)
        with torch.no_grad():
            logits = model(input_ids=base if baseline else ids, attention_mask=mask).logits.float()
        return logits.cpu().numpy()
    except Exception as exc:  # noqa: BLE001 - only memory errors are handled, others re-raised
        if not is_oom(exc):
            raise
    if settings.device.type == "cuda":
        torch.cuda.empty_cache()
    if len(rows) == 1:
        raise _too_big(len(encoded[rows[0]].ids), settings.device)
    half = len(rows) // 2
    return np.concatenate([_forward_rows(model, encoded, part, settings, pad_id, baseline)
                           for part in (rows[:half], rows[half:])])


def predict_logits(model: nn.Module, encoded: Sequence[EncodedText], settings: EngineSettings, pad_id: int, *,
                   baseline: bool = False) -> np.ndarray:
    """Full-precision logits ``(n, n_labels)`` of each encoded text, or of its [PAD] baseline (batched, no gradients)."""
    lengths = [len(e.ids) for e in encoded]
    n_labels = int(getattr(model.config, "num_labels", 2))
    out = np.zeros((len(encoded), n_labels), dtype=np.float32)
    for rows in _batches(lengths, range(len(encoded)), max(1, settings.batch_size * 4)):
        out[rows] = _forward_rows(model, encoded, rows, settings, pad_id, baseline)
    return out


def predict_proba(model: nn.Module, encoded: Sequence[EncodedText], settings: EngineSettings, pad_id: int) -> np.ndarray:
    """Class probabilities ``(n, n_labels)`` for each encoded text (batched, no gradients, halved on OOM)."""
    return softmax(predict_logits(model, encoded, settings, pad_id))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a logits array, computed in float32 as the model's own would be."""
    return torch.softmax(torch.as_tensor(logits, dtype=torch.float32), dim=-1).numpy().astype(np.float64)


def _attribute_batch(
    explainer: Explainer, model: nn.Module, batch: AttributionBatch, n_steps: int, ibs: int,
    settings: EngineSettings, report: EngineReport, precise: bool,
) -> tuple[Tensor, Tensor | None]:
    """One Captum call; on out-of-memory halve the internal batch, then split the examples."""
    try:
        with _autocast(model, settings, enabled=explainer.has_delta and not precise):
            if explainer.completeness:  # the engine measures the sum against fp32 endpoints itself
                return explainer.attribute(model, batch, n_steps=n_steps, internal_batch_size=ibs,  # type: ignore[call-arg]
                                           delta=False)
            return explainer.attribute(model, batch, n_steps=n_steps, internal_batch_size=ibs)
    except Exception as exc:  # noqa: BLE001 - only memory errors are handled, others re-raised
        if not is_oom(exc):
            raise
    report.oom_backoffs += 1
    if settings.device.type == "cuda":
        torch.cuda.empty_cache()
    _LOG.warning("attribution ran out of memory (batch %d, internal batch %d); backing off", batch.size, ibs)
    if ibs > batch.size:
        return _attribute_batch(explainer, model, batch, n_steps, max(batch.size, ibs // 2), settings, report, precise)
    if batch.size == 1:
        raise _too_big(int(batch.attention_mask.sum()), settings.device)
    half = batch.size // 2
    parts = [batch.subset(torch.arange(0, half)), batch.subset(torch.arange(half, batch.size))]
    results = [_attribute_batch(explainer, model, p, n_steps, max(1, ibs // 2), settings, report, precise) for p in parts]
    scores = torch.cat([r[0] for r in results])
    deltas = [r[1] for r in results]
    return scores, (torch.cat(deltas) if all(d is not None for d in deltas) else None)  # type: ignore[arg-type]


def _run(
    explainer: Explainer, model: nn.Module, encoded: Sequence[EncodedText], rows_to_do: Sequence[int],
    targets: np.ndarray, n_steps: int, settings: EngineSettings, report: EngineReport, pad_id: int, precise: bool,
) -> tuple[dict[int, np.ndarray], dict[int, float]]:
    lengths = [len(e.ids) for e in encoded]
    scores: dict[int, np.ndarray] = {}
    deltas: dict[int, float] = {}
    for rows in _batches(lengths, rows_to_do, settings.batch_size, _max_padding(settings.device)):
        ids, mask, baseline = _pad(encoded, rows, pad_id, settings.device, settings.padding_side)
        target = torch.as_tensor(targets[rows], dtype=torch.long, device=settings.device)
        batch = AttributionBatch(ids, mask, baseline, target)
        budget = rows_budget(model, int(ids.shape[1]), settings.device, fraction=settings.memory_fraction)
        if settings.device.type == "cpu":
            budget = min(budget, max(1, _CPU_TOKENS_PER_PASS // int(ids.shape[1])))
        if settings.max_internal_batch_size is not None:
            budget = min(budget, settings.max_internal_batch_size)
        sub, steps_per = plan_internal_batch(batch.size, n_steps, budget)
        parts = []
        for start in range(0, batch.size, sub):
            part = batch.subset(torch.arange(start, min(batch.size, start + sub)))
            report.internal_batch_sizes.append(part.size * steps_per)
            parts.append(_attribute_batch(explainer, model, part, n_steps, part.size * steps_per, settings, report, precise))
        attr = torch.cat([p[0] for p in parts])
        delta = torch.cat([p[1] for p in parts]) if all(p[1] is not None for p in parts) else None  # type: ignore[misc]
        attr_np = attr.detach().float().cpu().numpy()
        delta_np = None if delta is None else delta.detach().float().cpu().numpy().reshape(-1)
        for r, i in enumerate(rows):
            scores[i] = attr_np[r, _span(len(encoded[i].ids), attr_np.shape[1], settings.padding_side)].astype(np.float64)
            if delta_np is not None and delta_np.size == len(rows):
                deltas[i] = float(delta_np[r])
    return scores, deltas


def plan_internal_batch(n_examples: int, n_steps: int, budget: int) -> tuple[int, int]:
    """Split work into passes of at most ``budget`` rows: ``(examples per pass, steps per pass)``.

    Steps are spread evenly over the passes (50 steps in budget 30 -> 2 x 25, not 30 + 20).
    """
    sub = min(n_examples, max(1, budget))
    steps_per = max(1, min(n_steps, budget // sub))
    steps_per = math.ceil(n_steps / math.ceil(n_steps / steps_per))
    return sub, steps_per


def _relative_delta(score: np.ndarray, delta: float) -> float:
    return abs(delta) / max(1.0, abs(float(score.sum()) - delta))


def _relative_gap(score: np.ndarray, change: float) -> float:
    """``|sum(score) - change| / max(1, |change|)``: the completeness gap against the true logit change."""
    return abs(float(score.sum()) - change) / max(1.0, abs(change))


def recompute_steps(n_steps: int, relative_delta: float, tolerance: float) -> int:
    """Integration steps for an example whose relative delta at ``n_steps`` was ``relative_delta``.

    The quadrature error is taken to fall at least as ``1 / steps`` (Gauss-Legendre
    falls faster on smooth paths), so ``n_steps * relative_delta / (tolerance / 2)``
    steps bring it to half the tolerance: at least twice ``n_steps``, at most
    :data:`_RECOMPUTE_FACTOR` times (and :data:`_MAX_RECOMPUTE_STEPS`).
    """
    wanted = math.ceil(n_steps * relative_delta / (tolerance / 2)) if tolerance > 0 else n_steps * _RECOMPUTE_FACTOR
    return int(min(_MAX_RECOMPUTE_STEPS, n_steps * _RECOMPUTE_FACTOR, max(2 * n_steps, wanted)))


def _logit_changes(model: nn.Module, encoded: Sequence[EncodedText], rows: Sequence[int], targets: np.ndarray,
                   settings: EngineSettings, pad_id: int) -> dict[int, float]:
    """Full-precision ``f(x) - f(baseline)`` of each row's target logit.

    One unpadded two-row pass (input, baseline) per example, so the figure does not
    depend on which other examples share a batch (a stream of chunks reports what
    one call reports).
    """
    out = {}
    for i in rows:
        ids, mask, base = _pad(encoded, [i], pad_id, settings.device, settings.padding_side)
        try:
            with torch.no_grad():
                pair = model(input_ids=torch.cat([ids, base]), attention_mask=torch.cat([mask, mask])).logits.float()
            fx, fb = float(pair[0, targets[i]]), float(pair[1, targets[i]])
        except Exception as exc:  # noqa: BLE001 - only memory errors are handled, others re-raised
            if not is_oom(exc):
                raise
            fx = float(_forward_rows(model, encoded, [i], settings, pad_id)[0, targets[i]])
            fb = float(_forward_rows(model, encoded, [i], settings, pad_id, baseline=True)[0, targets[i]])
        out[i] = fx - fb
    return out


def reduces_precision(settings: EngineSettings) -> bool:
    """Whether path-method passes run below full precision here (autocast on CUDA, bf16 on a bf16-capable CPU)."""
    if not settings.autocast:
        return False
    return settings.device.type == "cuda" or (settings.device.type == "cpu" and cpu_has_native_bf16())


def _recompute(explainer: Explainer, model: nn.Module, encoded: Sequence[EncodedText], over: list[int],
               targets: np.ndarray, settings: EngineSettings, report: EngineReport, pad_id: int,
               scores: dict[int, np.ndarray], rel: dict[int, float], relative: Any) -> None:
    """Recompute ``over`` with the step count each one's delta asks for; update in place.

    When the first pass of a path integral (``completeness``) ran below full
    precision, the examples are first recomputed in that precision (most gaps are
    quadrature error, which more steps remove at half the cost of fp32); those
    still over the tolerance are then recomputed in full precision at the step
    count their first delta asked for, exactly as if the cheap retry had not
    happened. Examples are grouped by step count.
    """
    first = {i: rel[i] for i in over}
    todo = list(over)
    for precise in ([False, True] if reduces_precision(settings) and explainer.completeness else [True]):
        by_steps: dict[int, list[int]] = {}
        for i in todo:
            by_steps.setdefault(recompute_steps(settings.n_steps, first[i], settings.delta_tolerance), []).append(i)
        report.recompute_steps = max(report.recompute_steps or 0, *by_steps)
        for steps, group in sorted(by_steps.items()):
            _LOG.info("recomputing %d examples above the delta tolerance with %d steps%s", len(group), steps,
                      " in full precision" if precise else "")
            new_scores, new_raw = _run(explainer, model, encoded, group, targets, steps, settings, report, pad_id,
                                       precise)
            scores.update({i: new_scores[i] for i in group})
            rel.update(relative(new_scores, new_raw, group))
        if precise:
            report.n_recomputed_full_precision = len(todo)
        todo = [i for i in todo if rel[i] > settings.delta_tolerance]
        if not todo:
            break
    report.n_recomputed = len(over)
    report.n_still_over = len(todo)


def attribute_all(
    explainer: Explainer, model: nn.Module, encoded: Sequence[EncodedText], rows: Sequence[int],
    targets: np.ndarray, settings: EngineSettings, pad_id: int,
) -> tuple[dict[int, np.ndarray], dict[int, float], EngineReport]:
    """Attribute ``rows`` of ``encoded`` towards ``targets``; recompute poorly converged examples.

    For methods with ``completeness`` the convergence delta is the sum of the attributions
    minus the full-precision change of the target logit from baseline to
    input; other path methods report Captum's delta.

    Each example over ``settings.delta_tolerance`` is recomputed with a step
    count chosen from its delta (:func:`recompute_steps`), grouped by that count:
    first in the first pass's precision when that was reduced, then in full
    precision for those still over (see :func:`_recompute`).

    Returns
    -------
    scores, deltas, report
        Per-row token attributions (full sequence incl. special tokens), per-row
        relative convergence delta ``|delta| / max(1, |f(x) - f(baseline)|)``
        for path methods, and what the engine did.
    """
    report = EngineReport()
    if settings.batch_size < 1 or settings.n_steps < 1:
        raise ExplainError(f"batch_size and n_steps must be at least 1; got {settings.batch_size} and {settings.n_steps}")
    rows = list(rows)
    change = _logit_changes(model, encoded, rows, targets, settings, pad_id) if explainer.completeness else {}

    def relative(score: dict[int, np.ndarray], raw: dict[int, float], todo: Sequence[int]) -> dict[int, float]:
        if explainer.completeness:
            return {i: _relative_gap(score[i], change[i]) for i in todo}
        return {i: _relative_delta(score[i], raw[i]) for i in todo if i in raw}

    scores, raw = _run(explainer, model, encoded, rows, targets, settings.n_steps, settings, report, pad_id, False)
    rel = relative(scores, raw, rows) if explainer.has_delta else {}
    over = [i for i, d in rel.items() if d > settings.delta_tolerance]
    report.n_over_tolerance = len(over)
    if over:
        _recompute(explainer, model, encoded, over, targets, settings, report, pad_id, scores, rel, relative)
    return scores, rel, report
