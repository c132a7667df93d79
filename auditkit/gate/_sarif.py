"""SARIF 2.1.0 output, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

Each policy rule becomes a ``reportingDescriptor`` and each outcome a ``result``
located in the scorecard file, with the metric path as a logical location.
Result ``kind`` carries the outcome (``pass``, ``fail``, ``open`` for
inconclusive, ``notApplicable`` for skipped); ``level`` is ``error`` or
``warning`` for failures and ``none`` otherwise, as SARIF §3.27.9 requires.
The output is deterministic (sorted keys, no timestamps) and valid UTF-8: JSON
escapes control characters, and a lone surrogate in a name becomes U+FFFD
(:mod:`auditkit._unicode`).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from auditkit._unicode import utf8_safe
from auditkit.gate._checks import fmt
from auditkit.gate._verdict import RuleOutcome, Verdict

__all__ = ["SARIF_SCHEMA_URI", "sarif_json", "sarif_log"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_KIND = {"pass": "pass", "fail": "fail", "warn": "fail", "inconclusive": "open", "skipped": "notApplicable"}


def _rule(o: RuleOutcome) -> dict[str, Any]:
    return {
        "id": o.rule_id,
        "name": o.rule_id.replace(".", "_").replace("-", "_").replace(":", "_"),
        "shortDescription": {"text": f"{o.judge} of {o.metric} {o.op} {fmt(o.threshold)}"},
        "fullDescription": {"text": o.reason or f"{o.judge} of {o.metric} must be {o.op} {fmt(o.threshold)}"},
        "defaultConfiguration": {"level": "error" if o.severity == "error" else "warning"},
    }


def _result(o: RuleOutcome, index: int, uri: str) -> dict[str, Any]:
    level = ("error" if o.severity == "error" else "warning") if o.status in ("fail", "warn") else "none"
    return {
        "ruleId": o.rule_id,
        "ruleIndex": index,
        "kind": _KIND[o.status],
        "level": level,
        "message": {"text": f"{o.id}: {o.status}: {o.message}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": uri}},
                "logicalLocations": [{"fullyQualifiedName": o.metric, "kind": "member"}],
            }
        ],
        "properties": {"observed": o.observed, "threshold": o.threshold, "op": o.op, "judge": o.judge, "status": o.status},
    }


def sarif_log(verdict: Verdict, *, scorecard_uri: str = "scorecard.json", tool_version: str = "0.1.0") -> dict[str, Any]:
    """Build the SARIF 2.1.0 log for ``verdict`` as a dict."""
    uri = PurePath(scorecard_uri).as_posix() if not PurePath(scorecard_uri).is_absolute() else PurePath(scorecard_uri).name
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for o in verdict.outcomes:
        if o.rule_id not in index:
            index[o.rule_id] = len(rules)
            rules.append(_rule(o))
    driver = {"name": "auditkit-gate", "version": tool_version, "rules": rules}
    results = [_result(o, index[o.rule_id], uri) for o in verdict.outcomes]
    run = {"tool": {"driver": driver}, "results": results, "properties": {"policy": verdict.policy, "verdict": verdict.status}}
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def sarif_json(verdict: Verdict, *, scorecard_uri: str = "scorecard.json", tool_version: str = "0.1.0") -> str:
    """The SARIF log as deterministic JSON text (sorted keys, trailing newline)."""
    log = sarif_log(verdict, scorecard_uri=scorecard_uri, tool_version=tool_version)
    return utf8_safe(json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)) + "\n"
