"""Benchmark: CPU latency per example of the full model and its deployment variants, side by side in one run.

Builds fp32 (the model as trained), int8_dynamic, bf16 (and, with ``--all``, fp16,
prune_30 and prune_50) from one model folder exactly as the ``deployment`` stage
does, times batch-size-1 predictions of the same synthetic clinical notes on
``--threads`` CPU threads (2 by default, the target machine), interleaving the
variants round by round so a busy machine slows all of them alike, and prints
median ms per example with a 95% interval of the median, the spread of single
examples (25th-75th percentile) and of the per-round medians (lowest-highest),
the speed-up against fp32, and the size of each variant as safetensors.

Usage: ``python bench/variants.py [--model DIR] [--n 64] [--rounds 3] [--threads 2] [--all]``
(default model: the bundled MiniLM-L6 classifier head on the encoder, randomly initialised head).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _texts(n: int) -> list[str]:
    import tempfile

    import pandas as pd

    from auditkit.examples_data import write_corpus

    with tempfile.TemporaryDirectory() as folder:
        frame = pd.read_csv(write_corpus(Path(folder), n=max(n, 40), seed=5).notes_csv)
    return frame["text"].astype(str).tolist()[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="classifier folder (default: bundled MiniLM-L6)")
    parser.add_argument("--n", type=int, default=64, help="notes timed per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--all", action="store_true", help="also fp16, prune_30, prune_50")
    args = parser.parse_args()

    import torch

    from auditkit._model_io import default_model_path, load_classifier
    from auditkit.evaluate._predict import predict_scores
    from auditkit.evaluate._variants import build_variant, safetensors_size

    torch.set_num_threads(args.threads)
    model, tokenizer = load_classifier(args.model or default_model_path(), device="cpu")
    kinds = ["int8_dynamic", "bf16", *(["fp16", "prune_30", "prune_50"] if args.all else [])]
    models = {"fp32": model.eval(), **{k: build_variant(model, k) for k in kinds}}
    texts = _texts(args.n)
    times: dict[str, list[float]] = {name: [] for name in models}
    rounds: dict[str, list[float]] = {name: [] for name in models}
    for name, net in models.items():  # warm-up
        predict_scores(net, tokenizer, texts[:2], batch_size=1, max_length=args.max_length)
    for _ in range(args.rounds):
        start = {name: len(values) for name, values in times.items()}
        for text in texts:
            for name, net in models.items():  # interleaved: a busy neighbour slows every variant alike
                began = time.perf_counter()
                predict_scores(net, tokenizer, [text], batch_size=1, max_length=args.max_length)
                times[name].append((time.perf_counter() - began) * 1000)
        for name in models:
            rounds[name].append(statistics.median(times[name][start[name]:]))
    rng = np.random.default_rng(0)
    base = statistics.median(times["fp32"])
    size0 = safetensors_size(model)
    print(f"latency per example, batch size 1, {torch.get_num_threads()} threads, {len(texts)} notes x {args.rounds} rounds")
    print(f"{'variant':<14}{'median ms':>10}{'95% CI':>18}{'p25-p75':>16}{'round medians':>18}{'speed-up':>10}"
          f"{'size MB':>9}{'size/fp32':>11}")
    for name, values in times.items():
        arr = np.asarray(values)
        medians = np.median(arr[rng.integers(0, arr.size, (500, arr.size))], axis=1)
        low, high = np.quantile(medians, [0.025, 0.975])
        q25, q75 = np.quantile(arr, [0.25, 0.75])
        size = safetensors_size(models[name])
        print(f"{name:<14}{np.median(arr):>10.2f}{f'[{low:.2f}, {high:.2f}]':>18}{f'{q25:.2f}-{q75:.2f}':>16}"
              f"{f'{min(rounds[name]):.2f}-{max(rounds[name]):.2f}':>18}{base / np.median(arr):>9.2f}x"
              f"{size / 1e6:>9.1f}{size / size0:>11.3f}")


if __name__ == "__main__":
    main()
