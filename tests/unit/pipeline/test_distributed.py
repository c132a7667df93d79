"""The torchrun helpers: no-ops for one process, the global batch split, left padding, and checks before launching."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditkit import _distributed as dist
from auditkit.exceptions import ConfigError


def test_outside_torchrun_the_helpers_are_one_process_no_ops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    assert (dist.world_size(), dist.rank(), dist.is_main()) == (1, 0, True)
    assert dist.init_from_env() is False
    value = {"a": 1}
    assert dist.broadcast(value) is value and dist.gather(value) == [value]
    dist.barrier()


def test_rank_and_world_come_from_torchrun_before_the_group_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "3")
    assert (dist.world_size(), dist.rank(), dist.is_main()) == (4, 3, False)


def test_the_global_batch_is_shared_evenly_or_refused_with_the_fix() -> None:
    from auditkit.train import per_device_batch

    assert per_device_batch(16, 2) == 8 and per_device_batch(16, 1) == 16
    with pytest.raises(ConfigError) as err:
        per_device_batch(10, 4)
    assert str(err.value) == ("training.batch_size 10 does not split evenly over 4 processes; use a multiple of 4 "
                              "(it is the global batch, shared by the processes)")


def test_launch_refuses_zero_processes() -> None:
    with pytest.raises(ConfigError, match="--nproc must be at least 1; got 0"):
        dist.launch(0, ["run", "audit.yaml"])


def test_the_collator_pads_on_the_tokenizers_side() -> None:
    from auditkit.train._data import PadCollator

    batch = [{"input_ids": [5, 6, 7], "attention_mask": [1, 1, 1], "labels": 1},
             {"input_ids": [8], "attention_mask": [1], "labels": 0}]
    left = PadCollator(pad_token_id=0, padding_side="left")(batch)
    right = PadCollator(pad_token_id=0)(batch)
    assert left["input_ids"].tolist() == [[5, 6, 7], [0, 0, 8]] and left["attention_mask"].tolist()[1] == [0, 0, 1]
    assert right["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]


def test_run_with_nproc_checks_the_config_before_starting_any_process(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from auditkit.cli._app import main

    assert main(["run", "--nproc", "2", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"auditkit: error: config file not found: {tmp_path / 'missing.yaml'}; pass the path to an audit YAML file"]
