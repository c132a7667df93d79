"""Privacy audit of a run: canary seeding and sweep, identifier sweep, artifact safety checks, PrivacyResult.

Membership inference lives in :mod:`auditkit.evaluate` (it needs a model); this
package needs none, so ``auditkit sweep`` starts without torch.
"""

from auditkit.privacy._canaries import (
    CANARY_KINDS,
    Canary,
    CanarySet,
    canary_file_for,
    load_canaries,
    save_canaries,
    seed_canaries,
)
from auditkit.privacy._identifiers import FoundIdentifiers, found_identifiers, identifier_sweep
from auditkit.privacy._result import PrivacyResult, artifact_checks, membership_section, not_run
from auditkit.privacy._sweep import SweepHit, SweepResult, canary_forms, sweep

__all__ = [
    "CANARY_KINDS",
    "Canary",
    "CanarySet",
    "FoundIdentifiers",
    "PrivacyResult",
    "SweepHit",
    "SweepResult",
    "artifact_checks",
    "canary_file_for",
    "canary_forms",
    "found_identifiers",
    "identifier_sweep",
    "load_canaries",
    "membership_section",
    "not_run",
    "save_canaries",
    "seed_canaries",
    "sweep",
]
