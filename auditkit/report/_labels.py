"""Human labels for scorecard metric keys.

Readers see "equal-opportunity gap for gender × age band", not
``fairness.attributes.gender×age_band.equal_opportunity_difference``; the
dotted key still appears, in a details line, so a policy author can copy it.
A small table names the metrics auditkit writes; anything else is humanised
from its ``snake_case`` key, so a new metric never shows up unlabelled.
"""

from __future__ import annotations

import re

__all__ = ["attribute_label", "metric_label", "rule_subject", "split_path"]

# dotted key suffix -> label; the longest matching suffix wins
_LABELS = {
    "equal_opportunity_difference": "equal-opportunity gap",
    "equalized_odds_difference": "equalized-odds gap",
    "demographic_parity_difference": "selection-rate gap",
    "demographic_parity_ratio": "selection-rate ratio",
    "four_fifths_ratio": "four-fifths ratio",
    "tpr": "true-positive rate",
    "true_positive_rate": "true-positive rate",
    "fpr": "false-positive rate",
    "false_positive_rate": "false-positive rate",
    "fnr": "false-negative rate",
    "tnr": "true-negative rate",
    "selection_rate": "selection rate",
    "macro_f1": "macro F1",
    "roc_auc": "ROC AUC",
    "ece": "expected calibration error",
    "brier": "Brier score",
    "canary_sweep.n_hits": "canary hits",
    "canary_sweep.hits": "canary hits",
    "residual_entity_rate": "scrub residual rate",
    "membership.auc": "membership-inference AUC",
    "membership.roc_auc": "membership-inference AUC",
    "flip_rate": "term-swap flip rate",
    "mean_abs_score_change": "mean score change under term swap",
    "random_comprehensiveness": "comprehensiveness of random tokens",
    "random_sufficiency": "sufficiency of random tokens",
    "comprehensiveness_gain": "comprehensiveness gain over random",
    "sensitive_token_reliance": "sensitive-token reliance",
    "energy_kwh": "energy (kWh)",
    "co2_kg": "CO2 (kg)",
    "emissions_kg_co2eq": "CO2 (kg)",
    "total_seconds": "total time (s)",
    "integrity.content_sha256": "scorecard content digest",
    "integrity.signature": "scorecard signature",
    "identity.model": "released weights match the audited weights",
    "identity.data": "data files match the audited data",
}
_WORDS = {"tpr": "TPR", "fpr": "FPR", "fnr": "FNR", "tnr": "TNR", "auc": "AUC", "roc": "ROC", "f1": "F1", "ece": "ECE",
          "ci": "CI", "kwh": "kWh", "co2": "CO2", "id": "ID", "pii": "PII", "mdg": "MDG"}
_QUIET = frozenset({"model", "overall", "attributes", "groups", "pairs",
                    "fairness", "performance", "privacy", "explanations", "compute"})
_INTERSECTION = re.compile(r"\s*×\s*")


def split_path(path: str) -> list[str]:
    """Split a dotted key, re-joining number parts that a dot split (``by_k.0.05`` keeps ``0.05``)."""
    parts: list[str] = []
    for part in path.split("."):
        if parts and part.isdigit() and parts[-1].isdigit():
            parts[-1] = f"{parts[-1]}.{part}"
        else:
            parts.append(part)
    return parts


def _humanise(key: str) -> str:
    return " ".join(_WORDS.get(word.lower(), word) for word in key.replace("-", "_").split("_") if word) or key


def attribute_label(attribute: str) -> str:
    """``gender×age_band`` -> ``gender × age band``."""
    return " × ".join(_humanise(part) for part in _INTERSECTION.split(attribute))


def _qualifiers(parts: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if part.startswith("by_") and i + 1 < len(parts):
            out.append(f"{_humanise(part[3:])} = {parts[i + 1]}")
            i += 2
            continue
        if part not in _QUIET:
            out.append(_humanise(part))
        i += 1
    return out


def metric_label(path: str) -> str:
    """A human label for a dotted metric key, with what qualifies it in brackets.

    ``performance.model.macro_f1`` -> ``macro F1``;
    ``faithfulness.by_k.0.05.random_sufficiency`` -> ``sufficiency of random tokens (faithfulness, k = 0.05)``.
    """
    parts = split_path(path)
    for start in range(len(parts)):
        label = _LABELS.get(".".join(parts[start:]))
        if label is not None:
            break
    else:
        start, label = len(parts) - 1, _humanise(parts[-1])
    qualifiers = _qualifiers(parts[:start])
    return f"{label} ({', '.join(qualifiers)})" if qualifiers else label


def rule_subject(path: str) -> str:
    """What a rule judged, in words: ``equal-opportunity gap for gender × age band``."""
    parts = split_path(path)
    if len(parts) >= 4 and parts[0] == "fairness" and parts[1] == "attributes":
        return f"{metric_label('.'.join(parts[3:]))} for {attribute_label(parts[2])}"
    if len(parts) >= 5 and parts[:3] == ["fairness", "baseline", "attributes"]:
        return f"{metric_label('.'.join(parts[4:]))} for {attribute_label(parts[3])} (baseline model)"
    return metric_label(path)
