"""Energy and CO2 of a stage through codecarbon's offline tracker (the ``energy`` extra).

The offline tracker needs a country code instead of a geolocation lookup, so it
makes no network call. When codecarbon is not installed, nothing is measured
and the scorecard says so.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from typing import Any

__all__ = ["energy_available", "measure_energy"]


def energy_available() -> bool:
    """Whether codecarbon is importable."""
    try:
        import codecarbon  # noqa: F401
    except ImportError:
        return False
    return True


@contextlib.contextmanager
def measure_energy(*, enabled: bool, country_iso_code: str = "USA") -> Iterator[dict[str, Any]]:
    """Yield a dict that holds ``energy_kwh`` and ``co2_kg`` (or a ``reason``) after the block."""
    record: dict[str, Any] = {"energy_kwh": None, "co2_kg": None}
    if not enabled or not energy_available():
        record["reason"] = "disabled in config" if not enabled else "codecarbon not installed (pip install auditkit[energy])"
        yield record
        return
    from codecarbon import OfflineEmissionsTracker

    logging.getLogger("codecarbon").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as scratch:
        tracker = OfflineEmissionsTracker(country_iso_code=country_iso_code, save_to_file=False, log_level="error",
                                          output_dir=scratch, measure_power_secs=5, allow_multiple_runs=True)
        tracker.start()
        try:
            yield record
        finally:
            emissions = tracker.stop()
            data = tracker.final_emissions_data
            record["energy_kwh"] = float(data.energy_consumed) if data is not None else None
            record["co2_kg"] = float(emissions) if emissions is not None else None
            record["method"] = "codecarbon offline tracker"
            record["country_iso_code"] = country_iso_code
