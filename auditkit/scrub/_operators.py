"""Operators: what replaces a detected identifier.

``replace`` writes the entity tag (``<PERSON>``), ``redact`` removes the span,
``mask`` overwrites every non-space character with ``*``, ``hash`` writes a keyed
HMAC-SHA256 of the exact value and ``pseudonymize`` a keyed surrogate of the
canonical value (case, spacing and punctuation ignored), so the same person or
phone number gets the same surrogate across the corpus. Keyed operators read a
secret of at least 16 bytes from an environment variable; the secret is never
written, logged or returned.

Every tag an operator writes is recorded in its :class:`TagRegistry`: only those
exact strings are exempt when text is analysed again (the residual pass, a second
scrub); a tag-shaped string auditkit did not write, such as
``<PHONE_4155550199>``, is analysed like any other text.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from auditkit.exceptions import ConfigError

__all__ = ["Operator", "OperatorName", "Span", "TagRegistry", "apply_operator", "load_key", "merge_spans"]

OperatorName = Literal["replace", "redact", "mask", "hash", "pseudonymize"]
MIN_KEY_BYTES = 16
_CANON = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Span:
    """A merged region to anonymise: ``[start, end)`` and its entity type."""

    entity: str
    start: int
    end: int
    score: float


def load_key(env_var: str) -> bytes:
    """Read the pseudonymisation secret from ``env_var``.

    Raises
    ------
    ConfigError
        When the variable is unset or holds fewer than 16 bytes.
    """
    value = os.environ.get(env_var, "")
    key = value.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        got = "unset" if not value else f"{len(key)} bytes"
        raise ConfigError(
            f"scrub.key_env: the keyed operators need a secret of at least {MIN_KEY_BYTES} bytes in "
            f"environment variable {env_var}; got {got}; export a random secret, e.g. "
            f"{env_var}=$(openssl rand -hex 32)"
        )
    return key


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Merge overlapping or touching spans; the merged span keeps the best-scored type.

    A union never leaves part of an identifier behind, which picking one of two
    overlapping results (Presidio's conflict rule) can do.
    """
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            best = last if (last.score, last.end - last.start) >= (span.score, span.end - span.start) else span
            merged[-1] = Span(best.entity, last.start, max(last.end, span.end), max(last.score, span.score))
        else:
            merged.append(span)
    return merged


class TagRegistry:
    """The exact tags an operator wrote in this run (membership test for re-analysis).

    Holds at most ``capacity`` tags; past that the oldest are forgotten (a
    forgotten tag is then analysed like text: a possible false alarm in the
    residual pass, never a leak), so memory stays bounded on any corpus.
    """

    def __init__(self, capacity: int = 500_000) -> None:
        self.capacity = capacity
        self._tags: dict[str, None] = {}

    def add(self, tag: str) -> None:
        """Record ``tag`` (most recent last)."""
        if tag in self._tags:
            return
        if len(self._tags) >= self.capacity:
            del self._tags[next(iter(self._tags))]
        self._tags[tag] = None

    def __contains__(self, tag: object) -> bool:
        return tag in self._tags

    def __len__(self) -> int:
        return len(self._tags)


class Operator:
    """Renders the replacement for one span and records every tag it writes.

    Parameters
    ----------
    name:
        The operator.
    key:
        The secret for ``hash`` and ``pseudonymize`` (required for those).
    """

    def __init__(self, name: OperatorName, *, key: bytes | None = None) -> None:
        if name in ("hash", "pseudonymize") and (key is None or len(key) < MIN_KEY_BYTES):
            raise ConfigError(
                f"scrub.operator: {name!r} needs a secret key of at least {MIN_KEY_BYTES} bytes; "
                "got none or a shorter one; set the environment variable named by scrub.key_env"
            )
        if name not in ("replace", "redact", "mask", "hash", "pseudonymize"):
            raise ConfigError(
                f"scrub.operator: unknown operator {name!r}; expected one of replace, redact, mask, "
                "hash, pseudonymize"
            )
        self.name = name
        self._key = key
        self.registry = TagRegistry()

    def __repr__(self) -> str:
        return f"Operator({self.name!r})"

    def render(self, entity: str, value: str) -> str:
        """Return the replacement text for ``value`` detected as ``entity``."""
        if self.name == "redact":
            return ""
        if self.name == "mask":
            return "".join(ch if ch.isspace() else "*" for ch in value)
        tag = self._tag(entity, value)
        self.registry.add(tag)
        return tag

    def _tag(self, entity: str, value: str) -> str:
        if self.name == "replace":
            return f"<{entity}>"
        secret = self._key or b""
        if self.name == "hash":
            digest = hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()
            return f"<{entity}#{digest[:16]}>"
        canonical = _CANON.sub("", value.casefold())
        message = f"{entity}\x00{canonical}".encode()
        digest = hmac.new(secret, message, hashlib.sha256).hexdigest()
        return f"<{entity}_{digest[:10]}>"


def apply_operator(text: str, spans: Sequence[Span], operator: Operator) -> str:
    """Replace each (merged) span of ``text`` using ``operator``.

    Parameters
    ----------
    text:
        The original text.
    spans:
        Detected spans (merged here).
    operator:
        The operator to apply.

    Returns
    -------
    str
        The anonymised text.
    """
    pieces: list[str] = []
    cursor = 0
    for span in merge_spans(spans):
        pieces.append(text[cursor : span.start])
        pieces.append(operator.render(span.entity, text[span.start : span.end]))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)
