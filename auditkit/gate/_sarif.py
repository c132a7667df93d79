"""SARIF 2.1.0 output, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).

Code scanning turns every SARIF result into an alert, so the log carries only what
needs a look: failures (``level: error``), warnings (``level: warning``) and
inconclusive outcomes that block the release (``level: error``; the gate fails
closed, so an unjudged blocking rule is a problem, not a note). Passes, skipped
rules and non-blocking inconclusives stay in JUnit. Each policy rule is a
``reportingDescriptor``; each result is located in the scorecard file, with the
metric path as a logical location, and carries a ``partialFingerprints`` entry
(a hash of the rule, the outcome id and the metric path, never of the value), so
the same problem keeps the same alert across runs. The scorecard's URI is
relative to the repository holding it (the nearest folder with ``.git`` above it;
the file name alone outside a repository), so no local path leaks and the same
input gives byte-identical output from any working directory. The output is
deterministic (sorted keys, no timestamps) and valid UTF-8: JSON escapes control
characters, and a lone surrogate in a name becomes U+FFFD (:mod:`auditkit._unicode`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePath
from typing import Any

from auditkit._unicode import utf8_safe
from auditkit.gate._checks import fmt
from auditkit.gate._verdict import RuleOutcome, Verdict

__all__ = ["FINGERPRINT_KEY", "SARIF_SCHEMA_URI", "repository_uri", "sarif_json", "sarif_log"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "auditkitOutcome/v1"
_KIND = {"pass": "pass", "fail": "fail", "warn": "fail", "inconclusive": "fail", "skipped": "notApplicable"}


def repository_uri(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the repository that holds it (POSIX form); its file name outside a repository.

    The path is made absolute against the working directory without following
    symbolic links, so ``runs/a/scorecard.json`` typed at the repository root and
    ``scorecard.json`` typed inside ``runs/a`` give the same URI.
    """
    absolute = Path(os.path.abspath(os.fspath(path)))
    for folder in absolute.parents:
        if (folder / ".git").exists():
            return absolute.relative_to(folder).as_posix()
    return absolute.name


def _reported(o: RuleOutcome) -> bool:
    return o.status in ("fail", "warn") or (o.status == "inconclusive" and o.blocks)


def _fingerprint(o: RuleOutcome) -> str:
    key = "\x1f".join(utf8_safe(part) for part in (o.rule_id, o.id, o.metric))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _rule(o: RuleOutcome) -> dict[str, Any]:
    return {
        "id": o.rule_id,
        "name": o.rule_id.replace(".", "_").replace("-", "_").replace(":", "_"),
        "shortDescription": {"text": f"{o.judge} of {o.metric} {o.op} {fmt(o.threshold)}"},
        "fullDescription": {"text": o.reason or f"{o.judge} of {o.metric} must be {o.op} {fmt(o.threshold)}"},
        "defaultConfiguration": {"level": "error" if o.severity == "error" else "warning"},
    }


def _result(o: RuleOutcome, index: int, uri: str) -> dict[str, Any]:
    level = "warning" if o.status == "warn" else "error"
    label = "inconclusive (blocks the release)" if o.status == "inconclusive" else o.status
    return {
        "ruleId": o.rule_id,
        "ruleIndex": index,
        "kind": _KIND[o.status],
        "level": level,
        "message": {"text": f"{o.id}: {label}: {o.message}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}},
                "logicalLocations": [{"fullyQualifiedName": o.metric, "kind": "member"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(o)},
        "properties": {"observed": o.observed, "value": o.value, "ci_low": o.ci_low, "ci_high": o.ci_high,
                       "threshold": o.threshold, "op": o.op, "judge": o.judge, "status": o.status},
    }


def sarif_log(verdict: Verdict, *, scorecard_uri: str = "scorecard.json", tool_version: str = "0.1.0") -> dict[str, Any]:
    """Build the SARIF 2.1.0 log for ``verdict`` as a dict.

    ``scorecard_uri`` is used as given when it is a relative POSIX path without
    ``..``; an absolute path (or one climbing out) is made repository-relative
    (:func:`repository_uri`).
    """
    given = PurePath(scorecard_uri)
    uri = given.as_posix() if not given.is_absolute() and ".." not in given.parts else repository_uri(scorecard_uri)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for o in verdict.outcomes:
        if o.rule_id not in index:
            index[o.rule_id] = len(rules)
            rules.append(_rule(o))
    driver = {"name": "auditkit-gate", "version": tool_version, "rules": rules}
    results = [_result(o, index[o.rule_id], uri) for o in verdict.outcomes if _reported(o)]
    run = {"tool": {"driver": driver}, "results": results, "properties": {"policy": verdict.policy, "verdict": verdict.status}}
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def sarif_json(verdict: Verdict, *, scorecard_uri: str = "scorecard.json", tool_version: str = "0.1.0") -> str:
    """The SARIF log as deterministic JSON text (sorted keys, trailing newline)."""
    log = sarif_log(verdict, scorecard_uri=scorecard_uri, tool_version=tool_version)
    return utf8_safe(json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)) + "\n"
