"""Judging policy rules against a scorecard (and, optionally, a baseline scorecard).

Fail closed: a rule passes only when its metric exists, is defined and satisfies
the comparison. An undefined metric, an absent metric, a missing interval bound, a
failed section, or a section that did not run is ``inconclusive``; only a
``not_run`` section the rule names in ``allow_missing`` is ``skipped`` (never a
pass). ``judge: interval`` rules are three-valued (see :mod:`auditkit.gate._policy`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from auditkit.gate._lookup import Lookup, resolve
from auditkit.gate._policy import Policy, Rule
from auditkit.gate._verdict import Outcome, RuleOutcome, Verdict
from auditkit.scorecard import Metric

__all__ = ["check_rule", "evaluate", "fmt", "regression_outcomes"]

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
_NEGATION = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def fmt(value: float | None) -> str:
    """Format a number for messages and tables (``n/a`` for undefined)."""
    return "n/a" if value is None else f"{value:.4g}"


def _outcome(rule: Rule, lookup: Lookup, observed: float | None, status: Outcome, message: str, *, missing: bool = False) -> RuleOutcome:
    suffix = ""
    if "*" in rule.metric.split("."):
        picked = [c for f, c in zip(rule.metric.split("."), lookup.path.split(".")) if f == "*"]
        suffix = f"[{','.join(picked)}]" if picked else ""
    leaf = lookup.leaf
    return RuleOutcome(
        id=rule.id + suffix,
        rule_id=rule.id,
        metric=lookup.path,
        op=rule.op,
        threshold=rule.threshold,
        judge=rule.judge,
        severity=rule.severity,
        reason=rule.reason,
        observed=observed,
        status=status,
        message=message,
        value=leaf.value if leaf else None,
        ci_low=leaf.ci_low if leaf else None,
        ci_high=leaf.ci_high if leaf else None,
        mdg=leaf.mdg if leaf else None,
        evidence_missing=missing,
    )


def _cannot_tell(rule: Rule, leaf: Metric) -> str:
    where = f"interval [{fmt(leaf.ci_low)}, {fmt(leaf.ci_high)}] includes {fmt(rule.threshold)}"
    if leaf.mdg is not None:
        return f"this test set cannot tell: {where}; it can detect a gap of {fmt(leaf.mdg)} at 80% power"
    return f"this test set cannot tell: {where}; collect more data"


def _judge_interval(rule: Rule, leaf: Metric) -> tuple[float | None, Outcome, str]:
    low, high = leaf.ci_low, leaf.ci_high
    if low is None or high is None:
        return None, "inconclusive", "metric has no confidence interval; an interval rule cannot judge it"
    holds = _OPS[rule.op]
    upper_ok = rule.op in ("<", "<=")
    safe, risky = (high, low) if upper_ok else (low, high)
    if holds(safe, rule.threshold):
        bound = "upper" if upper_ok else "lower"
        return safe, "pass", f"{bound} bound {fmt(safe)} {rule.op} {fmt(rule.threshold)} (value {fmt(leaf.value)})"
    if not holds(risky, rule.threshold):
        bound = "lower" if upper_ok else "upper"
        message = f"{bound} bound {fmt(risky)} {_NEGATION[rule.op]} {fmt(rule.threshold)}: clearly outside (value {fmt(leaf.value)})"
        return risky, ("fail" if rule.severity == "error" else "warn"), message
    return leaf.value, "inconclusive", _cannot_tell(rule, leaf)


def _judge_leaf(rule: Rule, leaf: Metric) -> tuple[float | None, Outcome, str]:
    if leaf.value is None:
        return None, "inconclusive", "metric is undefined" + (f" ({leaf.reason})" if leaf.reason else "")
    if rule.judge == "interval":
        return _judge_interval(rule, leaf)
    observed = leaf.judged(rule.judge)
    if observed is None:
        return None, "inconclusive", f"metric has no {rule.judge} (no confidence interval); judge 'value' or compute intervals"
    holds = _OPS[rule.op](observed, rule.threshold)
    message = f"{rule.judge} {fmt(observed)} {'is' if holds else 'is not'} {rule.op} {fmt(rule.threshold)}"
    if holds:
        return observed, "pass", message
    return observed, ("fail" if rule.severity == "error" else "warn"), message


def _judge_absence(rule: Rule, lookup: Lookup) -> tuple[Outcome, str]:
    if lookup.kind == "not_run" and lookup.section in rule.allow_missing:
        return "skipped", f"{lookup.note}; accepted by allow_missing (not a pass)"
    if lookup.kind == "missing":
        return "inconclusive", f"metric absent: {lookup.note}"
    return "inconclusive", lookup.note


def check_rule(scorecard: Mapping[str, Any], rule: Rule) -> list[RuleOutcome]:
    """Judge one rule; a wildcard rule yields one outcome per matched (or declared) path."""
    out: list[RuleOutcome] = []
    for lookup in resolve(scorecard, rule.metric):
        missing = lookup.kind != "metric" or lookup.leaf is None
        if not missing and lookup.leaf is not None:
            observed, status, message = _judge_leaf(rule, lookup.leaf)
        else:
            observed = None
            status, message = _judge_absence(rule, lookup)
        missing = missing and status == "inconclusive"
        if status == "inconclusive" and rule.severity == "warn":
            message += " (missing evidence blocks whatever the severity)" if missing else " (warn severity: does not block)"
        out.append(_outcome(rule, lookup, observed, status, message, missing=missing))
    return out


def _worse_by(rule: Rule, new: float, old: float) -> float:
    """How much worse ``new`` is than ``old`` for this rule's direction (<= 0: not worse)."""
    if rule.op in ("<", "<="):
        return new - old
    if rule.op in (">", ">="):
        return old - new
    return abs(new - old)


