"""One default detection engine per test process (loading spaCy and Presidio takes seconds)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from auditkit.config import ScrubConfig


@lru_cache(maxsize=1)
def default_engine() -> Any:
    """The shared default engine."""
    from auditkit.scrub import DetectionEngine

    return DetectionEngine(ScrubConfig())


def use_config(engine: Any, config: ScrubConfig) -> Any:
    """Point the shared engine at ``config`` (only options read per call: thresholds, budget, chunking)."""
    engine.config = config
    engine.deadline.budget_s = config.row_timeout_s
    return engine


@contextlib.contextmanager
def extra_recognizer(engine: Any, recognizer: Any) -> Iterator[Any]:
    """Register ``recognizer`` (time-budget guarded) on the shared engine for the block."""
    from auditkit.scrub._engine import _guard

    _guard(recognizer, engine.deadline)
    engine.analyzer.registry.add_recognizer(recognizer)
    saved = list(engine.entities)
    engine.entities = sorted(set(saved) | set(recognizer.supported_entities))
    try:
        yield engine
    finally:
        engine.analyzer.registry.remove_recognizer(recognizer.name)
        engine.entities = saved
        use_config(engine, ScrubConfig())
