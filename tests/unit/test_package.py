"""Package-level promises: a light import, silent logging, a typed facade."""

from __future__ import annotations

import subprocess
import sys

import auditkit


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_importing_auditkit_does_not_import_torch() -> None:
    loaded = _modules_after("import auditkit, auditkit.config, auditkit.exceptions")
    assert "torch" not in loaded and "transformers" not in loaded


def test_importing_the_gate_does_not_import_torch() -> None:
    assert "torch" not in _modules_after("import auditkit.gate")


def test_the_import_check_is_able_to_fail() -> None:
    assert "torch" in _modules_after("import auditkit.train")


def test_importing_auditkit_installs_only_a_null_handler() -> None:
    code = ("import logging, auditkit, auditkit.pipeline, auditkit.scrub; "
            "hs = logging.getLogger('auditkit').handlers + logging.getLogger().handlers; "
            "print([type(h).__name__ for h in hs])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "['NullHandler']"


def test_facade_names_are_sorted_and_resolve() -> None:
    assert auditkit.__all__ == sorted(auditkit.__all__)
    assert auditkit.load_config.__name__ == "load_config"
    assert auditkit.RunConfig.__name__ == "RunConfig"
