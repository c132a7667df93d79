"""Evaluation: predictions, performance, fairness with confidence intervals, term swaps, membership inference,
perturbation robustness per group, deployment variants, and mitigations side by side."""

from auditkit.evaluate._bias_auc import bias_aucs
from auditkit.evaluate._comparison import comparison_row, threshold_predictions
from auditkit.evaluate._fairness import assess
from auditkit.evaluate._fairness_result import AttributeResult, FairnessResult, GroupResult
from auditkit.evaluate._identity_groups import identity_groups
from auditkit.evaluate._identity_terms import TermAuditResult, assess_identity_terms
from auditkit.evaluate._lexicon import IdentityLexicon, load_lexicon, term_membership
from auditkit.evaluate._membership import AttackMetrics, MembershipResult, example_losses, membership_inference
from auditkit.evaluate._performance import PerformanceResult, expected_calibration_error, performance
from auditkit.evaluate._perturb import PERTURBATIONS, perturb_texts
from auditkit.evaluate._postprocess import threshold_optimize
from auditkit.evaluate._predict import Predictions, predict, predict_scores
from auditkit.evaluate._probe import Template, load_templates, probe
from auditkit.evaluate._robustness import PerturbationResult, RobustnessAttribute, RobustnessResult, assess_robustness
from auditkit.evaluate._term_swap import DEFAULT_PAIRS, PairSwapResult, TermSwapResult, swap_terms, term_swap
from auditkit.evaluate._variant_audit import agreement, gap_increase
from auditkit.evaluate._variants import VARIANTS, build_variant, latency_per_example, safetensors_size

__all__ = [
    "DEFAULT_PAIRS",
    "PERTURBATIONS",
    "VARIANTS",
    "AttackMetrics",
    "AttributeResult",
    "FairnessResult",
    "GroupResult",
    "IdentityLexicon",
    "MembershipResult",
    "PairSwapResult",
    "PerformanceResult",
    "PerturbationResult",
    "Predictions",
    "RobustnessAttribute",
    "RobustnessResult",
    "Template",
    "TermAuditResult",
    "TermSwapResult",
    "agreement",
    "assess",
    "assess_identity_terms",
    "assess_robustness",
    "bias_aucs",
    "build_variant",
    "comparison_row",
    "example_losses",
    "expected_calibration_error",
    "gap_increase",
    "identity_groups",
    "latency_per_example",
    "load_lexicon",
    "load_templates",
    "membership_inference",
    "performance",
    "perturb_texts",
    "predict",
    "predict_scores",
    "probe",
    "safetensors_size",
    "swap_terms",
    "term_membership",
    "term_swap",
    "threshold_optimize",
    "threshold_predictions",
]
