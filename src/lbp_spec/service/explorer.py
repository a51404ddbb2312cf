"""The browser page's API: a case document in, its advice and cards out.

A document with an ``unknown`` list (inputs marked "not known" on the page) is
a partial case: the answer is then the cards of
:func:`lbp_spec.service.partial_cards.partial_cards` (the same a CDS Hooks call
gets), the partial-advice document and its text.
"""

from __future__ import annotations

from typing import Any

from lbp_spec.case import Case
from lbp_spec.contract import (
    advice_to_json,
    case_from_json,
    case_to_json,
    partial_case_from_json,
)
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.explain import explain
from lbp_spec.service.cards import advice_cards
from lbp_spec.service.outcome import Issue, ServiceError

__all__ = ["default_document", "evaluate_document"]


def default_document() -> dict[str, Any]:
    """The case document of the default case (the form's starting values)."""
    return case_to_json(Case())


def evaluate_document(document: object) -> dict[str, Any]:
    """The advice, its cards and its explanation for a case document.

    Raises:
        ServiceError: 422 with one issue per problem, its ``expression`` the
            case field path (e.g. ``neurological_exam.mrc_lowest``).

    """
    if isinstance(document, dict) and "unknown" in document:
        return _evaluate_partial_document(document)
    try:
        case = case_from_json(document)
    except InvalidCaseError as error:
        raise ServiceError(
            422, [Issue("invalid", p.message, p.path or None) for p in error.problems]
        ) from None
    advice = evaluate(case)
    document_out = advice_to_json(advice)
    return {
        "advice": document_out,
        "cards": advice_cards(document_out),
        "explanation": explain(advice),
    }


def _evaluate_partial_document(document: dict[str, Any]) -> dict[str, Any]:
    from lbp_spec.partial import partial_json, partial_text
    from lbp_spec.service.partial_cards import advise_partial, partial_cards

    try:
        answer = advise_partial(partial_case_from_json(document))
    except InvalidCaseError as error:
        raise ServiceError(
            422, [Issue("invalid", p.message, p.path or None) for p in error.problems]
        ) from None
    return {
        "partial": partial_json(answer),
        "cards": partial_cards(answer),
        "explanation": partial_text(answer),
    }
