"""A detection engine with scripted answers, so probe, gold and streaming tests know exactly what is found."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from auditkit.config import ScrubConfig
from auditkit.scrub import Detection, Scrubber
from auditkit.scrub._engine import RowFailure

Detector = Callable[[str], "list[Detection] | RowFailure"]


class StubEngine:
    """Answers ``detect_many`` with ``detector(text)`` for each text; reports ``entities`` as enabled."""

    def __init__(self, entities: Sequence[str], detector: Detector, config: ScrubConfig | None = None) -> None:
        self.entities = sorted(entities)
        self.detector = detector
        self.config = config or ScrubConfig(residual_check=False)
        self.calls = 0

    def detect_many(self, texts: Sequence[str], **_: Any) -> list[Any]:
        self.calls += 1
        return [self.detector(text) for text in texts]


def regex_detector(patterns: dict[str, str]) -> Detector:
    """Detect each entity type by one regular expression."""
    compiled = {entity: re.compile(pattern) for entity, pattern in patterns.items()}

    def detect(text: str) -> list[Detection]:
        return [Detection(e, m.start(), m.end(), 0.9) for e, rx in compiled.items() for m in rx.finditer(text)]

    return detect


def stub_scrubber(engine: StubEngine, **config: Any) -> Scrubber:
    """A Scrubber running in-process on ``engine``."""
    scrubber = Scrubber(ScrubConfig(**{"residual_check": False, **config}))
    engine.config = scrubber.config
    scrubber._engine = engine  # type: ignore[assignment]
    return scrubber
