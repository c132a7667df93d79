"""Identifier values for the English evaluation set, each as labelled pieces.

Written for this set only: nothing here is shared with ``auditkit/examples_data``
or with the older ``bench/scrub_quality.py`` templates. Names come from Faker in
many Latin-script locales plus hand lists of romanised names (the development
and test halves use disjoint hand lists and partly different locales);
addresses are assembled from hand word lists in US, UK and EU layouts, with and
without commas; phones in E.164, international and national formats.
"""

from __future__ import annotations

import random
from typing import Any

from _doc import Piece

HAND_NAMES_DEV = (
    ("Wei", "Zhang"), ("Xiuying", "Liu"), ("Haruto", "Sato"), ("Yui", "Nakamura"), ("Min-jun", "Kim"),
    ("Seo-yeon", "Park"), ("Aarav", "Sharma"), ("Lakshmi", "Venkataraman"), ("Omar", "Haddad"),
    ("Fatima", "Al-Sayed"), ("Dariush", "Farahani"), ("Abebe", "Bekele"), ("Tigist", "Haile"),
    ("Abdi", "Warsame"), ("Aroha", "Ngata"), ("Dmitri", "Volkov"), ("Nikos", "Papadopoulos"),
    ("Yael", "Cohen"), ("Somchai", "Srisai"), ("Maricel", "Dela Cruz"), ("Batbayar", "Ganbold"),
    ("Thanh", "Nguyen"), ("Kwame", "Asante"), ("Chidi", "Okonkwo"), ("Siobhan", "O'Sullivan"),
    ("Jurgen", "van der Berg"), ("Ines", "de la Fuente"), ("Mehmet", "Yilmaz"), ("Anahera", "Walker"),
    ("Rahul", "Mukherjee"), ("Mei", "Chen"), ("Hamid", "Karzai-Noori"), ("Leilani", "Kahananui"),
)
HAND_NAMES_TEST = (
    ("Jian", "Huang"), ("Xiaoling", "Zhou"), ("Sota", "Watanabe"), ("Aoi", "Kobayashi"), ("Ji-ho", "Choi"),
    ("Hye-jin", "Jung"), ("Vivaan", "Iyer"), ("Ananya", "Raghunathan"), ("Youssef", "El Amrani"),
    ("Layla", "Bin Rashid"), ("Parisa", "Rahimi"), ("Dawit", "Tesfaye"), ("Meseret", "Alemu"),
    ("Hodan", "Farah"), ("Tane", "Parata"), ("Oksana", "Kovalenko"), ("Eleni", "Georgiou"),
    ("Avi", "Mizrahi"), ("Nattapong", "Chaiyaphum"), ("Rodel", "Bautista"), ("Temuulen", "Bold"),
    ("Linh", "Pham"), ("Efua", "Mensah"), ("Ngozi", "Eze"), ("Padraig", "MacGowan"),
    ("Pieter", "de Vries"), ("Lucia", "del Rio"), ("Ayse", "Demirci"), ("Keira", "Tuhiwai"),
    ("Sanjay", "Bhattacharya"), ("Hui", "Lin"), ("Zahra", "Hosseini-Tabar"), ("Kalani", "Akana"),
)
LOCALES_DEV = (
    "en_US", "en_GB", "en_IN", "en_NG", "yo_NG", "sw", "vi_VN", "tr_TR", "pt_BR", "pl_PL",
    "fi_FI", "ga_IE", "de_DE", "fr_FR", "es_MX", "it_IT", "nl_NL",
)
LOCALES_TEST_EXTRA = ("ig_NG", "ha_NG", "hu_HU", "ro_RO", "cs_CZ", "en_KE", "zu_ZA", "id_ID", "sv_SE")

