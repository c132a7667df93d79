"""Pickle-free trainer state: optimizer, scheduler, scaler and RNG state as safetensors + JSON.

transformers writes these with ``torch.save`` (a pickle). Here a nested state
(dicts, lists, tuples, numbers, strings, tensors, numpy arrays) is split into
its tensors, saved with safetensors, and a JSON skeleton that records where each
tensor goes and which containers were tuples or had non-string keys. Loading
rebuilds the exact structure without unpickling anything. A state holding any
other type raises :class:`TypeError`, and the caller falls back to the
transformers format (read back with ``weights_only=True``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from auditkit._io import atomic_write_text

__all__ = ["SafeStateMixin", "has_state", "load_state", "save_state"]

_FORMAT = "auditkit-state/1"


def _encode(obj: Any, tensors: dict[str, Any], path: str) -> Any:
    import torch

    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, torch.Tensor):
        tensors[path] = obj.detach().to("cpu").clone().contiguous()
        return {"__tensor__": path}
    if isinstance(obj, np.ndarray):
        tensors[path] = torch.from_numpy(np.ascontiguousarray(obj).astype(np.int64 if obj.dtype.kind in "iu" else obj.dtype))
        return {"__ndarray__": path, "dtype": obj.dtype.str}
    if isinstance(obj, np.generic):
        return _encode(obj.item(), tensors, path)
    if isinstance(obj, tuple):
        return {"__tuple__": [_encode(v, tensors, f"{path}.{i}") for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [_encode(v, tensors, f"{path}.{i}") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj) and not any(k.startswith("__") for k in obj):
            return {k: _encode(v, tensors, f"{path}.{i}") for i, (k, v) in enumerate(obj.items())}
        return {"__items__": [[_encode(k, tensors, f"{path}.k{i}"), _encode(v, tensors, f"{path}.v{i}")]
                              for i, (k, v) in enumerate(obj.items())]}
    raise TypeError(f"cannot store {type(obj).__name__} without pickle")


def _decode(obj: Any, tensors: dict[str, Any]) -> Any:
    if isinstance(obj, list):
        return [_decode(v, tensors) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__tensor__" in obj:
        return tensors[obj["__tensor__"]]
    if "__ndarray__" in obj:
        return tensors[obj["__ndarray__"]].numpy().astype(np.dtype(obj["dtype"]))
    if "__tuple__" in obj:
        return tuple(_decode(v, tensors) for v in obj["__tuple__"])
    if "__items__" in obj:
        return {_decode(k, tensors): _decode(v, tensors) for k, v in obj["__items__"]}
    return {k: _decode(v, tensors) for k, v in obj.items()}


def save_state(folder: str | os.PathLike[str], name: str, state: Any) -> None:
    """Write ``state`` as ``<name>.safetensors`` + ``<name>.json`` in ``folder``.

    Raises
    ------
    TypeError
        When the state holds a type that cannot be stored without pickle.
    """
    import safetensors.torch

    tensors: dict[str, Any] = {}
    skeleton = _encode(state, tensors, "s")
    root = Path(folder)
    if tensors:
        safetensors.torch.save_file(tensors, str(root / f"{name}.safetensors"))
    doc = {"format": _FORMAT, "has_tensors": bool(tensors), "state": skeleton}
    atomic_write_text(root / f"{name}.json", json.dumps(doc, allow_nan=True) + "\n")


def has_state(folder: str | os.PathLike[str], name: str) -> bool:
    """Whether ``folder`` holds a state saved by :func:`save_state` under ``name``."""
    return (Path(folder) / f"{name}.json").is_file()


def load_state(folder: str | os.PathLike[str], name: str, *, device: str = "cpu") -> Any:
    """Rebuild a state written by :func:`save_state` (no unpickling)."""
    import safetensors.torch

    root = Path(folder)
    doc = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
        raise ValueError(f"{name}.json has an unknown format; expected {_FORMAT}")
    tensors = safetensors.torch.load_file(str(root / f"{name}.safetensors"), device=device) if doc["has_tensors"] else {}
    return _decode(doc["state"], tensors)


def _plain_setup(trainer: Any) -> bool:
    """True for single-process or DDP training without DeepSpeed, FSDP, XLA or SageMaker MP."""
    from transformers.utils import is_sagemaker_mp_enabled, is_torch_xla_available

    return not (trainer.is_deepspeed_enabled or trainer.is_fsdp_enabled or is_torch_xla_available()
                or is_sagemaker_mp_enabled())


class SafeStateMixin:
    """Trainer overrides that store optimizer, scheduler, scaler and RNG state without pickle.

    For setups this does not cover (DeepSpeed, FSDP, XLA, SageMaker MP, several
    processes for the RNG state) it defers to transformers, whose torch files are
    read back with ``weights_only=True``; on load it uses whichever format is present.
    """

    def _save_optimizer_and_scheduler(self, output_dir: str) -> None:
        trainer: Any = self
        if not _plain_setup(trainer):
            return super()._save_optimizer_and_scheduler(output_dir)  # type: ignore[misc,no-any-return]
        if not trainer.args.should_save:
            return None
        try:
            save_state(output_dir, "optimizer", trainer.optimizer.state_dict())
            save_state(output_dir, "scheduler", trainer.lr_scheduler.state_dict())
        except TypeError:
            for stem in ("optimizer", "scheduler"):
                for suffix in (".json", ".safetensors"):
                    (Path(output_dir) / f"{stem}{suffix}").unlink(missing_ok=True)
            return super()._save_optimizer_and_scheduler(output_dir)  # type: ignore[misc,no-any-return]
        return None

    def _load_optimizer_and_scheduler(self, checkpoint: str | None) -> None:
        trainer: Any = self
        if checkpoint is None or not has_state(checkpoint, "optimizer") or not _plain_setup(trainer):
            return super()._load_optimizer_and_scheduler(checkpoint)  # type: ignore[misc,no-any-return]
        trainer.optimizer.load_state_dict(load_state(checkpoint, "optimizer"))
        trainer.lr_scheduler.load_state_dict(load_state(checkpoint, "scheduler"))
        return None

    def _save_scaler(self, output_dir: str) -> None:
        trainer: Any = self
        scaler = getattr(trainer.accelerator, "scaler", None)
        if scaler is None or not _plain_setup(trainer):
            return super()._save_scaler(output_dir)  # type: ignore[misc,no-any-return]
        if trainer.args.should_save:
            save_state(output_dir, "scaler", scaler.state_dict())
        return None

    def _load_scaler(self, checkpoint: str | None) -> None:
        trainer: Any = self
        scaler = getattr(trainer.accelerator, "scaler", None)
        if checkpoint is None or scaler is None or not has_state(checkpoint, "scaler"):
            return super()._load_scaler(checkpoint)  # type: ignore[misc,no-any-return]
        scaler.load_state_dict(load_state(checkpoint, "scaler"))
        return None

    def _save_rng_state(self, output_dir: str) -> None:
        import random

        import torch

        trainer: Any = self
        if trainer.args.world_size > 1 or not _plain_setup(trainer):
            return super()._save_rng_state(output_dir)  # type: ignore[misc,no-any-return]
        states: dict[str, Any] = {
            "python": random.getstate(),
            "numpy": np.random.get_state(),
            "cpu": torch.random.get_rng_state(),
        }
        if torch.cuda.is_available():
            states["cuda"] = torch.cuda.random.get_rng_state()
        os.makedirs(output_dir, exist_ok=True)
        save_state(output_dir, "rng_state", states)
        return None

    def _load_rng_state(self, checkpoint: str | None) -> None:
        import random

        import torch

        if checkpoint is None or not has_state(checkpoint, "rng_state"):
            return super()._load_rng_state(checkpoint)  # type: ignore[misc,no-any-return]
        states = load_state(checkpoint, "rng_state")
        random.setstate(states["python"])
        np.random.set_state(states["numpy"])
        torch.random.set_rng_state(states["cpu"])
        if "cuda" in states and torch.cuda.is_available():
            torch.cuda.random.set_rng_state(states["cuda"])
        return None
