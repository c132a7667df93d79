"""Under torchrun (2 CPU processes, gloo) FairnessLoss computes the global penalty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from auditkit.train._fairness_loss import FairnessLoss
from tests.integration._fairness_dist_worker import full_batches, run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rank_results(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    if not torch.distributed.is_available():
        pytest.skip("torch.distributed is not available in this build")
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(ROOT / "tests/integration/_fairness_dist_worker.py"), str(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]


@pytest.mark.parametrize("key", ["equal_opportunity/penalty", "equalized_odds/lagrangian", "demographic_parity/penalty",
                                 "equal_opportunity/lagrangian"])
def test_two_process_penalty_equals_single_process_penalty(rank_results, key):
    single = run(*key.split("/"), rank=0, world=1)
    for result in rank_results:
        assert result[key]["values"] == pytest.approx(single["values"], abs=1e-6)
        assert result[key]["multipliers"] == pytest.approx(single["multipliers"], abs=1e-6)
    assert max(single["values"]) > 0  # the comparison is not trivially 0 == 0


@pytest.mark.parametrize("key", ["equal_opportunity/penalty", "equalized_odds/penalty"])
def test_two_process_gradients_match_single_process_after_ddp_averaging(rank_results, key):
    single = run(*key.split("/"), rank=0, world=1)
    per_step = 24
    combined = []
    for step in range(3):
        for result in rank_results:
            combined.extend(result[key]["grads"][step * per_step : (step + 1) * per_step])
    assert combined == pytest.approx(single["grads"], abs=1e-6)


def test_control_a_rank_alone_sees_a_different_penalty_than_the_global_one():
    single = run("equal_opportunity", "penalty", rank=0, world=1)
    lg, lb, gr = full_batches()[0]
    local = FairnessLoss("equal_opportunity", n_groups=3, weight=0.5, momentum=0.5)
    local_value = float(local(lg[:12], lb[:12], gr[:12]))
    assert abs(local_value - single["values"][0]) > 1e-4
