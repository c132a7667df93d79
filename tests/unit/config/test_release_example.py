"""examples/release_audit.yaml: the demo with the comparison and the variants on; the demo keeps them off."""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

import yaml

from auditkit.config import load_config, parse_config
from auditkit.gate import load_policy

REPO = Path(__file__).resolve().parents[3]
RELEASE = REPO / "examples" / "release_audit.yaml"
OPT_IN = {("name",), ("output_dir",), ("data", "path"), ("policy",), ("fairness", "compare"), ("deployment",)}


def _demo() -> dict[str, Any]:
    return yaml.safe_load(importlib.resources.files("auditkit.examples_data").joinpath("demo_audit.yaml").read_text())


def _without_opt_ins(raw: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for path in OPT_IN:
        parent = out if len(path) == 1 else out.get(path[0], {})
        parent.pop(path[-1], None)
    return out


def test_the_release_example_is_the_demo_with_every_mitigation_and_the_int8_variant() -> None:
    cfg = load_config(RELEASE)
    assert cfg.fairness.compare == ["none", "fairness_loss", "reweighing", "threshold"]
    assert "int8_dynamic" in cfg.deployment.variants and cfg.deployment.explain_examples >= cfg.explain.n_samples
    assert Path(cfg.policy) == REPO / "examples" / "policies" / "release.yaml"
    assert any(r.id == "int8_keeps_the_gender_gap" for r in load_policy(cfg.policy).rules)
    assert _without_opt_ins(yaml.safe_load(RELEASE.read_text())) == _without_opt_ins(_demo())


def test_the_demo_keeps_the_comparison_and_the_variants_opt_in() -> None:
    cfg = parse_config(_demo(), source="demo_audit.yaml")
    assert cfg.fairness.compare == [] and cfg.deployment.variants == []
