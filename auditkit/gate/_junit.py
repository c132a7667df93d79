"""JUnit XML for CI test reporters: one test case per rule outcome.

The document follows the common Jenkins/Ant ``junit-10.xsd`` structure
(``testsuites > testsuite > testcase > failure|error|skipped|system-out``).
It is byte-stable: no timestamps, host names or durations (``time="0"``), and
test cases appear in policy order with names derived from rule ids. Strings from
the scorecard (attribute and group names in rule ids and metric paths) lose the
control characters XML 1.0 cannot hold, and a lone surrogate becomes U+FFFD
(:mod:`auditkit._unicode`), so any scorecard gives well-formed UTF-8 XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from auditkit._unicode import utf8_safe
from auditkit.gate._checks import fmt
from auditkit.gate._verdict import RuleOutcome, Verdict

__all__ = ["junit_xml"]


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters other than tab/newline); U+FFFD for lone surrogates."""
    return "".join(ch for ch in utf8_safe(text) if ch in "\t\n" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))


def _value(o: RuleOutcome) -> str:
    interval = f" [{fmt(o.ci_low)}, {fmt(o.ci_high)}]" if o.ci_low is not None and o.ci_high is not None else ""
    return fmt(o.value) + interval


def _details(o: RuleOutcome) -> str:
    return _clean(
        f"metric: {o.metric}\nvalue: {_value(o)}\njudge: {o.judge}\nobserved: {fmt(o.observed)}\n"
        f"threshold: {o.op} {fmt(o.threshold)}\nseverity: {o.severity}\nreason: {o.reason}\n{o.message}"
    )


def _testcase(parent: ET.Element, suite: str, o: RuleOutcome) -> None:
    case = ET.SubElement(parent, "testcase", {"classname": suite, "name": _clean(o.id), "time": "0"})
    message = _clean(o.message)
    if o.status == "fail":
        ET.SubElement(case, "failure", {"message": message, "type": "policy_violation"}).text = _details(o)
    elif o.status == "inconclusive" and o.blocks:
        ET.SubElement(case, "error", {"message": message, "type": "inconclusive"}).text = _details(o)
    elif o.status in ("skipped", "inconclusive"):
        ET.SubElement(case, "skipped", {"message": f"{o.status}: {message}"})
    elif o.status == "warn":
        ET.SubElement(case, "system-out").text = "WARNING (does not block): " + _details(o)


def junit_xml(verdict: Verdict) -> bytes:
    """Render ``verdict`` as UTF-8 JUnit XML bytes (deterministic)."""
    suite_name = _clean(f"auditkit.gate.{verdict.policy}")
    outcomes = verdict.outcomes
    failures = sum(o.status == "fail" for o in outcomes)
    errors = sum(o.status == "inconclusive" and o.blocks for o in outcomes)
    skipped = sum(o.status == "skipped" or (o.status == "inconclusive" and not o.blocks) for o in outcomes)
    counts = {"tests": str(len(outcomes)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": "auditkit gate", **counts, "time": "0"})
    suite = ET.SubElement(root, "testsuite", {"name": suite_name, **counts, "skipped": str(skipped), "time": "0"})
    for outcome in outcomes:
        _testcase(suite, suite_name, outcome)
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + utf8_safe(ET.tostring(root, encoding="unicode")).encode("utf-8") + b"\n"
