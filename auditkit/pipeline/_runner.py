"""Run the stages in order into ``runs/<name>/``; skip a stage whose inputs did not change.

The runner only wires stages together: it computes each stage's input key,
skips it when the key and the recorded output hashes still match, times it,
records peak memory, and writes the manifest after every stage so a killed run
leaves a truthful record. Raw data never enters the manifest or the log.

Two pipelines share it: :data:`STAGE_ORDER` (``auditkit run``: prepare, train,
...) and :data:`AUDIT_STAGES` (``auditkit audit``: the user's labelled file as
the test split, the user's model folder in place of training, then the same
audit stages). Both write the same manifest and run the same checks.

Under torchrun every rank runs this loop: rank 0 decides which stages run and
alone writes the manifest and every stage's outputs; stages marked
``ranks="all"`` (training, attribution) run on every rank, the others on rank 0
while the rest wait; a stage failed on rank 0 stops every rank with its message.
"""

from __future__ import annotations

import importlib
import resource
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from auditkit._compute import measure_energy
from auditkit._distributed import barrier, broadcast, init_from_env, is_main, world_size
from auditkit._io import atomic_write_json, sha256_file
from auditkit._logging import get_logger
from auditkit.config import RunConfig
from auditkit.exceptions import AuditkitError, StageError, UserInputError
from auditkit.pipeline._manifest import add_precision, hash_output, load_manifest, save_manifest, stage_key
from auditkit.pipeline._preflight import preflight
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._ticker import stage_ticker

__all__ = ["AUDIT_STAGES", "STAGE_ORDER", "RunSummary", "load_stages", "run_pipeline"]

STAGE_ORDER = ("prepare", "train", "evaluate", "fairness", "compare", "robustness", "deployment", "explain", "privacy",
               "report", "gate")
"""Stage modules of ``auditkit run`` (module name = stage name)."""
AUDIT_STAGES = ("prepare_audit", "model_folder", "evaluate", "fairness", "robustness", "deployment", "explain",
                "privacy", "report", "gate")
"""Stage modules of ``auditkit audit``; ``prepare_audit`` and ``model_folder`` record as ``prepare`` and ``train``."""
_log = get_logger(__name__)


@dataclass
class RunSummary:
    """What a pipeline run did: the run folder and each stage's record."""

    run_dir: Path
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def gate_exit_code(self) -> int | None:
        """Exit code of the gate stage, when it ran."""
        record = self.stages.get("gate", {})
        code = record.get("summary", {}).get("exit_code")
        return int(code) if code is not None else None


