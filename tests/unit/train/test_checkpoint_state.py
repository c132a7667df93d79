"""Pickle-free trainer state: exact round trip of nested states, refusal of unknown types."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch

from auditkit.train._checkpoint_state import has_state, load_state, save_state


def test_nested_state_round_trips_exactly(tmp_path: Path) -> None:
    state = {
        "state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.randn(2, 3)}, 1: {}},
        "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1], "fused": None}],
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "cpu": torch.random.get_rng_state(),
    }
    save_state(tmp_path, "s", state)
    back = load_state(tmp_path, "s")
    assert has_state(tmp_path, "s")
    assert back["param_groups"] == state["param_groups"] and back["python"] == state["python"]
    assert set(back["state"]) == {0, 1} and torch.equal(back["state"][0]["exp_avg"], state["state"][0]["exp_avg"])
    assert back["numpy"][1].dtype == np.uint32 and np.array_equal(back["numpy"][1], state["numpy"][1])
    assert back["numpy"][0] == "MT19937" and back["numpy"][2:] == state["numpy"][2:]
    assert torch.equal(back["cpu"], state["cpu"])


def test_state_without_tensors_writes_json_only(tmp_path: Path) -> None:
    save_state(tmp_path, "sched", {"last_epoch": 2, "_last_lr": [0.1], "lr_lambdas": [None]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sched.json"]
    assert load_state(tmp_path, "sched")["lr_lambdas"] == [None]


def test_unknown_type_is_refused_instead_of_pickled(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="without pickle"):
        save_state(tmp_path, "bad", {"fn": lambda x: x})


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown format"):
        load_state(tmp_path, "x")
