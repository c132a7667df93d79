"""Synthetic identifiers for the recall probe: one maker and three sets of phrasings per entity type.

Each :class:`ProbeKind` draws a fake identifier from a seeded :class:`random.Random`
in one of several real-world formats (national and international phone formats,
US/UK/EU addresses, names from many cultures, checksummed card numbers, IBANs, NHS
and DEA numbers) and says how a writer would put it in a header line, in running
text and in a signature. Phrasings carry the cue a writer would use (``MRN``,
``SSN``) only where the bare value would not be recognisable to a reader either.
Values are drawn from reserved or fictional ranges where one exists (555-01XX
phones, ``example.*`` domains, documentation IP ranges).
"""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["KINDS", "ProbeKind", "fill"]

_FIRST = (
    "Aiko", "Amara", "Bongani", "Camille", "Chen", "Dmitri", "Efua", "Emeka", "Fatima", "Giulia", "Hamid",
    "Ingrid", "Jamal", "Kalani", "Lakshmi", "Lucía", "Mateus", "Mei", "Nadia", "Oluwaseun", "Pavel", "Priya",
    "Rafael", "Saoirse", "Siddharth", "Sunita", "Tomasz", "Yusuf", "Zanele", "Ngozi", "Kwame", "Anneliese",
    "Björn", "Thanh", "Hye-jin", "Santiago", "Leilani", "Rohan", "Margaret", "Robert",
)
_LAST = (
    "Abubakar", "Andersson", "Banerjee", "Castillo", "Dubois", "Eze", "Fernández", "García", "Haddad",
    "Ivanova", "Jovanović", "Kowalski", "Lindqvist", "Mensah", "Nakamura", "Okafor", "Papadopoulos",
    "Quispe", "Rahman", "Schneider", "Tanaka", "Umarov", "Van der Berg", "Wang", "Xu", "Yilmaz", "Zhou",
    "O'Connell", "Nguyen", "Kim", "Moreau", "Rossi", "Hughes", "Okonkwo", "Silva", "Cohen", "Johansson",
)
_CITIES = (
    "Springfield", "Leeds", "Toulouse", "Rotterdam", "Hamburg", "Bologna", "Tucson", "Brisbane", "Winnipeg",
    "Cork", "Dayton", "Aberdeen", "Lyon", "Utrecht", "Sacramento", "Nottingham", "Graz", "Porto",
)
_STATES = ("CA", "NY", "TX", "OH", "WA", "IL", "GA", "MN", "AZ", "OR")
_STREETS = ("Maple", "Station", "Church", "Willow", "Highfield", "Harbor", "Chestnut", "Mill", "Elm", "Victoria")
_US_TYPES = ("Street", "St", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Blvd", "Court")
_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class ProbeKind:
    """How to make one synthetic identifier and where a writer would put it.

    Attributes
    ----------
    make:
        Draws one value from the generator it is given.
    header, inline, signature:
        Phrasings for a header line, for running text (the phrase replaces a word)
        and for a signature line; each holds ``{v}`` once (the value) and may hold
        ``{city}`` or ``{state}`` (filled in, not counted).
    """

    make: Callable[[random.Random], str]
    header: tuple[str, ...]
    inline: tuple[str, ...]
    signature: tuple[str, ...]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _person(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    style = rng.randrange(4)
    if style == 0:
        return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
    return f"{first} {last}"


def _phone(rng: random.Random) -> str:
    area, line = rng.choice(("212", "415", "617", "503", "312")), f"01{rng.randrange(100):02d}"
    return rng.choice((
        f"({area}) 555-{line}", f"{area}-555-{line}", f"{area}.555.{line}", f"+1 {area} 555 {line}",
        f"+44 20 7946 0{_digits(rng, 3)}", f"+33 1 99 00 {_digits(rng, 2)} {_digits(rng, 2)}",
        f"+49 30 {_digits(rng, 8)}", f"020 7946 0{_digits(rng, 3)}", f"+61 2 9{_digits(rng, 3)} {_digits(rng, 4)}",
    ))


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in plain.lower() if c.isalpha())


def _email(rng: random.Random) -> str:
    first, last = _ascii(rng.choice(_FIRST)), _ascii(rng.choice(_LAST))
    local = rng.choice((f"{first}.{last}", f"{first[0]}{last}{rng.randrange(10, 99)}", f"{last}_{first}"))
    return f"{local}@{rng.choice(_DOMAINS)}"


def _date(rng: random.Random) -> str:
    year, month, day = rng.randrange(1930, 2025), rng.randrange(1, 13), rng.randrange(1, 29)
    return rng.choice((
        f"{month:02d}/{day:02d}/{year}", f"{year}-{month:02d}-{day:02d}", f"{day} {_MONTHS[month - 1]} {year}",
        f"{_MONTHS[month - 1]} {day}, {year}", f"{day}.{month}.{year}", f"{_MONTHS[month - 1][:3]} {day} {year}",
    ))


def _address(rng: random.Random) -> str:
    number, street = rng.randrange(1, 9900), rng.choice(_STREETS)
    return rng.choice((
        f"{number} {street} {rng.choice(_US_TYPES)}",
        f"{number} {street} {rng.choice(_US_TYPES)}, {rng.choice(_CITIES)}, {rng.choice(_STATES)} {_digits(rng, 5)}",
        f"{number} {street} Road, {rng.choice(_CITIES)} LS{rng.randrange(1, 29)} {rng.randrange(1, 9)}AB",
        f"{street}straße {rng.randrange(1, 200)}, {_digits(rng, 5)} {rng.choice(_CITIES)}",
        f"{rng.randrange(1, 80)} rue {rng.choice(('Victor Hugo', 'de la Paix', 'Pasteur'))}, {_digits(rng, 5)} {rng.choice(_CITIES)}",
    ))


def _postal(rng: random.Random) -> str:
    return rng.choice((
        _digits(rng, 5), f"{_digits(rng, 5)}-{_digits(rng, 4)}",
        f"{rng.choice(('SW', 'LS', 'M', 'EH'))}{rng.randrange(1, 20)} {rng.randrange(1, 9)}{rng.choice(('AB', 'XY', 'QT'))}",
    ))


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _card(rng: random.Random) -> str:
    prefix = rng.choice(("4", "51", "55", "6011"))
    body = prefix + _digits(rng, 15 - len(prefix))
    number = body + _luhn_digit(body)
    sep = rng.choice((" ", "-", ""))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def _iban(rng: random.Random) -> str:
    country, bban = rng.choice((("DE", _digits(rng, 18)), ("GB", "NWBK" + _digits(rng, 14)), ("NL", "ABNA" + _digits(rng, 10))))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    code = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)) if rng.random() < 0.5 else code


