"""Why the gate decided what it did, in words: the verdict box and the rules table.

The scorecard's ``policy`` section holds one outcome per rule (the gate's
:meth:`~auditkit.gate.Verdict.to_json`). This module reads those outcomes
back and says, for each, what was measured (the point value and its interval),
which number the rule judged (a bound of the interval, or the point value)
and against which threshold, so a reader never mistakes a bound for the
measurement. Grades (:mod:`auditkit.report._grades`) read the same outcomes,
so the summary and the gate cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditkit.report._labels import rule_subject

__all__ = ["Judged", "judged_outcomes", "num", "outcome_sentence", "policy_rows", "verdict_box"]

STATUS_ORDER = {"fail": 0, "inconclusive": 1, "warn": 2, "skipped": 3, "pass": 4}
MAX_LISTED = 20
_UPPER_OK = ("<", "<=")
_REQUIREMENT = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "equal to"}


@dataclass(frozen=True)
class Judged:
    """One rule outcome as the policy section recorded it (tolerant of older verdict files)."""

    id: str
    rule_id: str
    metric: str
    status: str
    op: str
    threshold: float | None
    judge: str
    severity: str
    message: str
    observed: float | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    mdg: float | None
    blocks: bool
    evidence_missing: bool = False


def _number(raw: Any) -> float | None:
    return float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else None


def _judged(rule: Mapping[str, Any]) -> Judged:
    status = str(rule.get("status", "inconclusive")).lower()
    severity = str(rule.get("severity", "error"))
    missing = rule.get("evidence_missing") is True
    blocks = (status == "inconclusive" and missing) or (severity == "error" and status in ("fail", "inconclusive"))
    observed = _number(rule.get("observed"))
    value = _number(rule.get("value"))
    return Judged(
        id=str(rule.get("id", "—")), rule_id=str(rule.get("rule_id", rule.get("id", "—"))),
        metric=str(rule.get("metric", rule.get("path", "—"))), status=status, op=str(rule.get("op", "")),
        threshold=_number(rule.get("threshold")), judge=str(rule.get("judge", "value")), severity=severity,
        message=str(rule.get("message", rule.get("reason", ""))), observed=observed,
        value=value if "value" in rule else (observed if rule.get("judge", "value") == "value" else None),
        ci_low=_number(rule.get("ci_low")), ci_high=_number(rule.get("ci_high")), mdg=_number(rule.get("mdg")),
        blocks=blocks, evidence_missing=missing,
    )


def judged_outcomes(policy: Any) -> list[Judged] | None:
    """The rule outcomes of a ``policy`` section that ran (``None`` when the gate did not run)."""
    if not isinstance(policy, Mapping) or policy.get("status") != "ok":
        return None
    raw = next((policy[k] for k in ("rules", "results", "checks") if isinstance(policy.get(k), list)), [])
    return [_judged(rule) for rule in raw if isinstance(rule, Mapping)]


def ordered(outcomes: list[Judged]) -> list[Judged]:
    """Failures, then inconclusive (blocking first), warnings, skipped, passes; policy order within each."""
    return sorted(outcomes, key=lambda o: (STATUS_ORDER.get(o.status, 1), not o.blocks))


def num(value: float | None) -> str:
    """A number for prose: integers as integers, else three significant digits and at least two decimals."""
    if value is None:
        return "undefined"
    if float(value).is_integer() and abs(value) < 1e9:
        return str(int(value))
    text = f"{value:.3g}" if abs(value) < 1 else f"{value:.4g}"
    if "e" not in text and len(text.partition(".")[2]) < 2:
        text = f"{value:.2f}"
    return text


def judged_bound(o: Judged) -> str:
    """Which number the rule compared: ``lower bound``, ``upper bound``, ``point value``, or ``""`` (none decided)."""
    if o.judge == "interval":
        if o.status == "pass":
            return "upper bound" if o.op in _UPPER_OK else "lower bound"
        if o.status in ("fail", "warn"):
            return "lower bound" if o.op in _UPPER_OK else "upper bound"
        return ""
    return {"ci_low": "lower bound", "ci_high": "upper bound"}.get(o.judge, "point value")


def _relation(number: float, threshold: float) -> str:
    return "above" if number > threshold else ("below" if number < threshold else "at")


def _measured(o: Judged, confidence: float) -> str:
    if o.value is None:
        return f"{judged_bound(o) or 'value'} {num(o.observed)}"
    text = num(o.value)
    if o.ci_low is not None and o.ci_high is not None:
        text += f", {round(confidence * 100):d}% interval {num(o.ci_low)}–{num(o.ci_high)}"
    return text


def _cannot_tell(o: Judged) -> str:
    text = f"the interval includes the {num(o.threshold)} threshold, so this test set cannot tell"
    if o.mdg is not None:
        text += f"; it can only detect a gap of {num(o.mdg)} at 80% power"
    return text


def outcome_sentence(o: Judged, *, confidence: float = 0.95) -> str:
    """One line: what was measured, with its interval, and how the rule judged it."""
    subject = rule_subject(o.metric)
    if o.metric.startswith(("integrity.", "identity.")) or o.rule_id.startswith("regression.") or o.status == "skipped":
        return f"{subject}: {o.message}"
    if o.value is None and o.observed is None:
        return f"{subject}: {o.message or 'undefined'}"
    if o.status == "inconclusive":
        if o.judge == "interval" and o.ci_low is not None and o.ci_high is not None and o.threshold is not None:
            return f"{subject}: {_measured(o, confidence)}; {_cannot_tell(o)}"
        return f"{subject}: {_measured(o, confidence)}; {o.message}"
    bound = judged_bound(o)
    if o.observed is None or o.threshold is None:
        return f"{subject}: {_measured(o, confidence)}; {o.message}"
    return f"{subject}: {_measured(o, confidence)}, {bound} {_relation(o.observed, o.threshold)} the {num(o.threshold)} threshold"


def _judged_text(o: Judged) -> str:
    bound = judged_bound(o)
    if o.judge == "interval" and not bound:
        return "neither bound: the interval includes the threshold" if o.ci_low is not None else "—"
    return f"{bound} {num(o.observed)}" if o.observed is not None else "—"


def _no_value(o: Judged) -> str:
    if o.evidence_missing:
        return "absent"
    return "undefined" if o.status == "inconclusive" else "—"


def policy_rows(outcomes: list[Judged], *, confidence: float = 0.95) -> list[dict[str, str]]:
    """Rows of the rules table, in :func:`ordered` order; the judged number is named, never shown as "observed"."""
    rows = []
    for o in ordered(outcomes):
        interval = f" [{num(o.ci_low)}, {num(o.ci_high)}]" if o.ci_low is not None and o.ci_high is not None else ""
        rows.append({
            "id": o.id, "id_head": o.id.partition("[")[0], "id_tail": "".join(o.id.partition("[")[1:]),
            "status": o.status.upper(), "label": rule_subject(o.metric), "key": o.metric,
            "value": (num(o.value) + interval) if o.value is not None else _no_value(o),
            "judged": _judged_text(o),
            "threshold": f"{o.op} {num(o.threshold)}" if o.threshold is not None else "—",
            "severity": o.severity, "blocks": "blocks the release" if o.blocks else "",
            "message": o.message, "sentence": outcome_sentence(o, confidence=confidence),
        })
    return rows


def _listed(items: list[Judged], confidence: float) -> list[dict[str, str]]:
    return [{"id": o.id, "text": outcome_sentence(o, confidence=confidence), "blocks": "yes" if o.blocks else ""}
            for o in items[:MAX_LISTED]]


def verdict_box(outcomes: list[Judged] | None, *, confidence: float = 0.95) -> dict[str, Any]:
    """What the summary's verdict box says beyond the verdict: every failure and inconclusive rule, in words."""
    if outcomes is None:
        return {}
    by = {status: [o for o in ordered(outcomes) if o.status == status] for status in STATUS_ORDER}
    shown = sum(min(len(by[s]), MAX_LISTED) for s in ("fail", "inconclusive"))
    return {
        "failed": _listed(by["fail"], confidence),
        "inconclusive": _listed(by["inconclusive"], confidence),
        "warned": [o.id for o in by["warn"]],
        "more": len(by["fail"]) + len(by["inconclusive"]) - shown,
        "counts": ", ".join(f"{len(by[s])} {word}" for s, word in (("fail", "failed"), ("inconclusive", "inconclusive"),
                            ("warn", "warned"), ("skipped", "skipped"), ("pass", "passed")) if by[s]) or "no rules",
    }
