"""L4: an error forced inside each stage, on canary-bearing data, leaks no canary to stderr or outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.cli._app import main
from auditkit.exceptions import DataError
from auditkit.pipeline import _runner
from auditkit.pipeline._stage import Stage, StageContext
from auditkit.privacy import canary_file_for, canary_forms, load_canaries, sweep

_PREPARED = {"data/train.jsonl", "data/validation.jsonl", "data/test.jsonl"}  # scrubbing is off here, by design
_LATER = tuple(s for s in _runner.STAGE_ORDER if s != "prepare")


def _config(tmp_path: Path, model_dir: Path) -> Path:
    n = 45
    pd.DataFrame({
        "text": [f"patient reports chest pain {i}" for i in range(n)],
        "label": ["urgent" if i % 2 else "routine" for i in range(n)],
        "split": [("train", "validation", "test")[i % 3] for i in range(n)],
        "gender": ["female" if i % 4 < 2 else "male" for i in range(n)],
    }).to_csv(tmp_path / "notes.csv", index=False)
    config = tmp_path / "audit.yaml"
    config.write_text(
        "name: leak\ndata:\n  path: notes.csv\n  split_column: split\n  sensitive: [gender]\n"
        f"model:\n  path: {model_dir}\nscrub:\n  enabled: false\nprivacy:\n  canaries: true\n",
        encoding="utf-8",
    )
    return config


def _failing(name: str, error: type[Exception]) -> Stage:
    def run(ctx: StageContext) -> dict[str, Any]:
        texts = pd.read_json(ctx.path("data/train.jsonl"), lines=True)["text"].tolist()
        secret_row = next(t for t in texts if "SSN" in t or "email" in t or "name:" in t)
        raise error(f"could not process {secret_row!r}")  # the row sits in the message and in the locals

    return Stage(name=name, run=run)


def _leaks(text: str, run_dir: Path) -> list[str]:
    canaries = load_canaries(canary_file_for(run_dir))
    low = text.lower().encode()
    return [c.label for c in canaries.canaries if any(p in low for p in canary_forms(c.value).values())]


@pytest.mark.parametrize("stage", _LATER)
def test_internal_error_inside_a_stage_leaks_no_canary(
    stage: str, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AUDITKIT_DEBUG", raising=False)
    prepare = _runner.load_stages(("prepare",))[0]
    monkeypatch.setattr(_runner, "load_stages", lambda *a: [prepare, _failing(stage, ValueError)])
    config = _config(tmp_path, tiny_model_dir)
    assert main(["run", str(config), "--no-progress"]) == 3
    out = capsys.readouterr()
    run_dir = tmp_path / "runs" / "leak"
    assert _leaks(out.out + out.err, run_dir) == []
    assert "Traceback" not in out.err and "secret_row" not in out.err
    hits = sweep(run_dir, load_canaries(canary_file_for(run_dir)))
    assert {h.file for h in hits.hits} <= _PREPARED
    assert (run_dir / "manifest.json").is_file()


def test_a_stage_that_puts_data_in_its_own_error_is_caught_by_the_check(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prepare = _runner.load_stages(("prepare",))[0]
    monkeypatch.setattr(_runner, "load_stages", lambda *a: [prepare, _failing("train", DataError)])
    assert main(["run", str(_config(tmp_path, tiny_model_dir)), "--no-progress"]) == 2
    out = capsys.readouterr()
    assert _leaks(out.out + out.err, tmp_path / "runs" / "leak") != []


def test_prepare_seeds_canaries_outside_the_run_dir(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepare = _runner.load_stages(("prepare",))[0]
    monkeypatch.setattr(_runner, "load_stages", lambda *a: [prepare])
    assert main(["run", str(_config(tmp_path, tiny_model_dir)), "--no-progress"]) == 0
    run_dir = tmp_path / "runs" / "leak"
    file = canary_file_for(run_dir)
    assert file.is_file() and run_dir.resolve() not in file.resolve().parents
    found = sweep(run_dir, load_canaries(file)).found
    assert len(found) == len(load_canaries(file))  # with scrubbing off every canary is in the prepared data


