"""Stage ``train`` of ``auditkit audit``: the user's model folder, audited as given, in place of training.

The folder named by ``model.path`` (safetensors only: a pickle is refused) is
referenced, not copied: ``model/`` in the run folder becomes a link to it, so every
later stage, the scorecard's identity section (which records each file's SHA-256)
and the gate read and hash the same files as after ``auditkit run``, without a
second copy of the weights. ``model.copy_into_run`` (``--copy-model``) copies the
files instead, for a run folder that must stand on its own; so does a file system
without symbolic links. Its file hashes are the stage's input key, so a changed
model re-runs every audit stage and an unchanged one is neither copied nor audited
again. The stage records ``not_run`` (nothing was trained), says where the model
came from, and keeps ``model/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from auditkit._io import atomic_dir, sha256_file
from auditkit._model_io import check_safe_folder
from auditkit.exceptions import DataError
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped

__all__ = ["REASON", "STAGE"]

REASON = "model trained elsewhere; audited as given"


def _source(ctx: StageContext) -> Path:
    if ctx.config.model.path is None:
        raise DataError("an audit needs model.path: the folder of the classifier to audit")
    return Path(ctx.config.model.path)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in _files(folder)} if folder.is_dir() else {}


def _copy(source: Path, target: Path) -> None:
    if target.is_symlink():
        target.unlink()
    if _digests(target) != _digests(source):
        with atomic_dir(target) as tmp:
            for item in _files(source):
                shutil.copy2(item, tmp / item.name)


def _link(source: Path, target: Path) -> bool:
    """Point ``target`` at ``source``; ``False`` when this file system cannot link (the caller copies)."""
    if target.is_symlink() and target.resolve() == source:
        return True
    if target.is_symlink():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    try:
        target.symlink_to(source, target_is_directory=True)
    except OSError:
        return False
    return True


def _run(ctx: StageContext) -> dict[str, Any]:
    source = check_safe_folder(_source(ctx)).resolve()
    target = ctx.path("model")
    linked = not ctx.config.model.copy_into_run and _link(source, target)
    if not linked:
        _copy(source, target)
    raise StageSkipped(f"{REASON} ({'linked to' if linked else 'copied from'} {source})", keep_outputs=True)


def _inputs(ctx: StageContext) -> list[Path]:
    source = _source(ctx)
    return _files(source) if source.is_dir() else [source]


STAGE = Stage(name="train", run=_run, config_sections=("model",), inputs=_inputs, outputs=("model",))
