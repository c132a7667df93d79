"""Pydantic models of the scorecard's sections.

Every section has a ``status`` (``ok``, ``not_run`` or ``failed``) and, when it is
not ``ok``, a ``reason``. Metric values are :class:`~auditkit.scorecard.Metric`;
a *metric set* is a section part whose keys beyond its declared fields must all be
metrics, so a policy path can name any of them and a reader never meets a stray
value. Sensitive attributes live under ``fairness.attributes`` (an attribute named
``baseline`` or ``status`` cannot collide with bookkeeping keys), and
``fairness.declared`` lists every attribute the run was asked to assess, so a
reader can tell a missing attribute from one that was never asked for.
Sections produced by fast-evolving stages (explanations, compute, environment)
are typed on their envelope only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from auditkit.scorecard._metric import Metric, as_metric

__all__ = [
    "AttributeFairness",
    "BaselineFairness",
    "CanarySweep",
    "ComparisonRow",
    "ComplianceItem",
    "ComplianceSection",
    "ComputeSection",
    "DataDigest",
    "FairnessSection",
    "GroupMetrics",
    "IdentitySection",
    "IntegritySection",
    "MetricSet",
    "MitigationComparison",
    "ModelIdentity",
    "PerformanceSection",
    "PrecisionRecord",
    "PrivacySection",
    "Section",
    "ScrubSection",
    "Sha256",
    "Status",
    "TermSwap",
]

Status = Literal["ok", "not_run", "failed"]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Section(BaseModel):
    """A scorecard section: a status, a reason when it is not ``ok``, and its content."""

    model_config = ConfigDict(extra="allow")

    status: Status
    reason: str | None = None

    @model_validator(mode="after")
    def _not_ok_has_reason(self) -> Section:
        if self.status != "ok" and not (self.reason and self.reason.strip()):
            raise ValueError(f"a section with status '{self.status}' needs a non-empty 'reason'")
        return self

    @property
    def ok(self) -> bool:
        """Whether the stage behind this section ran and succeeded."""
        return self.status == "ok"


def _metric_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(k for k, f in model.model_fields.items() if f.annotation is Metric or Metric in get_args(f.annotation))


class MetricSet(BaseModel):
    """Named metrics; every key beyond the declared fields must be a metric."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _extras_are_metrics(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key, value in data.items():
            if isinstance(value, Metric):
                continue
            if key in cls.model_fields:
                if key in _metric_fields(cls) and value is not None:
                    out[key] = as_metric(value) or value  # a non-metric fails the field's own validation
                continue
            metric = as_metric(value)
            if metric is None:
                raise ValueError(f"'{key}' is not a metric (a number or an object with 'value')")
            out[key] = metric
        return out

    def metrics(self) -> dict[str, Metric]:
        """The metrics of this set by name (declared metric fields and extras)."""
        out = {k: v for k, v in (self.__pydantic_extra__ or {}).items() if isinstance(v, Metric)}
        out.update({k: getattr(self, k) for k in type(self).model_fields if isinstance(getattr(self, k), Metric)})
        return out


class PerformanceMetrics(MetricSet):
    """Performance of one model on the test split."""

    n: int | None = Field(default=None, ge=0)


class PerformanceSection(Section):
    """``performance``: the shipped model and, when mitigation ran, the unmitigated baseline."""

    model: PerformanceMetrics | None = None
    baseline: PerformanceMetrics | None = None


class GroupMetrics(MetricSet):
    """Metrics of one group of one sensitive attribute."""

    n: int = Field(ge=0)
    flagged: bool = False
    note: str | None = None


class AttributeFairness(MetricSet):
    """Per-group metrics and the gaps between groups for one attribute (or intersection).

    ``absent`` names groups the run was asked about that no example belongs to (the
    identity terms no text mentions): reported, never assessed, never in a gap.
    """

    columns: list[str] = Field(default_factory=list)
    groups: dict[str, GroupMetrics] = Field(default_factory=dict)
    absent: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    equal_opportunity_difference: Metric | None = None
    equalized_odds_difference: Metric | None = None
    demographic_parity_difference: Metric | None = None
    demographic_parity_ratio: Metric | None = None
    four_fifths_ratio: Metric | None = None


class TermSwap(Section):
    """Counterfactual term swaps: how often swapping a gendered term flips the prediction."""

    flip_rate: Metric | None = None
    mean_abs_score_change: Metric | None = None
    n: int | None = Field(default=None, ge=0)
    pairs: dict[str, MetricSet] = Field(default_factory=dict)


class BaselineFairness(BaseModel):
    """Fairness of the unmitigated baseline model, for before/after comparison."""

    model_config = ConfigDict(extra="forbid")

    attributes: dict[str, AttributeFairness] = Field(default_factory=dict)
    term_swap: TermSwap | None = None


