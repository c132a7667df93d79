"""Canonical form and digests of a scorecard.

The *evidence* of a scorecard is everything except two sections that are derived
from it: ``integrity`` (the digests themselves) and ``policy`` (the gate's verdict,
which any gate can recompute from the evidence). Its canonical form is JSON with
sorted keys, no insignificant whitespace, UTF-8 and no NaN — the JSON Canonicalization
Scheme (RFC 8785) for the documents auditkit writes (finite floats in Python's
shortest repr, strings escaped by the ``json`` module). Its SHA-256 is the
scorecard's content digest, recorded in ``integrity.content_sha256``; a digest per
section lets a reader name what changed when the content digest does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["DERIVED_SECTIONS", "canonical_bytes", "changed_paths", "content_digest", "evidence", "section_digests"]

DERIVED_SECTIONS = frozenset({"integrity", "policy"})


def canonical_bytes(obj: Any) -> bytes:
    """``obj`` as canonical JSON bytes (sorted keys, compact, UTF-8, finite numbers only)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8", "surrogatepass")


def evidence(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a scorecard document that digests and signatures cover."""
    return {k: v for k, v in doc.items() if k not in DERIVED_SECTIONS}


def content_digest(doc: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical form of the scorecard's evidence."""
    return hashlib.sha256(canonical_bytes(evidence(doc))).hexdigest()


def section_digests(doc: Mapping[str, Any]) -> dict[str, str]:
    """SHA-256 (hex) of each evidence section's canonical form."""
    return {k: hashlib.sha256(canonical_bytes(v)).hexdigest() for k, v in sorted(evidence(doc).items())}


def _walk(old: Any, new: Any, path: str) -> Iterator[str]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in old:
                yield f"{where} (added)"
            elif key not in new:
                yield f"{where} (removed)"
            else:
                yield from _walk(old[key], new[key], where)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from _walk(a, b, f"{path}[{i}]")
    elif canonical_bytes(old) != canonical_bytes(new):
        yield path or "<root>"


def changed_paths(old: Mapping[str, Any], new: Mapping[str, Any], *, limit: int = 5) -> list[str]:
    """Dotted paths whose values differ between two scorecard evidences (at most ``limit``, then a count)."""
    paths = list(_walk(evidence(old), evidence(new), ""))
    if len(paths) > limit:
        return [*paths[:limit], f"... and {len(paths) - limit} more"]
    return paths
