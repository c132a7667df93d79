"""FairnessLoss plugs into the fine-tuning core (FairTrainer) and reweighing weights are accepted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.config import parse_config
from auditkit.data import AuditDataset
from auditkit.train._fairness_loss import FairnessLoss
from auditkit.train._reweighing import reweighing_weights


def _data(n: int = 24) -> AuditDataset:
    gender = np.array(["female", "male"] * (n // 2))
    frame = pd.DataFrame({
        "id": [f"r{i}" for i in range(n)],
        "text": ["she reports chest pain" if g == "female" else "he reports chest pain" for g in gender],
        "label": ["urgent" if i % 3 else "routine" for i in range(n)],
        "split": ["train"] * (n - 8) + ["validation"] * 8,
        "gender": gender,
    })
    return AuditDataset(frame, ("routine", "urgent"), ("gender",), "urgent")


def _config(model: Path):
    return parse_config({
        "data": {"path": "x.csv", "sensitive": ["gender"]},
        "model": {"path": str(model), "max_length": 16},
        "training": {"max_steps": 3, "batch_size": 8, "early_stopping_patience": None, "save_checkpoints": False,
                     "device": "cpu"},
    })


def test_fine_tune_calls_the_fairness_loss_and_takes_dual_steps(tiny_model_dir, tmp_path, no_network):
    from auditkit.train import fine_tune

    data = _data()
    loss = FairnessLoss("demographic_parity", n_groups=2, mode="lagrangian", weight=0.0, epsilon=0.0, dual_lr=1.0)
    fine_tune(_config(tiny_model_dir), data.split("train"), data.split("validation"), tmp_path / "m",
              checkpoint_dir=tmp_path / "ckpt", fairness_loss=loss, group_attr="gender", progress=False)
    assert loss.multiplier.item() > 0.0  # three dual steps on a positive gap
    assert (tmp_path / "m" / "model.safetensors").is_file()


def test_fine_tune_accepts_reweighing_weights(tiny_model_dir, tmp_path):
    from auditkit.train import fine_tune

    data = _data()
    train = data.split("train")
    weights = reweighing_weights(train.label_ids, train.groups("gender"))
    artifact = fine_tune(_config(tiny_model_dir), train, data.split("validation"), tmp_path / "m",
                         checkpoint_dir=tmp_path / "ckpt", sample_weights=weights, progress=False)
    assert artifact is not None and weights.shape == (len(train),)
    assert weights.mean() == pytest.approx(1.0)
