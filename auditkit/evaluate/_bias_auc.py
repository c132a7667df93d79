"""Text-classifier bias AUCs of Borkan et al. (2019), "Nuanced Metrics for Measuring
Unintended Bias with Real Data for Text Classification".

For an identity group ``g`` and binary labels with scores:

* **subgroup AUC**: AUC on the examples of ``g`` only (can the model rank within the group?);
* **BPSN AUC** (background positive, subgroup negative): AUC on the negatives of ``g``
  together with the positives outside ``g``; low when the model scores the group's
  negatives too high (false positives driven by identity);
* **BNSP AUC** (background negative, subgroup positive): AUC on the positives of ``g``
  with the negatives outside ``g``; low when the group's positives are scored too low
  (the under-triage pattern).

The functions take a weight matrix so the same code gives point values (one row of
ones) and bootstrap resamples (one row per resample).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from auditkit.evaluate._bootstrap import weighted_auc

__all__ = ["BIAS_AUC_METRICS", "bias_auc_matrix", "bias_aucs"]

BIAS_AUC_METRICS = ("subgroup_auc", "bpsn_auc", "bnsp_auc")


def bias_auc_matrix(
    scores: np.ndarray, positive: np.ndarray, in_group: np.ndarray, weights: np.ndarray
) -> dict[str, np.ndarray]:
    """Subgroup, BPSN and BNSP AUC of one group, per row of ``weights``.

    Parameters
    ----------
    scores:
        Positive-class scores, shape ``(n,)``.
    positive:
        Boolean true labels, shape ``(n,)``.
    in_group:
        Boolean membership of the identity group, shape ``(n,)``.
    weights:
        Example weights, shape ``(k, n)``.

    Returns
    -------
    dict
        ``{"subgroup_auc", "bpsn_auc", "bnsp_auc"}`` to arrays of shape ``(k,)`` (NaN where undefined).
    """
    masks = {
        "subgroup_auc": in_group,
        "bpsn_auc": (in_group & ~positive) | (~in_group & positive),
        "bnsp_auc": (in_group & positive) | (~in_group & ~positive),
    }
    return {name: weighted_auc(scores[m], positive[m], weights[:, m]) for name, m in masks.items()}


def bias_aucs(
    y_true: np.ndarray, scores: np.ndarray, groups: np.ndarray
) -> Mapping[str, Mapping[str, float | None]]:
    """Borkan et al. bias AUCs for every identity group, as plain point values.

    Parameters
    ----------
    y_true:
        Binary true labels (bool or 0/1), shape ``(n,)``.
    scores:
        Positive-class scores, shape ``(n,)``.
    groups:
        Group of each example, shape ``(n,)``.

    Returns
    -------
    dict
        ``{group: {"subgroup_auc": float|None, "bpsn_auc": ..., "bnsp_auc": ...}}``;
        ``None`` where a subset lacks one of the two classes.

    Examples
    --------
    >>> import numpy as np
    >>> out = bias_aucs(np.array([0, 1, 0, 1]), np.array([.1, .9, .8, .2]), np.array(["a", "a", "b", "b"]))
    >>> out["a"]["subgroup_auc"]
    1.0
    """
    positive = np.asarray(y_true).astype(bool)
    score = np.asarray(scores, dtype=np.float64)
    group = np.asarray(groups).astype(str)
    ones = np.ones((1, positive.shape[0]))
    out: dict[str, dict[str, float | None]] = {}
    for name in np.unique(group):
        values = bias_auc_matrix(score, positive, group == name, ones)
        out[str(name)] = {k: (None if np.isnan(v[0]) else float(v[0])) for k, v in values.items()}
    return out
