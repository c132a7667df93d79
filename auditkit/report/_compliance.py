"""The compliance map: which scorecard section is evidence for which obligation.

Each row links an EU AI Act article (10 data governance, 13 transparency, 15
accuracy and robustness) or a NIST AI RMF MEASURE 2.x subcategory to the
sections that bear on it. Coverage is computed from the sections' status, so
a stage that did not run turns its rows to ``partial`` or ``missing``. The map
states plainly what auditkit does not cover; it is evidence, not a conformity
assessment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["NOT_COVERED", "compliance_section"]


@dataclass(frozen=True)
class _Item:
    framework: str
    reference: str
    topic: str
    evidence: tuple[str, ...]
    note: str
    at_most_partial: bool = False


_EU = "EU AI Act"
_NIST = "NIST AI RMF"
_ITEMS = (
    _Item(_EU, "Art. 10(2)(f)-(g)", "Examination of possible biases and measures to detect, prevent and mitigate them",
          ("fairness", "explanations"), "Per-group metrics with confidence intervals, before/after mitigation, term swaps, sensitive-token reliance."),
    _Item(_EU, "Art. 10(3)", "Data relevant, representative, with appropriate statistical properties",
          ("identity", "fairness"), "Row counts and SHA-256 of each data file; group sizes and minimum-group-size flags.", True),
    _Item(_EU, "Art. 10(5)", "Safeguards when personal data is processed",
          ("privacy",), "PII scrubbing summary, residual rate, canary sweep and membership inference."),
    _Item(_EU, "Art. 13(3)(b)", "Accuracy levels, known limitations and performance on specific groups declared to deployers",
          ("performance", "fairness", "identity"), "This scorecard and model_card.md, bound to the audited weights by hash."),
    _Item(_EU, "Art. 13(3)(b)(vii)", "Information to interpret the system's output",
          ("explanations",), "Token attributions, top tokens, faithfulness against a random baseline.", True),
    _Item(_EU, "Art. 15(1)-(3)", "Appropriate accuracy, declared accuracy metrics",
          ("performance",), "Accuracy, macro F1, ROC AUC and calibration on the held-out test split."),
    _Item(_EU, "Art. 15(4)", "Robustness to errors and inconsistencies",
          ("robustness", "fairness"), "Flip rates and accuracy changes under label-preserving perturbations (typos, "
          "casing, punctuation, placeholders, names, clinical shorthand) per group, with the robustness gap between "
          "groups; term-swap flip rates. No adversarial or distribution-shift testing.", True),
    _Item(_EU, "Art. 15(1), 15(4)", "Accuracy and robustness of the system as deployed",
          ("deployment",), "Each compressed variant (int8, bf16, pruned) audited like the full model: size, CPU "
          "latency, accuracy, every fairness gap and its change, agreement with the full model per group."),
    _Item(_EU, "Art. 15(5)", "Resilience against attempts to exploit vulnerabilities",
          ("privacy",), "Membership inference and artifact safety only; no poisoning or evasion testing.", True),
    _Item(_NIST, "MEASURE 2.1", "Test sets, metrics and tools documented",
          ("identity", "config", "environment"), "Data hashes, resolved configuration and library versions."),
    _Item(_NIST, "MEASURE 2.3 / 2.5", "Performance demonstrated; validity and reliability shown",
          ("performance",), "Held-out metrics with bootstrap intervals where the stage provides them."),
    _Item(_NIST, "MEASURE 2.7", "Security and resilience evaluated",
          ("privacy",), "Membership inference and canary sweep only.", True),
    _Item(_NIST, "MEASURE 2.8", "Transparency and accountability",
          ("identity", "environment", "policy"), "Hash-bound identity, environment, release-gate verdict."),
    _Item(_NIST, "MEASURE 2.9", "Model explained and output interpreted",
          ("explanations",), "Attributions with faithfulness checks."),
    _Item(_NIST, "MEASURE 2.10", "Privacy risk examined",
          ("privacy",), "Scrubbing, residual PII, canary sweep, membership inference."),
    _Item(_NIST, "MEASURE 2.11", "Fairness and bias evaluated",
          ("fairness",), "Group metrics, gaps with intervals, mitigation comparison, term swaps."),
    _Item(_NIST, "MEASURE 2.12", "Environmental impact assessed",
          ("compute",), "Wall time, device, peak memory; energy and CO2 only when measured."),
)

NOT_COVERED = (
    "EU AI Act Art. 9 risk-management system, Art. 14 human oversight, Art. 12 record-keeping in operation and Art. 72 post-market monitoring.",
    "EU AI Act Art. 10(2)(a)-(e): data collection, provenance, labelling processes and data-preparation choices are not assessed.",
    "EU AI Act Art. 11 / Annex IV: this scorecard is an input to, not a complete, technical documentation.",
    "Adversarial (optimised) perturbations, distribution shift, data poisoning and prompt/evasion attacks are not tested; "
    "the perturbation suite covers random, label-preserving noise only.",
    "NIST AI RMF GOVERN, MAP and MANAGE functions, MEASURE 2.2 (human subjects), 2.4 (production monitoring), 2.6 (safety) and 2.13 (TEVV effectiveness).",
    "No legal judgement: the map shows where evidence is, not that an obligation is met.",
)


def _status(doc: Mapping[str, Any], name: str) -> str:
    section = doc.get(name)
    return str(section.get("status")) if isinstance(section, Mapping) else "not_run"


def _row(item: _Item, doc: Mapping[str, Any]) -> dict[str, Any]:
    present = [name for name in item.evidence if _status(doc, name) == "ok"]
    if not present:
        coverage = "missing"
    elif len(present) < len(item.evidence) or item.at_most_partial:
        coverage = "partial"
    else:
        coverage = "evidence"
    absent = [name for name in item.evidence if name not in present]
    note = item.note + (f" Not available: {', '.join(absent)}." if absent else "")
    return {
        "framework": item.framework,
        "reference": item.reference,
        "topic": item.topic,
        "coverage": coverage,
        "evidence": present,
        "note": note,
    }


def compliance_section(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Build the ``compliance`` section from the statuses of the other sections in ``doc``."""
    return {
        "status": "ok",
        "items": [_row(item, doc) for item in _ITEMS],
        "not_covered": list(NOT_COVERED),
    }
