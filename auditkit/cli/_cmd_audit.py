"""``auditkit audit``: audit a model trained elsewhere, without retraining.

Runs predictions, fairness, explanations and the report on a labelled data file,
and the gate when ``--policy`` is given; exits with the gate's code (0 pass,
1 fail, 4 inconclusive) or 0 without a policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["audit", "register"]


def audit(
    model: Annotated[Path, typer.Option("--model", help="Local Hugging Face classifier folder (safetensors).")],
    data: Annotated[Path, typer.Option("--data", help="CSV, JSONL or Parquet with text, label and sensitive columns.")],
    sensitive: Annotated[list[str], typer.Option("--sensitive", help="Sensitive column; repeat for several.")],
    text_column: Annotated[str, typer.Option("--text-column")] = "text",
    label_column: Annotated[str, typer.Option("--label-column")] = "label",
    id_column: Annotated[Optional[str], typer.Option("--id-column")] = None,  # noqa: UP045
    positive_label: Annotated[Optional[str], typer.Option("--positive-label")] = None,  # noqa: UP045
    policy: Annotated[Optional[str], typer.Option("--policy", "-p", help="Gate policy: preset name or YAML.")] = None,  # noqa: UP045
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", "-o", help="Run folder to write.")] = None,  # noqa: UP045
    explain: Annotated[bool, typer.Option("--explain/--no-explain", help="Compute attributions.")] = True,
    explain_samples: Annotated[int, typer.Option("--explain-samples", min=1)] = 200,
    min_group_size: Annotated[int, typer.Option("--min-group-size", min=1)] = 30,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for intervals.")] = 1000,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = False,
) -> None:
    """Audit MODEL on DATA: predictions, fairness, explanations, report and, with --policy, the gate."""
    from auditkit._audit_model import audit_model
    from auditkit.cli._paths import ensure_dir
    from auditkit.gate import Verdict, text_table

    if output_dir is not None:
        ensure_dir(output_dir, "--output-dir")
    result = audit_model(
        model, data, text_column=text_column, label_column=label_column, sensitive=sensitive, id_column=id_column,
        positive_label=positive_label, output_dir=output_dir, policy=policy, explain=explain,
        explain_samples=explain_samples, min_group_size=min_group_size, bootstrap=bootstrap, device=device, progress=progress,
    )
    typer.echo(f"run folder: {result.run_dir}")
    for name in ("scorecard.html", "scorecard.json", "model_card.md"):
        if (result.run_dir / name).exists():
            typer.echo(f"  {name:<16} {result.run_dir / name}")
    if result.verdict is not None:
        typer.echo("")
        typer.echo(text_table(Verdict.from_json(result.verdict)), nl=False)
    raise typer.Exit(result.exit_code or 0)


def register(app: typer.Typer) -> None:
    """Add the ``audit`` command to ``app``."""
    app.command("audit")(audit)
