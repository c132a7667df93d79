"""Writing the corpus: byte-identical per seed, files parse back to the same data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from auditkit.cli._cmd_make_example_data import register
from auditkit.examples_data import generate_corpus, write_corpus


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", n=150, seed=8)
    write_corpus(tmp_path / "b", n=150, seed=8)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_other_seed_writes_different_files(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", n=150, seed=8)
    write_corpus(tmp_path / "b", n=150, seed=9)
    first, second = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    assert all(first[name] != second[name] for name in first)


def test_written_files_are_the_three_promised(tmp_path: Path) -> None:
    files = write_corpus(tmp_path, n=40, seed=1)
    assert [p.name for p in files.paths()] == ["clinical_notes.csv", "pii_spans.jsonl", "bias.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bias.json", "clinical_notes.csv", "pii_spans.jsonl"]


def test_csv_uses_unix_line_endings_and_parses_back(tmp_path: Path) -> None:
    files = write_corpus(tmp_path, n=60, seed=2)
    raw = files.notes_csv.read_bytes()
    assert b"\r" not in raw
    with open(files.notes_csv, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    corpus = generate_corpus(60, seed=2)
    assert [r["text"] for r in rows] == [n.text for n in corpus.notes]
    assert list(rows[0]) == ["id", "text", "label", "gender", "age_band", "split"]


def test_spans_file_matches_the_written_texts(tmp_path: Path) -> None:
    files = write_corpus(tmp_path, n=80, seed=3)
    with open(files.notes_csv, newline="", encoding="utf-8") as handle:
        texts = {r["id"]: r["text"] for r in csv.DictReader(handle)}
    lines = files.pii_spans.read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        span = json.loads(line)
        assert set(span) == {"id", "column", "start", "end", "entity", "value"}
        assert span["column"] == "text"
        assert texts[span["id"]][span["start"]:span["end"]] == span["value"]


def test_bias_file_records_the_plant(tmp_path: Path) -> None:
    files = write_corpus(tmp_path, n=300, seed=4)
    bias = json.loads(files.bias.read_text(encoding="utf-8"))
    assert bias["attribute"] == "gender" and bias["disadvantaged_group"] == "female"
    assert bias["biased_splits"] == ["train", "validation"]
    assert 0.0 < bias["flip_rate"] < 1.0
    assert {"she", "he", "woman", "man"} <= set(bias["gendered_terms"])
    assert bias["train_label_rate_by_group"]["female"] < bias["train_label_rate_by_group"]["male"]


def test_rewriting_replaces_files_in_place(tmp_path: Path) -> None:
    write_corpus(tmp_path, n=30, seed=1)
    write_corpus(tmp_path, n=20, seed=1)
    rows = (tmp_path / "clinical_notes.csv").read_text(encoding="utf-8")
    assert rows.count("\nnote-") == 20
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    register(application)

    @application.command()
    def version() -> None:  # a second command so typer keeps sub-command names
        """Print nothing."""

    return application


def test_cli_writes_files_and_prints_their_paths(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["make-example-data", str(tmp_path / "out"), "--n", "25", "--seed", "6"])
    assert result.exit_code == 0, result.output
    printed = result.output.split()
    assert printed == [str(tmp_path / "out" / name) for name in ("clinical_notes.csv", "pii_spans.jsonl", "bias.json")]
    assert (tmp_path / "out" / "clinical_notes.csv").read_text(encoding="utf-8").count("\nnote-") == 25


def test_cli_refuses_zero_notes(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["make-example-data", str(tmp_path), "--n", "0"])
    assert result.exit_code == 2
    assert not list(tmp_path.iterdir())


def test_files_are_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    import hashlib
    import os
    import subprocess
    import sys

    script = ("import sys; from auditkit.examples_data import write_corpus; "
              "write_corpus(sys.argv[1], n=120, seed=17)")
    root = Path(__file__).resolve().parents[3]
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, timeout=120)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()})
    assert digests[0] == digests[1]
    assert len(digests[0]) == 3


def test_written_csv_loads_as_an_audit_dataset_with_the_example_config(tmp_path: Path) -> None:
    from auditkit.config import DataConfig
    from auditkit.data import load_dataset

    files = write_corpus(tmp_path, n=200, seed=5)
    cfg = DataConfig(path=str(files.notes_csv), text_column="text", label_column="label",
                     labels=["routine", "urgent"], positive_label="urgent", sensitive=["gender", "age_band"],
                     id_column="id", split_column="split")
    dataset = load_dataset(cfg, seed=13)
    assert dataset.labels == ("routine", "urgent")
    assert dataset.sensitive == ("gender", "age_band")
    assert [len(dataset.split(s).frame) for s in ("train", "validation", "test")] == [140, 20, 40]
