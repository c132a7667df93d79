"""One-line messages for pydantic validation errors: the key path, and a hint for unknown keys.

Shared by the run config and the gate policy so both speak the same way;
input values are never echoed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

__all__ = ["format_validation_error"]


def format_validation_error(err: dict[str, Any], source: str, known_keys: Callable[[tuple[Any, ...]], list[str]]) -> str:
    """Render one pydantic error as ``<source>: <problem> '<key.path>'[; hint]``."""
    loc = tuple(err.get("loc", ()))
    path = ".".join(str(p) for p in loc) or "<top level>"
    if err.get("type") == "extra_forbidden":
        known = known_keys(loc)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; valid keys here: {', '.join(known)}"
        return f"{source}: unknown key '{path}'{hint}"
    if err.get("type") == "missing":
        return f"{source}: missing required key '{path}'"
    message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{source}: invalid value at '{path}': {message}"
