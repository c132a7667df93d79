"""The scorecard: the one typed contract between the stages and its readers (work in progress)."""

from auditkit.scorecard._metric import Metric, as_metric

__all__ = ["Metric", "as_metric"]
