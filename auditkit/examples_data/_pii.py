"""Fake identifier formatters for the synthetic corpus.

Each function draws one fake identifier from a seeded :class:`random.Random` in
one of several real-world formats, so a scrubber is measured on the variety a
clinic's intake text shows. Phone numbers use the fictional 555-01XX range,
e-mail addresses the reserved ``example.*`` domains; no value is a real person's.
"""

from __future__ import annotations

import datetime as _dt
import random

from auditkit.examples_data._lexicon import (
    AREA_CODES,
    CITIES,
    EMAIL_DOMAINS,
    STATES,
    STREET_NAMES,
    STREET_TYPES,
)

__all__ = [
    "REFERENCE_DATE",
    "fake_address",
    "fake_dob",
    "fake_email",
    "fake_mrn",
    "fake_phone",
    "fake_ssn",
]

#: Date the notes are "written"; ages are computed against it.
REFERENCE_DATE = _dt.date(2025, 7, 1)

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def fake_phone(rng: random.Random) -> str:
    """A US phone number in the fictional 555-0100..0199 range, in one of five formats."""
    area = rng.choice(AREA_CODES)
    line = f"01{rng.randrange(100):02d}"
    style = rng.randrange(5)
    if style == 0:
        return f"({area}) 555-{line}"
    if style == 1:
        return f"{area}-555-{line}"
    if style == 2:
        return f"{area}.555.{line}"
    if style == 3:
        return f"+1 {area} 555 {line}"
    return f"+1-{area}-555-{line}"


def fake_dob(rng: random.Random, age: int) -> str:
    """A date of birth that makes the patient ``age`` on :data:`REFERENCE_DATE`, in one of five formats."""
    start = _dt.date(REFERENCE_DATE.year - age - 1, REFERENCE_DATE.month, REFERENCE_DATE.day)
    born = start + _dt.timedelta(days=1 + rng.randrange(364))
    style = rng.randrange(5)
    if style == 0:
        return f"{born.month:02d}/{born.day:02d}/{born.year}"
    if style == 1:
        return born.isoformat()
    if style == 2:
        return f"{born.day} {_MONTHS[born.month - 1]} {born.year}"
    if style == 3:
        return f"{_MONTHS[born.month - 1]} {born.day}, {born.year}"
    return f"{born.month}/{born.day}/{born.year}"


def fake_mrn(rng: random.Random) -> str:
    """A medical record number: 8 zero-padded digits, 7 digits, or a letter-prefixed code."""
    style = rng.randrange(3)
    if style == 0:
        return f"{rng.randrange(10**6):08d}"
    if style == 1:
        return f"{rng.randrange(10**6, 10**7)}"
    letter = chr(ord("A") + rng.randrange(26))
    return f"{letter}-{rng.randrange(1000, 100000)}"


def fake_ssn(rng: random.Random) -> str:
    """A US SSN with a valid-looking area, group and serial (never 000, 666 or 9xx)."""
    area = rng.randrange(1, 900)
    while area == 666:
        area = rng.randrange(1, 900)
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def fake_email(rng: random.Random, first: str, last: str, birth_year: int) -> str:
    """An e-mail address on a reserved ``example.*`` domain derived from the patient's name."""
    f = "".join(ch for ch in first.lower() if ch.isalpha())
    la = "".join(ch for ch in last.lower() if ch.isalpha())
    style = rng.randrange(4)
    if style == 0:
        local = f"{f}.{la}"
    elif style == 1:
        local = f"{f[0]}{la}{birth_year % 100:02d}"
    elif style == 2:
        local = f"{la}.{f}"
    else:
        local = f"{f}_{la}{rng.randrange(1, 100)}"
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def fake_address(rng: random.Random) -> str:
    """A street address with number, street type, optional apartment/unit, city and sometimes state and ZIP."""
    number = rng.randrange(1, 9900)
    street = f"{number} {rng.choice(STREET_NAMES)} {rng.choice(STREET_TYPES)}"
    unit_style = rng.randrange(6)
    if unit_style == 0:
        street += f" Apt {rng.randrange(1, 30)}{chr(ord('A') + rng.randrange(6))}"
    elif unit_style == 1:
        street += f", Unit {rng.randrange(1, 400)}"
    elif unit_style == 2:
        street += f" #{rng.randrange(100, 999)}"
    city = rng.choice(CITIES)
    if rng.random() < 0.4:
        return f"{street}, {city}, {rng.choice(STATES)} {rng.randrange(10000, 99999):05d}"
    return f"{street}, {city}"
