"""The HF-format model card (``model_card.md``) from a scorecard.

The YAML front matter (``model-index`` metrics, ``co2_eq_emissions`` when
measured) is written by ``yaml.safe_dump`` with ASCII escapes; the body is a
Jinja2 template whose every printed value passes :func:`md_escape`, which
turns HTML-significant characters into entities, backslash-escapes Markdown
punctuation and folds line breaks (including U+2028/U+2029) into spaces, so a
hostile string stays inert text in any Markdown renderer (S2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from auditkit.report._metrics import find_metric
from auditkit.report._templates import markdown_environment, render_template
from auditkit.report._view import build_view

__all__ = ["md_escape", "model_card_front_matter", "render_model_card"]

_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085\x0b\x0c]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?$")
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_PERF = (("accuracy", "Accuracy"), ("macro_f1", "Macro F1"), ("roc_auc", "ROC AUC"), ("ece", "Expected calibration error"))


def md_escape(value: Any) -> str:
    """Escape ``value`` so it renders as literal text in Markdown (and in HTML produced from it)."""
    if value is None:
        return "—"
    text = value if isinstance(value, str) else str(value)
    if _NUMBER.match(text):
        return text
    text = _CONTROL.sub("", _BREAKS.sub(" ", text))
    text = _MD_PUNCT.sub(r"\\\1", text)
    return "".join(_HTML.get(ch, ch) for ch in text)


def _metrics(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    performance = doc.get("performance")
    if not isinstance(performance, Mapping) or performance.get("status") != "ok":
        return []
    out = []
    for key, name in _PERF:
        metric = find_metric(performance, key, f"model.{key}", f"overall.{key}")
        if metric is not None and metric.value is not None:
            out.append({"type": key, "name": name, "value": round(metric.value, 6)})
    return out


def _co2(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    compute = doc.get("compute")
    if not isinstance(compute, Mapping) or compute.get("status") != "ok":
        return None
    kg = compute.get("emissions_kg_co2eq", compute.get("co2_kg"))
    if not isinstance(kg, (int, float)) or isinstance(kg, bool):
        return None
    device = compute.get("device")
    co2: dict[str, Any] = {"emissions": round(float(kg) * 1000.0, 6), "source": "codecarbon (offline)", "training_type": "fine-tuning"}
    if isinstance(device, str):
        co2["hardware_used"] = device
    return co2


def model_card_front_matter(doc: Mapping[str, Any]) -> str:
    """The YAML front matter block (between ``---`` lines) for the HF model card."""
    identity = doc.get("identity") if isinstance(doc.get("identity"), Mapping) else {}
    model = identity.get("model", {}) if isinstance(identity, Mapping) else {}
    name = _SLUG.sub("-", str(model.get("name") or "unidentified-model")).strip("-") or "unidentified-model"
    meta: dict[str, Any] = {"library_name": "transformers", "pipeline_tag": "text-classification",
                            "tags": ["text-classification", "auditkit", "responsible-ai-audit"]}
    metrics = _metrics(doc)
    if metrics:
        meta["model-index"] = [{"name": name, "results": [{
            "task": {"type": "text-classification", "name": "Text Classification"},
            "dataset": {"name": "audit test split", "type": "custom", "split": "test"},
            "metrics": metrics,
        }]}]
    co2 = _co2(doc)
    if co2 is not None:
        meta["co2_eq_emissions"] = co2
    body = yaml.safe_dump(meta, sort_keys=False, allow_unicode=False, default_flow_style=False, width=1000)
    return f"---\n{body}---\n"


def render_model_card(
    doc: Mapping[str, Any], *, template_dir: Path | None = None, signature: Mapping[str, Any] | None = None
) -> str:
    """Render ``model_card.md`` (front matter + escaped body) from a validated scorecard."""
    env = markdown_environment(md_escape, template_dir)
    context = build_view(doc, signature)
    context["co2"] = _co2(doc)
    context["not_covered"] = (doc.get("compliance") or {}).get("not_covered", [])
    body = render_template(env, "model_card.md.j2", context)
    return model_card_front_matter(doc) + "\n" + body
