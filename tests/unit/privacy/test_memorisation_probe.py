"""L8: the membership probe detects memorised identifiers when scrubbing is off, and not when it is on."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from auditkit.evaluate import example_losses, membership_inference

_TEMPLATE = "patient reports chest pain ssn {}"


def _digit_aware_tiny_model(path: Path) -> Path:
    """A tiny BERT whose vocabulary can spell digit runs (``9 ##1 ##2 ...``), so SSNs are visible to it."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    from tests._tiny import TINY_WORDS

    torch.manual_seed(0)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = special + list(dict.fromkeys(TINY_WORDS)) + [f"##{d}" for d in range(10)]
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(dict.fromkeys(words))})
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=2, id2label={0: "routine", 1: "urgent"},
                        label2id={"routine": 0, "urgent": 1})
    BertForSequenceClassification(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def _train(model_dir: Path, out: Path, texts: list[str], labels: list[int]) -> Path:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), local_files_only=True)
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(300):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(**enc).logits, torch.tensor(labels)).backward()
        optimizer.step()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("l8")
    base = _digit_aware_tiny_model(root / "base")
    rnd = random.Random(0)
    ssns = [f"9{rnd.randrange(100):02d}-{rnd.randrange(10, 70)}-{rnd.randrange(1000, 10000)}" for _ in range(96)]
    labels = [rnd.randrange(2) for _ in ssns]  # the label is only learnable by memorising the identifier
    raw = [_TEMPLATE.format(s) for s in ssns]
    scrubbed = [_TEMPLATE.format("< us_ssn >") for _ in ssns]
    out = {}
    for name, texts in (("scrub_off", raw), ("scrub_on", scrubbed)):
        model = _train(base, root / name, texts[:48], labels[:48])
        out[name] = membership_inference(
            example_losses(model, texts[:48], labels[:48]), example_losses(model, texts[48:], labels[48:]),
            labels_train=labels[:48], labels_holdout=labels[48:], n_boot=200, seed=0,
        ).auc
    return out


def test_probe_detects_memorised_identifiers_when_scrubbing_is_off(probe: dict[str, dict]) -> None:
    assert probe["scrub_off"]["value"] > 0.7 and probe["scrub_off"]["ci_low"] > 0.5


def test_probe_finds_no_leakage_when_scrubbing_is_on(probe: dict[str, dict]) -> None:
    assert probe["scrub_on"]["ci_low"] <= 0.5 <= probe["scrub_on"]["ci_high"]
