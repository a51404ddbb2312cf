"""lbp_spec: the KNGF 2021 low back pain guideline as a formal, executable, verified spec.

The public face only: everything is defined in the modules named for what they
hold and re-exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    partial_case_from_json,
)
from lbp_spec.errors import InvalidAdviceError, InvalidCaseError, Problem, RuleSetError
from lbp_spec.evaluator import evaluate
from lbp_spec.explain import explain
from lbp_spec.partial_case import PartialCase
from lbp_spec.rule import Resolution, Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet

if TYPE_CHECKING:
    from lbp_spec.partial import evaluate_partial

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
    "PartialCase",
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
    "evaluate_partial",
    "explain",
    "load_case",
    "partial_case_from_json",
]


def __getattr__(name: str) -> object:
    # evaluate_partial reasons with Z3: imported on first use, so that importing
    # lbp_spec (the concrete world) does not import Z3.
    if name == "evaluate_partial":
        from lbp_spec.partial import evaluate_partial

        return evaluate_partial
    raise AttributeError(f"module 'lbp_spec' has no attribute {name!r}")
