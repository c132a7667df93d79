"""Reading a scorecard and resolving metric paths in it.

The gate reads ``scorecard.json`` only (never a model or a stage package). A metric
leaf is a plain number or ``{"value", "ci_low", "ci_high", "reason"}``; ``value: null``
means undefined. A section whose ``status`` is ``not_run`` or ``failed`` has no
metrics to judge. Paths may contain ``*``, which matches any one key except the
reserved bookkeeping keys (``status``, ``reason``, ...).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from auditkit.exceptions import SchemaError, UserInputError

__all__ = ["Lookup", "MetricLeaf", "load_scorecard", "resolve"]

RESERVED_KEYS = frozenset({"status", "reason", "baseline", "term_swap", "mitigation", "min_group_size", "schema_version"})
_MISSING_STATUSES = frozenset({"not_run", "failed", "skipped"})
SUPPORTED_MAJOR = 1


@dataclass(frozen=True)
class MetricLeaf:
    """A metric as read from the scorecard; ``None`` fields are undefined."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    reason: str | None = None

    def judged(self, judge: str) -> float | None:
        """The value a rule with ``judge`` compares (``value``, ``ci_low`` or ``ci_high``)."""
        return {"value": self.value, "ci_low": self.ci_low, "ci_high": self.ci_high}[judge]


@dataclass(frozen=True)
class Lookup:
    """Where one concrete path led.

    ``kind`` is ``metric`` (``leaf`` set), ``not_run`` (a section on the way did not run or
    failed; ``note`` says which), or ``missing`` (the path does not exist or is not a metric).
    """

    path: str
    kind: Literal["metric", "not_run", "missing"]
    leaf: MetricLeaf | None = None
    note: str = ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _leaf(node: Any) -> MetricLeaf | None:
    if isinstance(node, bool):
        return None
    if isinstance(node, (int, float)):
        return MetricLeaf(_number(node), None, None, None if _number(node) is not None else "not a finite number")
    if isinstance(node, dict) and "value" in node:
        reason = node.get("reason")
        return MetricLeaf(
            _number(node.get("value")),
            _number(node.get("ci_low")),
            _number(node.get("ci_high")),
            reason if isinstance(reason, str) else None,
        )
    return None


def _section_not_run(node: Any) -> str | None:
    if isinstance(node, dict) and node.get("status") in _MISSING_STATUSES:
        return str(node["status"])
    return None


def _expand(node: Any, parts: list[str], done: list[str], out: list[Lookup]) -> None:
    status = _section_not_run(node)
    if status is not None:
        out.append(Lookup(".".join(done + parts), "not_run", note=f"section '{'.'.join(done) or '<root>'}' is {status}"))
        return
    if not parts:
        leaf = _leaf(node)
        kind: Literal["metric", "missing"] = "metric" if leaf is not None else "missing"
        out.append(Lookup(".".join(done), kind, leaf, "" if leaf else "path is not a metric (number or {value, ci_low, ci_high})"))
        return
    head, rest = parts[0], parts[1:]
    if not isinstance(node, dict):
        out.append(Lookup(".".join(done + parts), "missing", note=f"'{'.'.join(done)}' is not a section"))
        return
    if head != "*":
        if head not in node:
            out.append(Lookup(".".join(done + parts), "missing", note=f"key '{head}' not found under '{'.'.join(done) or '<root>'}'"))
            return
        _expand(node[head], rest, [*done, head], out)
        return
    for key in sorted(k for k in node if isinstance(k, str) and k not in RESERVED_KEYS):
        child: list[Lookup] = []
        _expand(node[key], rest, [*done, key], child)
        # a wildcard keeps only branches that hold the metric (or did not run); others are other kinds of keys
        out.extend(c for c in child if c.kind != "missing")


def resolve(scorecard: dict[str, Any], metric: str) -> list[Lookup]:
    """Resolve ``metric`` (dotted, ``*`` allowed) into one :class:`Lookup` per concrete path.

    A path without wildcards always yields exactly one lookup. A wildcard path that
    matches nothing yields one ``missing`` lookup, so a rule never silently vanishes.
    """
    out: list[Lookup] = []
    _expand(scorecard, metric.split("."), [], out)
    if not out:
        out.append(Lookup(metric, "missing", note="wildcard matched no metric"))
    return out


def load_scorecard(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read ``scorecard.json`` and check that the gate can read its version.

    Raises
    ------
    UserInputError
        The file does not exist.
    SchemaError
        The file is not JSON, not an object, has no ``schema_version`` or a newer major version.
    """
    file = Path(path)
    if not file.is_file():
        raise UserInputError(f"scorecard not found: '{file}'; pass the scorecard.json written by 'auditkit run' or 'auditkit audit'")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise SchemaError(f"{file.name}: not valid UTF-8 JSON{where}; regenerate the scorecard") from None
    return check_scorecard(data, source=file.name)


def _schema_validator() -> Callable[..., Any] | None:
    """The report package's scorecard schema check, when installed (it needs only jsonschema)."""
    try:
        from auditkit.report._schema import validate_scorecard
    except ImportError:  # report package absent: the envelope checks below still apply
        return None
    return validate_scorecard


def check_scorecard(data: Any, *, source: str = "scorecard") -> dict[str, Any]:
    """Check the outer shape of a parsed scorecard and return it."""
    if not isinstance(data, dict):
        raise SchemaError(f"{source}: expected a JSON object, got {type(data).__name__}; regenerate the scorecard")
    version = data.get("schema_version")
    if not isinstance(version, (str, int)) or isinstance(version, bool):
        raise SchemaError(f"{source}: missing 'schema_version'; this does not look like an auditkit scorecard")
    major = str(version).split(".")[0]
    if not major.isdigit() or int(major) > SUPPORTED_MAJOR:
        raise SchemaError(
            f"{source}: schema_version {str(version)[:20]!r} is newer than this auditkit reads "
            f"(major {SUPPORTED_MAJOR}); upgrade auditkit"
        )
    validate = _schema_validator()
    if validate is not None:
        validate(data, source=source)
    return data
