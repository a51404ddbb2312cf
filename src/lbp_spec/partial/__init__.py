"""Advice on incomplete data: what is already certain, and which missing finding matters.

:func:`lbp_spec.evaluate_partial` takes a :class:`~lbp_spec.PartialCase` and proves, with
Z3 on the same encoding the properties are proven on, which advice fields are
*settled* (one value for every valid completion), which are *open* (each value
with a completion that produces it, replayed through the evaluator), and which
the solver left *undecided*; and it ranks the unknown inputs by what knowing
them can change. :func:`~lbp_spec.partial.report.partial_json` and
:func:`~lbp_spec.partial.report.partial_text` render the answer;
:mod:`lbp_spec.partial.batch` answers partial cases in JSON Lines, one line each.

This subpackage imports Z3 (through :mod:`lbp_spec.symbolic`); ``import
lbp_spec`` does not import it until :func:`lbp_spec.evaluate_partial` is used.
"""

from __future__ import annotations

from lbp_spec.partial.answer import (
    FIELDS,
    Ask,
    FieldAnswer,
    PartialAdvice,
    Status,
    Witness,
    field_slot,
    field_value,
)
from lbp_spec.partial.engine import DEFAULT_TIMEOUT_MS, EncodingMismatchError, evaluate_partial
from lbp_spec.partial.report import (
    PARTIAL_ADVICE_VERSION,
    partial_advice_schema,
    partial_json,
    partial_text,
    question,
)

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "FIELDS",
    "PARTIAL_ADVICE_VERSION",
    "Ask",
    "EncodingMismatchError",
    "FieldAnswer",
    "PartialAdvice",
    "Status",
    "Witness",
    "evaluate_partial",
    "field_slot",
    "field_value",
    "partial_advice_schema",
    "partial_json",
    "partial_text",
    "question",
]
