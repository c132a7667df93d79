"""A long stage shows its elapsed time when progress is on, and nothing when it is off (the default off a terminal)."""

from __future__ import annotations

import io
import time

import pytest

from auditkit.pipeline._ticker import stage_ticker


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_ticker_redraws_the_elapsed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    with stage_ticker("[5/8] explain", enabled=True, interval=0.05):
        time.sleep(0.2)
    text = stream.getvalue()
    assert "[5/8] explain 00:00" in text and text.count("\r") >= 2


@pytest.mark.parametrize(("tty", "expected"), [(True, True), (False, False)])
def test_the_runner_default_follows_the_terminal(monkeypatch: pytest.MonkeyPatch, tty: bool, expected: bool) -> None:
    from auditkit.pipeline._runner import _resolve_progress

    monkeypatch.setattr("sys.stderr.isatty", lambda: tty)
    assert _resolve_progress(None) is expected
    assert _resolve_progress(True) is True and _resolve_progress(False) is False


def test_a_disabled_ticker_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    with stage_ticker("[5/8] explain", enabled=False):
        pass
    assert stream.getvalue() == ""
