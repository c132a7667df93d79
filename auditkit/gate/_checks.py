"""Judging policy rules against a scorecard (and, optionally, a baseline scorecard).

Fail closed: a rule passes only when its metric exists, is defined, and satisfies
the comparison. An undefined metric, a missing confidence bound or a section that
did not run is ``inconclusive``; a path that does not exist ``fail``s (it is most
likely a renamed metric or a typo, and a gate that cannot find its metric must not
let a release through). ``allow_missing: true`` turns both into ``skipped``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from auditkit.gate._lookup import Lookup, MetricLeaf, resolve
from auditkit.gate._policy import Policy, Rule
from auditkit.gate._verdict import Outcome, RuleOutcome, Verdict

__all__ = ["check_rule", "evaluate", "regression_outcomes"]

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


def fmt(value: float | None) -> str:
    """Format a number for messages and tables (``n/a`` for undefined)."""
    return "n/a" if value is None else f"{value:.4g}"


def _outcome(rule: Rule, lookup: Lookup, wildcard: bool, observed: float | None, status: Outcome, message: str) -> RuleOutcome:
    suffix = ""
    if wildcard:
        fixed = rule.metric.split(".")
        concrete = lookup.path.split(".")
        picked = [c for f, c in zip(fixed, concrete) if f == "*"]
        suffix = f"[{','.join(picked)}]" if picked else ""
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
    )


def _judge_leaf(rule: Rule, leaf: MetricLeaf) -> tuple[float | None, Outcome, str]:
    if leaf.value is None:
        return None, "inconclusive", "metric is undefined" + (f" ({leaf.reason})" if leaf.reason else "")
    observed = leaf.judged(rule.judge)
    if observed is None:
        return None, "inconclusive", f"metric has no {rule.judge} (no confidence interval); judge 'value' or compute intervals"
    holds = _OPS[rule.op](observed, rule.threshold)
    verb = "is" if holds else "is not"
    message = f"{rule.judge} {fmt(observed)} {verb} {rule.op} {fmt(rule.threshold)}"
    if holds:
        return observed, "pass", message
    return observed, ("fail" if rule.severity == "error" else "warn"), message


def check_rule(scorecard: dict[str, Any], rule: Rule) -> list[RuleOutcome]:
    """Judge one rule; a wildcard rule yields one outcome per matched path."""
    lookups = resolve(scorecard, rule.metric)
    wildcard = "*" in rule.metric.split(".")
    out: list[RuleOutcome] = []
    for lookup in lookups:
        if lookup.kind == "metric" and lookup.leaf is not None:
            observed, status, message = _judge_leaf(rule, lookup.leaf)
        elif rule.allow_missing:
            observed, status, message = None, "skipped", f"{lookup.note}; allowed by allow_missing (not a pass)"
        elif lookup.kind == "not_run":
            observed, status, message = None, "inconclusive", lookup.note
        else:
            observed, status, message = None, ("fail" if rule.severity == "error" else "warn"), f"metric missing: {lookup.note}"
        if status == "inconclusive" and rule.severity == "warn":
            message += " (warn severity: does not block)"
        out.append(_outcome(rule, lookup, wildcard, observed, status, message))
    return out


def _worse_by(rule: Rule, new: float, old: float) -> float:
    """How much worse ``new`` is than ``old`` for this rule's direction (<= 0: not worse)."""
    if rule.op in ("<", "<="):
        return new - old
    if rule.op in (">", ">="):
        return old - new
    return abs(new - old)


def regression_outcomes(scorecard: dict[str, Any], baseline: dict[str, Any], policy: Policy, *, tolerance: float) -> list[RuleOutcome]:
    """One regression outcome per rule path: the metric may not get worse than in ``baseline`` by more than ``tolerance``.

    "Worse" follows the rule's comparison: for ``<``/``<=`` a larger value is worse, for
    ``>``/``>=`` a smaller one, for ``==`` any change. The rule's ``judge`` is compared.
    """
    out: list[RuleOutcome] = []
    for rule in policy.rules:
        reg = rule.model_copy(update={"id": f"regression.{rule.id}", "reason": f"no regression beyond {fmt(tolerance)} vs baseline"})
        wildcard = "*" in rule.metric.split(".")
        for lookup in resolve(scorecard, rule.metric):
            old_lookup = resolve(baseline, lookup.path)[0]
            new = lookup.leaf.judged(rule.judge) if lookup.kind == "metric" and lookup.leaf else None
            old = old_lookup.leaf.judged(rule.judge) if old_lookup.kind == "metric" and old_lookup.leaf else None
            if new is None or old is None:
                which = "current" if new is None else "baseline"
                status: Outcome = "skipped" if rule.allow_missing else "inconclusive"
                out.append(_outcome(reg, lookup, wildcard, new, status, f"cannot compare: {which} {rule.judge} undefined or absent"))
                continue
            delta = _worse_by(rule, new, old)
            ok = delta <= tolerance + 1e-12
            status = "pass" if ok else ("fail" if rule.severity == "error" else "warn")
            message = f"{rule.judge} {fmt(new)} vs baseline {fmt(old)}: worse by {fmt(max(delta, 0.0))} (tolerance {fmt(tolerance)})"
            out.append(_outcome(reg, lookup, wildcard, new, status, message))
    return out


def evaluate(
    scorecard: dict[str, Any],
    policy: Policy,
    *,
    baseline: dict[str, Any] | None = None,
    tolerance: float = 0.01,
    extra: list[RuleOutcome] | None = None,
) -> Verdict:
    """Judge every rule of ``policy`` against ``scorecard``.

    Parameters
    ----------
    scorecard:
        Parsed ``scorecard.json``.
    policy:
        The rules.
    baseline:
        A previous release's scorecard; adds one ``regression.<rule id>`` outcome per rule path.
    tolerance:
        How much worse than the baseline a metric may get.
    extra:
        Outcomes computed elsewhere (e.g. the model identity check), appended last.

    Returns
    -------
    Verdict
    """
    outcomes: list[RuleOutcome] = []
    for rule in policy.rules:
        outcomes.extend(check_rule(scorecard, rule))
    if baseline is not None:
        outcomes.extend(regression_outcomes(scorecard, baseline, policy, tolerance=tolerance))
    outcomes.extend(extra or [])
    return Verdict.from_outcomes(policy.name, outcomes)
