"""`auditkit validate` makes every check `auditkit run` makes before its first stage, with the same message (V3, V6)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from auditkit.cli._app import main

SECRET = "Zebulon-Quixtable"  # a value of the over-large column that must reach no file


def _config(tmp_path: Path, corpus: Path, model: Path, *, data: str = "", model_path: Path | None = None,
            fairness: str = "") -> Path:
    text = (
        f"name: case\noutput_dir: {tmp_path / 'runs'}\n"
        f"data: {{path: {corpus}, labels: [routine, urgent], positive_label: urgent, sensitive: [gender],"
        f" id_column: id, split_column: split{data}}}\n"
        f"model: {{path: {model_path or model}, max_length: 32}}\n"
        "training: {epochs: 1, batch_size: 32, early_stopping_patience: null, device: cpu}\n"
        f"fairness: {{mitigation: none, bootstrap: 10{fairness}}}\n"
        "scrub: {enabled: false}\nexplain: {enabled: false}\nprivacy: {enabled: false}\ncompute: {energy: false}\n"
    )
    path = tmp_path / "audit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """The single error line of a command that exits 2 (``run`` also prints its stage progress lines)."""
    code = main(argv)
    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("auditkit: error:")]
    assert code == 2, lines
    assert len(errors) == 1 and "Traceback" not in "".join(lines), lines
    if argv[0] == "validate":
        assert lines == errors
    return errors[0]


def _many_groups(tmp_path: Path, corpus: Path, n: int = 300) -> Path:
    frame = pd.read_csv(corpus, dtype=str, keep_default_na=False)
    frame = pd.concat([frame] * (n // len(frame) + 1), ignore_index=True).iloc[:n]
    frame["id"] = [f"row-{i}" for i in range(n)]
    frame["gender"] = [f"{SECRET}-{i:03d}" for i in range(n)]
    path = tmp_path / "many.csv"
    frame.to_csv(path, index=False)
    return path


CASES = {
    "data file missing": ({"corpus": "absent.csv"}, "data file not found"),
    "text column missing": ({"data": ", text_column: body"}, "column 'body' not found (config key data.text_column)"),
    "label column missing": ({"data": ", label_column: outcome"}, "column 'outcome' not found (config key data.label_column)"),
    "sensitive column missing": ({"data": ", sensitive: [race]"}, "column 'race' not found (config key data.sensitive)"),
    "model folder missing": ({"model_path": "no-model"}, "model folder not found"),
    "too many groups": ({"corpus": "many"}, "sensitive column 'gender' has 300 distinct values, more than max_groups=50"),
    "positive label not a label": ({"data": ", labels: null, positive_label: emergency"},
                                   "data.positive_label is not one of the 2 label values in column 'label'"),
    "fairness attribute not sensitive": ({"fairness": ", sensitive: race"}, "fairness.sensitive 'race' is not one of data.sensitive"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_validate_exits_2_with_the_message_run_gives(
    case: str, tmp_path: Path, example_corpus: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options, expected = CASES[case]
    corpus = {None: example_corpus, "many": None, "absent.csv": tmp_path / "absent.csv"}[options.get("corpus")]
    corpus = corpus or _many_groups(tmp_path, example_corpus)
    model_path = tmp_path / "no-model" if options.get("model_path") else None
    config = _config(tmp_path, corpus, tiny_model_dir, data=options.get("data", ""), model_path=model_path,
                     fairness=options.get("fairness", ""))
    from_validate = _one_line_exit_2(capsys, ["validate", str(config)])
    from_run = _one_line_exit_2(capsys, ["run", str(config), "--no-progress"])
    assert expected in from_validate
    assert from_validate == from_run


def test_validate_accepts_the_same_config_with_the_problem_fixed(
    tmp_path: Path, example_corpus: Path, tiny_model_dir: Path
) -> None:
    assert main(["validate", str(_config(tmp_path, example_corpus, tiny_model_dir))]) == 0


def test_an_over_large_sensitive_column_is_refused_before_any_of_its_values_is_written(
    tmp_path: Path, example_corpus: Path, tiny_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, _many_groups(tmp_path, example_corpus), tiny_model_dir)
    line = _one_line_exit_2(capsys, ["run", str(config), "--no-progress"])
    assert "has 300 distinct values" in line and SECRET not in line
    run_dir = tmp_path / "runs" / "case"
    written = [p for p in run_dir.rglob("*") if p.is_file()]
    assert not [p for p in written if SECRET.encode() in p.read_bytes()]
    assert not (run_dir / "data" / "test.jsonl").exists() and not (run_dir / "predictions.parquet").exists()
