"""Regenerate ``auditkit/examples_data/demo-scorecard.json`` from the report test fixtures.

``python -m tests._demo_scorecard`` writes a sealed schema-2.0 scorecard of the
synthetic triage demo (no torch involved), so ``auditkit gate --demo`` works right
after a slim install. ``tests/unit/test_demo_scorecard.py`` fails when the bundled
file no longer loads under the current schema; rerun this then.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[1] / "auditkit" / "examples_data" / "demo-scorecard.json"


def build(out: Path) -> Path:
    """Write the demo scorecard to ``out`` (sealed, its ``policy`` section the default policy's verdict) and return it."""
    from auditkit._io import read_json
    from auditkit.gate import GateOutputs, run_gate
    from auditkit.scorecard import set_section, write_scorecard
    from tests.unit.report._runs import scored_run

    with tempfile.TemporaryDirectory() as tmp:
        run = scored_run(Path(tmp))
        write_scorecard(read_json(run / "scorecard.json"), out)
        run_gate(out, "default", outputs=GateOutputs(verdict_json=Path(tmp) / "verdict.json"))
        set_section(out, "policy", read_json(Path(tmp) / "verdict.json"))
    return out


if __name__ == "__main__":
    print(build(BUNDLED))
