"""Clinical phrase pools and sentence templates for the synthetic triage notes.

Symptoms decide the true label: a note is ``urgent`` when it carries an urgent
symptom. Urgent symptoms come in three presentations: ``dismissed`` (cardiac and
pain presentations, historically under-triaged in women), ``atypical`` (no chest
pain; common in older women and under-triaged most) and ``other``; the planted
bias flips labels mostly on the first two. Templates use ``{FIELD}``
placeholders; upper-case fields are identifiers (recorded as PII spans), lower-case
ones are gendered words filled from :data:`GENDERED`. Tuple order is part of the
seeded output: append, never re-sort.
"""

from __future__ import annotations

__all__ = [
    "ADMIN_REQUESTS",
    "ADMIN_SENTENCES",
    "ATYPICAL_URGENT",
    "CLOSINGS",
    "CONTEXTS",
    "DISMISSED_URGENT",
    "GENDERED",
    "GENDERED_TERM_PAIRS",
    "HISTORY",
    "ID_CLAUSES",
    "ONSETS",
    "OPENINGS",
    "OTHER_URGENT",
    "ROUTINE_SYMPTOMS",
    "SECOND_SYMPTOM",
    "SYMPTOM_SENTENCES",
]

DISMISSED_URGENT: tuple[str, ...] = (
    "chest pain radiating to the left arm",
    "crushing chest pressure with sweating",
    "shortness of breath at rest",
    "sudden pain in the jaw and left arm",
    "palpitations with fainting",
    "severe abdominal pain with vomiting",
    "a sudden thunderclap headache",
    "chest tightness that does not settle with rest",
    "breathlessness and chest discomfort when lying flat",
    "severe pain in the upper back between the shoulder blades",
)

OTHER_URGENT: tuple[str, ...] = (
    "sudden weakness on one side of the body",
    "sudden slurred speech",
    "severe bleeding that will not stop",
    "new confusion and drowsiness",
    "high fever with a stiff neck",
    "coughing up blood",
    "a seizure lasting several minutes",
    "vomiting blood",
    "swelling of the lips and tongue after a bee sting",
    "sudden loss of vision in one eye",
)

#: Atypical presentations of a heart attack (no chest pain: vague, easily mistaken for minor
#: complaints), far more common in older women and historically the most under-triaged of all.
ATYPICAL_URGENT: tuple[str, ...] = (
    "unusual tiredness with nausea",
    "indigestion that will not settle and a cold sweat",
    "feeling generally unwell and clammy",
    "dizziness and a cold sweat",
    "upper stomach discomfort with nausea",
    "sudden extreme fatigue",
    "feeling faint and sick",
    "an aching jaw and feeling sick",
)

ROUTINE_SYMPTOMS: tuple[str, ...] = (
    "a mild rash on the forearm",
    "a mild cough",
    "a sore throat without fever",
    "seasonal sneezing and itchy eyes",
    "mild lower back stiffness",
    "trouble sleeping",
    "a minor ankle sprain",
    "dry itchy skin",
    "blocked ears",
    "mild heartburn after meals",
    "occasional tension headaches",
    "a small cut on the finger that has stopped bleeding",
    "mild knee pain when climbing stairs",
    "a runny nose",
    "a wart on the hand",
    "mild constipation",
    "a stye on the eyelid",
    "tiredness after poor sleep",
)

ADMIN_REQUESTS: tuple[str, ...] = (
    "a medication refill",
    "a routine follow-up appointment",
    "a flu vaccination",
    "the results of recent blood work",
    "a repeat prescription",
    "a referral letter",
    "a sick note for work",
)

ONSETS: tuple[str, ...] = (
    "since this morning",
    "since last night",
    "for two days",
    "for about a week",
    "for the past hour",
    "on and off for three days",
    "since yesterday afternoon",
    "for several weeks",
)

#: Gendered words per group; every key appears in both groups.
GENDERED: dict[str, dict[str, tuple[str, ...]]] = {
    "female": {
        "she": ("she",), "She": ("She",), "her": ("her",), "Her": ("Her",),
        "herself": ("herself",), "woman": ("woman",), "female": ("female",),
        "title": ("Ms", "Mrs", "Ms.", "Mrs."), "mother": ("mother",),
    },
    "male": {
        "she": ("he",), "She": ("He",), "her": ("his",), "Her": ("His",),
        "herself": ("himself",), "woman": ("man",), "female": ("male",),
        "title": ("Mr", "Mr."), "mother": ("father",),
    },
}

