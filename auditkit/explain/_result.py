"""The outcome of an explanation run, and its scorecard section.

:class:`ExplanationResult` holds one :class:`ExampleAttribution` per explained
text (words and their attributions), the sensitive-token reliance, faithfulness
and convergence figures, and renders them for the scorecard: global top tokens
(overall, per predicted class, per sensitive group) and a few heat-map examples
per group chosen by a fixed, stated rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from auditkit.explain._faithfulness import FaithfulnessReport
from auditkit.scorecard import Metric
from auditkit.explain._words import normalise_word

__all__ = ["ExampleAttribution", "ExplanationResult"]

EXAMPLE_RULE = (
    "per group of each sensitive attribute: the highest-confidence correct prediction and the "
    "highest-confidence wrong prediction (without true labels: the most and the least confident)"
)
TOP_TOKEN_RULE = (
    "importance = mean over examples of the word's share of the example's absolute attribution; "
    "words seen in fewer than {min_count} examples are left out"
)
_CORE = ("id", "position", "token", "attribution", "predicted_label", "true_label", "confidence")
_MAX_HEATMAP_WORDS = 200


@dataclass(frozen=True)
class ExampleAttribution:
    """Word attributions of one text.

    Attributes
    ----------
    id:
        The example id.
    words, scores:
        Words in order (special tokens dropped, pieces merged) and their attributions.
    predicted_label, confidence:
        The explained class and the model's probability for it.
    true_label:
        The gold label when known.
    groups:
        Sensitive attribute -> group of this example.
    truncated:
        Whether the text was cut to the model's maximum length.
    reliance:
        Share of absolute attribution on identity terms (NaN when undefined).
    delta:
        Relative convergence delta for path methods, else ``None``.
    """

    id: str
    words: tuple[str, ...]
    scores: np.ndarray
    predicted_label: str
    confidence: float
    true_label: str | None = None
    groups: dict[str, str] = field(default_factory=dict)
    truncated: bool = False
    reliance: float = float("nan")
    delta: float | None = None

    def heatmap(self, *, attribute: str | None = None) -> dict[str, Any]:
        """A scorecard heat-map entry: words with scores scaled to [-1, 1] by the largest magnitude."""
        peak = float(np.abs(self.scores).max()) if self.scores.size else 0.0
        scaled = self.scores / peak if peak > 0 else self.scores
        words = [{"word": w, "score": round(float(s), 4)} for w, s in zip(self.words, scaled)][:_MAX_HEATMAP_WORDS]
        return {
            "id": self.id, "attribute": attribute, "group": self.groups.get(attribute) if attribute else None,
            "true_label": self.true_label, "predicted_label": self.predicted_label,
            "confidence": round(self.confidence, 4),
            "correct": None if self.true_label is None else self.true_label == self.predicted_label,
            "truncated": self.truncated, "words": words,
        }


@dataclass(frozen=True)
class ExplanationResult:
    """Attributions for a sample of texts and the figures derived from them.

    Attributes
    ----------
    method, n_steps, device, precision:
        How the attributions were computed.
    records:
        One entry per explained text.
    skipped_ids:
        Ids of texts with no tokens after special-token removal (not explained).
    max_length:
        Token limit texts were truncated to.
    identity_terms:
        Terms whose attribution share is the sensitive-token reliance.
    reliance, reliance_by_group:
        Mean reliance overall and per sensitive group, with bootstrap intervals.
    faithfulness:
        ERASER comprehensiveness / sufficiency vs random, or ``None`` when not computed.
    convergence:
        Delta statistics for path methods, else ``None``.
    memory:
        Internal batch sizes used and out-of-memory back-offs.
    min_token_count:
        Minimum number of examples a word must appear in to be listed as a top token.
    """

    method: str
    n_steps: int
    device: str
    precision: str
    records: tuple[ExampleAttribution, ...]
    skipped_ids: tuple[str, ...]
    max_length: int
    identity_terms: tuple[str, ...]
    reliance: Metric
    reliance_by_group: dict[str, dict[str, Metric]]
    faithfulness: FaithfulnessReport | None = None
    convergence: dict[str, Any] | None = None
    memory: dict[str, Any] = field(default_factory=dict)
    min_token_count: int = 2

    @property
    def n_truncated(self) -> int:
        """Number of explained texts that were truncated."""
        return sum(r.truncated for r in self.records)

    def to_frame(self) -> pd.DataFrame:
        """One row per word: id, position, token, attribution, labels, confidence, group columns."""
        attrs = sorted({a for r in self.records for a in r.groups})
        columns = {a: (a if a not in _CORE else f"group_{a}") for a in attrs}
        rows: list[dict[str, Any]] = []
        for r in self.records:
            for pos, (word, score) in enumerate(zip(r.words, r.scores)):
                row = {"id": r.id, "position": pos, "token": word, "attribution": float(score),
                       "predicted_label": r.predicted_label, "true_label": r.true_label,
                       "confidence": float(r.confidence)}
                row.update({columns[a]: r.groups.get(a) for a in attrs})
                rows.append(row)
        frame = pd.DataFrame(rows, columns=[*_CORE, *columns.values()])
        return frame.astype({"id": "string", "token": "string", "position": "int64", "attribution": "float64"})

    def top_tokens(self, records: Sequence[ExampleAttribution] | None = None, *, n: int = 15) -> list[dict[str, Any]]:
        """Words with the highest mean share of absolute attribution (see ``TOP_TOKEN_RULE``)."""
        chosen = self.records if records is None else records
        share: dict[str, float] = defaultdict(float)
        seen: dict[str, int] = defaultdict(int)
        for r in chosen:
            mass = np.abs(r.scores)
            total = float(mass.sum())
            if total <= 0:
                continue
            local: dict[str, float] = defaultdict(float)
            for word, m in zip(r.words, mass):
                key = normalise_word(word)
                if key:
                    local[key] += float(m) / total
            for key, value in local.items():
                share[key] += value
                seen[key] += 1
        count = max(1, len(chosen))
        ranked = sorted(((v / count, k) for k, v in share.items() if seen[k] >= self.min_token_count), reverse=True)
        return [{"token": k, "importance": round(v, 6), "n_examples": seen[k]} for v, k in ranked[:n]]

    def _top_tokens_section(self) -> dict[str, Any]:
        by_class = {label: self.top_tokens([r for r in self.records if r.predicted_label == label])
                    for label in sorted({r.predicted_label for r in self.records})}
        by_group: dict[str, dict[str, Any]] = {}
        for attr, groups in self.reliance_by_group.items():
            if "_all" in groups:
                continue
            by_group[attr] = {g: self.top_tokens([r for r in self.records if r.groups.get(attr) == g]) for g in groups}
        return {"overall": self.top_tokens(), "by_class": by_class, "by_group": by_group,
                "rule": TOP_TOKEN_RULE.format(min_count=self.min_token_count)}

    def examples(self) -> list[dict[str, Any]]:
        """Heat-map examples chosen by ``EXAMPLE_RULE`` (deterministic, ties broken by id)."""
        out: list[dict[str, Any]] = []
        for attr, groups in self.reliance_by_group.items():
            for group in groups:
                members = sorted((r for r in self.records if r.groups.get(attr) == group), key=lambda r: r.id)
                for record in _pick(members):
                    out.append(record.heatmap(attribute=attr))
        if not self.reliance_by_group:
            out = [r.heatmap() for r in _pick(sorted(self.records, key=lambda r: r.id))]
        return out

    def to_scorecard(self) -> dict[str, Any]:
        """The ``explain`` section of scorecard.json (metric leaves follow the scorecard convention)."""
        notes = []
        if self.n_truncated:
            notes.append(f"{self.n_truncated} text(s) were longer than {self.max_length} tokens and were truncated; "
                         "their attributions cover the kept tokens only")
        if self.skipped_ids:
            notes.append(f"{len(self.skipped_ids)} text(s) had no tokens after removing special tokens and were skipped")
        faith = self.faithfulness.to_dict() if self.faithfulness is not None else {
            "status": "not_run", "reason": "faithfulness was not requested"}
        return {
            "status": "ok" if self.records else "failed",
            "reason": None if self.records else "no text had any token to explain",
            "method": self.method, "n_steps": self.n_steps, "device": self.device, "precision": self.precision,
            "n_examples": len(self.records), "n_skipped_no_tokens": len(self.skipped_ids),
            "n_truncated": self.n_truncated, "max_length": self.max_length, "notes": notes,
            "convergence": self.convergence, "memory": self.memory,
            "identity_terms": list(self.identity_terms),
            "sensitive_token_reliance": self.reliance.to_dict(),
            "sensitive_token_reliance_by_group": {
                a: {g: m.to_dict() for g, m in groups.items()} for a, groups in self.reliance_by_group.items()},
            "faithfulness": faith,
            "top_tokens": self._top_tokens_section(),
            "examples": {"rule": EXAMPLE_RULE, "items": self.examples()},
        }


def _pick(members: Sequence[ExampleAttribution]) -> list[ExampleAttribution]:
    if not members:
        return []
    labelled = [r for r in members if r.true_label is not None]
    if not labelled:
        best = max(members, key=lambda r: r.confidence)
        worst = min(members, key=lambda r: r.confidence)
        return [best] if best is worst else [best, worst]
    picked = []
    correct = [r for r in labelled if r.true_label == r.predicted_label]
    wrong = [r for r in labelled if r.true_label != r.predicted_label]
    if correct:
        picked.append(max(correct, key=lambda r: r.confidence))
    if wrong:
        picked.append(max(wrong, key=lambda r: r.confidence))
    return picked