def _ip(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"2001:db8:{rng.randrange(16**4):x}::{rng.randrange(16**4):x}"
    prefix = rng.choice(("192.0.2", "198.51.100", "203.0.113", f"10.{rng.randrange(256)}.{rng.randrange(256)}"))
    return f"{prefix}.{rng.randrange(1, 255)}"


def _url(rng: random.Random) -> str:
    host = rng.choice(("www.example-clinic.org", "portal.example.com", "example.net", "files.example.org"))
    path = rng.choice(("", f"/patients/{_digits(rng, 5)}", f"/u/{rng.choice(_LAST).lower()[:4]}{_digits(rng, 3)}"))
    return rng.choice(("https://", "http://", "")) + host + path


def _ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    sep = rng.choice(("-", "-", " "))
    return f"{area:03d}{sep}{rng.randrange(1, 100):02d}{sep}{rng.randrange(1, 10000):04d}"


def _itin(rng: random.Random) -> str:
    group = rng.choice((*range(70, 89), *range(90, 93), *range(94, 100)))
    return f"9{_digits(rng, 2)}-{group}-{_digits(rng, 4)}"


def _nhs(rng: random.Random) -> str:
    while True:
        body = _digits(rng, 9)
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        if check == 11:
            check = 0
        if check != 10:
            number = body + str(check)
            return f"{number[:3]} {number[3:6]} {number[6:]}" if rng.random() < 0.6 else number


def _dea(rng: random.Random) -> str:
    d = [rng.randrange(10) for _ in range(6)]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    return rng.choice("ABFGM") + rng.choice(string.ascii_uppercase) + "".join(map(str, d)) + str(check)


def _mrn(rng: random.Random) -> str:
    return rng.choice((f"{rng.randrange(10**6):08d}", _digits(rng, 7), f"MR{_digits(rng, 7)}", f"A-{_digits(rng, 6)}"))


def _id_number(rng: random.Random) -> str:
    return rng.choice((rng.choice(string.ascii_uppercase) + _digits(rng, 8), _digits(rng, 10), f"{_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)}"))


def _age(rng: random.Random) -> str:
    return str(rng.randrange(90, 106))


def _location(rng: random.Random) -> str:
    return rng.choice(_CITIES)


KINDS: dict[str, ProbeKind] = {
    "AGE": ProbeKind(_age, ("Age: {v}",), ("{v}-year-old", "aged {v}", "{v} years old", "{v} y/o"), ("Age {v}",)),
    "CREDIT_CARD": ProbeKind(_card, ("Card: {v}", "Card number: {v}"), ("card {v}", "{v}"), ("Paid by card {v}",)),
    "DATE_TIME": ProbeKind(_date, ("Date: {v}", "DOB: {v}"), ("{v}", "on {v}", "since {v}"), ("Dictated {v}", "{v}")),
    "EMAIL_ADDRESS": ProbeKind(_email, ("Email: {v}", "From: {v}"), ("{v}", "email {v}"), ("{v}", "Email: {v}")),
    "IBAN_CODE": ProbeKind(_iban, ("IBAN: {v}",), ("IBAN {v}", "account {v}", "{v}"), ("Bank account: {v}",)),
    "ID_NUMBER": ProbeKind(_id_number, ("Passport: {v}", "Member ID: {v}"), ("passport number {v}", "member ID {v}", "insurance number {v}"), ("ID {v}",)),
    "IP_ADDRESS": ProbeKind(_ip, ("IP: {v}", "Client IP: {v}"), ("{v}", "from IP {v}"), ("Sent from {v}",)),
    "LOCATION": ProbeKind(_location, ("City: {v}", "Location: {v}"), ("in {v}", "from {v}", "{v}"), ("{v} office", "Sent from {v}")),
    "MEDICAL_LICENSE": ProbeKind(_dea, ("DEA: {v}", "DEA #: {v}"), ("DEA {v}", "{v}"), ("DEA {v}",)),
    "MRN": ProbeKind(_mrn, ("MRN: {v}", "Chart number: {v}", "Patient ID: {v}"), ("MRN {v}", "record no. {v}", "MRN: {v}"), ("MRN {v}",)),
    "PERSON": ProbeKind(_person, ("Patient: {v}", "Name: {v}", "From: {v}"), ("{v}", "{v}", "with {v}"), ("Regards,\n{v}", "-- \n{v}", "Signed: {v}")),
    "PHONE_NUMBER": ProbeKind(_phone, ("Phone: {v}", "Tel: {v}", "Mobile: {v}"), ("{v}", "call {v}", "on {v}"), ("Tel. {v}", "{v}")),
    "POSTAL_CODE": ProbeKind(_postal, ("ZIP: {v}", "Postcode: {v}"), ("ZIP {v}", "postcode {v}", "{city}, {state} {v}"), ("{city} {v}",)),
    "STREET_ADDRESS": ProbeKind(_address, ("Address: {v}", "Home address: {v}"), ("{v}", "at {v}", "lives at {v}"), ("{v}",)),
    "UK_NHS": ProbeKind(_nhs, ("NHS number: {v}", "NHS No: {v}"), ("NHS number {v}", "{v}"), ("NHS {v}",)),
    "URL": ProbeKind(_url, ("Link: {v}", "Website: {v}"), ("{v}", "see {v}"), ("{v}",)),
    "US_ITIN": ProbeKind(_itin, ("ITIN: {v}",), ("ITIN {v}", "{v}"), ("ITIN {v}",)),
    "US_SSN": ProbeKind(_ssn, ("SSN: {v}",), ("SSN {v}", "{v}", "social security number {v}"), ("SSN {v}",)),
}
"""The entity types the probe can test (others are reported undefined, with a reason)."""


def fill(template: str, value: str, rng: random.Random) -> tuple[str, int]:
    """Return ``template`` with the value (and any city or state) filled in, and where the value starts."""
    text = template.replace("{city}", rng.choice(_CITIES)).replace("{state}", rng.choice(_STATES))
    start = text.index("{v}")
    return text[:start] + value + text[start + 3 :], start
