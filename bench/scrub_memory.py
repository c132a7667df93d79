"""Peak memory of ``auditkit scrub`` on 10x more rows: streaming keeps it flat.

Each measurement runs ``auditkit scrub`` (the CLI entry point, chunked reading and
writing, atomic output) in a fresh subprocess and reads that process's peak RSS
with ``resource.getrusage``. Rows are short synthetic notes (about 80 characters,
a phone number and an e-mail address each), written once per size.

Two engines:

* ``regex`` (default sizes 20,000 and 200,000 rows): the real Scrubber, operator,
  chunk scrubber and table writer, with the detection engine swapped for three
  regular expressions (e-mail, phone, SSN). The full engine scrubs about 400-800
  short rows/s on 2 cores, so 200,000 rows would take minutes; the streaming
  machinery, not spaCy, is what this measures.
* ``full`` (default sizes 2,000 and 20,000 rows): the real engine (spaCy NER +
  Presidio + auditkit's recognisers), to show the same flatness end to end.

``--whole`` adds the pre-streaming path (``load_table`` + ``scrub_frame`` +
``save_table``) with the regex engine, for contrast. The recall probe is off
(its sample is bounded and does not grow with the input).

Run: ``python bench/scrub_memory.py [--format csv|jsonl|parquet] [--whole]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class _RegexEngine:
    """A detection engine of three regular expressions (bench only)."""

    _PATTERNS = {
        "EMAIL_ADDRESS": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        "PHONE_NUMBER": r"\b\d{3}-\d{3}-\d{4}\b",
        "US_SSN": r"\b\d{3}-\d{2}-\d{4}\b",
    }

    def __init__(self, config: Any, **_: Any) -> None:
        self.config = config
        self.entities = sorted(self._PATTERNS)
        self._compiled = [(e, re.compile(p)) for e, p in self._PATTERNS.items()]

    def detect_many(self, texts: list[str], **_: Any) -> list[Any]:
        from auditkit.scrub import Detection

        return [[Detection(e, m.start(), m.end(), 0.9) for e, rx in self._compiled for m in rx.finditer(t)] for t in texts]


def _child(args: argparse.Namespace) -> None:
    if args.engine == "regex":
        import auditkit.scrub._scrubber as module

        module.DetectionEngine = _RegexEngine  # type: ignore[assignment,misc]
    started = time.perf_counter()
    if args.whole:
        from auditkit.config import ScrubConfig
        from auditkit.data import load_table, save_table
        from auditkit.scrub import Scrubber, scrub_frame

        result = scrub_frame(load_table(args.input), ["note"], scrubber=Scrubber(ScrubConfig(residual_check=False)))
        save_table(result.frame, args.output)
        code = 0
    else:
        from auditkit.cli._app import main

        code = main(["scrub", args.input, "-o", args.output, "--text-column", "note", "--no-progress",
                     "--no-recall-probe", "--config", args.config])
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"code": code, "peak_mib": round(peak_kib / 1024, 1), "seconds": round(time.perf_counter() - started, 1)}))


def _write_input(folder: Path, rows: int, fmt: str) -> Path:
    import pandas as pd

    from auditkit.data import save_table

    notes = [f"Patient {i} called from 555-201-{i % 10000:04d} about a rash; email p{i}@example.org" for i in range(rows)]
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(rows)], "note": notes, "label": ["routine"] * rows})
    return save_table(frame, folder / f"in_{rows}.{fmt}")


def _measure(folder: Path, source: Path, engine: str, fmt: str, *, whole: bool = False) -> dict[str, Any]:
    config = folder / "audit.yaml"
    config.write_text("data: {path: x.csv, labels: [a, b]}\nmodel: {path: m}\nscrub: {residual_check: false}\n")
    out = folder / f"out.{fmt}"
    cmd = [sys.executable, __file__, "--child", "--engine", engine, "--input", str(source), "--output", str(out),
           "--config", str(config)] + (["--whole"] if whole else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"child failed (exit {done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    out.unlink(missing_ok=True)
    return result


def main() -> None:
    """Print peak RSS per engine and size, and the ratio of the larger to the smaller."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["regex", "full"], default="regex")
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--whole", action="store_true", help="also measure the whole-file (pre-streaming) path")
    parser.add_argument("--format", choices=["csv", "jsonl", "parquet"], default="csv")
    parser.add_argument("--regex-sizes", default="20000,200000")
    parser.add_argument("--full-sizes", default="2000,20000", help="sizes for the full engine ('' skips it)")
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    plans = [("regex", [int(n) for n in args.regex_sizes.split(",") if n], False)]
    plans += [("full", [int(n) for n in args.full_sizes.split(",") if n], False)]
    if args.whole:
        plans.append(("regex", [int(n) for n in args.regex_sizes.split(",") if n], True))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for engine, sizes, whole in plans:
            peaks = []
            for rows in sizes:
                source = _write_input(folder, rows, args.format)
                result = _measure(folder, source, engine, args.format, whole=whole)
                peaks.append(result["peak_mib"])
                label = f"{engine}{' whole-file' if whole else ' streaming'}"
                print(f"{label:<20} {args.format:<8} {rows:>8} rows  peak RSS {result['peak_mib']:>8.1f} MiB  "
                      f"{result['seconds']:>6.1f} s  exit {result['code']}")
            if len(peaks) >= 2:
                print(f"{'':<20} ratio {sizes[-1]:,} / {sizes[0]:,} rows: {peaks[-1] / peaks[0]:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
