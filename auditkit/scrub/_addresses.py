"""Street-address and postal-code recognisers for US and common international formats.

Addresses are the identifiers small NER models miss most. The patterns key on
street-type words in eight languages (``Street``, ``rue``, ``Via``, ``Calle``,
``-straße``, ``-laan`` ...) next to a house number, on unit words (``Apt``,
``Flat``, ``Piano``), and on postal codes with the city beside them (``75002
Paris``, ``Adamsbury, OR 13900``, ``S6 7LJ``). A multi-line address is caught
line by line; the spans touch, so the merged replacement covers the block.
"""

from __future__ import annotations

import re

from auditkit.scrub._recognizers import RegexRecognizer, RegexRule

__all__ = ["address_recognizers"]

_I = re.IGNORECASE
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞİŁŃŇŐŒŘŚŞŠŢŤŮŰŹŻŽ"
_LO = "a-zß-öø-ÿĀ-ž'’"
_W = rf"[{_UP}][{_LO}]+(?:-[{_UP}{_LO}][{_LO}]+)*"  # a capitalised word, hyphenated parts allowed
_WORDS = rf"{_W}(?:[ \t]+(?:(?:de|del|della|di|da|do|dos|das|du|des|la|le|les|van|von|der|den|en|sur|am|an|im|bei|y|e)[ \t]+)*{_W}){{0,3}}"
_EN_TYPES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir"
    "|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Crescent|Cres|Close|Alley|Row|Walk|Plaza|Path|Pike"
)
_EN_RARE = (
    "Mews|Gardens?|Grove|Hills?|Park|Green|Vale|Views?|Rise|Heights|Junction|Crossing|Crossroads?|Creek|Ridges?"
    "|Point|Station|Meadows?|Manor|Forks?|Ports?|Islands?|Springs?|Estates?|Hollow|Harbou?rs?|Landing|Mills?"
    "|Pass|Valleys?|Shoals?|Spurs?|Summit|Villages?|Ville|Wells?|Ways|Route|Expressway|Freeway|Turnpike"
    "|Causeway|Courts|Coves?|Falls|Camp|Arcade|Land|Ranch|Strand|Parade|Annex|Bayou|Beach|Bend|Bluffs?"
    "|Bottom|Branch|Bridge|Brooks?|Burgs?|Bypass|Canyon|Cape|Centers?|Centre|Club|Commons?|Corners?|Course"
    "|Crest|Curve|Dale|Dam|Divide|Extensions?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|Fort|Gateway|Glens?"
    "|Greens|Groves|Haven|Inlet|Isle|Keys?|Knolls?|Lakes?|Lights?|Locks?|Lodge|Mall|Mission|Motorway|Mount"
    "|Mountains?|Neck|Orchard|Oval|Overpass|Parks|Passage|Pines?|Plains?|Prairie|Radial|Ramp|Rapids?|Rest"
    "|River|Shores?|Skyway|Stravenue|Stream|Throughway|Trace|Track|Trafficway|Tunnel|Underpass|Unions?|Via"
    "|Viaduct|Vista|Walks|Wall|Esplanade|Promenade|Quay|Wharf|Circuit|Chase|Gate|Gully|Outlook|Retreat"
    "|Centreway|Boulevarde|Concourse|Cove|Glade|Grange|Nook|Pocket|Reach|Ridgeway|Terrace|Track|Wynd"
)
_EU_TYPES = (
    "rue|avenue|av\\.|boulevard|bd|chemin|place|allée|impasse|quai|route|cours|square|passage|voie|sentier"
    "|via|viale|piazza|piazzale|corso|vicolo|canale|stretto|borgo|contrada|incrocio|rotonda|largo|strada"
    "|lungomare|salita|traversa|vico|calle|avenida|paseo|plaza|camino|carrera|cuesta|glorieta|pasaje|rambla"
    "|ronda|travesía|vía|callejón|alameda|urbanización|cañada|acceso|pasadizo|ribera|bajada|senda|rúa"
    "|carretera|polígono|rua|travessa|carrer|praça|estrada"
)
_COMPOUND = (
    "straße|strasse|str\\.|weg|platz|allee|gasse|ring|damm|ufer|steig|pfad|chaussee|hof|zeile|graben|markt"
    "|straat|laan|plein|kade|dreef|singel|gracht|boulevard|steeg|park|hoven|veld|dijk|pad"
)
_NUM = r"\d{1,5}(?:[/-]\d{1,4})?[A-Za-z]?\b"
_UNIT = (
    r"(?:,?[ \t]*(?:(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|Appartamento|Piano|Interno|Scala"
    r"|Puerta|Piso|Bajo|Escalera|Esc|Étage|Bâtiment|Bât|Etg)\.?[ \t]*#?|#)[ \t]*\w{1,5}\b){0,2}"
)
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND"
    "|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|AS|GU|MP|PR|VI|FM|MH|PW|AA|AE|AP|ACT|NSW|NT|QLD|SA|TAS|VIC"
    "|AB|BC|MB|NB|NL|NS|NU|ON|PE|QC|SK|YT"
)
_CA_POST = r"[A-Z]\d[A-Z][ ]?\d[A-Z]\d"
_UK_POST = r"[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}"


