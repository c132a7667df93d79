"""Energy totals sum every measured stage; the model card follows the Hugging Face conventions and round-trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditkit.report import assemble_scorecard, render_report
from auditkit.scorecard import write_scorecard
from tests.unit.report._runs import FIXED_NOW, make_run_dir

# what the pipeline runner records for a stage measured by codecarbon (auditkit/_compute.py)
_TRAIN = {"energy_kwh": 0.004, "co2_kg": 0.0015, "method": "codecarbon offline tracker", "country_iso_code": "USA"}
_EXPLAIN = {"energy_kwh": 0.001, "co2_kg": 0.0004, "method": "codecarbon offline tracker", "country_iso_code": "USA"}


def _measured_run(root: Path) -> Path:
    run = make_run_dir(root, gate=True)
    manifest = json.loads((run / "manifest.json").read_text())
    stages = manifest["stages"]
    stages["train"]["summary"] = {}
    stages["train"]["energy"] = dict(_TRAIN)
    stages["explain"]["energy"] = dict(_EXPLAIN)
    stages["evaluate"]["energy"] = {"energy_kwh": None, "co2_kg": None, "reason": "disabled in config"}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_scorecard(assemble_scorecard(run, now=FIXED_NOW), run / "scorecard.json")
    return run


def _front(card: str) -> dict[str, Any]:
    return dict(yaml.safe_load(card.split("---\n")[1]))


def test_every_measured_stage_energy_is_in_the_totals(tmp_path: Path) -> None:
    compute = json.loads((_measured_run(tmp_path) / "scorecard.json").read_text())["compute"]
    assert compute["energy_kwh"] == pytest.approx(_TRAIN["energy_kwh"] + _EXPLAIN["energy_kwh"])
    assert compute["co2_kg"] == pytest.approx(_TRAIN["co2_kg"] + _EXPLAIN["co2_kg"])
    how = compute["energy_measurement"]
    assert how["stages"] == ["explain", "train"] and how["method"] == "codecarbon offline tracker"
    assert how["not_measured"] == {"evaluate": "disabled in config"}


def test_the_html_shows_the_energy_totals_and_how_they_were_measured(tmp_path: Path) -> None:
    html = render_report(_measured_run(tmp_path)).html.read_text(encoding="utf-8")
    compute = html[html.index('<section id="compute"'):]
    assert '<th scope="row">energy (kWh)</th><td class="num">0.005</td>' in compute
    assert "codecarbon offline tracker, grid USA; stages: explain, train" in compute


def test_the_model_card_reports_measured_emissions_in_grams_with_the_method(tmp_path: Path) -> None:
    card = render_report(_measured_run(tmp_path)).model_card.read_text(encoding="utf-8")
    co2 = _front(card)["co2_eq_emissions"]
    assert co2["emissions"] == pytest.approx(1000 * (_TRAIN["co2_kg"] + _EXPLAIN["co2_kg"]))
    assert co2["source"] == "codecarbon offline tracker, grid USA; stages: explain, train"
    assert co2["training_type"] == "fine-tuning" and co2["geographical_location"] == "USA"


def test_the_model_card_round_trips_through_huggingface_hub(tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    run = _measured_run(tmp_path)
    (run / "model" / "README.md").write_text("---\nlicense: mit\nbase_model: org/base-encoder\nlanguage: [en, fr]\n---\n# x\n")
    write_scorecard(assemble_scorecard(run, now=FIXED_NOW), run / "scorecard.json")
    path = render_report(run).model_card
    loaded, parsed = ModelCard.load(path), ModelCard(path.read_text(encoding="utf-8"))
    for card in (loaded, parsed):
        assert card.data.license == "mit" and card.data.base_model == "org/base-encoder" and card.data.language == ["en", "fr"]
        assert card.data.co2_eq_emissions["emissions"] == pytest.approx(1.9)
        gaps = {(r.metric_type, r.metric_config): r for r in card.data.eval_results if r.metric_config}
        eo = gaps[("equal_opportunity_difference", "gender")]
        assert eo.metric_value == 0.041 and eo.metric_args == {"ci_low": 0.008, "ci_high": 0.083, "confidence_level": 0.95}
        assert {r.metric_type for r in card.data.eval_results} >= {"accuracy", "macro_f1", "demographic_parity_difference"}
    assert loaded.text.lstrip().startswith("# Model card: minilm-triage")


def test_license_and_base_model_fall_back_to_auditkit_meta_and_the_base_models_card(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    (base / "README.md").write_text("---\nlicense: apache-2.0\nlanguage: en\nbase_model: not/ours\n---\n")
    run = make_run_dir(tmp_path)
    config = json.loads((run / "config.json").read_text())
    config["model"] = {"path": str(base)}
    (run / "config.json").write_text(json.dumps(config))
    meta = json.loads((run / "model" / "auditkit_meta.json").read_text())
    (run / "model" / "auditkit_meta.json").write_text(json.dumps({**meta, "base_model": "my-org/encoder"}))
    write_scorecard(assemble_scorecard(run, now=FIXED_NOW), run / "scorecard.json")
    front = _front(render_report(run).model_card.read_text(encoding="utf-8"))
    assert (front["license"], front["base_model"], front["language"]) == ("apache-2.0", "my-org/encoder", "en")


def test_the_card_body_escapes_only_what_markdown_needs(demo_run: Path) -> None:
    card = render_report(demo_run).model_card.read_text(encoding="utf-8")
    body = card.split("---\n", 2)[2]
    assert "generated 2026-01-02T03:04:05+00:00" in body
    assert "&#39;" not in body and "\\-" not in body and "\\:" not in body and "\\." not in body
    assert "eo_gap\\[gender\\]" in body  # brackets would start a link: escaped


def test_front_matter_without_huggingface_hub_is_the_same(demo_run: Path) -> None:
    from auditkit.report._front_matter import _hub_card_dict, _plain_card_dict, card_metadata_dict
    from auditkit.scorecard import load_document

    name, meta, results = card_metadata_dict(load_document(demo_run / "scorecard.json"))
    assert results and meta.get("co2_eq_emissions")
    assert _plain_card_dict(name, meta, results) == _hub_card_dict(name, meta, results)
