"""Word lists of the perturbation suite: keyboard rows, names, places, placeholder styles, clinical shorthand.

Names mix genders and origins on purpose: a swap must not move a note from one
sensitive group to another in a way the label could depend on. Tuple order is
part of the seeded output: append, never re-sort.
"""

from __future__ import annotations

__all__ = ["ABBREVIATIONS", "KEYBOARD_ROWS", "NAMES", "PLACEHOLDER_STYLES", "PLACES"]

KEYBOARD_ROWS: tuple[str, ...] = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")

NAMES: tuple[str, ...] = (
    "Alex Morgan", "Sam Patel", "Jordan Lee", "Maria Garcia", "James Smith", "Aisha Khan",
    "Wei Zhang", "Olga Ivanova", "Kwame Mensah", "Sofia Rossi", "Daniel Cohen", "Priya Nair",
    "Lucas Silva", "Fatima Haddad", "Noah Brown", "Yuki Tanaka",
)

PLACES: tuple[str, ...] = (
    "Springfield", "Riverside", "Fairview", "Oakland", "Birmingham", "Leeds", "Dublin",
    "Lagos", "Mumbai", "Toronto", "Austin", "Glasgow",
)

#: ``{name}`` is the entity type as written (``PERSON``), ``{lower}`` lower-cased.
PLACEHOLDER_STYLES: tuple[str, ...] = ("[{name}]", "{{{{{name}}}}}", "[REDACTED]", "***", "<{lower}>", "[{lower}]", "XXXX")

#: (long form, abbreviation), applied both ways; long forms are matched case-insensitively on word boundaries.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("shortness of breath", "SOB"),
    ("chest pain", "CP"),
    ("blood pressure", "BP"),
    ("history of", "h/o"),
    ("complains of", "c/o"),
    ("presents with", "p/w"),
    ("patient", "pt"),
    ("without", "w/o"),
    ("with", "w/"),
    ("years old", "y/o"),
    ("date of birth", "DOB"),
    ("medical record number", "MRN"),
    ("nausea and vomiting", "N/V"),
    ("abdominal", "abd"),
    ("headache", "HA"),
    ("follow-up", "f/u"),
    ("prescription", "Rx"),
    ("hours", "hrs"),
)
