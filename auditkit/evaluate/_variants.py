"""Deployment variants of a classifier, built on CPU: what the model will really be when it ships.

``int8_dynamic`` quantises every ``Linear`` layer to int8 with dynamic activation
quantisation and every embedding table to 8 bits per row (weight-only): the
embeddings are half of a small encoder, so quantising only the linear layers
would leave the model at about two thirds of its size. ``bf16`` / ``fp16`` cast
the weights. ``prune_30`` / ``prune_50`` zero that share of all ``Linear`` weights
by global magnitude (``torch.nn.utils.prune``) and make the pruning permanent.

A variant is built in memory from a deep copy; its size on disk is measured by
writing its tensors as safetensors (quantised tensors as their integer values
plus scales and zero points) into a temporary folder that is removed at once, so
nothing but safetensors is ever written and nothing leaves that folder.
"""

from __future__ import annotations

import copy
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from auditkit.evaluate._bootstrap import percentile_interval
from auditkit.exceptions import DataError
from auditkit.scorecard import Metric

__all__ = ["VARIANTS", "VariantName", "build_variant", "latency_per_example", "safetensors_size", "sparsity"]

VariantName = Literal["int8_dynamic", "bf16", "fp16", "prune_30", "prune_50"]
VARIANTS: tuple[str, ...] = ("int8_dynamic", "bf16", "fp16", "prune_30", "prune_50")


def _quantize_int8(model: torch.nn.Module) -> torch.nn.Module:
    from torch.ao.quantization import default_dynamic_qconfig, float_qparams_weight_only_qconfig, quantize_dynamic

    spec = {torch.nn.Linear: default_dynamic_qconfig, torch.nn.Embedding: float_qparams_weight_only_qconfig}
    model = quantize_dynamic(model, spec, dtype=torch.qint8)
    for module in model.modules():
        if isinstance(module, torch.ao.nn.quantized.Embedding):
            module.register_forward_pre_hook(_contiguous_indices)
    return model


def _contiguous_indices(_module: torch.nn.Module, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The quantised embedding kernel refuses strided indices (BERT's default ``token_type_ids`` are an expanded view)."""
    return tuple(a.contiguous() if isinstance(a, torch.Tensor) else a for a in args)


def _prune(model: torch.nn.Module, amount: float) -> torch.nn.Module:
    from torch.nn.utils import prune

    params = [(m, "weight") for m in model.modules() if isinstance(m, torch.nn.Linear)]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=amount)
    for module, name in params:
        prune.remove(module, name)
    return model


def build_variant(model: torch.nn.Module, kind: str) -> torch.nn.Module:
    """A deployment variant of ``model`` (left unchanged), in eval mode on CPU.

    Raises
    ------
    DataError
        When ``kind`` is not one of :data:`VARIANTS`.
    """
    if kind not in VARIANTS:
        raise DataError(f"unknown deployment variant {kind!r}; expected one of {', '.join(VARIANTS)}")
    variant = copy.deepcopy(model).to("cpu").eval()
    if kind == "int8_dynamic":
        variant = _quantize_int8(variant)
    elif kind in ("bf16", "fp16"):
        variant = variant.to(torch.bfloat16 if kind == "bf16" else torch.float16)
    else:
        variant = _prune(variant, int(kind.split("_")[1]) / 100.0)
    return variant.eval()


def _flat_tensors(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Every tensor the model needs, quantised ones as integer values plus their quantisation parameters."""
    out: dict[str, torch.Tensor] = {}
    for name, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if callable(weight) and module.__class__.__module__.startswith("torch.ao.nn.quantized"):
            q, bias = _quantized_weight(module)
            out[f"{name}.weight.int"] = q.int_repr().contiguous()
            out.update(_qparams(q, f"{name}.weight"))
            if bias is not None:
                out[f"{name}.bias"] = bias.detach().contiguous()
    for key, value in model.state_dict().items():
        if isinstance(value, torch.Tensor) and not value.is_quantized and key not in out:
            prefix = key.rsplit(".", 1)[0]
            if f"{prefix}.weight.int" not in out:
                out[key] = value.detach().contiguous()
    return out


def _quantized_weight(module: torch.nn.Module) -> tuple[torch.Tensor, torch.Tensor | None]:
    weight = module.weight()  # type: ignore[operator]
    bias = module.bias() if callable(getattr(module, "bias", None)) else None  # type: ignore[operator]
    return weight, bias


def _qparams(q: torch.Tensor, prefix: str) -> dict[str, torch.Tensor]:
    if q.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        return {f"{prefix}.scale": torch.tensor([q.q_scale()]), f"{prefix}.zero_point": torch.tensor([q.q_zero_point()])}
    return {f"{prefix}.scale": q.q_per_channel_scales().float().contiguous(),
            f"{prefix}.zero_point": q.q_per_channel_zero_points().float().contiguous()}


def safetensors_size(model: torch.nn.Module) -> int:
    """Bytes of ``model`` written as one safetensors file (in a temporary folder, removed at once)."""
    from safetensors.torch import save_file

    tensors = {k: v.clone() for k, v in _flat_tensors(model).items()}  # shared storage is refused by save_file
    with tempfile.TemporaryDirectory(prefix="auditkit-variant-") as folder:
        path = Path(folder) / "model.safetensors"
        save_file(tensors, str(path))
        return path.stat().st_size


def sparsity(model: torch.nn.Module) -> float | None:
    """Share of exactly-zero weights over all float ``Linear`` weights (``None`` when there are none)."""
    weights = [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear) and m.weight.is_floating_point()]
    total = sum(int(w.numel()) for w in weights)
    return sum(int((w == 0).sum()) for w in weights) / total if total else None


def latency_per_example(predict_one: Callable[[list[str]], Any], texts: Sequence[str], *, confidence: float = 0.95,
                        n_boot: int = 500, seed: int = 0, warmup: int = 2) -> Metric:
    """Median wall time (ms) of predicting one text at a time, with a bootstrap interval of the median."""
    if not texts:
        return Metric.undefined("no text to time")
    for text in list(texts)[:warmup]:
        predict_one([text])
    times = []
    for text in texts:
        began = time.perf_counter()
        predict_one([text])
        times.append((time.perf_counter() - began) * 1000.0)
    values = np.asarray(times)
    rng = np.random.default_rng(seed)
    medians = np.median(values[rng.integers(0, values.size, size=(n_boot, values.size))], axis=1) if n_boot else np.zeros(0)
    low, high = percentile_interval(medians, confidence) if medians.size else (None, None)
    return Metric(float(np.median(values)), low, high, f"batch size 1 on {torch.get_num_threads()} CPU thread(s)",
                  int(values.size))
