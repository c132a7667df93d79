"""Shared fixtures: offline switches, a tiny BERT, and a no-network guard."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from tests._tiny import build_tiny_model  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT classifier folder (labels routine/urgent), shared by the session."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny_model"))


class NetworkBlocked(RuntimeError):
    """Raised by the socket guard when code tries to reach the network."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Block every non-Unix socket connection; yields the list of attempted addresses."""
    attempts: list[str] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)  # type: ignore[arg-type]
        attempts.append(repr(address))
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def guarded_getaddrinfo(*args: object, **kwargs: object) -> object:
        attempts.append(repr(args[:2]))
        raise NetworkBlocked("DNS lookup attempted")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(NetworkBlocked("connect")))
    yield attempts
