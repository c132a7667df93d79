"""Faithfulness of explanations: comprehensiveness and sufficiency (ERASER).

Following DeYoung et al. (2020), for each fraction ``k`` the top-``k`` tokens by
attribution are deleted (comprehensiveness: how much the predicted class's
probability drops) or kept alone (sufficiency: how much it drops when only they
remain). Scores are averaged over the ``k`` values (AOPC style) and compared with
the same deletions of randomly chosen tokens (seeded): an explanation is useful
only if it beats chance, i.e. higher comprehensiveness and lower sufficiency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from auditkit.explain._encode import EncodedText
from auditkit.explain._engine import EngineSettings, predict_proba
from auditkit.explain._stats import bootstrap_mean
from auditkit.scorecard import Metric

__all__ = ["FaithfulnessReport", "faithfulness", "faithfulness_report", "faithfulness_values"]

_KINDS = ("comprehensiveness", "sufficiency", "random_comprehensiveness", "random_sufficiency")


@dataclass(frozen=True)
class FaithfulnessReport:
    """Comprehensiveness and sufficiency of the explanations and of a random baseline.

    Attributes
    ----------
    k:
        Fractions of tokens removed or kept.
    metrics:
        ``comprehensiveness``, ``sufficiency``, their ``random_`` counterparts, and
        ``comprehensiveness_gain`` (explained minus random) and ``sufficiency_gain``
        (random minus explained): positive gains mean better than chance.
    by_k:
        Mean of each quantity at each ``k``.
    """

    k: tuple[float, ...]
    metrics: dict[str, Metric]
    by_k: dict[str, dict[str, float | None]]

    @property
    def beats_random(self) -> bool | None:
        """True when both gains have a lower interval bound above 0 (``None`` when undefined)."""
        comp, suff = self.metrics["comprehensiveness_gain"], self.metrics["sufficiency_gain"]
        if comp.ci_low is None or suff.ci_low is None:
            return None
        return bool(comp.ci_low > 0 and suff.ci_low > 0)

    def to_dict(self) -> dict[str, Any]:
        """Scorecard section: the metric leaves, ``k``, ``by_k`` and ``beats_random``."""
        out: dict[str, Any] = {name: m.to_dict() for name, m in self.metrics.items()}
        out.update(k=list(self.k), by_k=self.by_k, beats_random=self.beats_random,
                   rule="beats_random: lower 95% bounds of both gains above 0")
        return out


def _variant(enc: EncodedText, chosen: set[int], keep_chosen: bool) -> EncodedText:
    keep = [p for p in range(len(enc.ids)) if enc.special[p] or ((p in chosen) == keep_chosen)]
    return EncodedText(
        ids=tuple(enc.ids[p] for p in keep), special=tuple(enc.special[p] for p in keep),
        word_ids=tuple(None for _ in keep), offsets=tuple((0, 0) for _ in keep), truncated=False,
    )


def faithfulness_values(
    model: nn.Module,
    encoded: Sequence[EncodedText],
    rows: Sequence[int],
    scores: dict[int, np.ndarray],
    targets: np.ndarray,
    probs: np.ndarray,
    *,
    k: Sequence[float],
    settings: EngineSettings,
    pad_id: int,
    seed: int = 0,
    positions: Sequence[int] | None = None,
) -> np.ndarray:
    """Per-example drops ``(len(rows), len(k), 4)``: comprehensiveness, sufficiency and their random twins.

    The random tokens of each example are drawn from a generator seeded by ``(seed,
    position)`` (``positions[r]``, default the row index), so an example gets the same
    draw whether it is explained alone, in a chunk of a stream or on another rank.
    """
    ks = tuple(float(x) for x in k)
    where = list(rows) if positions is None else list(positions)
    variants: list[EncodedText] = []
    for r, i in enumerate(rows):
        rng = np.random.default_rng([seed, int(where[r])])
        enc = encoded[i]
        content = np.array([p for p in range(len(enc.ids)) if not enc.special[p]])
        order = content[np.argsort(-scores[i][content], kind="stable")]
        for frac in ks:
            m = min(len(content), max(1, math.ceil(frac * len(content))))
            top = set(order[:m].tolist())
            rand = set(rng.choice(content, size=m, replace=False).tolist())
            variants += [_variant(enc, top, False), _variant(enc, top, True),
                         _variant(enc, rand, False), _variant(enc, rand, True)]
    new = predict_proba(model, variants, settings, pad_id) if variants else np.zeros((0, probs.shape[1]))
    per = np.zeros((len(rows), len(ks), 4))
    for r, i in enumerate(rows):
        base = probs[i, targets[i]]
        block = new[r * len(ks) * 4:(r + 1) * len(ks) * 4, targets[i]].reshape(len(ks), 4)
        per[r] = base - block
    return per


def faithfulness_report(per: np.ndarray, k: Sequence[float], *, seed: int = 0, n_resamples: int = 1000,
                        confidence: float = 0.95) -> FaithfulnessReport:
    """Bootstrap the per-example drops of :func:`faithfulness_values` into a :class:`FaithfulnessReport`."""
    ks = tuple(float(x) for x in k)
    n = len(per)
    kw = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
    aopc = per.mean(axis=1) if n else np.zeros((0, 4))
    metrics = {name: bootstrap_mean(aopc[:, j], what=name, **kw) for j, name in enumerate(_KINDS)}  # type: ignore[arg-type]
    metrics["comprehensiveness_gain"] = bootstrap_mean(aopc[:, 0] - aopc[:, 2], what="gain", **kw)  # type: ignore[arg-type]
    metrics["sufficiency_gain"] = bootstrap_mean(aopc[:, 3] - aopc[:, 1], what="gain", **kw)  # type: ignore[arg-type]
    by_k = {
        str(frac): {name: (float(per[:, j, c].mean()) if n else None) for c, name in enumerate(_KINDS)}
        for j, frac in enumerate(ks)
    }
    return FaithfulnessReport(ks, metrics, by_k)


def faithfulness(
    model: nn.Module,
    encoded: Sequence[EncodedText],
    rows: Sequence[int],
    scores: dict[int, np.ndarray],
    targets: np.ndarray,
    probs: np.ndarray,
    *,
    k: Sequence[float],
    settings: EngineSettings,
    pad_id: int,
    seed: int = 0,
    n_resamples: int = 1000,
    confidence: float = 0.95,
) -> FaithfulnessReport:
    """Comprehensiveness and sufficiency of ``scores`` for ``rows``, against random tokens.

    Parameters
    ----------
    scores:
        Token attributions per row (full sequence incl. special tokens).
    targets, probs:
        Explained class per row and the original class probabilities.
    k:
        Fractions in (0, 1] of the content tokens to remove or keep (at least one token).
    """
    per = faithfulness_values(model, encoded, rows, scores, targets, probs, k=k, settings=settings,
                              pad_id=pad_id, seed=seed)
    return faithfulness_report(per, k, seed=seed, n_resamples=n_resamples, confidence=confidence)
