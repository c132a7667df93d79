"""L3: with DEBUG logging on, no inserted identifier reaches a log line; importing auditkit adds no handlers."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest

CANARIES = ["Quillon Vantersby", "555-867-5309", "quillon.v@example.net", "MRN 7301946", "04/19/1961"]
NOTE = f"Patient {CANARIES[0]}, DOB {CANARIES[4]}, {CANARIES[3]}, phone {CANARIES[1]}, email {CANARIES[2]}."


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _leaks(lines: list[str]) -> list[str]:
    fragments = {c for c in CANARIES} | {"Quillon", "Vantersby", "8675309", "7301946"}
    return [line for line in lines if any(f.lower() in line.lower() for f in fragments)]


@pytest.fixture
def debug_logs() -> Any:
    handler = _Collect()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)


def test_debug_logs_of_a_scrub_run_with_a_failure_hold_no_identifier(debug_logs: _Collect, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditkit.config import ScrubConfig
    from auditkit.scrub import Scrubber
    from tests.unit.scrub._engine_cache import default_engine, use_config

    engine = default_engine()
    real = engine.analyzer.analyze

    def analyze(text: str, **kwargs: Any) -> Any:
        if "explode" in text:
            raise RuntimeError(f"bad text: {text}")
        return real(text, **kwargs)

    monkeypatch.setattr(engine.analyzer, "analyze", analyze)
    scrubber = Scrubber(ScrubConfig(residual_sample=1.0))
    scrubber._engine = use_config(engine, scrubber.config)
    results = list(scrubber.scrub_cells([("1", "text", NOTE), ("2", "text", "explode " + NOTE)]))
    summary = scrubber.summarize(results, rows_total=2, seconds=1.0)
    use_config(engine, ScrubConfig())
    assert results[1].failure is not None and summary.rows_quarantined == 1
    assert len(debug_logs.lines) > 0
    assert _leaks(debug_logs.lines) == []
    assert _leaks([results[1].failure or "", summary.model_dump_json()]) == []


def test_the_log_check_is_able_to_fail() -> None:
    assert _leaks([f"analysing {NOTE}"]) != []


def test_importing_auditkit_and_scrub_installs_no_log_handlers() -> None:
    code = (
        "import logging, auditkit, auditkit.scrub\n"
        "named = [n for n in logging.root.manager.loggerDict if n.startswith('auditkit')]\n"
        "bad = [h for n in named for h in getattr(logging.getLogger(n), 'handlers', []) if not isinstance(h, logging.NullHandler)]\n"
        "print(len(logging.getLogger().handlers), len(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "0"]
