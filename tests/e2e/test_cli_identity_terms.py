"""``auditkit audit --identity-terms builtin`` on a text,label file with no demographic column, and ``auditkit probe``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from auditkit.cli._app import main

TERMS = ("gay", "muslim", "black", "elderly", "christian", "women", "deaf", "african american")


def _texts(path: Path, n: int = 96) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(n):
            term = TERMS[i % len(TERMS)] if i % 6 else ""
            label = "urgent" if i % 3 == 0 else "routine"
            writer.writerow([f"the {term} patient reports {'severe chest pain' if label == 'urgent' else 'mild cough'}", label])
    return path


@pytest.fixture(scope="module")
def audit_run(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    import torch

    torch.set_num_threads(1)
    tmp = tmp_path_factory.mktemp("identity_audit")
    run = tmp / "run"
    code = main(["audit", "--model", str(tiny_model_dir), "--data", str(_texts(tmp / "texts.csv")), "--text-column", "text",
                 "--label-column", "label", "--identity-terms", "builtin", "-o", str(run), "--no-scrub", "--no-explain",
                 "--bootstrap", "50", "--min-group-size", "5", "--device", "cpu", "--no-progress",
                 "--policy", "identity-terms"])
    return code, run, (run / "scorecard.html").read_text(encoding="utf-8")


def test_audit_with_identity_terms_needs_no_sensitive_column(audit_run: tuple[int, Path, str]) -> None:
    code, run, _ = audit_run
    card = json.loads((run / "scorecard.json").read_text(encoding="utf-8"))
    fairness = card["fairness"]
    assert fairness["status"] == "ok" and fairness["declared"] == ["identity"]
    identity = fairness["attributes"]["identity"]
    assert {"gay", "muslim", "african american", "african", "american", "old", "female"} <= set(identity["groups"])
    assert identity["groups"]["african"]["n"] == identity["groups"]["african american"]["n"] == 12  # non-exclusive
    assert "sikh" in identity["absent"] and "sikh" not in identity["groups"]
    assert {"min_bpsn_auc", "min_bnsp_auc", "worst_subgroup_auc", "fpr_spread", "max_fpr_ratio"} <= set(identity)
    assert code in (0, 1, 4) and card["policy"]["policy"] == "identity-terms"


def test_the_report_shows_the_per_term_table_and_chart(audit_run: tuple[int, Path, str]) -> None:
    _, _, html = audit_run
    assert "BPSN and BNSP AUC per identity term" in html and "Terms absent from the data (not assessed):" in html


def test_audit_without_sensitive_or_identity_terms_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", "--model", str(tmp_path), "--data", str(_texts(tmp_path / "t.csv"))])
    err = capsys.readouterr().err
    assert code == 2 and "give --sensitive COLUMN, --identity-terms builtin, or both" in err


def test_probe_reports_per_term_false_positive_rates(tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = tmp_path / "t.csv"
    templates.write_text("phrase,label\nI am {term}.,0\nwe are {term} people,routine\nI hate {term} people.,1\n", encoding="utf-8")
    terms = tmp_path / "terms.yaml"
    terms.write_text("terms:\n  gay: [gay]\n  muslim: [muslim]\n  old: [old]\n", encoding="utf-8")
    out = tmp_path / "probe.json"
    code = main(["probe", "--model", str(tiny_model_dir), "--templates", str(templates), "--identity-terms", str(terms),
                 "--bootstrap", "20", "--device", "cpu", "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "3 templates x 3 terms = 9 sentences" in printed and "FPR [95% CI]" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["identity"]["groups"]) == {"gay", "muslim", "old"}
    assert result["identity"]["groups"]["gay"]["fpr"]["n"] == 2  # two non-toxic templates per term
    assert "I am gay" not in out.read_text(encoding="utf-8")


def test_probe_refuses_a_template_without_placeholder(tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = tmp_path / "t.csv"
    templates.write_text("phrase,label\nI am here.,0\n", encoding="utf-8")
    assert main(["probe", "--model", str(tiny_model_dir), "--templates", str(templates)]) == 2
    assert "line 2 has no {term} placeholder" in capsys.readouterr().err
