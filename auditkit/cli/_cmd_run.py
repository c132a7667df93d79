"""``auditkit run``, ``train``, ``validate`` and ``demo``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditkit.cli._logsetup import run_log
from auditkit.cli._output import is_verbose, progress_enabled, status
from auditkit.cli._paths import ensure_dir
from auditkit.exceptions import AuditkitError

if TYPE_CHECKING:
    from auditkit.config import RunConfig

__all__ = ["register"]

ConfigArg = Annotated[Path, typer.Argument(help="The audit YAML file.", show_default=False)]
ProgressOpt = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", show_default=False,
                 help="Progress bars on stderr (default: on when stderr is a terminal; off with --quiet)."),
]


def _require(command: str, config: RunConfig, only: tuple[str, ...] | None = None) -> None:
    """Fail in one line when an extra this run needs is missing: [train], plus [scrub] and [explain] when they run."""
    from auditkit._extras import require

    def runs(stage: str) -> bool:
        return only is None or stage in only

    extras = ["train", *(["scrub"] if config.scrub.enabled and runs("prepare") else []),
              *(["explain"] if config.explain.enabled and runs("explain") else [])]
    require(f"'auditkit {command}'", extras)


def _with_sign_key(config: RunConfig, sign_key: str | None) -> RunConfig:
    """Apply ``--sign-key`` over ``report.sign_key`` and load the key now, so a bad key fails before any stage runs."""
    from auditkit.scorecard import load_private_key

    if sign_key is not None:
        spec = sign_key if sign_key.startswith("env:") else os.path.abspath(sign_key)
        config = config.model_copy(update={"report": config.report.model_copy(update={"sign_key": spec})})
    if config.report.sign_key is not None:
        load_private_key(config.report.sign_key)
    return config


def _run(
    config_path: Path, *, force: bool, only: tuple[str, ...] | None, progress: bool | None, verbose: bool,
    sign_key: str | None = None, command: str = "run",
) -> Any:
    from auditkit.config import load_config

    config = _with_sign_key(load_config(config_path), sign_key)
    _require(command, config, only)
    from auditkit.pipeline import STAGE_ORDER, run_pipeline

    unknown = [s for s in only or () if s not in STAGE_ORDER]
    if unknown or only == ():
        raise typer.BadParameter(f"unknown stage(s) {unknown}; expected some of: {', '.join(STAGE_ORDER)}",
                                 param_hint="'--only'")

    from auditkit._distributed import is_main

    run_dir = Path(config.output_dir) / config.name
    if not is_main():  # another torchrun rank: rank 0 writes the folder, its log and the status lines
        return run_pipeline(config, force=force, only=only, progress=False)
    ensure_dir(run_dir, "the run folder (output_dir/name)")
    with run_log(run_dir, verbose=verbose or is_verbose()):
        summary = run_pipeline(config, force=force, only=only, progress=progress_enabled(progress), echo=status)
    _print_outputs(summary.run_dir)
    return summary


def _print_outputs(run_dir: Path) -> None:
    typer.echo(f"\nrun folder: {run_dir}")
    for name in ("scorecard.html", "scorecard.json", "model_card.md", "predictions.parquet", "model", "gate/junit.xml"):
        if (run_dir / name).exists():
            typer.echo(f"  {name:<22} {run_dir / name}")
    verdict = run_dir / "gate" / "verdict.json"
    if verdict.is_file():
        from auditkit._io import read_json

        data = read_json(verdict)
        counts = ", ".join(f"{v} {k}" for k, v in sorted(data.get("counts", {}).items()) if v)
        typer.echo(f"\ngate verdict: {str(data.get('verdict', '?')).upper()} (exit code {data.get('exit_code')}; {counts})")


def run(
    config: ConfigArg,
    force: Annotated[bool, typer.Option("--force", help="Re-run every stage even if its inputs are unchanged.")] = False,
    only: Annotated[str | None, typer.Option(help="Comma-separated stages to run, e.g. 'evaluate,fairness'.")] = None,
    progress: ProgressOpt = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Debug-level run log (still no data); as the global --verbose.")] = False,
    sign_key: Annotated[
        str | None,
        typer.Option("--sign-key", help="Sign scorecard.json with this Ed25519 key (PEM file or env:VAR); overrides report.sign_key."),
    ] = None,
    nproc: Annotated[
        int | None,
        typer.Option("--nproc", min=1, help="Train and explain with N processes on this machine (torchrun: DDP, "
                     "gloo on CPU, NCCL on GPU); training.batch_size stays the global batch."),
    ] = None,
) -> None:
    """Run the whole pipeline: prepare+scrub, train, evaluate, fairness, explain, privacy, report, gate."""
    stages = tuple(s.strip() for s in only.split(",") if s.strip()) if only is not None else None
    if nproc is not None and nproc > 1 and "WORLD_SIZE" not in os.environ:
        raise typer.Exit(_launch(config, nproc, force=force, only=only, progress=progress, verbose=verbose,
                                 sign_key=sign_key))
    try:
        summary = _run(config, force=force, only=stages, progress=progress, verbose=verbose, sign_key=sign_key)
    except AuditkitError as exc:
        _hand_back(exc.exit_code)
        raise
    code = _gate_code(summary)
    if code and not _hand_back(code):
        raise typer.Exit(code)


def _gate_code(summary: Any) -> int:
    gate = summary.stages.get("gate")
    if gate is not None and gate.get("status") != "ok":
        typer.echo(f"auditkit: gate did not run ({gate.get('reason', 'no reason recorded')}); "
                   "exit 4 (inconclusive): a release cannot pass without a verdict", err=True)
        return 4
    return summary.gate_exit_code or 0


_EXIT_FILE = "AUDITKIT_EXIT_FILE"


def _hand_back(code: int) -> bool:
    """Under ``--nproc``, rank 0 hands its exit code to the launcher (torchrun would turn any non-zero into 1)."""
    from auditkit._distributed import is_main

    target = os.environ.get(_EXIT_FILE)
    if not target or not is_main():
        return False
    Path(target).write_text(str(code), encoding="utf-8")
    return True


def _launch(config: Path, nproc: int, *, force: bool, only: str | None, progress: bool | None, verbose: bool,
            sign_key: str | None) -> int:
    """Check everything ``run`` checks first (one-line errors, exit 2), then start ``nproc`` ranks under torchrun."""
    import tempfile

    from auditkit._distributed import launch
    from auditkit.cli._output import is_quiet
    from auditkit.config import load_config
    from auditkit.pipeline._preflight import preflight

    cfg = _with_sign_key(load_config(config), sign_key)
    _require("run", cfg)
    preflight(cfg)
    argv = [*(["--quiet"] if is_quiet() else []), *(["--verbose"] if verbose or is_verbose() else []), "run", str(config),
            *(["--force"] if force else []), *(["--only", only] if only is not None else []),
            *([] if progress is None else ["--progress" if progress else "--no-progress"]),
            *(["--sign-key", sign_key] if sign_key is not None else [])]
    with tempfile.TemporaryDirectory(prefix="auditkit-nproc-") as tmp:
        code_file = Path(tmp) / "exit_code"
        returned = launch(nproc, argv, env={_EXIT_FILE: str(code_file)})
        if code_file.is_file():
            return int(code_file.read_text(encoding="utf-8"))
    return 3 if returned else 0


def train(
    config: ConfigArg,
    force: Annotated[bool, typer.Option("--force", help="Retrain even if inputs are unchanged.")] = False,
    progress: ProgressOpt = None,
) -> None:
    """Prepare (and scrub) the data and fine-tune; later stages reuse the result."""
    _run(config, force=force, only=("prepare", "train"), progress=progress, verbose=False, command="train")


def validate(config: ConfigArg) -> None:
    """Check an audit YAML file without running anything: every check `run` makes before its first stage.

    Keys and types, the signing key, data files, columns, labels and group counts, the model
    folder, devices and the policy; a failure prints the one-line message `run` would print.
    """
    from auditkit.config import load_config

    cfg = _with_sign_key(load_config(config), None)
    _require("validate", cfg)
    from auditkit.pipeline._preflight import preflight

    files = [p for p in (cfg.data.path, cfg.data.train, cfg.data.validation, cfg.data.test) if p is not None]
    preflight(cfg)
    typer.echo(f"ok: {config} is valid ({len(files)} data file(s) checked)")


#: Demo corpus: 560 train, 80 validation and 640 test notes. Half the corpus is test (not the
#: usual 20 %) so each gender x age-band cell holds 34-52 urgent notes: enough for the audit to show the
#: planted intersectional gap (about 0.45 after the gender-only mitigation) above the 0.10 threshold
#: at 95% confidence, which 17-26 notes per cell cannot (their detectable gap is about 0.6). Train
#: keeps the size that fits the demo's time budget; scoring 320 more test notes costs seconds.
DEMO_NOTES = 1280
DEMO_TEST_NOTES = 640


def demo(
    workdir: Annotated[Path, typer.Option("--workdir", help="Folder for the example data and runs.")] = Path("demo"),
    n: Annotated[int, typer.Option("--n", min=1, help="Number of synthetic notes.")] = DEMO_NOTES,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic corpus.")] = 13,
    test_size: Annotated[
        int,
        typer.Option("--test-size", min=0, help="Notes in the test split; the rest is split 7:1 into train and validation."),
    ] = DEMO_TEST_NOTES,
    force: Annotated[bool, typer.Option("--force", help="Re-run every stage even if the demo ran before unchanged.")] = False,
    progress: ProgressOpt = None,
) -> None:
    """Make the synthetic clinical-notes corpus and run the bundled example audit on it (needs the [all] extra).

    With only the core installed, try the gate instead: auditkit gate --demo.
    """
    import importlib.resources

    import yaml

    from auditkit._extras import require
    from auditkit.examples_data import write_corpus

    require("'auditkit demo'", ["train", "scrub", "explain"])

    ensure_dir(workdir / "data", "the demo folder")
    files = write_corpus(workdir / "data", n=n, seed=seed, test_size=test_size)
    status(f"example data: {getattr(files, 'csv', workdir / 'data')}")
    raw = yaml.safe_load(importlib.resources.files("auditkit.examples_data").joinpath("demo_audit.yaml").read_text())
    config_file = workdir / "audit.yaml"
    from auditkit._io import atomic_write_text

    atomic_write_text(config_file, yaml.safe_dump(raw, sort_keys=False))
    _run(config_file, force=force, only=None, progress=progress, verbose=False, command="demo")
    status("(`auditkit run` and `auditkit gate` exit with the gate's code; the demo always exits 0 when it ran)")


def register(app: typer.Typer) -> None:
    """Add the commands of this module to ``app``."""
    app.command("run")(run)
    app.command("train")(train)
    app.command("validate")(validate)
    app.command("demo")(demo)
