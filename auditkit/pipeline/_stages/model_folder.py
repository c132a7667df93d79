"""Stage ``train`` of ``auditkit audit``: the user's model folder, audited as given, in place of training.

The folder named by ``model.path`` (safetensors only: a pickle is refused) is
copied to ``model/`` so every later stage, the scorecard's identity section and
the gate read and hash the same files as after ``auditkit run``. Its file hashes
are the stage's input key, so a changed model re-runs every audit stage and an
unchanged one is neither copied nor audited again. The stage records
``not_run`` (nothing was trained) and keeps ``model/``.
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


def _run(ctx: StageContext) -> dict[str, Any]:
    source = check_safe_folder(_source(ctx))
    target = ctx.path("model")
    if _digests(target) != _digests(source):
        with atomic_dir(target) as tmp:
            for item in _files(source):
                shutil.copy2(item, tmp / item.name)
    raise StageSkipped(REASON, keep_outputs=True)


def _inputs(ctx: StageContext) -> list[Path]:
    source = _source(ctx)
    return _files(source) if source.is_dir() else [source]


STAGE = Stage(name="train", run=_run, config_sections=("model",), inputs=_inputs, outputs=("model",))
