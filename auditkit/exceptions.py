"""The auditkit exception tree.

Every error auditkit raises on purpose is an :class:`AuditkitError`. The CLI maps
user mistakes (``UserInputError`` and its subclasses) to exit code 2 and prints
one line; anything else is an internal error (exit 3). Messages carry context
(column names, counts, key paths) and never raw data values::

    AuditkitError
    ├── UserInputError            (exit 2)
    │   ├── ConfigError           bad YAML / unknown key / wrong type
    │   ├── DataError             missing file or column, bad rows, bad labels
    │   ├── PolicyError           invalid gate policy
    │   ├── SchemaError           scorecard JSON fails its schema / newer version
    │   ├── KeyFileError          a signing/verification key is missing, unreadable or not Ed25519 PEM
    │   ├── ReportError           a report template is missing, invalid or unsafe
    │   ├── MissingExtraError     an optional extra ([train], [scrub], [explain]) is not installed (also an ImportError)
    │   └── CheckpointError       checkpoint missing, corrupt, tampered or unverifiable
    ├── ScrubError                a scrubbing run could not complete safely
    ├── FairnessError             a fairness computation got misleading input
    ├── ExplainError              attribution failed
    ├── UnsafeArtifactError       a pickle or untrusted file where safetensors is required
    └── StageError                a pipeline stage failed (wraps the cause, no data)
"""

from __future__ import annotations

__all__ = [
    "AuditkitError",
    "CheckpointError",
    "ConfigError",
    "DataError",
    "ExplainError",
    "FairnessError",
    "KeyFileError",
    "MissingExtraError",
    "PolicyError",
    "ReportError",
    "SchemaError",
    "ScrubError",
    "StageError",
    "UnsafeArtifactError",
    "UserInputError",
]


class AuditkitError(Exception):
    """Base class of every error auditkit raises on purpose."""

    exit_code: int = 3


class UserInputError(AuditkitError):
    """The user gave input auditkit cannot use; the CLI exits with code 2."""

    exit_code = 2


class ConfigError(UserInputError):
    """A run configuration is invalid; the message names the key path."""


class DataError(UserInputError):
    """A dataset is unusable: missing file or column, bad rows or labels."""


class PolicyError(UserInputError):
    """A gate policy file is invalid."""


class SchemaError(UserInputError):
    """A scorecard JSON document fails its schema or has an unknown version."""


class KeyFileError(UserInputError):
    """A signing or verification key is missing, unreadable, encrypted or not an Ed25519 PEM key."""


class ReportError(UserInputError):
    """A report template folder or template is missing, invalid or refused by the sandbox."""


class MissingExtraError(UserInputError, ImportError):
    """A command or name needs an optional extra that is not installed; the message names the extra and its install line."""


class ScrubError(AuditkitError):
    """Scrubbing could not complete safely (fails closed)."""


class FairnessError(UserInputError):
    """Fairness inputs would produce a misleading number."""


class ExplainError(AuditkitError):
    """An attribution run failed."""


class CheckpointError(UserInputError):
    """A checkpoint is missing, corrupt or fails verification (the files on disk need the user's attention)."""


class UnsafeArtifactError(UserInputError):
    """A file that would need unpickling (or another unsafe load) was refused."""


class StageError(AuditkitError):
    """A pipeline stage failed; the message names the stage, not the data."""
