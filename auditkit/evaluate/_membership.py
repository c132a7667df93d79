"""Membership inference: does the model treat its training examples differently?

A model that memorises its training data gives its training examples ("members")
a lower loss than examples it never saw. The *loss-threshold attack* scores each
example by its negative loss; the *calibrated attack* first expresses each loss
as a z-score against the held-out losses of the same class, which removes the
part of the signal that is only "this class is easy". Each attack is summarised
by its ROC AUC (0.5 = the attacker cannot tell members from non-members, i.e. no
measurable leakage; 1.0 = perfect membership inference) and its true-positive
rate at a 1% false-positive rate (how many members an attacker identifies while
rarely accusing a non-member), overall and per group, with bootstrap intervals
that resample members and non-members separately.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from auditkit.exceptions import DataError

__all__ = [
    "AttackMetrics",
    "MembershipResult",
    "example_losses",
    "membership_inference",
]

Attack = Literal["loss", "calibrated"]
_MIN_PER_SIDE = 5
_FPR = 0.01
EXPLANATION = (
    "Membership inference asks whether an attacker holding the model can tell training examples from "
    "unseen ones by their loss. ROC AUC 0.5 means no measurable membership leakage; values towards 1.0 "
    "mean the model memorised its training examples (an interval whose upper end stays near 0.5 is the "
    "reassuring result). TPR at 1% FPR is the share of training examples an attacker identifies while "
    "wrongly flagging only 1% of unseen ones; near 0.01 is chance. The calibrated attack compares each "
    "loss with held-out losses of the same class."
)


@dataclass(frozen=True)
class AttackMetrics:
    """Figures of one attack on one set of examples (metric leaves for the scorecard).

    Attributes
    ----------
    auc, tpr_at_1pct_fpr:
        ``{"value", "ci_low", "ci_high", "reason"}`` dictionaries; ``value`` is
        ``None`` (with a reason) when too few members or non-members exist.
    n_members, n_nonmembers:
        Example counts behind the figures.
    """

    auc: dict[str, Any]
    tpr_at_1pct_fpr: dict[str, Any]
    n_members: int
    n_nonmembers: int


@dataclass(frozen=True)
class MembershipResult:
    """Membership-inference figures, overall and per group.

    Attributes
    ----------
    attacks:
        ``{"loss": AttackMetrics, "calibrated": AttackMetrics}`` over all examples.
    per_group:
        ``{attribute: {group: {"loss": AttackMetrics, "calibrated": AttackMetrics}}}``.
    confidence, n_boot:
        Bootstrap settings behind the intervals.
    explanation:
        What the numbers mean, for the report.
    """

    attacks: dict[str, AttackMetrics]
    per_group: dict[str, dict[str, dict[str, AttackMetrics]]] = field(default_factory=dict)
    confidence: float = 0.95
    n_boot: int = 1000
    explanation: str = EXPLANATION

    @property
    def auc(self) -> dict[str, Any]:
        """Metric leaf of the loss attack's AUC (the headline figure)."""
        return self.attacks["loss"].auc

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (aggregates only, no examples)."""
        return asdict(self)


def _leaf(value: float | None, interval: tuple[float | None, float | None], reason: str | None) -> dict[str, Any]:
    return {"value": value, "ci_low": interval[0], "ci_high": interval[1], "reason": reason}


def _auc(members: np.ndarray, nonmembers: np.ndarray) -> float:
    ordered = np.sort(nonmembers)
    below = np.searchsorted(ordered, members, side="left")
    below_or_equal = np.searchsorted(ordered, members, side="right")
    return float((below.sum() + below_or_equal.sum()) / 2.0 / (members.size * nonmembers.size))


def _tpr_at_fpr(members: np.ndarray, nonmembers: np.ndarray, fpr: float = _FPR) -> float:
    ordered = np.sort(nonmembers)[::-1]
    k = int(np.floor(fpr * ordered.size))
    threshold = ordered[min(k, ordered.size - 1)]
    return float(np.mean(members > threshold))


def _percentile(samples: list[float], confidence: float) -> tuple[float | None, float | None]:
    if not samples:
        return None, None
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(np.asarray(samples), [alpha, 1.0 - alpha])
    return float(low), float(high)


def _attack_metrics(
    members: np.ndarray, nonmembers: np.ndarray, *, n_boot: int, confidence: float, rng: np.random.Generator
) -> AttackMetrics:
    n1, n0 = int(members.size), int(nonmembers.size)
    if min(n1, n0) < _MIN_PER_SIDE:
        reason = f"needs at least {_MIN_PER_SIDE} members and non-members, got {n1} and {n0}"
        return AttackMetrics(_leaf(None, (None, None), reason), _leaf(None, (None, None), reason), n1, n0)
    aucs: list[float] = []
    tprs: list[float] = []
    for _ in range(n_boot):
        m = members[rng.integers(0, n1, n1)]
        h = nonmembers[rng.integers(0, n0, n0)]
        aucs.append(_auc(m, h))
        tprs.append(_tpr_at_fpr(m, h))
    tpr_reason = None
    if n0 < int(1 / _FPR):
        tpr_reason = f"only {n0} non-members: measured at 0 false positives (1% FPR needs at least 100)"
    return AttackMetrics(
        _leaf(_auc(members, nonmembers), _percentile(aucs, confidence), None),
        _leaf(_tpr_at_fpr(members, nonmembers), _percentile(tprs, confidence), tpr_reason),
        n1,
        n0,
    )


def _calibrated_scores(
    train_losses: np.ndarray, holdout_losses: np.ndarray, labels_train: np.ndarray, labels_holdout: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Negative z-score of each loss against the held-out losses of the same class."""
    train_scores = np.empty_like(train_losses)
    holdout_scores = np.empty_like(holdout_losses)
    overall_mean, overall_std = holdout_losses.mean(), holdout_losses.std() + 1e-12
    for label in np.unique(np.concatenate([labels_train, labels_holdout])):
        reference = holdout_losses[labels_holdout == label]
        mean, std = (reference.mean(), reference.std() + 1e-12) if reference.size >= 2 else (overall_mean, overall_std)
        train_scores[labels_train == label] = -(train_losses[labels_train == label] - mean) / std
        holdout_scores[labels_holdout == label] = -(holdout_losses[labels_holdout == label] - mean) / std
    return train_scores, holdout_scores


