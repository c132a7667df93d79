"""Explanation figures that build up example by example, so any number of examples fits in flat memory.

Attributions themselves go to disk as they are made; what stays in memory is what
the scorecard needs: a word tally per scope (overall, per predicted class, per
sensitive group) for the top tokens, the few heat-map candidates the stated rule
can still pick, and one small row of numbers per example (reliance share, group,
convergence delta, faithfulness drops). Tallies from chunks of a stream, or from
the ranks of a torchrun job, merge into the one a single pass would have built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from auditkit.explain._words import normalise_word

if TYPE_CHECKING:
    from auditkit.explain._result import ExampleAttribution

__all__ = ["ExampleChooser", "ExplanationTally", "TokenTally", "class_scope", "group_scope"]

OVERALL = "overall"


def class_scope(label: str) -> str:
    """Tally scope of the examples predicted as ``label``."""
    return f"class\x1f{label}"


def group_scope(attribute: str, group: str) -> str:
    """Tally scope of the examples in ``group`` of ``attribute``."""
    return f"group\x1f{attribute}\x1f{group}"


def _scopes(record: ExampleAttribution) -> list[str]:
    return [OVERALL, class_scope(record.predicted_label), *(group_scope(a, g) for a, g in record.groups.items())]


@dataclass
class TokenTally:
    """Summed attribution share and example count of every word, per scope."""

    share: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    seen: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    examples: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, record: ExampleAttribution, scopes: Iterable[str] | None = None) -> None:
        """Count ``record`` in each scope (default: overall, its predicted class, its groups)."""
        chosen = list(_scopes(record) if scopes is None else scopes)
        for scope in chosen:
            self.examples[scope] += 1
        mass = np.abs(record.scores)
        total = float(mass.sum())
        if total <= 0:
            return
        local: dict[str, float] = defaultdict(float)
        for word, m in zip(record.words, mass):
            key = normalise_word(word)
            if key:
                local[key] += float(m) / total
        for scope in chosen:
            share, seen = self.share[scope], self.seen[scope]
            for key, value in local.items():
                share[key] += value
                seen[key] += 1

    def merge(self, other: TokenTally) -> None:
        """Add ``other``'s counts to this tally."""
        for scope, count in other.examples.items():
            self.examples[scope] += count
        for scope, words in other.share.items():
            for key, value in words.items():
                self.share[scope][key] += value
                self.seen[scope][key] += other.seen[scope][key]

    def top(self, scope: str = OVERALL, *, n: int = 15, min_count: int = 2) -> list[dict[str, Any]]:
        """Words with the highest mean share in ``scope`` (seen in at least ``min_count`` examples)."""
        count = max(1, self.examples.get(scope, 0))
        share, seen = self.share.get(scope, {}), self.seen.get(scope, {})
        ranked = sorted(((v / count, k) for k, v in share.items() if seen[k] >= min_count), reverse=True)
        return [{"token": k, "importance": round(v, 6), "n_examples": seen[k]} for v, k in ranked[:n]]

    def to_plain(self) -> TokenTally:
        """A copy made of plain dicts (picklable, to send to rank 0)."""
        return TokenTally({s: dict(w) for s, w in self.share.items()}, {s: dict(w) for s, w in self.seen.items()},
                          dict(self.examples))


def _prefer(a: ExampleAttribution, b: ExampleAttribution, *, highest: bool) -> ExampleAttribution:
    """The more (or less) confident of two examples; ties go to the smaller id, as a sorted scan would pick."""
    if a.confidence != b.confidence:
        return a if (a.confidence > b.confidence) == highest else b
    return a if a.id <= b.id else b


@dataclass
class ExampleChooser:
    """Per (attribute, group) the heat-map candidates of ``EXAMPLE_RULE``, kept while streaming.

    With true labels: the most confident correct and the most confident wrong
    prediction; without: the most and the least confident example.
    """

    best: dict[tuple[str, str, str], ExampleAttribution] = field(default_factory=dict)

    def add(self, record: ExampleAttribution) -> None:
        """Offer ``record`` to every (attribute, group) it belongs to, and to the pool of all examples."""
        keys = [(a, g) for a, g in record.groups.items()] + [("", "")]
        if record.true_label is None:
            slots = [("top", True), ("bottom", False)]
        else:
            slots = [("correct" if record.true_label == record.predicted_label else "wrong", True)]
        for attr, group in keys:
            for slot, highest in slots:
                key = (attr, group, slot)
                held = self.best.get(key)
                self.best[key] = record if held is None else _prefer(held, record, highest=highest)

    def merge(self, other: ExampleChooser) -> None:
        """Keep the better candidate of each slot."""
        for key, record in other.best.items():
            held = self.best.get(key)
            self.best[key] = record if held is None else _prefer(held, record, highest=key[2] != "bottom")

    def picks(self, attribute: str = "", group: str = "") -> list[ExampleAttribution]:
        """The chosen examples of one group (``("", "")``: of all examples), in the rule's order."""
        get = self.best.get
        labelled = get((attribute, group, "correct")) or get((attribute, group, "wrong"))
        slots = ("correct", "wrong") if labelled is not None else ("top", "bottom")
        out: list[ExampleAttribution] = []
        for slot in slots:
            record = get((attribute, group, slot))
            if record is not None and all(record is not r for r in out):
                out.append(record)
        return out


