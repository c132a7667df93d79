"""Gate policies: release rules written as YAML and validated with pydantic.

A policy is a list of rules. Each rule names a metric path into ``scorecard.json``
(``fairness.attributes.gender.equal_opportunity_difference``; ``*`` matches any one key, so
``fairness.attributes.*.equal_opportunity_difference`` checks every declared attribute), a
comparison and threshold, which value to judge, a severity and a human reason.

``judge: interval`` is the three-valued statistical rule: for ``op: "<"`` and a
threshold t it FAILs when the interval's lower bound is at or above t (clearly
over), PASSes only when the upper bound is below t (shown under t at the
interval's confidence) and is INCONCLUSIVE otherwise, stating the gap the test
set could detect. ``value``, ``ci_low`` and ``ci_high`` judge one number.

Fail closed: an absent metric, a failed stage or a stage that did not run is
INCONCLUSIVE, unless the rule's ``allow_missing`` names the exact section whose
``not_run`` is acceptable (``allow_missing: [privacy.membership]``); a failed
section is never acceptable. ``unsigned`` sets what an unsigned (or unverified)
scorecard means: ``warn`` or ``error``.

Policies shipped with auditkit (``default``, ``strict``, ``release``,
``four-fifths``, ``identity-terms``) load by name; anything else is read as a YAML file path.
"""

from __future__ import annotations

import math
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from auditkit._errors import format_validation_error
from auditkit.exceptions import PolicyError

__all__ = ["PRESETS", "Comparison", "Judge", "Policy", "Rule", "Severity", "load_policy", "parse_policy"]

Comparison = Literal["<", "<=", ">", ">=", "=="]
Judge = Literal["value", "ci_low", "ci_high", "interval"]
Severity = Literal["error", "warn"]

PRESETS: tuple[str, ...] = ("default", "four-fifths", "identity-terms", "release", "strict")

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"
_FAIRNESS_KEYS = frozenset({"attributes", "baseline", "term_swap", "declared", "mitigation", "min_group_size", "confidence", "status"})
# A segment is '*' (one whole key) or a key; inside a key, '*' joins intersection parts as the ASCII spelling of
# the stored '×' (``gender*age_band``; ``gender x age_band`` works too), never a glob (``gen*`` is refused).
_SEGMENT = re.compile(r"^(\*|[^.*\s][^.*]*(\*[^.*\s][^.*]*)*)$")


class Rule(BaseModel):
    """One release rule.

    Attributes
    ----------
    id:
        Stable identifier (letters, digits, ``_.:-``); JUnit test case and SARIF rule names derive from it.
    metric:
        Dotted path into the scorecard; ``*`` matches any one key (an attribute or group).
    op:
        Comparison that must hold between the judged value and ``threshold``.
    threshold:
        A finite number.
    judge:
        ``value`` (point estimate), ``ci_low`` or ``ci_high`` (one bound of the confidence
        interval), or ``interval`` (three-valued: pass, fail or inconclusive on the whole interval).
    severity:
        ``error`` blocks the release; ``warn`` is reported but never changes the exit code.
    reason:
        Why the rule exists, shown next to its outcome.
    allow_missing:
        Sections (dotted paths such as ``privacy.membership``) whose ``not_run`` status is an
        acceptable absence: the rule is then ``skipped`` (never counted as passed). An absent
        metric or a failed section is inconclusive whatever this says.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID_PATTERN)
    metric: str = Field(min_length=1, max_length=300)
    op: Comparison
    threshold: float
    judge: Judge = "value"
    severity: Severity = "error"
    reason: str = Field("", max_length=500)
    allow_missing: tuple[str, ...] = ()

    @field_validator("metric")
    @classmethod
    def _metric_is_dotted_path(cls, value: str) -> str:
        if not all(_SEGMENT.match(part) for part in value.split(".")):
            raise ValueError("metric must be a dotted path such as 'fairness.attributes.gender.equal_opportunity_difference' ('*' for one whole key)")
        return value

    @field_validator("allow_missing", mode="before")
    @classmethod
    def _allow_missing_names_sections(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(
                "allow_missing names the sections whose not_run is acceptable, e.g. [privacy.membership]; "
                "true/false is no longer accepted (an unnamed absence must not pass)"
            )
        return value

    @field_validator("metric")
    @classmethod
    def _fairness_paths_use_attributes(cls, value: str) -> str:
        parts = value.split(".")
        if parts[0] == "fairness" and len(parts) > 1 and parts[1] not in _FAIRNESS_KEYS:
            raise ValueError(
                "fairness metrics live under 'fairness.attributes.<attribute>' (scorecard 2.0), "
                "e.g. 'fairness.attributes.*.equal_opportunity_difference'"
            )
        return value

    @model_validator(mode="after")
    def _interval_needs_an_order(self) -> Rule:
        if self.judge == "interval" and self.op == "==":
            raise ValueError("judge 'interval' needs an order comparison (<, <=, >, >=), not '=='")
        return self

    @field_validator("threshold")
    @classmethod
    def _threshold_is_finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("threshold must be a finite number")
        return value


class Policy(BaseModel):
    """A named list of rules (ids unique) and what an unsigned scorecard means (``unsigned``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("policy", min_length=1, max_length=80)
    description: str = Field("", max_length=2000)
    unsigned: Severity = "warn"
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Policy:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id '{rule.id}' appears twice; give every rule its own id")
            seen.add(rule.id)
        return self


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Rule if "rules" in loc else Policy
    return list(model.model_fields)


def parse_policy(raw: Any, *, source: str = "policy") -> Policy:
    """Validate a parsed YAML mapping into a :class:`Policy`.

    Raises
    ------
    PolicyError
        Naming the key path of the first problem (values are never echoed).
    """
    if isinstance(raw, list):
        raw = {"rules": raw}
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: expected a mapping with a 'rules' list, got {type(raw).__name__}")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_input=False)
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise PolicyError(format_validation_error(dict(errors[0]), source, _known_keys) + more) from None


def _read_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(f"{source}: not valid YAML{where}; check indentation and quoting") from None


def load_policy(name_or_path: str | os.PathLike[str]) -> Policy:
    """Load a shipped preset by name (``default``, ``strict``, ``release``, ``four-fifths``, ``identity-terms``) or a YAML file.

    Raises
    ------
    PolicyError
        When the preset is unknown, the file is missing or unreadable, or a rule is invalid.
    """
    text_name = str(name_or_path)
    if text_name in PRESETS:
        text = resources.files("auditkit.gate").joinpath("presets", f"{text_name}.yaml").read_text(encoding="utf-8")
        return parse_policy(_read_yaml(text, f"preset '{text_name}'"), source=f"preset '{text_name}'")
    file = Path(name_or_path)
    if not file.is_file():
        looks_like_name = "/" not in text_name and not text_name.endswith((".yaml", ".yml"))
        hint = f"; shipped presets are: {', '.join(PRESETS)}" if looks_like_name else "; pass a policy YAML file or a preset name"
        raise PolicyError(f"policy not found: '{file.name}' is neither a file nor a shipped preset{hint}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{file.name}: not UTF-8 text; save the policy as UTF-8") from None
    return parse_policy(_read_yaml(text, file.name), source=file.name)
