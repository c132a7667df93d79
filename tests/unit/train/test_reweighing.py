"""Kamiran-Calders reweighing makes group and label independent in the weighted data."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.exceptions import FairnessError
from auditkit.train._reweighing import reweighing_weights


def test_weighted_positive_rate_is_equal_across_groups():
    rng = np.random.default_rng(0)
    groups = rng.choice(["a", "b"], 1000)
    labels = (rng.random(1000) < np.where(groups == "a", 0.6, 0.2)).astype(int)
    w = reweighing_weights(labels, groups)
    rates = [np.average(labels[groups == g], weights=w[groups == g]) for g in ("a", "b")]
    assert rates[0] == pytest.approx(rates[1])
    assert abs(labels[groups == "a"].mean() - labels[groups == "b"].mean()) > 0.2  # unweighted they differ
    assert w.mean() == pytest.approx(1.0)


def test_missing_groups_are_refused_with_a_count():
    with pytest.raises(FairnessError, match="1 missing"):
        reweighing_weights([0, 1], ["a", None])
