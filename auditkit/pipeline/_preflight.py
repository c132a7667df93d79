"""The checks a run makes before its first stage, shared by ``auditkit run`` and ``auditkit validate``.

A config that would stop a run partway with exit 2 — a data file, column or
label that is not there, a sensitive column with too many groups, a model
folder that does not exist, a policy that does not load, a GPU that is not
there — fails here instead, before any work is done and before anything is
written. :func:`run_pipeline` calls :func:`preflight` first; ``auditkit
validate`` calls the same function, so both print the same one-line message.

The data is the one check ``run`` leaves to its prepare stage (so a large file
is not read twice, nor at all when the prepare stage is skipped as unchanged):
that stage's first step is :func:`load_run_dataset`, the very call
``validate`` makes, and it still comes before the first file is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from auditkit.config import RunConfig
from auditkit.data import AuditDataset, check_group_counts, load_dataset
from auditkit.exceptions import ConfigError

__all__ = ["FAIRNESS_ATTRIBUTE_NOT_SENSITIVE", "load_run_dataset", "preflight"]

FAIRNESS_ATTRIBUTE_NOT_SENSITIVE = "fairness.sensitive {attr!r} is not one of data.sensitive {sensitive}"
_ALL = ("prepare", "train", "evaluate", "fairness", "compare", "robustness", "deployment", "explain", "privacy", "report", "gate")


def load_run_dataset(config: RunConfig) -> AuditDataset:
    """Load and validate the run's data; refuse a sensitive column with over ``fairness.max_groups`` values.

    Raises
    ------
    DataError
        Any data problem :func:`auditkit.data.load_dataset` finds, or too many groups.
    """
    dataset = load_dataset(config.data, seed=config.seed)
    check_group_counts(dataset.frame, dataset.sensitive, max_groups=config.fairness.max_groups)
    return dataset


def preflight(config: RunConfig, *, stages: Iterable[str] = _ALL, data: bool = True) -> None:
    """Run every check that does not need a stage's output, for the stages about to run.

    Parameters
    ----------
    stages:
        Names of the stages that will run (``prepare``, ``train``, ...).
    data:
        Also load and validate the data (when ``prepare`` is among ``stages``).

    Raises
    ------
    UserInputError
        The first problem found, with the message the failing stage would give.
    """
    names = set(stages)
    _check_fairness_attribute(config)
    if "fairness" in names:
        _check_identity_terms(config)
    if "train" in names:
        _check_model(config)
    _check_devices(config, names)
    if "gate" in names:
        from auditkit.gate import load_policy

        load_policy(config.policy or "default")
    if data and "prepare" in names:
        load_run_dataset(config)


def _check_fairness_attribute(config: RunConfig) -> None:
    attr, sensitive = config.fairness.sensitive, list(config.data.sensitive)
    if attr is not None and attr not in sensitive:
        raise ConfigError(FAIRNESS_ATTRIBUTE_NOT_SENSITIVE.format(attr=attr, sensitive=sensitive))


def _check_identity_terms(config: RunConfig) -> None:
    terms = config.fairness.identity_terms
    if isinstance(terms, str) and terms and terms != "builtin" and not Path(terms).is_file():
        raise ConfigError(f"fairness.identity_terms: lexicon file '{Path(terms).name}' not found; "
                          "use 'builtin' or a YAML file of terms and forms")


def _check_model(config: RunConfig) -> None:
    from auditkit._model_io import check_safe_folder, default_model_path

    check_safe_folder(config.model.path if config.model.path is not None else default_model_path())


def _check_devices(config: RunConfig, names: set[str]) -> None:
    wanted = [config.training.device] if names & {"train", "evaluate"} else []
    if "explain" in names and config.explain.enabled:
        wanted.append(config.explain.device)
    if "privacy" in names and config.privacy.enabled:
        wanted.append(config.privacy.device)
    if "cuda" in wanted:
        from auditkit._model_io import resolve_device

        resolve_device("cuda")
