"""L5: keyed hashes and pseudonyms resist a dictionary attack; same key same output, other key other."""

from __future__ import annotations

import hashlib
import re

import pytest

from auditkit.scrub import Operator

PHONES = [f"212-555-{n:04d}" for n in range(100, 160)]
KEY = b"correct horse battery staple 42"


def _attack(outputs: list[str]) -> set[str]:
    """Hash every number of the 212-555-XXXX space (three formats) with plain SHA-256; return hits."""
    digests = {d for out in outputs for d in re.findall(r"[0-9a-f]{10,64}", out)}
    hits = set()
    for n in range(10_000):
        for candidate in (f"212-555-{n:04d}", f"212555{n:04d}", f"(212) 555-{n:04d}"):
            full = hashlib.sha256(candidate.encode()).hexdigest()
            if full[:16] in digests or full[:10] in digests or full in digests:
                hits.add(candidate)
    return hits


@pytest.mark.parametrize("name", ["hash", "pseudonymize"])
def test_dictionary_attack_with_plain_sha256_finds_nothing(name: str) -> None:
    op = Operator(name, key=KEY)  # type: ignore[arg-type]
    outputs = [op.render("PHONE_NUMBER", phone) for phone in PHONES]
    assert _attack(outputs) == set()


def test_the_attack_is_able_to_fail_on_unkeyed_hashes() -> None:
    outputs = [f"<PHONE_NUMBER#{hashlib.sha256(p.encode()).hexdigest()[:16]}>" for p in PHONES]
    assert _attack(outputs) == set(PHONES)


@pytest.mark.parametrize("name", ["hash", "pseudonymize"])
def test_same_key_same_output_other_key_other_output(name: str) -> None:
    one, again = Operator(name, key=KEY), Operator(name, key=KEY)  # type: ignore[arg-type]
    other = Operator(name, key=b"another secret of enough bytes")  # type: ignore[arg-type]
    values = [one.render("PHONE_NUMBER", p) for p in PHONES]
    assert values == [again.render("PHONE_NUMBER", p) for p in PHONES]
    assert not set(values) & {other.render("PHONE_NUMBER", p) for p in PHONES}
    assert len(set(values)) == len(PHONES)


def test_the_key_never_appears_in_the_operator_repr_or_output() -> None:
    op = Operator("pseudonymize", key=KEY)
    assert KEY.decode() not in repr(op) + op.render("PERSON", "Jane Roe")
