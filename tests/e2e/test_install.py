"""The wheel installs on its own: a slim install (no extras) runs the gate on the bundled scorecard without torch.

Builds the wheel from a copy of the sources, installs it into a fresh venv from the
package index (the slim core only: about 25 s on the 2-core machine), and runs the
commands a CI gate job runs. Skipped, not failed, when the index cannot be reached.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_OFFLINE = re.compile(r"NewConnectionError|Temporary failure in name resolution|Network is unreachable|"
                      r"Could not find a version that satisfies the requirement (pydantic|pyyaml|typer|jinja2)", re.I)


def _build_wheel(tmp: Path) -> Path:
    src = tmp / "src"
    shutil.copytree(REPO / "auditkit", src / "auditkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(src),
                    "-w", str(tmp / "dist")], check=True, capture_output=True)
    (wheel,) = (tmp / "dist").glob("auditkit_rai-*.whl")
    return wheel


@pytest.fixture(scope="module")
def slim_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("install")
    wheel = _build_wheel(tmp)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                           str(wheel)], capture_output=True, text=True)
    if done.returncode != 0 and _OFFLINE.search(done.stderr):
        pytest.skip("the package index is not reachable")
    assert done.returncode == 0, done.stderr[-2000:]
    print(f"slim install: {time.monotonic() - started:.1f}s")
    return venv


def _run(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "auditkit"), *args], capture_output=True, text=True, timeout=120)


def test_the_wheel_is_named_auditkit_rai_and_holds_every_data_file(tmp_path: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(_build_wheel(tmp_path)).namelist())
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "auditkit").rglob("*")
               if p.is_file() and p.suffix in {".yaml", ".json", ".j2", ".gz", ".csv"}}
    assert shipped - names == set()
    assert "auditkit/examples_data/demo_audit.yaml" in names and "auditkit/examples_data/demo-scorecard.json" in names


def test_slim_install_has_no_torch_and_ships_the_demo_config(slim_venv: Path) -> None:
    py = str(slim_venv / "bin" / "python")
    assert subprocess.run([py, "-c", "import torch"], capture_output=True).returncode != 0
    code = "import importlib.resources as r; print(r.files('auditkit.examples_data').joinpath('demo_audit.yaml').is_file())"
    assert subprocess.run([py, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "True"


def test_slim_install_runs_help_and_the_gate_on_the_bundled_scorecard(slim_venv: Path) -> None:
    assert _run(slim_venv, "--help").returncode == 0
    assert _run(slim_venv, "demo", "--help").returncode == 0
    assert _run(slim_venv, "--version").stdout.startswith("auditkit ")
    gate = _run(slim_venv, "gate", "--demo")
    assert gate.returncode in (0, 1, 4), gate.stderr
    assert "Gate verdict:" in gate.stdout


def test_slim_install_gates_and_renders_the_bundled_scorecard_by_path(slim_venv: Path, tmp_path: Path) -> None:
    # What a CI gate job does with the installed package: a scorecard file by path, then the HTML from the
    # shipped templates, with no torch (a template or schema missing from the wheel fails here).
    py = str(slim_venv / "bin" / "python")
    where = "import importlib.resources as r; print(r.files('auditkit.examples_data') / 'demo-scorecard.json')"
    bundled = Path(subprocess.run([py, "-c", where], capture_output=True, text=True, check=True).stdout.strip())
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(bundled, run / "scorecard.json")
    gate = _run(slim_venv, "gate", str(run / "scorecard.json"))
    assert gate.returncode in (0, 1, 4), gate.stderr
    assert "Gate verdict:" in gate.stdout
    report = _run(slim_venv, "report", str(run))
    assert report.returncode == 0, report.stderr
    html = (run / "scorecard.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "</html>" in html


def test_slim_install_names_the_missing_extra_in_one_line(slim_venv: Path) -> None:
    demo = _run(slim_venv, "demo", "--workdir", str(slim_venv.parent / "demo"))
    assert demo.returncode == 2
    assert demo.stderr.splitlines() == [demo.stderr.strip()]
    assert demo.stderr.startswith("auditkit: error: 'auditkit demo' needs the [all] extra: pip install \"auditkit-rai[all]\"")
    assert not (slim_venv.parent / "demo").exists()


def test_readme_and_ci_examples_install_the_free_name() -> None:
    texts = [REPO / "README.md", *sorted((REPO / "examples" / "ci").glob("*.yml"))]
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pip install \"?auditkit(?![-\w])", text), path.name
    for path in texts[1:]:
        assert "pip install auditkit-rai" in path.read_text(encoding="utf-8"), path.name
    assert re.search(r'^name = "auditkit-rai"$', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M)
