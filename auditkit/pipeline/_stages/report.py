"""Stage ``report``: assemble scorecard.json from the run directory, validate it, render HTML and model card.

The gate stage runs after this one; it adds its ``policy`` section to the
scorecard with :func:`auditkit.report.set_section` and re-renders with
:func:`auditkit.report.render_report`.
"""

from __future__ import annotations

from typing import Any

from auditkit.pipeline._stage import Stage, StageContext, StageSkipped

__all__ = ["STAGE"]


def _run(ctx: StageContext) -> dict[str, Any]:
    from auditkit.report import assemble_scorecard, render_report, write_scorecard

    if not ctx.config.report.enabled:
        raise StageSkipped("report.enabled is false in the config")
    doc = assemble_scorecard(ctx.run_dir)
    write_scorecard(doc, ctx.path("scorecard.json"))
    paths = render_report(ctx.path("scorecard.json"), template_dir=ctx.config.report.template_dir)
    statuses = {name: doc[name]["status"] for name in ("performance", "fairness", "privacy", "explanations", "policy")}
    return {"sections": statuses, "html_bytes": paths.html.stat().st_size}


STAGE = Stage(
    name="report",
    run=_run,
    config_sections=("report",),
    outputs=("scorecard.json", "scorecard.html", "model_card.md"),
    after=("prepare", "train", "evaluate", "fairness", "explain", "privacy"),
)
