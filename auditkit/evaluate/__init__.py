"""Evaluation: predictions, performance, fairness with confidence intervals, term swaps, membership inference."""

from auditkit.evaluate._performance import PerformanceResult, expected_calibration_error, performance
from auditkit.evaluate._predict import Predictions, predict, predict_scores

__all__ = [
    "PerformanceResult",
    "Predictions",
    "expected_calibration_error",
    "performance",
    "predict",
    "predict_scores",
]
