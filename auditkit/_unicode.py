"""Text auditkit writes is always valid UTF-8.

A Python string can hold a lone surrogate (a code point in U+D800..U+DFFF on its
own, e.g. from a JSON ``"\\ud800"`` escape), which UTF-8 cannot encode: writing
it raises ``UnicodeEncodeError``. auditkit's rule has two halves:

* **Where data enters** (data loading, :func:`auditkit.evaluate.assess`) a column
  holding such strings is refused with its name and a count (exit 2). Replacing
  them there could merge two distinct groups into one.
* **Every writer** (JSON, JSONL/CSV/Parquet tables, JUnit, SARIF, Markdown, the
  terminal table) passes its text through :func:`utf8_safe`, which replaces each
  lone surrogate with U+FFFD (a surrogate *pair* is joined into the character it
  encodes). Strings that arrive by another route (a hand-edited scorecard, an API
  caller) are then written visibly marked instead of crashing the writer.

Control characters and U+2028/U+2029 are valid Unicode and are kept; each format
makes them inert its own way (JSON escapes control characters, JUnit drops those
XML 1.0 cannot hold, Markdown and the terminal table show ``?``).
"""

from __future__ import annotations

import re

__all__ = ["has_lone_surrogate", "utf8_safe"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a code point UTF-8 cannot encode (a surrogate)."""
    return _SURROGATE.search(text) is not None


def utf8_safe(text: str) -> str:
    """``text`` with surrogate pairs joined and lone surrogates replaced by U+FFFD (unchanged when clean)."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
