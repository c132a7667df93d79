"""Difference gaps: Newcombe-Bonferroni intervals with near-nominal coverage, and minimum detectable gaps.

The simulation design: every example is positive, so a group's TPR is its
predicted-positive rate. Group ``a`` has TPR 0.75; group ``b`` has 0.75 (true gap
0.00) or 0.55 (true gap 0.20), with n = 60, 600 and 6,000 per group. Against a
threshold t = 0.10 a true gap of 0 should PASS and 0.20 should FAIL once the data
are large enough, and at n = 60 the honest answer is INCONCLUSIVE.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from auditkit.evaluate._bootstrap import count_chunks, percentile_interval
from auditkit.evaluate._fairness import assess
from auditkit.evaluate._fairness_stats import GroupDesign, gap_arrays
from auditkit.evaluate._gap_interval import (
    absolute_interval,
    gap_interval,
    minimum_detectable_gap,
    newcombe_difference,
)

LABELS = ["routine", "urgent"]
THRESHOLD = 0.10
BASE_TPR = 0.75
SIZES = (60, 600, 6000)
GAPS = (0.0, 0.2)


def _verdict(low: np.ndarray, high: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Three-valued rule: FAIL when the gap is surely at or above t, PASS when surely below, else INCONCLUSIVE."""
    return np.where(low >= threshold, "FAIL", np.where(high < threshold, "PASS", "INCONCLUSIVE"))


def _simulated_counts(n: int, gap: float, datasets: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """True positives and positives per group for ``datasets`` simulated data sets, shape ``(datasets, 2)``."""
    rng = np.random.default_rng(seed)
    tp = rng.binomial(n, [BASE_TPR, BASE_TPR - gap], size=(datasets, 2))
    return tp, np.full((datasets, 2), n)


def _seed(n: int, gap: float) -> int:
    return 1000 * n + int(round(100 * gap))


def _verdict_counts(n: int, gap: float) -> dict[str, int]:
    low, high = gap_interval(*_simulated_counts(n, gap, 100, _seed(n, gap)), 0.95)
    names, counts = np.unique(_verdict(low, high), return_counts=True)
    return {str(k): int(v) for k, v in zip(names, counts)}


def _modal(counts: dict[str, int]) -> str:
    return max(counts, key=counts.__getitem__)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(60, ("INCONCLUSIVE", "INCONCLUSIVE")), (600, ("PASS", "FAIL")), (6000, ("PASS", "FAIL"))],
)
def test_modal_verdict_for_true_gaps_of_zero_and_twenty_points_follows_the_sample_size(n, expected):
    verdicts = tuple(_modal(_verdict_counts(n, gap)) for gap in GAPS)
    assert verdicts == expected


def test_sixty_per_group_never_passes_a_gap_it_cannot_resolve():
    for gap in GAPS:
        assert "PASS" not in _verdict_counts(60, gap)


@pytest.mark.parametrize("gap", GAPS)
@pytest.mark.parametrize("n", SIZES)
def test_interval_covers_the_true_gap_at_close_to_the_nominal_95_percent(n, gap):
    low, high = gap_interval(*_simulated_counts(n, gap, 200, _seed(n, gap) + 1), 0.95)
    coverage = float(np.mean((low <= gap) & (gap <= high)))
    assert 0.90 <= coverage <= 0.98


def _old_bootstrap_coverage_of_a_zero_gap(n: int, datasets: int, n_boot: int) -> float:
    """Coverage of a true gap of 0 by the percentile bootstrap assess() used before (same machinery)."""
    rng = np.random.default_rng(7)
    codes = np.repeat([0, 1], n)
    positive = np.ones(2 * n, dtype=bool)
    eligible = np.ones(2, dtype=bool)
    covered = 0
    for i in range(datasets):
        design = GroupDesign(codes, 2, positive, rng.random(2 * n) < BASE_TPR, None)
        samples = np.concatenate([
            gap_arrays(design.rates(c), eligible)["equal_opportunity_difference"]
            for c in count_chunks(2 * n, n_boot, seed=i)
        ])
        low, high = percentile_interval(samples, 0.95)
        covered += low <= 0.0 <= high
    return covered / datasets


def test_old_percentile_bootstrap_of_the_max_minus_min_gap_fails_the_coverage_check_for_a_zero_gap():
    assert _old_bootstrap_coverage_of_a_zero_gap(60, datasets=200, n_boot=1000) < 0.90
    assert _old_bootstrap_coverage_of_a_zero_gap(600, datasets=40, n_boot=400) < 0.90


def test_newcombe_interval_reproduces_the_published_worked_example():
    # Newcombe (1998), Statistics in Medicine 17:873, Table II example (a): 56/70 - 48/80, method 10.
    low, high = newcombe_difference(56, 70, 48, 80, float(norm.ppf(0.975)))
    assert (round(float(low), 4), round(float(high), 4)) == (0.0524, 0.3339)


def test_two_group_gap_interval_is_the_newcombe_interval_of_the_absolute_difference():
    low, high = gap_interval(np.array([48, 56]), np.array([80, 70]), 0.95)
    assert (float(low), float(high)) == pytest.approx((0.0524, 0.3339), abs=5e-5)


