"""Benchmark: how fast the release gate starts and judges, and what AuditCallback adds to an evaluation.

Prints, side by side and measured in one run:
1. wall time of ``python -m auditkit.gate`` (strict preset, JUnit + SARIF) vs ``auditkit`` full CLI
   (``python -m auditkit.cli gate``) vs merely importing torch + transformers — the gate must not pay for the model stack;
2. in-process judging throughput on a scorecard with many attributes;
3. ``trainer.evaluate()`` time on a tiny model with and without ``AuditCallback``.

Usage: ``python bench/gate_startup.py [--quick]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _wall(cmd: list[str], repeats: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, env=env, cwd=REPO)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _big_card(n_attrs: int) -> dict:
    from tests.unit.gate._cards import make_scorecard

    card = make_scorecard()
    for i in range(n_attrs):
        card["fairness"][f"attr{i:03d}"] = card["fairness"]["gender"]
    return card


def bench_startup(tmp: Path, repeats: int) -> None:
    from tests.unit.gate._cards import make_scorecard, write_card

    card = write_card(tmp / "scorecard.json", make_scorecard())
    gate = [sys.executable, "-m", "auditkit.gate", str(card), "--policy", "strict", "--junit", str(tmp / "j.xml"), "--sarif", str(tmp / "s.sarif"), "-q"]
    full = [sys.executable, "-m", "auditkit.cli", "gate", str(card), "--policy", "strict", "-q"]
    heavy = [sys.executable, "-c", "import torch, transformers"]
    t_gate, t_full, t_heavy = _wall(gate, repeats), _wall(full, repeats), _wall(heavy, repeats)
    print("1. gate start-up (median wall seconds, %d runs)" % repeats)
    print(f"   python -m auditkit.gate      {t_gate:7.3f} s")
    print(f"   python -m auditkit.cli gate  {t_full:7.3f} s")
    print(f"   import torch, transformers   {t_heavy:7.3f} s")
    print(f"   ratio torch-import / gate    {t_heavy / t_gate:7.2f} x")


def bench_judging(n_attrs: int) -> None:
    from auditkit.gate import evaluate, junit_xml, load_policy, sarif_json

    card, policy = _big_card(n_attrs), load_policy("strict")
    began = time.perf_counter()
    verdict = evaluate(card, policy)
    junit_xml(verdict)
    sarif_json(verdict)
    seconds = time.perf_counter() - began
    print(f"2. judging {len(verdict.outcomes)} rule outcomes over {n_attrs + 2} attributes incl. JUnit+SARIF: "
          f"{seconds * 1000:.1f} ms ({len(verdict.outcomes) / seconds:,.0f} outcomes/s)")


def bench_callback(tmp: Path, n_rows: int) -> None:
    import pandas as pd
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer, TrainingArguments

    from auditkit.train import AuditCallback
    from tests._tiny import build_tiny_model

    torch.set_num_threads(1)
    model_dir = build_tiny_model(tmp / "tiny")
    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    frame = pd.DataFrame({
        "text": [("severe chest pain" if i % 3 else "routine refill") + (" she" if i % 2 else " he") for i in range(n_rows)],
        "label": ["urgent" if i % 3 else "routine" for i in range(n_rows)],
        "gender": ["female" if i % 2 else "male" for i in range(n_rows)],
    })
    enc = tok(frame["text"].tolist())
    data = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": int(frame["label"][i] == "urgent")}
            for i in range(n_rows)]
    results = {}
    for name, callbacks in (("plain Trainer", []), ("with AuditCallback", [AuditCallback(frame, min_group_size=5)])):
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True)
        args = TrainingArguments(output_dir=str(tmp / name.replace(" ", "_")), report_to="none", per_device_eval_batch_size=64,
                                 disable_tqdm=True, dataloader_pin_memory=False, use_cpu=True)
        trainer = Trainer(model=model, args=args, eval_dataset=data, processing_class=tok,
                          data_collator=DataCollatorWithPadding(tok), callbacks=callbacks,
                          compute_metrics=callbacks[0].compute_metrics if callbacks else None)
        trainer.evaluate()  # warm-up
        began = time.perf_counter()
        trainer.evaluate()
        results[name] = time.perf_counter() - began
    print(f"3. trainer.evaluate() on {n_rows} rows, tiny BERT, CPU")
    for name, seconds in results.items():
        print(f"   {name:<20} {seconds:7.3f} s")
    print(f"   ratio with/without       {results['with AuditCallback'] / results['plain Trainer']:7.2f} x")


def main() -> None:
    """Run the three measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and rows")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bench_startup(tmp, repeats=1 if args.quick else 3)
        bench_judging(n_attrs=20 if args.quick else 200)
        bench_callback(tmp, n_rows=200 if args.quick else 1000)


if __name__ == "__main__":
    main()
