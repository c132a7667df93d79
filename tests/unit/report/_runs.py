"""Build demo-like run directories for report tests from the JSON fixtures beside this file."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = (
    "<script>document.title='PWNED'</script>",
    '"><img src=x onerror="document.title=\'PWNED\'">',
    "</script><script>document.body.setAttribute('data-pwned','1')</script>",
    "javascript:alert(document.domain)",
    "line\u2028sep\u2029para",
    "{{ 7*7 }}{{ ''.__class__.__mro__ }}",
    "[click](javascript:alert(1)) <a href=\"https://evil.example/x\">x</a>",
    "| col | ![img](https://evil.example/p.png) # heading",
    '<img src="https://auditkit-egress-canary.invalid/p.png">',
)
EGRESS_CANARY_HOST = "auditkit-egress-canary.invalid"
ALL_STAGES = ("scrub", "evaluate", "fairness", "explain", "privacy")


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _write(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")


def _poison(fairness: dict[str, Any], explain: dict[str, Any], evaluation: dict[str, Any], meta: dict[str, Any]) -> None:
    meta["name"] = HOSTILE[0] + HOSTILE[1]
    groups = fairness["attributes"]["gender"]["groups"]
    for i, bad in enumerate(HOSTILE[:4]):
        groups[bad] = dict(groups["female"])
    fairness["baseline"]["attributes"]["gender"]["groups"][HOSTILE[1]] = dict(groups["female"])
    fairness["term_swap"]["pairs"][HOSTILE[2]] = fairness["term_swap"]["pairs"]["he/she"]
    fairness["attributes"][HOSTILE[3]] = {"equal_opportunity_difference": 0.01, "notes": [HOSTILE[0]]}
    for i, bad in enumerate(HOSTILE):
        evaluation["model"][f"metric {bad}"] = {"value": 0.5, "ci_low": None, "ci_high": None, "reason": bad}
        explain["examples"]["items"][0]["words"][i % 11]["word"] = bad
    explain["examples"]["items"][1]["group"] = HOSTILE[6]
    explain["examples"]["rule"] = HOSTILE[1]
    explain["notes"].append(HOSTILE[2])
    explain["top_tokens"]["overall"].append({"token": HOSTILE[7], "importance": 0.2})
    explain["top_tokens"]["overall"].append({"token": HOSTILE[5], "importance": 0.19})


def make_run_dir(
    root: Path,
    *,
    stages: tuple[str, ...] = ALL_STAGES,
    hostile: bool = False,
    gate: bool = False,
    model: bool = True,
) -> Path:
    """Write a run directory with the fixture outputs of ``stages`` (no torch involved)."""
    run = root / "run"
    run.mkdir(parents=True, exist_ok=True)
    fairness, explain, evaluation = _fixture("fairness.json"), _fixture("result.json"), _fixture("evaluation.json")
    meta: dict[str, Any] = {"name": "minilm-triage", "base_model": "all-MiniLM-L6-v2"}
    if hostile:
        _poison(fairness, explain, evaluation, meta)
    manifest = _fixture("manifest.json")
    manifest["stages"] = {k: v for k, v in manifest["stages"].items() if k in stages or k == "train"}
    _write(run / "manifest.json", manifest)
    _write(run / "config.json", {"name": "demo", "seed": 13, "fairness": {"sensitive": "gender", "epsilon": 0.05}})
    if model:
        (run / "model").mkdir(exist_ok=True)
        (run / "model" / "model.safetensors").write_bytes(b"\x00fake-weights" * 64)
        _write(run / "model" / "config.json", {"model_type": "bert", "id2label": {"0": "routine", "1": "urgent"}})
        _write(run / "model" / "tokenizer.json", {"version": "1.0"})
        (run / "model" / "vocab.txt").write_text("[PAD]\n[UNK]\n", encoding="utf-8")
        _write(run / "model" / "auditkit_meta.json", meta)
        shutil.copytree(run / "model", run / "baseline_model", dirs_exist_ok=True)
        (run / "data").mkdir(exist_ok=True)
        for split, rows in (("train", 5), ("validation", 2), ("test", 3)):
            lines = [json.dumps({"id": f"{split}-{i}", "text": "note", "label": "routine", "split": split}) for i in range(rows)]
            (run / "data" / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = {"evaluate": ("evaluation.json", evaluation), "fairness": ("fairness.json", fairness),
               "explain": ("explain/result.json", explain), "privacy": ("privacy.json", _fixture("privacy.json")),
               "scrub": ("scrub/summary.json", _fixture("scrub_summary.json"))}
    for stage in stages:
        rel, content = outputs[stage]
        _write(run / rel, content)
    if gate:
        verdict = _fixture("verdict.json")
        if hostile:
            verdict["rules"][0]["message"] = HOSTILE[2]
            verdict["rules"][1]["id"] = HOSTILE[1]
        _write(run / "gate" / "verdict.json", verdict)
    return run


FIXED_NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def scored_run(root: Path, *, hostile: bool = False) -> Path:
    """A run directory with every stage's output, a gate verdict and a written scorecard.json."""
    from auditkit.report import assemble_scorecard
    from auditkit.scorecard import write_scorecard

    run = make_run_dir(root, gate=True, hostile=hostile)
    write_scorecard(assemble_scorecard(run, now=FIXED_NOW), run / "scorecard.json")
    return run


@pytest.fixture
def demo_run(tmp_path: Path) -> Path:
    """A demo-like run directory with scorecard.json."""
    return scored_run(tmp_path)


@pytest.fixture
def hostile_run(tmp_path: Path) -> Path:
    """Like ``demo_run`` with hostile strings in model, group, token and metric names."""
    return scored_run(tmp_path, hostile=True)
