"""Evaluation: predictions, performance, fairness with confidence intervals, term swaps, membership inference."""

from auditkit.evaluate._membership import AttackMetrics, MembershipResult, example_losses, membership_inference
from auditkit.evaluate._performance import PerformanceResult, expected_calibration_error, performance
from auditkit.evaluate._predict import Predictions, predict, predict_scores

__all__ = [
    "AttackMetrics",
    "MembershipResult",
    "PerformanceResult",
    "Predictions",
    "example_losses",
    "expected_calibration_error",
    "membership_inference",
    "performance",
    "predict",
    "predict_scores",
]
