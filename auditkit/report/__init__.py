"""Report: the versioned scorecard JSON, the self-contained HTML scorecard and the model card.

``assemble_scorecard(run_dir)`` collects every stage's output into one
document (written with :func:`auditkit.scorecard.write_scorecard`);
``render_report(run_dir)`` turns ``scorecard.json`` alone into
``scorecard.html`` (inline CSS and SVG, no script, no external request) and an
HF-format ``model_card.md``. This package never imports torch.
"""

from auditkit.report._assemble import assemble_scorecard
from auditkit.report._compliance import compliance_section
from auditkit.report._grades import AREAS, Grade, grade_all, overall_verdict
from auditkit.report._markdown import md_escape, render_model_card
from auditkit.report._metrics import Metric, as_metric, find_metric
from auditkit.report._render import ReportPaths, render_html, render_report

__all__ = [
    "AREAS",
    "Grade",
    "Metric",
    "ReportPaths",
    "as_metric",
    "assemble_scorecard",
    "compliance_section",
    "find_metric",
    "grade_all",
    "md_escape",
    "overall_verdict",
    "render_html",
    "render_model_card",
    "render_report",
]
