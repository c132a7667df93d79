"""Offline guarantees: auditkit never contacts a model hub or any other host.

:func:`force_offline` sets the Hugging Face offline switches and makes
tldextract (used by Presidio's email and URL recognisers) use its bundled
public-suffix snapshot instead of fetching one.
"""

from __future__ import annotations

import os

__all__ = ["force_offline", "offline_tldextract"]

_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "WANDB_DISABLED": "true",
    "WANDB_MODE": "disabled",
    "TOKENIZERS_PARALLELISM": "false",
    "CODECARBON_LOG_LEVEL": "error",
}


def force_offline() -> None:
    """Set the environment switches that keep HF libraries off the network."""
    for key, value in _ENV.items():
        os.environ.setdefault(key, value)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def offline_tldextract() -> None:
    """Make every tldextract call use the bundled suffix snapshot (no fetch)."""
    import tldextract

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tldextract.extract = extractor  # type: ignore[assignment]
    tldextract.tldextract.TLD_EXTRACTOR = extractor  # type: ignore[attr-defined]
