"""PrivacyResult: the privacy section of the scorecard, and the artifact safety checks.

It gathers four pieces of evidence that nothing personal survives in what a run
ships: the scrub summary (counts only, passed through), the canary sweep, the
membership-inference figures, and checks that only safetensors cross the trust
boundary (no pickle outside the allow-listed trainer state files, no
``training_args.bin``, every checkpoint verifying against its manifest).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit._io import atomic_write_json

__all__ = ["EXPLANATION", "IDENTIFIER_EXPLANATION", "PrivacyResult", "artifact_checks", "membership_section", "not_run"]

SCHEMA = "auditkit-privacy/1"
_PICKLES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib")
_CHECKS = (
    " Membership inference: ROC AUC 0.5 means an attacker "
    "cannot tell training examples from unseen ones by their loss (no measurable leakage); the higher, the "
    "more the model memorised. Artifact checks: only safetensors weights, no training_args.bin pickle, "
    "every checkpoint verified against its SHA-256 manifest."
)
EXPLANATION = (
    "Canary sweep: unique fake identifiers were planted in the raw data; a hit means one survived into a "
    "file of the run (0 hits is the pass condition)." + _CHECKS
)
IDENTIFIER_EXPLANATION = (
    "Canary sweep: the identifiers the scrubber found in the audited data (held in memory, never written) "
    "were searched for in every file of the run; a hit means one survived into a file (0 hits is the pass "
    "condition)." + _CHECKS
)


def not_run(reason: str) -> dict[str, Any]:
    """A section that did not run, in the scorecard convention."""
    return {"status": "not_run", "reason": reason}


def artifact_checks(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Pickle and checkpoint checks over a run directory (file names only).

    Returns
    -------
    dict
        ``status`` (``ok``/``failed``), ``pickle_files`` (relative paths outside
        verified checkpoints), ``training_args_bin`` (count), ``checkpoints``
        (verified / total) and ``unverified_checkpoints`` (name and reason).
    """
    from auditkit.train._checkpoint import list_checkpoints, verify_checkpoint

    root = Path(run_dir)
    checkpoint_dirs = [p for base in (root, root / "checkpoints") for p in list_checkpoints(base)]
    checks = [verify_checkpoint(p) for p in checkpoint_dirs]
    verified = {c.path.resolve() for c in checks if c.ok}
    pickles: list[str] = []
    training_args = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        training_args += path.name == "training_args.bin"
        inside_verified = any(parent.resolve() in verified for parent in path.parents)
        if path.suffix.lower() in _PICKLES and not inside_verified:
            pickles.append(path.relative_to(root).as_posix())
    unverified = [f"{c.path.name}: {c.problem}" for c in checks if not c.ok]
    ok = not pickles and not training_args and not unverified
    problems = [f"{len(pickles)} pickle file(s)"] if pickles else []
    problems += ["training_args.bin present"] if training_args else []
    problems += [f"{len(unverified)} unverified checkpoint(s)"] if unverified else []
    return {
        "status": "ok" if ok else "failed",
        **({"reason": "unsafe artifacts: " + ", ".join(problems)} if problems else {}),
        "pickle_files": pickles,
        "training_args_bin": training_args,
        "checkpoints": {"verified": len(verified), "total": len(checks)},
        "unverified_checkpoints": unverified,
        "trust_remote_code": False,
    }


def membership_section(membership: dict[str, Any]) -> dict[str, Any]:
    """Scorecard form of ``MembershipResult.to_dict()``: headline leaves first, details below.

    ``auc`` and ``tpr_at_1pct_fpr`` are the loss attack's figures and
    ``calibrated_auc`` the calibrated attack's, so a gate rule can read
    ``privacy.membership.auc.ci_high``.
    """
    attacks = membership["attacks"]
    return {
        "status": "ok",
        "auc": attacks["loss"]["auc"],
        "tpr_at_1pct_fpr": attacks["loss"]["tpr_at_1pct_fpr"],
        "calibrated_auc": attacks["calibrated"]["auc"],
        "calibrated_tpr_at_1pct_fpr": attacks["calibrated"]["tpr_at_1pct_fpr"],
        "n_members": attacks["loss"]["n_members"],
        "n_nonmembers": attacks["loss"]["n_nonmembers"],
        "attacks": attacks,
        "per_group": membership["per_group"],
        "confidence": membership["confidence"],
        "n_boot": membership["n_boot"],
        "explanation": membership["explanation"],
    }


@dataclass(frozen=True)
class PrivacyResult:
    """The ``privacy`` section of the scorecard.

    Attributes
    ----------
    scrub:
        The scrub summary passed through (counts only), or a ``not_run`` section.
    canary_sweep:
        :meth:`SweepResult.to_dict` output, or a ``not_run`` section.
    membership:
        :meth:`MembershipResult.to_dict` output plus ``status``, or a ``not_run`` section.
    artifacts:
        :func:`artifact_checks` output.
    explanation:
        What the numbers mean.
    """

    scrub: dict[str, Any]
    canary_sweep: dict[str, Any]
    membership: dict[str, Any]
    artifacts: dict[str, Any]
    explanation: str = EXPLANATION
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``failed`` when the sweep, the membership probe or the artifact checks failed, else ``ok``."""
        parts = (self.canary_sweep, self.membership, self.artifacts)
        return "failed" if any(p.get("status") == "failed" for p in parts) else "ok"

    def to_dict(self) -> dict[str, Any]:
        """JSON form written to ``privacy.json`` (aggregates, file names and labels only)."""
        failed = [name for name, p in (("canary sweep", self.canary_sweep), ("membership", self.membership),
                                        ("artifacts", self.artifacts)) if p.get("status") == "failed"]
        return {
            "schema": SCHEMA,
            "status": self.status,
            **({"reason": "failed: " + ", ".join(failed)} if failed else {}),
            "scrub": self.scrub,
            "canary_sweep": self.canary_sweep,
            "membership": self.membership,
            "artifacts": self.artifacts,
            "explanation": self.explanation,
            "notes": list(self.notes),
        }

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` atomically."""
        return atomic_write_json(path, self.to_dict())
