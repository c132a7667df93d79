"""English style families: running prose, forms, chat, clinical letters, call transcripts.

Each family has its own templates and filler; ``transcript`` is held out of the
development half entirely. ``build(family, filler, rng, case)`` returns a
:class:`Doc`.
"""

from __future__ import annotations

import random

from _doc import Doc
from _fill import Filler

PROSE = (
    "Last weekend {P1} drove up from {city} to visit her grandmother, who still lives at {addr}.",
    "{P1} was born on {dob} and grew up two streets away from the old cinema.",
    "If anyone finds the blue umbrella, please call {P1.first} on {phone}.",
    "My landlord, {P2}, finally answered my email to {P1.email} on {date}.",
    "The package for {P1} was left with a neighbour at {street} instead of the locker.",
    "Our new neighbours are {P1.full} and {P2.full}; they came over from {city} last spring.",
    "According to the volunteer sheet, {P1} (phone {phone}) will bring the folding chairs.",
    "I texted {P1.first} at {phone} but it bounced, so I wrote to {P1.email} instead.",
    "The reunion organiser, {P2.title}, asked everyone to reply before {date}.",
    "Send the signed lease back to {P1} at {addr}.",
    "The scholarship went to {P1}, whose form listed the zip code {zip}.",
    "When {P1.first} finally called back from {phone}, it was almost midnight.",
    "We met {P2} at the farmers market, and she invited us to her place at {addr} on {date}.",
    "The old deed names {P1.lastfirst} as the owner of the lot at {street}.",
    "Years later, {P1.first} {P1.last} still remembered the house at {addr_us}.",
    "Nobody at the office knew that {P2} had moved to {addr_uk} until the card arrived.",
    "Her cousin {P1} now rents a flat at {addr_eu} and loves it.",
)
PROSE_FILLER = (
    "The weather was awful all week, and the river rose over the footpath.",
    "Nobody expected the bakery on the corner to close so early on a Sunday.",
    "The train from Chicago was delayed again because of signal problems.",
    "We watched the match at the pub on Friday and lost the quiz by one point.",
    "The Quarterly Report is still not finished, but the draft looks promising.",
    "The Red Cross tent handed out water and blankets until late in the evening.",
    "After Christmas the whole street felt strangely quiet.",
    "The library extended its opening hours for the summer reading challenge.",
    "It took three tries to assemble the bookshelf from the Swedish instructions.",
    "The community garden finally got its new water tank in April.",
)
FORM_FIELDS = {
    "name": (("Name", "Full name", "Patient name", "Applicant", "Member name", "Client"), "{P1}"),
    "split_name": (("Surname", "Last name", "Family name"), "{P1.last}"),
    "dob": (("DOB", "Date of birth", "Birth date", "D.O.B."), "{dob}"),
    "address": (("Address", "Home address", "Mailing address", "Residence"), "{addr}"),
    "address_ml": (("Address", "Postal address"), "\n{addr_ml}"),
    "phone": (("Phone", "Tel", "Mobile", "Cell", "Contact number", "Home phone"), "{phone}"),
    "email": (("Email", "E-mail", "Email address"), "{P1.email}"),
    "ssn": (("SSN", "Social Security No.", "Social security number"), "{ssn}"),
    "mrn": (("MRN", "Medical record #", "Record number", "Chart no."), "{mrnv}"),
    "zip": (("ZIP", "Zip code", "Postal code"), "{zip}"),
    "emergency": (("Emergency contact", "Next of kin", "Guardian"), "{P2} {phone}"),
    "visit": (("Visit date", "Date of service", "Appointment"), "{date}"),
    "doctor": (("Referring physician", "Primary care provider", "Attending"), "{P3.title}"),
}
FORM_PLAIN = (
    ("Sex", ("F", "M", "Female", "Male")), ("Reason for visit", ("Chest pain", "Follow-up", "Annual physical", "Knee pain")),
    ("Allergies", ("None known", "Penicillin", "Latex", "Peanuts")), ("Insurance plan", ("Blue Shield PPO", "Medicare Part B", "Aetna Choice")),
    ("Preferred language", ("English", "Spanish", "Vietnamese")), ("Marital status", ("Single", "Married", "Widowed")),
)
CHAT = (
    "hey its {P1.first}, new number is {phone}",
    "can u send the pics to {P1.email}",
    "moved last week, new place is {addr}",
    "my bday is {dob} dont forget",
    "did {P2.full} ever pay you back?",
    "ok call me at {phone} after 6",
    "zip is {zip} if the form asks",
    "the clinic wants my ssn {ssn} is that normal??",
    "meet at {street} at 7?",
    "dentist moved to {date} ugh",
    "tell {P2.first} i said hi",
    "this is {P1.full} from the soccer group btw",
    "{P2.first} said her address is {addr_us}",
    "pls forward it to {P2.email} thx",
    "whats {P2.first}'s number? i think it was {phone}",
    "my records are under {P1.full}, dob {dob}",
)
CHAT_FILLER = (
    "lol ok", "running late sorry", "see you tomorrow", "did you watch the Lakers game",
    "traffic on the bridge is insane", "omg yes", "can't tonight, maybe Sunday?", "sounds good",
    "bring snacks", "the wifi at the Starbucks is down again", "happy Friday!!", "k",
)
LETTER_OPEN = (
    "Thank you for referring {P1.title}, whom I saw in the clinic on {date}.",
    "I reviewed {P1.full} in the outpatient department on {date} at your request.",
    "Many thanks for asking me to see this {age}-year-old patient, {P1}, on {date}.",
)
LETTER_BODY = (
    "She lives at {addr} with her husband {P3.first}.",
    "He lives alone at {addr_ml}\nand manages his own medication.",
    "Her daughter, {P4}, attended with her and can be contacted on {phone}.",
    "The family asked that correspondence go to {P4.email}.",
    "His social security number on the referral was {ssn}; please check it against your records.",
    "Her previous notes are filed under {mrn}.",
    "Please ask {P1.first} to call the clinic on {phone} if the palpitations return.",
    "I have written to {P5.title} at the practice in {city} about the anticoagulation.",
)
LETTER_FILLER = (
    "Her blood pressure was 150/90 and the pulse was regular.",
    "She was started on Amlodipine 5 mg once daily.",
    "Echocardiogram showed an ejection fraction of 55 percent with mild mitral regurgitation.",
    "Plan: review in the Cardiology Clinic in three months with a repeat ECG.",
    "There is no history of diabetes or thyroid disease.",
    "He stopped smoking ten years ago and drinks alcohol rarely.",
    "The Holter monitor recorded short runs of atrial fibrillation.",
)
TRANSCRIPT = (
    ("AGENT", "Thank you for calling Northwind Pharmacy, this is {P2.first}, how can I help you today?"),
    ("CALLER", "Hi, I'm calling about a refill for my mother, {P1}."),
    ("AGENT", "Of course. Can I have her date of birth?"),
    ("CALLER", "It's {dob}."),
    ("AGENT", "And the zip code on the account?"),
    ("CALLER", "{zip}."),
    ("AGENT", "What's the best number to reach you?"),
    ("CALLER", "You can call me on {phone}, my name is {P3.full}."),
    ("AGENT", "Is the delivery address still {addr}?"),
    ("CALLER", "No, she moved, it's {addr} now."),
    ("AGENT", "I'll send the confirmation to {P3.email}. Anything else?"),
    ("CALLER", "Her member ID is under her social, {ssn}."),
    ("AGENT", "Thanks, I see the prescription from {P5.title} dated {date}."),
)
TRANSCRIPT_FILLER = (
    ("AGENT", "Please hold for a moment while I pull up the account."),
    ("CALLER", "Sure, no problem."),
    ("AGENT", "Thank you for waiting."),
    ("CALLER", "Is there a delivery charge on weekends?"),
    ("AGENT", "The refill should be ready by Thursday afternoon."),
)
CASES = {
    "prose": (("as_is", 0.75), ("lower", 0.15), ("upper", 0.10)),
    "form": (("as_is", 0.70), ("lower", 0.05), ("upper", 0.25)),
    "chat": (("as_is", 0.45), ("lower", 0.50), ("upper", 0.05)),
    "letter": (("as_is", 0.85), ("lower", 0.05), ("upper", 0.10)),
    "transcript": (("as_is", 0.55), ("lower", 0.35), ("upper", 0.10)),
}


