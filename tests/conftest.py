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


@pytest.fixture(scope="session")
def example_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small seeded synthetic corpus (240 notes); returns the CSV path."""
    from auditkit.examples_data import write_corpus

    files = write_corpus(tmp_path_factory.mktemp("corpus"), n=240, seed=7)
    return Path(files.notes_csv)


@pytest.fixture
def tiny_config(tmp_path: Path, tiny_model_dir: Path, example_corpus: Path):  # type: ignore[no-untyped-def]
    """Factory: a RunConfig on the tiny model and small corpus, with overrides merged per section."""
    from auditkit.config import parse_config

    def make(**sections: dict) -> object:
        raw: dict = {
            "name": "tiny",
            "seed": 3,
            "output_dir": str(tmp_path / "runs"),
            "data": {"path": str(example_corpus), "labels": ["routine", "urgent"], "positive_label": "urgent",
                     "sensitive": ["gender"], "id_column": "id", "split_column": "split"},
            "model": {"path": str(tiny_model_dir), "max_length": 64},
            "training": {"epochs": 2, "batch_size": 16, "learning_rate": 1e-3, "early_stopping_patience": None},
            "fairness": {"mitigation": "none", "bootstrap": 50, "min_group_size": 5},
            "scrub": {"enabled": False},
            "explain": {"enabled": False},
            "privacy": {"enabled": False},
            "report": {"enabled": False},
            "compute": {"energy": False},
        }
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(raw.get(key), dict):
                raw[key] = {**raw[key], **value}
            else:
                raw[key] = value
        return parse_config(raw, source="test")

    return make
