"""User mistakes on the command line exit 2 with one 'auditkit: error:' line on stderr, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.cli._app import main


def _fails_cleanly(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("auditkit: error:"), err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


def _config(tmp_path: Path, corpus: Path, *, output_dir: Path | str, policy: str | None = None) -> Path:
    text = (
        f"name: bad\noutput_dir: {output_dir}\n"
        f"data: {{path: {corpus}, labels: [routine, urgent], positive_label: urgent, sensitive: [gender],"
        " id_column: id, split_column: split}\n"
        "scrub: {enabled: false}\n"
    )
    if policy:
        text += f"policy: {policy}\n"
    path = tmp_path / "audit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_run_output_dir_that_is_a_file(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    line = _fails_cleanly(capsys, ["run", str(_config(tmp_path, example_corpus, output_dir=blocker)), "--no-progress"])
    assert "run folder" in line


def test_run_unknown_only_stage(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, example_corpus, output_dir=tmp_path / "runs")
    line = _fails_cleanly(capsys, ["run", str(config), "--only", "bogus", "--no-progress"])
    assert "--only" in line and "prepare" in line
    assert not (tmp_path / "runs").exists()


def test_validate_unknown_policy(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, example_corpus, output_dir=tmp_path / "runs", policy="nosuchpreset")
    assert "policy not found" in _fails_cleanly(capsys, ["validate", str(config)])


def test_validate_header_only_data(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = tmp_path / "header.csv"
    header.write_text(example_corpus.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    config = _config(tmp_path, header, output_dir=tmp_path / "runs")
    assert "no rows" in _fails_cleanly(capsys, ["validate", str(config)])


def test_validate_good_config_still_passes(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_config(tmp_path, example_corpus, output_dir=tmp_path / "runs"))]) == 0


def test_make_example_data_into_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    _fails_cleanly(capsys, ["make-example-data", str(blocker), "--n", "3"])


def test_demo_workdir_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    _fails_cleanly(capsys, ["demo", "--workdir", str(blocker), "--n", "3"])


def test_scrub_output_is_a_folder(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    line = _fails_cleanly(capsys, ["scrub", str(example_corpus), "-o", str(folder), "--text-column", "text", "--no-progress"])
    assert "--output" in line


def test_scrub_quarantine_is_a_folder(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["scrub", str(example_corpus), "-o", str(tmp_path / "o.jsonl"), "--text-column", "text",
            "--quarantine", str(tmp_path), "--no-progress"]
    assert "--quarantine" in _fails_cleanly(capsys, argv)


def test_report_out_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert "--out-dir" in _fails_cleanly(capsys, ["report", str(tmp_path), "--out-dir", str(blocker)])


def test_audit_output_dir_that_is_a_file(tmp_path: Path, example_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    argv = ["audit", "--model", str(tmp_path), "--data", str(example_corpus), "--sensitive", "gender", "-o", str(blocker)]
    assert "--output-dir" in _fails_cleanly(capsys, argv)


def _canaries(tmp_path: Path) -> Path:
    path = tmp_path / "canaries.json"
    entry = {"kind": "email", "index": 0, "value": "zzqq-canary@example.invalid", "split": "train", "row": 0}
    path.write_text(json.dumps({"format": "auditkit-canaries/1", "seed": 1, "canaries": [entry]}), encoding="utf-8")
    return path


def test_sweep_canaries_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    assert "--canaries" in _fails_cleanly(capsys, ["sweep", str(run_dir), "--canaries", str(tmp_path)])


def test_sweep_json_unwritable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    target = tmp_path / "missing" / "deeper" / "x.json"
    (tmp_path / "missing").write_text("a file, not a folder")
    argv = ["sweep", str(run_dir), "--canaries", str(_canaries(tmp_path)), "--json", str(target)]
    assert "--json" in _fails_cleanly(capsys, argv)


def test_validate_label_outside_declared_labels(tmp_path: Path, example_corpus: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    rows = list(csv.reader(example_corpus.open(encoding="utf-8", newline="")))
    column = rows[0].index("label")
    rows[1][column] = "SECRETLABEL"
    data = tmp_path / "bad_label.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    line = _fails_cleanly(capsys, ["validate", str(_config(tmp_path, data, output_dir=tmp_path / "runs"))])
    assert "outside the declared labels" in line and "SECRETLABEL" not in line


def test_validate_accepts_the_tiny_config(tiny_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_config().model_dump(mode="json")), encoding="utf-8")
    assert main(["validate", str(path)]) == 0


def test_gate_stage_that_cannot_run_makes_run_inconclusive_not_a_pass(tiny_config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import yaml

    from auditkit.cli._app import main

    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump(tiny_config().model_dump(mode="json")), encoding="utf-8")
    assert main(["run", str(config), "--only", "gate", "--no-progress"]) == 4
    assert "gate did not run" in capsys.readouterr().err


def test_a_later_stage_without_prepared_data_is_a_user_error(tiny_config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import yaml

    from auditkit.cli._app import main

    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump(tiny_config().model_dump(mode="json")), encoding="utf-8")
    assert main(["run", str(config), "--only", "evaluate", "--no-progress"]) == 2
    assert "prepared data is missing" in capsys.readouterr().err


def test_train_refuses_a_tampered_checkpoint_with_exit_2_naming_the_file(tiny_config, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """F2: a checkpoint whose files no longer match its manifest is refused (exit 2, one line), never resumed."""
    import yaml

    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump(tiny_config(training={"epochs": 1}).model_dump(mode="json")), encoding="utf-8")
    assert main(["train", str(config), "--no-progress"]) == 0
    newest = sorted((tmp_path / "runs" / "tiny" / "checkpoints").glob("checkpoint-*"))[-1]
    optimizer = newest / "optimizer.safetensors"
    data = bytearray(optimizer.read_bytes())
    data[-1] ^= 0x01
    optimizer.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["train", str(config), "--force", "--no-progress"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("auditkit: error:")]
    assert len(errors) == 1 and f"{newest.name!r}" in errors[0] and "hash mismatch: optimizer.safetensors" in errors[0]
