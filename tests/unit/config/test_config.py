"""Config validation: unknown keys, wrong types and impossible values name the key path (V6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.config import load_config, parse_config
from auditkit.exceptions import ConfigError

BASE = {"data": {"path": "notes.csv"}}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_gets_sensible_defaults() -> None:
    cfg = parse_config(BASE)
    assert cfg.training.group_by_length is True
    assert cfg.scrub.operator == "replace"
    assert cfg.training.report_to == []


def test_typo_in_nested_key_names_the_path_and_suggests_the_right_key() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**BASE, "scrub": {"score_treshold": 0.5}})
    assert str(err.value) == "config: unknown key 'scrub.score_treshold'; did you mean 'score_threshold'?"


def test_unknown_top_level_section_lists_valid_keys_when_nothing_is_close() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'zzz'; valid keys here: name, seed"):
        parse_config({**BASE, "zzz": 1})


def test_wrong_type_names_the_key_path() -> None:
    with pytest.raises(ConfigError, match=r"invalid value at 'training.batch_size'"):
        parse_config({**BASE, "training": {"batch_size": "many"}})


@pytest.mark.parametrize(
    ("section", "value", "path"),
    [
        ("fairness", {"epsilon": 2.0}, "fairness.epsilon"),
        ("scrub", {"score_threshold": -0.1}, "scrub.score_threshold"),
        ("training", {"learning_rate": 0}, "training.learning_rate"),
        ("training", {"mixed_precision": "fp8"}, "training.mixed_precision"),
    ],
)
def test_impossible_values_are_refused_with_their_key_path(section: str, value: dict, path: str) -> None:
    with pytest.raises(ConfigError, match=f"'{path}'"):
        parse_config({**BASE, section: value})


def test_data_needs_exactly_one_source() -> None:
    with pytest.raises(ConfigError, match="data.path"):
        parse_config({"data": {}})


def test_positive_label_must_be_a_declared_label() -> None:
    with pytest.raises(ConfigError, match="positive_label"):
        parse_config({"data": {"path": "x.csv", "labels": ["a", "b"], "positive_label": "c"}})


def test_missing_data_section_is_reported() -> None:
    with pytest.raises(ConfigError, match="missing required key 'data'"):
        parse_config({})


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "data:\n  path: [unclosed\n")
    with pytest.raises(ConfigError, match=r"not valid YAML at line \d"):
        load_config(path)


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, "data:\n  path: data/notes.csv\n"))
    assert cfg.data.path == tmp_path.resolve() / "data" / "notes.csv"
    assert cfg.output_dir == tmp_path.resolve() / "runs"


def test_a_config_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigError, match="expected a mapping"):
        parse_config(["data"])


@pytest.mark.parametrize("logger", ["wandb", "comet_ml", "mlflow", "all"])
def test_network_trainer_loggers_are_refused(logger: str) -> None:
    with pytest.raises(ConfigError, match=r"invalid value at 'training.report_to.0'"):
        parse_config({**BASE, "training": {"report_to": [logger]}})


def test_local_trainer_logger_is_allowed() -> None:
    assert parse_config({**BASE, "training": {"report_to": ["tensorboard"]}}).training.report_to == ["tensorboard"]
