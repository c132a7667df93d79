"""A fast context enhancer: raise a match's score when a cue word sits nearby.

Presidio's ``LemmaContextAwareEnhancer`` needs lemmas (the spaCy lemmatiser
and tagger) and walks tokens per result; auditkit runs NER only, so it looks
for each recogniser's context words as whole words in a character window
before and after the match instead. The effect is the same rule: a match with
supporting context gains ``similarity_factor`` and scores at least
``min_score_with_context``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

__all__ = ["WindowContextEnhancer"]


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + r")", re.IGNORECASE)


class WindowContextEnhancer(ContextAwareEnhancer):
    """Context enhancement by a character window (no lemmas needed).

    Parameters
    ----------
    before, after:
        Characters searched before and after a match.
    """

    def __init__(self, *, before: int = 60, after: int = 25) -> None:
        super().__init__(
            context_similarity_factor=0.35,
            min_score_with_context_similarity=0.4,
            context_prefix_count=5,
            context_suffix_count=0,
        )
        self.before = before
        self.after = after

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Return ``raw_results`` with scores raised where context words occur nearby."""
        by_id = {rec.id: rec for rec in recognizers}
        extra = tuple(context or ())
        for result in raw_results:
            meta = result.recognition_metadata or {}
            if meta.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY) or result.score >= 1.0:
                continue
            recognizer = by_id.get(meta.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, ""))
            words = tuple(recognizer.context or ()) + extra if recognizer is not None else extra
            if not words:
                continue
            window = text[max(0, result.start - self.before) : result.start] + " " + text[result.end : result.end + self.after]
            if _pattern(words).search(window):
                result.score = min(max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity), 1.0)
                meta[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
                result.recognition_metadata = meta
        return raw_results
