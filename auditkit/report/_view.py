"""The view model: a scorecard document turned into what the templates draw.

All decisions live here (grades, which charts, which rows), so templates stay
dumb loops and every string they print is autoescaped data. Shapes the
renderer understands beyond plain metric leaves:

* ``fairness.attributes.<attr>.groups``: ``{group: {metric: leaf, "n": int}}`` or a list of
  ``{"group": name, ...}``; the same under ``fairness.baseline.attributes.<attr>``.
* ``explanations.top_tokens``: a list of ``{"token", "importance"}`` (or
  ``[token, score]`` pairs), or ``{"overall": [...]}``.
* ``explanations.examples``: a list of ``{"tokens": [...], "attributions": [...],
  "group", "label", "predicted", "rule"}``.
* ``policy.rules`` (or ``results``/``checks``): the gate's rule outcomes, read by
  :mod:`auditkit.report._why` (the verdict box and the rules table) and by the grades.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditkit.report._charts import BarChart, bar_chart, heat_tokens
from auditkit.report._energy import energy_totals, measurement_text, stage_energy
from auditkit.report._grades import MEMORY_KEYS, grade_all, overall_verdict
from auditkit.report._labels import attribute_label, metric_label
from auditkit.report._metrics import Metric, as_metric, format_metric, iter_metrics
from auditkit.report._tables import group_table
from auditkit.report._view_release import comparison_view, deployment_view, robustness_view
from auditkit.report._why import judged_outcomes, policy_rows, verdict_box

__all__ = ["SECTION_ORDER", "build_view"]

SECTION_ORDER = ("identity", "performance", "fairness", "privacy", "explanations", "compute", "policy", "environment", "config",
                 "robustness", "deployment")
MAX_ROWS = 300
MAX_EXAMPLES = 12
_GROUP_METRICS = ("tpr", "true_positive_rate", "selection_rate", "fpr", "false_positive_rate", "accuracy")


def _metric_rows(section: Any, *, prefix: str = "") -> list[dict[str, Any]]:
    rows = []
    for path, metric in iter_metrics(section, prefix=prefix):
        note = metric.reason or ""
        if metric.mdg is not None:
            note = (note + "; " if note else "") + f"smallest gap this test set detects at 80% power: {metric.mdg:.3g}"
        rows.append({"path": path, "label": metric_label(path), "value": _num(metric.value), "ci_low": _num(metric.ci_low),
                     "ci_high": _num(metric.ci_high), "reason": note})
        if len(rows) >= MAX_ROWS:
            break
    return rows


def _model_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: not str(row["path"]).startswith("model."))


def _num(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4g}"


def _facts(section: Any, *, prefix: str = "", depth: int = 2) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if not isinstance(section, Mapping) or depth < 0:
        return facts
    for key, value in section.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key in ("status", "reason"):
            continue
        if isinstance(value, (str, bool)) or value is None:
            facts.append((path, str(value) if value is not None else "—"))
        elif isinstance(value, Mapping) and as_metric(value) is None:
            facts.extend(_facts(value, prefix=path, depth=depth - 1))
    return facts[:MAX_ROWS]


def _flag(group: Mapping[str, Any]) -> str:
    if not (group.get("flagged") or group.get("small")):
        return ""
    note = group.get("note")
    return f"flagged: {note}" if isinstance(note, str) else "flagged: below the minimum group size"


def _notes(section: Any) -> list[str]:
    notes = section.get("notes") if isinstance(section, Mapping) else None
    return [str(n) for n in notes[:50]] if isinstance(notes, list) else []


def _groups(content: Any) -> dict[str, Mapping[str, Any]]:
    groups = content.get("groups") if isinstance(content, Mapping) else None
    if isinstance(groups, Mapping):
        return {str(k): v for k, v in groups.items() if isinstance(v, Mapping)}
    if isinstance(groups, list):
        named = [g for g in groups if isinstance(g, Mapping)]
        return {str(g.get("group", g.get("name", i))): g for i, g in enumerate(named)}
    return {}


def _group_chart(attr: str, index: int, shipped: Mapping[str, Any], baseline: Mapping[str, Any]) -> BarChart | None:
    now, before = _groups(shipped), _groups(baseline)
    metric = next((m for m in _GROUP_METRICS if any(as_metric(g.get(m)) is not None for g in now.values())), None)
    if metric is None:
        return None
    rows: list[tuple[str, str, Metric]] = []
    for name, group in now.items():
        if name in before and as_metric(before[name].get(metric)) is not None:
            rows.append((name, "before mitigation", as_metric(before[name].get(metric)) or Metric(None)))
        rows.append((name, "shipped model", as_metric(group.get(metric)) or Metric(None)))
    label, who = metric_label(metric), attribute_label(attr)
    desc = f"{label} per {who} group" + (", before and after mitigation" if before else "")
    return bar_chart(f"chart-group-{index}", f"{label} by {who}", desc, rows)


def _gap_chart(attr: str, index: int, shipped: Mapping[str, Any], baseline: Mapping[str, Any]) -> BarChart | None:
    rows: list[tuple[str, str, Metric]] = []
    for key, leaf in shipped.items():
        metric = as_metric(leaf)
        if metric is None or not (key.endswith("_difference") or key.endswith("_gap")):
            continue
        old = as_metric(baseline.get(key)) if baseline else None
        if old is not None:
            rows.append((metric_label(key), "before mitigation", old))
        rows.append((metric_label(key), "shipped model", metric))
    if not rows:
        return None
    who = attribute_label(attr)
    return bar_chart(f"chart-gap-{index}", f"Gaps across {who} groups", f"Group gaps for {who} (0 is parity)", rows)


def _fairness_view(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw_base = section.get("baseline")
    baseline = raw_base.get("attributes") or {} if isinstance(raw_base, Mapping) else {}
    attrs = []
    for index, (attr, content) in enumerate((section.get("attributes") or {}).items()):
        if not isinstance(content, Mapping):
            continue
        base = baseline.get(attr) if isinstance(baseline.get(attr), Mapping) else {}
        group_rows = [{"group": name, "n": str(g.get("n", "—")), "flag": _flag(g),
                       "metrics": _metric_rows({k: v for k, v in g.items() if k != "n"})} for name, g in _groups(content).items()]
        charts = [c for c in (_gap_chart(attr, index, content, base), _group_chart(attr, index, content, base)) if c]
        gaps = {k: v for k, v in content.items() if k not in ("groups", "columns", "notes")}
        table = group_table(_groups(content), {g["group"]: g["flag"] for g in group_rows})
        attrs.append({"name": attr, "label": attribute_label(attr), "group_table": table, "charts": charts, "gaps": _metric_rows(gaps), "notes": _notes(content),
                      "baseline_gaps": _metric_rows({k: v for k, v in base.items() if k not in ("groups", "columns", "notes")}), "groups": group_rows})
    return attrs


_TERM_COLUMNS = (("fpr", "FPR"), ("fnr", "FNR"), ("fpr_ratio", "FPR ratio to background"), ("subgroup_auc", "Subgroup AUC"),
                 ("bpsn_auc", "BPSN AUC"), ("bnsp_auc", "BNSP AUC"))
_TERM_HEADLINE = ("min_bpsn_auc", "min_bnsp_auc", "worst_subgroup_auc", "fpr_spread", "max_fpr_ratio")


def _identity_terms_view(section: Mapping[str, Any]) -> dict[str, Any]:
    """The identity-term audit (``fairness.attributes.identity``): headline, per-term table, BPSN/BNSP chart.

    Terms are listed worst BPSN first; absent terms are named, never tabulated. ``{}`` without an identity audit.
    """
    attributes = section.get("attributes")
    content = attributes.get("identity") if isinstance(attributes, Mapping) else None
    if not isinstance(content, Mapping):
        return {}
    groups = _groups(content)
    order = sorted(groups, key=lambda t: (as_metric(groups[t].get("bpsn_auc")) or Metric(None)).value or float("inf"))
    rows, bars = [], []
    for term in order[:MAX_ROWS]:
        metrics = {key: as_metric(groups[term].get(key)) or Metric(None, reason="not computed") for key, _ in _TERM_COLUMNS}
        rows.append({"term": term, "n": str(groups[term].get("n", "—")), "flag": _flag(groups[term]),
                     "cells": [format_metric(metrics[key]) for key, _ in _TERM_COLUMNS]})
        bars += [(term, label, metrics[key]) for key, label in _TERM_COLUMNS if key in ("bpsn_auc", "bnsp_auc")]
    chart = bar_chart("chart-identity-auc", "BPSN and BNSP AUC per identity term",
                      "Background-positive/subgroup-negative and background-negative/subgroup-positive AUC per term; "
                      "low BPSN: non-toxic mentions scored too high, low BNSP: toxic mentions scored too low", bars[:2 * 60])
    absent = content.get("absent")
    return {"headline": _metric_rows({k: content[k] for k in _TERM_HEADLINE if k in content}),
            "columns": [label for _, label in _TERM_COLUMNS], "rows": rows, "chart": chart if bars else None,
            "absent": [str(a) for a in absent[:MAX_ROWS]] if isinstance(absent, list) else []}


def _pairs(raw: Any) -> list[tuple[str, float]]:
    if isinstance(raw, Mapping):
        raw = raw.get("overall", [(k, v) for k, v in raw.items()])
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping):
            token = item.get("token", item.get("word"))
            score = item.get("importance", item.get("attribution", item.get("score")))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            token, score = item
        else:
            continue
        metric = as_metric(score)
        if isinstance(token, str) and metric is not None and metric.value is not None:
            out.append((token, metric.value))
    return out[:30]


def _example(item: Mapping[str, Any]) -> dict[str, Any] | None:
    tokens, scores = item.get("tokens", item.get("words")), item.get("attributions")
    if isinstance(tokens, list) and tokens and not isinstance(tokens[0], str):
        pairs = _pairs(tokens)
        tokens, scores = [t for t, _ in pairs], [s for _, s in pairs]
    if not (isinstance(tokens, list) and isinstance(scores, list) and len(tokens) == len(scores)):
        return None
    clean = [(str(t), float(s)) for t, s in zip(tokens, scores) if isinstance(s, (int, float)) and not isinstance(s, bool)]
    heat = heat_tokens([t for t, _ in clean], [s for _, s in clean])
    top = sorted(heat, key=lambda h: -abs(h.score))[:5]
    keys = ("id", "attribute", "group", "label", "true_label", "predicted", "predicted_label", "confidence", "correct", "rule")
    meta = {k: str(item[k]) for k in keys if item.get(k) is not None}
    return {"tokens": heat, "top": top, "meta": meta}


def _explain_view(section: Mapping[str, Any]) -> dict[str, Any]:
    pairs = _pairs(section.get("top_tokens"))
    chart = None
    if pairs:
        rows = [(tok, "importance", Metric(score)) for tok, score in pairs[:15]]
        basis = section.get("sample", {}).get("statement") if isinstance(section.get("sample"), Mapping) else None
        subtitle = "Mean attribution of the most important tokens" + (f", over {basis}" if isinstance(basis, str) else "")
        chart = bar_chart("chart-top-tokens", "Top tokens by attribution", subtitle, rows)
    raw = section.get("examples")
    rule = raw.get("rule") if isinstance(raw, Mapping) else None
    items = raw.get("items") if isinstance(raw, Mapping) else raw
    examples = [e for e in (_example(i) for i in (items if isinstance(items, list) else [])[:MAX_EXAMPLES] if isinstance(i, Mapping)) if e]
    rest = {k: v for k, v in section.items() if k not in ("examples", "top_tokens")}
    return {"chart": chart, "examples": examples, "rule": str(rule) if isinstance(rule, str) else "",
            "metrics": _metric_rows(rest), "notes": _notes(section)}


def _privacy_view(section: Any) -> dict[str, Any]:
    """Privacy content is shown when ok, and also when ``failed`` because a check found a leak."""
    if not isinstance(section, Mapping) or section.get("status") not in ("ok", "failed"):
        return {}
    rows = _metric_rows(section)
    if not rows and section.get("status") == "failed":
        return {}
    return {"metrics": rows, "facts": _facts(section), "notes": _notes(section), **_recall_probe_view(section)}


def _recall_probe_view(section: Mapping[str, Any]) -> dict[str, Any]:
    """Per-entity recall on inserted identifiers: a table and a chart with the binomial intervals."""
    scrub = section.get("scrub")
    probe = scrub.get("recall_probe") if isinstance(scrub, Mapping) else None
    if not isinstance(probe, Mapping) or not probe:
        return {}
    metrics = [(str(name), as_metric(leaf)) for name, leaf in sorted(probe.items())]
    rows = [{"entity": name, "value": _num(m.value), "ci_low": _num(m.ci_low), "ci_high": _num(m.ci_high),
             "n": str(m.n) if m.n is not None else "—", "reason": m.reason or ""} for name, m in metrics if m is not None]
    chart = bar_chart("chart-recall-probe", "Scrubber recall on inserted identifiers",
                      "Share of inserted identifiers of each type the scrubber replaced, with 95% Clopper-Pearson intervals",
                      [(name, "recall", m) for name, m in metrics if m is not None])
    return {"recall_rows": rows, "recall_chart": chart}


def _stage_energy_text(rec: Any) -> str:
    energy = stage_energy(rec)
    if energy is None or energy.energy_kwh is None:
        return f"not measured ({energy.reason})" if energy is not None and energy.reason else "not measured"
    return _num(energy.energy_kwh)


def _compute_view(section: Mapping[str, Any]) -> dict[str, Any]:
    stages = section.get("stages") if isinstance(section.get("stages"), Mapping) else {}
    rows = []
    for name, rec in stages.items():
        memory = next((rec[k] for k in MEMORY_KEYS if isinstance(rec.get(k), (int, float))), None)
        rows.append({"stage": str(name), "status": str(rec.get("status", "—")).upper(),
                     "seconds": _num(as_metric(rec.get("seconds")).value) if as_metric(rec.get("seconds")) else "—",
                     "memory": _num(float(memory)) if memory is not None else "not recorded",
                     "device": str(rec.get("device") or section.get("device") or "not recorded"),
                     "energy": _stage_energy_text(rec)})
    totals = [("total time (s)", _num(as_metric(section.get("total_seconds")).value) if as_metric(section.get("total_seconds")) else "—")]
    summed = energy_totals(stages)  # scorecards assembled before the totals were summed still show them
    for key, label in (("energy_kwh", "energy (kWh)"), ("co2_kg", "CO2 (kg CO2eq)")):
        value = section.get(key) if isinstance(section.get(key), (int, float)) else summed[key]
        totals.append((label, _num(float(value)) if isinstance(value, (int, float)) else "not measured"))
    totals.append(("energy measured with", measurement_text(section.get("energy_measurement") or summed["energy_measurement"])))
    return {"rows": rows, "totals": totals}


def _confidence(fairness: Any) -> float:
    level = fairness.get("confidence") if isinstance(fairness, Mapping) else None
    return float(level) if isinstance(level, float) and 0 < level < 1 else 0.95


def signature_text(signature: Mapping[str, Any] | None) -> str:
    """One line on whether the scorecard is signed, and by which key (from :func:`auditkit.scorecard.signature_info`)."""
    if not signature:
        return "Unsigned: no signature envelope (scorecard.intoto.jsonl) beside this scorecard."
    key = signature.get("key_id")
    if key is None:
        return "A signature envelope is present but cannot be read; treat this scorecard as unsigned."
    if signature.get("matches") is not True:
        return f"Signed by key {key}, but the signed content does not match this scorecard: it was changed after signing."
    return f"Signed by key {key} (in-toto statement in a DSSE envelope); verify with: auditkit gate --verify-key KEY."


def build_view(doc: Mapping[str, Any], signature: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Turn a validated scorecard document (and what its signature envelope claims) into the template context."""
    sections = {name: doc.get(name, {}) for name in SECTION_ORDER}
    ok = {name: isinstance(s, Mapping) and s.get("status") == "ok" for name, s in sections.items()}
    verdict, verdict_reason = overall_verdict(doc)
    outcomes = judged_outcomes(sections["policy"])
    confidence = _confidence(sections["fairness"])
    identity = sections["identity"] if ok["identity"] else {}
    model = identity.get("model", {}) if isinstance(identity, Mapping) else {}
    return {
        "schema_version": str(doc.get("schema_version")),
        "generated_at": str(doc.get("generated_at")),
        "model_name": str(model.get("name") or "unidentified model"),
        "verdict": verdict,
        "verdict_reason": verdict_reason,
        "grades": grade_all(doc),
        "status": {name: (s.get("status", "not_run"), s.get("reason") or "") for name, s in sections.items() if isinstance(s, Mapping)},
        "identity": {"model": model, "baseline": identity.get("baseline_model", {}) if identity else {},
                     "data": identity.get("data", {}) if identity else {}},
        "performance": _model_first(_metric_rows(sections["performance"])) if ok["performance"] else [],
        "fairness": _fairness_view(sections["fairness"]) if ok["fairness"] else [],
        "term_swap": _metric_rows(sections["fairness"].get("term_swap")) if ok["fairness"] else [],
        "fairness_notes": _notes(sections["fairness"]) if ok["fairness"] else [],
        "identity_terms": _identity_terms_view(sections["fairness"]) if ok["fairness"] else {},
        "privacy": _privacy_view(sections["privacy"]),
        "explanations": _explain_view(sections["explanations"]) if ok["explanations"] else {},
        "compute": _compute_view(sections["compute"]) if ok["compute"] else {},
        "policy_rules": policy_rows(outcomes or [], confidence=confidence),
        "why": verdict_box(outcomes, confidence=confidence),
        "environment": _facts(sections["environment"]) if ok["environment"] else [],
        "config_facts": _facts(sections["config"].get("values"), depth=3) if ok["config"] else [],
        "compliance": doc.get("compliance", {}),
        "robustness": robustness_view(sections["robustness"]),
        "deployment": deployment_view(sections["deployment"]),
        "comparison": comparison_view(sections["fairness"]) if ok["fairness"] else {},
        "signature": signature_text(signature),
    }