def _street() -> RegexRecognizer:
    en_type = rf"(?:(?i:{_EN_TYPES})\b\.?|(?:{_EN_RARE})\b)"
    city_tail = rf"(?:,[ \t]*{_W}(?:[ \t]+{_W})?(?:,[ \t]*[A-Z]{{2}}\b)?(?:[ \t]+\d{{5}}(?:-\d{{4}})?)?)?"
    number_first = rf"\b{_NUM}[ \t]+(?:[NSEW]\.?[ \t]+)?(?:{_W}[ \t]+){{0,4}}{en_type}{_UNIT}{city_tail}"
    eu_number_first = rf"\b{_NUM},?[ \t]+(?i:{_EU_TYPES})[ \t]+(?:(?:de|du|des|la|le|les|del|della|di|da|do|dos|das|las|los)[ \t]+|[ld]['’])*{_WORDS}"
    eu_name_first = (
        rf"\b(?i:{_EU_TYPES})[ \t]+(?:(?:de|du|des|la|le|les|del|della|di|da|do|dos|das|las|los)[ \t]+|[ld]['’])*"
        rf"{_WORDS}(?:,?[ \t]*(?:n[.ºo°][ \t]*)?{_NUM})?{_UNIT}"
    )
    compound = rf"\b(?:{_W}[ \t-])?[{_UP}][{_LO}-]*(?i:{_COMPOUND})[ \t]+{_NUM}{_UNIT}"
    compound_split = rf"\b{_W}[ \t]+(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse|Ring|Laan|Straat|Plein)[ \t]+{_NUM}"
    unit_first = rf"(?i:\b(?:Flat|Apartment|Apt|Unit|Suite|Studio)\.?[ \t]+\w{{1,5}}\b)(?:[ \t]*(?:,|\n)?[ \t]*(?:{_NUM})?[ \t]*{_WORDS})?"
    return RegexRecognizer(
        "STREET_ADDRESS",
        [
            RegexRule("number_first", number_first, 0.6),
            RegexRule("eu_number_first", eu_number_first, 0.6),
            RegexRule("eu_name_first", eu_name_first, 0.55),
            RegexRule("compound", compound, 0.6),
            RegexRule("compound_split", compound_split, 0.6),
            RegexRule("unit_first", unit_first, 0.5),
            RegexRule("before_city_code", rf"\b{_NUM}[ \t]+{_W}(?:[ \t]+{_W}){{1,2}}(?=,[ \t]*{_WORDS}[ \t]+(?:\d{{4,5}}\b|{_UK_POST}|{_CA_POST}|(?:{_STATES})\b))", 0.55),
            RegexRule("po_box", r"\b(?:P\.?[ ]?O\.?[ ]*Box|Postfach|Apartado|Boîte[ ]postale|BP)[ \t]+\d{1,6}\b", 0.6, flags=_I),
            RegexRule("military", r"\b(?:USNS|USNV|USS|USCGC|PSC|Unit)[ \t]+[\w ]{1,30}?(?:,[ \t]*Box[ \t]+\d{3,5})?\n?[ \t]*(?:FPO|APO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b", 0.7),
        ],
        context=["address", "lives", "resides", "street", "home", "addr", "ship", "mail", "mailing"],
    )


def _postal() -> RegexRecognizer:
    tail = r"(?=[ \t]*(?:[.,;:)\n]|$))"
    return RegexRecognizer(
        "POSTAL_CODE",
        [
            RegexRule("city_state_code", rf"\b{_WORDS},?[ \t]+(?:{_STATES}),?[ \t]+(?:\d{{5}}(?:-\d{{4}})?|\d{{4}}|{_CA_POST})\b", 0.7),
            RegexRule("state_code", rf"\b(?:{_STATES})[ \t]+(\d{{5}}(?:-\d{{4}})?|{_CA_POST})\b", 0.7, group=1),
            RegexRule("zip_plus4", r"\b\d{5}-\d{4}\b", 0.6),
            RegexRule("uk", rf"\b(?:{_W}[ \t]+)?{_UK_POST}\b(?:[ \t]+{_W})?", 0.6),
            RegexRule("uk_city_line", rf"(?m:^[ \t]*{_WORDS}[ \t]*\n[ \t]*(?={_UK_POST}\b))", 0.5),
            RegexRule("canada", rf"\b(?:{_W}[ \t]+)?{_CA_POST}\b(?:[ \t]+{_W})?", 0.6),
            RegexRule("netherlands", rf"\b(?:(?:[a-z]{{1,3}}[ \t]+)?{_W}[ \t]+)?\d{{4}}[ ]?[A-Z]{{2}}\b(?:[ \t\n]+(?:['’]?[a-z]{{1,2}}[ \t-])?{_WORDS})?", 0.5),
            RegexRule("code_then_city", rf"\b(?:[A-Z]{{1,2}}-)?\d{{4,5}},?[ \t]+{_WORDS}(?:[ \t]*\([A-Z]{{2}}\))?", 0.5),
            RegexRule("city_then_code", rf"\b{_WORDS},?[ \t]+\d{{4,5}}\b{tail}", 0.45),
            RegexRule("bare_zip", r"\b\d{5}\b", 0.2),
        ],
        context=["zip", "zipcode", "postal", "postcode", "code", "cp", "plz", "address"],
    )


def _place() -> RegexRecognizer:
    cue = r"(?i:\b(?:lives|living|resides|residing|moved|relocated|born|raised|grew[ \t]+up)(?:[ \t]+alone)?[ \t]+(?:in|at|to|near)[ \t]+)"
    return RegexRecognizer("LOCATION", [RegexRule("residence", rf"{cue}({_WORDS})", 0.6, group=1)])


def address_recognizers() -> list[RegexRecognizer]:
    """Fresh street-address, postal-code and place-of-residence recognisers."""
    return [_street(), _postal(), _place()]
