"""lbp_spec: the KNGF 2021 low back pain guideline as a formal, executable, verified spec.

The public face only: everything is defined in the modules named for what they
hold and re-exported here.
"""

from __future__ import annotations

from lbp_spec._version import __version__
from lbp_spec.advice import (
    Advice,
    AppliedResolution,
    InterventionAdvice,
    NeurologicalExamination,
    Referral,
    TraceEntry,
    Window,
)
from lbp_spec.case import Case, NeurologicalExam, Sbst
from lbp_spec.contract import (
    CONTRACT_VERSION,
    advice_from_json,
    advice_to_json,
    case_from_json,
    case_to_json,
    load_case,
)
from lbp_spec.errors import InvalidAdviceError, InvalidCaseError, Problem, RuleSetError
from lbp_spec.evaluator import evaluate
from lbp_spec.explain import explain
from lbp_spec.rule import Resolution, Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet

__all__ = [
    "CONTRACT_VERSION",
    "GUIDELINE",
    "Advice",
    "AppliedResolution",
    "Case",
    "InterventionAdvice",
    "InvalidAdviceError",
    "InvalidCaseError",
    "NeurologicalExam",
    "NeurologicalExamination",
    "Problem",
    "Referral",
    "Resolution",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Sbst",
    "TraceEntry",
    "Window",
    "__version__",
    "advice_from_json",
    "advice_to_json",
    "case_from_json",
    "case_to_json",
    "evaluate",
    "explain",
    "load_case",
]
