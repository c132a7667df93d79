"""Scrubbing throughput and driver memory: the local engine vs Spark ``local[1]`` and ``local[2]``.

Every measurement is ``auditkit scrub`` (the CLI: the full engine, spaCy NER +
Presidio + auditkit's recognisers, recall probe off) on the same N synthetic notes
in a fresh subprocess: ``--engine local`` in one process, ``--engine spark`` inside
a Spark session started with ``local[1]`` or ``local[2]`` (one JVM that is both
driver and executor, one Python worker per core, one Scrubber per worker), or with
``local-cluster[2,1,1024]`` (mode ``cluster2``: the driver JVM apart from two
one-core executor JVMs of 1 GiB heap each, as on a real cluster). Outputs are
compared row for row (Spark writes a folder of part files; rows are matched by id)
and must be identical. Throughput is notes per second of the scrub itself (Spark's
session start is reported apart).

Memory is each process's peak RSS (``VmHWM``). The *driver* is the Python process
plus the driver JVM: no row passes through it, so it should not grow with N; the
bench prints its ratio between the largest and smallest ``--sizes`` (``--sizes 20000
200000 --modes cluster2`` checks it in about 20 minutes on 2 cores). Only
``cluster2`` measures the driver JVM alone: in ``local[N]`` the one JVM also runs
the executor, whose G1 heap expands toward its ``-Xmx`` (``spark.driver.memory``,
1 GiB by default) as allocation goes on, so that figure rises over a long run up to
a bound set by configuration, not by the rows (NativeMemoryTracking on a 20,000-note
``local[2]`` run: +279 MB of its +368 MB was committed Java heap).

The notes are one Parquet file as pandas writes it (one row group up to 1Mi rows),
which Spark reads as one partition; auditkit spreads it over the cores first. Each
line says how many tasks had rows (non-empty part files): one task would mean
``local[2]`` ran on one core.

Run: ``python bench/scrub_scale.py [--sizes 20000] [--modes local spark1 spark2 cluster2]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _notes(folder: Path, n: int) -> Path:
    import pandas as pd

    from auditkit.examples_data import write_corpus

    notes = pd.read_csv(write_corpus(folder / "corpus", n=n, seed=13).notes_csv, dtype=str)
    path = folder / "notes.parquet"
    notes[["id", "text"]].to_parquet(path, index=False)
    return path


def _peak_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


MASTERS = {"spark1": "local[1]", "spark2": "local[2]", "cluster2": "local-cluster[2,1,1024]"}


def _executor_pids(driver: int) -> list[int]:
    """The executor JVMs a ``local-cluster`` driver started (none in ``local[N]``, where the driver runs the tasks)."""
    found = subprocess.run(["pgrep", "-P", str(driver), "-f", "CoarseGrainedExecutorBackend"], capture_output=True,
                           text=True, check=False).stdout.split()
    return [int(pid) for pid in found]


def _child(mode: str, source: Path, output: Path) -> None:
    from auditkit.cli._app import main

    argv = ["--quiet", "scrub", str(source), "-o", str(output), "--text-column", "text", "--no-recall-probe",
            "--summary", str(output.with_suffix(".json"))]
    jvm_kb, executors_kb, started = 0, [], 0.0
    if mode in MASTERS:
        from pyspark.sql import SparkSession

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        began = time.perf_counter()
        spark = (SparkSession.builder.master(MASTERS[mode]).appName("scrub-scale")
                 .config("spark.ui.enabled", "false").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        started = time.perf_counter() - began
        argv[2:2] = ["--engine", "spark"]
    began = time.perf_counter()
    code = main(argv)
    seconds = time.perf_counter() - began
    if mode in MASTERS:
        driver = spark.sparkContext._gateway.proc.pid  # noqa: SLF001 - the JVM py4j started
        jvm_kb = _peak_kb(driver)
        executors_kb = [_peak_kb(pid) for pid in _executor_pids(driver)]
        if mode == "cluster2" and len(executors_kb) != 2:  # else the driver figure would include no executor at all
            sys.exit(f"cluster2: found {len(executors_kb)} executor JVMs under the driver, expected 2")
        spark.stop()
    print(json.dumps({"code": code, "seconds": seconds, "session_seconds": started,
                      # VmHWM, not ru_maxrss: a vfork-spawned child's ru_maxrss starts at the parent's peak
                      # (here the corpus generation, ~1 GB at 200,000 notes), which is not the driver's memory.
                      "driver_python_mb": _peak_kb(os.getpid()) / 1024,
                      "jvm_mb": jvm_kb / 1024, "executor_jvm_mb": [kb / 1024 for kb in executors_kb]}))


def _run(mode: str, source: Path, output: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(source), str(output)], env=env,
                          capture_output=True, text=True, check=False)
    result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else {"code": proc.returncode}
    if result["code"] != 0:
        sys.exit(f"{mode} failed (exit {result['code']}):\n{proc.stderr[-3000:]}")
    return result


def _same_rows(local: Path, other: Path) -> bool:
    import pandas as pd

    a = pd.read_parquet(local)
    b = pd.read_parquet(other).set_index("id").loc[a["id"]].reset_index()
    return bool(len(a) == len(b) and (a["text"].to_numpy() == b["text"].to_numpy()).all())


def _tasks_with_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(part).metadata.num_rows > 0 for part in folder.glob("part-*.parquet"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000])
    parser.add_argument("--modes", nargs="+", default=["local", "spark1", "spark2", "cluster2"],
                        choices=["local", *MASTERS])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    print(f"auditkit scrub, full engine, recall probe off; {os.cpu_count()} cores")
    peaks: dict[str, list[tuple[int, float]]] = {}
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="scrub-scale-") as tmp:
            source = _notes(Path(tmp), n)
            outputs, rows = {}, []
            for mode in args.modes:
                outputs[mode] = Path(tmp) / f"{mode}.parquet"
                r = _run(mode, source, outputs[mode])
                rows.append((mode, r))
            for mode, r in rows:
                peaks.setdefault(mode, []).append((n, r["driver_python_mb"] + r["jvm_mb"]))
                same = "reference" if mode == "local" else (
                    "no local reference" if "local" not in outputs else
                    "identical" if _same_rows(outputs["local"], outputs[mode]) else "DIFFERENT")
                tasks = 0 if mode == "local" else _tasks_with_rows(outputs[mode])
                extra = "" if mode == "local" else f" + {r['session_seconds']:.1f} s session, {tasks} task(s) with rows"
                jvm = ("" if mode == "local" else f" + driver JVM {r['jvm_mb']:5.0f} MB" if r["executor_jvm_mb"] else
                       f" + JVM (driver and executor) {r['jvm_mb']:5.0f} MB")
                executors = "".join(f"; executor JVM {mb:5.0f} MB" for mb in r["executor_jvm_mb"])
                print(f"  {n:>7,} notes {mode:<8} {n / r['seconds']:7.1f} notes/s ({r['seconds']:7.1f} s{extra}), "
                      f"peak: python {r['driver_python_mb']:5.0f} MB{jvm}{executors}; output {same}")
    for mode, sized in peaks.items():
        if len(sized) > 1:
            (small, low), (large, high) = min(sized), max(sized)
            print(f"  {mode}: driver peak {low:.0f} MB at {small:,} notes, {high:.0f} MB at {large:,}: "
                  f"{high / low:.2f}x for {large / small:.0f}x the rows")


if __name__ == "__main__":
    main()