US_STREETS = (
    "Maple", "Oak", "Cedar", "Elm", "Pine", "Walnut", "Chestnut", "Sycamore", "Willow", "Magnolia",
    "Washington", "Lincoln", "Jefferson", "Madison", "Franklin", "Jackson", "Grant", "Monroe",
    "Main", "Market", "Church", "Mill", "Spring", "Park", "Lake", "Hill", "River", "Sunset", "Highland",
    "Prospect", "Fairview", "Ridgewood", "Orchard", "Bayview", "Meadowbrook", "Cherry Creek",
    "5th", "3rd", "42nd", "18th", "1st", "Martin Luther King Jr", "Old Mill", "Stony Brook",
)
US_SUFFIXES = (
    "St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Boulevard", "Ln", "Lane", "Dr", "Drive",
    "Ct", "Court", "Pl", "Place", "Ter", "Way", "Cir", "Circle", "Pkwy", "Hwy", "Trail", "Loop", "Row",
)
US_CITIES = (
    ("Springfield", "IL"), ("Tulsa", "OK"), ("Boise", "ID"), ("Flagstaff", "AZ"), ("Duluth", "MN"),
    ("Macon", "GA"), ("Eugene", "OR"), ("Albany", "NY"), ("Burlington", "VT"), ("Fresno", "CA"),
    ("Scranton", "PA"), ("Lubbock", "TX"), ("Chattanooga", "TN"), ("Dayton", "OH"), ("Provo", "UT"),
    ("Billings", "MT"), ("Cedar Rapids", "IA"), ("Baton Rouge", "LA"), ("Fort Wayne", "IN"),
    ("Santa Fe", "NM"), ("Ann Arbor", "MI"), ("Green Bay", "WI"), ("Little Rock", "AR"), ("Bangor", "ME"),
)
UK_STREETS = (
    "Ashgrove", "Beechwood", "Kingsley", "Hollybush", "Mayfield", "Oakleigh", "Claremont", "Wellington",
    "Victoria", "St Mary's", "Rosebery", "Thornhill", "Gladstone", "Primrose", "Fernbank", "Cromwell",
)
UK_SUFFIXES = ("Road", "Street", "Lane", "Close", "Crescent", "Gardens", "Mews", "Grove", "Avenue", "Terrace", "Drive", "Way")
UK_TOWNS = (
    "Leeds", "Bristol", "Norwich", "Exeter", "Sheffield", "Cardiff", "Harrogate", "Swindon", "Stockport",
    "Reading", "Bath", "Derby", "Ipswich", "Chester", "Lancaster", "Dundee",
)
EU_ADDRESSES = (
    # (street pieces builder key, city, postcode format, country)
    ("de", ("Lindenstraße", "Bahnhofstraße", "Goethestraße", "Am Markt", "Schillerweg", "Kirchgasse", "Mozartplatz"),
     ("Berlin", "Hamburg", "Leipzig", "Köln", "Freiburg", "Bremen"), "#####", "Germany"),
    ("nl", ("Keizersgracht", "Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsplein", "Wilhelminalaan"),
     ("Amsterdam", "Utrecht", "Haarlem", "Leiden", "Groningen"), "#### ??", "Netherlands"),
    ("fr", ("rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire", "rue de la République", "place du Marché"),
     ("Lyon", "Toulouse", "Nantes", "Rennes", "Dijon"), "#####", "France"),
    ("es", ("Calle Mayor", "Avenida de la Constitución", "Calle del Sol", "Paseo de Gracia", "Plaza Nueva"),
     ("Madrid", "Valencia", "Sevilla", "Bilbao", "Zaragoza"), "#####", "Spain"),
    ("it", ("Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Piazza Dante", "Viale dei Mille"),
     ("Milano", "Torino", "Bologna", "Firenze", "Verona"), "#####", "Italy"),
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.co.uk", "proton.me", "icloud.com", "mail.example.org", "posteo.de", "web.de", "uni-leipzig.de")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _ascii(word: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word) if c.isascii() and (c.isalnum() or c in "-'"))


class EnglishValues:
    """Random identifier values as labelled pieces.

    Parameters
    ----------
    rng:
        The seeded random source.
    fakers:
        Faker instances (one per locale) used for names.
    hand_names:
        Hand-listed romanised ``(first, last)`` names.
    """

    def __init__(self, rng: random.Random, fakers: list[Any], hand_names: tuple[tuple[str, str], ...]) -> None:
        self.rng = rng
        self.fakers = fakers
        self.hand_names = hand_names

    # names -----------------------------------------------------------------
    def first_last(self) -> tuple[str, str]:
        """A first and last name from a random culture."""
        if self.rng.random() < 0.3:
            return self.rng.choice(self.hand_names)
        fake = self.rng.choice(self.fakers)
        return fake.first_name(), fake.last_name()

    def person(self, *, style: str = "any") -> list[Piece]:
        """A person's name in one of several written forms."""
        first, last = self.first_last()
        form = self.rng.choice(("full", "full", "full", "middle", "last_first", "initial")) if style == "any" else style
        if form == "middle":
            return [(f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}", "PERSON")]
        if form == "last_first":
            return [(f"{last}, {first}", "PERSON")]
        if form == "initial":
            return [(f"{first[0]}. {last}", "PERSON")]
        if form == "first":
            return [(first, "PERSON")]
        if form == "last":
            return [(last, "PERSON")]
        return [(f"{first} {last}", "PERSON")]

    def titled(self) -> list[Piece]:
        """A name behind a title (the title is not part of the identifier)."""
        first, last = self.first_last()
        title = self.rng.choice(("Dr.", "Dr", "Mr.", "Mrs.", "Ms.", "Ms", "Mr", "Prof."))
        name = last if self.rng.random() < 0.6 else f"{first} {last}"
        return [(f"{title} ", None), (name, "PERSON")]

    # contact ---------------------------------------------------------------
    def email(self, first: str | None = None, last: str | None = None) -> list[Piece]:
        """An e-mail address, often built from a name."""
        if first is None or last is None:
            first, last = self.first_last()
        f, l = _ascii(first).lower().replace("'", "") or "ana", _ascii(last).lower().replace(" ", "").replace("'", "") or "lee"
        local = self.rng.choice((f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}{self.rng.randint(1, 99)}", f"{l}.{f}", f"{f}{self.rng.randint(70, 2005)}", f"{f}+{self.rng.choice(('news', 'work', 'x'))}"))
        return [(f"{local}@{self.rng.choice(EMAIL_DOMAINS)}", "EMAIL_ADDRESS")]

    def phone(self) -> list[Piece]:
        """A phone number in a national or international format."""
        r = self.rng
        area, mid, last4 = str(r.randint(201, 989)), str(r.randint(200, 989)), _digits(r, 4)
        kind = r.choice((
            "us_paren", "us_dash", "us_dot", "us_plain", "e164_us", "us_intl_spaced", "uk_london", "uk_mobile",
            "uk_intl", "e164_uk", "de_intl", "de_national", "fr_intl", "in_intl", "ng_intl", "e164_any", "us_ext",
        ))
        text = {
            "us_paren": f"({area}) {mid}-{last4}", "us_dash": f"{area}-{mid}-{last4}", "us_dot": f"{area}.{mid}.{last4}",
            "us_plain": f"{area}{mid}{last4}", "e164_us": f"+1{area}{mid}{last4}", "us_intl_spaced": f"+1 {area} {mid} {last4}",
            "uk_london": f"020 {r.randint(3000, 8999)} {_digits(r, 4)}", "uk_mobile": f"07{_digits(r, 3)} {_digits(r, 6)}",
            "uk_intl": f"+44 7{_digits(r, 3)} {_digits(r, 6)}", "e164_uk": f"+447{_digits(r, 9)}",
            "de_intl": f"+49 {r.choice(('30', '40', '89', '151', '176'))} {_digits(r, 7)}", "de_national": f"0{r.choice(('30', '40', '89', '221'))} {_digits(r, 7)}",
            "fr_intl": f"+33 {r.randint(1, 7)} {_digits(r, 2)} {_digits(r, 2)} {_digits(r, 2)} {_digits(r, 2)}",
            "in_intl": f"+91 {r.randint(70000, 99999)} {_digits(r, 5)}", "ng_intl": f"+234 {r.choice(('803', '806', '813'))} {_digits(r, 3)} {_digits(r, 4)}",
            "e164_any": f"+{r.choice(('61', '64', '27', '353', '31', '46'))}{_digits(r, 9)}", "us_ext": f"{area}-{mid}-{last4} x{r.randint(10, 9999)}",
        }[kind]
        return [(text, "PHONE_NUMBER")]

    def zip_code(self) -> str:
        """A US ZIP or ZIP+4."""
        code = f"{self.rng.randint(1001, 99950):05d}"
        return f"{code}-{_digits(self.rng, 4)}" if self.rng.random() < 0.35 else code

    def uk_postcode(self) -> str:
        """A UK postcode (area letters, district, sector, unit)."""
        r = self.rng
        area = r.choice(("LS", "BS", "NR", "EX", "S", "CF", "HG", "SN", "SK", "RG", "BA", "DE", "IP", "CH", "LA", "DD", "M", "B", "SW", "E"))
        unit = "".join(r.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
        return f"{area}{r.randint(1, 19)} {r.randint(0, 9)}{unit}"

    def address(self, *, region: str | None = None, multiline: bool = False) -> list[Piece]:
        """A postal address: street line, city, region and postcode as separate gold pieces."""
        r = self.rng
        region = region or r.choice(("us", "us", "us", "uk", "eu"))
        sep = "\n" if multiline else r.choice((", ", ", ", " "))
        if region == "us":
            street = f"{r.randint(1, 9899)} {r.choice(('', '', 'N ', 'S ', 'E ', 'W ', 'NW '))}{r.choice(US_STREETS)} {r.choice(US_SUFFIXES)}"
            unit = r.choice(("", "", "", f" Apt {r.randint(1, 40)}{r.choice(('', 'B'))}", f" Suite {r.randint(100, 950)}", f" #{r.randint(2, 30)}", f", Unit {r.randint(1, 12)}"))
            city, state = r.choice(US_CITIES)
            comma = "," if sep != " " else ""
            return [(street + unit, "STREET_ADDRESS"), (sep, None), (city, "LOCATION"), (f"{comma} ", None), (state, "NEUTRAL"), (" ", None), (self.zip_code(), "ZIP_CODE")]
        if region == "uk":
            street = f"{r.randint(1, 240)} {r.choice(UK_STREETS)} {r.choice(UK_SUFFIXES)}"
            if r.random() < 0.2:
                street = f"Flat {r.randint(1, 30)}, " + street
            return [(street, "STREET_ADDRESS"), (sep, None), (r.choice(UK_TOWNS), "LOCATION"), (sep if sep != ", " else " ", None), (self.uk_postcode(), "ZIP_CODE")]
        country, streets, cities, fmt, name = r.choice(EU_ADDRESSES)
        number = str(r.randint(1, 180))
        street = r.choice(streets)
        line = f"{number} {street}" if country == "fr" else f"{street} {number}"
        code = "".join(r.choice("0123456789") if c == "#" else r.choice("ABCEGHJKLMNPRSTVWXZ") if c == "?" else c for c in fmt)
        pieces: list[Piece] = [(line, "STREET_ADDRESS"), (sep, None), (code, "ZIP_CODE"), (" ", None), (r.choice(cities), "LOCATION")]
        if r.random() < 0.4:
            pieces += [(sep, None), (name, "NEUTRAL")]
        return pieces

    # dates and numbers -----------------------------------------------------
    def date(self, *, birth: bool = False) -> list[Piece]:
        """A calendar date in one of many written formats."""
        r = self.rng
        y = r.randint(1931, 2004) if birth else r.randint(2015, 2025)
        m, d = r.randint(1, 12), r.randint(1, 28)
        month = MONTHS[m - 1]
        suffix = "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
        text = r.choice((
            f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{str(y)[2:]}", f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}",
            f"{month} {d}, {y}", f"{d} {month} {y}", f"{month[:3]} {d} {y}", f"{d}-{month[:3]}-{y}",
            f"{month} {d}{suffix}", f"the {d}{suffix} of {month}", f"{d:02d}/{m:02d}/{y}", f"{month[:3]}. {d}, {y}",
        ))
        return [(text, "DATE_TIME")]

    def ssn(self) -> list[Piece]:
        """A US social security number (valid area, group and serial)."""
        r = self.rng
        area = r.choice([a for a in range(1, 900) if a != 666])
        a, g, s = f"{area:03d}", f"{r.randint(1, 99):02d}", f"{r.randint(1, 9999):04d}"
        return [(r.choice((f"{a}-{g}-{s}", f"{a}-{g}-{s}", f"{a} {g} {s}", f"{a}{g}{s}")), "US_SSN")]

    def mrn(self) -> list[Piece]:
        """A cue and a medical record number (only the number is the identifier)."""
        r = self.rng
        cue = r.choice(("MRN ", "MRN: ", "MRN#", "Medical record number ", "MR# ", "Hospital No. ", "chart # ", "Patient ID: ", "record no. "))
        value = r.choice((_digits(r, 8), f"{r.choice('ABHKMX')}{_digits(r, 7)}", f"{_digits(r, 4)}-{_digits(r, 4)}", f"PT-{_digits(r, 6)}", _digits(r, 7)))
        return [(cue, None), (value, "MRN")]

    # template slots (see _fill.Filler) -------------------------------------
    def title(self) -> str:
        """A courtesy or professional title."""
        return self.rng.choice(("Dr.", "Dr", "Mr.", "Mrs.", "Ms.", "Ms", "Mr", "Prof.", "Miss"))

    def slot_phone(self) -> list[Piece]:
        return self.phone()

    def slot_email(self) -> list[Piece]:
        return self.email()

    def slot_addr(self) -> list[Piece]:
        return self.address()

    def slot_addr_ml(self) -> list[Piece]:
        return self.address(multiline=True)

    def slot_addr_us(self) -> list[Piece]:
        return self.address(region="us")

    def slot_addr_uk(self) -> list[Piece]:
        return self.address(region="uk")

    def slot_addr_eu(self) -> list[Piece]:
        return self.address(region="eu")

    def slot_street(self) -> list[Piece]:
        return self.address(region=self.rng.choice(("us", "uk")))[:1]

    def slot_city(self) -> list[Piece]:
        return [(self.rng.choice([c for c, _ in US_CITIES] + list(UK_TOWNS)), "LOCATION")]

    def slot_zip(self) -> list[Piece]:
        return [(self.zip_code(), "ZIP_CODE")]

    def slot_date(self) -> list[Piece]:
        return self.date()

    def slot_dob(self) -> list[Piece]:
        return self.date(birth=True)

    def slot_ssn(self) -> list[Piece]:
        return self.ssn()

    def slot_mrn(self) -> list[Piece]:
        return self.mrn()

    def slot_mrnv(self) -> list[Piece]:
        """A bare record number (the template supplies the cue)."""
        return self.mrn()[1:]
