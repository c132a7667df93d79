"""Resolving policy metric paths in a scorecard, failing closed.

The gate reads ``scorecard.json`` only, through :mod:`auditkit.scorecard` (one
loader, one version check). A path names a metric leaf; ``*`` matches every key
of one map (attributes, groups, pairs). Every concrete path yields a
:class:`Lookup`, and nothing is ever dropped:

* ``metric``: the leaf exists (its value may still be undefined);
* ``not_run``: a section on the way did not run (``section`` names it, so a
  policy can accept exactly that absence);
* ``failed``: a section on the way ran and failed and the metric is not there
  (never acceptable; when a failed section still holds the metric, as a canary
  sweep that found a leak does, the metric is judged);
* ``missing``: the path does not exist, or a ``*`` branch lacks the metric.

An intersection key is stored with ``×`` (``gender×age_band``); a policy may spell
it in ASCII, ``gender*age_band`` or ``gender x age_band``, and the lookup finds the
stored key (paths in outcomes name the stored key).

A ``*`` over ``fairness.attributes`` must also cover every attribute the
scorecard declares (``fairness.declared`` and the configured sensitive columns):
a declared attribute without a result is a ``missing`` lookup, not a silent gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from auditkit.scorecard import Metric, as_metric

__all__ = ["Lookup", "declared_attributes", "resolve"]

Kind = Literal["metric", "not_run", "failed", "missing"]
_ATTRIBUTES = ("fairness", "attributes")
_ASCII_CROSS = re.compile(r"\s*\*\s*|\s+x\s+")


@dataclass(frozen=True)
class Lookup:
    """Where one concrete path led (see the module docstring for ``kind``)."""

    path: str
    kind: Kind
    leaf: Metric | None = None
    note: str = ""
    section: str = ""


def declared_attributes(doc: Mapping[str, Any]) -> list[str]:
    """The sensitive attributes a scorecard says it assessed: ``fairness.declared`` plus configured columns."""
    fairness = doc.get("fairness")
    declared = list(fairness.get("declared") or []) if isinstance(fairness, Mapping) else []
    config = doc.get("config")
    values = config.get("values") if isinstance(config, Mapping) else None
    data = values.get("data") if isinstance(values, Mapping) else None
    sensitive = data.get("sensitive") if isinstance(data, Mapping) else None
    if isinstance(sensitive, str):
        sensitive = [sensitive]
    if isinstance(sensitive, list):
        declared += [str(s) for s in sensitive]
    return sorted(set(map(str, declared)))


def declared_probe_types(doc: Mapping[str, Any]) -> list[str]:
    """The entity types the scrubber's recall probe was run for (``privacy.scrub.recall_probe_info.types``)."""
    privacy = doc.get("privacy")
    scrub = privacy.get("scrub") if isinstance(privacy, Mapping) else None
    info = scrub.get("recall_probe_info") if isinstance(scrub, Mapping) else None
    types = info.get("types") if isinstance(info, Mapping) else None
    return sorted(str(t) for t in types) if isinstance(types, list) else []


#: Maps whose keys a scorecard declares elsewhere: a ``*`` over them must cover every declared key.
_DECLARED = {("fairness", "attributes"): declared_attributes, ("privacy", "scrub", "recall_probe"): declared_probe_types}


def _covered(name: str, keys: set[str]) -> bool:
    return name in keys or any(k.startswith(f"{name}/") for k in keys)


def _stopped(node: Any, done: list[str], rest: list[str]) -> Lookup | None:
    if not isinstance(node, Mapping) or node.get("status") not in ("not_run", "failed"):
        return None
    where = ".".join(done) or "<root>"
    reason = node.get("reason")
    note = f"section '{where}' is {node['status']}" + (f": {reason}" if isinstance(reason, str) and reason else "")
    return Lookup(".".join(done + rest), node["status"], note=note, section=where)


def _expand(doc: Mapping[str, Any], node: Any, parts: list[str], done: list[str], out: list[Lookup],
            failed: Lookup | None = None) -> None:
    stopped = _stopped(node, done, parts)
    if stopped is not None and stopped.kind == "not_run":
        out.append(stopped)
        return
    failed = stopped or failed
    before = len(out)
    _descend(doc, node, parts, done, out, failed)
    if failed is not None:  # under a failed section, anything not found is the failure's doing
        out[before:] = [Lookup(lk.path, "failed", note=failed.note, section=failed.section) if lk.kind == "missing" else lk
                        for lk in out[before:]]


def _descend(doc: Mapping[str, Any], node: Any, parts: list[str], done: list[str], out: list[Lookup],
             failed: Lookup | None) -> None:
    path = ".".join(done + parts)
    if not parts:
        leaf = as_metric(node)
        if leaf is None:
            out.append(Lookup(path, "missing", note=f"'{path}' is absent or not a metric"))
        else:
            out.append(Lookup(path, "metric", leaf))
        return
    head, rest = parts[0], parts[1:]
    if not isinstance(node, Mapping):
        out.append(Lookup(path, "missing", note=f"'{'.'.join(done) or '<root>'}' is absent or not a section"))
        return
    if head != "*":
        head = _stored_key(node, head)
        if head not in node:
            out.append(Lookup(path, "missing", note=f"key '{head}' not found under '{'.'.join(done) or '<root>'}'"))
            return
        _expand(doc, node[head], rest, [*done, head], out, failed)
        return
    keys = sorted(k for k in node if isinstance(k, str))
    for key in keys:
        _expand(doc, node[key], rest, [*done, key], out, failed)
    declared = _DECLARED.get(tuple(done))
    for name in declared(doc) if declared is not None else ():
        if not _covered(name, set(keys)):
            out.append(Lookup(".".join([*done, name, *rest]), "missing",
                              note=f"'{name}' is declared but '{'.'.join(done)}' has no result for it"))
    if not keys and tuple(done) != _ATTRIBUTES:
        out.append(Lookup(path, "missing", note=f"'{'.'.join(done)}' is empty: '*' matched nothing"))


def _stored_key(node: Mapping[str, Any], head: str) -> str:
    """``head`` itself, or the stored ``×`` key it spells in ASCII (``gender*age_band``, ``gender x age_band``)."""
    if head in node:
        return head
    alias = _ASCII_CROSS.sub("×", head)
    return alias if alias in node else head


def resolve(doc: Mapping[str, Any], metric: str) -> list[Lookup]:
    """Resolve ``metric`` (dotted, ``*`` allowed) into one :class:`Lookup` per concrete path; never empty."""
    out: list[Lookup] = []
    _expand(doc, doc, metric.split("."), [], out)
    if not out:
        out.append(Lookup(metric, "missing", note="'*' matched no attribute and none is declared"))
    return out
