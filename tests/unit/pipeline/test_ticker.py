"""A long stage shows its elapsed time on a terminal and writes nothing into a non-terminal log."""

from __future__ import annotations

import io
import time

import pytest

from auditkit.pipeline._ticker import stage_ticker


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "shown"), [(_Terminal(), True), (io.StringIO(), False)])
def test_the_ticker_draws_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, shown: bool) -> None:
    monkeypatch.setattr("sys.stderr", stream)
    with stage_ticker("[5/8] explain", enabled=True, interval=0.05):
        time.sleep(0.2)
    text = stream.getvalue()
    assert ("[5/8] explain 00:00" in text) is shown
    assert ("\r" in text) is shown


def test_a_disabled_ticker_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    with stage_ticker("[5/8] explain", enabled=False):
        pass
    assert stream.getvalue() == ""
