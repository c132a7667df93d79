"""Each auditkit recogniser finds its positives and leaves its negatives alone (no NER involved)."""

from __future__ import annotations

import pytest

from auditkit.scrub import default_recognizers
from auditkit.scrub._recognizers import luhn_ok

RECOGNIZERS = default_recognizers()


def _found(text: str, entity: str) -> list[str]:
    hits = []
    for recognizer in RECOGNIZERS:
        if entity in recognizer.supported_entities:
            hits += [text[r.start : r.end] for r in recognizer.analyze(text, []) if r.score >= 0.35]
    return hits


def _covered(text: str, entity: str, value: str) -> bool:
    start = text.index(value)
    end = start + len(value)
    spans = []
    for recognizer in RECOGNIZERS:
        if entity in recognizer.supported_entities:
            spans += [(r.start, r.end) for r in recognizer.analyze(text, []) if r.score >= 0.35]
    return all(any(s <= i < e for s, e in spans) for i in range(start, end) if not text[i].isspace() and text[i] not in ",")


POSITIVE = [
    ("STREET_ADDRESS", "Lives at 123 Main Street Apt 4 since May.", "123 Main Street Apt 4"),
    ("STREET_ADDRESS", "Send to 8, avenue Manon Gillet please", "8, avenue Manon Gillet"),
    ("STREET_ADDRESS", "Adresse: Hauptstraße 5, Berlin", "Hauptstraße 5"),
    ("STREET_ADDRESS", "Recapito: Viale Parisi, 171 Appartamento 47", "Viale Parisi, 171 Appartamento 47"),
    ("STREET_ADDRESS", "Mail to P.O. Box 4412 today", "P.O. Box 4412"),
    ("STREET_ADDRESS", "Ship to Flat 7\nJones Light", "Flat 7\nJones Light"),
    ("POSTAL_CODE", "Springfield, IL 62704", "Springfield, IL 62704"),
    ("POSTAL_CODE", "London SW1A 1AA", "SW1A 1AA"),
    ("POSTAL_CODE", "Toronto M5V 2T6", "M5V 2T6"),
    ("POSTAL_CODE", "75002 Paris", "75002 Paris"),
    ("POSTAL_CODE", "1636 HO Amsterdam", "1636 HO Amsterdam"),
    ("MRN", "MRN: 4829301 on file", "4829301"),
    ("MRN", "Medical record #U-37667.", "U-37667"),
    ("MRN", "chart number 00817357", "00817357"),
    ("DATE_TIME", "DOB 03/14/1950.", "03/14/1950"),
    ("DATE_TIME", "born on 20 December 1954", "20 December 1954"),
    ("DATE_TIME", "seen 2021-12-17 at noon", "2021-12-17"),
    ("AGE", "He is 93 years old.", "93 years old"),
    ("AGE", "aged 101, lives alone", "101"),
    ("URL", "see example.org for details", "example.org"),
    ("URL", "portal https://care.example.com/x?id=1", "https://care.example.com/x?id=1"),
    ("PHONE_NUMBER", "call (555) 123-4567 x12", "(555) 123-4567 x12"),
    ("PHONE_NUMBER", "tel +44 20 7946 0958.", "+44 20 7946 0958"),
    ("PHONE_NUMBER", "tel 04 90 04 87 54.", "04 90 04 87 54"),
    ("PHONE_NUMBER", "tel (0115) 4960023.", "(0115) 4960023"),
    ("PERSON", "Seen by Dr. Alice Brown today", "Alice Brown"),
    ("PERSON", "Patient: JOHN SMITH arrived", "JOHN SMITH"),
    ("PERSON", "Caller is Do-yun Takahashi, 69 years old", "Do-yun Takahashi"),
    ("PERSON", "account holder Aránzazu Millán paid", "Aránzazu Millán"),
    ("US_SSN", "SSN 123-45-6789 given", "123-45-6789"),
    ("ID_NUMBER", "national insurance number ZZ 838563 T was given", "ZZ 838563 T"),
    ("CREDIT_CARD", "paid with 4111 1111 1111 1111.", "4111 1111 1111 1111"),
    ("STREET_ADDRESS", "Lives at 6949 NW Church Dr #20 now", "6949 NW Church Dr #20"),
    ("STREET_ADDRESS", "meet at 7252 NW 3rd St #7 at 7?", "7252 NW 3rd St #7"),
    ("POSTAL_CODE", "Albany, NY 35559-8716", "35559-8716"),
    ("PHONE_NUMBER", "call +14155550199 today", "+14155550199"),
    ("PHONE_NUMBER", "mobile +44 7700 900123.", "+44 7700 900123"),
    ("PHONE_NUMBER", "tel 07700 900123.", "07700 900123"),
    ("DATE_TIME", "seen on 23-Feb-2022 in clinic", "23-Feb-2022"),
    ("DATE_TIME", "Birth date - the 10th of January", "the 10th of January"),
    ("MRN", "MRN - K6595328", "K6595328"),
    ("PERSON", "Dear Mr van der Pol,", "van der Pol"),
    ("PERSON", "Forename=Krishna | Sex=F", "Krishna"),
    ("PERSON", "Yours sincerely,\n\nHeidi Ó Scealláin\nConsultant", "Heidi Ó Scealláin"),
    ("PERSON", "[23:30] Farijika: did you watch it", "Farijika"),
    ("PERSON", "please call Evie on Monday", "Evie"),
    ("PERSON", "patient, E. Escobar, on Monday", "E. Escobar"),
]

