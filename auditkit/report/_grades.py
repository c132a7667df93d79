"""Grade rules: one letter per area, each with the reason it was given.

Grades summarise; they do not replace the gate. When the gate ran, an area's
grade comes from the gate's own outcomes for the rules on that area (one source
of truth): a failed rule is ``D``, a blocking inconclusive one ``incomplete``, a
warning ``C``, a rule skipped as allowed ``B``, every rule passed ``A``; the
reason cites the rule that decided it. Only when the gate did not run, or has no
rule on an area, do the report's own bands below grade it, and the reason says
so. ``incomplete`` when the stage did not run or a needed figure is undefined —
never a good grade by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditkit.report._metrics import Metric, as_metric, find_metric, format_metric, lookup
from auditkit.report._why import Judged, judged_outcomes, ordered, outcome_sentence

__all__ = ["AREAS", "Grade", "grade_all", "overall_verdict"]

AREAS = ("privacy", "fairness", "explainability", "performance", "compute")
PERF_BANDS = ((0.90, "A"), (0.80, "B"), (0.70, "C"))
GAP_BANDS = ((0.05, "A"), (0.10, "B"), (0.20, "C"))
RESIDUAL_OK, RESIDUAL_BAD = 0.001, 0.01
MEMBERSHIP_OK, MEMBERSHIP_BAD = 0.55, 0.60
RELIANCE_OK, RELIANCE_HIGH = 0.05, 0.15
FOUR_FIFTHS = 0.8
MEMORY_KEYS = ("peak_memory_mb", "peak_rss_mb", "cuda_peak_mb")


@dataclass(frozen=True)
class Grade:
    """The grade of one area and why."""

    area: str
    grade: str
    reason: str


def _section(doc: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    section = doc.get(name)
    return section if isinstance(section, Mapping) and section.get("status") == "ok" else None


def _not_run(doc: Mapping[str, Any], name: str) -> str:
    section = doc.get(name)
    reason = section.get("reason") if isinstance(section, Mapping) else None
    return f"{name} section not available" + (f": {reason}" if isinstance(reason, str) else "")


def _performance(doc: Mapping[str, Any]) -> Grade:
    section = _section(doc, "performance")
    if section is None:
        return Grade("performance", "incomplete", _not_run(doc, "performance"))
    for name in ("macro_f1", "accuracy"):
        metric = find_metric(section, name, f"model.{name}", f"overall.{name}")
        if metric is not None and metric.value is not None:
            grade = next((g for bound, g in PERF_BANDS if metric.value >= bound), "D")
            return Grade("performance", grade, f"{name} = {format_metric(metric)} (A ≥ 0.90, B ≥ 0.80, C ≥ 0.70)")
    return Grade("performance", "incomplete", "no macro_f1 or accuracy in the performance section")


def _gaps(section: Mapping[str, Any], suffixes: tuple[str, ...]) -> list[tuple[str, Metric]]:
    found: list[tuple[str, Metric]] = []
    attributes = section.get("attributes")
    for attr, content in (attributes.items() if isinstance(attributes, Mapping) else ()):
        if not isinstance(content, Mapping):
            continue
        for key, leaf in content.items():
            metric = as_metric(leaf)
            if metric is not None and key.endswith(suffixes):
                found.append((f"{key} for {attr}", metric))
    return found


def _fairness(doc: Mapping[str, Any]) -> Grade:
    section = _section(doc, "fairness")
    if section is None:
        return Grade("fairness", "incomplete", _not_run(doc, "fairness"))
    gaps, ratios = _gaps(section, ("_difference", "_gap")), _gaps(section, ("_ratio",))
    if not gaps:
        return Grade("fairness", "incomplete", "no group gap (*_difference) found in the fairness section")
    undefined = [name for name, m in gaps + ratios if m.value is None]
    if undefined:
        return Grade("fairness", "incomplete", f"undefined, so inconclusive: {undefined[0]}")
    name, worst = max(gaps, key=lambda item: abs(item[1].value or 0.0))
    size = abs(worst.value or 0.0)
    upper = max(abs(worst.ci_high), abs(worst.ci_low or 0.0)) if worst.ci_high is not None else size
    grade = next((g for bound, g in GAP_BANDS if size <= bound), "D")
    if grade == "A" and upper > GAP_BANDS[1][0]:
        grade = "B"
    reason = f"largest gap: {name} = {format_metric(worst)} (A ≤ 0.05 with CI ≤ 0.10, B ≤ 0.10, C ≤ 0.20)"
    low_name, lowest = min(ratios, key=lambda item: item[1].value or 0.0, default=("", None))
    if lowest is not None and (lowest.value or 0.0) < FOUR_FIFTHS and grade in ("A", "B"):
        grade, reason = "C", f"{reason}; {low_name} = {format_metric(lowest)} is below the four-fifths rule (0.8)"
    return Grade("fairness", grade, reason)


def _privacy(doc: Mapping[str, Any]) -> Grade:
    # a privacy section is "failed" when a check found a leak; its figures still grade (D), never hide
    raw = doc.get("privacy")
    section = raw if isinstance(raw, Mapping) and raw.get("status") in ("ok", "failed") else None
    if section is None:
        return Grade("privacy", "incomplete", _not_run(doc, "privacy"))
    residual = find_metric(section, "scrub.residual_entity_rate", "scrub.residual_rate", "scrub.residual.rate")
    canary = find_metric(section, "canary_sweep.n_hits", "canary_sweep.hits", "canaries.hits")
    member = find_metric(section, "membership.auc", "membership.roc_auc", "membership_inference.auc")
    checks = {"scrub residual rate": residual, "canary hits": canary, "membership AUC": member}
    measured = {k: m for k, m in checks.items() if m is not None and m.value is not None}
    if not measured:
        return Grade("privacy", "incomplete", _not_run(doc, "privacy") if section.get("status") == "failed"
                     else "no scrub residual rate, canary sweep or membership AUC measured")
    detail = "; ".join(f"{k} = {format_metric(m)}" for k, m in measured.items())
    if (canary and (canary.value or 0) > 0) or (residual and (residual.value or 0) > RESIDUAL_BAD) or (
        member and (member.value or 0) > MEMBERSHIP_BAD
    ):
        return Grade("privacy", "D", f"leak found: {detail}")
    if (residual and (residual.value or 0) > RESIDUAL_OK) or (member and (member.value or 0) > MEMBERSHIP_OK):
        return Grade("privacy", "C", f"some leakage: {detail}")
    missing = [k for k in checks if k not in measured]
    if missing:
        return Grade("privacy", "B", f"{detail}; not measured: {', '.join(missing)}")
    return Grade("privacy", "A", detail)


def _explainability(doc: Mapping[str, Any]) -> Grade:
    section = _section(doc, "explanations")
    if section is None:
        return Grade("explainability", "incomplete", _not_run(doc, "explanations"))
    comp = find_metric(section, "faithfulness.comprehensiveness")
    rand = find_metric(section, "faithfulness.random_comprehensiveness", "faithfulness.comprehensiveness_random")
    reliance = find_metric(section, "sensitive_token_reliance", "sensitive_token_reliance.overall", "sensitive_reliance.overall")
    if comp is None or comp.value is None:
        return Grade("explainability", "C", "faithfulness not measured, so explanations are unchecked")
    stated = lookup(section, "faithfulness.beats_random")
    beats = stated if isinstance(stated, bool) else (rand is not None and rand.value is not None and comp.value > rand.value)
    faith = f"comprehensiveness {format_metric(comp)} vs random {format_metric(rand) if rand else 'not measured'}"
    if not beats:
        return Grade("explainability", "C", f"explanations do not beat a random baseline: {faith}")
    if reliance is None or reliance.value is None:
        return Grade("explainability", "B", f"{faith}; sensitive-token reliance not measured")
    text = f"{faith}; sensitive-token reliance {format_metric(reliance)}"
    if reliance.value > 2 * RELIANCE_HIGH:
        return Grade("explainability", "D", text)
    if reliance.value > RELIANCE_HIGH:
        return Grade("explainability", "C", text)
    return Grade("explainability", "A" if reliance.value <= RELIANCE_OK else "B", text)


def _compute(doc: Mapping[str, Any]) -> Grade:
    section = _section(doc, "compute")
    if section is None:
        return Grade("compute", "incomplete", _not_run(doc, "compute"))
    stages = section.get("stages", {})
    has_memory = any(isinstance(r, Mapping) and any(k in r for k in MEMORY_KEYS) for r in stages.values())
    has_device = bool(section.get("device")) or any(isinstance(r, Mapping) and r.get("device") for r in stages.values())
    energy = section.get("energy_kwh")
    parts = [f"total time {section.get('total_seconds')} s", "device recorded" if has_device else "device not recorded",
             "peak memory recorded" if has_memory else "peak memory not recorded",
             f"energy {energy} kWh" if isinstance(energy, (int, float)) else "energy not measured"]
    complete = has_memory and has_device
    grade = ("A" if isinstance(energy, (int, float)) else "B") if complete else "C"
    return Grade("compute", grade, "; ".join(parts) + " (grades the footprint's documentation, not its size)")


_AREA_PREFIX = {"privacy": "privacy.", "fairness": "fairness.", "explainability": "explanations.",
                "performance": "performance.", "compute": "compute."}
_GATED = {"fail": ("D", "failed"), "inconclusive": ("incomplete", "could not be judged"), "warn": ("C", "warned"),
          "skipped": ("B", "was skipped (not measured)")}


def _gated(area: str, outcomes: list[Judged]) -> Grade:
    """The grade the gate's outcomes on ``area`` give, citing the outcome that decided it."""
    worst = ordered(outcomes)[0]
    counts = ", ".join(f"{n} {s}" for s in ("fail", "inconclusive", "warn", "skipped", "pass")
                       if (n := sum(o.status == s for o in outcomes)))
    tail = f" ({counts} among the gate's {len(outcomes)} {area} rule outcomes)"
    if worst.status == "pass":
        return Grade(area, "A", f"every gate rule on {area} passed: " + "; ".join(o.id for o in outcomes[:6]) + tail)
    grade, verb = _GATED.get(worst.status, ("incomplete", worst.status))
    if worst.status == "inconclusive" and not worst.blocks:
        grade, verb = "C", "could not be judged (does not block)"
    return Grade(area, grade, f"gate rule {worst.id} {verb}: {outcome_sentence(worst)}{tail}")


