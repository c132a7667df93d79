"""Pydantic models of the sections that describe the model as it will ship.

``robustness``: flips and accuracy changes under label-preserving perturbations,
per sensitive group, and the robustness gap between groups. ``deployment``: each
compressed variant (int8, bf16, pruned) audited like the full model, with its
size, latency, fairness gaps, the change of each gap against the full model, and
its agreement with the full model overall and per group (``fairness.comparison``,
every mitigation side by side, lives with the fairness models). All follow the scorecard's
rules: metrics are :class:`~auditkit.scorecard.Metric`, an undefined value is
``None`` with a reason, and a part that did not run says so.
"""

from __future__ import annotations

from pydantic import Field

from auditkit.scorecard._metric import Metric
from auditkit.scorecard._sections import AttributeFairness, GroupMetrics, MetricSet, PerformanceMetrics, Section

__all__ = [
    "AgreementMetrics",
    "DeploymentSection",
    "PerturbationMetrics",
    "RobustnessAttribute",
    "RobustnessSection",
    "VariantAudit",
    "VariantExplain",
]


class RobustnessAttribute(MetricSet):
    """Per-group robustness of one sensitive attribute; the gaps are over groups with enough affected texts."""

    groups: dict[str, GroupMetrics] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    flip_rate_gap: Metric | None = None
    accuracy_change_gap: Metric | None = None


class PerturbationMetrics(MetricSet):
    """One perturbation on the ``n`` texts it changed: flip rate, accuracy/macro-F1/score change, per group."""

    n: int = Field(ge=0)
    flip_rate: Metric | None = None
    accuracy_change: Metric | None = None
    macro_f1_change: Metric | None = None
    mean_abs_score_change: Metric | None = None
    attributes: dict[str, RobustnessAttribute] = Field(default_factory=dict)


class RobustnessSection(Section):
    """``robustness``: the perturbation suite; ``skipped`` names perturbations that changed no text, and why."""

    n: int | None = Field(default=None, ge=0)
    sampled_from: int | None = Field(default=None, ge=0)
    rate: float | None = Field(default=None, ge=0, le=1)
    bootstrap: int | None = Field(default=None, ge=0)
    confidence: float | None = Field(default=None, gt=0, lt=1)
    min_group_size: int | None = Field(default=None, ge=0)
    perturbations: dict[str, PerturbationMetrics] = Field(default_factory=dict)
    skipped: dict[str, str] = Field(default_factory=dict)


class AgreementMetrics(MetricSet):
    """Share of test examples where a variant predicts the full model's class: overall and per group."""

    overall: Metric | None = None
    lowest_group: Metric | None = None
    attributes: dict[str, MetricSet] = Field(default_factory=dict)


class VariantExplain(Section):
    """A short explanation of a variant beside the full model's: same examples, same method, same class.

    ``method`` is the attribution method both were explained with and ``note`` says
    why when it is not the configured one (int8 kernels have no autograd).
    ``top_k_overlap`` and ``rank_correlation`` say how far the variant's word
    attributions agree with the full model's; ``reliance_change`` is the variant's
    sensitive-token reliance minus the full model's on the same examples.
    """

    method: str | None = None
    note: str | None = None
    n: int | None = Field(default=None, ge=0)
    n_unmatched: int | None = Field(default=None, ge=0)
    top_k: int | None = Field(default=None, ge=1)
    top_k_overlap: Metric | None = None
    rank_correlation: Metric | None = None
    sensitive_token_reliance: Metric | None = None
    full_sensitive_token_reliance: Metric | None = None
    reliance_change: Metric | None = None


class VariantAudit(Section):
    """One deployment variant audited like the full model.

    ``gap_increase.<attribute>.<gap>`` is the variant's gap minus the full model's
    on the same examples (paired bootstrap interval): the number a release rule
    bounds with a margin.
    """

    kind: str | None = None
    size_bytes: int | None = Field(default=None, ge=0)
    size_ratio: Metric | None = None
    latency_ms_per_example: Metric | None = None
    performance: PerformanceMetrics | None = None
    attributes: dict[str, AttributeFairness] = Field(default_factory=dict)
    gap_increase: dict[str, MetricSet] = Field(default_factory=dict)
    agreement: AgreementMetrics | None = None
    explain: VariantExplain | None = None


class DeploymentSection(Section):
    """``deployment``: the full-precision reference and every variant built from it."""

    full: VariantAudit | None = None
    variants: dict[str, VariantAudit] = Field(default_factory=dict)
    device: str | None = None
    threads: int | None = Field(default=None, ge=1)
