"""Generate the scrub evaluation set: a development half to tune on, a test half to score at the end.

The set is written independently of the recognisers and of the bundled
clinical generator. Five style families (running prose, key-value forms, chat
messages, clinical letters, phone-call transcripts) in three casings (as
written, lower-case, ALL-CAPS); names from many cultures; addresses in US/UK/EU
layouts with and without commas; phones in E.164 and national formats; ZIP and
ZIP+4; dates in twelve formats; e-mails, SSNs, MRNs (French: NIR).

The halves differ in three ways: other seeds, the ``transcript`` family only in
the test half, and names partly from locales and hand lists the development
half never uses. Only the development half may be looked at while changing
the scrubber; the test half is scored once, at the end of a change.

Output (JSON lines; ``spans`` hold ``entity_type``/``start``/``end``/``text``,
``neutral`` spans are excluded from every count)::

    bench/scrub_eval/dev.jsonl     bench/scrub_eval/test.jsonl
    bench/scrub_eval/fr_dev.jsonl  bench/scrub_eval/fr_test.jsonl

Run: ``python bench/scrub_eval/generate.py`` (seeded: the files are reproducible).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import _families_en as families_en  # noqa: E402
import _french as french  # noqa: E402
from _fill import Filler  # noqa: E402
from _values import HAND_NAMES_DEV, HAND_NAMES_TEST, LOCALES_DEV, LOCALES_TEST_EXTRA, EnglishValues  # noqa: E402

DEV_FAMILIES = ("prose", "form", "chat", "letter")
TEST_FAMILIES = (*DEV_FAMILIES, "transcript")
SPLITS = {
    # name: (language, seed, families, docs per family, held-out names?)
    "dev": ("en", 1101, DEV_FAMILIES, 150, False),
    "test": ("en", 2202, TEST_FAMILIES, 120, True),
    "fr_dev": ("fr", 3303, DEV_FAMILIES, 60, False),
    "fr_test": ("fr", 4404, TEST_FAMILIES, 50, True),
}


def _fakers(locales: tuple[str, ...], seed: int) -> list[Any]:
    from faker import Faker

    out = []
    for i, locale in enumerate(locales):
        fake = Faker(locale)
        fake.seed_instance(seed + i)
        out.append(fake)
    return out


def build_split(name: str) -> list[dict[str, Any]]:
    """Build one split (see :data:`SPLITS`)."""
    language, seed, family_names, per_family, held_out = SPLITS[name]
    rng = random.Random(seed)
    if language == "en":
        locales = LOCALES_DEV + (LOCALES_TEST_EXTRA if held_out else ())
        values: Any = EnglishValues(rng, _fakers(locales, seed), HAND_NAMES_TEST if held_out else HAND_NAMES_DEV)
        module: Any = families_en
    else:
        locales = french.LOCALES_DEV + (french.LOCALES_TEST_EXTRA if held_out else ())
        values = french.FrenchValues(rng, _fakers(locales, seed), french.HAND_NAMES_TEST if held_out else french.HAND_NAMES_DEV)
        module = french
    rows = []
    for family in family_names:
        for i in range(per_family):
            filler = Filler(values)
            doc = module.build(family, filler, rng, module.pick_case(family, rng))
            rows.append(doc.record(f"{name}-{family}-{i:03d}", language))
    rng.shuffle(rows)
    return rows


def main() -> None:
    """Write every split next to this script."""
    for name in SPLITS:
        rows = build_split(name)
        path = HERE / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        spans = sum(len(r["spans"]) for r in rows)
        print(f"{path.name}: {len(rows)} documents, {spans} gold spans")


if __name__ == "__main__":
    main()
