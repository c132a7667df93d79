"""The gate's result: one outcome per checked rule and an overall verdict.

Exit codes (also the CLI's): 0 pass (warnings allowed), 1 an error-severity rule
failed, 2 bad input, 3 internal error, 4 inconclusive (an error-severity rule could
not be judged: an undefined metric or a stage that did not run). A failure wins
over inconclusive. Outcomes carry aggregates only: a metric path, a number, a
threshold — never a row of data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["EXIT_CODES", "Outcome", "RuleOutcome", "Verdict"]

Outcome = Literal["pass", "fail", "warn", "inconclusive", "skipped"]

EXIT_CODES: dict[str, int] = {"pass": 0, "fail": 1, "usage": 2, "internal": 3, "inconclusive": 4}


@dataclass(frozen=True)
class RuleOutcome:
    """The outcome of one rule on one concrete metric path.

    Attributes
    ----------
    id:
        Rule id, suffixed with the wildcard match (``eo_gap[gender]``) when the rule used ``*``.
    rule_id:
        The policy rule it came from.
    metric:
        Concrete metric path judged.
    op, threshold, judge, severity, reason:
        Copied from the rule.
    observed:
        The judged number, ``None`` when undefined or absent.
    status:
        ``pass``, ``fail``, ``warn`` (a failed warn-severity rule), ``inconclusive`` or ``skipped``.
    message:
        One line: what was compared, or why it could not be.
    value, ci_low, ci_high, mdg:
        The metric's point value, interval and minimum detectable gap, when it had them.
    evidence_missing:
        True when the outcome is inconclusive because evidence is absent (not merely undefined).
    """

    id: str
    rule_id: str
    metric: str
    op: str
    threshold: float
    judge: str
    severity: str
    reason: str
    observed: float | None
    status: Outcome
    message: str
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mdg: float | None = None
    evidence_missing: bool = False

    @property
    def blocks(self) -> bool:
        """True when this outcome alone makes the gate fail or be inconclusive.

        Missing evidence (an absent metric, a failed stage, a stage that did not run)
        blocks whatever the rule's severity: severity grades a measured violation,
        and what the gate did not see it does not pass.
        """
        if self.status == "inconclusive" and self.evidence_missing:
            return True
        return self.severity == "error" and self.status in ("fail", "inconclusive")


@dataclass(frozen=True)
class Verdict:
    """Overall gate result.

    Attributes
    ----------
    status:
        ``pass``, ``fail`` or ``inconclusive``.
    exit_code:
        0, 1 or 4 (see module docstring).
    policy:
        Policy name.
    outcomes:
        Every rule outcome, in policy order.
    """

    status: Literal["pass", "fail", "inconclusive"]
    exit_code: int
    policy: str
    outcomes: tuple[RuleOutcome, ...] = field(default_factory=tuple)

    @classmethod
    def from_outcomes(cls, policy: str, outcomes: list[RuleOutcome] | tuple[RuleOutcome, ...]) -> Verdict:
        """Derive the status and exit code from the outcomes (fail beats inconclusive)."""
        blocking = [o.status for o in outcomes if o.blocks]
        if "fail" in blocking:
            status: Literal["pass", "fail", "inconclusive"] = "fail"
        elif blocking:
            status = "inconclusive"
        else:
            status = "pass"
        return cls(status=status, exit_code=EXIT_CODES[status], policy=policy, outcomes=tuple(outcomes))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        """Rebuild a verdict from :meth:`to_json` output (e.g. ``gate/verdict.json``)."""
        outcomes = tuple(RuleOutcome(**rule) for rule in data.get("rules", []))
        return cls.from_outcomes(str(data.get("policy", "policy")), outcomes)

    def counts(self) -> dict[str, int]:
        """Number of outcomes per status (every status present, sorted keys)."""
        keys = ("fail", "inconclusive", "pass", "skipped", "warn")
        return {k: sum(1 for o in self.outcomes if o.status == k) for k in keys}

    def to_json(self) -> dict[str, Any]:
        """The scorecard ``policy`` section (also ``gate/verdict.json``); no timestamps, so equal verdicts serialise equally.

        ``status`` is the section status (``ok``: the gate ran); the verdict itself is ``verdict``.
        """
        return {
            "status": "ok",
            "verdict": self.status,
            "passed": self.status == "pass",
            "exit_code": self.exit_code,
            "policy": self.policy,
            "counts": self.counts(),
            "rules": [asdict(o) for o in self.outcomes],
        }
