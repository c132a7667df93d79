"""Human-readable renderings of a verdict: a terminal table and a Markdown summary.

Strings that come from the scorecard (metric paths hold attribute and group
names) are made inert: control characters, U+2028/U+2029 and bidi overrides show as
``?``, a lone surrogate as U+FFFD (:mod:`auditkit._unicode`), and Markdown escapes
HTML and table syntax so a hostile group name shows as text.
"""

from __future__ import annotations

import html
import re

from auditkit._unicode import utf8_safe
from auditkit.gate._checks import fmt
from auditkit.gate._verdict import RuleOutcome, Verdict

__all__ = ["markdown_summary", "text_table"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~])")
_LABEL = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "inconclusive": "INCONCLUSIVE", "skipped": "SKIPPED"}


def _plain(text: str) -> str:
    return _CONTROL.sub("?", utf8_safe(text))


def _threshold(o: RuleOutcome) -> str:
    return f"{o.judge} {o.op} {fmt(o.threshold)}"


def text_table(verdict: Verdict) -> str:
    """A fixed-width table of every outcome plus a verdict line."""
    header = ("RULE", "METRIC", "OBSERVED", "THRESHOLD", "STATUS")
    rows = [(_plain(o.id), _plain(o.metric), fmt(o.observed), _threshold(o), _LABEL[o.status]) for o in verdict.outcomes]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {_plain(o.id)}: {_plain(o.message)}" for o in verdict.outcomes if o.status != "pass"]
    counts = ", ".join(f"{n} {k}" for k, n in verdict.counts().items() if n)
    lines.append("")
    if notes:
        lines += ["Details:", *notes, ""]
    lines.append(f"Gate verdict: {verdict.status.upper()} (exit {verdict.exit_code}) - policy '{_plain(verdict.policy)}': {counts or 'no rules'}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    escaped = html.escape(_plain(text), quote=True)
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def markdown_summary(verdict: Verdict) -> str:
    """A GitHub-flavoured Markdown summary (heading, counts, one table row per outcome)."""
    counts = ", ".join(f"{n} {k}" for k, n in verdict.counts().items() if n) or "no rules"
    lines = [
        f"## auditkit gate: {_LABEL.get(verdict.status, verdict.status.upper())}",
        "",
        f"Policy {_md(verdict.policy)} - exit code {verdict.exit_code} - {counts}.",
        "",
        "| Rule | Metric | Observed | Threshold | Status | Detail |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for o in verdict.outcomes:
        cells = (_md(o.id), _md(o.metric), fmt(o.observed), _md(_threshold(o)), _LABEL[o.status], _md(o.message))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
