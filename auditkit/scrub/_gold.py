"""Gold-set evaluation: how the scrubber does on text a person labelled.

A gold file is JSON Lines, one document per line, in any of the common labelled-PII
forms: the text under ``text``, ``full_text`` or ``source_text``; its spans under
``spans``, ``entities``, ``privacy_mask``, ``label`` or ``labels``, each either an
object (type under ``type``, ``label``, ``entity_type`` or ``entity``; offsets under
``start``/``end``, ``start_position``/``end_position`` or ``begin``/``end``) or a
doccano-style ``[start, end, type]`` triple. Foreign type names are mapped to
auditkit's through :data:`TYPE_MAP` (``ZIPCODE`` -> ``POSTAL_CODE``, ``PER`` ->
``PERSON`` ...); a name it does not list is kept as written.

Detected spans are the scrubber's replacements: overlapping detections merged into
one span with the best-scored type, as the operators merge them before writing.

Matching rule (documented in the report as ``matching``): a gold span of type T is
*found* when a detected span of T's family overlaps it by at least one character; a
detected span of type T is *correct* when it overlaps a gold span of T's family.
A family is a type alone except for the two in :data:`FAMILIES`: address parts
(a gold ``ADDRESS`` often covers the street, city and ZIP that auditkit reports as
three types) and identity numbers (an SSN found by the cued ID rule is still found).
Precision and recall per type follow from those counts, F1 from them. The ``ALL``
row ignores types (any detection over any gold identifier), which is what matters
for leakage. Gold spans of types the scrubber is not configured to find (say
``ORGANIZATION``) are out of scope: counted under ``out_of_scope``, neither
identifiers nor non-PII, and a detection over one counts against precision.

Token survival splits the text into word tokens (``\\w+``): an identifier token
(inside an in-scope gold span) *survives* unless detected spans cover all of it;
a non-PII token (outside every gold span) is *kept* when no detected span touches it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.exceptions import DataError
from auditkit.scorecard import Metric
from auditkit.scrub._engine import RowFailure
from auditkit.scrub._operators import Span, merge_spans
from auditkit.scrub._probe import clopper_pearson

if TYPE_CHECKING:
    from auditkit.scrub._scrubber import Scrubber

__all__ = ["FAMILIES", "MATCHING_RULE", "TYPE_MAP", "GoldDocument", "GoldSpan", "evaluate_gold", "format_gold", "read_gold"]

MATCHING_RULE = (
    "detected spans = the scrubber's merged replacements; span overlap: a gold span of type T is found when a detected span of T's family overlaps it by >= 1 character; "
    "a detected span of type T is correct when it overlaps a gold span of T's family (families: address = "
    "STREET_ADDRESS, LOCATION, POSTAL_CODE; id number = ID_NUMBER, MRN, US_SSN, US_ITIN, UK_NHS, MEDICAL_LICENSE; "
    "any other type is its own); ALL ignores types; "
    "token survival: an identifier token survives unless detected spans cover all of it"
)

FAMILIES: dict[str, str] = {
    **dict.fromkeys(("STREET_ADDRESS", "LOCATION", "POSTAL_CODE"), "address"),
    **dict.fromkeys(("ID_NUMBER", "MRN", "US_SSN", "US_ITIN", "UK_NHS", "MEDICAL_LICENSE"), "id number"),
}
"""Types that match each other in the per-type scores (any other type matches only itself)."""

TYPE_MAP: dict[str, str] = {
    **dict.fromkeys(("PER", "NAME", "FULLNAME", "FIRSTNAME", "LASTNAME", "MIDDLENAME", "GIVENNAME", "SURNAME",
                     "PATIENT", "DOCTOR", "NAME_STUDENT", "PERSON_NAME"), "PERSON"),
    **dict.fromkeys(("PHONE", "PHONENUMBER", "PHONE_NUM", "TELEPHONENUM", "TELEPHONE", "TEL", "FAX", "MOBILE"), "PHONE_NUMBER"),
    **dict.fromkeys(("EMAIL", "E_MAIL", "EMAILADDRESS"), "EMAIL_ADDRESS"),
    **dict.fromkeys(("ADDRESS", "STREET", "STREETADDRESS", "STREET_NAME", "BUILDINGNUM", "SECONDARYADDRESS"), "STREET_ADDRESS"),
    **dict.fromkeys(("ZIP", "ZIPCODE", "ZIP_CODE", "POSTCODE", "POST_CODE", "POSTALCODE"), "POSTAL_CODE"),
    **dict.fromkeys(("LOC", "GPE", "CITY", "STATE", "COUNTY", "COUNTRY"), "LOCATION"),
    **dict.fromkeys(("DATE", "TIME", "DOB", "DATEOFBIRTH", "BIRTHDATE", "DATE_OF_BIRTH"), "DATE_TIME"),
    **dict.fromkeys(("SSN", "SOCIALNUM", "SOCIAL_SECURITY_NUMBER"), "US_SSN"),
    **dict.fromkeys(("CREDITCARDNUMBER", "CREDIT_CARD_NUMBER", "CREDITCARD", "CC"), "CREDIT_CARD"),
    **dict.fromkeys(("IBAN",), "IBAN_CODE"),
    **dict.fromkeys(("IP", "IPV4", "IPV6", "IPADDRESS"), "IP_ADDRESS"),
    **dict.fromkeys(("DOMAIN", "DOMAIN_NAME", "URL_PERSONAL", "WEBSITE"), "URL"),
    **dict.fromkeys(("MEDICALRECORD", "MEDICAL_RECORD", "MEDICAL_RECORD_NUMBER"), "MRN"),
    **dict.fromkeys(("ID", "ID_NUM", "IDCARDNUM", "IDNUM", "PASSPORT", "PASSPORT_NUMBER", "DRIVERLICENSENUM",
                     "DRIVER_LICENSE", "ACCOUNTNUM", "ACCOUNT_NUMBER", "TAXNUM"), "ID_NUMBER"),
    **dict.fromkeys(("ORG", "ORGANISATION", "COMPANY"), "ORGANIZATION"),
}
"""Foreign entity names (upper-cased, punctuation as ``_``) and the auditkit entity each maps to."""

_TEXT_KEYS = ("text", "full_text", "source_text")
_SPAN_KEYS = ("spans", "entities", "privacy_mask", "label", "labels")
_TYPE_KEYS = ("type", "label", "entity_type", "entity")
_START_KEYS = ("start", "start_position", "begin")
_END_KEYS = ("end", "end_position")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class GoldSpan:
    """One labelled identifier: auditkit entity type and ``[start, end)`` offsets."""

    entity: str
    start: int
    end: int


@dataclass(frozen=True)
class GoldDocument:
    """A labelled text."""

    text: str
    spans: tuple[GoldSpan, ...]


def auditkit_type(label: str) -> str:
    """The auditkit entity name for a foreign label (see :data:`TYPE_MAP`)."""
    name = re.sub(r"[^A-Z0-9]+", "_", str(label).upper()).strip("_")
    return TYPE_MAP.get(name, name)


def _first(record: dict[str, Any], keys: Sequence[str]) -> Any:
    return next((record[key] for key in keys if key in record), None)


def _span(raw: Any, text: str, where: str) -> GoldSpan:
    if isinstance(raw, list | tuple) and len(raw) == 3:
        start, end, label = raw
    elif isinstance(raw, dict):
        label, start, end = _first(raw, _TYPE_KEYS), _first(raw, _START_KEYS), _first(raw, _END_KEYS)
    else:
        raise DataError(f"{where}: a span must be an object with type/start/end or a [start, end, type] triple")
    if not isinstance(label, str) or not label:
        raise DataError(f"{where}: span has no type; expected one of the keys {', '.join(_TYPE_KEYS)}")
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        raise DataError(f"{where}: span offsets must be integers under start/end (or start_position/end_position)")
    if not 0 <= start < end <= len(text):
        raise DataError(f"{where}: span [{start}, {end}) is outside the text (length {len(text)}) or empty")
    return GoldSpan(auditkit_type(label), start, end)


def _document(record: Any, where: str) -> GoldDocument:
    if not isinstance(record, dict):
        raise DataError(f"{where}: expected a JSON object, got a JSON {type(record).__name__}")
    text, spans = _first(record, _TEXT_KEYS), _first(record, _SPAN_KEYS)
    if not isinstance(text, str):
        raise DataError(f"{where}: no text; expected a string under one of {', '.join(_TEXT_KEYS)}")
    if spans is None:
        spans = []
    if not isinstance(spans, list):
        raise DataError(f"{where}: spans must be a list under one of {', '.join(_SPAN_KEYS)}")
    return GoldDocument(text, tuple(_span(raw, text, f"{where}, span {i + 1}") for i, raw in enumerate(spans)))


def read_gold(path: str | Path) -> list[GoldDocument]:
    """Read a gold JSONL file; errors name the line and span, never a value."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"gold file not found: {file}; pass a JSONL file with text and labelled spans")
    docs = []
    with file.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise DataError(f"{file.name}: line {number} is not valid JSON; expected one object per line") from None
            docs.append(_document(record, f"{file.name}: line {number}"))
    if not docs:
        raise DataError(f"{file.name}: the gold file is empty; expected one labelled document per line")
    return docs


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _family(entity: str) -> str:
    return FAMILIES.get(entity, entity)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _covered(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


class _Counts:
    """Running counts for one document set."""

    def __init__(self) -> None:
        self.support: Counter[str] = Counter()
        self.found: Counter[str] = Counter()
        self.predicted: Counter[str] = Counter()
        self.correct: Counter[str] = Counter()
        self.tokens: Counter[str] = Counter()
        self.survived: Counter[str] = Counter()
        self.out_of_scope: Counter[str] = Counter()
        self.plain_tokens = 0
        self.plain_kept = 0

    def add(self, doc: GoldDocument, detected: list[tuple[str, int, int]], scope: set[str]) -> None:
        gold = [s for s in doc.spans if s.entity in scope]
        self.out_of_scope.update(s.entity for s in doc.spans if s.entity not in scope)
        by_type = {t: _merge([(s, e) for k, s, e in detected if k == t]) for t in {k for k, _, _ in detected}}
        union = _merge([(s, e) for _, s, e in detected])
        found_by_family: dict[str, list[tuple[int, int]]] = {}
        for entity, spans in by_type.items():
            found_by_family.setdefault(_family(entity), []).extend(spans)
        gold_by_family: dict[str, list[tuple[int, int]]] = {}
        for span in gold:
            gold_by_family.setdefault(_family(span.entity), []).append((span.start, span.end))
        for span in gold:
            self.support.update((span.entity, "ALL"))
            self.found[span.entity] += _overlaps(span.start, span.end, found_by_family.get(_family(span.entity), []))
            self.found["ALL"] += _overlaps(span.start, span.end, union)
        for entity, spans in by_type.items():
            for start, end in spans:
                self.predicted[entity] += 1
                self.correct[entity] += _overlaps(start, end, gold_by_family.get(_family(entity), []))
        all_gold = [(s.start, s.end) for s in gold]
        for start, end in union:
            self.predicted["ALL"] += 1
            self.correct["ALL"] += _overlaps(start, end, all_gold)
        self._tokens(doc, gold, union)

    def _tokens(self, doc: GoldDocument, gold: list[GoldSpan], union: list[tuple[int, int]]) -> None:
        every = [(s.start, s.end) for s in doc.spans]
        for match in _TOKEN.finditer(doc.text):
            start, end = match.span()
            owner = next((s.entity for s in gold if s.start < end and start < s.end), None)
            if owner is not None:
                left = not _covered(start, end, union)
                for key in (owner, "ALL"):
                    self.tokens[key] += 1
                    self.survived[key] += left
            elif not _overlaps(start, end, every):
                self.plain_tokens += 1
                self.plain_kept += not _overlaps(start, end, union)


def _rate(hits: int, n: int, undefined: str) -> Metric:
    if n == 0:
        return Metric.undefined(undefined, n=0)
    low, high = clopper_pearson(hits, n)
    return Metric(round(hits / n, 6), round(low, 6), round(high, 6), None, n)


def _f1(precision: Metric, recall: Metric) -> Metric:
    p, r = precision.value, recall.value
    if p is None or r is None:
        return Metric.undefined("precision or recall is undefined")
    return Metric(round(2 * p * r / (p + r), 6) if p + r > 0 else 0.0)


def _row(c: _Counts, key: str) -> dict[str, Any]:
    precision = _rate(c.correct[key], c.predicted[key], "nothing of this type was detected")
    recall = _rate(c.found[key], c.support[key], "no gold span of this type")
    survival = _rate(c.survived[key], c.tokens[key], "no gold token of this type")
    return {
        "support": c.support[key], "predicted": c.predicted[key], "precision": precision.to_dict(),
        "recall": recall.to_dict(), "f1": _f1(precision, recall).to_dict(), "token_survival": survival.to_dict(),
    }


def evaluate_gold(scrubber: Scrubber, docs: Sequence[GoldDocument], *, batch: int = 256) -> dict[str, Any]:
    """Score ``scrubber`` on labelled documents (see the module docstring for the rules).

    Returns
    -------
    dict
        ``documents``, ``withheld``, ``matching``, ``entities`` (per type: support,
        predicted, precision, recall, f1, token_survival as metric dicts), ``all``,
        ``non_pii_tokens_kept``, ``out_of_scope`` (gold spans per type left out).
    """
    scope = set(scrubber.engine.entities)
    counts, withheld = _Counts(), 0
    for first in range(0, len(docs), batch):
        chunk = docs[first : first + batch]
        for doc, found in zip(chunk, scrubber.engine.detect_many([d.text for d in chunk]), strict=True):
            if isinstance(found, RowFailure):
                withheld += 1
                continue
            merged = merge_spans([Span(d.entity, d.start, d.end, d.score) for d in found])
            counts.add(doc, [(span.entity, span.start, span.end) for span in merged], scope)
    types = sorted((set(counts.support) | set(counts.predicted)) - {"ALL"})
    return {
        "documents": len(docs), "withheld": withheld, "matching": MATCHING_RULE,
        "entities": {t: _row(counts, t) for t in types}, "all": _row(counts, "ALL"),
        "non_pii_tokens_kept": _rate(counts.plain_kept, counts.plain_tokens, "no token outside the gold spans").to_dict(),
        "out_of_scope": dict(sorted(counts.out_of_scope.items())),
    }


def _cell(metric: dict[str, Any]) -> str:
    return "   n/a" if metric["value"] is None else f"{metric['value']:6.3f}"


def format_gold(report: dict[str, Any]) -> str:
    """A plain-text table of a gold report (aggregates only)."""
    lines = [
        f"gold set: {report['documents']} documents ({report['withheld']} withheld), "
        f"{report['all']['support']} identifier spans",
        f"{'entity':<16} {'support':>7} {'precision':>9} {'recall':>7} {'f1':>7} {'token survival':>14}",
    ]
    rows = [*report["entities"].items(), ("ALL", report["all"])]
    for name, row in rows:
        lines.append(
            f"{name:<16} {row['support']:>7} {_cell(row['precision']):>9} {_cell(row['recall']):>7} "
            f"{_cell(row['f1']):>7} {_cell(row['token_survival']):>14}"
        )
    lines.append(f"non-PII tokens kept: {_cell(report['non_pii_tokens_kept']).strip()}")
    if report["out_of_scope"]:
        left = ", ".join(f"{k} ({v})" for k, v in report["out_of_scope"].items())
        lines.append(f"not scored (types the scrubber is not configured to find): {left}")
    lines.append(f"matching: {report['matching']}")
    return "\n".join(lines)
