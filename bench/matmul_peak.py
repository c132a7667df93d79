"""This machine's measured matmul peak, the yardstick for "fraction of peak" in the other benches.

Times a square ``n x n @ n x n`` matmul (default n = 2048, i.e. 2 n^3 = 17.2 GFLOP per
call) with torch on the chosen device and thread count, in bf16 and fp32, and reports
the median GFLOP/s over several rounds (spread printed). On CPU the bf16 figure uses
whatever kernel torch/oneDNN picks for bf16 inputs (AVX512-BF16 or AMX where the CPU
has them); it is the practical ceiling a bf16-autocast model can approach, not a
datasheet number.

Importable from another bench script (``bench/`` on ``sys.path``, as when the script is
run as ``python bench/x.py``)::

    from matmul_peak import measured_peak, fraction_of_peak
    peak = measured_peak("bf16")            # GFLOP/s, cached per (dtype, n, threads, device)
    print(f"{fraction_of_peak(flops, seconds, 'bf16'):.0%} of measured bf16 peak")

Runnable::

    python bench/matmul_peak.py [--n 2048] [--rounds 7] [--threads 2] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from functools import lru_cache

import torch

_DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32, "fp16": torch.float16}


@dataclass(frozen=True)
class PeakResult:
    """Median and spread of measured matmul throughput for one dtype."""

    dtype: str
    n: int
    threads: int
    device: str
    gflops_median: float
    gflops_min: float
    gflops_max: float
    rounds: int

    def line(self) -> str:
        return (f"{self.dtype:>5} {self.n}^3 matmul on {self.device}, {self.threads} thread(s): "
                f"{self.gflops_median:8.1f} GFLOP/s median over {self.rounds} rounds "
                f"(spread {self.gflops_min:.1f}-{self.gflops_max:.1f})")


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def measure(dtype: str = "bf16", *, n: int = 2048, rounds: int = 7, threads: int | None = None,
            device: str = "cpu", min_seconds: float = 0.25) -> PeakResult:
    """Median GFLOP/s of ``n^3`` matmuls in ``dtype`` over ``rounds`` rounds (each >= ``min_seconds``)."""
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_DTYPES)}")
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        gen = torch.Generator(device="cpu").manual_seed(0)
        a = torch.randn(n, n, generator=gen).to(device=device, dtype=_DTYPES[dtype])
        b = torch.randn(n, n, generator=gen).to(device=device, dtype=_DTYPES[dtype])
        out = torch.empty(n, n, device=device, dtype=_DTYPES[dtype])
        flop = 2.0 * n ** 3
        for _ in range(2):  # warm-up: kernel selection, page faults, clocks
            torch.matmul(a, b, out=out)
        _sync(device)
        # calls per round so that a round lasts at least min_seconds
        start = time.perf_counter()
        torch.matmul(a, b, out=out)
        _sync(device)
        one = max(time.perf_counter() - start, 1e-6)
        reps = max(1, int(min_seconds / one))
        rates = []
        for _ in range(rounds):
            _sync(device)
            start = time.perf_counter()
            for _ in range(reps):
                torch.matmul(a, b, out=out)
            _sync(device)
            rates.append(flop * reps / (time.perf_counter() - start) / 1e9)
        return PeakResult(dtype, n, torch.get_num_threads(), device, statistics.median(rates), min(rates),
                          max(rates), rounds)
    finally:
        torch.set_num_threads(previous)


@lru_cache(maxsize=None)
def _cached(dtype: str, n: int, threads: int, device: str) -> PeakResult:
    return measure(dtype, n=n, threads=threads, device=device)


def measured_peak(dtype: str = "bf16", *, n: int = 2048, threads: int | None = None, device: str = "cpu") -> float:
    """Median GFLOP/s of an ``n^3`` matmul in ``dtype`` (measured once per process and cached)."""
    return peak_result(dtype, n=n, threads=threads, device=device).gflops_median


def peak_result(dtype: str = "bf16", *, n: int = 2048, threads: int | None = None, device: str = "cpu") -> PeakResult:
    """The full :class:`PeakResult` behind :func:`measured_peak` (cached)."""
    return _cached(dtype, n, threads or torch.get_num_threads(), device)


def fraction_of_peak(flops: float, seconds: float, dtype: str = "bf16", *, threads: int | None = None,
                     device: str = "cpu") -> float:
    """Achieved ``flops / seconds`` as a fraction of :func:`measured_peak` for ``dtype``."""
    return flops / seconds / 1e9 / measured_peak(dtype, threads=threads, device=device)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2048, help="matrix side (default 2048)")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds; the median is reported (default 7)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--dtypes", default="bf16,fp32", help="comma-separated: bf16,fp32,fp16")
    args = parser.parse_args()
    from torch.backends import cpu as cpu_backend

    print(f"torch {torch.__version__}; CPU capability {cpu_backend.get_cpu_capability()}; "
          f"threads {args.threads or torch.get_num_threads()}")
    for dtype in args.dtypes.split(","):
        print(measure(dtype.strip(), n=args.n, rounds=args.rounds, threads=args.threads, device=args.device).line())


if __name__ == "__main__":
    main()
