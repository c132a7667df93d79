"""What exactly was audited, and with what software.

The identity section binds the scorecard to the model weights, tokenizer and
data files by SHA-256, so a gate can refuse to release any other model. The
environment section records interpreter and library versions (read from
package metadata, so torch is never imported) and the git commit when the run
folder sits inside a repository.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from auditkit._io import sha256_file

__all__ = ["data_identity", "environment_section", "model_identity"]

_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".onnx")
_TOKENIZER_NAMES = frozenset(
    {
        "tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "merges.txt",
        "special_tokens_map.json", "added_tokens.json", "spiece.model", "sentencepiece.bpe.model",
        "tokenizer.model",
    }
)
_PACKAGES = ("auditkit", "torch", "transformers", "captum", "fairlearn", "presidio-analyzer", "jinja2", "numpy", "pandas")
_GIT_TIMEOUT_S = 5


def _model_name(folder: Path) -> str:
    for meta_name, keys in (("auditkit_meta.json", ("name", "base_model", "model_name")), ("config.json", ("_name_or_path",))):
        meta = folder / meta_name
        if meta.is_file():
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            for key in keys:
                value = data.get(key) if isinstance(data, dict) else None
                if isinstance(value, str) and value:
                    return Path(value).name if Path(value).is_absolute() else value
    return folder.name


def model_identity(folder: Path) -> dict[str, Any]:
    """Hash a model folder: weight files, tokenizer files and configuration files separately."""
    weights: dict[str, str] = {}
    tokenizer: dict[str, str] = {}
    config: dict[str, str] = {}
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = file.relative_to(folder).as_posix()
        if file.name.endswith(_WEIGHT_SUFFIXES):
            weights[rel] = sha256_file(file)
        elif file.name in _TOKENIZER_NAMES:
            tokenizer[rel] = sha256_file(file)
        elif file.suffix == ".json":
            config[rel] = sha256_file(file)
    return {"name": _model_name(folder), "weights": weights, "tokenizer": tokenizer, "config": config}


def _count_rows(file: Path) -> int | None:
    if file.suffix in (".jsonl", ".ndjson"):
        with open(file, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    if file.suffix == ".csv":
        return None  # quoted newlines make a line count wrong; left unknown rather than guessed
    return None


def data_identity(folder: Path) -> dict[str, dict[str, Any]]:
    """Hash each prepared data file and count its rows (JSONL)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {p.relative_to(folder).as_posix(): {"sha256": sha256_file(p), "rows": _count_rows(p)} for p in files}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git_commit(where: Path) -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True,
            timeout=_GIT_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) in (40, 64) else None


def environment_section(where: Path) -> dict[str, Any]:
    """Interpreter, platform, library versions and the git commit of ``where`` (if any)."""
    return {
        "status": "ok",
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(terse=True),
        "packages": {name: _version(name) for name in _PACKAGES},
        "git_commit": _git_commit(where if where.is_dir() else where.parent),
    }
