"""Optional extras: which heavy packages each one brings, and the one-line error when one is missing.

The core install (``pip install auditkit-rai``) holds what the gate, the report,
the scorecard and the CLI need. Training, scrubbing and explaining come with the
``[train]``, ``[scrub]`` and ``[explain]`` extras (``[all]`` is all three). A
command or a facade name that needs a missing extra raises
:class:`~auditkit.exceptions.MissingExtraError`, whose message names the extra and
the ``pip install`` line that adds it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

from auditkit.exceptions import MissingExtraError

__all__ = ["DISTRIBUTION", "EXTRAS", "extra_for_module", "missing_error", "missing_modules", "require"]

DISTRIBUTION = "auditkit-rai"
"""The name on the package index (``auditkit`` there is an unrelated project)."""

EXTRAS: dict[str, tuple[str, ...]] = {
    "train": ("torch", "transformers", "accelerate", "safetensors", "numpy", "pandas", "pyarrow", "sklearn",
              "fairlearn", "tqdm"),
    "scrub": ("presidio_analyzer", "presidio_anonymizer", "spacy", "tldextract", "numpy", "pandas", "pyarrow", "tqdm"),
    "explain": ("captum", "torch", "transformers", "numpy", "pandas"),
}
"""Extra name -> the top-level modules it makes importable (the checks look for these)."""

MISSING_EXTRA = "{what} needs the [{extra}] {noun}: pip install \"{dist}[{extra}]\" (not installed: {modules})"


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing_modules(extras: Iterable[str]) -> dict[str, list[str]]:
    """Extra name -> its modules that cannot be imported, for each of ``extras`` that is incomplete."""
    missing = {extra: [m for m in EXTRAS[extra] if not _importable(m)] for extra in extras}
    return {extra: mods for extra, mods in missing.items() if mods}


def extra_for_module(module: str) -> str | None:
    """The extra that installs top-level ``module`` (``None`` when no extra does)."""
    top = module.split(".")[0]
    return next((extra for extra, mods in EXTRAS.items() if top in mods), None)


def missing_error(what: str, extra: str, modules: Iterable[str]) -> MissingExtraError:
    """The error for ``what`` (e.g. ``'auditkit run'``) lacking ``extra``."""
    names = list(dict.fromkeys(modules))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    noun = "extras" if "," in extra else "extra"
    return MissingExtraError(MISSING_EXTRA.format(what=what, extra=extra, noun=noun, dist=DISTRIBUTION, modules=shown),
                             name=names[0] if names else None)


def require(what: str, extras: Iterable[str]) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extras`` can be imported.

    The message names the missing extras (``[scrub]``, ``[train,scrub]``; ``[all]`` when all three are).
    """
    missing = missing_modules(dict.fromkeys(extras))
    if not missing:
        return
    extra = "all" if set(missing) == set(EXTRAS) else ",".join(missing)
    raise missing_error(what, extra, [m for mods in missing.values() for m in mods])
