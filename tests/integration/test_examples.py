"""The shipped examples run: the Trainer script with AuditCallback, the CI snippets and the policies."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditkit._io import sha256_file
from auditkit.gate import evaluate, load_policy
from tests.unit.gate._cards import make_scorecard, write_card

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return env


def _tiny_csv(path: Path, n: int = 40) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "label", "gender"])
        writer.writeheader()
        for i in range(n):
            urgent = i % 4 < 2
            words = "patient reports severe chest pain" if urgent else "routine medication refill check"
            writer.writerow({"text": f"{words} {'she' if i % 2 else 'he'}", "label": "urgent" if urgent else "routine",
                             "gender": "female" if i % 2 else "male"})
    return path


def _gate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditkit.gate", *args], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=_env(), check=False)


def test_train_with_audit_example_writes_a_scorecard_the_gate_reads(tiny_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, str(EXAMPLES / "train_with_audit.py"), "--data", str(_tiny_csv(tmp_path / "notes.csv")),
           "--output-dir", str(out), "--model-dir", str(tiny_model_dir), "--max-steps", "2", "--batch-size", "8",
           "--min-group-size", "5"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO, env=_env(OMP_NUM_THREADS="1"), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "eval_fair/gender/equal_opportunity_difference" in done.stdout
    card = out / "scorecard.json"
    policy = tmp_path / "p.yaml"
    policy.write_text("rules:\n  - {id: eo, metric: 'fairness.attributes.*.equal_opportunity_difference', op: '<=', threshold: 1.0}\n")
    bound = _gate(str(card), "--policy", str(policy), "--model-dir", str(out / "model"))
    assert bound.returncode == 0, bound.stdout + bound.stderr
    assert "integrity.model" in bound.stdout
    assert _gate(str(card), "--policy", "default").returncode in (0, 1, 4)
    assert not list((out / "model").glob("*.bin"))


@pytest.fixture
def released(tmp_path: Path) -> dict[str, str]:
    model = tmp_path / "runs" / "clinical_triage" / "model"
    model.mkdir(parents=True)
    (model / "model.safetensors").write_bytes(b"audited weights")
    card = make_scorecard()
    card["identity"]["model"]["weights"] = {"model.safetensors": sha256_file(model / "model.safetensors")}
    write_card(model.parent / "scorecard.json", card)
    shim = tmp_path / "bin" / "auditkit"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\n[ "$1" = gate ] || exit 64\nshift\nexec "{sys.executable}" -m auditkit.gate "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    return {"cwd": str(tmp_path), "PATH": f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def _commands(doc: Any) -> list[str]:
    found: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("run", "script") and isinstance(value, (str, list)):
                lines = value if isinstance(value, list) else value.splitlines()
                found += [line for line in lines if isinstance(line, str) and line.strip().startswith("auditkit ")]
            else:
                found += _commands(value)
    elif isinstance(doc, list):
        for item in doc:
            found += _commands(item)
    return found


def _variables(doc: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("env", "variables") and isinstance(value, dict):
                out.update({str(k): str(v) for k, v in value.items()})
            else:
                out.update(_variables(value))
    elif isinstance(doc, list):
        for item in doc:
            out.update(_variables(item))
    return out


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_snippet_commands_run_locally_against_a_fixture_scorecard(name: str, released: dict[str, str]) -> None:
    doc = yaml.safe_load((EXAMPLES / "ci" / name).read_text())
    commands = _commands(doc)
    assert commands, "the CI example must call auditkit"
    env = _env(PATH=released["PATH"], **_variables(doc))
    for command in commands:
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120,
                              cwd=released["cwd"], env=env, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (Path(released["cwd"]) / "gate-junit.xml").is_file()
    assert (Path(released["cwd"]) / "gate.sarif").is_file()


def test_ci_snippet_fails_the_job_when_the_released_weights_differ(released: dict[str, str]) -> None:
    doc = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text())
    (Path(released["cwd"]) / "runs/clinical_triage/model/model.safetensors").write_bytes(b"other weights")
    done = subprocess.run(["bash", "-c", _commands(doc)[0]], capture_output=True, text=True, timeout=120,
                          cwd=released["cwd"], env=_env(PATH=released["PATH"], **_variables(doc)), check=False)
    assert done.returncode == 1


@pytest.mark.parametrize("path", sorted((EXAMPLES / "policies").glob("*.yaml")), ids=lambda p: p.name)
def test_example_policies_load_and_pass_the_reference_scorecard(path: Path) -> None:
    verdict = evaluate(make_scorecard(), load_policy(path))
    assert verdict.exit_code == 0, [o.message for o in verdict.outcomes if o.status != "pass"]


def test_github_gate_step_writes_the_step_summary_and_the_junit_the_reporter_reads(released: dict[str, str]) -> None:
    doc = yaml.safe_load((EXAMPLES / "ci" / "github-actions.yml").read_text())
    summary = Path(released["cwd"]) / "step-summary.md"
    env = {**_env(PATH=released["PATH"], **_variables(doc)), "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(["bash", "-c", _commands(doc)[0]], capture_output=True, text=True, timeout=120,
                          cwd=released["cwd"], env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert summary.read_text(encoding="utf-8").startswith("## auditkit gate: PASS")
    reporter = next(s for s in doc["jobs"]["gate"]["steps"] if "action-junit-report" in str(s.get("uses", "")))
    assert (Path(released["cwd"]) / reporter["with"]["report_paths"]).is_file()
