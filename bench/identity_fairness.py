"""Benchmark: the fairness stage's identity-term audit of 5,000 short texts (target: under 30 s on 2 cores).

Builds a run folder shaped like ``auditkit audit --identity-terms builtin`` leaves it
before the fairness stage: 5,000 short texts mentioning identity terms of the
built-in lexicon (about 10% mention two, 20% none; 40% hold a swappable pronoun),
planted scores, and the classifier folder for the term-swap test (the bundled
MiniLM-L6 with a fresh two-label head, or ``--tiny`` for a few-thousand-parameter
BERT). Then it times, in one process:

* the identity-term assessment alone (lexicon matching, per-term metrics, 1,000
  bootstrap resamples vectorised across terms), and
* the whole fairness stage (the same plus the bounded term-swap test, which
  scores at most ``fairness.term_swap_max_texts`` texts and their swaps),

and prints them beside the 30 s target.

Usage: ``python bench/identity_fairness.py [--n 5000] [--bootstrap 1000] [--tiny] [--threads 2]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_S = 30.0
SUBJECTS = ("she", "he", "my neighbour", "the new colleague", "that guy", "our teacher")
NEUTRAL = ("is {t} and kind", "said {t} people are welcome", "grew up {t}", "met {t} friends today")
TOXIC = ("hates {t} people", "said {t} people are disgusting", "called them {t} trash", "wants {t} folks gone")


def _texts(n: int, seed: int) -> tuple[list[str], list[str]]:
    import numpy as np

    from auditkit.evaluate._lexicon import load_lexicon

    rng = np.random.default_rng(seed)
    terms = load_lexicon("builtin").names
    texts, labels = [], []
    for i in range(n):
        toxic = rng.random() < 0.3
        chosen = list(rng.choice(terms, size=2, replace=False))
        roll = rng.random()
        term = "" if roll < 0.2 else (f"{chosen[0]} and {chosen[1]}" if roll < 0.3 else chosen[0])
        verb = str(rng.choice(TOXIC if toxic else NEUTRAL)).format(t=term).replace("  ", " ")
        subject = str(rng.choice(SUBJECTS)) if rng.random() < 0.4 else "someone"
        texts.append(f"{subject} {verb}")
        labels.append("toxic" if toxic else "ok")
    return texts, labels


def _model(folder: Path, tiny: bool) -> Path:
    if tiny:
        from tests._tiny import build_tiny_model

        return build_tiny_model(folder, labels=("ok", "toxic"))
    from auditkit._model_io import default_model_path, load_classifier

    model, tokenizer = load_classifier(default_model_path(), num_labels=2, id2label={0: "ok", 1: "toxic"})
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _run_dir(root: Path, args: argparse.Namespace):  # noqa: ANN202 - returns (StageContext, Predictions, texts)
    import numpy as np
    import pandas as pd

    from auditkit.config import parse_config
    from auditkit.data import AuditDataset
    from auditkit.evaluate._predict import Predictions
    from auditkit.pipeline._stage import StageContext
    from auditkit.pipeline._stages._common import write_dataset

    texts, labels = _texts(args.n, args.seed)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(args.n)], "text": texts, "label": labels, "split": "test"})
    config = parse_config({
        "data": {"path": "x.csv"},
        "fairness": {"identity_terms": "builtin", "bootstrap": args.bootstrap, "mitigation": "none"},
        "training": {"eval_batch_size": 64, "device": "cpu"},
        "model": {"max_length": 64},
    })
    ctx = StageContext(config=config, run_dir=root, progress=False)
    data = AuditDataset(frame, ("ok", "toxic"), (), "toxic")
    write_dataset(ctx, data)
    rng = np.random.default_rng(args.seed)
    y = data.label_ids
    score = np.clip(0.25 + 0.5 * y + rng.normal(0, 0.2, args.n), 0, 1)
    gay = np.array(["gay" in t for t in texts])
    score[gay & (y == 0)] += 0.3  # one planted term
    scores = np.stack([1 - np.clip(score, 0, 1), np.clip(score, 0, 1)], axis=1)
    preds = Predictions(ids=np.asarray(data.ids, dtype=object), y_true=y, y_pred=scores.argmax(1), scores=scores,
                        labels=["ok", "toxic"], positive_label="toxic")
    preds.save(ctx.path("predictions.parquet"))
    _model(ctx.path("model"), args.tiny)
    return ctx, preds, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--tiny", action="store_true", help="use a tiny random BERT for the term swap (no MiniLM)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    from auditkit.evaluate._identity_terms import assess_identity_terms
    from auditkit.evaluate._lexicon import load_lexicon, term_membership
    from auditkit.pipeline._stages.fairness import STAGE

    with tempfile.TemporaryDirectory() as tmp:
        ctx, preds, texts = _run_dir(Path(tmp), args)
        start = time.perf_counter()
        lexicon = load_lexicon("builtin")
        matrix = term_membership(texts, lexicon)
        result = assess_identity_terms(preds.y_true, preds.y_pred, preds.scores, membership=matrix, terms=lexicon.names,
                                       labels=preds.labels, positive_label="toxic", n_boot=args.bootstrap)
        assess_s = time.perf_counter() - start
        start = time.perf_counter()
        summary = STAGE.run(ctx)
        stage_s = time.perf_counter() - start
    model = "tiny BERT" if args.tiny else "MiniLM-L6"
    print(f"identity-term audit, {args.n} texts, {len(lexicon.terms)} terms ({len(result.groups)} present), "
          f"{args.bootstrap} resamples, {args.threads} threads")
    print(f"  assessment alone        {assess_s:7.2f} s")
    print(f"  fairness stage ({model}) {stage_s:7.2f} s   target < {TARGET_S:.0f} s   {'OK' if stage_s < TARGET_S else 'MISSED'}")
    print(f"  min BPSN AUC {result.summary['min_bpsn_auc'].value:.3f} ({result.summary['min_bpsn_auc'].reason}); "
          f"term-swap flip rate {summary['term_swap_flip_rate']}")


if __name__ == "__main__":
    main()