def load_stages(names: tuple[str, ...] = STAGE_ORDER) -> list[Stage | str]:
    """Import each stage module of ``auditkit.pipeline._stages``; a stage not built yet is returned as its bare name."""
    stages: list[Stage | str] = []
    for name in names:
        try:
            module = importlib.import_module(f"auditkit.pipeline._stages.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"auditkit.pipeline._stages.{name}":
                stages.append(name)
                continue
            raise
        stages.append(module.STAGE)
    return stages


def _config_parts(config: RunConfig, stage: Stage) -> dict[str, Any]:
    dumped = config.model_dump(mode="json")
    parts = {section: dumped.get(section) for section in stage.config_sections}
    parts["seed"] = config.seed
    return parts


def _key(ctx: StageContext, stage: Stage, manifest: dict[str, Any]) -> str:
    inputs = {}
    if stage.inputs is not None:
        for path in stage.inputs(ctx):
            inputs[str(path)] = sha256_file(path) if Path(path).is_file() else "missing"
    upstream = {name: manifest["stages"].get(name, {}).get("outputs") for name in stage.after}
    return stage_key(stage.name, _config_parts(ctx.config, stage), inputs, upstream)


def _outputs_unchanged(run_dir: Path, record: dict[str, Any]) -> bool:
    outputs = record.get("outputs", {})
    return all(hash_output(run_dir / rel) == digest for rel, digest in outputs.items())


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def _cuda_peak_mb() -> float | None:
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    peak = torch.cuda.max_memory_allocated() / 2**20
    torch.cuda.reset_peak_memory_stats()
    return round(peak, 1)


def _plan(stage: Stage, ctx: StageContext, manifest: dict[str, Any], force: bool) -> dict[str, Any]:
    """Rank 0 decides whether the stage runs (its key and recorded outputs); every rank follows."""
    plan: dict[str, Any] | None = None
    if is_main():
        key = _key(ctx, stage, manifest)
        previous = manifest["stages"].get(stage.name, {})
        skip = not force and previous.get("key") == key and previous.get("status") in ("ok", "not_run") \
            and _outputs_unchanged(ctx.run_dir, previous)
        plan = {"key": key, "skip": skip}
    return broadcast(plan)  # type: ignore[no-any-return]


def _run_one(stage: Stage, ctx: StageContext, manifest: dict[str, Any], force: bool) -> dict[str, Any]:
    plan = _plan(stage, ctx, manifest, force)
    if plan["skip"]:
        return {"status": "ok", "summary": {}, **manifest["stages"].get(stage.name, {}), "skipped": True}
    ctx.stage_key = plan["key"]
    if not is_main():
        return _run_as_follower(stage, ctx)
    began = time.perf_counter()
    record: dict[str, Any] = {"key": plan["key"], "started_at": _now()}
    compute = ctx.config.compute
    from auditkit._precision import observe_precision  # torch: the runner only runs with the [train] extra

    with measure_energy(enabled=compute.energy and stage.name in compute.energy_stages,
                        country_iso_code=compute.country_iso_code) as energy, observe_precision() as observed:
        try:
            summary = stage.run(ctx)
            record.update(status="ok", summary=summary)
        except StageSkipped as skip:
            record.update(status="not_run", reason=skip.reason, summary={})
            if not skip.keep_outputs:
                _remove(ctx.run_dir, stage.outputs)
    if stage.name in compute.energy_stages:
        record["energy"] = energy
    add_precision(record, observed)
    record["seconds"] = round(time.perf_counter() - began, 3)
    record["peak_rss_mb"] = _peak_rss_mb()
    record["cuda_peak_mb"] = _cuda_peak_mb()
    record["outputs"] = {rel: h for rel in stage.outputs if (h := hash_output(ctx.run_dir / rel)) is not None}
    record["finished_at"] = _now()
    return record


def _run_as_follower(stage: Stage, ctx: StageContext) -> dict[str, Any]:
    """A rank other than 0 under torchrun: runs the stages that use every rank, waits out the others."""
    if stage.ranks != "all":
        return {"status": "ok", "summary": {}}
    try:
        return {"status": "ok", "summary": stage.run(ctx)}
    except StageSkipped as skip:
        return {"status": "not_run", "reason": skip.reason, "summary": {}}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _remove(run_dir: Path, relpaths: tuple[str, ...] | list[str]) -> None:
    """Delete outputs that can only be stale: a stage that did not run leaves no results behind."""
    for rel in relpaths:
        path = run_dir / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def _forget_other_stages(run_dir: Path, manifest: dict[str, Any], names: set[str]) -> None:
    """Drop records (and recorded outputs) of stages that are not part of this pipeline, e.g. an earlier gate."""
    for name in [n for n in manifest["stages"] if n not in names]:
        _remove(run_dir, list(manifest["stages"].pop(name).get("outputs", {})))


def run_pipeline(
    config: RunConfig,
    *,
    stages: tuple[str, ...] = STAGE_ORDER,
    force: bool = False,
    only: tuple[str, ...] | None = None,
    progress: bool | None = None,
    echo: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run every stage of ``config`` in order into ``config.output_dir / config.name``.

    Parameters
    ----------
    stages:
        The pipeline: stage modules in order (:data:`STAGE_ORDER` or :data:`AUDIT_STAGES`).
        Manifest records and outputs of stages outside it are removed.
    force:
        Re-run every stage even when its inputs did not change.
    only:
        Run just these stages (earlier stages' outputs must exist).
    progress:
        Progress bars and a per-stage elapsed-time line on stderr; ``None`` (default): only when stderr is a terminal.
    echo:
        Receives one status line per stage (the CLI prints them).

    Raises
    ------
    UserInputError
        A check of :func:`~auditkit.pipeline._preflight.preflight` failed (before anything is
        written), or a stage met bad input; the message is the check's or the stage's own.
    StageError
        A stage failed for another reason; the message names the stage and error type only.
    """
    progress = _resolve_progress(progress)
    pipeline = load_stages(stages)
    names = [s if isinstance(s, str) else s.name for s in pipeline]
    preflight(config, stages=[n for n in names if not only or n in only], data=False)
    init_from_env()  # under torchrun: join the process group; rank 0 alone writes the run folder
    main = is_main()
    run_dir = Path(config.output_dir) / config.name
    if main:
        run_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_json(run_dir / "config.json", config.model_dump(mode="json"))
    manifest = load_manifest(run_dir) if main else {"stages": {}}
    ctx = StageContext(config=config, run_dir=run_dir, progress=progress and main, logger=_log)
    summary = RunSummary(run_dir)
    if main:
        _forget_other_stages(run_dir, manifest, {s if isinstance(s, str) else s.name for s in pipeline})
    barrier()
    say = (echo or (lambda line: None)) if main else (lambda line: None)
    for number, stage in enumerate(pipeline, start=1):
        name = stage if isinstance(stage, str) else stage.name
        if only and name not in only:
            continue
        prefix = f"[{number}/{len(pipeline)}] {name}"
        if isinstance(stage, str):
            record: dict[str, Any] = {"status": "not_run", "reason": "stage not built yet", "outputs": {}}
        else:
            say(f"{prefix} ...")
            with stage_ticker(prefix, enabled=progress and main):
                record = _guarded(stage, ctx, manifest, force, run_dir)
        if main:
            manifest["stages"][name] = {k: v for k, v in record.items() if k != "skipped"}
            save_manifest(run_dir, manifest)
        ctx.results[name] = record.get("summary", {})
        summary.stages[name] = record
        _log.info("stage %s: %s in %.2fs", name, record["status"], record.get("seconds", 0.0))
        say(_status_line(prefix, record))
    return summary


def _resolve_progress(progress: bool | None) -> bool:
    """``None`` means: show progress only when stderr is a terminal."""
    return sys.stderr.isatty() if progress is None else progress


def _guarded(stage: Stage, ctx: StageContext, manifest: dict[str, Any], force: bool, run_dir: Path) -> dict[str, Any]:
    try:
        record = _run_one(stage, ctx, manifest, force)
    except BaseException as exc:
        failed = {"status": "failed", "reason": _safe_reason(exc), "outputs": {}, "finished_at": _now()}
        if is_main():
            manifest["stages"][stage.name] = failed
            save_manifest(run_dir, manifest)
            _log.error("stage %s failed: %s", stage.name, failed["reason"])
            _share_outcome({"failed": failed["reason"], "user": isinstance(exc, UserInputError)})
        if isinstance(exc, (UserInputError, KeyboardInterrupt)):
            raise
        if isinstance(exc, AuditkitError):
            raise StageError(f"stage {stage.name!r} failed: {exc}") from None
        raise StageError(f"stage {stage.name!r} failed with an internal error ({type(exc).__name__}); "
                         f"see logs/auditkit.log in the run folder and report it") from None
    outcome = _share_outcome({"failed": None} if is_main() else None)
    if outcome["failed"] is not None:  # rank 0 failed this stage: the other ranks stop with its message
        raise (UserInputError if outcome["user"] else StageError)(f"stage {stage.name!r} failed on rank 0: {outcome['failed']}")
    return record


def _share_outcome(outcome: dict[str, Any] | None) -> dict[str, Any]:
    """Rank 0's outcome of a stage on every rank, so no rank waits for a stage that will never come."""
    return broadcast(outcome) if world_size() > 1 else (outcome or {"failed": None})  # type: ignore[no-any-return]


def _safe_reason(exc: BaseException) -> str:
    """Messages of auditkit's own errors carry no data; other messages might, so only the type is kept."""
    if isinstance(exc, AuditkitError):
        return str(exc)
    return f"internal error ({type(exc).__name__})"


def _status_line(prefix: str, record: dict[str, Any]) -> str:
    if record.get("skipped"):
        return f"{prefix}: unchanged, skipped"
    status = record["status"]
    if status == "ok":
        return f"{prefix}: done in {record.get('seconds', 0.0):.1f}s"
    return f"{prefix}: {status.replace('_', ' ')} ({record.get('reason', '')})"
