"""Benchmark the privacy audit: canary sweep throughput and membership-inference cost.

Prints, in one run:
1. the canary sweep over a run-like folder holding the real MiniLM model folder
   (safetensors, tokenizer), a zstd Parquet file and a log: MB/s of the full
   sweep (raw, lower-case, digits, URL forms, parquet decoding) next to a naive
   lower-bound scan (read every file once, search only the raw values), and the ratio;
2. membership inference: per-example loss throughput of MiniLM (texts/s) and the
   time of the attack with bootstrap intervals, next to the loss computation it
   follows (ratio = how much the statistics add).

Usage::

    python bench/privacy_audit.py            # 512 texts, 1000 resamples
    python bench/privacy_audit.py --quick    # 128 texts, 200 resamples
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from auditkit._model_io import default_model_path  # noqa: E402
from auditkit.evaluate._membership import example_losses, membership_inference  # noqa: E402
from auditkit.privacy import Canary, CanarySet, seed_canaries, sweep  # noqa: E402


def _naive_scan(root: Path, values: list[str]) -> int:
    hits = 0
    needles = [v.encode() for v in values]
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += sum(n in data for n in needles)
    return hits


def _build_run(root: Path, model_dir: Path, n_rows: int) -> list[str]:
    frame = pd.DataFrame({"text": [f"patient reports chest pain {i}" for i in range(n_rows)],
                          "split": ["train", "validation", "test"] * (n_rows // 3)})
    seeded, canaries = seed_canaries(frame, seed=1)
    shutil.copytree(model_dir, root / "model")
    seeded.assign(score=np.random.default_rng(0).random(len(seeded))).to_parquet(root / "attr.parquet", compression="zstd")
    (root / "logs").mkdir()
    (root / "logs" / "auditkit.log").write_text("stage ok\n" * 20000, encoding="utf-8")
    return [c.value for c in canaries.canaries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    n_texts, n_boot = (128, 200) if args.quick else (512, 1000)
    model_dir = default_model_path()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "run"
        root.mkdir()
        values = _build_run(root, model_dir, 3000)
        canaries = CanarySet(tuple(Canary("x", i, v, "train", 0) for i, v in enumerate(values)), seed=0)
        size_mb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20
        t0 = time.perf_counter(); result = sweep(root, canaries); t_full = time.perf_counter() - t0
        t0 = time.perf_counter(); naive_hits = _naive_scan(root, values); t_naive = time.perf_counter() - t0
    print(f"canary sweep over {size_mb:.1f} MB, {len(values)} canaries, {result.files_scanned} files, {len(result.hits)} hits")
    print(f"  auditkit sweep (all forms) : {t_full:6.2f} s  {size_mb / t_full:7.1f} MB/s  {len(result.hits)} hits")
    print(f"  naive raw-only scan        : {t_naive:6.2f} s  {size_mb / t_naive:7.1f} MB/s  {naive_hits} hits"
          " (canaries sit in a zstd parquet: only decoding finds them)")
    print(f"  ratio full / naive         : {t_full / t_naive:6.2f}x")

    rng = np.random.default_rng(0)
    words = "patient reports chest pain fever cough severe mild sudden routine refill follow up".split()
    texts = [" ".join(rng.choice(words, 24)) for _ in range(n_texts)]
    labels = rng.integers(0, 2, n_texts)
    t0 = time.perf_counter()
    losses = example_losses(model_dir, texts, labels, batch_size=32, max_length=64)
    t_loss = time.perf_counter() - t0
    half = n_texts // 2
    t0 = time.perf_counter()
    res = membership_inference(losses[:half], losses[half:], labels_train=labels[:half], labels_holdout=labels[half:],
                               groups_train={"g": labels[:half]}, groups_holdout={"g": labels[half:]}, n_boot=n_boot)
    t_attack = time.perf_counter() - t0
    print(f"membership inference, MiniLM, {n_texts} texts, {n_boot} resamples, 1 thread")
    print(f"  per-example losses         : {t_loss:6.2f} s  {n_texts / t_loss:7.1f} texts/s")
    print(f"  attacks + bootstrap CIs    : {t_attack:6.2f} s  (AUC {res.auc['value']:.3f}, same-distribution split)")
    print(f"  ratio attack / losses      : {t_attack / t_loss:6.2f}x")


if __name__ == "__main__":
    main()
