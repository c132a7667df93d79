"""No network, ever: the scrubber runs with sockets blocked, and the guard is shown to catch a fetch."""

from __future__ import annotations

import contextlib
from pathlib import Path

from auditkit.config import ScrubConfig
from auditkit.scrub import DetectionEngine


def test_engine_builds_and_checks_emails_and_urls_with_sockets_blocked(no_network: list[str]) -> None:
    engine = DetectionEngine(ScrubConfig())
    (found,) = engine.detect_many(["Write to ann.lee@example.co.uk or see https://clinic.example.org/a"])
    assert {d.entity for d in found} >= {"EMAIL_ADDRESS", "URL"}
    assert no_network == []


def test_a_default_tldextract_would_try_to_fetch_and_the_guard_sees_it(no_network: list[str], tmp_path: Path) -> None:
    import tldextract

    fresh = tldextract.TLDExtract(cache_dir=str(tmp_path))
    with contextlib.suppress(Exception):  # the guard's exception escapes tldextract's fetch
        fresh("mail.example.co.uk")
    assert any("publicsuffix" in attempt for attempt in no_network)
