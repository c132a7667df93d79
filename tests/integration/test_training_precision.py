"""Training records the precision its matrix products actually ran in, read back from the running model."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from auditkit._precision import cpu_has_native_bf16
from auditkit.data import load_dataset
from auditkit.train import fine_tune

needs_bf16 = pytest.mark.skipif(not cpu_has_native_bf16(),
                                reason="this CPU has no native bf16 units (AVX512-BF16/AMX): auto trains in fp32 here")


def _train(cfg, out: Path, **kw):  # type: ignore[no-untyped-def]
    ds = load_dataset(cfg.data, seed=cfg.seed)
    return fine_tune(cfg, ds.split("train"), ds.split("validation"), out, progress=False, **kw)


def _assert_all_bf16(precision: dict) -> None:  # type: ignore[type-arg]
    assert precision["matmul_dtype"] == "bf16"
    assert set(precision["linear_calls"]) == {"bf16"}, f"fp32 matrix products ran: {precision['linear_calls']}"
    assert set(precision["autocast"]) == {"bf16"}
    assert set(precision["attention"]) == {"eager"}


@needs_bf16
def test_auto_precision_on_a_bf16_cpu_runs_bf16_matmuls_with_eager_attention(tiny_config, tmp_path: Path) -> None:
    cfg = tiny_config(training={"save_checkpoints": False, "mixed_precision": "auto", "epochs": 1, "max_steps": 3})
    art = _train(cfg, tmp_path / "auto")
    assert art.training["mixed_precision"] == "bf16" and art.training["mixed_precision_requested"] == "bf16"
    _assert_all_bf16(art.training["precision"])
    fp32 = _train(tiny_config(training={"save_checkpoints": False, "mixed_precision": "no", "epochs": 1, "max_steps": 3}),
                  tmp_path / "fp32")
    assert fp32.training["precision"]["linear_calls"] == {"fp32": art.training["precision"]["linear_calls"]["bf16"]}
    with pytest.raises(AssertionError):  # the check catches an fp32 run
        _assert_all_bf16(fp32.training["precision"])


@needs_bf16
def test_a_silent_fallback_to_fp32_is_recorded_and_logged_not_hidden(tiny_config, tmp_path: Path, monkeypatch,
                                                                     caplog) -> None:
    import auditkit.train._fine_tune as ft

    build = ft.build_training_args

    def without_bf16(*args, **kwargs):  # type: ignore[no-untyped-def]
        built = build(*args, **kwargs)
        built.bf16, built.mixed_precision = False, "no"  # the Trainer drops the autocast the config asked for
        return built

    monkeypatch.setattr(ft, "build_training_args", without_bf16)
    cfg = tiny_config(training={"save_checkpoints": False, "mixed_precision": "auto", "epochs": 1, "max_steps": 3})
    with caplog.at_level(logging.WARNING, logger="auditkit"):
        art = _train(cfg, tmp_path / "m")
    assert art.training["mixed_precision_requested"] == "bf16"
    assert art.training["mixed_precision"] == "no" and art.training["precision"]["matmul_dtype"] == "fp32"
    assert "ran in fp32" in caplog.text
