"""Benchmark the bundled example corpus: generation speed and whether the planted bias is learnable.

Prints, in one run:
1. generation and writing time for ``--n`` notes (notes/s), and the ratio of the two;
2. (unless ``--no-train``) a MiniLM classifier fine-tuned on the *biased* train labels next to
   one fine-tuned on the *true* (symptom) train labels: test accuracy and true-positive rate
   for women and men, with the female/male TPR ratio. The biased model should show a clear
   gap (ratio well under 1) while the control should not; both should be accurate.

Usage::

    python bench/example_corpus.py            # 3000 notes, 2 epochs, ~10 min on 2 CPU cores
    python bench/example_corpus.py --quick    # 1 epoch, biased model only
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from auditkit.examples_data import Corpus, generate_corpus, write_corpus  # noqa: E402


def _time_generation(n: int, seed: int) -> Corpus:
    start = time.perf_counter()
    corpus = generate_corpus(n, seed=seed)
    gen_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_corpus(tmp, n=n, seed=seed)
        write_s = time.perf_counter() - start
    print(f"generate {n} notes: {gen_s:.3f} s ({n / gen_s:,.0f} notes/s) | "
          f"generate+write: {write_s:.3f} s ({n / write_s:,.0f} notes/s) | ratio write/generate {write_s / gen_s:.2f}x")
    return corpus


def _fine_tune(corpus: Corpus, *, use_true_labels: bool, epochs: int, max_length: int, seed: int,
               device: str) -> dict[str, float]:
    import torch

    from auditkit._model_io import default_model_path, load_classifier

    torch.manual_seed(seed)
    labels = ("routine", "urgent")
    model, tok = load_classifier(default_model_path(), num_labels=2, id2label=dict(enumerate(labels)), device=device)
    train = [n for n in corpus.notes if n.split == "train"]
    test = [n for n in corpus.notes if n.split == "test"]
    y_train = [labels.index(n.true_label if use_true_labels else n.label) for n in train]
    optim = torch.optim.AdamW(model.parameters(), lr=5e-5)
    rng = np.random.default_rng(seed)
    model.train()
    for _epoch in range(epochs):
        order = rng.permutation(len(train))
        for b in range(0, len(order), 16):
            idx = order[b:b + 16]
            enc = tok([train[i].text for i in idx], truncation=True, max_length=max_length,
                      padding=True, return_tensors="pt").to(device)
            out = model(**enc, labels=torch.tensor([y_train[i] for i in idx], device=device))
            out.loss.backward()
            optim.step()
            optim.zero_grad()
    model.eval()
    preds: list[int] = []
    with torch.no_grad():
        for b in range(0, len(test), 64):
            enc = tok([n.text for n in test[b:b + 64]], truncation=True, max_length=max_length,
                      padding=True, return_tensors="pt").to(device)
            preds += model(**enc).logits.argmax(-1).tolist()
    pred = np.array(preds) == 1
    true = np.array([n.label == "urgent" for n in test])
    female = np.array([n.gender == "female" for n in test])
    return {"acc": float((pred == true).mean()),
            "tpr_female": float(pred[true & female].mean()),
            "tpr_male": float(pred[true & ~female].mean())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--quick", action="store_true", help="1 epoch, no control model")
    parser.add_argument("--no-train", action="store_true", help="only time generation")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)  # shared 2-core boxes: keep it polite
    corpus = _time_generation(args.n, args.seed)
    b = corpus.bias
    print(f"planted: flip_rate {b.flip_rate} | train urgent rate female {b.train_label_rate_by_group['female']} "
          f"vs male {b.train_label_rate_by_group['male']} | test female {b.test_label_rate_by_group['female']} "
          f"vs male {b.test_label_rate_by_group['male']}")
    if args.no_train:
        return
    epochs, max_length = (1, args.max_length) if args.quick else (args.epochs, args.max_length)
    runs = [("biased train labels", False)] + ([] if args.quick else [("true labels (control)", True)])
    for name, true_labels in runs:
        start = time.perf_counter()
        r = _fine_tune(corpus, use_true_labels=true_labels, epochs=epochs, max_length=max_length,
                       seed=args.seed, device=args.device)
        print(f"{name:22s}: test acc {r['acc']:.3f} | TPR female {r['tpr_female']:.3f} vs male {r['tpr_male']:.3f} "
              f"| ratio F/M {r['tpr_female'] / max(r['tpr_male'], 1e-9):.2f} | {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
