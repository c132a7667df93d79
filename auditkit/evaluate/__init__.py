"""Evaluation: predictions, performance, fairness with confidence intervals, term swaps, membership inference."""

from auditkit.evaluate._bias_auc import bias_aucs
from auditkit.evaluate._fairness import assess
from auditkit.evaluate._fairness_result import AttributeResult, FairnessResult, GroupResult
from auditkit.evaluate._identity_groups import identity_groups
from auditkit.evaluate._identity_terms import TermAuditResult, assess_identity_terms
from auditkit.evaluate._lexicon import IdentityLexicon, load_lexicon, term_membership
from auditkit.evaluate._membership import AttackMetrics, MembershipResult, example_losses, membership_inference
from auditkit.evaluate._performance import PerformanceResult, expected_calibration_error, performance
from auditkit.evaluate._postprocess import threshold_optimize
from auditkit.evaluate._predict import Predictions, predict, predict_scores
from auditkit.evaluate._probe import Template, load_templates, probe
from auditkit.evaluate._term_swap import DEFAULT_PAIRS, PairSwapResult, TermSwapResult, swap_terms, term_swap

__all__ = [
    "DEFAULT_PAIRS",
    "AttackMetrics",
    "AttributeResult",
    "FairnessResult",
    "GroupResult",
    "IdentityLexicon",
    "MembershipResult",
    "PairSwapResult",
    "PerformanceResult",
    "Predictions",
    "Template",
    "TermAuditResult",
    "TermSwapResult",
    "assess",
    "assess_identity_terms",
    "bias_aucs",
    "example_losses",
    "expected_calibration_error",
    "identity_groups",
    "load_lexicon",
    "load_templates",
    "membership_inference",
    "performance",
    "predict",
    "predict_scores",
    "probe",
    "swap_terms",
    "term_membership",
    "term_swap",
    "threshold_optimize",
]
