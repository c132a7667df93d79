"""V7: identifiers written inside tag-like brackets are scrubbed; only the exact tags this run wrote are exempt."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.scrub import Scrubber


def _luhn_complete(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


VALUES = {
    "phone": st.builds(lambda a, b, c: f"{a}{b}{c:04d}", st.integers(201, 989), st.integers(200, 989), st.integers(0, 9999)),
    "phone_dashed": st.builds(lambda a, b, c: f"{a}-{b}-{c:04d}", st.integers(201, 989), st.integers(200, 989), st.integers(0, 9999)),
    "e164": st.builds(lambda cc, n: f"+{cc}{n}", st.sampled_from(["1", "44", "33", "49", "91"]), st.integers(10**8, 10**10 - 1)),
    "ssn": st.builds(lambda a, g, s: f"{a:03d}{g:02d}{s:04d}", st.integers(101, 665), st.integers(10, 99), st.integers(1000, 9999)),
    "ssn_dashed": st.builds(lambda a, g, s: f"{a:03d}-{g:02d}-{s:04d}", st.integers(101, 665), st.integers(10, 99), st.integers(1000, 9999)),
    "email": st.builds(
        lambda u, v, d: f"{u}_{v}@{d}", st.sampled_from(["ann", "omar", "wei", "lars"]),
        st.sampled_from(["lee", "haddad", "zhang", "berg"]), st.sampled_from(["example.org", "mail.example.com"]),
    ),
    "mrn": st.builds(lambda n: f"{n:08d}", st.integers(10**6, 10**8 - 1)),
    "card": st.builds(lambda n: _luhn_complete(f"4{n:014d}"), st.integers(0, 10**14 - 1)),
    "date": st.builds(lambda m, d, y: f"{m:02d}/{d:02d}/{y}", st.integers(1, 12), st.integers(1, 28), st.integers(1930, 2020)),
}
PREFIXES = {
    "phone": ["PHONE", "PHONE_NUMBER", "TEL"], "phone_dashed": ["PHONE", "PHONE_NUMBER", "CELL"],
    "e164": ["PHONE", "PHONE_NUMBER", "X"], "ssn": ["SSN", "US_SSN"], "ssn_dashed": ["SSN", "US_SSN", "ID"],
    "email": ["EMAIL", "EMAIL_ADDRESS", "PERSON"], "mrn": ["MRN"], "card": ["CARD", "CREDIT_CARD", "X"],
    "date": ["DATE", "DOB", "DATE_TIME"],
}
LEADS = ["Call", "Reference", "Patient record", "Contact", "see"]
TAILS = ["today.", "for details.", "", "please."]


def _pieces(value: str) -> list[str]:
    return [p for p in re.findall(r"[A-Za-z0-9]+", value) if len(p) >= 3 and p not in {"example", "org", "mail", "com"}]


@st.composite
def tagged(draw: Any) -> tuple[str, str]:
    """A sentence with one identifier written as ``<PREFIX_value>`` (or ``#``) under a prefix naming its kind."""
    kind = draw(st.sampled_from(sorted(VALUES)))
    value = draw(VALUES[kind])
    tag = f"<{draw(st.sampled_from(PREFIXES[kind]))}{draw(st.sampled_from(['_', '#']))}{value}>"
    return f"{draw(st.sampled_from(LEADS))} {tag} {draw(st.sampled_from(TAILS))}", value


@st.composite
def any_tagged(draw: Any) -> tuple[str, str, str]:
    """Any prefix with any value: the tag form and the same identifier written plainly."""
    value = draw(st.one_of(*VALUES.values()))
    prefix = draw(st.sampled_from(sorted({p for ps in PREFIXES.values() for p in ps})))
    lead, tail = draw(st.sampled_from(LEADS)), draw(st.sampled_from(TAILS))
    tag = f"<{prefix}{draw(st.sampled_from(['_', '#']))}{value}>"
    return f"{lead} {tag} {tail}", f"{lead} {prefix.replace('_', ' ')} {value} {tail}", value


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=tagged())
def test_identifiers_inside_tag_shaped_brackets_are_scrubbed(scrubber: Scrubber, case: tuple[str, str]) -> None:
    text, value = case
    out = scrubber.scrub(text)
    assert not [p for p in _pieces(value) if p in out], (text, out)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=any_tagged())
def test_brackets_never_protect_an_identifier_the_plain_text_would_lose(scrubber: Scrubber, case: tuple[str, str, str]) -> None:
    tagged_text, plain_text, value = case
    leaked_tagged = {p for p in _pieces(value) if p in scrubber.scrub(tagged_text)}
    leaked_plain = {p for p in _pieces(value) if p in scrubber.scrub(plain_text)}
    assert leaked_tagged <= leaked_plain, (tagged_text, plain_text)


def test_tag_check_is_able_to_fail_when_every_bracket_is_exempt(scrubber: Scrubber) -> None:
    from auditkit.scrub._normalize import open_tags

    text = "Call <PHONE_4155550199> today."
    assert open_tags(text, {"<PHONE_4155550199>"}).split() == ["Call", "today."]
    assert "4155550199" not in scrubber.scrub(text)


def test_the_registry_holds_the_exact_tags_written_and_nothing_else(scrubber: Scrubber) -> None:
    out = scrubber.scrub("Call Jane Roe on (212) 555-0199.")
    registry = scrubber._operator.registry
    assert "<PHONE_NUMBER>" in out and "<PHONE_NUMBER>" in registry and "<PERSON>" in registry
    assert "<PHONE_4155550199>" not in registry and "<PHONE_NUMBER_0123456789>" not in registry


def test_scrubbing_scrubbed_text_again_changes_nothing(scrubber: Scrubber) -> None:
    once = scrubber.scrub("Dr. Maria Garcia called from (212) 555-0199 about MRN 4829301.")
    assert scrubber.scrub(once) == once


def test_keyed_tags_are_registered_and_exempt_on_rescan(engine: Any, monkeypatch: Any) -> None:
    from auditkit.config import ScrubConfig
    from tests.unit.scrub._engine_cache import use_config

    monkeypatch.setenv("AUDITKIT_SCRUB_KEY", "k" * 32)
    scrub = Scrubber(ScrubConfig(residual_sample=1.0), operator="pseudonymize")
    scrub._engine = use_config(engine, scrub.config)
    out = scrub.scrub("Call Jane Roe on (212) 555-0199.")
    tags = re.findall(r"<[A-Z_]+_[0-9a-f]{10}>", out)
    assert tags and all(tag in scrub._operator.registry for tag in tags)
    (found,) = engine.detect_many([out], exempt=scrub._operator.registry)
    assert found == []


def test_the_registry_forgets_the_oldest_tags_past_its_capacity() -> None:
    from auditkit.scrub._operators import TagRegistry

    registry = TagRegistry(capacity=2)
    for tag in ("<A_1>", "<A_2>", "<A_3>"):
        registry.add(tag)
    assert "<A_1>" not in registry and "<A_2>" in registry and "<A_3>" in registry and len(registry) == 2