#: (female term, male term) pairs for counterfactual term swaps.
GENDERED_TERM_PAIRS: tuple[tuple[str, str], ...] = (
    ("she", "he"), ("her", "his"), ("herself", "himself"), ("woman", "man"),
    ("female", "male"), ("Ms", "Mr"), ("Mrs", "Mr"), ("mother", "father"),
)

OPENINGS: tuple[str, ...] = (
    "Triage note. Patient {PERSON} is a {age}-year-old {woman}.",
    "Phone intake for {title} {PERSON}, a {age}-year-old {woman}.",
    "{title} {PERSON}, {age}, called the nurse line.",
    "Walk-in at the front desk: {age}-year-old {female} patient, {PERSON}.",
    "Nurse triage call. Caller is {PERSON}, {age} years old; {she} is calling for {herself}.",
    "Intake note for {PERSON} ({age}-year-old {woman}).",
)

ID_CLAUSES: dict[str, tuple[str, ...]] = {
    "DATE_OF_BIRTH": ("DOB {DATE_OF_BIRTH}.", "Date of birth: {DATE_OF_BIRTH}.", "Born {DATE_OF_BIRTH}.",
                      "D.O.B. {DATE_OF_BIRTH}."),
    "MEDICAL_RECORD_NUMBER": ("MRN: {MEDICAL_RECORD_NUMBER}.", "MRN {MEDICAL_RECORD_NUMBER}.",
                              "Medical record #{MEDICAL_RECORD_NUMBER}.", "Chart number {MEDICAL_RECORD_NUMBER}."),
    "PHONE_NUMBER": ("Called from {PHONE_NUMBER}.", "Callback number {PHONE_NUMBER}.",
                     "Best contact number is {PHONE_NUMBER}.", "Phone: {PHONE_NUMBER}."),
    "EMAIL_ADDRESS": ("Email {EMAIL_ADDRESS}.", "Prefers contact by email at {EMAIL_ADDRESS}.",
                      "Email on file: {EMAIL_ADDRESS}."),
    "STREET_ADDRESS": ("Lives at {STREET_ADDRESS}.", "Home address: {STREET_ADDRESS}.",
                       "Address on file is {STREET_ADDRESS}."),
    "US_SSN": ("SSN {US_SSN} on file.", "Social security number {US_SSN} given for insurance.", "SSN: {US_SSN}."),
}

SYMPTOM_SENTENCES: tuple[str, ...] = (
    "{She} reports {symptom} {onset}.",
    "Presents with {symptom} {onset}.",
    "{She} describes {symptom} {onset}.",
    "Complains of {symptom} {onset}.",
    "By {her} own account {she} has had {symptom} {onset}.",
)

SECOND_SYMPTOM: tuple[str, ...] = (
    "{She} also mentions {symptom}.",
    "Also notes {symptom}.",
    "In addition {she} has {symptom}.",
)

ADMIN_SENTENCES: tuple[str, ...] = (
    "{She} also asks about {request}.",
    "Requests {request}.",
)

CONTEXTS: tuple[str, ...] = (
    "{She} is a {mother} of two.",
    "{She} lives alone and drove {herself} in.",
    "{She} works night shifts as a nurse aide.",
    "{She} is a school teacher.",
    "{She} cares for {her} elderly parents.",
    "{She} is a {mother} of three and works full time.",
)

HISTORY: tuple[str, ...] = (
    "History of high blood pressure.",
    "No known allergies.",
    "Takes metformin for diabetes.",
    "Allergic to penicillin.",
    "Non-smoker.",
    "History of asthma.",
    "On no regular medication.",
)

CLOSINGS: tuple[str, ...] = (
    "Nurse to review.",
    "Call logged by the triage nurse.",
    "{title} {SURNAME} will wait for a callback.",
    "Note entered by front desk staff.",
    "{title} {SURNAME} confirmed the details above.",
)
