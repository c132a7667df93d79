"""V7: a 1.5M-character document is chunked and every seeded identifier in it is scrubbed (slow)."""

from __future__ import annotations

import pytest

from auditkit.config import ScrubConfig


@pytest.mark.slow
def test_a_one_and_a_half_million_character_document_is_scrubbed_end_to_end() -> None:
    from auditkit.scrub import Scrubber

    filler = "The wound is clean and dry; dressing changed, no fever reported overnight. " * 40
    seeded = [f"Contact Mr. Bram Okonkwo{i:03d} at 555-2{i:02d}-{1000 + i} or bram{i}@example.org. " for i in range(100)]
    text = "".join(filler + s for s in seeded)
    text += "x" * (1_500_000 - len(text))
    scrubber = Scrubber(ScrubConfig(residual_check=False))
    out = scrubber.scrub(text)
    assert len(text) == 1_500_000
    leaked = [s for i, s in enumerate(seeded) if f"Okonkwo{i:03d}" in out or f"bram{i}@" in out or f"-{1000 + i}" in out]
    assert leaked == []
