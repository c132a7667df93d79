"""Fairness mitigation on the bundled clinical corpus: unmitigated vs fairness loss vs baselines.

Trains the default MiniLM-L6 classifier on the seeded clinical-notes corpus, whose
training labels under-triage urgent cases of female patients, four ways:

* **unmitigated**: plain fine-tuning;
* **fairness loss**: the same run plus :class:`auditkit.train.FairnessLoss`;
* **reweighing**: Kamiran-Calders example weights;
* **ThresholdOptimizer**: fairlearn post-processing of the unmitigated model's scores
  (thresholds fitted on validation predictions).

For each it prints test accuracy and the equal-opportunity (TPR) gap between
genders with its bootstrap 95% interval (test labels follow symptoms only), the
term-swap flip rate, and the training time of the fairness-loss run over the
unmitigated run. Targets: gap cut >= 60 %, accuracy loss <= 2 points, time <= 1.10x.

Run: ``python bench/fair_training.py [--n 1000] [--epochs 4] [--max-length 96] [--weight 1.0]``
(defaults train the top 2 encoder layers at lr 3e-4 so it finishes in ~15 minutes on 2 busy cores).
The time ratio is reported in process CPU time (robust to other load) and wall time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="notes in the generated corpus")
    parser.add_argument("--epochs", type=float, default=4.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=96)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--top-layers", type=int, default=2, help="train only the top N encoder layers")
    parser.add_argument("--constraint", default="equal_opportunity",
                        choices=["equal_opportunity", "demographic_parity", "equalized_odds"])
    parser.add_argument("--mode", default="penalty", choices=["penalty", "lagrangian"])
    parser.add_argument("--weight", type=float, default=1.0)
    parser.add_argument("--epsilon", type=float, default=0.02)
    parser.add_argument("--momentum", type=float, default=0.5)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--swap-texts", type=int, default=200, help="test texts used for the term-swap test")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", default="", help="comma list of variants to run (default: all)")
    return parser.parse_args()


def _config(args: argparse.Namespace, csv: Path) -> Any:
    from auditkit.config import parse_config

    return parse_config({
        "seed": args.seed,
        "data": {"path": str(csv), "sensitive": ["gender", "age_band"], "split_column": "split",
                 "labels": ["routine", "urgent"], "positive_label": "urgent"},
        "model": {"max_length": args.max_length},
        "training": {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.lr,
                     "early_stopping_patience": None, "save_checkpoints": False, "num_threads": args.threads,
                     "train_top_layers": args.top_layers, "device": "cpu"},
    })


def _train(config: Any, data: Any, out: Path, variant: str, args: argparse.Namespace) -> tuple[float, float]:
    """Train one variant; return (wall seconds, CPU seconds of this process)."""
    import numpy as np

    from auditkit.train import fine_tune
    from auditkit.train._fairness_loss import FairnessLoss
    from auditkit.train._reweighing import reweighing_weights

    train, val = data.split("train"), data.split("validation")
    kwargs: dict[str, Any] = {}
    if variant == "fairness_loss":
        kwargs = {"group_attr": "gender", "fairness_loss": FairnessLoss(
            args.constraint, n_groups=len(set(train.groups("gender"))), mode=args.mode, weight=args.weight,
            epsilon=args.epsilon, momentum=args.momentum, positive_index=train.positive_index)}
    elif variant == "reweighing":
        kwargs = {"sample_weights": np.asarray(reweighing_weights(train.label_ids, train.groups("gender")))}
    began, cpu = time.perf_counter(), time.process_time()
    fine_tune(config, train, val, out / variant, checkpoint_dir=out / f"ckpt-{variant}", resume=False,
              progress=False, **kwargs)
    return time.perf_counter() - began, time.process_time() - cpu


def _row(name: str, preds: Any, y_pred: Any, args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from auditkit.evaluate._fairness import assess

    res = assess(preds.y_true, y_pred, None, sensitive_features={"gender": preds.groups["gender"]},
                 labels=preds.labels, positive_label="urgent", n_boot=args.n_boot, seed=args.seed, min_group_size=10)
    gap = res.attributes["gender"].gaps["equal_opportunity_difference"]
    tprs = {g: r.metrics["tpr"].value for g, r in res.attributes["gender"].groups.items()}
    return {"name": name, "acc": float(np.mean(preds.y_true == y_pred)), "gap": gap, "tprs": tprs}


def _flip_rate(model_dir: Path, texts: list[str], args: argparse.Namespace) -> float | None:
    from auditkit._model_io import load_classifier
    from auditkit.evaluate._predict import predict_scores
    from auditkit.evaluate._term_swap import term_swap

    model, tok = load_classifier(model_dir, device="cpu")
    res = term_swap(lambda t: predict_scores(model, tok, t, batch_size=64, max_length=args.max_length),
                    texts, n_boot=0, seed=args.seed)
    return None if res.overall is None else res.overall.flip_rate.value


def main() -> None:
    args = _args()
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    from auditkit.data import load_dataset
    from auditkit.evaluate import predict
    from auditkit.evaluate._postprocess import threshold_optimize
    from auditkit.examples_data import write_corpus

    variants = [v for v in ("unmitigated", "fairness_loss", "reweighing") if not args.only or v in args.only.split(",")]
    with tempfile.TemporaryDirectory(prefix="auditkit-bench-fair-") as tmp:
        out = Path(tmp)
        files = write_corpus(out / "corpus", n=args.n, seed=args.seed)
        config = _config(args, files.notes_csv)
        data = load_dataset(config.data, seed=args.seed)
        test = data.split("test")
        swap_texts = test.texts[: args.swap_texts]
        rows, seconds, flips = [], {}, {}
        for variant in variants:
            seconds[variant] = _train(config, data, out, variant, args)
            preds = predict(out / variant, test, batch_size=64, max_length=args.max_length, device="cpu")
            rows.append(_row(variant, preds, preds.y_pred, args))
            flips[variant] = _flip_rate(out / variant, swap_texts, args)
            print(f"  trained {variant}: {seconds[variant][0]:.1f}s wall, {seconds[variant][1]:.1f}s CPU", flush=True)
            if variant == "unmitigated":
                val = predict(out / variant, data.split("validation"), batch_size=64, max_length=args.max_length, device="cpu")
                k = val.positive_index
                adjusted = threshold_optimize(val.scores[:, k], val.y_true == k, val.groups["gender"],
                                              preds.scores[:, k], preds.groups["gender"], seed=args.seed)
                rows.append(_row("threshold_optimizer", preds, np.where(adjusted == 1, k, 1 - k), args))
        _print(rows, seconds, flips, args)


def _print(rows: list[dict[str, Any]], seconds: dict[str, tuple[float, float]], flips: dict[str, Any], args: argparse.Namespace) -> None:
    def fmt(x: float | None) -> str:
        return "  n/a" if x is None else f"{x:.3f}"

    print(f"\nfair_training: n={args.n} epochs={args.epochs} max_length={args.max_length} "
          f"constraint={args.constraint} mode={args.mode} weight={args.weight} momentum={args.momentum}")
    print(f"{'variant':<22}{'test acc':>9}{'TPR gap':>9}{'95% CI':>17}{'TPR f/m':>15}{'flip rate':>11}{'wall s':>8}{'CPU s':>8}")
    for r in rows:
        g = r["gap"]
        ci = f"[{fmt(g.ci_low)}, {fmt(g.ci_high)}]"
        tpr = f"{fmt(r['tprs'].get('female'))}/{fmt(r['tprs'].get('male'))}"
        wall, cpu = seconds.get(r["name"], (None, None))
        times = "" if wall is None else f"{wall:>8.1f}{cpu:>8.1f}"
        print(f"{r['name']:<22}{r['acc']:>9.3f}{fmt(g.value):>9}{ci:>17}{tpr:>15}{fmt(flips.get(r['name'])):>11}{times}")
    by = {r["name"]: r for r in rows}
    if "unmitigated" in by and "fairness_loss" in by:
        base, fair = by["unmitigated"], by["fairness_loss"]
        cut = 1 - (fair["gap"].value or 0) / base["gap"].value if base["gap"].value else float("nan")
        drop = 100 * (base["acc"] - fair["acc"])
        wall = seconds["fairness_loss"][0] / seconds["unmitigated"][0]
        cpu = seconds["fairness_loss"][1] / seconds["unmitigated"][1]
        print(f"\nfairness loss vs unmitigated: TPR gap cut {100 * cut:.0f}% (target >= 60%), "
              f"accuracy change {-drop:+.1f} points (target >= -2), "
              f"time ratio {cpu:.2f}x CPU / {wall:.2f}x wall (target <= 1.10x)")


if __name__ == "__main__":
    main()