class ComparisonRow(MetricSet):
    """One mitigation on the shared test split: accuracy, macro F1, and gaps per attribute."""

    accuracy: Metric | None = None
    macro_f1: Metric | None = None
    attributes: dict[str, MetricSet] = Field(default_factory=dict)
    note: str | None = None


class MitigationComparison(Section):
    """``fairness.comparison``: every requested mitigation side by side; ``chosen`` is the shipped one."""

    rows: dict[str, ComparisonRow] = Field(default_factory=dict)
    failed: dict[str, str] = Field(default_factory=dict)
    chosen: str | None = None
    gap: str | None = None


class FairnessSection(Section):
    """``fairness``: the shipped model's group metrics, the baseline's, and term swaps."""

    attributes: dict[str, AttributeFairness] = Field(default_factory=dict)
    declared: list[str] = Field(default_factory=list)
    baseline: BaselineFairness | None = None
    term_swap: TermSwap | None = None
    comparison: MitigationComparison | None = None
    mitigation: str | None = None
    min_group_size: int | None = Field(default=None, ge=0)
    confidence: float | None = Field(default=None, gt=0, lt=1)


class ScrubSection(Section):
    """Scrubbing of the run's text: what was replaced, the re-scan, and the recall probe."""

    recall_probe: dict[str, Metric] | None = None


class CanarySweep(Section):
    """Seeded canaries searched for in every file of the run folder."""

    n_hits: int | None = Field(default=None, ge=0)
    files_scanned: int | None = Field(default=None, ge=0)


class PrivacySection(Section):
    """``privacy``: scrubbing, the canary sweep, membership inference, artifact safety."""

    scrub: ScrubSection | None = None
    canary_sweep: CanarySweep | None = None
    membership: Section | None = None
    artifacts: Section | None = None


class ModelIdentity(BaseModel):
    """SHA-256 of a model folder's files, grouped."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    weights: dict[str, Sha256] = Field(default_factory=dict)
    tokenizer: dict[str, Sha256] = Field(default_factory=dict)
    config: dict[str, Sha256] = Field(default_factory=dict)


class DataDigest(BaseModel):
    """SHA-256 and row count of one prepared data file."""

    model_config = ConfigDict(extra="forbid")

    sha256: Sha256
    rows: int | None = Field(default=None, ge=0)


class IdentitySection(Section):
    """``identity``: what exactly was audited (model, baseline, data files, config), by SHA-256."""

    model: ModelIdentity | None = None
    baseline_model: ModelIdentity | None = None
    data: dict[str, DataDigest] = Field(default_factory=dict)
    config_sha256: Sha256 | None = None


class ComplianceItem(BaseModel):
    """One requirement of a framework and the evidence the scorecard holds for it."""

    model_config = ConfigDict(extra="forbid")

    framework: str
    reference: str
    topic: str
    coverage: Literal["evidence", "partial", "missing"]
    evidence: list[str] = Field(default_factory=list)
    note: str | None = None


class ComplianceSection(Section):
    """``compliance``: a map of the evidence onto regulatory frameworks."""

    items: list[ComplianceItem] = Field(default_factory=list)
    not_covered: list[str] = Field(default_factory=list)


class PrecisionRecord(BaseModel):
    """What a stage's matrix products actually ran in, read back from the running model (not from the config).

    Counts of ``nn.Linear`` calls by output dtype (``bf16``, ``fp16``, ``fp32``) and by the
    autocast dtype active at the call (``off`` when none), and of attention-module calls by
    the kernel they ran (``eager``, ``sdpa``, ...).
    """

    model_config = ConfigDict(extra="forbid")

    matmul_dtype: str | None
    linear_calls: dict[str, int] = Field(default_factory=dict)
    autocast: dict[str, int] = Field(default_factory=dict)
    attention: dict[str, int] = Field(default_factory=dict)
    devices: list[str] = Field(default_factory=list)


class StageCompute(BaseModel):
    """One stage's entry under ``compute.stages`` (timings, memory, energy; typed here: ``precision``)."""

    model_config = ConfigDict(extra="allow")

    precision: PrecisionRecord | None = Field(None, exclude_if=lambda value: value is None)


class ComputeSection(Section):
    """``compute``: per-stage timings, memory, energy and the precision each stage actually ran in."""

    stages: dict[str, StageCompute] | None = Field(None, exclude_if=lambda value: value is None)


class IntegritySection(BaseModel):
    """``integrity``: digests of the scorecard's own evidence (see :mod:`auditkit.scorecard._canonical`)."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["sha256-canonical-json/1"] = "sha256-canonical-json/1"
    content_sha256: Sha256
    sections: dict[str, Sha256] = Field(default_factory=dict)
