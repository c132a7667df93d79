"""The model card's YAML front matter, built with ``huggingface_hub.ModelCardData``.

Metadata follows the Hub's model-card conventions: ``license``, ``base_model``
and ``language`` (from the model's own card, its ``auditkit_meta.json`` or the
base model's card, recorded in ``identity.model.card``; the language falls back
to the run's text language), performance *and* fairness metrics in
``model-index`` (each with its interval in ``args``), and ``co2_eq_emissions``
when energy was measured. ``huggingface_hub`` ships with the ``train`` extra;
without it the same dictionary is built by :func:`_plain_card_dict` (a test
keeps the two identical). The YAML is dumped with ASCII escapes, so a hostile
name can never carry a line break or markup into the front matter (S2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from auditkit.report._energy import energy_totals, measurement_text
from auditkit.report._labels import attribute_label, metric_label
from auditkit.report._metrics import Metric, as_metric, find_metric

__all__ = ["card_metadata_dict", "model_card_front_matter"]

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_PERF = (("accuracy", "Accuracy"), ("macro_f1", "Macro F1"), ("roc_auc", "ROC AUC"), ("ece", "Expected calibration error"))
_FAIRNESS_SUFFIXES = ("_difference", "_ratio")
_TASK = {"task_type": "text-classification", "task_name": "Text Classification", "dataset_type": "custom",
         "dataset_name": "audit test split", "dataset_split": "test"}
MAX_FAIRNESS_METRICS = 60


def _plain(text: Any) -> str:
    return _CONTROL.sub(" ", str(text))[:200]


def _args(metric: Metric, confidence: float) -> dict[str, Any] | None:
    args: dict[str, Any] = {}
    if metric.ci_low is not None and metric.ci_high is not None:
        args.update(ci_low=round(metric.ci_low, 6), ci_high=round(metric.ci_high, 6), confidence_level=confidence)
    if metric.mdg is not None:
        args["min_detectable_gap"] = round(metric.mdg, 6)
    return args or None


def _section(doc: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = doc.get(name)
    return section if isinstance(section, Mapping) and section.get("status") == "ok" else {}


def _results(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """EvalResult keyword sets: performance metrics, then each attribute's defined gaps and ratios."""
    out = []
    fairness = _section(doc, "fairness")
    level = fairness.get("confidence") if isinstance(fairness.get("confidence"), float) else 0.95
    for key, name in _PERF:
        metric = find_metric(_section(doc, "performance"), key, f"model.{key}", f"overall.{key}")
        if metric is not None and metric.value is not None:
            out.append({**_TASK, "metric_type": key, "metric_name": name, "metric_value": round(metric.value, 6),
                        "metric_args": _args(metric, level)})
    attributes = fairness.get("attributes") if isinstance(fairness.get("attributes"), Mapping) else {}
    for attr, content in attributes.items():
        for key, leaf in (content.items() if isinstance(content, Mapping) else ()):
            metric = as_metric(leaf) if key.endswith(_FAIRNESS_SUFFIXES) else None
            if metric is None or metric.value is None or len(out) >= len(_PERF) + MAX_FAIRNESS_METRICS:
                continue
            out.append({**_TASK, "metric_type": key, "metric_name": _plain(f"{metric_label(key)}, {attribute_label(attr)}"),
                        "metric_config": _plain(attr), "metric_value": round(metric.value, 6),
                        "metric_args": _args(metric, level)})
    return out


def _co2(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    compute = _section(doc, "compute")
    stages = compute.get("stages") if isinstance(compute.get("stages"), Mapping) else {}
    summed = energy_totals(stages)
    kg = compute.get("co2_kg", compute.get("emissions_kg_co2eq"))
    kg = kg if isinstance(kg, (int, float)) and not isinstance(kg, bool) else summed["co2_kg"]
    if kg is None:
        return None
    recorded = compute.get("energy_measurement")
    how = recorded if isinstance(recorded, Mapping) else summed["energy_measurement"]
    co2: dict[str, Any] = {"emissions": round(float(kg) * 1000.0, 6), "source": _plain(measurement_text(how))}
    train = stages.get("train") if isinstance(stages.get("train"), Mapping) else {}
    if train.get("status") == "ok" and "train" in (how.get("stages") or []):
        co2["training_type"] = "fine-tuning"
    if how.get("country_iso_code"):
        co2["geographical_location"] = _plain(how["country_iso_code"])
    if isinstance(compute.get("device"), str):
        co2["hardware_used"] = _plain(compute["device"])
    return co2


def card_metadata_dict(doc: Mapping[str, Any]) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """``(model-index name, top-level metadata, EvalResult keyword sets)`` for a scorecard document."""
    identity = _section(doc, "identity")
    model = identity.get("model") if isinstance(identity.get("model"), Mapping) else {}
    name = _SLUG.sub("-", str(model.get("name") or "unidentified-model")).strip("-") or "unidentified-model"
    card = model.get("card") if isinstance(model.get("card"), Mapping) else {}
    config = _section(doc, "config").get("values")
    scrub = config.get("scrub") if isinstance(config, Mapping) else None
    language = card.get("language") or (scrub.get("language") if isinstance(scrub, Mapping) else None)
    meta: dict[str, Any] = {"base_model": card.get("base_model"), "language": language, "library_name": "transformers",
                            "license": card.get("license"), "pipeline_tag": "text-classification",
                            "tags": ["text-classification", "auditkit", "responsible-ai-audit"]}
    co2 = _co2(doc)
    if co2 is not None:
        meta["co2_eq_emissions"] = co2
    return name, {k: v for k, v in meta.items() if v is not None}, _results(doc)


def _plain_card_dict(name: str, meta: Mapping[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``ModelCardData(...).to_dict()`` gives, for installs without ``huggingface_hub``."""
    out = dict(meta)
    if results:
        first = results[0]
        metrics = [{k: v for k, v in (("type", r["metric_type"]), ("value", r["metric_value"]), ("name", r.get("metric_name")),
                                      ("config", r.get("metric_config")), ("args", r.get("metric_args"))) if v is not None}
                   for r in results]
        out["model-index"] = [{"name": name, "results": [{
            "task": {"type": first["task_type"], "name": first["task_name"]},
            "dataset": {"name": first["dataset_name"], "type": first["dataset_type"], "split": first["dataset_split"]},
            "metrics": metrics}]}]
    return out


def _hub_card_dict(name: str, meta: Mapping[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    from huggingface_hub import EvalResult, ModelCardData

    evals = [EvalResult(**{k: v for k, v in r.items() if v is not None}) for r in results]
    data = ModelCardData(model_name=name if evals else None, eval_results=evals or None, **meta)
    return dict(data.to_dict())


def model_card_front_matter(doc: Mapping[str, Any]) -> str:
    """The YAML front matter block (between ``---`` lines) for the HF model card."""
    name, meta, results = card_metadata_dict(doc)
    try:
        data = _hub_card_dict(name, meta, results)
    except ImportError:
        data = _plain_card_dict(name, meta, results)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=False, default_flow_style=False, width=1000)
    return f"---\n{body}---\n"
