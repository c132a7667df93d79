"""--model-dir binds a release to the audited weights by SHA-256."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditkit._io import sha256_file
from auditkit.exceptions import UserInputError
from auditkit.gate import identity_outcome, recorded_hashes
from tests.unit.gate._cards import make_scorecard


def _model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights-v1")
    (folder / "config.json").write_text('{"num_labels": 2}')
    (folder / "vocab.txt").write_text("[PAD]\n[UNK]\n")
    return folder


def _card_for(folder: Path) -> dict[str, Any]:
    card = make_scorecard()
    card["identity"]["model"] = {
        "name": "m",
        "weights": {"model.safetensors": sha256_file(folder / "model.safetensors")},
        "tokenizer": {"vocab.txt": sha256_file(folder / "vocab.txt")},
        "config": {"config.json": sha256_file(folder / "config.json")},
    }
    return card


def test_matching_model_folder_passes(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path)
    outcome = identity_outcome(_card_for(folder), folder)
    assert outcome.status == "pass"
    assert "3 file(s) match" in outcome.message


def test_changed_weights_fail(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path)
    card = _card_for(folder)
    (folder / "model.safetensors").write_bytes(b"weights-v2")
    outcome = identity_outcome(card, folder)
    assert outcome.status == "fail"
    assert outcome.blocks
    assert "model.safetensors" in outcome.message


def test_changed_config_fails(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path)
    card = _card_for(folder)
    (folder / "config.json").write_text('{"num_labels": 3}')
    assert identity_outcome(card, folder).status == "fail"


def test_extra_unrecorded_weight_file_fails(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path)
    card = _card_for(folder)
    (folder / "adapter_model.safetensors").write_bytes(b"extra")
    outcome = identity_outcome(card, folder)
    assert outcome.status == "fail"
    assert "unrecorded weight file" in outcome.message


def test_absent_recorded_file_fails(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path)
    card = _card_for(folder)
    (folder / "vocab.txt").unlink()
    assert identity_outcome(card, folder).status == "fail"


def test_scorecard_without_weight_hashes_is_inconclusive(tmp_path: Path) -> None:
    folder = _model_dir(tmp_path)
    card = make_scorecard()
    card["identity"]["model"]["weights"] = {}
    assert recorded_hashes(card).get("weights") is None
    assert identity_outcome(card, folder).status == "inconclusive"


def test_model_dir_that_is_not_a_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="is not a folder"):
        identity_outcome(make_scorecard(), tmp_path / "nope")
