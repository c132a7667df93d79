"""View models of the sections about the model as it will ship: robustness, deployment variants, mitigations.

Each function turns one section of the scorecard into plain tables (a
``columns`` list and ``rows`` of ``{"label", "cells"}``) and charts for the
templates; ``{}`` when the section did not run (the template then shows its
status and reason). Undefined values print as "undefined", never as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditkit.report._charts import bar_chart
from auditkit.report._labels import attribute_label, metric_label
from auditkit.report._metrics import Metric, as_metric, format_metric
from auditkit.report._pareto import pareto_chart

__all__ = ["comparison_view", "deployment_view", "robustness_view"]

_GAPS = ("equal_opportunity_difference", "equalized_odds_difference", "demographic_parity_difference")
_MAX = 60


def _m(node: Any, key: str) -> Metric:
    value = node.get(key) if isinstance(node, Mapping) else None
    return as_metric(value) or Metric(None, reason="not recorded")


def _cell(node: Any, key: str) -> str:
    return format_metric(_m(node, key))


def _maps(node: Any, key: str) -> dict[str, Mapping[str, Any]]:
    value = node.get(key) if isinstance(node, Mapping) else None
    return {str(k): v for k, v in value.items() if isinstance(v, Mapping)} if isinstance(value, Mapping) else {}


def _ok(section: Any) -> bool:
    return isinstance(section, Mapping) and section.get("status") == "ok"


def robustness_view(section: Any) -> dict[str, Any]:
    """Per perturbation: flips and changes overall, then per group of each attribute with the gaps."""
    if not _ok(section):
        return {}
    perturbations = dict(list(_maps(section, "perturbations").items())[:_MAX])
    overall = {"columns": ["Texts changed", "Flip rate", "Accuracy change", "Macro-F1 change", "Largest score change"],
               "rows": [{"label": name, "cells": [str(p.get("n", "—")), *(_cell(p, k) for k in (
                   "flip_rate", "accuracy_change", "macro_f1_change", "mean_abs_score_change"))]}
                   for name, p in perturbations.items()]}
    attrs = sorted({a for p in perturbations.values() for a in _maps(p, "attributes")})
    tables, charts = [], []
    for index, attr in enumerate(attrs):
        groups = sorted({g for p in perturbations.values() for g in _maps(_maps(p, "attributes").get(attr), "groups")})
        rows, bars = [], []
        for name, p in perturbations.items():
            content = _maps(p, "attributes").get(attr, {})
            cells = _maps(content, "groups")
            rows.append({"label": name, "cells": [_group_cell(cells.get(g)) for g in groups]
                         + [_cell(content, "flip_rate_gap"), _cell(content, "accuracy_change_gap")]})
            bars += [(name, g, _m(cells.get(g), "flip_rate")) for g in groups if g in cells]
        tables.append({"label": attribute_label(attr), "columns": [*groups, "Flip-rate gap", "Accuracy-change gap"],
                       "rows": rows})
        if index == 0 and bars:
            charts.append(bar_chart("chart-robustness", f"Flip rate per perturbation and {attribute_label(attr)} group",
                                    "Share of predictions that change when the text is perturbed, per group", bars[:120]))
    skipped = section.get("skipped") if isinstance(section.get("skipped"), Mapping) else {}
    return {"overall": overall, "attributes": tables, "charts": charts,
            "skipped": [(str(k), str(v)) for k, v in list(skipped.items())[:_MAX]], "settings": _settings(section)}


def _group_cell(group: Any) -> str:
    if not isinstance(group, Mapping):
        return "—"
    text = f"{_cell(group, 'flip_rate')} (n={group.get('n', '—')})"
    return text + (" flagged: too few for the gap" if group.get("flagged") else "")


def _settings(section: Mapping[str, Any]) -> str:
    parts = [f"{k.replace('_', ' ')} {section[k]}" for k in ("n", "sampled_from", "rate", "bootstrap", "min_group_size")
             if isinstance(section.get(k), (int, float)) and not isinstance(section.get(k), bool)]
    return "; ".join(parts)


def deployment_view(section: Any) -> dict[str, Any]:
    """The full model and each variant side by side: size, latency, accuracy, agreement; then every gap."""
    if not _ok(section):
        return {}
    models = {"full precision": section.get("full") or {}, **_maps(section, "variants")}
    summary = {"columns": ["Status", "Size (MB)", "Size vs full", "Latency ms/example", "Accuracy", "Macro F1",
                           "Agreement with full", "Lowest-group agreement"], "rows": []}
    for name, entry in models.items():
        status = str(entry.get("status", "ok")) if isinstance(entry, Mapping) else "missing"
        if status != "ok":
            summary["rows"].append({"label": name, "cells": [f"{status}: {entry.get('reason', '')}", *["—"] * 7]})
            continue
        size = entry.get("size_bytes")
        perf, agree = entry.get("performance") or {}, entry.get("agreement") or {}
        summary["rows"].append({"label": name, "cells": [
            "ok", f"{size / 1e6:.1f}" if isinstance(size, int) else "—", _cell(entry, "size_ratio") if name != "full precision" else "1",
            _cell(entry, "latency_ms_per_example"), _cell(perf, "accuracy"), _cell(perf, "macro_f1"),
            _cell(agree, "overall") if agree else "—", _cell(agree, "lowest_group") if agree else "—"]})
    return {"summary": summary, "gaps": _variant_gaps(models), "charts": _variant_chart(models),
            "threads": str(section.get("threads", "—")), **_variant_explain(_maps(section, "variants"))}


def _variant_explain(variants: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Each variant's explanations against the full model's (same examples, same method), and why a method changed."""
    rows, notes, top_k = [], [], None
    for name, entry in variants.items():
        part = entry.get("explain") if isinstance(entry, Mapping) else None
        if not isinstance(part, Mapping):
            continue
        if part.get("status") != "ok":
            rows.append({"label": name, "cells": [f"{part.get('status', 'missing')}: {part.get('reason') or ''}",
                                                  *["—"] * 6]})
            continue
        top_k = part.get("top_k", top_k)
        rows.append({"label": name, "cells": [str(part.get("method") or "—"), str(part.get("n", "—")),
                                              *(_cell(part, k) for k in ("top_k_overlap", "rank_correlation",
                                                                         "sensitive_token_reliance",
                                                                         "full_sensitive_token_reliance",
                                                                         "reliance_change"))]})
        if part.get("note"):
            notes.append((name, str(part["note"])))
    if not rows:
        return {}
    columns = ["Method", "Examples", f"Top-{top_k or 'k'} word overlap", "Rank correlation", "Reliance (variant)",
               "Reliance (full, same method)", "Reliance change"]
    return {"explain": {"columns": columns, "rows": rows}, "explain_notes": notes}