NEGATIVE = [
    ("STREET_ADDRESS", "Take 2 tablets every 6 hours with food."),
    ("POSTAL_CODE", "Pain score 6 out of 10, worse on movement."),
    ("MRN", "The MRN was not available at intake."),
    ("DATE_TIME", "Blood pressure was 142/91 and pulse 88."),
    ("AGE", "He is 45 years old."),
    ("URL", "The wound is clean. Dressing changed."),
    ("PHONE_NUMBER", "Metformin 500 mg twice daily, 2 tablets."),
    ("PERSON", "the patient reports mild nausea after meals"),
    ("CREDIT_CARD", "order 1234 5678 9012 3456 was late"),
    ("PERSON", "Allergies: Penicillin\nReason: follow-up"),
    ("PERSON", "please call Monday or Emergency"),
    ("STREET_ADDRESS", "now rents a flat at the harbour"),
    ("POSTAL_CODE", "the clinic wants my ssn 301-38-0051 is that normal"),
]


@pytest.mark.parametrize(("entity", "text", "value"), POSITIVE, ids=[f"{p[0]}-{i}" for i, p in enumerate(POSITIVE)])
def test_recogniser_covers_every_character_of_a_planted_identifier(entity: str, text: str, value: str) -> None:
    assert _covered(text, entity, value), _found(text, entity)


@pytest.mark.parametrize(("entity", "text"), NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_recogniser_leaves_identifier_free_text_alone(entity: str, text: str) -> None:
    assert _found(text, entity) == []


def test_luhn_check_accepts_valid_card_numbers_and_rejects_others() -> None:
    assert luhn_ok("4111 1111 1111 1111")
    assert not luhn_ok("4111 1111 1111 1112")
    assert not luhn_ok("1234")


def _mono(text: str, entity: str, value: str) -> bool:
    """Whether ``value`` is covered when ``text`` is a one-case line (its truecased copy is analysed)."""
    from types import SimpleNamespace

    from auditkit.scrub._recognizers import MONO_SPANS

    artifacts = SimpleNamespace(**{MONO_SPANS: [(0, len(text))]})
    start = text.index(value)
    spans = []
    for recognizer in RECOGNIZERS:
        if entity in recognizer.supported_entities:
            spans += [(r.start, r.end) for r in recognizer.analyze(text, [], artifacts) if r.score >= 0.35]  # type: ignore[arg-type]
    return all(any(s <= i < e for s, e in spans) for i in range(start, start + len(value)) if text[i].isalnum())


MONO = [
    ("STREET_ADDRESS", "new place is 376 nw church st apt 13, fort wayne", "376 nw church st apt 13"),
    ("STREET_ADDRESS", "new place is viale dei mille 94, firenze", "viale dei mille 94"),
    ("POSTAL_CODE", "fort wayne, in 16135", "16135"),
    ("POSTAL_CODE", "reading hg16 9ep tomorrow", "hg16 9ep"),
    ("PERSON", "thank you for referring miss Block and dr. smith", "smith"),
    ("PERSON", "re: Jakub block, dob 15-Sep-1957", "Jakub block"),
]


@pytest.mark.parametrize(("entity", "text", "value"), MONO, ids=[f"{m[0]}-{i}" for i, m in enumerate(MONO)])
def test_one_case_rules_cover_identifiers_in_lower_case_and_all_caps_lines(entity: str, text: str, value: str) -> None:
    assert _mono(text, entity, value)


def test_one_case_rules_stay_off_in_mixed_case_text() -> None:
    assert not _covered("new place is 376 nw church st apt 13, fort wayne", "STREET_ADDRESS", "376 nw church st apt 13")
