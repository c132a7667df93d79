"""Membership inference: attack figures, calibration, intervals, and detection of a memorising model."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from auditkit.evaluate._membership import example_losses, membership_inference
from auditkit.exceptions import DataError


def test_identical_loss_distributions_give_auc_near_one_half() -> None:
    rng = np.random.default_rng(1)
    result = membership_inference(rng.exponential(size=400), rng.exponential(size=400), n_boot=200, seed=0)
    auc = result.attacks["loss"].auc
    assert abs(auc["value"] - 0.5) < 0.06
    assert auc["ci_low"] < 0.5 < auc["ci_high"]


def test_members_with_lower_losses_give_high_auc_and_tpr() -> None:
    rng = np.random.default_rng(2)
    result = membership_inference(rng.exponential(0.1, 300), rng.exponential(1.0, 300), n_boot=200, seed=0)
    assert result.auc["value"] > 0.85 and result.auc["ci_low"] > 0.8
    assert result.attacks["loss"].tpr_at_1pct_fpr["value"] > 0.05


def test_perfect_separation_gives_auc_one_and_reversed_gives_zero() -> None:
    assert membership_inference([0.1] * 10, [1.0] * 10, n_boot=0).auc["value"] == 1.0
    assert membership_inference([1.0] * 10, [0.1] * 10, n_boot=0).auc["value"] == 0.0


def test_calibrated_attack_removes_the_easy_class_signal() -> None:
    rng = np.random.default_rng(3)
    # class 0 is easy (low loss), class 1 is hard; members are mostly class 0, yet within a class
    # members and non-members have the same loss distribution: no real leakage.
    y_train = np.array([0] * 270 + [1] * 30)
    y_hold = np.array([0] * 30 + [1] * 270)
    def losses(y: np.ndarray) -> np.ndarray:
        return np.where(y == 0, rng.exponential(0.1, y.size), rng.exponential(1.0, y.size))
    result = membership_inference(
        losses(y_train), losses(y_hold), labels_train=y_train, labels_holdout=y_hold, n_boot=100, seed=0
    )
    assert result.attacks["loss"].auc["value"] > 0.75
    assert abs(result.attacks["calibrated"].auc["value"] - 0.5) < 0.1


def test_per_group_figures_and_small_group_is_undefined_with_reason() -> None:
    rng = np.random.default_rng(4)
    g_train = ["a"] * 50 + ["b"] * 3
    g_hold = ["a"] * 50 + ["b"] * 3
    result = membership_inference(
        rng.exponential(size=53), rng.exponential(size=53),
        groups_train={"gender": g_train}, groups_holdout={"gender": g_hold}, n_boot=50, seed=0,
    )
    assert result.per_group["gender"]["a"]["loss"].auc["value"] is not None
    small = result.per_group["gender"]["b"]["calibrated"].auc
    assert small["value"] is None and "at least 5" in small["reason"]


def test_same_seed_gives_same_intervals_and_another_seed_differs() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.exponential(size=100), rng.exponential(size=100)
    first = membership_inference(a, b, n_boot=100, seed=7).auc
    assert first == membership_inference(a, b, n_boot=100, seed=7).auc
    assert first != membership_inference(a, b, n_boot=100, seed=8).auc


def test_small_holdout_marks_tpr_at_one_percent_fpr_with_reason() -> None:
    result = membership_inference([0.1] * 20, [0.2] * 20, n_boot=0)
    assert "at least 100" in result.attacks["loss"].tpr_at_1pct_fpr["reason"]


def test_result_serialises_to_plain_json() -> None:
    import json

    result = membership_inference([0.1] * 20, [0.2] * 20, n_boot=10, seed=0)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data["attacks"]) == {"loss", "calibrated"}
    assert "0.5" in data["explanation"]


@pytest.mark.parametrize(
    ("train", "hold", "kwargs", "match"),
    [
        ([0.1, float("nan")], [0.2], {}, "train_losses has 1 non-finite"),
        ([0.1], [0.2], {"labels_train": [0, 1]}, "labels have 2 train"),
        ([0.1], [0.2], {"groups_train": {"g": ["x", "y"]}, "groups_holdout": {"g": ["x"]}}, r"groups_train\['g'\] has 2"),
        ([0.1], [0.2], {"groups_train": {"g": ["x"]}, "groups_holdout": {"g": [None]}}, "1 missing value"),
    ],
)
def test_bad_inputs_raise_data_error(train: list[float], hold: list[float], kwargs: dict, match: str) -> None:
    with pytest.raises(DataError, match=match):
        membership_inference(train, hold, n_boot=0, **kwargs)


def _random_examples(n: int, seed: int) -> tuple[list[str], list[int]]:
    from tests._tiny import TINY_WORDS

    words = [w for w in TINY_WORDS if w.isalpha()]
    rnd = random.Random(seed)
    texts = [" ".join(rnd.choice(words) for _ in range(8)) for _ in range(n)]
    return texts, [rnd.randrange(2) for _ in range(n)]


def _train(model_dir: Path, out: Path, texts: list[str], labels: list[int], *, steps: int, lr: float) -> Path:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True)
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    target = torch.tensor(labels)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(**enc).logits, target).backward()
        optimizer.step()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def test_model_trained_to_memorise_shows_clearly_higher_auc_than_undertrained(tiny_model_dir: Path, tmp_path: Path) -> None:
    texts, labels = _random_examples(128, seed=0)  # random labels: only memorisation can fit them
    train_t, train_y, hold_t, hold_y = texts[:64], labels[:64], texts[64:], labels[64:]
    figures = {}
    for name, steps, lr in (("overfit", 400, 3e-3), ("under", 2, 1e-5)):
        model = _train(tiny_model_dir, tmp_path / name, train_t, train_y, steps=steps, lr=lr)
        result = membership_inference(
            example_losses(model, train_t, train_y, batch_size=16),
            example_losses(model, hold_t, hold_y, batch_size=16),
            labels_train=train_y, labels_holdout=hold_y, n_boot=200, seed=0,
        )
        figures[name] = result.auc
    assert figures["overfit"]["value"] > 0.7  # random held-out labels cap it near 0.75-0.85
    assert figures["overfit"]["ci_low"] > 0.55
    assert figures["overfit"]["value"] - figures["under"]["value"] > 0.15
    assert figures["under"]["ci_low"] < 0.5 < figures["under"]["ci_high"]


def test_example_losses_refuses_label_count_mismatch(tiny_model_dir: Path) -> None:
    with pytest.raises(DataError, match="2 texts and 1 labels"):
        example_losses(tiny_model_dir, ["a", "b"], [0])
