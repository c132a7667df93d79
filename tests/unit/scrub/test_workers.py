"""``scrub.workers: auto`` picks a process count from the free cores; a count is taken as given."""

from __future__ import annotations

import pytest

from auditkit.config import ScrubConfig, parse_config
from auditkit.exceptions import ConfigError
from auditkit.scrub import Scrubber, auto_workers
from auditkit.scrub import _workers


@pytest.mark.parametrize(("cores", "load", "expected"), [
    (2, 1.0, 2),   # idle 2-core machine (the load is this process): a second worker paid 1.51x
    (2, 7.0, 1),   # busy 2-core machine: a second worker did not pay (0.94x)
    (2, 2.0, 1),   # one other busy core
    (1, 0.0, 1),
    (4, 1.2, 4),
    (4, 3.0, 2),
    (64, 0.5, _workers.MAX_AUTO_WORKERS),
])
def test_auto_counts_the_free_cores(cores: int, load: float, expected: int) -> None:
    assert auto_workers(cores, load) == expected


def test_the_default_config_resolves_to_the_machines_auto_count_and_a_count_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workers, "usable_cores", lambda: 2)
    monkeypatch.setattr(_workers, "_load", lambda: 6.5)
    assert ScrubConfig().workers == "auto"
    assert Scrubber(ScrubConfig()).workers == 1
    assert Scrubber(ScrubConfig(workers=3)).workers == 3
    assert Scrubber(ScrubConfig(), workers=2).workers == 2
    monkeypatch.setattr(_workers, "usable_cores", lambda: 6)
    monkeypatch.setattr(_workers, "_load", lambda: 1.0)
    assert Scrubber(ScrubConfig()).workers == 6
    assert Scrubber(ScrubConfig(workers="auto"), workers=1).workers == 1


@pytest.mark.parametrize("bad", [0, -2, "many"])
def test_a_bad_worker_count_is_a_config_error_naming_the_key(bad: object) -> None:
    with pytest.raises(ConfigError, match="scrub.workers"):
        parse_config({"data": {"path": "x.csv"}, "scrub": {"workers": bad}})
