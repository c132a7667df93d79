"""``auditkit probe``: score identity-term templates with a model and report per-term false-positive rates.

Fills every template (``--templates``: ``builtin`` or a CSV ``phrase,label`` with
``{term}``) with every identity term (``--identity-terms``: ``builtin`` or a lexicon
YAML), scores the sentences with the model folder, and prints per term the FPR
with its 95% interval, the FPR ratio to the other terms' sentences and the BPSN
AUC, worst first, plus the headline figures; ``--output`` writes them as JSON
(metrics only, no sentence).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

if TYPE_CHECKING:
    from auditkit.evaluate._identity_terms import TermAuditResult

__all__ = ["probe", "register"]


def _table(result: TermAuditResult) -> str:
    from auditkit.report._metrics import format_metric

    rows = sorted(result.groups.items(), key=lambda item: -(item[1].metrics["fpr"].value or 0.0))
    width = max([len("term"), *(len(t) for t, _ in rows)])
    lines = [f"{'term':<{width}}  {'n':>4}  {'FPR [95% CI]':<24}  {'FPR ratio [95% CI]':<26}  BPSN AUC [95% CI]"]
    for term, group in rows:
        m = group.metrics
        bpsn = format_metric(m["bpsn_auc"]) if "bpsn_auc" in m else "n/a"
        lines.append(f"{term:<{width}}  {group.n:>4}  {format_metric(m['fpr']):<24}  {format_metric(m['fpr_ratio']):<26}  {bpsn}")
    lines.append("")
    lines += [f"{name}: {format_metric(metric)}" + (f"  ({metric.reason})" if metric.reason else "")
              for name, metric in result.summary.items() if name in ("fpr_spread", "max_fpr_ratio", "min_bpsn_auc")]
    return "\n".join(lines) + "\n"


def probe(
    model: Annotated[Path, typer.Option("--model", help="Local Hugging Face classifier folder (safetensors).")],
    templates: Annotated[str, typer.Option("--templates", help="'builtin' or a CSV with columns phrase,label and {term} in each phrase.")] = "builtin",
    identity_terms: Annotated[str, typer.Option("--identity-terms", help="'builtin' or an identity-term lexicon YAML.")] = "builtin",
    positive_label: Annotated[Optional[str], typer.Option("--positive-label", help="The label a false positive predicts (default: the model's second label).")] = None,  # noqa: UP045
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the per-term results as JSON.")] = None,  # noqa: UP045
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for the AUC intervals.")] = 1000,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Sentences per prediction batch.")] = 64,
    max_length: Annotated[int, typer.Option("--max-length", min=8, help="Truncation length in tokens.")] = 128,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 13,
) -> None:
    """Score identity-term TEMPLATES with MODEL: per-term false-positive rates with 95% intervals."""
    from auditkit._extras import require

    require("'auditkit probe'", ["train"])
    from auditkit._io import atomic_write_json
    from auditkit._model_io import load_classifier, resolve_device
    from auditkit.cli._paths import not_a_dir, writing
    from auditkit.evaluate._lexicon import load_lexicon
    from auditkit.evaluate._predict import predict_scores
    from auditkit.evaluate._probe import load_templates
    from auditkit.evaluate._probe import probe as run_probe

    not_a_dir(output, "--output")
    lexicon, rows = load_lexicon(identity_terms), load_templates(templates)
    resolved = resolve_device(device)
    net, tokenizer = load_classifier(model, device=resolved)
    labels = [str(net.config.id2label[i]) for i in range(int(net.config.num_labels))]

    def predict_fn(texts: list[str]) -> Any:
        return predict_scores(net, tokenizer, texts, batch_size=batch_size, max_length=max_length, device=resolved)

    result = run_probe(predict_fn, rows, lexicon, labels=labels, positive_label=positive_label, n_boot=bootstrap, seed=seed)
    typer.echo(f"{len(rows)} templates x {len(lexicon.terms)} terms = {len(rows) * len(lexicon.terms)} sentences")
    typer.echo(_table(result), nl=False)
    if output is not None:
        with writing(output, "--output"):
            atomic_write_json(output, {"templates": len(rows), "terms": len(lexicon.terms), "identity": result.to_dict()})
        typer.echo(f"results: {output}")


def register(app: typer.Typer) -> None:
    """Add the ``probe`` command to ``app``."""
    app.command("probe")(probe)
