"""Crash-safe, verifiable training checkpoints.

A checkpoint is written into a hidden temporary sibling folder
(``.checkpoint-<step>.partial``), a ``manifest.json`` of SHA-256 hashes of every
file is added last, and only then is the folder renamed into place
(``checkpoint-<step>``). A process killed mid-save leaves a hidden partial
folder that no reader picks, so the previous checkpoint stays the newest one.
On resume, :func:`latest_verified_checkpoint` returns the newest checkpoint
whose manifest verifies. A folder without a manifest (never finished) is
skipped; a checkpoint whose files do not match its manifest (a missing or
wrong hash, an unlisted file, a forbidden pickle such as ``training_args.bin``,
``pytorch_model.bin`` or ``*.pkl``) was changed after it was written and is
refused with :class:`CheckpointError` naming the file, never resumed from.

:class:`AtomicCheckpointMixin` plugs this into a ``transformers.Trainer``
subclass: it overrides ``_save_checkpoint`` (atomic + manifest), ``_save``
(never writes the ``training_args.bin`` pickle), ``train`` (resume only from a
verified checkpoint) and, through :class:`SafeStateMixin`, the optimizer,
scheduler, scaler and RNG state save/load methods (safetensors + JSON, no
pickle). State outside the model that a resume must restore (the fairness
loss's multiplier and running group sums) is saved the same way. Only setups that need transformers' own format (DeepSpeed, FSDP, XLA,
multi-process RNG state) still write ``optimizer.pt`` & co; transformers reads
those with ``torch.load(weights_only=True)``, after the manifest check.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json, read_json, sha256_file
from auditkit._logging import get_logger
from auditkit.exceptions import CheckpointError
from auditkit.train._checkpoint_state import SafeStateMixin, has_state, load_state, save_state

__all__ = [
    "MANIFEST_NAME",
    "AtomicCheckpointMixin",
    "CheckpointCheck",
    "latest_verified_checkpoint",
    "list_checkpoints",
    "verify_checkpoint",
    "write_checkpoint_atomically",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
_FORMAT = "auditkit-checkpoint/1"
_CHECKPOINT_RE = re.compile(r"^checkpoint-(\d+)$")
#: torch.save files transformers writes into a checkpoint and reads back with ``weights_only=True``.
_ALLOWED_TORCH = re.compile(r"^(optimizer\.pt|scheduler\.pt|scaler\.pt|rng_state(_\d+)?\.pth)$")
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib", ".npy", ".npz")

_log = get_logger(__name__)


@dataclass(frozen=True)
class CheckpointCheck:
    """Outcome of verifying one checkpoint folder.

    Attributes
    ----------
    path:
        The checkpoint folder.
    step:
        Global step parsed from the folder name (``-1`` when the name has none).
    ok:
        True when the manifest verifies.
    problem:
        Why verification failed (file names only), ``None`` when ``ok``.
    sealed:
        True when the folder has a ``manifest.json``: it was finished, so a
        failure means its files changed afterwards (refused, never skipped).
    """

    path: Path
    step: int
    ok: bool
    problem: str | None = None
    sealed: bool = False


def _step_of(path: Path) -> int:
    match = _CHECKPOINT_RE.match(path.name)
    return int(match.group(1)) if match else -1


def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _forbidden(relpath: str) -> bool:
    name = relpath.rsplit("/", 1)[-1]
    return name.lower().endswith(_PICKLE_SUFFIXES) and not _ALLOWED_TORCH.match(name)


def write_manifest(folder: str | os.PathLike[str], *, step: int | None = None) -> dict[str, Any]:
    """Hash every file in ``folder`` and write ``manifest.json`` (the last file written).

    Raises
    ------
    CheckpointError
        When the folder holds a forbidden pickle file.
    """
    root = Path(folder)
    files = [f for f in _files_under(root) if f != MANIFEST_NAME]
    bad = [f for f in files if _forbidden(f)]
    if bad:
        raise CheckpointError(
            f"checkpoint holds pickle file(s) {', '.join(bad)} that auditkit never reads back; "
            "save model weights as safetensors (save_safetensors=True) and do not write training_args.bin"
        )
    manifest = {"format": _FORMAT, "step": step, "files": {f: sha256_file(root / f) for f in files}}
    atomic_write_json(root / MANIFEST_NAME, manifest)
    return manifest


def verify_checkpoint(path: str | os.PathLike[str]) -> CheckpointCheck:
    """Check a checkpoint folder against its manifest without loading anything from it.

    A checkpoint verifies when ``manifest.json`` exists and parses, every listed
    file exists with the recorded SHA-256, no unlisted file is present, and no
    pickle other than the allow-listed trainer state files is present.
    """
    folder = Path(path)
    step = _step_of(folder)
    sealed = (folder / MANIFEST_NAME).is_file()

    def fail(problem: str) -> CheckpointCheck:
        return CheckpointCheck(folder, step, False, problem, sealed)

    if not folder.is_dir():
        return fail("folder not found")
    present = [f for f in _files_under(folder) if f != MANIFEST_NAME]
    forbidden = [f for f in present if _forbidden(f)]
    if forbidden:
        return fail(f"forbidden pickle file(s): {', '.join(forbidden)}")
    try:
        manifest = read_json(folder / MANIFEST_NAME)
    except FileNotFoundError:
        return fail("no manifest.json (incomplete or foreign checkpoint)")
    except (OSError, ValueError):
        return fail("manifest.json is unreadable")
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict) or manifest.get("format") != _FORMAT:
        return fail("manifest.json has an unknown format")
    extra = sorted(set(present) - set(listed))
    if extra:
        return fail(f"file(s) not in manifest: {', '.join(extra)}")
    for name, digest in sorted(listed.items()):
        file = folder / name
        if not file.is_file():
            return fail(f"missing file: {name}")
        if sha256_file(file) != digest:
            return fail(f"hash mismatch: {name}")
    return CheckpointCheck(folder, step, True, None, sealed)


def list_checkpoints(output_dir: str | os.PathLike[str]) -> list[Path]:
    """Checkpoint folders (``checkpoint-<step>``) in ``output_dir``, oldest step first."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and _CHECKPOINT_RE.match(p.name)]
    return sorted(found, key=_step_of)


