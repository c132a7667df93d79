"""The regular-expression recogniser auditkit adds to Presidio, and the set a language pack defines.

A :class:`RegexRecognizer` is a list of :class:`RegexRule` items for one entity
type: each a regular expression with a score and, optionally, the capture group
that holds the identifier (so a cue such as ``MRN:`` or ``Dr.`` stays in the
text while the value goes) and a validator (a checksum). The rules themselves
are data: :func:`default_recognizers` builds them from the language file
``auditkit/scrub/languages/<language>.yaml`` (street addresses, postal codes,
record numbers, dates, cued names, national phone formats and identifiers) over
``common.yaml`` (e-mails, URLs, card numbers, international phones).

A rule marked ``view: mono`` only runs inside lines written in one case
(lower-case chat, ALL-CAPS forms), on their truecased copy; the engine marks
those lines in the NLP artifacts it passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from auditkit.scrub._checks import CHECKS, WORD_CHECKS, luhn_ok

__all__ = ["RegexRecognizer", "RegexRule", "default_recognizers", "luhn_ok"]

MONO_SPANS = "auditkit_mono_spans"
"""Attribute of the NLP artifacts listing the ``(start, end)`` ranges of one-case lines."""


@dataclass(frozen=True)
class RegexRule:
    """One pattern of a :class:`RegexRecognizer`.

    Attributes
    ----------
    name:
        Pattern name (shown in decision explanations, never the match).
    regex:
        The regular expression.
    score:
        Confidence given to a match.
    group:
        Capture group holding the identifier (0: the whole match).
    flags:
        ``re`` flags.
    check:
        Optional validator of the matched value (e.g. a checksum); a failing
        match is dropped.
    view:
        ``plain`` (every text) or ``mono`` (only inside one-case lines).
    """

    name: str
    regex: str
    score: float
    group: int = 0
    flags: int = 0
    check: Callable[[str], bool] | None = None
    view: str = "plain"


class RegexRecognizer(EntityRecognizer):
    """A Presidio recogniser made of :class:`RegexRule` items for one entity type.

    Parameters
    ----------
    entity:
        The Presidio entity type it reports (``STREET_ADDRESS``, ``MRN`` ...).
    rules:
        Its patterns.
    context:
        Words that raise a match's score when they occur nearby.
    language:
        The language it serves (Presidio only runs recognisers of the analysed language).
    name:
        Its name in the registry (default ``auditkit_<entity>``).
    """

    def __init__(
        self,
        entity: str,
        rules: Sequence[RegexRule],
        *,
        context: Sequence[str] = (),
        language: str = "en",
        name: str | None = None,
    ) -> None:
        self._rules = tuple(rules)
        self._compiled = tuple(re.compile(rule.regex, rule.flags | re.MULTILINE) for rule in self._rules)
        super().__init__(
            supported_entities=[entity], name=name or f"auditkit_{entity.lower()}", context=list(context),
            supported_language=language,
        )

    def load(self) -> None:
        """Nothing to load: the patterns are compiled in the constructor."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return one result per pattern match inside ``text``."""
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        mono: list[tuple[int, int]] = getattr(nlp_artifacts, MONO_SPANS, None) or []
        results: list[RecognizerResult] = []
        for rule, pattern in zip(self._rules, self._compiled, strict=True):
            if rule.view == "mono" and not mono:
                continue
            for match in pattern.finditer(text):
                start, end = match.span(rule.group)
                if end <= start or (rule.check is not None and not rule.check(text[start:end])):
                    continue
                if rule.view == "mono" and not any(s <= start and end <= e for s, e in mono):
                    continue
                explanation = AnalysisExplanation(
                    recognizer=self.name, original_score=rule.score, pattern_name=rule.name
                )
                results.append(
                    RecognizerResult(
                        entity,
                        start,
                        end,
                        rule.score,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results


def default_recognizers(language: str = "en") -> list[RegexRecognizer]:
    """Return fresh instances of every recogniser the language pack ``language`` defines.

    Parameters
    ----------
    language:
        A language code with a file in ``auditkit/scrub/languages/``.

    Returns
    -------
    list of RegexRecognizer
        The language's recognisers, then those of ``common.yaml``.

    Raises
    ------
    ConfigError
        No language file for ``language``, or one that breaks the schema.
    """
    from auditkit.scrub._languages import load_language

    pack = load_language(language)
    checks = {**CHECKS, **{name: make(pack.lower_words, pack.name_stop) for name, make in WORD_CHECKS.items()}}
    out = []
    for spec in pack.recognizers:
        rules = [
            RegexRule(p.name, p.regex, p.score, group=p.group, flags=p.flags,
                      check=checks[p.check] if p.check else None, view=p.view)
            for p in spec.patterns
        ]
        name = f"auditkit_{spec.entity.lower()}" if spec.source == language else f"auditkit_{spec.source}_{spec.entity.lower()}"
        out.append(RegexRecognizer(spec.entity, rules, context=spec.context, language=language, name=name))
    return out
