"""Do a deployment variant's explanations still say what the audited model's said?

Both models are explained with the same method, on the same examples, for the
same class (the full model's prediction), so every difference comes from the
compression. Per example, with the words of the text as the common axis:

* **top-k overlap**: the share of the full model's ``k`` highest-|attribution|
  words that are also among the variant's ``k`` (``k`` capped by the words in
  the text); 1 means the same words lead both explanations.
* **rank correlation**: Spearman's rho between the two attribution vectors
  (undefined for a text of fewer than 3 words or with constant attributions).
* **reliance change**: the variant's sensitive-token reliance minus the full
  model's (paired, so sampling noise shared by both cancels).

Each is a mean over examples with a percentile bootstrap interval; an example
where a figure is undefined is left out of that mean and counted in its reason,
never read as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from auditkit.scorecard import Metric

__all__ = ["GRADIENT_FREE_METHODS", "NO_AUTOGRAD_VARIANTS", "attribution_agreement", "explain_method_for"]

#: Registered attribution methods that need no gradient (forward passes only).
GRADIENT_FREE_METHODS: tuple[str, ...] = ("occlusion",)
#: Variants whose kernels have no autograd: int8 dynamic quantised linears and 8-bit embeddings.
NO_AUTOGRAD_VARIANTS: tuple[str, ...] = ("int8_dynamic",)


def explain_method_for(kind: str, method: str) -> tuple[str, str | None]:
    """The method a variant is explained with, and why when it is not the configured one."""
    if kind in NO_AUTOGRAD_VARIANTS and method not in GRADIENT_FREE_METHODS:
        return "occlusion", (f"{method} needs gradients and the {kind} kernels (quantized::linear_dynamic, 8-bit "
                             "embeddings) have no autograd; both this variant and the full model were explained "
                             "with Captum occlusion (one word-piece at a time replaced by [PAD]) instead")
    return method, None


def _top_k_overlap(full: np.ndarray, variant: np.ndarray, k: int) -> float:
    size = min(k, full.size)
    if size == 0:
        return float("nan")
    lead = set(np.argsort(-np.abs(full), kind="stable")[:size].tolist())
    other = set(np.argsort(-np.abs(variant), kind="stable")[:size].tolist())
    return len(lead & other) / size


def _spearman(full: np.ndarray, variant: np.ndarray) -> float:
    from scipy.stats import rankdata

    if full.size < 3 or np.ptp(full) == 0 or np.ptp(variant) == 0:
        return float("nan")
    return float(np.corrcoef(rankdata(full), rankdata(variant))[0, 1])


def _mean(values: np.ndarray, what: str, settings: dict[str, Any]) -> Metric:
    from auditkit.explain import bootstrap_mean

    defined = int(np.isfinite(values).sum())
    if defined == 0:
        return Metric.undefined(f"undefined for every one of {values.size} example(s)", n=0)
    metric = bootstrap_mean(values, what=what, **settings)
    if defined < values.size:
        note = f"{values.size - defined} of {values.size} example(s) undefined and left out"
        metric = Metric(metric.value, metric.ci_low, metric.ci_high,
                        f"{metric.reason}; {note}" if metric.reason else note, defined)
    return metric


def attribution_agreement(full: Sequence[Any], variant: Sequence[Any], *, top_k: int = 5, n_resamples: int = 1000,
                          confidence: float = 0.95, seed: int = 0) -> dict[str, Any]:
    """Scorecard leaves comparing two lists of :class:`~auditkit.explain.ExampleAttribution` matched by id.

    Returns ``{"n", "n_unmatched", "top_k", "top_k_overlap", "rank_correlation",
    "sensitive_token_reliance", "full_sensitive_token_reliance", "reliance_change"}``.
    An example explained by only one model, or whose words differ, is unmatched
    (counted, left out).
    """
    by_id = {str(r.id): r for r in full}
    pairs = [(by_id[str(r.id)], r) for r in variant
             if str(r.id) in by_id and tuple(by_id[str(r.id)].words) == tuple(r.words)]
    settings = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    unmatched = len(set(by_id) | {str(r.id) for r in variant}) - len(pairs)
    out: dict[str, Any] = {"n": len(pairs), "n_unmatched": unmatched, "top_k": top_k}
    if not pairs:
        reason = "no example was explained by both models"
        for key in ("top_k_overlap", "rank_correlation", "sensitive_token_reliance", "full_sensitive_token_reliance",
                    "reliance_change"):
            out[key] = Metric.undefined(reason, n=0).to_dict()
        return out
    a = [np.asarray(f.scores, dtype=float) for f, _ in pairs]
    b = [np.asarray(v.scores, dtype=float) for _, v in pairs]
    rel_full = np.array([f.reliance for f, _ in pairs], dtype=float)
    rel_var = np.array([v.reliance for _, v in pairs], dtype=float)
    out["top_k_overlap"] = _mean(np.array([_top_k_overlap(x, y, top_k) for x, y in zip(a, b)]),
                                 f"top-{top_k} overlap", settings).to_dict()
    out["rank_correlation"] = _mean(np.array([_spearman(x, y) for x, y in zip(a, b)]),
                                    "rank correlation", settings).to_dict()
    out["sensitive_token_reliance"] = _mean(rel_var, "reliance", settings).to_dict()
    out["full_sensitive_token_reliance"] = _mean(rel_full, "reliance", settings).to_dict()
    out["reliance_change"] = _mean(rel_var - rel_full, "reliance change", settings).to_dict()
    return out
