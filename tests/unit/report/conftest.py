"""Fixtures for the report tests: demo-like run directories with a written scorecard."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditkit.report import assemble_scorecard, write_scorecard
from tests.unit.report._runs import make_run_dir

FIXED_NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture
def demo_run(tmp_path: Path) -> Path:
    """A run directory with every stage's output, a gate verdict and scorecard.json."""
    run = make_run_dir(tmp_path, gate=True)
    write_scorecard(assemble_scorecard(run, now=FIXED_NOW), run / "scorecard.json")
    return run


@pytest.fixture
def hostile_run(tmp_path: Path) -> Path:
    """Like ``demo_run`` but with hostile strings in model, group, token and metric names."""
    run = make_run_dir(tmp_path, gate=True, hostile=True)
    write_scorecard(assemble_scorecard(run, now=FIXED_NOW), run / "scorecard.json")
    return run
