"""Stage ``report``: assemble scorecard.json from the run directory, validate it, render HTML and model card.

With ``report.sign_key`` set, the scorecard is signed into
``scorecard.intoto.jsonl`` right after it is written (before rendering, so the
report can show the key id); without it, an envelope left from an earlier run is
removed, since it cannot match the new scorecard.

The gate stage runs after this one; it adds its ``policy`` section to the
scorecard with :func:`auditkit.scorecard.set_section` and re-renders with
:func:`auditkit.report.render_report`.
"""

from __future__ import annotations

from typing import Any

from auditkit.pipeline._stage import Stage, StageContext, StageSkipped

__all__ = ["STAGE"]


def _run(ctx: StageContext) -> dict[str, Any]:
    from auditkit.report import assemble_scorecard, render_report
    from auditkit.scorecard import write_scorecard

    if not ctx.config.report.enabled:
        raise StageSkipped("report.enabled is false in the config")
    doc = assemble_scorecard(ctx.run_dir)
    write_scorecard(doc, ctx.path("scorecard.json"))
    signed_by = _sign(ctx)
    paths = render_report(ctx.path("scorecard.json"), template_dir=ctx.config.report.template_dir)
    statuses = {name: doc[name]["status"] for name in ("performance", "fairness", "privacy", "explanations", "policy")}
    return {"sections": statuses, "html_bytes": paths.html.stat().st_size, "signed_by": signed_by}


def _sign(ctx: StageContext) -> str | None:
    """Sign scorecard.json with ``report.sign_key`` (returns the key id), or remove a stale envelope."""
    from auditkit.scorecard import ENVELOPE_NAME, attest_run, load_private_key

    spec = ctx.config.report.sign_key
    if spec is None:
        ctx.path(ENVELOPE_NAME).unlink(missing_ok=True)
        return None
    return attest_run(ctx.path("scorecard.json"), load_private_key(spec))[1]


STAGE = Stage(
    name="report",
    run=_run,
    config_sections=("report",),
    outputs=("scorecard.json", "scorecard.html", "model_card.md", "scorecard.intoto.jsonl"),
    after=("prepare", "train", "evaluate", "fairness", "compare", "robustness", "deployment", "explain", "privacy"),
)
