"""The scorecard: the one typed contract between the stages and its readers.

Stages build :class:`Metric` values and section models; ``report/`` and ``gate/``
read a :class:`Scorecard` through :func:`read_scorecard` / :func:`load_scorecard`
(one loader, one version check). :func:`write_scorecard` seals every write with
the SHA-256 of the scorecard's canonical evidence (``integrity``), and the
``attest`` helpers wrap that evidence in a signed in-toto Statement. This package
imports neither torch nor any stage package.
"""

from auditkit.scorecard._attest import (
    ENVELOPE_NAME,
    AttestationCheck,
    attest_run,
    read_envelope,
    sign_scorecard,
    signature_info,
    verify_envelope,
    write_envelope,
)
from auditkit.scorecard._canonical import canonical_bytes, changed_paths, content_digest, evidence, section_digests
from auditkit.scorecard._io import load_document, load_scorecard, parse_scorecard, read_scorecard, seal, section_document, set_section, write_scorecard
from auditkit.scorecard._keys import generate_keypair, key_id, load_private_key, load_public_key, write_keypair
from auditkit.scorecard._metric import Metric, as_metric
from auditkit.scorecard._model import SCHEMA_VERSION, SUPPORTED_MAJOR, Scorecard
from auditkit.scorecard._release_sections import (
    AgreementMetrics,
    DeploymentSection,
    PerturbationMetrics,
    RobustnessAttribute,
    RobustnessSection,
    VariantAudit,
)
from auditkit.scorecard._schema import json_schema
from auditkit.scorecard._sections import (
    AttributeFairness,
    BaselineFairness,
    CanarySweep,
    ComparisonRow,
    ComplianceItem,
    ComplianceSection,
    DataDigest,
    FairnessSection,
    GroupMetrics,
    IdentitySection,
    IntegritySection,
    MetricSet,
    MitigationComparison,
    ModelIdentity,
    PerformanceSection,
    PrivacySection,
    ScrubSection,
    Section,
    TermSwap,
)

__all__ = [
    "ENVELOPE_NAME",
    "SCHEMA_VERSION",
    "SUPPORTED_MAJOR",
    "AgreementMetrics",
    "AttestationCheck",
    "AttributeFairness",
    "BaselineFairness",
    "CanarySweep",
    "ComparisonRow",
    "ComplianceItem",
    "ComplianceSection",
    "DataDigest",
    "DeploymentSection",
    "FairnessSection",
    "GroupMetrics",
    "IdentitySection",
    "IntegritySection",
    "Metric",
    "MetricSet",
    "MitigationComparison",
    "ModelIdentity",
    "PerformanceSection",
    "PerturbationMetrics",
    "PrivacySection",
    "RobustnessAttribute",
    "RobustnessSection",
    "Scorecard",
    "ScrubSection",
    "Section",
    "TermSwap",
    "VariantAudit",
    "as_metric",
    "attest_run",
    "canonical_bytes",
    "changed_paths",
    "content_digest",
    "evidence",
    "generate_keypair",
    "json_schema",
    "key_id",
    "load_document",
    "load_private_key",
    "load_public_key",
    "load_scorecard",
    "parse_scorecard",
    "read_envelope",
    "read_scorecard",
    "seal",
    "section_digests",
    "section_document",
    "set_section",
    "sign_scorecard",
    "signature_info",
    "verify_envelope",
    "write_envelope",
    "write_keypair",
    "write_scorecard",
]
