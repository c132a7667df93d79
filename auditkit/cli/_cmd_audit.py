"""``auditkit audit``: audit a model trained elsewhere, without retraining.

Runs the audit pipeline on a labelled data file — scrubbing (unless
``--no-scrub``), predictions, fairness, explanations, privacy, the report, and
the gate when ``--policy`` is given — with the run log in the run folder, as
``auditkit run`` does; exits with the gate's code (0 pass, 1 fail,
4 inconclusive) or 0 without a policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["audit", "register"]


def audit(
    model: Annotated[Path, typer.Option("--model", help="Local Hugging Face classifier folder (safetensors).")],
    data: Annotated[Path, typer.Option("--data", help="CSV, JSONL or Parquet with text, label and sensitive columns.")],
    sensitive: Annotated[Optional[list[str]], typer.Option("--sensitive", help="Sensitive column; repeat for several. "  # noqa: UP045
                                                           "Optional with --identity-terms.")] = None,
    identity_terms: Annotated[Optional[str], typer.Option("--identity-terms", help="Audit through the identity terms the "  # noqa: UP045
                                                          "texts mention: 'builtin' or a lexicon YAML (no demographic column needed).")] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the texts.")] = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Column holding the true labels: the model's label "
                                              "names or class ids (0, 1, ...).")] = "label",
    id_column: Annotated[Optional[str], typer.Option("--id-column", help="Column of row ids (default: row numbers).")] = None,  # noqa: UP045
    positive_label: Annotated[Optional[str], typer.Option("--positive-label", help="The positive class, by label name or "
                                                          "class id (default: the second label of a binary model).")] = None,  # noqa: UP045
    policy: Annotated[Optional[str], typer.Option("--policy", "-p", help="Gate policy: preset name or YAML.")] = None,  # noqa: UP045
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", "-o", help="Run folder to write.")] = None,  # noqa: UP045
    scrub: Annotated[bool, typer.Option("--scrub/--no-scrub", help="Scrub personal data from the texts before "
                                        "anything is written; --no-scrub keeps raw text and the scorecard says so.")] = True,
    explain: Annotated[bool, typer.Option("--explain/--no-explain", help="Compute attributions.")] = True,
    explain_samples: Annotated[int, typer.Option("--explain-samples", min=1, help="Examples to attribute.")] = 200,
    min_group_size: Annotated[int, typer.Option("--min-group-size", min=1, help="Smallest group a gap is computed over.")] = 30,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for intervals.")] = 1000,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    sign_key: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--sign-key", help="Sign scorecard.json with this Ed25519 key (PEM file or env:VAR)."),
    ] = None,
    copy_model: Annotated[bool, typer.Option("--copy-model", help="Copy the model folder into the run folder "
                                             "(default: link to it; the scorecard binds its file hashes).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-run every stage even if unchanged.")] = False,
    variant: Annotated[Optional[list[str]], typer.Option("--variant", help="Also audit a deployment variant built on "  # noqa: UP045
                                                         "CPU: int8_dynamic, bf16, fp16, prune_30 or prune_50; repeat for several.")] = None,
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", show_default=False,  # noqa: UP045
                                                     help="Progress bars on stderr (default: on when stderr is a terminal; off with --quiet).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Debug-level run log (still no data); as the global --verbose.")] = False,
) -> None:
    """Audit MODEL on DATA: scrub, predict, fairness, explain, privacy, report and, with --policy, the gate."""
    from auditkit._extras import require

    require("'auditkit audit'", ["train", *(["scrub"] if scrub else []), *(["explain"] if explain else [])])
    from auditkit._audit_model import audit_model, default_run_dir
    from auditkit._model_io import check_safe_folder
    from auditkit.cli._logsetup import run_log
    from auditkit.cli._output import is_verbose, progress_enabled, status
    from auditkit.cli._paths import ensure_dir
    from auditkit.gate import Verdict, text_table

    if not sensitive and not identity_terms:
        raise typer.BadParameter("give --sensitive COLUMN, --identity-terms builtin, or both", param_hint="'--sensitive'")
    if output_dir is not None:
        ensure_dir(output_dir, "--output-dir")
    check_safe_folder(model)  # before the run folder and its log are created
    run_dir = output_dir if output_dir is not None else default_run_dir(model)
    with run_log(run_dir, verbose=verbose or is_verbose()):
        result = audit_model(
            model, data, text_column=text_column, label_column=label_column, sensitive=sensitive or [],
            identity_terms=identity_terms, id_column=id_column,
            positive_label=positive_label, output_dir=run_dir, policy=policy, scrub=scrub, explain=explain,
            explain_samples=explain_samples, min_group_size=min_group_size, bootstrap=bootstrap, device=device,
            sign_key=sign_key, copy_model=copy_model, force=force, progress=progress_enabled(progress), echo=status,
            variants=variant or [],
        )
    typer.echo(f"run folder: {result.run_dir}")
    for name in ("scorecard.html", "scorecard.json", "model_card.md"):
        if (result.run_dir / name).exists():
            typer.echo(f"  {name:<16} {result.run_dir / name}")
    if result.policy is not None:
        typer.echo("")
        typer.echo(text_table(Verdict.from_json(result.policy)), nl=False)
    raise typer.Exit(result.exit_code or 0)


def register(app: typer.Typer) -> None:
    """Add the ``audit`` command to ``app``."""
    app.command("audit")(audit)