def _variant_gaps(models: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    attrs = sorted({a for m in models.values() for a in _maps(m, "attributes")})[:_MAX]
    tables = []
    for attr in attrs:
        rows = []
        for name, entry in models.items():
            content = _maps(entry, "attributes").get(attr)
            if content is None:
                continue
            increase = _maps(entry, "gap_increase").get(attr, {})
            rows.append({"label": name, "cells": [_cell(content, g) for g in _GAPS]
                         + [_cell(increase, g) if increase else "—" for g in _GAPS]})
        tables.append({"label": attribute_label(attr), "rows": rows,
                       "columns": [*(metric_label(g) for g in _GAPS), *(f"change: {metric_label(g)}" for g in _GAPS)]})
    return tables


def _variant_chart(models: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    bars = [(attribute_label(attr), name, _m(content, "equal_opportunity_difference"))
            for name, entry in models.items() for attr, content in _maps(entry, "attributes").items()]
    if not bars:
        return []
    return [bar_chart("chart-variants", "Equal-opportunity gap: full model and each variant",
                      "Largest true-positive-rate difference between groups, per attribute and model", bars[:120])]


def comparison_view(fairness: Any) -> dict[str, Any]:
    """The mitigation comparison (``fairness.comparison``): one table and the accuracy-vs-gap chart."""
    section = fairness.get("comparison") if isinstance(fairness, Mapping) else None
    if not _ok(section):
        return {}
    order = ("none", "fairness_loss", "reweighing", "threshold")
    rows_in = dict(sorted(_maps(section, "rows").items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 9, kv[0])))
    chosen = section.get("chosen")
    gap = str(section.get("gap") or "equal_opportunity_difference")
    attrs = sorted({a for r in rows_in.values() for a in _maps(r, "attributes")})[:_MAX]
    table = {"columns": ["Accuracy", "Macro F1", *(f"{metric_label(gap)} ({attribute_label(a)})" for a in attrs), "Note"],
             "rows": [{"label": name + (" (shipped)" if name == chosen else ""),
                       "cells": [_cell(r, "accuracy"), _cell(r, "macro_f1"),
                                 *(_cell(_maps(r, "attributes").get(a), gap) for a in attrs), str(r.get("note") or "")]}
                      for name, r in rows_in.items()]}
    charts = []
    if attrs:
        points = [(name, _m(_maps(r, "attributes").get(attrs[0]), gap), _m(r, "accuracy")) for name, r in rows_in.items()]
        charts.append(pareto_chart("chart-mitigations", f"Accuracy against {metric_label(gap)} "
                                   f"({attribute_label(attrs[0])}), per mitigation", points, chosen=chosen))
    failed = section.get("failed") if isinstance(section.get("failed"), Mapping) else {}
    return {"table": table, "charts": charts, "failed": [(str(k), str(v)) for k, v in failed.items()]}
