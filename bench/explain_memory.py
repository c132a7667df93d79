"""Peak memory of ``explain.sample: all`` on 4x more test examples: streaming keeps it flat.

Each measurement runs the explain stage of the pipeline in a fresh subprocess on a
run folder whose test split holds N demo notes (``auditkit make-example-data``'s
generator), with ``explain.sample: all``: every note is explained, chunk by chunk,
and each chunk's word rows are appended to ``explain/attributions.parquet`` as a
row group. The child reports its peak RSS (``resource.getrusage``) and the RSS it
had before the stage (model loaded, libraries imported), so the figure is what
the stage adds. ``--whole`` also measures the pre-streaming path (one
``explain()`` call over every note, the frame written at the end), for contrast.

The model is a tiny random BERT (tests/_tiny.py) so thousands of notes finish in
a minute on 2 cores: the stream, not the model, is what this measures.

Target: peak RSS on 2,000 notes within 1.3x of 500.
Run: ``python bench/explain_memory.py [--sizes 500 2000] [--steps 8] [--whole]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _prepare(folder: Path, n: int) -> None:
    """A run folder whose test split is ``n`` demo notes, and a tiny trained-looking model."""
    import pandas as pd

    from auditkit._io import atomic_write_json
    from auditkit.data import save_table
    from auditkit.examples_data import write_corpus
    from tests._tiny import build_tiny_model

    notes = pd.read_csv(write_corpus(folder / "corpus", n=n, seed=13).notes_csv)
    test = pd.DataFrame({"id": notes["id"].astype(str), "text": notes["text"], "label": notes["label"],
                         "split": "test", "gender": notes["gender"]})
    save_table(test, folder / "run" / "data" / "test.jsonl")
    atomic_write_json(folder / "run" / "data" / "meta.json",
                      {"labels": ["routine", "urgent"], "sensitive": ["gender"], "positive_label": "urgent"})
    build_tiny_model(folder / "run" / "model")


def _child(folder: Path, steps: int, whole: bool) -> None:
    import torch

    from auditkit._model_io import load_classifier
    from auditkit.config import RunConfig
    from auditkit.pipeline._stage import StageContext
    from auditkit.pipeline._stages import explain as stage

    torch.set_num_threads(1)
    run = folder / "run"
    config = RunConfig.model_validate({
        "data": {"path": "notes.csv", "sensitive": ["gender"]}, "seed": 3,
        "explain": {"sample": "all", "n_steps": steps, "device": "cpu", "faithfulness_k": [0.1, 0.2],
                    "batch_size": 16},
        "fairness": {"bootstrap": 200}, "model": {"max_length": 128},
    })
    load_classifier(run / "model")  # imports and the first model load, before the baseline reading
    before = _rss_mb()
    began = time.perf_counter()
    if whole:
        _whole(run, config)
        n = len(json.loads((run / "explain_whole.json").read_text()))
    else:
        n = stage.STAGE.run(StageContext(config=config, run_dir=run, progress=False))["n_examples"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"n": n, "before_mb": round(before, 1), "peak_mb": round(peak, 1),
                      "seconds": round(time.perf_counter() - began, 1)}))


def _whole(run: Path, config: object) -> None:
    """The pre-streaming path: every note in one explain() call, the frame written at the end."""
    from auditkit._model_io import load_classifier
    from auditkit.data import load_table, save_table
    from auditkit.explain import explain

    test = load_table(run / "data" / "test.jsonl")
    model, tokenizer = load_classifier(run / "model")
    result = explain(model, tokenizer, test["text"].tolist(), ids=test["id"].astype(str).tolist(),
                     groups={"gender": test["gender"].tolist()}, labels=test["label"].tolist(),
                     n_steps=config.explain.n_steps, device="cpu", faithfulness_k=(0.1, 0.2),  # type: ignore[attr-defined]
                     n_resamples=200, max_length=128)
    save_table(result.to_frame(), run / "whole.parquet")
    (run / "explain_whole.json").write_text(json.dumps([r.id for r in result.records]))


def _measure(n: int, steps: int, whole: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="explain-memory-") as tmp:
        folder = Path(tmp)
        _prepare(folder, n)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
        args = [sys.executable, __file__, "--child", str(folder), "--steps", str(steps), *(["--whole"] if whole else [])]
        out = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[500, 2000])
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--whole", action="store_true", help="also measure one explain() over every note")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.child, args.steps, args.whole)
        return
    print(f"explain.sample: all, tiny BERT, {args.steps} IG steps, faithfulness at k=0.1,0.2, 1 thread")
    for whole in ([False, True] if args.whole else [False]):
        small, large = (_measure(n, args.steps, whole) for n in args.sizes)
        label = "one explain() call (pre-streaming)" if whole else "streamed stage"
        for r in (small, large):
            print(f"  {label:<36} {r['n']:>6} notes: peak {r['peak_mb']:7.1f} MB (before stage {r['before_mb']:6.1f} MB, "
                  f"added {r['peak_mb'] - r['before_mb']:6.1f} MB) in {r['seconds']:6.1f} s")
        ratio = large["peak_mb"] / small["peak_mb"]
        added = (large["peak_mb"] - large["before_mb"]) / max(small["peak_mb"] - small["before_mb"], 1e-9)
        verdict = "within" if ratio <= 1.3 else "OVER"
        print(f"  {label}: peak RSS {args.sizes[1]:,} / {args.sizes[0]:,} = {ratio:.2f}x ({verdict} the 1.3x target); "
              f"memory added by the stage {added:.2f}x")


if __name__ == "__main__":
    main()
