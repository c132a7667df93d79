"""The bundled demo ends with a FAIL on its planted intersectional gap, and only on evidence that shows it.

Runs ``auditkit demo`` end to end on the real default model (several minutes on 2 cores, hence
``slow``). The demo plants an under-triage of atypical presentations, most common in women aged
65+, in the historic training labels; the gender-only fairness loss cannot see it, so the shipped
model's gender x age-band TPR gap must be clearly above the 0.10 threshold (interval lower bound
above it), while the verdict must be FAIL because of that rule and not because evidence is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_demo_fails_on_its_intersectional_gap(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "auditkit", "demo", "--workdir", str(tmp_path), "--no-progress"],
                          capture_output=True, text=True, env=env, timeout=3600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    card = json.loads((tmp_path / "runs" / "clinical_triage_demo" / "scorecard.json").read_text(encoding="utf-8"))
    policy = card["policy"]
    assert policy["verdict"] == "fail" and policy["exit_code"] == 1
    rules = {rule["id"]: rule for rule in policy["rules"]}
    intersection = [r for rid, r in rules.items() if rid.startswith("equal_opportunity_gap[") and " x " in rid]
    assert intersection, sorted(rules)
    assert any(r["status"] == "fail" and r["ci_low"] > r["threshold"] for r in intersection), intersection
    assert not any(r["evidence_missing"] for r in policy["rules"]), [r["id"] for r in policy["rules"] if r["evidence_missing"]]
    bias = json.loads((tmp_path / "data" / "bias.json").read_text(encoding="utf-8"))
    assert bias["flip_rate_by_band"]["65+"] > bias["flip_rate_by_band"]["18-39"] + 0.2
