"""Seeded synthetic clinical triage notes with planted PII and planted bias.

``generate_corpus(n, seed=...)`` writes nothing; ``write_corpus(out_dir, ...)``
writes ``clinical_notes.csv`` (id, text, label, gender, age_band, split),
``pii_spans.jsonl`` (every inserted fake identifier with its character span) and
``bias.json``. The same ``(n, seed)`` always gives byte-identical files.

What is planted
---------------
* **PII**: every note names its (fictional) patient, and most carry a date of
  birth, phone number (555-01XX), e-mail (``example.*``), medical record number
  and street address in varied formats; about 10 % carry an SSN. Each value's
  span is recorded, so scrubbing recall is measured exactly.
* **Bias**: the true label is ``urgent`` when the note has an urgent symptom.
  In the historically labelled splits (train and validation) truly urgent notes
  of female patients are labelled ``routine`` with probability 0.9 for cardiac
  and pain presentations and 0.4 otherwise when they are under 65, and 1.0 and
  0.9 when they are 65 or older: historic under-triage, worst for older women.
  The test split is labelled by symptoms alone. Notes carry gendered words
  (she/he, her/his, woman/man, Ms/Mrs/Mr, mother/father) that match the
  ``gender`` column, and most carry a life-stage sentence of their age band
  (student, teenage children, retired...), so a model can pick the bias up; an
  unmitigated classifier shows a lower true-positive rate for women on test, and
  older women's urgent cases are nearly absent from the training labels, so a
  constraint on gender alone, measured on those labels, does not see them.
"""

from __future__ import annotations

from auditkit.examples_data._bias import BiasPlant
from auditkit.examples_data._generate import Corpus, Note, PiiSpan, generate_corpus
from auditkit.examples_data._write import CorpusFiles, write_corpus, write_corpus_files

__all__ = [
    "BiasPlant",
    "Corpus",
    "CorpusFiles",
    "Note",
    "PiiSpan",
    "generate_corpus",
    "write_corpus",
    "write_corpus_files",
]
