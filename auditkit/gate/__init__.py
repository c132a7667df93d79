"""The release gate: judge a scorecard against a policy, fail closed.

``auditkit gate`` and :func:`run_gate` read ``scorecard.json`` only; this package
never imports torch, transformers or any stage package, so it starts fast on a CI
runner with no model. Exit codes: 0 pass, 1 a rule failed, 2 bad input,
3 internal error, 4 inconclusive.
"""

from __future__ import annotations

from auditkit.gate._checks import check_rule, evaluate, regression_outcomes
from auditkit.gate._identity import identity_outcome, recorded_hashes
from auditkit.gate._integrity import integrity_outcomes
from auditkit.gate._junit import junit_xml
from auditkit.gate._lookup import Lookup, declared_attributes, resolve
from auditkit.gate._policy import PRESETS, Policy, Rule, load_policy, parse_policy
from auditkit.gate._run import GateOutputs, run_gate, write_outputs
from auditkit.gate._sarif import sarif_json, sarif_log
from auditkit.gate._text import markdown_summary, text_table
from auditkit.gate._verdict import EXIT_CODES, RuleOutcome, Verdict

__all__ = [
    "EXIT_CODES",
    "GateOutputs",
    "Lookup",
    "PRESETS",
    "Policy",
    "Rule",
    "RuleOutcome",
    "Verdict",
    "check_rule",
    "declared_attributes",
    "evaluate",
    "identity_outcome",
    "integrity_outcomes",
    "junit_xml",
    "load_policy",
    "markdown_summary",
    "parse_policy",
    "recorded_hashes",
    "regression_outcomes",
    "resolve",
    "run_gate",
    "sarif_json",
    "sarif_log",
    "text_table",
    "write_outputs",
]