def test_absolute_interval_starts_at_zero_exactly_when_the_signed_interval_contains_zero():
    low, high = absolute_interval(np.array([-0.1, 0.05, -0.3]), np.array([0.2, 0.15, -0.1]))
    assert low.tolist() == [0.0, 0.05, 0.1]
    assert high.tolist() == [0.2, 0.15, 0.3]


def test_more_groups_widen_the_interval_by_a_bonferroni_adjustment_over_the_pairs():
    tp, pos = np.array([450, 450, 450]), np.array([600, 600, 600])
    two = gap_interval(tp[:2], pos[:2], 0.95)
    three = gap_interval(tp, pos, 0.95)
    z3 = float(norm.ppf(1 - 0.05 / 3 / 2))
    assert float(three[1]) == pytest.approx(float(newcombe_difference(450, 600, 450, 600, z3)[1]))
    assert float(three[1]) > float(two[1])


def test_a_group_without_trials_leaves_the_gap_interval_and_mdg_undefined():
    low, high = gap_interval(np.array([3, 0]), np.array([10, 0]))
    assert np.isnan(low) and np.isnan(high)
    assert np.isnan(minimum_detectable_gap(np.array([3, 0]), np.array([10, 0])))


def test_mdg_matches_a_hand_computation_for_the_two_smallest_groups_and_the_pooled_rate():
    tp, pos = np.array([450, 420, 900]), np.array([600, 600, 1500])
    pooled = (450 + 420 + 900) / (600 + 600 + 1500)
    z = float(norm.ppf(1 - 0.05 / 3 / 2)) + float(norm.ppf(0.8))
    expected = z * math.sqrt(pooled * (1 - pooled) * (1 / 600 + 1 / 600))
    assert float(minimum_detectable_gap(tp, pos, 0.95)) == pytest.approx(expected)


def test_mdg_clips_a_degenerate_pooled_rate_to_five_percent():
    z = float(norm.ppf(0.975)) + float(norm.ppf(0.8))
    expected = z * math.sqrt(0.05 * 0.95 * (2 / 600))
    assert float(minimum_detectable_gap(np.array([0, 0]), np.array([600, 600]))) == pytest.approx(expected)


def test_mdg_for_the_simulation_design_is_about_twenty_two_seven_and_two_points():
    figures = [float(minimum_detectable_gap(np.array([0.75 * n, 0.75 * n]), np.array([n, n]))) for n in SIZES]
    assert [round(f, 3) for f in figures] == [0.221, 0.070, 0.022]


def _two_group_data(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = np.repeat(["a", "b"], n)
    y = rng.integers(0, 2, 2 * n)
    pred = np.where(rng.random(2 * n) < np.where(group == "a", 0.7, 0.6), y, 1 - y)
    return {"y": y, "pred": pred, "group": group}


def _gaps(data: dict[str, np.ndarray], **kw):
    res = assess(data["y"], data["pred"], sensitive_features={"g": data["group"]}, labels=LABELS, **kw)
    return res.attributes["g"].gaps


def test_assess_difference_gaps_carry_the_newcombe_interval_mdg_and_eligible_n():
    data = _two_group_data(300)
    gaps = _gaps(data, n_boot=50)
    a, b = data["group"] == "a", data["group"] == "b"
    tp = np.array([((data["y"] == 1) & (data["pred"] == 1) & m).sum() for m in (a, b)])
    pos = np.array([((data["y"] == 1) & m).sum() for m in (a, b)])
    low, high = gap_interval(tp, pos, 0.95)
    eo = gaps["equal_opportunity_difference"]
    assert (eo.ci_low, eo.ci_high) == pytest.approx((float(low), float(high)))
    assert eo.mdg == pytest.approx(float(minimum_detectable_gap(tp, pos, 0.95)))
    for name in ("demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference"):
        assert gaps[name].n == 600 and gaps[name].mdg is not None
        assert gaps[name].ci_low <= gaps[name].value <= gaps[name].ci_high
    for name in ("demographic_parity_ratio", "four_fifths_ratio"):
        assert gaps[name].mdg is None and gaps[name].ci_low is not None


def test_assess_mdg_shrinks_as_the_groups_grow():
    small = _gaps(_two_group_data(100), n_boot=0)
    large = _gaps(_two_group_data(1000), n_boot=0)
    for name in ("demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference"):
        assert large[name].mdg < small[name].mdg


def test_assess_gap_interval_respects_the_confidence_and_n_boot_zero_keeps_only_the_mdg():
    data = _two_group_data(300)
    narrow = _gaps(data, n_boot=20, confidence=0.80)["equal_opportunity_difference"]
    wide = _gaps(data, n_boot=20, confidence=0.99)["equal_opportunity_difference"]
    assert wide.ci_high - wide.ci_low > narrow.ci_high - narrow.ci_low
    assert wide.mdg > narrow.mdg
    off = _gaps(data, n_boot=0)["equal_opportunity_difference"]
    assert off.ci_low is None and off.ci_high is None and off.mdg is not None
