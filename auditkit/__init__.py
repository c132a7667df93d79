"""auditkit: Responsible-AI auditing for fine-tuned transformer text classifiers.

Scrub the training corpus of personal data, fine-tune with a fairness
constraint, explain the model, and render an ethics scorecard that a CI gate
reads. The public names below are imported lazily, so ``import auditkit`` (and
``import auditkit.gate`` on a CI runner with no model) never imports torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from auditkit import _logging as _logging  # installs the NullHandler only

__version__ = "0.1.0"

_LAZY = {
    "AuditCallback": "auditkit.train",
    "AuditDataset": "auditkit.data",
    "FairTrainer": "auditkit.train",
    "FairnessLoss": "auditkit.train",
    "Policy": "auditkit.gate",
    "RunConfig": "auditkit.config",
    "Scrubber": "auditkit.scrub",
    "audit_model": "auditkit._audit_model",
    "assess": "auditkit.evaluate",
    "explain": "auditkit.explain",
    "fine_tune": "auditkit.train",
    "load_config": "auditkit.config",
    "load_dataset": "auditkit.data",
    "predict": "auditkit.evaluate",
    "run_pipeline": "auditkit.pipeline",
}

__all__ = sorted([*_LAZY, "__version__"])

if TYPE_CHECKING:  # pragma: no cover
    from auditkit.config import RunConfig, load_config
    from auditkit.data import AuditDataset, load_dataset


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'auditkit' has no attribute {name!r}")
    try:
        value = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:  # a heavy dependency of an extra: say which extra adds it
        from auditkit._extras import extra_for_module, missing_error

        extra = extra_for_module(exc.name or "") if not (exc.name or "").startswith("auditkit") else None
        if extra is None:
            raise
        raise missing_error(f"auditkit.{name}", extra, [(exc.name or "").split(".")[0]]) from exc
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
