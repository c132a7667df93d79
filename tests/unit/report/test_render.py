"""Rendering: one self-contained HTML file and an HF model card, from scorecard.json alone."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from auditkit.cli._app import main
from auditkit.config import DataConfig, ReportConfig, RunConfig
from auditkit.exceptions import SchemaError
from auditkit.pipeline._stage import StageContext, StageSkipped
from auditkit.pipeline._stages.report import STAGE
from auditkit.report import render_html, render_report
from auditkit.scorecard import load_document, set_section
from tests.unit.report._html_check import inspect_html
from tests.unit.report._runs import make_run_dir

MAX_BYTES = 3 * 1024 * 1024


def _only_scorecard(run: Path, tmp_path: Path) -> Path:
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(run / "scorecard.json", lone / "scorecard.json")
    return lone


def test_report_re_renders_from_scorecard_json_alone(demo_run: Path, tmp_path: Path) -> None:
    lone = _only_scorecard(demo_run, tmp_path)
    paths = render_report(lone)
    assert sorted(p.name for p in lone.iterdir()) == ["model_card.md", "scorecard.html", "scorecard.json"]
    assert paths.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_html_is_self_contained_without_script_or_external_request(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    found = inspect_html(html)
    assert found.problems == []
    assert "<style>" in html and "svg" in found.tags
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:|//)", html, re.IGNORECASE)
    assert "default-src 'none'" in html


def test_html_is_under_three_megabytes_for_a_demo_sized_scorecard(demo_run: Path) -> None:
    assert render_report(demo_run).html.stat().st_size < MAX_BYTES


def test_summary_comes_first_with_verdict_and_a_reasoned_grade_per_area(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    assert html.index('id="summary"') < html.index('id="policy"') < html.index('id="fairness"') < html.index('id="identity"')
    assert "Overall verdict: <strong>✘ FAIL</strong>" in html
    for area in ("privacy", "fairness", "explainability", "performance", "compute"):
        assert f'<th scope="row">{area}</th>' in html
    assert "gate rule eo_gap[gender] failed" in html


def test_failed_and_passed_rules_are_both_listed_with_text_labels(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    assert "✘ FAIL" in html and "✔ PASS" in html
    assert html.index("eo_gap[gender]") < html.index("canaries")


def test_charts_carry_title_desc_and_a_data_table(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.DOTALL)
    assert len(svgs) >= 4
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert html.count("<caption>Data for") == len(svgs)
    assert "before mitigation" in html and "shipped model" in html


def test_every_table_has_header_cells(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", html, re.DOTALL)
    assert tables and all("<th" in t for t in tables)


def test_heat_map_tokens_have_a_text_sign_not_only_colour(demo_run: Path) -> None:
    html = render_report(demo_run).html.read_text(encoding="utf-8")
    assert 'class="tok pos"' in html and 'class="tok neg"' in html
    assert "+ towards" in html and "− against" in html


def test_not_run_sections_say_so_in_html_and_model_card(tmp_path: Path) -> None:
    from auditkit.report import assemble_scorecard
    from auditkit.scorecard import write_scorecard

    run = make_run_dir(tmp_path, stages=("evaluate",))
    write_scorecard(assemble_scorecard(run), run / "scorecard.json")
    paths = render_report(run)
    html, card = paths.html.read_text(encoding="utf-8"), paths.model_card.read_text(encoding="utf-8")
    assert "– NOT RUN" in html and "NOT GATED" in html
    assert "Not run: explain/result.json not found" in card


def test_model_card_front_matter_has_model_index_metrics_and_co2(demo_run: Path) -> None:
    card = render_report(demo_run).model_card.read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    metrics = {m["type"]: m["value"] for m in front["model-index"][0]["results"][0]["metrics"] if "config" not in m}
    assert metrics == {"accuracy": 0.874, "macro_f1": 0.861, "roc_auc": 0.931, "ece": 0.042}
    assert front["co2_eq_emissions"]["emissions"] == pytest.approx(1.2)
    assert front["model-index"][0]["name"] == "minilm-triage"


def test_model_card_has_no_co2_when_energy_was_not_measured(demo_run: Path) -> None:
    doc = load_document(demo_run / "scorecard.json")
    doc["compute"].update(emissions_kg_co2eq=None, co2_kg=None, energy_kwh=None, energy_measurement=None)
    for record in doc["compute"]["stages"].values():
        for key in ("energy", "energy_kwh", "emissions_kg_co2eq", "co2_kg"):
            record.pop(key, None)
    (demo_run / "scorecard.json").write_text(json.dumps(doc), encoding="utf-8")
    card = render_report(demo_run).model_card.read_text(encoding="utf-8")
    assert "co2_eq_emissions" not in card and "were not measured" in card


def test_policy_section_added_by_the_gate_appears_after_re_rendering(tmp_path: Path) -> None:
    from auditkit.report import assemble_scorecard
    from auditkit.scorecard import write_scorecard

    run = make_run_dir(tmp_path)
    write_scorecard(assemble_scorecard(run), run / "scorecard.json")
    assert "NOT GATED" in render_report(run).html.read_text(encoding="utf-8")
    set_section(run / "scorecard.json", "policy", json.loads((Path(__file__).parent / "fixtures" / "verdict.json").read_text()))
    html = render_report(run).html.read_text(encoding="utf-8")
    assert "NOT GATED" not in html and "eo_gap[gender]" in html


def test_render_html_refuses_a_document_that_fails_the_schema(demo_run: Path) -> None:
    doc = load_document(demo_run / "scorecard.json")
    doc["schema_version"] = "3.1"
    with pytest.raises(SchemaError, match="newer than this auditkit reads"):
        render_html(doc)


def test_cli_report_re_renders_and_exits_zero(demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lone = _only_scorecard(demo_run, tmp_path)
    assert main(["report", str(lone)]) == 0
    assert (lone / "scorecard.html").is_file() and "model_card.md" in capsys.readouterr().out


def test_cli_report_on_a_newer_scorecard_exits_2_with_one_line(demo_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = load_document(demo_run / "scorecard.json")
    doc["schema_version"] = "3.0"
    (demo_run / "scorecard.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["report", str(demo_run)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "upgrade auditkit" in err


def test_pipeline_report_stage_writes_scorecard_html_and_card(tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    config = RunConfig(data=DataConfig(path=tmp_path / "data.csv"))
    summary = STAGE.run(StageContext(config=config, run_dir=run))
    assert summary["sections"]["fairness"] == "ok" and summary["sections"]["policy"] == "not_run"
    assert load_document(run / "scorecard.json")["identity"]["status"] == "ok"
    assert (run / "scorecard.html").is_file() and (run / "model_card.md").is_file()


def test_pipeline_report_stage_is_skipped_when_disabled(tmp_path: Path) -> None:
    config = RunConfig(data=DataConfig(path=tmp_path / "data.csv"), report=ReportConfig(enabled=False))
    with pytest.raises(StageSkipped):
        STAGE.run(StageContext(config=config, run_dir=make_run_dir(tmp_path)))


def test_html_and_model_card_say_the_scorecard_is_unsigned_when_it_is(demo_run: Path) -> None:
    paths = render_report(demo_run)
    assert "Unsigned: no signature envelope" in paths.html.read_text(encoding="utf-8")
    assert "Unsigned" in paths.model_card.read_text(encoding="utf-8")


def test_html_and_model_card_name_the_signing_key(demo_run: Path, tmp_path: Path) -> None:
    from auditkit.scorecard import generate_keypair, key_id, sign_scorecard, write_envelope
    from auditkit.scorecard import read_scorecard as read

    private = generate_keypair()
    raw, _ = read(demo_run / "scorecard.json")
    write_envelope(sign_scorecard(raw, private), demo_run / "scorecard.intoto.jsonl")
    paths = render_report(demo_run)
    kid = key_id(private.public_key())
    assert f"Signed by key {kid}" in paths.html.read_text(encoding="utf-8")
    assert kid in paths.model_card.read_text(encoding="utf-8")
