"""Five architectures through the pipeline: train (LoRA + fairness loss) -> evaluate -> fairness -> explain -> privacy -> report.

Tiny random BERT, RoBERTa, DeBERTa-v2, Llama and Qwen2 classifiers (tests/_tiny_families.py);
the decoders arrive without a pad token (Llama) or without ``config.pad_token_id`` (Qwen2),
as published checkpoints do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from auditkit._architecture import head_modules, last_position_pooling, lora_target_modules, pools_last_token
from auditkit._model_io import load_classifier
from tests._tiny_families import FAMILIES, build_family_model

_TEXTS = ["The patient reports chest pain since 3 days.", "she has a mild cough",
          "Mrs. Smith phone 555-123-4567 urgent severe bleeding, today"]


@pytest.fixture(autouse=True)
def one_thread() -> Any:
    """Tiny models gain nothing from a second thread, and on a busy machine OpenMP waits cost 10x."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def family_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("families")
    return {f: build_family_model(f, root / f, seed=1) for f in FAMILIES}


@pytest.mark.parametrize("family", FAMILIES)
def test_family_runs_train_evaluate_fairness_explain_privacy_report(family: str, family_dirs: dict[str, Path],
                                                                     tiny_config: Any) -> None:
    from auditkit.pipeline import run_pipeline

    cfg = tiny_config(
        name=f"fam-{family}", model={"path": str(family_dirs[family]), "max_length": 48},
        training={"epochs": 1, "batch_size": 16, "learning_rate": 5e-3, "save_checkpoints": False,
                  "lora": {"r": 2, "alpha": 4}},
        fairness={"mitigation": "fairness_loss", "compare_baseline": False, "bootstrap": 20, "min_group_size": 5},
        explain={"enabled": True, "n_samples": 6, "n_steps": 4, "faithfulness_k": [0.2]},
        privacy={"enabled": True, "bootstrap": 20, "membership_max_examples": 60},
        report={"enabled": True},
    )
    summary = run_pipeline(cfg, stages=("prepare", "train", "evaluate", "fairness", "explain", "privacy", "report"),
                           progress=False)
    statuses = {name: record["status"] for name, record in summary.stages.items()}
    assert set(statuses.values()) == {"ok"}, statuses
    run = summary.run_dir
    meta = json.loads((run / "model" / "auditkit_meta.json").read_text())
    assert meta["training"]["lora"] is True and meta["training"]["mitigation"] == "fairness_loss"
    card = json.loads((run / "scorecard.json").read_text())
    for section in ("performance", "fairness", "explanations", "privacy"):
        assert card[section]["status"] == "ok", (section, card[section].get("reason"))
    assert card["explanations"]["n_examples"] == 6
    assert (run / "scorecard.html").stat().st_size > 10_000


@pytest.mark.parametrize("family", ["llama", "qwen2"])
def test_a_decoder_gets_a_pad_token_pads_left_and_pools_its_last_token(family: str, family_dirs: dict[str, Path]) -> None:
    model, tokenizer = load_classifier(family_dirs[family])
    assert pools_last_token(model) and tokenizer.padding_side == "left"
    assert tokenizer.pad_token is not None and model.config.pad_token_id == tokenizer.pad_token_id
    model.eval()
    with torch.no_grad():
        single = torch.cat([model(**tokenizer([t], return_tensors="pt")).logits for t in _TEXTS])
        for side in ("left", "right"):
            tokenizer.padding_side = side
            batched = model(**tokenizer(_TEXTS, padding=True, return_tensors="pt")).logits
            assert torch.allclose(batched, single, atol=1e-5), side


def test_control_a_decoder_without_pad_token_id_cannot_batch(family_dirs: dict[str, Path]) -> None:
    model, tokenizer = load_classifier(family_dirs["qwen2"])
    model.config.pad_token_id = None
    with pytest.raises(ValueError, match="padding token"):
        model(**tokenizer(_TEXTS, padding=True, return_tensors="pt"))


def test_last_position_pooling_reads_the_last_position_and_restores_the_pad_id(family_dirs: dict[str, Path]) -> None:
    model, tokenizer = load_classifier(family_dirs["llama"])
    model.eval()
    pad = model.config.pad_token_id
    ids = torch.tensor([[tokenizer.bos_token_id] + [pad] * 4])  # a baseline: pad detection would read the BOS
    embeds = model.get_input_embeddings()(ids)
    with torch.no_grad(), last_position_pooling(model):
        from_ids = model(input_ids=ids).logits
        from_embeds = model(inputs_embeds=embeds).logits
    assert torch.allclose(from_ids, from_embeds, atol=1e-6)
    assert model.config.pad_token_id == pad
    with torch.no_grad():
        assert not torch.allclose(model(input_ids=ids).logits, from_ids, atol=1e-6)  # control: without the switch


@pytest.mark.parametrize(("family", "targets", "head"), [
    ("bert", ["query", "key", "value"], ["classifier"]),
    ("roberta", ["query", "key", "value"], ["classifier"]),
    ("deberta-v2", ["query_proj", "key_proj", "value_proj"], ["pooler", "classifier"]),
    ("llama", ["q_proj", "k_proj", "v_proj", "o_proj"], ["score"]),
    ("qwen2", ["q_proj", "k_proj", "v_proj", "o_proj"], ["score"]),
])
def test_lora_targets_and_trained_head_follow_the_architecture(family: str, targets: list[str], head: list[str],
                                                                family_dirs: dict[str, Path]) -> None:
    model, _ = load_classifier(family_dirs[family])
    assert lora_target_modules(model) == targets
    assert head_modules(model) == head


@pytest.mark.parametrize("family", FAMILIES)
def test_top_layer_training_freezes_embeddings_and_lower_blocks(family: str, family_dirs: dict[str, Path]) -> None:
    from auditkit.train import freeze_lower_layers

    model, _ = load_classifier(family_dirs[family])
    freeze_lower_layers(model, 1)
    assert not any(p.requires_grad for p in model.get_input_embeddings().parameters())
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any(".1." in n for n in trainable) and not any(".0." in n for n in trainable)
    assert any(n.startswith(tuple(head_modules(model))) for n in trainable)