def _as_float_array(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(array)):
        bad = int((~np.isfinite(array)).sum())
        raise DataError(f"{name} has {bad} non-finite value(s); expected finite per-example losses")
    return array


def _check_groups(groups: Mapping[str, Any] | None, n: int, name: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for attr, values in (groups or {}).items():
        array = np.asarray(values, dtype=object).reshape(-1)
        if array.size != n:
            raise DataError(f"{name}[{attr!r}] has {array.size} entries; expected {n} (one per example)")
        missing = sum(v is None or (isinstance(v, float) and np.isnan(v)) for v in array)
        if missing:
            raise DataError(f"{name}[{attr!r}] has {missing} missing value(s); drop or impute them first")
        out[attr] = array.astype(str)
    return out


def membership_inference(
    train_losses: Sequence[float] | np.ndarray,
    holdout_losses: Sequence[float] | np.ndarray,
    *,
    labels_train: Sequence[int] | np.ndarray | None = None,
    labels_holdout: Sequence[int] | np.ndarray | None = None,
    groups_train: Mapping[str, Sequence[Any] | np.ndarray] | None = None,
    groups_holdout: Mapping[str, Sequence[Any] | np.ndarray] | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> MembershipResult:
    """Run the loss-threshold and calibrated membership attacks.

    Parameters
    ----------
    train_losses, holdout_losses:
        Per-example losses of training examples (members) and of held-out examples (non-members).
    labels_train, labels_holdout:
        Class ids, used to calibrate each loss against held-out losses of its class
        (without them the calibrated attack uses all held-out losses).
    groups_train, groups_holdout:
        ``{attribute: group value per example}`` for per-group figures.
    n_boot:
        Bootstrap resamples for the intervals (0 = no intervals).
    confidence:
        Interval coverage.
    seed:
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    MembershipResult

    Raises
    ------
    DataError
        On non-finite losses, or labels/groups whose length does not match the losses.
    """
    train = _as_float_array(train_losses, "train_losses")
    holdout = _as_float_array(holdout_losses, "holdout_losses")
    y_train = np.zeros(train.size, dtype=np.int64) if labels_train is None else np.asarray(labels_train).reshape(-1)
    y_hold = np.zeros(holdout.size, dtype=np.int64) if labels_holdout is None else np.asarray(labels_holdout).reshape(-1)
    if y_train.size != train.size or y_hold.size != holdout.size:
        raise DataError(
            f"labels have {y_train.size} train / {y_hold.size} held-out entries; expected {train.size} / {holdout.size}"
        )
    g_train = _check_groups(groups_train, train.size, "groups_train")
    g_hold = _check_groups(groups_holdout, holdout.size, "groups_holdout")
    if set(g_train) != set(g_hold):
        raise DataError("groups_train and groups_holdout name different attributes; give the same attributes for both")
    cal_train, cal_hold = _calibrated_scores(train, holdout, y_train, y_hold)
    scores = {"loss": (-train, -holdout), "calibrated": (cal_train, cal_hold)}
    rng = np.random.default_rng(seed)

    def run(mask_train: np.ndarray, mask_hold: np.ndarray) -> dict[str, AttackMetrics]:
        return {
            name: _attack_metrics(s_t[mask_train], s_h[mask_hold], n_boot=n_boot, confidence=confidence, rng=rng)
            for name, (s_t, s_h) in scores.items()
        }

    attacks = run(np.ones(train.size, bool), np.ones(holdout.size, bool))
    per_group = {
        attr: {
            group: run(g_train[attr] == group, g_hold[attr] == group)
            for group in sorted(set(g_train[attr]) | set(g_hold[attr]))
        }
        for attr in sorted(g_train)
    }
    return MembershipResult(attacks=attacks, per_group=per_group, confidence=confidence, n_boot=n_boot)


def example_losses(
    model_dir: str | os.PathLike[str],
    texts: Sequence[str],
    label_ids: Sequence[int] | np.ndarray,
    *,
    batch_size: int = 32,
    max_length: int = 128,
    device: str = "cpu",
) -> np.ndarray:
    """Per-example cross-entropy of a local (safetensors) classifier, batched, without gradients.

    Parameters
    ----------
    model_dir:
        Model folder (loaded with :func:`auditkit._model_io.load_classifier`).
    texts, label_ids:
        Examples and their class ids (index into the model's labels).
    batch_size, max_length, device:
        Inference settings.

    Returns
    -------
    numpy.ndarray
        float64 losses, one per text.
    """
    import torch
    import torch.nn.functional as F

    from auditkit._model_io import load_classifier, resolve_device

    labels = np.asarray(label_ids, dtype=np.int64).reshape(-1)
    if labels.size != len(texts):
        raise DataError(f"got {len(texts)} texts and {labels.size} labels; expected one label per text")
    model, tokenizer = load_classifier(model_dir, device=resolve_device(device))
    was_training = model.training
    model.eval()
    out: list[np.ndarray] = []
    try:
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                chunk = list(texts[start : start + batch_size])
                enc = tokenizer(chunk, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
                enc = {k: v.to(model.device) for k, v in enc.items()}
                logits = model(**enc).logits.float()
                target = torch.as_tensor(labels[start : start + batch_size], device=logits.device)
                out.append(F.cross_entropy(logits, target, reduction="none").cpu().numpy())
    finally:
        model.train(was_training)
    return np.concatenate(out).astype(np.float64) if out else np.zeros(0)
