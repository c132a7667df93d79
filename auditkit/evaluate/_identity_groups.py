"""Sensitive attributes derived from the text itself.

Most text datasets carry no demographic column, but the texts mention identities.
:func:`identity_groups` assigns each text to the group whose terms it mentions
(word boundary, case-insensitive): ``"none"`` when it mentions no listed term, and
``"multiple"`` when it mentions terms of two or more groups.

This exclusive grouping is kept for callers that want one group per text; the
fairness stage audits identity terms non-exclusively, as the published method
does (:func:`auditkit.evaluate.assess_identity_terms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from auditkit.exceptions import FairnessError

__all__ = ["MULTIPLE_GROUP", "NO_GROUP", "identity_groups"]

NO_GROUP = "none"
MULTIPLE_GROUP = "multiple"


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    ordered = sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)", re.IGNORECASE)


def identity_groups(texts: Iterable[str], identity_terms: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Group of each text from the identity terms it mentions.

    Parameters
    ----------
    texts:
        The texts to classify.
    identity_terms:
        ``{group: [terms]}``, e.g. ``{"female": ["she", "her", "woman"], "male": ["he", "his", "man"]}``.
        Matching is on word boundaries and ignores case; multi-word terms are allowed.

    Returns
    -------
    numpy.ndarray
        One group name per text (``str``), ``"none"`` or ``"multiple"``.

    Raises
    ------
    FairnessError
        When no group or a group without terms is given, or a group is named like a reserved group.

    Examples
    --------
    >>> identity_groups(["She is here", "He and she", "no one"], {"f": ["she"], "m": ["he"]}).tolist()
    ['f', 'multiple', 'none']
    """
    if not identity_terms:
        raise FairnessError("identity_terms is empty; give {group: [terms]} with at least one group")
    patterns: dict[str, re.Pattern[str]] = {}
    for group, terms in identity_terms.items():
        if group in (NO_GROUP, MULTIPLE_GROUP):
            raise FairnessError(f"identity group name {group!r} is reserved; rename the group")
        if not [t for t in terms if str(t).strip()]:
            raise FairnessError(f"identity group {group!r} has no terms; list at least one term")
        patterns[str(group)] = _pattern([str(t) for t in terms])
    out = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise FairnessError(f"text at position {i} is {type(text).__name__}; expected str")
        hits = [group for group, pattern in patterns.items() if pattern.search(text)]
        out.append(hits[0] if len(hits) == 1 else (MULTIPLE_GROUP if hits else NO_GROUP))
    return np.asarray(out, dtype=object).astype(str)