def _banded(grade: Grade, why: str) -> Grade:
    return Grade(grade.area, grade.grade, f"{why}; graded by the report's bands: {grade.reason}")


def grade_all(doc: Mapping[str, Any]) -> list[Grade]:
    """Grade every area of :data:`AREAS`: from the gate's outcomes when it ran, else from the report's bands."""
    rules = {"privacy": _privacy, "fairness": _fairness, "explainability": _explainability,
             "performance": _performance, "compute": _compute}
    outcomes = judged_outcomes(doc.get("policy"))
    grades = []
    for area in AREAS:
        if outcomes is None:
            grades.append(_banded(rules[area](doc), "the release gate did not run"))
            continue
        mine = [o for o in outcomes if o.metric.startswith(_AREA_PREFIX[area])]
        grades.append(_gated(area, mine) if mine else _banded(rules[area](doc), f"no gate rule covers {area}"))
    return grades


def overall_verdict(doc: Mapping[str, Any]) -> tuple[str, str]:
    """Return ``(verdict, reason)``: the gate's verdict when it ran, else ``not gated``."""
    policy = doc.get("policy")
    if not isinstance(policy, Mapping) or policy.get("status") != "ok":
        reason = policy.get("reason") if isinstance(policy, Mapping) else None
        return "NOT GATED", "no release gate ran" + (f" ({reason})" if isinstance(reason, str) else "") + "; grades are informational"
    verdict = policy.get("verdict", policy.get("outcome"))
    if isinstance(verdict, str):
        return verdict.upper(), f"release gate verdict under policy {policy.get('policy', 'unnamed')!s}"
    passed = policy.get("passed")
    if isinstance(passed, bool):
        return ("PASS" if passed else "FAIL"), "release gate verdict"
    return "INCONCLUSIVE", "the policy section holds no verdict"
