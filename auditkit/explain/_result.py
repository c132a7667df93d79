"""The outcome of an explanation run, and its scorecard section.

:class:`ExplanationResult` holds one :class:`ExampleAttribution` per explained
text (words and their attributions), the sensitive-token reliance, faithfulness
and convergence figures, and renders them for the scorecard: global top tokens
(overall, per predicted class, per sensitive group) and a few heat-map examples
per group chosen by a fixed, stated rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from auditkit.explain._faithfulness import FaithfulnessReport
from auditkit.explain._tally import OVERALL, ExampleChooser, ExplanationTally, TokenTally, class_scope, group_scope
from auditkit.scorecard import Metric

__all__ = ["ExampleAttribution", "ExplanationResult", "ExplanationSummary", "explanation_section", "heatmap_examples",
           "records_frame"]

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
        return records_frame(self.records)

    def top_tokens(self, records: Sequence[ExampleAttribution] | None = None, *, n: int = 15) -> list[dict[str, Any]]:
        """Words with the highest mean share of absolute attribution (see ``TOP_TOKEN_RULE``)."""
        tally = TokenTally()
        for record in self.records if records is None else records:
            tally.add(record, [OVERALL])
        return tally.top(OVERALL, n=n, min_count=self.min_token_count)

    def tally(self) -> ExplanationTally:
        """The records' figures as an :class:`ExplanationTally` (what a streamed run keeps instead of records)."""
        tally = ExplanationTally()
        tally.add(self.records, range(len(self.records)))
        return tally

    def examples(self) -> list[dict[str, Any]]:
        """Heat-map examples chosen by ``EXAMPLE_RULE`` (deterministic, ties broken by id)."""
        return heatmap_examples(self.tally().chooser, self.reliance_by_group)

    def to_scorecard(self) -> dict[str, Any]:
        """The ``explain`` section of scorecard.json (metric leaves follow the scorecard convention)."""
        return explanation_section(self, self.tally(), n_examples=len(self.records), n_truncated=self.n_truncated)


@dataclass(frozen=True)
class ExplanationSummary:
    """A streamed explanation: the figures of :class:`ExplanationResult` without holding the records.

    The attributions went to disk as they were made (``explain/attributions.parquet``);
    ``tally`` keeps the word tallies, heat-map candidates and per-example figures.
    """

    method: str
    n_steps: int
    device: str
    precision: str
    tally: ExplanationTally
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
    def n_examples(self) -> int:
        """Number of explained texts."""
        return self.tally.n_examples

    def to_scorecard(self) -> dict[str, Any]:
        """The ``explain`` section of scorecard.json, the same shape :class:`ExplanationResult` writes."""
        return explanation_section(self, self.tally, n_examples=self.tally.n_examples,
                                   n_truncated=self.tally.n_truncated)


def records_frame(records: Sequence[ExampleAttribution], attributes: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per word of ``records`` (group columns for ``attributes``, default: those the records have)."""
    attrs = sorted({a for r in records for a in r.groups}) if attributes is None else list(attributes)
    columns = {a: (a if a not in _CORE else f"group_{a}") for a in attrs}
    rows: list[dict[str, Any]] = []
    for r in records:
        for pos, (word, score) in enumerate(zip(r.words, r.scores)):
            row = {"id": r.id, "position": pos, "token": word, "attribution": float(score),
                   "predicted_label": r.predicted_label, "true_label": r.true_label,
                   "confidence": float(r.confidence)}
            row.update({columns[a]: r.groups.get(a) for a in attrs})
            rows.append(row)
    frame = pd.DataFrame(rows, columns=[*_CORE, *columns.values()])
    return frame.astype({"id": "string", "token": "string", "position": "int64", "attribution": "float64"})


def heatmap_examples(chooser: ExampleChooser, reliance_by_group: dict[str, dict[str, Metric]]) -> list[dict[str, Any]]:
    """Heat-map entries per (attribute, group) of ``reliance_by_group``, or of all examples without groups."""
    out: list[dict[str, Any]] = []
    for attr, groups in reliance_by_group.items():
        for group in groups:
            out += [record.heatmap(attribute=attr) for record in chooser.picks(attr, group)]
    if not reliance_by_group:
        out = [record.heatmap() for record in chooser.picks()]
    return out


def _top_tokens_section(tally: TokenTally, reliance_by_group: dict[str, dict[str, Metric]], min_count: int) -> dict[str, Any]:
    labels = sorted(scope.split("\x1f", 1)[1] for scope in tally.examples if scope.startswith("class\x1f"))
    by_class = {label: tally.top(class_scope(label), min_count=min_count) for label in labels}
    by_group: dict[str, dict[str, Any]] = {}
    for attr, groups in reliance_by_group.items():
        if "_all" in groups:
            continue
        by_group[attr] = {g: tally.top(group_scope(attr, g), min_count=min_count) for g in groups}
    return {"overall": tally.top(OVERALL, min_count=min_count), "by_class": by_class, "by_group": by_group,
            "rule": TOP_TOKEN_RULE.format(min_count=min_count)}


def explanation_section(result: Any, tally: ExplanationTally, *, n_examples: int, n_truncated: int) -> dict[str, Any]:
    """The scorecard section of an :class:`ExplanationResult` or :class:`ExplanationSummary`."""
    notes = []
    if n_truncated:
        notes.append(f"{n_truncated} text(s) were longer than {result.max_length} tokens and were truncated; "
                     "their attributions cover the kept tokens only")
    if result.skipped_ids:
        notes.append(f"{len(result.skipped_ids)} text(s) had no tokens after removing special tokens and were skipped")
    faith = result.faithfulness.to_dict() if result.faithfulness is not None else {
        "status": "not_run", "reason": "faithfulness was not requested"}
    return {
        "status": "ok" if n_examples else "failed",
        "reason": None if n_examples else "no text had any token to explain",
        "method": result.method, "n_steps": result.n_steps, "device": result.device, "precision": result.precision,
        "n_examples": n_examples, "n_skipped_no_tokens": len(result.skipped_ids),
        "n_truncated": n_truncated, "max_length": result.max_length, "notes": notes,
        "convergence": result.convergence, "memory": result.memory,
        "identity_terms": list(result.identity_terms),
        "sensitive_token_reliance": result.reliance.to_dict(),
        "sensitive_token_reliance_by_group": {
            a: {g: m.to_dict() for g, m in groups.items()} for a, groups in result.reliance_by_group.items()},
        "faithfulness": faith,
        "top_tokens": _top_tokens_section(tally.tokens, result.reliance_by_group, result.min_token_count),
        "examples": {"rule": EXAMPLE_RULE, "items": heatmap_examples(tally.chooser, result.reliance_by_group)},
    }