@dataclass
class ExplanationTally:
    """Everything the scorecard section needs, built example by example (and merged across ranks)."""

    tokens: TokenTally = field(default_factory=TokenTally)
    chooser: ExampleChooser = field(default_factory=ExampleChooser)
    positions: list[int] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)
    deltas: dict[int, float] = field(default_factory=dict)
    faith: list[np.ndarray] = field(default_factory=list)
    faith_positions: list[int] = field(default_factory=list)
    n_truncated: int = 0
    skipped_ids: list[tuple[int, str]] = field(default_factory=list)
    engine: dict[str, int] = field(default_factory=lambda: {"n_over_tolerance": 0, "n_recomputed": 0,
                                                            "n_recomputed_full_precision": 0, "n_still_over": 0,
                                                            "oom_backoffs": 0})
    recompute_steps: int | None = None
    internal_batch_sizes: set[int] = field(default_factory=set)

    def add(self, records: Sequence[ExampleAttribution], positions: Sequence[int], *, faith: np.ndarray | None = None,
            deltas: dict[int, float] | None = None) -> None:
        """Take one chunk's records (at their positions in the whole sample) and per-example figures."""
        for record, position in zip(records, positions):
            self.tokens.add(record)
            self.chooser.add(record)
            self.positions.append(int(position))
            self.shares.append(float(record.reliance))
            for attr, group in record.groups.items():
                self.groups.setdefault(attr, []).append(str(group))
            self.n_truncated += bool(record.truncated)
        if faith is not None and len(records):
            self.faith.append(np.asarray(faith, dtype=np.float64))
            self.faith_positions.extend(int(p) for p in positions)
        self.deltas.update(deltas or {})

    def add_engine(self, report: Any) -> None:
        """Add one engine run's counters (over tolerance, recomputed, back-offs, batch sizes)."""
        for key in self.engine:  # the counters EngineReport and this tally share
            self.engine[key] += int(getattr(report, key))
        self.recompute_steps = report.recompute_steps or self.recompute_steps
        self.internal_batch_sizes.update(report.internal_batch_sizes)

    def merge(self, other: ExplanationTally) -> None:
        """Fold another rank's (or chunk's) tally into this one."""
        self.tokens.merge(other.tokens)
        self.chooser.merge(other.chooser)
        self.positions += other.positions
        self.shares += other.shares
        for attr, values in other.groups.items():
            self.groups.setdefault(attr, []).extend(values)
        self.deltas.update(other.deltas)
        self.faith += other.faith
        self.faith_positions += other.faith_positions
        self.n_truncated += other.n_truncated
        self.skipped_ids += other.skipped_ids
        for key, value in other.engine.items():
            self.engine[key] += value
        self.recompute_steps = other.recompute_steps or self.recompute_steps
        self.internal_batch_sizes |= other.internal_batch_sizes

    def to_plain(self) -> ExplanationTally:
        """A picklable copy (plain dicts) to send to rank 0."""
        plain = ExplanationTally(**{**self.__dict__, "tokens": self.tokens.to_plain()})
        return plain

    @property
    def n_examples(self) -> int:
        """Examples explained so far."""
        return len(self.positions)

    def ordered(self) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None, list[str]]:
        """Per-example figures sorted by position (as one pass over the sample would list them).

        Returns the reliance shares, the group values per attribute, the faithfulness
        drops (``None`` when not computed) and the skipped ids.
        """
        order = np.argsort(np.asarray(self.positions, dtype=np.int64), kind="stable")
        shares = np.asarray(self.shares, dtype=np.float64)[order]
        groups = {a: np.asarray(v, dtype=object)[order] for a, v in self.groups.items()}
        faith = None
        if self.faith:
            stacked = np.concatenate(self.faith)
            faith = stacked[np.argsort(np.asarray(self.faith_positions, dtype=np.int64), kind="stable")]
        skipped = [i for _, i in sorted(self.skipped_ids)]
        return shares, groups, faith, skipped
