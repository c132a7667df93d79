"""GPU readiness in one run: bf16 AMP training, attribution up to a real out-of-memory, throughput vs peak.

On a CUDA machine this script

1. measures the device's bf16 matmul peak (8192^3 matmuls timed with CUDA events);
2. fine-tunes the demo (synthetic clinical notes, the bundled MiniLM-L6, the
   fairness loss) with ``training.mixed_precision: bf16`` through ``fine_tune`` and
   reports training examples/s and the share of the measured peak it reaches;
3. runs auditkit's attribution engine at growing rows per pass (examples x steps,
   with the engine's free-memory cap lifted) until the device really runs out of
   memory, checks the engine caught the error and backed off (``oom_backoffs`` > 0)
   and that the attributions after the back-off equal those of a run that fit
   (the OOM path gives the same answer), and reports examples/s per pass size.

Shares of peak count 6 x parameters x tokens per training example or per
attribution row (forward + backward; attention's own FLOPs left out, so they
understate). Without CUDA it prints one line and exits 0.

Run: ``python bench/gpu_check.py [--budget-s 420] [--json out.json]``
(``--cpu-smoke`` runs every step on the CPU with a tiny model, to check the script.)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402


def matmul_peak_tflops(device: torch.device, *, n: int = 8192, repeats: int = 20) -> float:
    """Measured bf16 matmul throughput (TFLOP/s) on ``device``."""
    a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    if device.type != "cuda":
        began = time.perf_counter()
        for _ in range(repeats):
            a @ b
        return 2 * n**3 * repeats / (time.perf_counter() - began) / 1e12
    torch.cuda.synchronize(device)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        a @ b
    end.record()
    torch.cuda.synchronize(device)
    return 2 * n**3 * repeats / (start.elapsed_time(end) / 1e3) / 1e12


def _params(model: Any) -> int:
    """Parameters outside the embedding table (what 6 x params x tokens counts)."""
    embed = sum(p.numel() for p in model.get_input_embeddings().parameters())
    return sum(p.numel() for p in model.parameters()) - embed


def train_demo(folder: Path, *, model_path: Path | None, n_notes: int, epochs: float, batch: int,
               device: str, peak: float) -> dict[str, Any]:
    """fine_tune on the demo corpus with bf16 AMP (the fairness loss on); examples/s and share of peak."""
    from auditkit._model_io import load_classifier
    from auditkit.config import parse_config
    from auditkit.data import load_dataset
    from auditkit.examples_data import write_corpus
    from auditkit.train import FairnessLoss, fine_tune, group_index

    corpus = write_corpus(folder / "corpus", n=n_notes, seed=13)
    config = parse_config({
        "name": "gpu-check", "seed": 13, "output_dir": str(folder / "runs"),
        "data": {"path": str(corpus.notes_csv), "labels": ["routine", "urgent"], "positive_label": "urgent",
                 "sensitive": ["gender"], "id_column": "id", "split_column": "split"},
        "model": {"path": str(model_path) if model_path else None, "max_length": 128},
        "training": {"epochs": epochs, "batch_size": batch, "learning_rate": 5e-5, "mixed_precision": "bf16",
                     "device": device, "save_checkpoints": False, "early_stopping_patience": None},
    })
    data = load_dataset(config.data, seed=config.seed)
    train, val = data.split("train"), data.split("validation")
    _, groups = group_index(train.groups("gender"))
    loss = FairnessLoss("equal_opportunity", n_groups=len(groups), positive_index=train.positive_index)
    began = time.perf_counter()
    artifact = fine_tune(config, train, val, folder / "model", fairness_loss=loss, group_attr="gender", progress=False)
    seconds = time.perf_counter() - began
    model, tokenizer = load_classifier(artifact.path)
    tokens = sum(len(t) for t in tokenizer(list(train.texts), truncation=True, max_length=128)["input_ids"])
    t = artifact.training
    per_second = float(t["train_samples_per_second"])
    flops = 6 * _params(model) * tokens / len(train) * per_second
    return {"examples_per_s": round(per_second, 1), "mixed_precision": t["mixed_precision"], "device": t["device"],
            "steps": t["steps"], "seconds_total": round(seconds, 1), "mean_tokens": round(tokens / len(train), 1),
            "share_of_peak": round(flops / 1e12 / peak, 4), "model_folder": str(artifact.path),
            "notes_csv": str(corpus.notes_csv)}


def _engine_run(model: Any, encoded: list[Any], rows_per_pass: int, steps: int, device: torch.device,
                pad_id: int) -> tuple[dict[int, Any], Any, float]:
    from auditkit.explain._engine import EngineSettings, attribute_all
    from auditkit.explain._methods import default_registry

    settings = EngineSettings(device=device, n_steps=steps, batch_size=max(1, rows_per_pass // steps),
                              autocast=True, max_internal_batch_size=rows_per_pass, memory_fraction=1e6)
    targets = torch.zeros(len(encoded), dtype=torch.long).numpy()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    began = time.perf_counter()
    scores, _, report = attribute_all(default_registry().create("layer_integrated_gradients"), model, encoded,
                                      list(range(len(encoded))), targets, settings, pad_id)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return scores, report, time.perf_counter() - began


def attribution_ladder(model_folder: Path, *, device: torch.device, steps: int, start_rows: int, max_rows: int,
                       peak: float, budget_s: float, texts: list[str]) -> dict[str, Any]:
    """Grow rows per pass until a real OOM is caught and backed off; examples/s at each size."""
    import numpy as np

    from auditkit._model_io import load_classifier
    from auditkit.explain._encode import encode_texts

    model, tokenizer = load_classifier(model_folder, device=str(device))
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    began, rungs, reference, oom = time.perf_counter(), [], None, None
    rows = start_rows
    while rows <= max_rows and time.perf_counter() - began < budget_s:
        n_examples = max(1, rows // steps)
        batch_texts = [texts[i % len(texts)] for i in range(n_examples)]
        encoded = encode_texts(tokenizer, batch_texts, max_length=128)
        scores, report, seconds = _engine_run(model, encoded, rows, steps, device, tokenizer.pad_token_id or 0)
        tokens = sum(len(e.ids) for e in encoded)
        rung = {"rows_per_pass": rows, "examples": n_examples, "examples_per_s": round(n_examples / seconds, 1),
                "oom_backoffs": report.oom_backoffs, "internal_batch_sizes": sorted(set(report.internal_batch_sizes)),
                "share_of_peak": round(6 * _params(model) * tokens * steps / seconds / 1e12 / peak, 4)}
        rungs.append(rung)
        print(f"  attribution {rows:>7} rows/pass: {rung['examples_per_s']:8.1f} examples/s, "
              f"{rung['share_of_peak']:.1%} of peak, OOM back-offs {report.oom_backoffs}", flush=True)
        if report.oom_backoffs == 0:
            reference = (batch_texts, scores)
        else:
            oom = rung
            if reference is not None:  # the back-off must give what a run that fit gives
                ref_texts, ref_scores = reference
                same = [i for i, t in enumerate(batch_texts[: len(ref_texts)]) if t == ref_texts[i]]
                diffs = [float(np.abs(scores[i] - ref_scores[i]).max()) for i in same]
                oom["max_abs_difference_vs_fitting_run"] = max(diffs) if diffs else None
            break
        rows *= 4
    if device.type == "cuda":
        oom_memory = torch.cuda.max_memory_allocated(device) / 2**30
    else:
        oom_memory = None
    return {"rungs": rungs, "oom_caught_and_backed_off": oom is not None, "oom_rung": oom,
            "peak_allocated_gib": None if oom_memory is None else round(oom_memory, 1),
            "stopped_by": "oom" if oom else ("budget" if time.perf_counter() - began >= budget_s else "max_rows")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-s", type=float, default=420.0, help="stop the attribution ladder after this long")
    parser.add_argument("--notes", type=int, default=800)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--cpu-smoke", action="store_true", help="check the script on the CPU with a tiny model")
    args = parser.parse_args()
    if not torch.cuda.is_available() and not args.cpu_smoke:
        print("gpu_check: no CUDA device here (torch.cuda.is_available() is False); nothing to check")
        return
    device = torch.device("cpu" if args.cpu_smoke else "cuda")
    name = "cpu (smoke run)" if args.cpu_smoke else torch.cuda.get_device_name(device)
    peak = matmul_peak_tflops(device, n=1024 if args.cpu_smoke else 8192, repeats=2 if args.cpu_smoke else 20)
    print(f"gpu_check on {name}: measured bf16 matmul peak {peak:.1f} TFLOP/s", flush=True)
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as tmp:
        folder = Path(tmp)
        model_path = None
        if args.cpu_smoke:
            from tests._tiny import build_tiny_model

            model_path = build_tiny_model(folder / "tiny")
        training = train_demo(folder, model_path=model_path, n_notes=120 if args.cpu_smoke else args.notes,
                              epochs=1 if args.cpu_smoke else args.epochs, batch=16 if args.cpu_smoke else args.batch,
                              device=device.type, peak=peak)
        print(f"  training ({training['mixed_precision']}, fairness loss): {training['examples_per_s']} examples/s, "
              f"{training['share_of_peak']:.1%} of peak", flush=True)
        from auditkit.data import load_table

        texts = load_table(training.pop("notes_csv"))["text"].tolist()
        ladder = attribution_ladder(Path(training["model_folder"]), device=device, steps=4 if args.cpu_smoke else args.steps,
                                    start_rows=8 if args.cpu_smoke else 1024, max_rows=32 if args.cpu_smoke else 2**22,
                                    peak=peak, budget_s=args.budget_s, texts=texts)
    result = {"device": name, "matmul_peak_tflops": round(peak, 1), "training": training, "attribution": ladder}
    verdict = "caught and backed off" if ladder["oom_caught_and_backed_off"] else f"not reached ({ladder['stopped_by']})"
    print(f"  out-of-memory: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
