"""Writing the synthetic corpus to disk, byte-identically for a seed.

:func:`write_corpus` writes three files atomically: ``clinical_notes.csv``
(``\\n`` line endings, minimal quoting, UTF-8), ``pii_spans.jsonl`` (one sorted-key
JSON object per inserted identifier) and ``bias.json`` (sorted keys).
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from auditkit._io import atomic_write_json, atomic_write_text
from auditkit._logging import get_logger
from auditkit.examples_data._generate import CSV_COLUMNS, Corpus, generate_corpus

__all__ = ["BIAS_NAME", "CSV_NAME", "SPANS_NAME", "CorpusFiles", "write_corpus", "write_corpus_files"]

CSV_NAME = "clinical_notes.csv"
SPANS_NAME = "pii_spans.jsonl"
BIAS_NAME = "bias.json"
_log = get_logger(__name__)


@dataclass(frozen=True)
class CorpusFiles:
    """Paths of the files :func:`write_corpus` wrote."""

    notes_csv: Path
    pii_spans: Path
    bias: Path

    def paths(self) -> tuple[Path, Path, Path]:
        """The three paths in writing order."""
        return (self.notes_csv, self.pii_spans, self.bias)


def _csv_text(corpus: Corpus) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for note in corpus.notes:
        writer.writerow([getattr(note, column) for column in CSV_COLUMNS])
    return buffer.getvalue()


def _spans_text(corpus: Corpus) -> str:
    lines = [json.dumps(span.to_dict(), sort_keys=True, ensure_ascii=False) for span in corpus.spans]
    return "".join(line + "\n" for line in lines)


def write_corpus_files(corpus: Corpus, out_dir: str | os.PathLike[str]) -> CorpusFiles:
    """Write an already generated ``corpus`` into ``out_dir`` (created if missing)."""
    root = Path(out_dir)
    files = CorpusFiles(root / CSV_NAME, root / SPANS_NAME, root / BIAS_NAME)
    atomic_write_text(files.notes_csv, _csv_text(corpus))
    atomic_write_text(files.pii_spans, _spans_text(corpus))
    atomic_write_json(files.bias, corpus.bias.to_dict())
    _log.info("wrote example corpus: %d notes, %d identifier spans", corpus.n, len(corpus.spans))
    return files


def write_corpus(
    out_dir: str | os.PathLike[str], *, n: int = 3000, seed: int = 13, test_size: int | None = None
) -> CorpusFiles:
    """Generate the corpus for ``(n, seed)`` and write it into ``out_dir``.

    Parameters
    ----------
    out_dir : path-like
        Folder to write into; created if missing. Existing files of the same
        names are replaced atomically.
    n : int, default 3000
        Number of notes.
    seed : int, default 13
        Seed; the same ``(n, seed)`` writes byte-identical files.
    test_size : int, optional
        Number of test notes (default: 20 % of ``n``); see :func:`generate_corpus`.

    Returns
    -------
    CorpusFiles
        Paths of ``clinical_notes.csv``, ``pii_spans.jsonl`` and ``bias.json``.
    """
    return write_corpus_files(generate_corpus(n, seed=seed, test_size=test_size), out_dir)