def pick_case(family: str, rng: random.Random) -> str:
    """A casing for a new document of ``family``."""
    cases, weights = zip(*CASES[family], strict=True)
    return rng.choices(cases, weights)[0]


def _prose(filler: Filler, rng: random.Random, doc: Doc) -> None:
    parts = rng.sample(PROSE, rng.randint(1, 3)) + rng.sample(PROSE_FILLER, rng.randint(1, 2))
    rng.shuffle(parts)
    for i, part in enumerate(parts):
        filler.fill(doc, ("" if i == 0 else " ") + part)


def _form(filler: Filler, rng: random.Random, doc: Doc) -> None:
    keys = rng.sample(sorted(FORM_FIELDS), rng.randint(3, 7))
    plain = rng.sample(FORM_PLAIN, rng.randint(1, 3))
    sep, joiner = rng.choice(((": ", "\n"), (" - ", "\n"), (":\t", "\n"), ("=", " | "), (": ", "; ")))
    lines = [f"{rng.choice(FORM_FIELDS[k][0])}{sep}{FORM_FIELDS[k][1]}" for k in keys]
    if "split_name" in keys:
        lines.append(f"{rng.choice(('First name', 'Given name', 'Forename'))}{sep}{{P1.first}}")
    lines += [f"{label}{sep}{rng.choice(values)}" for label, values in plain]
    rng.shuffle(lines)
    if joiner != "\n":
        lines = [line.replace("\n", " ") for line in lines]
    filler.fill(doc, rng.choice(("INTAKE FORM\n", "Registration\n", "", "")) + joiner.join(lines))