def _compared(rule: Rule, lookup: Lookup) -> float | None:
    if lookup.kind != "metric" or lookup.leaf is None:
        return None
    return lookup.leaf.value if rule.judge == "interval" else lookup.leaf.judged(rule.judge)


def regression_outcomes(
    scorecard: Mapping[str, Any], baseline: Mapping[str, Any], policy: Policy, *, tolerance: float
) -> list[RuleOutcome]:
    """One regression outcome per rule path: the metric may not get worse than in ``baseline`` by more than ``tolerance``.

    "Worse" follows the rule's comparison: for ``<``/``<=`` a larger value is worse, for
    ``>``/``>=`` a smaller one, for ``==`` any change. Interval rules compare point values.
    """
    out: list[RuleOutcome] = []
    for rule in policy.rules:
        reg = rule.model_copy(update={"id": f"regression.{rule.id}", "reason": f"no regression beyond {fmt(tolerance)} vs baseline"})
        for lookup in resolve(scorecard, rule.metric):
            new, old = _compared(rule, lookup), _compared(rule, resolve(baseline, lookup.path)[0])
            if new is None or old is None:
                which = "current" if new is None else "baseline"
                out.append(_outcome(reg, lookup, new, "inconclusive", f"cannot compare: {which} value undefined or absent",
                                    missing=lookup.kind != "metric"))
                continue
            delta = _worse_by(rule, new, old)
            status: Outcome = "pass" if delta <= tolerance + 1e-12 else ("fail" if rule.severity == "error" else "warn")
            message = f"{fmt(new)} vs baseline {fmt(old)}: worse by {fmt(max(delta, 0.0))} (tolerance {fmt(tolerance)})"
            out.append(_outcome(reg, lookup, new, status, message))
    return out


def evaluate(
    scorecard: Mapping[str, Any],
    policy: Policy,
    *,
    baseline: Mapping[str, Any] | None = None,
    tolerance: float = 0.01,
    extra: list[RuleOutcome] | None = None,
) -> Verdict:
    """Judge every rule of ``policy`` against a scorecard document.

    Parameters
    ----------
    scorecard:
        The scorecard document (normalised: :meth:`auditkit.scorecard.Scorecard.to_document`).
    policy:
        The rules.
    baseline:
        A previous release's scorecard document; adds one ``regression.<rule id>`` outcome per rule path.
    tolerance:
        How much worse than the baseline a metric may get.
    extra:
        Outcomes computed elsewhere (integrity and identity checks), listed first.

    Returns
    -------
    Verdict
    """
    outcomes: list[RuleOutcome] = list(extra or [])
    for rule in policy.rules:
        outcomes.extend(check_rule(scorecard, rule))
    if baseline is not None:
        outcomes.extend(regression_outcomes(scorecard, baseline, policy, tolerance=tolerance))
    return Verdict.from_outcomes(policy.name, outcomes)
