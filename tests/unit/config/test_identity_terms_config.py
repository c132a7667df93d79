"""``fairness.identity_terms``: 'builtin', a lexicon file (resolved against the config's folder) or {term: [forms]}."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit.config import load_config, parse_config
from auditkit.exceptions import ConfigError
from auditkit.pipeline._preflight import preflight


def _write(tmp_path: Path, terms: str) -> Path:
    path = tmp_path / "audit.yaml"
    path.write_text(f"data: {{path: d.csv}}\nfairness: {{identity_terms: {terms}}}\n", encoding="utf-8")
    return path


def test_builtin_stays_a_name(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, "builtin")).fairness.identity_terms == "builtin"


def test_a_relative_lexicon_file_resolves_against_the_config_folder(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "lexicons/terms.yaml"))
    assert config.fairness.identity_terms == str(tmp_path.resolve() / "lexicons" / "terms.yaml")


def test_an_inline_mapping_is_still_accepted_and_the_swap_test_is_bounded_by_default() -> None:
    config = parse_config({"data": {"path": "d.csv"}, "fairness": {"identity_terms": {"gay": ["gay", "gays"]}}})
    assert config.fairness.identity_terms == {"gay": ["gay", "gays"]}
    assert config.fairness.term_swap_max_texts == 500


def test_a_missing_lexicon_file_fails_before_any_stage(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "nope.yaml"))
    with pytest.raises(ConfigError, match="fairness.identity_terms: lexicon file 'nope.yaml' not found; use 'builtin'"):
        preflight(config, stages=("fairness",), data=False)
