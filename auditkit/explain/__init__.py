"""Explanations at dataset scale: Captum attributions, faithfulness and token reliance.

``explain()`` attributes a classifier's predictions for many texts at once
(batched, memory-aware, on CUDA when present), merges word-pieces into words,
measures how much of each explanation rests on identity terms (sensitive-token
reliance, per group with bootstrap intervals) and whether the explanations beat
a random baseline (ERASER comprehensiveness and sufficiency). Attribution
methods are :class:`Explainer` subclasses registered by name.
"""

from auditkit.explain._explain import explain
from auditkit.explain._guard import ModelState, model_guard, model_state
from auditkit.explain._methods import AttributionBatch, Explainer, ExplainerRegistry, default_registry
from auditkit.explain._reliance import DEFAULT_IDENTITY_TERMS, example_reliance
from auditkit.explain._result import ExampleAttribution, ExplanationResult, ExplanationSummary
from auditkit.explain._stream import ExampleChunk, explain_stream
from auditkit.explain._stats import bootstrap_mean
from auditkit.scorecard import Metric

__all__ = [
    "AttributionBatch",
    "DEFAULT_IDENTITY_TERMS",
    "ExampleAttribution",
    "ExampleChunk",
    "Explainer",
    "ExplainerRegistry",
    "ExplanationResult",
    "ExplanationSummary",
    "ModelState",
    "bootstrap_mean",
    "default_registry",
    "example_reliance",
    "explain",
    "explain_stream",
    "model_guard",
    "model_state",
]
