"""Partial cases in JSON Lines: one answer per record, in place, as the ordinary batch does.

``lbp-spec evaluate --partial`` on JSON Lines answers each non-blank input line
with one compact output line, in input order: ``{"line": N, "id": ID,
"partial_advice": {...}}``, where the partial advice is the very document the
command prints for that case alone (:func:`~lbp_spec.partial.report.partial_json`),
or, in place of an invalid record, ``{"line": N, "id": ID, "error": {"problems":
[...]}}``, the error envelope of the ordinary batch
(:func:`lbp_spec.contract.batch_line`), with the same problems, worded and
placed as for a single document. :func:`partial_batch_schema` describes one line.

Lines are read by the contract's one JSON Lines reader (too long, not UTF-8 and
blank lines are handled there). A record may carry an ``id``, as every case
document may (:func:`lbp_spec.contract.case_id`): echoed, never changing the
answer, and ``null`` when it has none or it cannot be read.

What one record can cost is bounded: the document limits of the contract bound
what is read, and every solver question has a time limit (a question not
answered in time leaves its field ``undecided``), so one hostile record cannot
keep the others from their answers.
"""

from __future__ import annotations

from typing import Any, Final

from lbp_spec.contract import batch_schema, case_id, parse_json, partial_case_from_json
from lbp_spec.contract.codec import batch_line, decode_line
from lbp_spec.contract.documents import compact_json
from lbp_spec.errors import InvalidCaseError
from lbp_spec.partial.answer import PartialAdvice, Status
from lbp_spec.partial.engine import DEFAULT_TIMEOUT_MS, evaluate_partial
from lbp_spec.partial.report import PARTIAL_ADVICE_VERSION, partial_advice_schema, partial_json
from lbp_spec.partial_case import PartialCase

__all__ = [
    "PARTIAL_BATCH",
    "answer_record",
    "partial_batch_line",
    "partial_batch_line_text",
    "partial_batch_schema",
    "partial_record",
    "undecided",
]

PARTIAL_BATCH: Final = "partial_batch"
"""The name of the schema of one line of partial batch output (``lbp-spec schema``)."""


def partial_record(raw: bytes | int) -> tuple[str | None, PartialCase | InvalidCaseError]:
    """The id and the partial case of one input line, or its id (if readable) and its problems.

    Args:
        raw: One line as ``lbp_spec.contract.codec.raw_lines`` reads it (its
            bytes, or its size when it is too long to read).

    """
    text = decode_line(raw)
    if isinstance(text, InvalidCaseError):
        return None, text
    try:
        obj = parse_json(text)
    except InvalidCaseError as error:
        return None, error
    try:
        return case_id(obj), partial_case_from_json(obj)
    except InvalidCaseError as error:
        return case_id(obj), error


def answer_record(
    raw: bytes | int, *, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> tuple[str | None, PartialAdvice | InvalidCaseError]:
    """The id and the partial answer of one input line, or its id and its problems.

    A partial case whose known values no valid case completes is invalid, as it
    is alone (:func:`~lbp_spec.evaluate_partial` says why).

    Args:
        raw: One line, as for :func:`partial_record`.
        timeout_ms: Solver time limit per question.

    """
    record_id, partial = partial_record(raw)
    if isinstance(partial, InvalidCaseError):
        return record_id, partial
    try:
        return record_id, evaluate_partial(partial, timeout_ms=timeout_ms)
    except InvalidCaseError as error:
        return record_id, error


def undecided(answer: PartialAdvice) -> bool:
    """Whether the solver left some advice field of ``answer`` undecided."""
    return any(f.status is Status.UNDECIDED for f in answer.fields)


def partial_batch_line(
    number: int, record_id: str | None, result: PartialAdvice | InvalidCaseError
) -> dict[str, Any]:
    """One line of partial batch output: the answer to input line ``number``, in place.

    ``{"line": N, "id": ID, "partial_advice": {...}}`` for a valid record (the
    document of :func:`~lbp_spec.partial.report.partial_json`), or the ordinary
    batch's ``{"line": N, "id": ID, "error": {"problems": [...]}}``. Described by
    :func:`partial_batch_schema`.
    """
    if isinstance(result, InvalidCaseError):
        return batch_line(number, record_id, result)
    return {"line": number, "id": record_id, "partial_advice": partial_json(result)}


def partial_batch_line_text(
    number: int, record_id: str | None, result: PartialAdvice | InvalidCaseError
) -> str:
    """:func:`partial_batch_line` as compact JSON text (no line feed)."""
    text: str = compact_json(partial_batch_line(number, record_id, result))
    return text


def partial_batch_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line of partial batch output."""
    ordinary = batch_schema()
    advice = {
        k: v for k, v in partial_advice_schema().items() if k not in ("$schema", "$id", "title")
    }
    properties = ordinary["properties"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:lbp-spec:partial-batch:{PARTIAL_ADVICE_VERSION}",
        "title": "lbp_spec partial batch answer line (KNGF 2021 low back pain guideline)",
        "description": (
            "One line of the output of 'lbp-spec evaluate --partial' on JSON Lines: the "
            "answer to one non-blank input line (a partial case), in input order, so that N "
            "records in give N lines out. Exactly one of partial_advice and error is present. "
            "This envelope is a document kind of its own: the partial advice inside is the "
            "document 'evaluate --partial' prints for the case alone, unchanged, with its own "
            f"partial_advice_version ({PARTIAL_ADVICE_VERSION}); the error is that of the "
            "ordinary batch."
        ),
        "type": "object",
        "properties": {
            "line": properties["line"],
            "id": properties["id"],
            "partial_advice": {
                "title": "Partial advice",
                "description": "The partial advice for a valid record.",
                "$ref": "#/$defs/partial_advice",
            },
            "error": properties["error"],
        },
        "required": ["line", "id"],
        "oneOf": [{"required": ["partial_advice"]}, {"required": ["error"]}],
        "additionalProperties": False,
        "$defs": {
            "error": ordinary["$defs"]["error"],
            "partial_advice": advice,
            "problem": ordinary["$defs"]["problem"],
        },
    }
