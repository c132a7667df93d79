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
from collections.abc import Sequence
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["RegexRecognizer", "RegexRule", "default_recognizers"]

_I = re.IGNORECASE
_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Crescent|Cres"
    r"|Close|Alley|Row|Walk|Plaza|Path|Pike|Mews|Gardens|Grove|Hill|Park|Green|Vale|View|Rise"
    r"|Heights|Junction|Crossing|Creek|Ridge|Point|Station|Meadows?|Manor|Fork|Ports?|Islands?"
    r"|Springs?|Estates?|Hollow|Harbor|Landing|Mill|Pass|Valley|Shoal|Spur|Summit|Villages?"
    r"|Ville|Wells?|Ways|Route|Rte|Expressway|Freeway|Turnpike|Causeway|Court|Courts|Cove)"
)
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|#)\.?\s*#?\s*[\w-]{1,6})?"
_CAP = r"[A-Z][A-Za-z'’.-]+"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ"
    "|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|AS|GU|MP|PR|VI|FM|MH|PW|AA|AE|AP"
)
_TLD = (
    r"(?:com|org|net|edu|gov|mil|int|info|biz|io|co|uk|us|ca|de|fr|es|it|nl|be|ch|at|au|nz|ie"
    r"|jp|cn|in|br|ru|se|no|dk|fi|pl|pt|eu|me|tv|ly|app|dev|health|med|care|clinic|hospital)"
)
_NAME_CUES = (
    r"(?:patient|pt|name|named|called|mr|mrs|ms|miss|mx|dr|prof|nurse|rn|md|son|daughter|wife"
    r"|husband|mother|father|brother|sister|spouse|partner|guardian|caregiver|contact|dear|signed"
    r"|by|attending|physician|surgeon|referred|from|to|cc|with|seen|discharged|admitted)"
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
    """

    name: str
    regex: str
    score: float
    group: int = 0
    flags: int = 0


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
                if end <= start:
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


def _address() -> RegexRecognizer:
    us = rf"\b\d{{1,6}}[A-Za-z]?(?:-\d{{1,4}})?\s+(?:[NSEW]\.?\s+)?(?:{_CAP}\s+){{0,4}}{_SUFFIX}\b\.?{_UNIT}"
    lines = (
        r"(?:[ \t]*(?:,|\n)[ \t]*(?:[A-Z][\w'’.-]*[ \t]*){1,4}(?:,[ \t]*)?(?:[A-Z]{2}[ \t]+)?\d{5}(?:-\d{4})?"
        r"|(?-i:,[ \t]*[A-Z][a-z'’-]+(?:[ \t][A-Z][a-z'’-]+)?\b(?:,[ \t]*[A-Z]{2}\b)?))?"
    )
    euro_num_first = (
        r"\b\d{1,4}(?:\s?(?:bis|ter|[a-z]))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|place|allée|impasse"
        r"|quai|route|cours|via|viale|piazza|corso|calle|avenida|paseo|plaza|rua|travessa)\s+"
        r"(?:(?:de|du|des|la|le|les|del|della|di|da|do|dos|das)\s+|l['’]|d['’])*[\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}"
    )
    euro_name_first = (
        r"\b(?:rue|avenue|boulevard|chemin|place|allée|impasse|quai|via|viale|piazza|corso|calle|avenida"
        r"|paseo|plaza|rua|travessa|carrer|ronda|camino|plazuela|vía)\s+"
        r"(?:(?:de|du|des|la|le|les|del|della|di|da|do|dos|das|las|los)\s+|l['’]|d['’])*[\w'’-]+"
        r"(?:\s+[A-Z][\w'’-]+){0,3},?\s*(?:n[.ºo°]\s*)?\d{1,4}\b(?:,?\s*\d{1,2}º\s*[A-Za-z]?)?"
    )
    german = (
        r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|steig|pfad"
        r"|gracht|laan|straat|plein|kade|dreef|singel)\s+\d{1,4}(?:\s?[a-z])?\b"
        r"|\b(?:[A-ZÄÖÜ][\wäöüß-]+\s+)(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring)\s+\d{1,4}[a-z]?\b"
    )
    po_box = r"\b(?:P\.?\s?O\.?\s*Box|Postfach|Box)\s+\d{1,6}\b"
    military = r"\b(?:USNS|USNV|USS|USCGC|PSC|Unit)\s+[\w ]{1,30}?,?\s*(?:Box\s+\d{3,5})?\b(?=\s*\n?\s*(?:FPO|APO|DPO)\b)|\b(?:FPO|APO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b"
    return RegexRecognizer(
        "STREET_ADDRESS",
        [
            RegexRule("us_street", us + lines, 0.6, flags=_I),
            RegexRule("euro_number_first", euro_num_first, 0.6, flags=_I),
            RegexRule("euro_name_first", euro_name_first, 0.6, flags=_I),
            RegexRule("germanic", german, 0.6),
            RegexRule("po_box", po_box, 0.6, flags=_I),
            RegexRule("military", military, 0.6),
        ],
        context=["address", "lives", "resides", "street", "home", "addr"],
    )


def _postal() -> RegexRecognizer:
    return RegexRecognizer(
        "POSTAL_CODE",
        [
            RegexRule("us_state_zip", rf"\b(?:{_STATES})\s+(\d{{5}}(?:-\d{{4}})?)\b", 0.7, group=1),
            RegexRule("zip_plus4", r"\b\d{5}-\d{4}\b", 0.6),
            RegexRule("uk", r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b", 0.6),
            RegexRule("canada", r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b", 0.6),
            RegexRule("netherlands", r"\b\d{4}\s?[A-Z]{2}\b(?=\s+[A-Z][a-z])", 0.5),
            RegexRule("code_then_city", r"\b(?:[A-Z]{1,2}-)?\d{4,5}[ \t]+[A-ZÀ-Ý][a-zà-ÿ'’-]{2,}(?:[ \t-](?:sur|am|an|de|del|la|le)?[ \t-]?[A-ZÀ-Ý][a-zà-ÿ'’-]{2,})?", 0.5),
            RegexRule("city_then_code", r"(?<=[a-z],)\s*(\d{5})\b|(?<=[a-z]), (\d{5})(?=\s*$)", 0.5),
            RegexRule("bare_zip", r"\b\d{5}\b", 0.2),
        ],
        context=["zip", "zipcode", "postal", "postcode", "code", "cp", "plz"],
    )


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


def _phone() -> RegexRecognizer:
    ext = r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?"
    return RegexRecognizer(
        "PHONE_NUMBER",
        [
            RegexRule("nanp", rf"(?<![\w/.-])(?:(?:\+?1|001)[\s.-]?)?\(?\d{{3}}\)?[\s.-]?\d{{3}}[\s.-]\d{{4}}{ext}(?![\w/-])", 0.7, flags=_I),
            RegexRule("nanp_plain", rf"(?<![\w/.-])\(\d{{3}}\)\d{{3}}-?\d{{4}}{ext}", 0.7, flags=_I),
            RegexRule("international", rf"(?<![\w/])(?:\+|00)\d{{1,3}}[\s.-]?(?:\(0\)\s?)?\(?\d{{1,5}}\)?(?:[\s.-]?\d{{2,5}}){{1,5}}{ext}(?![\w/-])", 0.7, flags=_I),
            RegexRule("trunk_zero", r"(?<![\w/.-])\(?0\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,5}(?![\w/.-])", 0.45),
            RegexRule("nanp_digits", r"(?<![\w/.-])\d{10}(?![\w/.-])", 0.3),
        ],
        context=["phone", "tel", "telephone", "call", "cell", "mobile", "fax", "contact", "number"],
    )


def _person() -> RegexRecognizer:
    name = rf"([A-Z][a-z'’-]+(?:[ \t]+(?:[A-Z]\.|[A-Z][a-z'’-]+|(?:van|von|de|del|da|di|le|la|du|bin|al)[ \t]+[A-Z][a-z'’-]+)){{0,3}})"
    titled = rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sr|Sra|Mme|Mlle|Herr|Frau|Sig|Rev|Capt|Sgt|Nurse)\.?[ \t]+{name}"
    cued = rf"(?i:\b(?:patient|pt|name|named|called|signed|attending|physician|nurse|contact|dear|cc|spouse|wife|husband|son|daughter|mother|father|guardian|caregiver)\b\.?[ \t]*[:,-]?[ \t]*(?:is[ \t]+)?){name}"
    before_age = rf"\b{name[1:-1]}(?=,?[ \t]*\(?\d{{1,3}}(?:[ \t]|-)?(?:years?|yrs?|y/?o)\b)"
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
        ],
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
    return [_address(), _postal(), _mrn(), _date(), _age(), _domain(), _phone(), _person(), _ssn()]
