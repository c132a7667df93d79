"""The French evaluation set: values (names, addresses, phones, NIR, dates) and style families.

Same families as English (prose, forms, SMS chat, medical letters; phone-call
transcripts held out of the development half), written in French. NIR values
carry a correct key (97 - number mod 97, Corsica 2A/2B counted as 19/18).
"""

from __future__ import annotations

import random
from typing import Any

from _doc import Doc, Piece
from _fill import Filler

HAND_NAMES_DEV = (
    ("Karim", "Benali"), ("Aminata", "Diallo"), ("Thi Lan", "Nguyen"), ("Yacine", "Haddad"), ("Fatoumata", "Traoré"),
    ("Jean-Baptiste", "Lefèvre"), ("Maëlle", "Le Goff"), ("Samir", "Bouzid"), ("Inès", "Ferreira"), ("Hugo", "Da Silva"),
)
HAND_NAMES_TEST = (
    ("Mourad", "Khelifi"), ("Awa", "Coulibaly"), ("Minh", "Tran"), ("Nadia", "Belkacem"), ("Moussa", "Keita"),
    ("Pierre-Louis", "Marchand"), ("Gwenaëlle", "Le Bihan"), ("Rachid", "Mansouri"), ("Sofia", "Pereira"), ("Lucas", "Dos Santos"),
)
LOCALES_DEV = ("fr_FR", "fr_BE")
LOCALES_TEST_EXTRA = ("fr_CH", "fr_CA")
STREETS = (
    "rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire", "rue de la République", "place du Marché",
    "allée des Tilleuls", "impasse des Acacias", "chemin du Moulin", "rue Victor Hugo", "quai de la Loire",
    "avenue du Général de Gaulle", "rue Pasteur", "boulevard Saint-Michel", "route de Toulouse", "rue de l'Église",
    "cours Lafayette", "square Montholon", "rue du Faubourg Saint-Antoine",
)
CITIES = (
    ("Paris", "75"), ("Lyon", "69"), ("Marseille", "13"), ("Toulouse", "31"), ("Nantes", "44"), ("Rennes", "35"),
    ("Lille", "59"), ("Strasbourg", "67"), ("Bordeaux", "33"), ("Montpellier", "34"), ("Dijon", "21"),
    ("Ajaccio", "2A"), ("Bastia", "2B"), ("Grenoble", "38"), ("Clermont-Ferrand", "63"), ("Brest", "29"),
)
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
DOMAINS = ("orange.fr", "free.fr", "gmail.com", "laposte.net", "wanadoo.fr", "sfr.fr", "yahoo.fr", "hotmail.fr")


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def nir_key(body: str) -> int:
    """The NIR key of the 13-character ``body`` (2A/2B counted as 19/18)."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97


class FrenchValues:
    """French identifier values as labelled pieces (slot methods as in the English set)."""

    def __init__(self, rng: random.Random, fakers: list[Any], hand_names: tuple[tuple[str, str], ...]) -> None:
        self.rng = rng
        self.fakers = fakers
        self.hand_names = hand_names

    def first_last(self) -> tuple[str, str]:
        if self.rng.random() < 0.3:
            return self.rng.choice(self.hand_names)
        fake = self.rng.choice(self.fakers)
        return fake.first_name(), fake.last_name()

    def title(self) -> str:
        return self.rng.choice(("M.", "Mme", "Mme.", "Dr", "Docteur", "Pr", "Mlle", "Monsieur", "Madame"))

    def email(self, first: str, last: str) -> list[Piece]:
        import unicodedata

        def plain(s: str) -> str:
            return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and c.isalnum()).lower() or "x"

        f, l = plain(first), plain(last)
        local = self.rng.choice((f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}{self.rng.randint(1, 99)}", f"{l}.{f}{self.rng.randint(60, 99)}"))
        return [(f"{local}@{self.rng.choice(DOMAINS)}", "EMAIL_ADDRESS")]

    def slot_email(self) -> list[Piece]:
        return self.email(*self.first_last())

    def slot_phone(self) -> list[Piece]:
        r = self.rng
        lead = r.choice("1234567899")
        pairs = [_d(r, 2) for _ in range(4)]
        text = r.choice((
            f"0{lead} {' '.join(pairs)}", f"0{lead}.{'.'.join(pairs)}", f"0{lead}{''.join(pairs)}", f"0{lead}-{'-'.join(pairs)}",
            f"+33 {lead} {' '.join(pairs)}", f"+33{lead}{''.join(pairs)}", f"+33 (0){lead} {' '.join(pairs)}", f"0033 {lead} {' '.join(pairs)}",
        ))
        return [(text, "PHONE_NUMBER")]

    def _city(self) -> tuple[str, str]:
        city, dept = self.rng.choice(CITIES)
        code = ("20" if dept in ("2A", "2B") else dept) + (f"{self.rng.randint(0, 20):03d}" if dept != "75" else f"0{self.rng.randint(1, 20):02d}")
        return city, code

    def address(self, *, multiline: bool = False) -> list[Piece]:
        r = self.rng
        number = f"{r.randint(1, 150)}{r.choice(('', '', '', ' bis', ' ter'))}"
        line = f"{number}{r.choice((' ', ', '))}{r.choice(STREETS)}"
        if r.random() < 0.15:
            line = f"Bât. {r.choice('ABCD')}, " + line
        city, code = self._city()
        sep = "\n" if multiline else r.choice((", ", " ", " - "))
        pieces: list[Piece] = [(line, "STREET_ADDRESS"), (sep, None), (code, "ZIP_CODE"), (" ", None), (city, "LOCATION")]
        if r.random() < 0.1:
            pieces += [(" Cedex", None)]
        return pieces

    def slot_addr(self) -> list[Piece]:
        return self.address()

    def slot_addr_ml(self) -> list[Piece]:
        return self.address(multiline=True)

    def slot_street(self) -> list[Piece]:
        return self.address()[:1]

    def slot_city(self) -> list[Piece]:
        return [(self.rng.choice(CITIES)[0], "LOCATION")]

    def slot_zip(self) -> list[Piece]:
        return [(self._city()[1], "ZIP_CODE")]

    def _date(self, birth: bool) -> list[Piece]:
        r = self.rng
        y = r.randint(1931, 2004) if birth else r.randint(2015, 2025)
        m, d = r.randint(1, 12), r.randint(1, 28)
        day = "1er" if d == 1 else str(d)
        text = r.choice((
            f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}.{m:02d}.{y}", f"{d:02d}-{m:02d}-{y}", f"{y}-{m:02d}-{d:02d}",
            f"{day} {MOIS[m - 1]} {y}", f"{day} {MOIS[m - 1]}", f"{d} {MOIS[m - 1][:4]}. {y}", f"{d:02d}/{m:02d}/{str(y)[2:]}",
        ))
        return [(text, "DATE_TIME")]

    def slot_date(self) -> list[Piece]:
        return self._date(False)

    def slot_dob(self) -> list[Piece]:
        return self._date(True)

    def slot_nir(self) -> list[Piece]:
        r = self.rng
        dept = r.choice(("75", "69", "13", "2A", "2B", "59", "33", "44", "01", "99"))
        body = f"{r.choice('12')}{_d(r, 2)}{r.randint(1, 12):02d}{dept}{_d(r, 3)}{_d(r, 3)}"
        key = f"{nir_key(body):02d}"
        grouped = f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key}"
        return [(r.choice((grouped, body + key, f"{body} {key}")), "FR_NIR")]


PROSE = (
    "Le week-end dernier, {P1} est venue de {city} pour voir sa grand-mère, qui habite toujours au {addr}.",
    "{P1} est née le {dob} et a grandi près de l'ancienne gare.",
    "Si quelqu'un retrouve le parapluie bleu, merci d'appeler {P1.first} au {phone}.",
    "Mon propriétaire, {P2}, a enfin répondu à mon courriel à {P1.email} le {date}.",
    "Le colis de {P1} a été déposé chez un voisin au {street} au lieu du point relais.",
    "Nos nouveaux voisins, {P1.full} et {P2.full}, sont arrivés de {city} au printemps.",
    "Renvoyez le bail signé à {P1}, {addr}.",
    "Quand {P1.first} a rappelé depuis le {phone}, il était presque minuit.",
    "L'organisatrice, {P2.title}, demande une réponse avant le {date}.",
    "Des années plus tard, {P1.first} {P1.last} se souvenait encore de la maison du {addr}.",
)
PROSE_FILLER = (
    "Il a plu toute la semaine et la rivière a débordé sur le chemin.",
    "Personne ne pensait que la boulangerie fermerait si tôt un dimanche.",
    "Le train de Bruxelles avait encore du retard à cause d'un incident technique.",
    "La médiathèque a prolongé ses horaires pour l'été.",
    "Après Noël, la rue semblait étrangement calme.",
    "Le jardin partagé a enfin reçu sa nouvelle cuve en avril.",
)
FORM_FIELDS = {
    "name": (("Nom", "Nom complet", "Patient", "Demandeur", "Assuré"), "{P1}"),
    "split_name": (("Nom de famille", "Nom de naissance"), "{P1.last}"),
    "dob": (("Date de naissance", "Né(e) le", "DDN"), "{dob}"),
    "address": (("Adresse", "Domicile", "Adresse postale"), "{addr}"),
    "address_ml": (("Adresse",), "\n{addr_ml}"),
    "phone": (("Téléphone", "Tél.", "Portable", "Tel"), "{phone}"),
    "email": (("Courriel", "E-mail", "Adresse électronique"), "{P1.email}"),
    "nir": (("N° de sécurité sociale", "NIR", "Numéro de sécu", "N° SS"), "{nir}"),
    "zip": (("Code postal", "CP"), "{zip}"),
    "emergency": (("Personne à prévenir", "Contact d'urgence"), "{P2} {phone}"),
    "visit": (("Date de consultation", "Rendez-vous"), "{date}"),
    "doctor": (("Médecin traitant", "Médecin adresseur"), "{P3.title}"),
}
FORM_PLAIN = (
    ("Sexe", ("F", "M")), ("Motif", ("Douleur thoracique", "Suivi", "Bilan annuel")), ("Allergies", ("Aucune", "Pénicilline", "Latex")),
    ("Mutuelle", ("Harmonie Mutuelle", "MGEN", "Aucune")), ("Situation familiale", ("Célibataire", "Marié(e)", "Veuf(ve)")),
)
CHAT = (
    "coucou c'est {P1.first}, mon nouveau numéro c'est le {phone}",
    "tu peux envoyer les photos à {P1.email} stp",
    "on a déménagé, la nouvelle adresse c'est {addr}",
    "mon anniv c'est le {dob} oublie pas",
    "{P2.full} t'a remboursé finalement ?",
    "appelle moi au {phone} après 18h",
    "le code postal c'est {zip}",
    "la clinique demande mon numéro de sécu {nir} c'est normal ??",
    "rdv devant le {street} à 19h ?",
    "le dentiste a décalé au {date} pff",
    "dis bonjour à {P2.first} de ma part",
    "c'est {P1.full} du club de foot au fait",
)
CHAT_FILLER = ("mdr ok", "je suis en retard désolé", "à demain", "t'as vu le match du PSG", "ça marche", "bon week-end !!", "ok")
LETTER_OPEN = (
    "Je vous remercie de m'avoir adressé {P1.title}, que j'ai vue en consultation le {date}.",
    "J'ai revu {P1.full} en consultation le {date} à votre demande.",
)
LETTER_BODY = (
    "Elle vit au {addr} avec son mari {P3.first}.",
    "Il vit seul au {addr_ml}\net gère lui-même son traitement.",
    "Sa fille, {P4}, l'accompagnait et peut être jointe au {phone}.",
    "La famille souhaite recevoir les courriers à {P4.email}.",
    "Son numéro de sécurité sociale est le {nir}.",
    "Merci de demander à {P1.first} d'appeler le service au {phone} si les palpitations reviennent.",
    "J'ai écrit au {P5.title} à {city} au sujet de l'anticoagulation.",
)
LETTER_FILLER = (
    "La tension artérielle était à 150/90 et le pouls régulier.",
    "Un traitement par amlodipine 5 mg par jour a été débuté.",
    "L'échographie cardiaque retrouve une fraction d'éjection à 55 pour cent.",
    "Je la reverrai en consultation de cardiologie dans trois mois avec un ECG.",
    "Pas d'antécédent de diabète ni de maladie thyroïdienne.",
)
TRANSCRIPT = (
    ("CONSEILLER", "Pharmacie du Centre bonjour, {P2.first} à l'appareil, que puis-je faire pour vous ?"),
    ("APPELANT", "Bonjour, j'appelle pour le renouvellement de ma mère, {P1}."),
    ("CONSEILLER", "Très bien, quelle est sa date de naissance ?"),
    ("APPELANT", "Le {dob}."),
    ("CONSEILLER", "Et le code postal ?"),
    ("APPELANT", "{zip}."),
    ("CONSEILLER", "Un numéro où vous joindre ?"),
    ("APPELANT", "Le {phone}, je m'appelle {P3.full}."),
    ("CONSEILLER", "L'adresse de livraison est toujours le {addr} ?"),
    ("APPELANT", "Son numéro de sécu c'est le {nir}."),
    ("CONSEILLER", "J'envoie la confirmation à {P3.email}."),
)
TRANSCRIPT_FILLER = (("CONSEILLER", "Ne quittez pas, je regarde le dossier."), ("APPELANT", "D'accord, merci."))


def _prose(filler: Filler, rng: random.Random, doc: Doc) -> None:
    parts = rng.sample(PROSE, rng.randint(1, 3)) + rng.sample(PROSE_FILLER, rng.randint(1, 2))
    rng.shuffle(parts)
    filler.fill(doc, " ".join(parts))


def _form(filler: Filler, rng: random.Random, doc: Doc) -> None:
    keys = rng.sample(sorted(FORM_FIELDS), rng.randint(3, 7))
    sep = rng.choice((" : ", ": ", " - "))
    lines = [f"{rng.choice(FORM_FIELDS[k][0])}{sep}{FORM_FIELDS[k][1]}" for k in keys]
    if "split_name" in keys:
        lines.append(f"Prénom{sep}{{P1.first}}")
    lines += [f"{label}{sep}{rng.choice(values)}" for label, values in rng.sample(FORM_PLAIN, 2)]
    rng.shuffle(lines)
    filler.fill(doc, rng.choice(("FICHE D'ADMISSION\n", "")) + "\n".join(lines))


def _chat(filler: Filler, rng: random.Random, doc: Doc) -> None:
    lines = rng.sample(CHAT, rng.randint(2, 4)) + rng.sample(CHAT_FILLER, rng.randint(1, 2))
    rng.shuffle(lines)
    filler.fill(doc, "\n".join(f"{{P1.first}}: {line}" if rng.random() < 0.4 else line for line in lines))


def _letter(filler: Filler, rng: random.Random, doc: Doc) -> None:
    body = [rng.choice(LETTER_OPEN)] + rng.sample(LETTER_BODY, rng.randint(2, 4)) + rng.sample(LETTER_FILLER, 2)
    head = rng.choice(("Service de cardiologie\n{addr_ml}\nTél. {phone}\n\n", ""))
    template = f"{head}{{city}}, le {{date}}\n\nCher confrère,\n\nObjet : {{P1.full}}, né(e) le {{dob}}\n\n" + " ".join(body)
    filler.fill(doc, template + "\n\nBien confraternellement,\n{P2.title}")


def _transcript(filler: Filler, rng: random.Random, doc: Doc) -> None:
    rest = rng.sample(TRANSCRIPT[1:], rng.randint(4, 7)) + rng.sample(TRANSCRIPT_FILLER, 1)
    rng.shuffle(rest)
    filler.fill(doc, "\n".join(f"{who} : {text}" for who, text in [TRANSCRIPT[0], *rest]))


FAMILIES = {"prose": _prose, "form": _form, "chat": _chat, "letter": _letter, "transcript": _transcript}
CASES = {
    "prose": (("as_is", 0.8), ("lower", 0.1), ("upper", 0.1)),
    "form": (("as_is", 0.7), ("lower", 0.05), ("upper", 0.25)),
    "chat": (("as_is", 0.5), ("lower", 0.5), ("upper", 0.0)),
    "letter": (("as_is", 0.9), ("lower", 0.0), ("upper", 0.1)),
    "transcript": (("as_is", 0.6), ("lower", 0.3), ("upper", 0.1)),
}


def pick_case(family: str, rng: random.Random) -> str:
    cases, weights = zip(*CASES[family], strict=True)
    return rng.choices(cases, weights)[0]


def build(family: str, filler: Filler, rng: random.Random, case: str) -> Doc:
    doc = Doc(family=family, case=case)
    FAMILIES[family](filler, rng, doc)
    return doc