def latest_verified_checkpoint(output_dir: str | os.PathLike[str]) -> Path | None:
    """Newest checkpoint in ``output_dir`` whose manifest verifies, or ``None``.

    A checkpoint without a manifest (never finished) is skipped and logged by name.

    Raises
    ------
    CheckpointError
        When a newer checkpoint has a manifest its files do not match (a changed,
        missing, unlisted or pickle file): resuming from an older one instead
        would hide the tampering, so nothing is resumed.
    """
    for folder in reversed(list_checkpoints(output_dir)):
        check = verify_checkpoint(folder)
        if check.ok:
            return folder
        if check.sealed:
            raise CheckpointError(
                f"checkpoint {folder.name!r} does not match its manifest ({check.problem}): it changed after it was "
                "written, so auditkit will not resume from it; delete that folder to resume from the previous "
                "checkpoint, or delete the checkpoints folder to start fresh"
            )
        _log.warning("skipping checkpoint %s: %s", folder.name, check.problem)
    return None


def write_checkpoint_atomically(
    target: str | os.PathLike[str],
    write: Callable[[Path], None],
    *,
    step: int | None = None,
    is_main_process: bool = True,
    barrier: Callable[[], None] | None = None,
) -> Path:
    """Run ``write(tmp)`` into a hidden temporary folder, add the manifest, rename to ``target``.

    Parameters
    ----------
    target:
        Final checkpoint folder (``.../checkpoint-<step>``).
    write:
        Writes the checkpoint files into the folder it is given.
    step:
        Recorded in the manifest.
    is_main_process:
        Only the main process clears stale partial folders, writes the manifest and renames.
    barrier:
        Called after ``write`` so every rank has finished writing before the rename.

    Returns
    -------
    Path
        ``target``.
    """
    final = Path(target)
    tmp = final.with_name(f".{final.name}.partial")
    if is_main_process and tmp.exists():
        shutil.rmtree(tmp)
    if barrier is not None:
        barrier()
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        write(tmp)
        if barrier is not None:
            barrier()
        if is_main_process:
            write_manifest(tmp, step=step)
            _fsync_folder(tmp)
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
    except BaseException:
        if is_main_process:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    if barrier is not None:
        barrier()
    return final


def _fsync_folder(root: Path) -> None:
    for file in root.rglob("*"):
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())


