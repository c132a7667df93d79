"""Scrub: find and anonymise personal data in text before a model sees it.

:class:`Scrubber` wraps Presidio (analyser + auditkit's recognisers) around a
NER-only spaCy pipeline, anonymises with one of five operators, re-scans its own
output, withholds any text it could not check, and reports counts in a
:class:`ScrubSummary`. :func:`scrub_frame` applies it to table columns,
:class:`ChunkScrubber` to a stream of chunks. :func:`recall_probe` measures recall
on identifiers planted in the user's own texts; :func:`evaluate_gold` scores it on
a labelled gold set. Everything language-specific is a data file
(:func:`available_languages`, :class:`LanguagePack`).
"""

from auditkit.scrub._engine import DEFAULT_ENTITIES, Detection, DetectionEngine
from auditkit.scrub._frame import WITHHELD, ScrubbedFrame, scrub_frame
from auditkit.scrub._gold import GoldDocument, evaluate_gold, format_gold, read_gold
from auditkit.scrub._languages import LanguagePack, available_languages, load_language
from auditkit.scrub._operators import Operator, OperatorName, TagRegistry, apply_operator, load_key
from auditkit.scrub._probe import PROBE_LABEL, RecallProbe, add_recall_probe, recall_probe
from auditkit.scrub._recognizers import RegexRecognizer, RegexRule, default_recognizers
from auditkit.scrub._scrubber import CellResult, Scrubber
from auditkit.scrub._stream import ChunkScrubber
from auditkit.scrub._summary import QuarantineRecord, ScrubSummary, combine_summaries
from auditkit.scrub._workers import auto_workers

__all__ = [
    "CellResult",
    "ChunkScrubber",
    "DEFAULT_ENTITIES",
    "Detection",
    "DetectionEngine",
    "GoldDocument",
    "LanguagePack",
    "Operator",
    "OperatorName",
    "PROBE_LABEL",
    "QuarantineRecord",
    "RecallProbe",
    "RegexRecognizer",
    "RegexRule",
    "ScrubSummary",
    "ScrubbedFrame",
    "Scrubber",
    "TagRegistry",
    "WITHHELD",
    "add_recall_probe",
    "apply_operator",
    "auto_workers",
    "available_languages",
    "combine_summaries",
    "default_recognizers",
    "evaluate_gold",
    "format_gold",
    "load_key",
    "load_language",
    "read_gold",
    "recall_probe",
    "scrub_frame",
]