def _chat(filler: Filler, rng: random.Random, doc: Doc) -> None:
    handles = ["{P1.first}", "{P2.first}", "me", "support"]
    lines = rng.sample(CHAT, rng.randint(2, 4)) + rng.sample(CHAT_FILLER, rng.randint(1, 3))
    rng.shuffle(lines)
    out = []
    for line in lines:
        stamp = rng.choice(("", f"[{rng.randint(7, 23)}:{rng.randint(0, 59):02d}] "))
        out.append(f"{stamp}{rng.choice(handles[:3])}: {line}" if rng.random() < 0.6 else stamp + line)
    filler.fill(doc, "\n".join(out))


def _letter(filler: Filler, rng: random.Random, doc: Doc) -> None:
    head = rng.choice(("Riverside Heart Centre\n{addr_ml}\nTel {phone}\n\n", "Department of Cardiology\n\n", ""))
    to = rng.choice(("{P2.title}\n{addr_ml}\n\n", "", "{date}\n\n"))
    body = [rng.choice(LETTER_OPEN)] + rng.sample(LETTER_BODY, rng.randint(2, 4)) + rng.sample(LETTER_FILLER, rng.randint(2, 3))
    closing = rng.choice(("Yours sincerely,\n\n{P2.full}\nConsultant Cardiologist", "Kind regards,\n{P2.title}", "With best wishes,\n\n{P2}"))
    template = f"{head}{to}Dear {{P2.title}},\n\nRe: {{P1.full}}, DOB {{dob}}, {{mrn}}\n\n" + " ".join(body) + "\n\n" + closing
    filler.fill(doc, template.replace("{age}", str(rng.randint(40, 88))))


def _transcript(filler: Filler, rng: random.Random, doc: Doc) -> None:
    turns = [TRANSCRIPT[0]] + rng.sample(TRANSCRIPT[1:], rng.randint(4, 7)) + rng.sample(TRANSCRIPT_FILLER, rng.randint(1, 2))
    head = turns[:1]
    rest = turns[1:]
    rng.shuffle(rest)
    lines = [f"{who}: {text}" for who, text in head + rest]
    filler.fill(doc, "\n".join(lines))


FAMILIES = {"prose": _prose, "form": _form, "chat": _chat, "letter": _letter, "transcript": _transcript}


def build(family: str, filler: Filler, rng: random.Random, case: str) -> Doc:
    """A new document of ``family`` in ``case``."""
    doc = Doc(family=family, case=case)
    FAMILIES[family](filler, rng, doc)
    return doc
