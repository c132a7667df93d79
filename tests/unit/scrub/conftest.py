"""Fixtures for the scrub tests: one detection engine per session (loading spaCy takes seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from auditkit.config import ScrubConfig
from tests.unit.scrub._engine_cache import default_engine, use_config


@pytest.fixture
def engine() -> Iterator[Any]:
    """The default detection engine, shared by the session (reset to defaults after each test)."""
    shared = default_engine()
    yield shared
    use_config(shared, ScrubConfig())


@pytest.fixture
def scrubber(engine: Any) -> Any:
    """A default Scrubber using the shared engine (residual pass on every cell)."""
    from auditkit.scrub import Scrubber

    scrub = Scrubber(ScrubConfig(residual_sample=1.0))
    scrub._engine = use_config(engine, scrub.config)
    return scrub


@pytest.fixture
def shared_engine(engine: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make every Scrubber built during the test reuse the session engine (CLI and stage tests)."""
    import auditkit.scrub._scrubber as module

    monkeypatch.setattr(module, "DetectionEngine", lambda config, **_: use_config(engine, config))
    yield engine
