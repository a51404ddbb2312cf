"""Cases and advices to and from JSON, validating at the edge and naming every problem.

Reading never stops at the first problem: every problem of a document is
collected, each with its field path (``nprs``, ``neurological_exam.mrc_lowest``,
``red_flags[1]``, ``prognostic_factors.fear_of_movement``, ``""`` for the
document), and raised together as one :class:`~lbp_spec.errors.InvalidCaseError`
(:class:`InvalidAdviceError` for an advice). Type, vocabulary and shape checks
are made here; ranges and cross-field contradictions of a case are those of
:class:`~lbp_spec.case.Case` itself, so that Python construction and JSON input
share one validation truth.

Decisions a sender should know (also stated in the JSON Schemas):

* A document must carry ``"contract_version"``. When it names a version this
  package does not read, that is the only problem reported: the other fields
  may mean something else in that version.
* An integer field accepts ``3.0`` as ``3`` (as JSON Schema does); ``true`` is
  never a number. ``NaN`` and ``Infinity`` are not JSON and are rejected.
* :func:`load_case` also rejects duplicate keys in an object, which a parsed
  value can no longer show (and JSON Schema cannot express).
* Output is canonical: every field present, sets in vocabulary order, absent
  optional values as ``null``, a distance always as a float.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Final

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.contract.documents import ADVICE, CASE, SUPPORTED_VERSIONS
from lbp_spec.contract.shape import BAD, Obj, show
from lbp_spec.errors import InvalidAdviceError, InvalidCaseError, Problem

__all__ = [
    "InvalidAdviceError",
    "advice_from_json",
    "advice_to_json",
    "case_from_json",
    "case_to_json",
    "load_advice",
    "load_case",
    "load_cases",
]


def _version_problem(obj: dict[Any, Any]) -> Problem | None:
    version = obj.get("contract_version")
    if isinstance(version, str) and version not in SUPPORTED_VERSIONS:
        return Problem(
            "contract_version",
            f"unsupported contract version {show(version)}; "
            f"this package reads: {', '.join(SUPPORTED_VERSIONS)}",
        )
    return None


def _read(shape: Obj, obj: object) -> tuple[object, list[Problem]]:
    if isinstance(obj, dict):
        unsupported = _version_problem(obj)
        if unsupported is not None:
            return BAD, [unsupported]
    problems: list[Problem] = []
    value = shape.read(obj, problems)
    return value, problems


def case_from_json(obj: object) -> Case:
    """Build a case from a parsed JSON value, validating everything.

    Args:
        obj: The value of ``json.loads`` of a case document.

    Returns:
        The case.

    Raises:
        InvalidCaseError: With every problem of the document, by field path.

    Example:
        >>> case = case_from_json({"contract_version": "2.0", "consultation": "initial",
        ...     "discipline": "physical_therapist", "need_for_assistance": True,
        ...     "lrs": False, "nprs": 4})
        >>> case.nprs
        4

    """
    value, problems = _read(CASE, obj)
    if problems:
        raise InvalidCaseError(problems)
    assert isinstance(value, Case)
    return value


def case_to_json(case: Case) -> dict[str, Any]:
    """The canonical JSON value of ``case`` (every field present, sets in vocabulary order)."""
    out = CASE.dump(case)
    assert isinstance(out, dict)
    return out


def advice_from_json(obj: object) -> Advice:
    """Build an advice from a parsed JSON value (e.g. a vendor's answer), validating everything.

    The informative parts (``trace``, ``resolutions``, each intervention's
    ``rules``) may be absent; every normative field must be present.

    Args:
        obj: The value of ``json.loads`` of an advice document.

    Returns:
        The advice.

    Raises:
        InvalidAdviceError: With every problem of the document, by field path.

    """
    value, problems = _read(ADVICE, obj)
    if problems:
        raise InvalidAdviceError(problems)
    assert isinstance(value, Advice)
    return value


def advice_to_json(advice: Advice) -> dict[str, Any]:
    """The canonical JSON value of ``advice``."""
    out = ADVICE.dump(advice)
    assert isinstance(out, dict)
    return out


# -- text -------------------------------------------------------------------------------


class _StrictJsonError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _StrictJsonError(f"duplicate key {show(key)} in an object")
            seen.add(key)
    return out


def _no_constant(name: str) -> object:
    raise _StrictJsonError(f"{name} is not a JSON number")


_DECODER: Final = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def parse_json(text: str) -> object:
    """Parse strict JSON text: no duplicate keys, no ``NaN``/``Infinity``.

    Raises:
        InvalidCaseError: The text is not JSON, with a problem at ``""`` naming
            the line and column.

    """
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise InvalidCaseError(
            [
                Problem(
                    "",
                    f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}",
                )
            ]
        ) from None
    except _StrictJsonError as error:
        raise InvalidCaseError([Problem("", f"not valid JSON: {error}")]) from None
    except RecursionError:
        raise InvalidCaseError([Problem("", "not valid JSON: nested too deeply")]) from None


def load_case(text: str) -> Case:
    """Parse and validate one case document.

    Raises:
        InvalidCaseError: The text is not JSON (a problem naming line and
            column) or not a valid case (every problem).

    """
    return case_from_json(parse_json(text))


def load_advice(text: str) -> Advice:
    """Parse and validate one advice document.

    Raises:
        InvalidAdviceError: The text is not JSON or not a valid advice.

    """
    try:
        obj = parse_json(text)
    except InvalidCaseError as error:
        raise InvalidAdviceError(error.problems) from None
    return advice_from_json(obj)


def load_cases(lines: Iterable[str] | str) -> Iterator[tuple[int, Case | InvalidCaseError]]:
    """Read cases from JSON Lines, one document per line, keeping going past bad ones.

    Args:
        lines: The text, or its lines (e.g. an open file).

    Yields:
        For each non-blank line, its number (from 1, blank lines counted) and
        the case, or the :class:`~lbp_spec.errors.InvalidCaseError` that names
        its problems.

    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, load_case(line)
        except InvalidCaseError as error:
            yield number, error
