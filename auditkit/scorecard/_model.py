"""The scorecard document model and its version."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from auditkit.scorecard._release_sections import DeploymentSection, RobustnessSection
from auditkit.scorecard._sections import (
    ComplianceSection,
    ComputeSection,
    FairnessSection,
    IdentitySection,
    IntegritySection,
    PerformanceSection,
    PrivacySection,
    Section,
)

__all__ = ["SCHEMA_VERSION", "SUPPORTED_MAJOR", "Scorecard"]

SCHEMA_VERSION = "2.0"
SUPPORTED_MAJOR = 2
_ADDED_SECTIONS = ("robustness", "deployment")


class Scorecard(BaseModel):
    """One audit of one model: every section a stage produced, and the digests binding them.

    ``schema_version`` is ``MAJOR.MINOR``; a reader accepts any minor version of the
    major it knows. ``policy`` holds the gate's verdict and ``integrity`` the digests;
    both are derived, everything else is evidence.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    generated_at: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")
    identity: IdentitySection
    config: Section
    performance: PerformanceSection
    privacy: PrivacySection
    fairness: FairnessSection
    explanations: Section
    compute: ComputeSection
    policy: Section
    compliance: ComplianceSection
    environment: Section
    robustness: RobustnessSection | None = None
    deployment: DeploymentSection | None = None
    integrity: IntegritySection | None = None

    def to_document(self) -> dict[str, Any]:
        """The JSON document (plain numbers normalised to metric objects).

        Sections added after 2.0 (``robustness``, ``deployment``) are left out when a
        document does not have them, so an older scorecard keeps its shape.
        """
        doc = self.model_dump(mode="json")
        for name in _ADDED_SECTIONS:
            if doc.get(name) is None:
                doc.pop(name, None)
        return doc
