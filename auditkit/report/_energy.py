"""Energy and CO2: per-stage measurements and the run's totals.

The pipeline runner measures the stages named in ``compute.energy_stages``
with codecarbon's offline tracker and records ``{"energy_kwh", "co2_kg",
"method", "country_iso_code"}`` under the stage's ``energy`` key (or a
``reason`` when nothing was measured); a stage summary may also carry
``energy_kwh``/``emissions_kg_co2eq``. :func:`energy_totals` sums every
measured stage, so a measured stage can never be missing from the totals, and
says how the figures were measured. Stages that were not measured add nothing
and are named, never counted as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["StageEnergy", "energy_totals", "measurement_text", "stage_energy"]


@dataclass(frozen=True)
class StageEnergy:
    """What one stage's record says about its energy (``None`` where not measured)."""

    energy_kwh: float | None
    co2_kg: float | None
    method: str | None
    country_iso_code: str | None
    reason: str | None


def _first(places: list[Mapping[str, Any]], *keys: str) -> Any:
    for place in places:
        for key in keys:
            value = place.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str) and value:
                return value
    return None


def stage_energy(record: Any) -> StageEnergy | None:
    """The energy a stage record holds: the runner's nested ``energy`` first, then keys lifted from its summary."""
    if not isinstance(record, Mapping):
        return None
    nested = record.get("energy")
    places = [p for p in (nested, record) if isinstance(p, Mapping)]
    kwh, co2 = _first(places, "energy_kwh"), _first(places, "co2_kg", "emissions_kg_co2eq")
    kwh = kwh if isinstance(kwh, float) else None
    co2 = co2 if isinstance(co2, float) else None
    reason = nested.get("reason") if isinstance(nested, Mapping) and isinstance(nested.get("reason"), str) else None
    if kwh is None and co2 is None and reason is None:
        return None
    method = _first(places, "method", "energy_method")
    country = _first(places, "country_iso_code")
    return StageEnergy(kwh, co2, method if isinstance(method, str) else None,
                       country if isinstance(country, str) else None, reason)


def _total(values: list[float | None]) -> float | None:
    numbers = [v for v in values if v is not None]
    return float(f"{sum(numbers):.6g}") if numbers else None


def energy_totals(stages: Any) -> dict[str, Any]:
    """``energy_kwh``, ``co2_kg`` (and its alias ``emissions_kg_co2eq``) summed over every measured stage.

    ``energy_measurement`` says how: the method(s), the grid country, which stages
    were measured and why the others asked for were not.
    """
    found = {str(name): e for name, rec in sorted((stages or {}).items()) if (e := stage_energy(rec)) is not None}
    measured = {name: e for name, e in found.items() if e.energy_kwh is not None or e.co2_kg is not None}
    kwh = _total([e.energy_kwh for e in measured.values()])
    co2 = _total([e.co2_kg for e in measured.values()])
    how: dict[str, Any] = {
        "method": ", ".join(sorted({e.method or "figures in the stage summaries" for e in measured.values()})) or None,
        "country_iso_code": ", ".join(sorted({e.country_iso_code for e in measured.values() if e.country_iso_code})) or None,
        "stages": sorted(measured),
        "not_measured": {name: e.reason for name, e in found.items() if name not in measured and e.reason},
    }
    return {"energy_kwh": kwh, "co2_kg": co2, "emissions_kg_co2eq": co2, "energy_measurement": how}


def measurement_text(how: Any) -> str:
    """One line for readers: ``codecarbon offline tracker, grid USA; stages: explain, train``."""
    if not isinstance(how, Mapping) or not how.get("stages"):
        return "not measured"
    text = str(how.get("method") or "figures in the stage summaries")
    if how.get("country_iso_code"):
        text += f", grid {how['country_iso_code']}"
    return f"{text}; stages: {', '.join(str(s) for s in how['stages'])}"
