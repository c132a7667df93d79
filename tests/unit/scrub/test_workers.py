"""``scrub.workers: auto`` picks one process per usable core; a count is taken as given."""

from __future__ import annotations

import pytest

from auditkit.config import ScrubConfig, parse_config
from auditkit.exceptions import ConfigError
from auditkit.scrub import Scrubber, auto_workers
from auditkit.scrub import _workers


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 2), (4, 4), (64, _workers.MAX_AUTO_WORKERS)])
def test_auto_is_one_worker_per_usable_core_within_the_cap(cores: int, expected: int) -> None:
    assert auto_workers(cores) == expected


def test_the_default_config_resolves_to_the_machines_auto_count_and_a_count_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workers, "usable_cores", lambda: 1)
    assert ScrubConfig().workers == "auto"
    assert Scrubber(ScrubConfig()).workers == 1
    assert Scrubber(ScrubConfig(workers=3)).workers == 3
    assert Scrubber(ScrubConfig(), workers=2).workers == 2
    monkeypatch.setattr(_workers, "usable_cores", lambda: 2)
    assert Scrubber(ScrubConfig()).workers == 2
    assert Scrubber(ScrubConfig(workers="auto"), workers=1).workers == 1


@pytest.mark.parametrize("bad", [0, -2, "many"])
def test_a_bad_worker_count_is_a_config_error_naming_the_key(bad: object) -> None:
    with pytest.raises(ConfigError, match="scrub.workers"):
        parse_config({"data": {"path": "x.csv"}, "scrub": {"workers": bad}})
