"""ThresholdOptimizer baseline and the vectorised bootstrap primitives."""

from __future__ import annotations

import numpy as np
import pytest
from fairlearn.metrics import equal_opportunity_difference
from sklearn.metrics import roc_auc_score

from auditkit.evaluate._bootstrap import count_chunks, weighted_auc
from auditkit.evaluate._postprocess import threshold_optimize
from auditkit.exceptions import FairnessError


def test_threshold_optimizer_shrinks_the_tpr_gap_of_biased_scores():
    rng = np.random.default_rng(0)
    n = 3000
    g = rng.choice(["a", "b"], n)
    y = rng.integers(0, 2, n)
    s = np.clip(0.35 * y + 0.45 * rng.random(n) + 0.2 * (g == "a"), 0, 1)
    before = equal_opportunity_difference(y, (s > 0.5).astype(int), sensitive_features=g)
    adjusted = threshold_optimize(s[:1500], y[:1500], g[:1500], s[1500:], g[1500:], seed=0)
    after = equal_opportunity_difference(y[1500:], adjusted, sensitive_features=g[1500:])
    assert before > 0.2
    assert after < before / 3
    assert set(np.unique(adjusted)) <= {0, 1}


def test_threshold_optimizer_refuses_single_class_fit_data():
    with pytest.raises(FairnessError, match="both label classes"):
        threshold_optimize([0.1, 0.2], [0, 0], ["a", "b"], [0.3], ["a"])


def test_bootstrap_counts_sum_to_n_per_resample_and_are_seeded():
    chunks = list(count_chunks(50, 30, seed=1))
    counts = np.concatenate(chunks)
    assert counts.shape == (30, 50) and (counts.sum(axis=1) == 50).all()
    assert np.array_equal(counts, np.concatenate(list(count_chunks(50, 30, seed=1))))
    assert not np.array_equal(counts, np.concatenate(list(count_chunks(50, 30, seed=2))))


def test_weighted_auc_with_bootstrap_counts_equals_auc_of_the_expanded_sample():
    rng = np.random.default_rng(0)
    s = np.round(rng.random(60), 1)  # ties on purpose
    y = rng.integers(0, 2, 60).astype(bool)
    counts = next(count_chunks(60, 5, seed=3))
    got = weighted_auc(s, y, counts)
    for row, value in zip(counts.astype(int), got):
        idx = np.repeat(np.arange(60), row)
        assert value == pytest.approx(roc_auc_score(y[idx], s[idx]))
