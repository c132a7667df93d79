"""Fine-tuning core on the tiny BERT: determinism (F3), resume after a kill (F2), no network (L7)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from transformers import TrainerCallback

from auditkit.data import load_dataset
from auditkit.evaluate import predict
from auditkit.train import FairnessLoss, fine_tune, group_index, latest_checkpoint


class Killed(RuntimeError):
    """Stands in for the process being killed right after a checkpoint is saved."""


class KillAfterFirstSave(TrainerCallback):
    def on_save(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed("simulated kill")


def weights(model_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(str(model_dir / "model.safetensors"))


def train(cfg, out: Path, **kw):  # type: ignore[no-untyped-def]
    ds = load_dataset(cfg.data, seed=cfg.seed)
    return ds, fine_tune(cfg, ds.split("train"), ds.split("validation"), out, progress=False, **kw)


@pytest.mark.parametrize("precision", ["no", "bf16"])
def test_same_seed_gives_identical_predictions_and_another_seed_does_not(tiny_config, tmp_path: Path,
                                                                         precision: str) -> None:
    training = {"save_checkpoints": False, "mixed_precision": precision}
    cfg = tiny_config(training=training)
    ds, a = train(cfg, tmp_path / "a")
    _, b = train(cfg, tmp_path / "b")
    _, c = train(tiny_config(seed=4, training=training), tmp_path / "c")
    assert a.training["mixed_precision"] == ("bf16" if precision == "bf16" else "no")
    test = ds.split("test")
    pa, pb, pc = (predict(x.path, test, device="cpu").scores for x in (a, b, c))
    np.testing.assert_array_equal(pa, pb)
    assert not np.allclose(pa, pc)  # the determinism check is able to fail


def _fairness_kwargs(cfg, fairness: bool) -> dict:  # type: ignore[no-untyped-def]
    if not fairness:
        return {}
    groups = group_index(load_dataset(cfg.data, seed=cfg.seed).split("train").groups("gender"))[1]
    loss = FairnessLoss("equal_opportunity", n_groups=len(groups), mode="lagrangian", epsilon=0.0, momentum=0.5)
    return {"fairness_loss": loss, "group_attr": "gender"}


@pytest.mark.parametrize("fairness", [False, True], ids=["plain", "fairness_loss"])
def test_resume_after_kill_reaches_the_same_weights_as_an_uninterrupted_run(tiny_config, tmp_path: Path,
                                                                            fairness: bool) -> None:
    cfg = tiny_config(training={"epochs": 2})
    straight_kw, resumed_kw = _fairness_kwargs(cfg, fairness), _fairness_kwargs(cfg, fairness)
    _, straight = train(cfg, tmp_path / "straight", checkpoint_dir=tmp_path / "ck1", **straight_kw)
    with pytest.raises(Killed):
        train(cfg, tmp_path / "resumed", checkpoint_dir=tmp_path / "ck2", callbacks=[KillAfterFirstSave()],
              **_fairness_kwargs(cfg, fairness))
    assert not (tmp_path / "resumed").exists()  # nothing half-written
    assert latest_checkpoint(tmp_path / "ck2") is not None
    _, resumed = train(cfg, tmp_path / "resumed", checkpoint_dir=tmp_path / "ck2", **resumed_kw)
    assert resumed.training["resumed_from_step"] is not None
    w1, w2 = weights(straight.path), weights(resumed.path)
    assert w1.keys() == w2.keys()
    for name in w1:
        torch.testing.assert_close(w1[name], w2[name], rtol=0, atol=0)
    if fairness:  # multiplier, running sums and counts, last gap: all equal bit for bit
        a, b = straight_kw["fairness_loss"].state_dict(), resumed_kw["fairness_loss"].state_dict()
        assert float(a["multiplier"]) != 1.0
        for name in a:
            torch.testing.assert_close(a[name], b[name], rtol=0, atol=0)


def test_a_fresh_run_differs_from_one_trained_for_fewer_steps(tiny_config, tmp_path: Path) -> None:
    """The weight-equality check above can fail: one epoch vs two gives other weights."""
    _, one = train(tiny_config(training={"epochs": 1, "save_checkpoints": False}), tmp_path / "one")
    _, two = train(tiny_config(training={"epochs": 2, "save_checkpoints": False}), tmp_path / "two")
    w1, w2 = weights(one.path), weights(two.path)
    assert any(not torch.equal(w1[k], w2[k]) for k in w1)


def test_training_saves_safetensors_only_and_no_pickles(tiny_config, tmp_path: Path) -> None:
    _, art = train(tiny_config(), tmp_path / "m", checkpoint_dir=tmp_path / "ck")
    files = [p.name for p in list((tmp_path / "m").iterdir()) + list((tmp_path / "ck").rglob("*"))]
    assert "model.safetensors" in files
    assert not [f for f in files if f.endswith((".bin", ".pkl", ".pickle"))]  # no training_args.bin either
    # optimizer/scheduler/RNG state are torch files read back with weights_only=True; nothing else is
    assert {f for f in files if f.endswith((".pt", ".pth"))} <= {"optimizer.pt", "scheduler.pt", "rng_state.pth"}
    assert art.weights_sha256 and art.labels == ["routine", "urgent"]


def test_training_makes_no_network_call_and_reports_nowhere(tiny_config, tmp_path: Path, no_network: list[str]) -> None:
    _, art = train(tiny_config(training={"save_checkpoints": False}), tmp_path / "m")
    assert no_network == []
    assert art.training["steps"] > 0


def test_top_layer_training_freezes_the_rest(tiny_config, tmp_path: Path, tiny_model_dir: Path) -> None:
    cfg = tiny_config(training={"train_top_layers": 1, "save_checkpoints": False, "epochs": 1})
    _, art = train(cfg, tmp_path / "m")
    before, after = weights(tiny_model_dir), weights(art.path)
    assert torch.equal(before["bert.embeddings.word_embeddings.weight"], after["bert.embeddings.word_embeddings.weight"])
    assert not torch.equal(before["bert.encoder.layer.1.attention.self.query.weight"],
                           after["bert.encoder.layer.1.attention.self.query.weight"])


@pytest.mark.parametrize(("setting", "native", "expected"), [
    ("auto", True, {"bf16": True}), ("auto", False, {}), ("bf16", False, {"bf16": True}),
    ("no", True, {}), ("fp16", True, {}),
])
def test_cpu_precision_is_bf16_only_where_the_cpu_computes_it_natively_or_asked(
    setting: str, native: bool, expected: dict[str, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.config import TrainingConfig
    from auditkit.train import _fine_tune

    monkeypatch.setattr(_fine_tune, "cpu_has_native_bf16", lambda: native)
    assert _fine_tune._precision(TrainingConfig(mixed_precision=setting), "cpu") == expected


def test_cpu_bf16_training_runs_eager_attention(tiny_config, tmp_path: Path) -> None:
    from transformers import TrainerCallback as Callback

    seen: list[str] = []

    class Spy(Callback):
        def on_step_begin(self, args, state, control, model=None, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(model.config._attn_implementation)

    cfg = tiny_config(training={"save_checkpoints": False, "mixed_precision": "bf16", "epochs": 1})
    _, art = train(cfg, tmp_path / "m", callbacks=[Spy()])
    assert seen and set(seen) == {"eager"}
    assert art.training["mixed_precision"] == "bf16"


@pytest.mark.parametrize("precision", ["no", "bf16"])
def test_lora_training_saves_a_merged_safetensors_model_that_predicts(tiny_config, tmp_path: Path,
                                                                      precision: str) -> None:
    pytest.importorskip("peft")
    cfg = tiny_config(training={"save_checkpoints": False, "mixed_precision": precision, "epochs": 1,
                                "lora": {"r": 2, "alpha": 4, "target_modules": ["query", "value"]}})
    ds, art = train(cfg, tmp_path / "m")
    assert art.training["lora"] is True
    saved = weights(art.path)
    assert not [k for k in saved if "lora" in k]  # adapters merged into the base weights
    scores = predict(art.path, ds.split("test"), device="cpu").scores
    assert np.isfinite(scores).all() and scores.shape[1] == 2
