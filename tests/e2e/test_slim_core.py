"""The slim core: gate, report, attest, keygen, sweep and every --help run with no heavy package importable;
a command that needs an extra fails in one line naming it (exit 2) before doing any work.

Absence is simulated in a subprocess by a ``sys.meta_path`` finder that refuses the heavy
packages (numpy and pandas included: the core needs neither).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditkit._extras import EXTRAS, missing_error, require
from auditkit.exceptions import MissingExtraError
from auditkit.gate._cli import demo_scorecard

HEAVY = sorted({m for mods in EXTRAS.values() for m in mods} | {"scipy", "huggingface_hub", "peft", "codecarbon"})
_BLOCKED_CLI = f"""
import sys
class _Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {HEAVY!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
sys.meta_path.insert(0, _Absent())
from auditkit.cli._app import main
code = main(sys.argv[1:])
print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}), file=sys.stderr)
sys.exit(code)
"""


def _slim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _BLOCKED_CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def _errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if not line.startswith("LOADED")]


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    (run / "scorecard.json").write_bytes(demo_scorecard().read_bytes())
    return run


def test_gate_report_keygen_attest_and_help_need_no_heavy_package(run_dir: Path, tmp_path: Path) -> None:
    steps = [
        ["--help"], ["run", "--help"], ["audit", "--help"], ["scrub", "--help"],
        ["keygen", str(tmp_path / "k")], ["attest", str(run_dir), "--key", str(tmp_path / "k.key")],
        ["report", str(run_dir)], ["make-example-data", str(tmp_path / "data"), "--n", "20"],
    ]
    for args in steps:
        done = _slim(*args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stderr[-800:])
        assert "LOADED []" in done.stderr, (args, done.stderr[-800:])
    gate = _slim("gate", str(run_dir / "scorecard.json"), "--verify-key", str(tmp_path / "k.pub"), cwd=tmp_path)
    assert gate.returncode in (0, 1, 4) and "Gate verdict:" in gate.stdout, gate.stderr[-800:]
    assert (run_dir / "scorecard.html").is_file()


@pytest.mark.parametrize(("args", "extra"), [
    (["run", "CONFIG"], "all"),
    (["demo", "--workdir", "demo"], "all"),
    (["scrub", "in.csv", "-o", "out.csv", "--text-column", "text"], "scrub"),
    (["audit", "--model", "m", "--data", "d.csv", "--sensitive", "g", "--no-scrub", "--no-explain"], "train"),
])
def test_a_command_needing_an_extra_names_it_in_one_line(args: list[str], extra: str, tmp_path: Path) -> None:
    config = Path(__file__).resolve().parents[2] / "auditkit" / "examples_data" / "demo_audit.yaml"
    done = _slim(*[str(config) if a == "CONFIG" else a for a in args], cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    (line,) = _errors(done)
    assert line.startswith(f"auditkit: error: 'auditkit {args[0]}' needs the [{extra}] extra")
    assert f'pip install "auditkit-rai[{extra}]"' in line
    assert list(tmp_path.iterdir()) == []


def test_require_names_one_extra_several_or_all(monkeypatch: pytest.MonkeyPatch) -> None:
    for extra in EXTRAS:
        monkeypatch.setitem(EXTRAS, extra, (f"no_such_module_{extra}",))
    with pytest.raises(MissingExtraError) as one:
        require("'auditkit scrub'", ["scrub"])
    assert str(one.value) == ("'auditkit scrub' needs the [scrub] extra: pip install \"auditkit-rai[scrub]\" "
                              "(not installed: no_such_module_scrub)")
    with pytest.raises(MissingExtraError, match=r"needs the \[train,scrub\] extras: pip install \"auditkit-rai\[train,scrub\]\""):
        require("x", ["train", "scrub"])
    with pytest.raises(MissingExtraError, match=r"needs the \[all\] extra"):
        require("x", ["train", "scrub", "explain"])


def test_a_long_module_list_is_shortened() -> None:
    error = missing_error("'auditkit train'", "train", ["torch", "spacy", "numpy", "pandas", "pyarrow"])
    assert str(error).endswith("(not installed: torch, spacy, numpy and 2 more)")
    assert isinstance(error, ImportError) and error.exit_code == 2


def test_require_passes_when_the_extra_is_installed() -> None:
    pytest.importorskip("torch")
    require("x", ["train"])


def test_the_facade_names_the_extra_of_a_missing_package(tmp_path: Path) -> None:
    code = ("import sys\nclass A:\n    def find_spec(self, n, p=None, t=None):\n"
            "        if n.split('.')[0] == 'torch': raise ModuleNotFoundError(n, name=n)\n"
            "sys.meta_path.insert(0, A())\nimport auditkit\ntry:\n    auditkit.FairnessLoss\n"
            "except ImportError as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("MissingExtraError auditkit.FairnessLoss needs the [train] extra")


_IMPORT_NAME = {"scikit-learn": "sklearn", "pyyaml": "yaml"}


def _extra_dists(extras: dict[str, list[str]], name: str) -> set[str]:
    import re

    dists: set[str] = set()
    for req in extras[name]:
        dist, _, inner = re.match(r"([A-Za-z0-9_.-]+)(\[([^\]]*)\])?", req).groups()  # type: ignore[union-attr]
        if dist == "auditkit-rai":
            for sub in (inner or "").split(","):
                dists |= _extra_dists(extras, sub.strip())
        else:
            dists.add(dist.lower())
    return dists


def test_the_extras_checks_match_pyproject_and_the_core_is_slim() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    for name, modules in EXTRAS.items():
        provided = {_IMPORT_NAME.get(d, d.replace("-", "_")) for d in _extra_dists(extras, name)}
        assert set(modules) <= provided, name
    assert _extra_dists(extras, "all") >= _extra_dists(extras, "train") | _extra_dists(extras, "scrub")
    core = {_IMPORT_NAME.get(d, d.replace("-", "_")) for d in _extra_dists({"core": project["dependencies"]}, "core")}
    assert core == {"pydantic", "yaml", "jinja2", "jsonschema", "cryptography", "typer"}
