"""Language packs: everything language-specific about scrubbing is data, in ``languages/<code>.yaml``.

A pack names its spaCy model, its default entity types, how the model's NER
labels map to Presidio entities, its word lists (name particles, words that
never belong to a name, words that are never a name on their own, words
usually written in lower case) and its
recognisers: regular expressions with a score, an optional capture group, an
optional validator by name (:data:`~auditkit.scrub._checks.CHECKS`) and context
words. ``common.yaml`` holds what every language shares (e-mails, URLs, card
numbers, international phones) and is merged under each pack. Adding a language
is adding a YAML file: no code path depends on which language is loaded.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditkit.exceptions import ConfigError
from auditkit.scrub._checks import CHECKS, WORD_CHECKS

__all__ = ["LanguagePack", "PatternSpec", "RecognizerSpec", "available_languages", "load_language"]

_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE}
_REF = re.compile(r"\$\{(\w+)\}")


class _Pattern(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    regex: str
    score: float = Field(ge=0, le=1)
    group: int = Field(0, ge=0)
    flags: list[Literal["IGNORECASE", "MULTILINE"]] = Field(default_factory=list)
    check: str | None = None
    view: Literal["plain", "mono"] = "plain"


class _Recognizer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: str
    context: list[str] = Field(default_factory=list)
    patterns: list[_Pattern]


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_particles: list[str] = Field(default_factory=list)
    name_stop: str = ""
    not_names: str = ""
    ner_common: str = ""


class _Ner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: dict[str, str]
    ignore: list[str] = Field(default_factory=list)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    spacy_model: str | None = None
    entities: list[str] = Field(default_factory=list)
    ner: _Ner | None = None
    presidio_remove: list[str] = Field(default_factory=list)
    lower_words_file: str | None = None
    date_like: str = r"\d"
    words: _Words = Field(default_factory=_Words)
    fragments: dict[str, str] = Field(default_factory=dict)
    recognizers: list[_Recognizer] = Field(default_factory=list)


@dataclass(frozen=True)
class PatternSpec:
    """One expanded recogniser pattern (see the module docstring)."""

    name: str
    regex: str
    score: float
    group: int
    flags: int
    check: str | None
    view: str


@dataclass(frozen=True)
class RecognizerSpec:
    """The patterns and context words of one recogniser, and the file it came from."""

    entity: str
    source: str
    context: tuple[str, ...]
    patterns: tuple[PatternSpec, ...]


@dataclass(frozen=True)
class LanguagePack:
    """Everything language-specific the scrubber uses, loaded from a language file."""

    code: str
    spacy_model: str
    entities: tuple[str, ...]
    ner_labels: dict[str, str]
    ner_ignore: tuple[str, ...]
    presidio_remove: tuple[str, ...]
    name_particles: tuple[str, ...]
    name_stop: frozenset[str]
    not_names: frozenset[str]
    ner_common: frozenset[str]
    date_like: re.Pattern[str]
    recognizers: tuple[RecognizerSpec, ...]
    lower_words_file: str | None

    @property
    def lower_words(self) -> frozenset[str]:
        """Words usually written in lower case (empty when the pack has no list)."""
        return _lower_words(self.lower_words_file)


def _folder() -> Any:
    return resources.files("auditkit.scrub") / "languages"


def available_languages() -> list[str]:
    """Codes of the installed language files."""
    return sorted(p.name[:-5] for p in _folder().iterdir() if p.name.endswith(".yaml") and p.name != "common.yaml")


def _read(name: str) -> _File:
    path = _folder() / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"scrub language file {name}.yaml: {where}: {first['msg']}; fix the file (schema in common.yaml)"
        ) from None


@lru_cache(maxsize=8)
def _lower_words(filename: str | None) -> frozenset[str]:
    if filename is None:
        return frozenset()
    raw = (_folder() / filename).read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if filename.endswith(".gz") else raw.decode("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _expand(regex: str, fragments: dict[str, str], where: str) -> str:
    for _ in range(20):
        if "${" not in regex:
            return regex

        def sub(match: re.Match[str]) -> str:
            if match.group(1) not in fragments:
                raise ConfigError(f"scrub language file {where}: unknown fragment ${{{match.group(1)}}}; define it under fragments")
            return fragments[match.group(1)]

        regex = _REF.sub(sub, regex)
    raise ConfigError(f"scrub language file {where}: fragments refer to each other in a loop")


def _spec(rec: _Recognizer, source: str, fragments: dict[str, str]) -> RecognizerSpec:
    patterns = []
    for pat in rec.patterns:
        where = f"{source}.yaml, {rec.entity}/{pat.name}"
        if pat.check is not None and pat.check not in CHECKS and pat.check not in WORD_CHECKS:
            known = sorted([*CHECKS, *WORD_CHECKS])
            raise ConfigError(f"scrub language file {where}: unknown check {pat.check!r}; expected one of {known}")
        flags = 0
        for flag in pat.flags:
            flags |= _FLAGS[flag]
        regex = _expand(pat.regex, fragments, where)
        try:
            re.compile(regex, flags)
        except re.error as exc:
            raise ConfigError(f"scrub language file {where}: invalid regular expression ({exc.msg})") from None
        patterns.append(PatternSpec(pat.name, regex, pat.score, pat.group, flags, pat.check, pat.view))
    return RecognizerSpec(rec.entity, source, tuple(rec.context), tuple(patterns))


@lru_cache(maxsize=8)
def load_language(code: str) -> LanguagePack:
    """Load the language pack ``code`` merged over ``common.yaml``.

    Raises
    ------
    ConfigError
        No file for ``code``, or a file that breaks the schema.
    """
    if code not in available_languages():
        raise ConfigError(
            f"scrub.language: no language file for {code!r}; expected one of {', '.join(available_languages())}; "
            f"add auditkit/scrub/languages/{code}.yaml to support it"
        )
    common, lang = _read("common"), _read(code)
    if lang.spacy_model is None or lang.ner is None:
        raise ConfigError(f"scrub language file {code}.yaml: spacy_model and ner are required")
    fragments = {**common.fragments}
    for name, value in lang.fragments.items():
        fragments[name] = _expand(value, fragments, f"{code}.yaml, fragment {name}")
    for name, value in list(fragments.items()):
        fragments[name] = _expand(value, fragments, f"fragment {name}")
    specs = [_spec(r, code, fragments) for r in lang.recognizers] + [_spec(r, "common", fragments) for r in common.recognizers]
    words = lang.words
    return LanguagePack(
        code=code,
        spacy_model=lang.spacy_model,
        entities=tuple(lang.entities),
        ner_labels=dict(lang.ner.labels),
        ner_ignore=tuple(lang.ner.ignore),
        presidio_remove=tuple(lang.presidio_remove),
        name_particles=tuple(words.name_particles),
        name_stop=frozenset(words.name_stop.split()),
        not_names=frozenset(words.not_names.split()),
        ner_common=frozenset(words.ner_common.split()) | frozenset(words.name_stop.split()),
        date_like=re.compile(lang.date_like, re.IGNORECASE),
        recognizers=tuple(specs),
        lower_words_file=lang.lower_words_file,
    )
