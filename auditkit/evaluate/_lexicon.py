"""Identity-term lexicons and which texts mention which term.

A lexicon maps each identity *term* (one subgroup, e.g. ``"muslim"``) to the
*forms* that count as a mention of it (``muslim``, ``muslims``, ``islam``). The
built-in lexicon (``identity_terms/builtin.yaml``, documented there) covers sexual
orientation, gender identity, religion, race/ethnicity/nationality, disability
and age; a user YAML file of the same shape can extend or trim it.

:func:`term_membership` matches on whole tokens, case-folded, with multi-word
forms tried first, and returns a boolean ``(texts, terms)`` matrix: a text counts
under every term it mentions (membership is not exclusive), as in Dixon et al.
(2018) and Borkan et al. (2019).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from auditkit.exceptions import FairnessError

__all__ = ["BUILTIN", "IdentityLexicon", "load_lexicon", "term_membership", "tokens"]

BUILTIN = "builtin"
_TOKEN = re.compile(r"\w+")
_FILE_KEYS = frozenset({"version", "extends", "remove", "categories", "terms"})
_UNCATEGORISED = "custom"


def tokens(text: str) -> tuple[str, ...]:
    """Case-folded word tokens of ``text`` (hyphens, apostrophes and punctuation split tokens)."""
    return tuple(_TOKEN.findall(text.casefold()))


@dataclass(frozen=True)
class IdentityLexicon:
    """Identity terms and their forms.

    Attributes
    ----------
    terms:
        Term name to the forms that count as a mention (each form one or more words).
    categories:
        Term name to its category (``religion``, ``age``, ...; ``custom`` when none was given).
    """

    terms: Mapping[str, tuple[str, ...]]
    categories: Mapping[str, str]

    @property
    def names(self) -> list[str]:
        """Term names in lexicon order."""
        return list(self.terms)


def _check_term(term: Any, forms: Any, source: str) -> tuple[str, tuple[str, ...]]:
    if not isinstance(term, str) or not term.strip():
        raise FairnessError(f"{source}: a term name is empty or not text; name every term, e.g. muslim: [muslim, muslims]")
    if isinstance(forms, str):
        forms = [forms]
    if not isinstance(forms, Sequence) or not all(isinstance(f, str) for f in forms):
        raise FairnessError(f"{source}: term '{term}' needs a list of forms, e.g. {term}: [{term}]")
    clean = tuple(dict.fromkeys(" ".join(tokens(f)) for f in forms if tokens(f)))
    if not clean:
        raise FairnessError(f"{source}: term '{term}' has no form with a word in it; list at least one form")
    return term.strip(), clean


def _add(terms: dict[str, tuple[str, ...]], cats: dict[str, str], raw: Any, category: str, source: str) -> None:
    if not isinstance(raw, Mapping):
        raise FairnessError(f"{source}: category '{category}' must map terms to lists of forms")
    for term, forms in raw.items():
        name, clean = _check_term(term, forms, source)
        terms[name] = clean
        cats[name] = category


def _builtin_raw() -> Any:
    text = resources.files("auditkit.evaluate").joinpath("identity_terms", "builtin.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _from_file_shape(raw: Mapping[str, Any], source: str) -> IdentityLexicon:
    unknown = sorted(str(k) for k in raw if k not in _FILE_KEYS)
    if unknown:
        raise FairnessError(
            f"{source}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(_FILE_KEYS))}"
        )
    terms: dict[str, tuple[str, ...]] = {}
    cats: dict[str, str] = {}
    extends = raw.get("extends")
    if extends is not None:
        if extends != BUILTIN:
            raise FairnessError(f"{source}: 'extends' must be '{BUILTIN}' (the only lexicon a file can extend)")
        base = _from_file_shape(_builtin_raw(), "built-in lexicon")
        terms.update(base.terms)
        cats.update(base.categories)
    categories = raw.get("categories") or {}
    if not isinstance(categories, Mapping):
        raise FairnessError(f"{source}: 'categories' must map category names to {{term: [forms]}}")
    for category, block in categories.items():
        _add(terms, cats, block, str(category), source)
    _add(terms, cats, raw.get("terms") or {}, _UNCATEGORISED, source)
    remove = raw.get("remove") or []
    if not isinstance(remove, list) or any(r not in terms for r in remove):
        raise FairnessError(f"{source}: 'remove' must list terms the lexicon has; check the spelling")
    for name in remove:
        terms.pop(name)
        cats.pop(name)
    if not terms:
        raise FairnessError(f"{source}: the lexicon has no terms; add terms or 'extends: {BUILTIN}'")
    return IdentityLexicon(terms, cats)


def _read_file(path: Path) -> Any:
    if not path.is_file():
        raise FairnessError(
            f"identity-term file not found: '{path.name}'; pass '{BUILTIN}' or a YAML file of terms and forms"
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        raise FairnessError(f"{path.name}: not a UTF-8 YAML file; see identity_terms/builtin.yaml for the shape") from None


def load_lexicon(spec: str | os.PathLike[str] | Mapping[str, Any] | IdentityLexicon) -> IdentityLexicon:
    """Load an identity-term lexicon.

    Parameters
    ----------
    spec:
        ``"builtin"``; a path to a YAML file shaped like the built-in one
        (``categories``, ``terms``, ``extends: builtin``, ``remove``); a mapping in
        that shape; or a plain ``{term: [forms]}`` mapping (one uncategorised term each).

    Raises
    ------
    FairnessError
        A missing or malformed file, a term without forms, or an empty lexicon.

    Examples
    --------
    >>> lex = load_lexicon({"muslim": ["muslim", "muslims"]})
    >>> lex.terms["muslim"]
    ('muslim', 'muslims')
    """
    if isinstance(spec, IdentityLexicon):
        return spec
    if isinstance(spec, Mapping):
        if set(spec) & {"categories", "extends", "terms"} and set(spec) <= _FILE_KEYS:
            return _from_file_shape(spec, "identity_terms")
        return _from_file_shape({"terms": dict(spec)}, "identity_terms")
    if str(spec) == BUILTIN:
        return _from_file_shape(_builtin_raw(), "built-in lexicon")
    path = Path(spec)
    raw = _read_file(path)
    if not isinstance(raw, Mapping):
        raise FairnessError(f"{path.name}: expected a mapping with 'categories' or 'terms'; see identity_terms/builtin.yaml")
    return _from_file_shape(raw, path.name)


def _index(lexicon: IdentityLexicon) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """First token -> [(form tokens, term index)], longest forms first."""
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for t, forms in enumerate(lexicon.terms.values()):
        for form in forms:
            words = tuple(form.split())
            index.setdefault(words[0], []).append((words, t))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def term_membership(texts: Iterable[str], lexicon: IdentityLexicon) -> np.ndarray:
    """Which texts mention which term, shape ``(len(texts), len(lexicon.terms))``, dtype bool.

    Every term is matched on its own (a text mentioning "african american" counts
    under that term and, when the lexicon has them, under "african" and "american").

    Raises
    ------
    FairnessError
        When a text is not a string (the message gives its position, never its content).

    Examples
    --------
    >>> lex = load_lexicon({"gay": ["gay", "gays"], "old": ["old", "older"]})
    >>> term_membership(["Gays and OLDER people", "a gaylord", "old-gay"], lex).tolist()
    [[True, True], [False, False], [True, True]]
    """
    index = _index(lexicon)
    rows = []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise FairnessError(f"text at position {i} is {type(text).__name__}; expected str")
        row = np.zeros(len(lexicon.terms), dtype=bool)
        words = tokens(text)
        for j, word in enumerate(words):
            for form, t in index.get(word, ()):
                if not row[t] and words[j:j + len(form)] == form:
                    row[t] = True
        rows.append(row)
    if not rows:
        return np.zeros((0, len(lexicon.terms)), dtype=bool)
    return np.stack(rows)
