"""Recognisers auditkit adds to Presidio's defaults, chosen for clinical and customer text.

Each recogniser is a list of regular expressions with a score and, optionally, the
capture group that holds the identifier (so a cue such as ``MRN:`` or ``Dr.`` stays
in the text while the value goes). They cover street addresses (US and common
European formats, multi-line), postal codes, medical record numbers, dates, ages
over 89, bare domains, phone formats Presidio's ``phonenumbers`` check misses,
and names introduced by a title or a cue word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["RegexRecognizer", "RegexRule", "default_recognizers"]

_I = re.IGNORECASE
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĖĘĚĞĠĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŜŞŠŢŤŪŮŰŲŹŻŽ"
_LO = "a-zß-öø-ÿĀ-ž'’"
_CAP = rf"[{_UP}][{_UP}{_LO}.-]+"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_TLD = (
    r"(?:com|org|net|edu|gov|mil|int|info|biz|io|co|uk|us|ca|de|fr|es|it|nl|be|ch|at|au|nz|ie"
    r"|jp|cn|in|br|ru|se|no|dk|fi|pl|pt|eu|me|tv|ly|app|dev|health|med|care|clinic|hospital)"
)
@dataclass(frozen=True)
class RegexRule:
    """One pattern of a :class:`RegexRecognizer`.

    Attributes
    ----------
    name:
        Pattern name (shown in decision explanations, never the match).
    regex:
        The regular expression.
    score:
        Confidence given to a match.
    group:
        Capture group holding the identifier (0: the whole match).
    flags:
        ``re`` flags.
    check:
        Optional validator of the matched value (e.g. a checksum); a failing
        match is dropped.
    """

    name: str
    regex: str
    score: float
    group: int = 0
    flags: int = 0
    check: Callable[[str], bool] | None = None


class RegexRecognizer(EntityRecognizer):
    """A Presidio recogniser made of :class:`RegexRule` items for one entity type.

    Parameters
    ----------
    entity:
        The Presidio entity type it reports (``STREET_ADDRESS``, ``MRN`` ...).
    rules:
        Its patterns.
    context:
        Words that raise a match's score when they occur nearby.
    """

    def __init__(self, entity: str, rules: Sequence[RegexRule], *, context: Sequence[str] = ()) -> None:
        self._rules = tuple(rules)
        self._compiled = tuple(re.compile(rule.regex, rule.flags | re.MULTILINE) for rule in self._rules)
        super().__init__(
            supported_entities=[entity], name=f"auditkit_{entity.lower()}", context=list(context)
        )

    def load(self) -> None:
        """Nothing to load: the patterns are compiled in the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return one result per pattern match inside ``text``."""
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results: list[RecognizerResult] = []
        for rule, pattern in zip(self._rules, self._compiled, strict=True):
            for match in pattern.finditer(text):
                start, end = match.span(rule.group)
                if end <= start or (rule.check is not None and not rule.check(text[start:end])):
                    continue
                explanation = AnalysisExplanation(
                    recognizer=self.name, original_score=rule.score, pattern_name=rule.name
                )
                results.append(
                    RecognizerResult(
                        entity,
                        start,
                        end,
                        rule.score,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results


def _mrn() -> RegexRecognizer:
    cue = r"(?:MRN|medical\s+record(?:\s+(?:number|no\.?|num|#))?|record\s*(?:no\.?|number|#)|chart\s*(?:no\.?|number|#)|patient\s+(?:id|number|no\.?)|hospital\s+(?:id|number|no\.?)|PID|MR\s*#)"
    return RegexRecognizer(
        "MRN",
        [
            RegexRule("cued", rf"\b{cue}\s*[:#=]?\s*(?:is\s+)?([A-Z]{{0,4}}[-_]?\d[\d-]{{3,14}}[A-Z]?)\b", 0.9, group=1, flags=_I),
            RegexRule("prefixed", r"\b(?:MRN|MR|PT|PAT|HOSP)[-_]?\d{5,12}\b", 0.85, flags=_I),
            RegexRule("alnum_id", r"\b[A-Z]{2,4}-?\d{6,10}\b", 0.3),
        ],
        context=["mrn", "record", "chart", "patient", "id", "number", "hospital"],
    )


def _date() -> RegexRecognizer:
    return RegexRecognizer(
        "DATE_TIME",
        [
            RegexRule("numeric", r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b", 0.6),
            RegexRule("iso", r"\b(?:1[89]|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?\b", 0.7),
            RegexRule("month_day_year", rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", 0.7, flags=_I),
            RegexRule("day_month_year", rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\.?,?\s+\d{{4}}\b", 0.7, flags=_I),
            RegexRule("month_day", rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b", 0.5),
            RegexRule("month_year", rf"\b{_MONTH}\.?,?\s+(?:1[89]|20)\d{{2}}\b", 0.5),
            RegexRule("dob_cued", r"\b(?:DOB|D\.O\.B\.?|born(?:\s+on)?|birth\s*date|date\s+of\s+birth)\s*[:]?\s*(\S[^\n,;]{3,20}?\d{2,4})\b", 0.8, group=1, flags=_I),
        ],
        context=["dob", "born", "birth", "date", "admitted", "discharged", "visit", "seen"],
    )


def _age() -> RegexRecognizer:
    old = r"(?:9\d|1[0-4]\d)"
    return RegexRecognizer(
        "AGE",
        [
            RegexRule("years_old", rf"\b{old}(?:\s*|-)(?:years?|yrs?|y/?o|yo|y\.o\.)(?:[\s-]*old)?\b", 0.7, flags=_I),
            RegexRule("aged", rf"\b(?:aged?|age:)\s*({old})\b", 0.7, group=1, flags=_I),
            RegexRule("sex_age", rf"\b({old})\s*(?:M|F|male|female|man|woman|yo[mf])\b", 0.6, group=1, flags=_I),
        ],
        context=["age", "aged", "old", "years"],
    )


def _domain() -> RegexRecognizer:
    return RegexRecognizer(
        "URL",
        [
            RegexRule("scheme", r"\b(?:https?|ftp)://[^\s<>\"']+", 0.8, flags=_I),
            RegexRule("www", r"\bwww\.[^\s<>\"']+", 0.8, flags=_I),
            RegexRule("domain", rf"(?<![@\w.-])(?:[a-z0-9-]+\.)+{_TLD}\b(?:/[^\s<>\"']*)?", 0.6, flags=_I),
        ],
        context=["website", "site", "url", "link", "homepage", "web"],
    )


def _email() -> RegexRecognizer:
    """A permissive e-mail pattern next to Presidio's: catches addresses glued to other tokens (``1930/jo@x.org``)."""
    return RegexRecognizer(
        "EMAIL_ADDRESS",
        [RegexRule("glued", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", 0.9)],
        context=["email", "e-mail", "mail"],
    )


def _phone() -> RegexRecognizer:
    ext = r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?"
    return RegexRecognizer(
        "PHONE_NUMBER",
        [
            RegexRule("nanp", rf"(?<![\w/.-])(?:(?:\+?1|001)[\s.-]?)?\(?\d{{3}}\)?[\s.-]?\d{{3}}[\s.-]\d{{4}}{ext}(?![\w/-]|\.\d)", 0.7, flags=_I),
            RegexRule("nanp_plain", rf"(?<![\w/.-])\(\d{{3}}\)\d{{3}}-?\d{{4}}{ext}", 0.7, flags=_I),
            RegexRule("international", rf"(?<![\w/])(?:\+|00)\d{{1,3}}[\s.-]?(?:\(0\)\s?)?\(?\d{{1,5}}\)?(?:[\s.-]?\d{{2,5}}){{1,5}}{ext}(?![\w/-]|\.\d)", 0.7, flags=_I),
            RegexRule("trunk_zero", r"(?<![\w/.-])\(?0\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,5}(?![\w/-]|\.\d)", 0.45),
            RegexRule("nanp_digits", r"(?<![\w/.-])\d{10}(?![\w/-]|\.\d)", 0.3),
        ],
        context=["phone", "tel", "telephone", "call", "cell", "mobile", "fax", "contact", "number"],
    )


def _person() -> RegexRecognizer:
    word = rf"[{_UP}][{_LO}]+(?:-[{_UP}{_LO}][{_LO}]+)?"
    particle = r"(?:van|von|de|der|den|del|della|da|di|le|la|du|dos|das|bin|al|el|ten|ter|zu|af)"
    name = rf"({word}(?:[ \t]+(?:[A-Z]\.|{word}|(?:{particle}[ \t]+){{1,3}}{word})){{0,3}})"
    titled = rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sr|Sra|Mme|Mlle|Herr|Frau|Sig|Rev|Capt|Sgt|Nurse)\.?[ \t]+{name}"
    cued = rf"(?i:\b(?:patient|pt|name|named|called|signed|attending|physician|nurse|contact|dear|cc|spouse|wife|husband|son|daughter|mother|father|guardian|caregiver)\b\.?[ \t]*[:,-]?[ \t]*(?:is[ \t]+)?){name}"
    before_age = rf"\b{name[1:-1]}(?=(?:,[ \t]*|[ \t]+)(?:\(?\d{{1,3}}(?:[ \t]|-)?(?:years?|yrs?|y/?o)\b|(?i:born|dob|d\.o\.b|aged?)\b))"
    two_plus = rf"({word}(?:[ \t]+(?:[A-Z]\.|(?:{particle}[ \t]+){{0,3}}{word})){{1,3}})"
    linked = rf"(?i:\b(?:to|for|with|holder|customer|client|hi|hello|dear|and|from|by|contact|emergency\s+contact|name|guardian|call|called|calling|phoned|e-?mailed|e-?mail|texted|text|ask|asked|tell|told|inform|informed|notify|notified|remind|reminded|see|saw|meet|met|visited|contacted|spoke|thank|thanks|tell)\b[ \t]*[:,]?[ \t]+){two_plus}"
    caps_pair = r"\b((?:[A-Z]{2,}[ \t]+){1,2}[A-Z]{2,})\b(?=[ \t]+[a-z])"
    led = rf"(?i:\b(?:caller(?:[ \t]+is)?|(?:note|visit|letter|message|referral|appointment|results|prescription|consult)[ \t]+(?:for|from|to))[ \t]+){name}"
    caps = r"(?i:\b(?:patient|pt|name|mr|mrs|ms|dr)\b\.?[ \t]*:?[ \t]*)([A-Z]{2,}(?:[ \t]+[A-Z]{2,}){1,2})\b"
    return RegexRecognizer(
        "PERSON",
        [
            RegexRule("titled", titled, 0.8, group=1),
            RegexRule("cued", cued, 0.6, group=1),
            RegexRule("all_caps_cued", caps, 0.7, group=1),
            RegexRule("before_age", before_age, 0.6),
            RegexRule("led", led, 0.6, group=1),
            RegexRule("linked_full_name", linked, 0.5, group=1),
            RegexRule("greeting", rf"(?i:\b(?:hi|hello|dear|hey|thanks|thank[ \t]+you)\b,?[ \t]+)({word})", 0.6, group=1),
            RegexRule("caps_pair", caps_pair, 0.4, group=1),
        ],
    )


def luhn_ok(value: str) -> bool:
    """Whether the digits of ``value`` pass the Luhn checksum (card numbers)."""
    digits = [int(c) for c in value if c.isdigit()]
    if not 12 <= len(digits) <= 19:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _card() -> RegexRecognizer:
    return RegexRecognizer(
        "CREDIT_CARD",
        [RegexRule("luhn", r"(?<![\w.-])\d(?:[ -]?\d){11,18}(?![\w-]|\.\d)", 0.9, check=luhn_ok)],
        context=["card", "credit", "visa", "mastercard", "amex", "paid"],
    )


def _long_number() -> RegexRecognizer:
    return RegexRecognizer(
        "ID_NUMBER",
        [
            RegexRule("digit_run", r"(?<![\w.,/-])\d(?:[ -]?\d){8,24}(?![\w-]|[.,]\d)", 0.4),
            RegexRule(
                "cued_id",
                r"(?i:\b(?:SSN|SIN|NINO|NI\s+number|national\s+(?:insurance|id(?:entity)?)(?:\s+(?:number|no\.?))?|"
                r"social\s+security(?:\s+(?:number|no\.?|#))?|tax\s+(?:id|number|file\s+number)|TFN|BSN|NIF|NIE|DNI|"
                r"codice\s+fiscale|passport(?:\s+(?:number|no\.?))?|licen[cs]e\s+(?:number|no\.?)|id\s+(?:number|no\.?)|"
                r"insurance\s+(?:id|number|no\.?)|member\s+(?:id|number))\b\s*[:#]?\s*(?:is\s+)?)"
                r"([A-Z0-9](?:[A-Z0-9]|[ .-](?=[A-Z0-9])){4,24})\b",
                0.85,
                group=1,
            ),
        ],
        context=["account", "acct", "number", "id", "card", "policy", "member"],
    )


def _ssn() -> RegexRecognizer:
    return RegexRecognizer(
        "US_SSN",
        [
            RegexRule("dashed", r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b", 0.6),
            RegexRule("cued", r"\b(?:SSN|social\s+security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*(\d{3}[\s.-]?\d{2}[\s.-]?\d{4})\b", 0.9, group=1, flags=_I),
        ],
        context=["ssn", "social", "security"],
    )


def default_recognizers() -> list[RegexRecognizer]:
    """Return fresh instances of every auditkit recogniser.

    Returns
    -------
    list of RegexRecognizer
        Street addresses, postal codes, MRNs, dates, ages over 89, URLs and
        domains, extra phone formats, cued names and dashed SSNs.
    """
    from auditkit.scrub._addresses import address_recognizers

    return [
        *address_recognizers(), _mrn(), _date(), _age(), _domain(), _phone(), _person(), _ssn(),
        _card(), _long_number(), _email(),
    ]