class AtomicCheckpointMixin(SafeStateMixin):
    """Mixin for a ``transformers.Trainer`` subclass: atomic, verified, pickle-light checkpoints.

    Put it first in the bases: ``class FairTrainer(AtomicCheckpointMixin, Trainer)``.
    It overrides three Trainer methods (checked against transformers 5.x):

    - ``_save_checkpoint``: writes the model (safetensors), optimizer/scheduler/
      scaler/RNG state and ``trainer_state.json`` into ``.checkpoint-N.partial``,
      writes ``manifest.json``, then renames to ``checkpoint-N`` and rotates old ones.
    - through :class:`SafeStateMixin`: optimizer, scheduler, scaler and RNG state
      are stored as safetensors + JSON (no pickle) and read back the same way.
    - ``_save``: ``save_pretrained`` + tokenizer only; the ``training_args.bin``
      pickle is never written (transformers never reads it back either).
    - ``train``: ``resume_from_checkpoint=True`` resolves to the newest *verified*
      checkpoint; an explicit path must verify, else :class:`CheckpointError`.
    """

    def _save(self, output_dir: str | None = None, state_dict: dict[str, Any] | None = None) -> None:
        trainer: Any = self
        out = output_dir if output_dir is not None else trainer.args.output_dir
        if not trainer.args.should_save:
            return
        os.makedirs(out, exist_ok=True)
        model = trainer.accelerator.unwrap_model(trainer.model, keep_torch_compile=False)
        if hasattr(model, "save_pretrained"):
            model.save_pretrained(out, state_dict=state_dict, is_main_process=True)
        else:
            import safetensors.torch

            weights = state_dict if state_dict is not None else model.state_dict()
            safetensors.torch.save_file(weights, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
        if trainer.processing_class is not None:
            trainer.processing_class.save_pretrained(out)

    def _save_checkpoint(self, model: Any, trial: Any) -> None:
        trainer: Any = self
        state = trainer.state
        if trainer.hp_search_backend is None and trial is None:
            trainer.store_flos()
        run_dir = Path(trainer._get_output_dir(trial=trial))
        target = run_dir / f"checkpoint-{state.global_step}"
        if state.best_global_step:
            best = run_dir / f"checkpoint-{state.best_global_step}"
            if best.exists() or state.best_global_step == state.global_step:
                state.best_model_checkpoint = str(best)
        write_checkpoint_atomically(
            target,
            self._write_checkpoint_files,
            step=int(state.global_step),
            is_main_process=bool(trainer.args.should_save),
            barrier=trainer.accelerator.wait_for_everyone if trainer.args.world_size > 1 else None,
        )
        if trainer.args.should_save:
            from transformers.trainer_utils import rotate_checkpoints

            rotate_checkpoints(
                output_dir=str(run_dir),
                save_total_limit=trainer.args.save_total_limit,
                best_model_checkpoint=state.best_model_checkpoint,
                use_mtime=False,
            )

    def _write_checkpoint_files(self, folder: Path) -> None:
        trainer: Any = self
        out = str(folder)
        trainer.save_model(out, _internal_call=True)
        if not trainer.args.save_only_model:
            trainer._save_optimizer_and_scheduler(out)
            trainer._save_scaler(out)
            trainer._save_rng_state(out)
        if trainer.args.should_save:
            for name, module in self._stateful_modules().items():
                save_state(out, name, module.state_dict())
            self._update_stateful_callbacks()
            trainer.state.save_to_json(os.path.join(out, "trainer_state.json"))

    def _stateful_modules(self) -> dict[str, Any]:
        """Torch modules outside the model whose state a resume restores, by file stem; none here."""
        return {}

    def _load_stateful_modules(self, checkpoint: str) -> None:
        """Restore every :meth:`_stateful_modules` entry from ``checkpoint`` (refused when absent or unfit)."""
        folder = Path(checkpoint).name
        for name, module in self._stateful_modules().items():
            if not has_state(checkpoint, name):
                raise CheckpointError(
                    f"checkpoint {folder!r} holds no {name} state but this run trains with one; "
                    "resume with the settings that wrote it, or delete the checkpoints folder to start fresh"
                )
            try:
                module.load_state_dict(load_state(checkpoint, name))
            except (RuntimeError, KeyError, ValueError) as exc:
                raise CheckpointError(
                    f"checkpoint {folder!r}: the saved {name} state does not fit this run ({type(exc).__name__}); "
                    "resume with the settings that wrote it, or delete the checkpoints folder to start fresh"
                ) from None

    def _update_stateful_callbacks(self) -> None:
        from transformers.trainer_callback import ExportableState

        trainer: Any = self
        for cb in [*trainer.callback_handler.callbacks, trainer.control]:
            if not isinstance(cb, ExportableState):
                continue
            name = cb.__class__.__name__
            if isinstance(trainer.state.stateful_callbacks.get(name), list):
                trainer.state.stateful_callbacks[name].append(cb.state())
            else:
                trainer.state.stateful_callbacks[name] = cb.state()

    def train(self, resume_from_checkpoint: str | bool | None = None, *args: Any, **kwargs: Any) -> Any:
        trainer: Any = self
        resolved: str | None = None
        if resume_from_checkpoint is True:
            found = latest_verified_checkpoint(trainer.args.output_dir)
            if found is None:
                raise CheckpointError(
                    f"no verified checkpoint in {Path(trainer.args.output_dir).name!r} to resume from; "
                    "start without resume or check the checkpoints folder"
                )
            resolved = str(found)
        elif isinstance(resume_from_checkpoint, (str, os.PathLike)):
            check = verify_checkpoint(resume_from_checkpoint)
            if not check.ok:
                raise CheckpointError(
                    f"checkpoint {Path(resume_from_checkpoint).name!r} does not verify ({check.problem}); "
                    "resume from a checkpoint auditkit wrote, or start fresh"
                )
            resolved = str(check.path)
        if resolved is not None:
            self._load_stateful_modules(resolved)
        return super().train(resolved, *args, **kwargs)  # type: ignore[misc]
