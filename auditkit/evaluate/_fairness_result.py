"""Result types of a fairness assessment and their scorecard form.

A metric is an :class:`Metric`: a point value with a bootstrap interval, or
``None`` with the reason it is undefined (undefined is not zero). Each sensitive
attribute yields an :class:`AttributeResult` with per-group estimates and gap
estimates; :class:`FairnessResult` gathers them and serialises to the scorecard
metric convention (``{"value", "ci_low", "ci_high", "reason"}``). Both offer a
fairlearn-style ``by_group`` DataFrame (an undefined value is NaN there; the
reason stays on the :class:`Metric`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditkit.scorecard import Metric

__all__ = ["AttributeResult", "FairnessResult", "GroupResult"]

_CROSS = "×"  # joins the columns of an intersection in attribute and group names


def _group_row(group: GroupResult) -> dict[str, Any]:
    row: dict[str, Any] = {name: (float("nan") if m.value is None else m.value) for name, m in group.metrics.items()}
    row["n"] = int(group.n)
    row["flagged"] = bool(group.flagged)
    return row


@dataclass(frozen=True)
class GroupResult:
    """Metrics of one group of one attribute.

    Attributes
    ----------
    n:
        Number of examples in the group (0 for an empty intersectional cell).
    flagged:
        True when ``n`` is below the minimum group size; the group is shown but left out of gaps.
    metrics:
        Metric name to :class:`Metric`.
    note:
        Why the group is flagged, if it is.
    """

    n: int
    flagged: bool
    metrics: dict[str, Metric]
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Scorecard form: ``{metric: leaf, "n": int, "flagged": bool[, "note": str]}``."""
        out: dict[str, Any] = {name: est.to_dict() for name, est in self.metrics.items()}
        out["n"] = int(self.n)
        out["flagged"] = bool(self.flagged)
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class AttributeResult:
    """Per-group metrics and gaps for one sensitive attribute (or an intersection of several).

    Attributes
    ----------
    columns:
        The sensitive columns this attribute is made of (one, or several for an intersection).
    groups:
        Group name to :class:`GroupResult`.
    gaps:
        Gap metric name (``demographic_parity_difference``, ...) to :class:`Metric`.
    notes:
        Human-readable notes (groups left out of gaps and why); names and counts only.
    """

    columns: tuple[str, ...]
    groups: dict[str, GroupResult]
    gaps: dict[str, Metric]
    notes: tuple[str, ...] = ()

    @property
    def by_group(self) -> Any:
        """Per-group metric values as a pandas DataFrame, as fairlearn's ``MetricFrame.by_group``.

        One row per group, indexed by the attribute's column (a MultiIndex over the columns
        of an intersection); one column per metric, then ``n`` and ``flagged``.
        """
        import pandas as pd

        names = list(self.groups)
        if len(self.columns) > 1 and all(len(n.split(_CROSS)) == len(self.columns) for n in names):
            index: Any = pd.MultiIndex.from_tuples([tuple(n.split(_CROSS)) for n in names], names=list(self.columns))
        else:
            index = pd.Index(names, name=_CROSS.join(self.columns) or None)
        return pd.DataFrame([_group_row(self.groups[n]) for n in names], index=index)

    def to_dict(self) -> dict[str, Any]:
        """Scorecard form: ``{"groups": {...}, <gap>: leaf, ..., "notes": [...]}``."""
        out: dict[str, Any] = {"groups": {name: g.to_dict() for name, g in self.groups.items()}}
        out.update({name: est.to_dict() for name, est in self.gaps.items()})
        out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class FairnessResult:
    """The outcome of :func:`assess`.

    Attributes
    ----------
    attributes:
        Attribute name (a column, or ``"a×b"`` for an intersection) to :class:`AttributeResult`.
    positive_label:
        The label treated as positive (one-vs-rest for multiclass).
    min_group_size, n_boot, confidence, seed:
        The settings the result was computed with.
    by_label:
        For multiclass input without a positive label: the one-vs-rest result of every label.
    """

    attributes: dict[str, AttributeResult]
    positive_label: str
    min_group_size: int
    n_boot: int
    confidence: float
    seed: int
    by_label: dict[str, FairnessResult] = field(default_factory=dict)

    @property
    def by_group(self) -> Any:
        """Every attribute's per-group values in one pandas DataFrame indexed by ``(attribute, group)``.

        See :attr:`AttributeResult.by_group` for one attribute (with a MultiIndex for an intersection).
        """
        import pandas as pd

        rows = [(attr, group, _group_row(result)) for attr, block in self.attributes.items()
                for group, result in block.groups.items()]
        index = pd.MultiIndex.from_tuples([(a, g) for a, g, _ in rows], names=["attribute", "group"])
        return pd.DataFrame([row for _, _, row in rows], index=index)

    def to_scorecard(self) -> dict[str, Any]:
        """Serialise to the scorecard convention: ``{attribute: {"groups": ..., <gap>: leaf}}``.

        Only attribute entries are returned; the caller adds the reserved keys
        (``status``, ``baseline``, ``term_swap``, ``mitigation``, ``min_group_size``).
        For multiclass input assessed one-vs-rest for every label, the entries are
        named ``"<attribute>/<label>"``.
        """
        if self.by_label:
            return {
                f"{name}/{label}": attr.to_dict()
                for label, res in self.by_label.items()
                for name, attr in res.attributes.items()
            }
        return {name: attr.to_dict() for name, attr in self.attributes.items()}
