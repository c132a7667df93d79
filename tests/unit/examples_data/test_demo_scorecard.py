"""The bundled demo scorecard loads under the current schema and the gate judges it (``auditkit gate --demo``).

When the schema changes, regenerate it with ``python -m tests._demo_scorecard``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.cli._app import main
from auditkit.gate._cli import demo_scorecard
from auditkit.scorecard import content_digest, read_scorecard


def test_the_demo_scorecard_ships_inside_the_package_sealed_and_valid() -> None:
    path = demo_scorecard()
    assert path.parent.name == "examples_data" and path.is_file()
    doc, card = read_scorecard(path)
    assert doc["schema_version"].startswith("2.")
    assert doc["integrity"]["content_sha256"] == content_digest(doc)
    assert "/tmp" not in path.read_text(encoding="utf-8")


def test_gate_demo_exits_with_the_verdicts_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["gate", "--demo"])
    out = capsys.readouterr().out
    assert code in (0, 1, 4) and f"(exit {code})" in out.splitlines()[-1]


def test_gate_wants_a_scorecard_or_demo_not_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gate"]) == 2
    assert main(["gate", "--demo", str(demo_scorecard())]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["auditkit: error: give a SCORECARD or --demo (the bundled example scorecard), not both or neither"] * 2
