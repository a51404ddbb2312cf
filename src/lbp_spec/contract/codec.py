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
* A number too large to represent (an integer of thousands of digits, ``1e999``)
  is a problem at its field ("far out of range"), like any out-of-range value.
* What one document can cost is bounded (see :data:`LIMITS`): a text longer than
  :data:`MAX_DOCUMENT_BYTES` or nested deeper than :data:`MAX_DEPTH` is rejected
  unread, with one problem at ``""``; of the problems of one document the first
  :data:`MAX_PROBLEMS` are reported, then one more at ``""`` that says how many
  were left out.
* Output is canonical: every field present, sets in vocabulary order, absent
  optional values as ``null``, a distance always as a float.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, Final

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.contract.documents import (
    ADVICE,
    CASE,
    PARTIAL_CASE,
    SUPPORTED_VERSIONS,
    advice_text,
    compact_json,
    plain_case,
)
from lbp_spec.contract.shape import BAD, Obj, OutOfRange, show
from lbp_spec.errors import InvalidAdviceError, InvalidCaseError, Problem
from lbp_spec.partial_case import PartialCase

__all__ = [
    "LIMITS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "MAX_ID_LENGTH",
    "MAX_PROBLEMS",
    "InvalidAdviceError",
    "advice_from_json",
    "advice_to_json",
    "batch_line",
    "batch_line_text",
    "capped",
    "case_from_json",
    "case_id",
    "case_to_json",
    "decode_line",
    "load_advice",
    "load_case",
    "load_cases",
    "load_partial_case",
    "partial_case_from_json",
    "partial_case_to_json",
    "raw_lines",
    "read_lines",
]


MAX_DOCUMENT_BYTES: Final = 1_000_000
"""The longest document read, in bytes of UTF-8 (a case is well under 2,000)."""
MAX_DEPTH: Final = 64
"""The deepest nesting of arrays and objects read (a case nests 3 deep)."""
MAX_PROBLEMS: Final = 100
"""The problems reported for one document; one more problem says how many were left out."""
LIMITS: Final = {
    "max_document_bytes": MAX_DOCUMENT_BYTES,
    "max_depth": MAX_DEPTH,
    "max_problems": MAX_PROBLEMS,
}
"""Every limit on one document, by name (documented in the JSON contract)."""


def capped(problems: list[Problem]) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS` of ``problems``, and one saying how many more there were."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [
        *problems[:MAX_PROBLEMS],
        Problem("", f"and {more} more problem(s), not listed (at most {MAX_PROBLEMS} are)"),
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


MAX_ID_LENGTH: Final = 200
"""The longest ``id`` a case may carry, in characters."""


def _id_problem(obj: dict[Any, Any]) -> Problem | None:
    raw = obj["id"]
    if isinstance(raw, str) and 1 <= len(raw) <= MAX_ID_LENGTH:
        return None
    return Problem(
        "id", f"must be a string of 1 to {MAX_ID_LENGTH} characters (or absent), got {show(raw)}"
    )


def case_id(obj: object) -> str | None:
    """The ``id`` a case document carries, if it is a valid one (informative, echoed back).

    A case may carry an optional top-level ``"id"``: a string of 1 to
    ``MAX_ID_LENGTH`` (200) characters that the sender chooses to recognise its
    answer (a batch echoes it). It is not part of the case: it never changes the advice.
    """
    if isinstance(obj, dict) and "id" in obj and _id_problem(obj) is None:
        raw: str = obj["id"]
        return raw
    return None


def _read(shape: Obj, obj: object) -> tuple[object, list[Problem]]:
    first: list[Problem] = []
    if isinstance(obj, dict):
        unsupported = _version_problem(obj)
        if unsupported is not None:
            return BAD, [unsupported]
        if (shape is CASE or shape is PARTIAL_CASE) and "id" in obj:
            problem = _id_problem(obj)
            if problem is not None:
                first.append(problem)
            obj = {k: v for k, v in obj.items() if k != "id"}
    problems: list[Problem] = []
    value = shape.read(obj, problems)
    return value, capped(first + problems)


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
    plain = plain_case(obj, _id_problem)  # a plain valid document, read once
    if plain is not None:
        return plain
    value, problems = _read(CASE, obj)
    if problems:
        raise InvalidCaseError([_NAMES_UNKNOWNS if p.path == "unknown" else p for p in problems])
    assert isinstance(value, Case)
    return value


_NAMES_UNKNOWNS: Final = Problem(
    "unknown",
    "a complete case names no unknown inputs; read this document as a partial case "
    "(partial_case_from_json, lbp-spec evaluate --partial)",
)


def partial_case_from_json(obj: object) -> PartialCase:
    """Build a partial case (a case document with ``unknown``), validating everything.

    Args:
        obj: The value of ``json.loads`` of a partial case document.

    Returns:
        The partial case.

    Raises:
        InvalidCaseError: With every problem of the document, by field path.

    Example:
        >>> p = partial_case_from_json({"contract_version": "2.0", "consultation": "initial",
        ...     "discipline": "physical_therapist", "need_for_assistance": True,
        ...     "lrs": True, "unknown": ["nprs"]})
        >>> p.unknown
        ('nprs',)

    """
    value, problems = _read(PARTIAL_CASE, obj)
    if problems:
        raise InvalidCaseError(problems)
    assert isinstance(value, PartialCase)
    return value


def load_partial_case(text: str) -> PartialCase:
    """Parse and validate one partial case document.

    Raises:
        InvalidCaseError: The text is not JSON or not a valid partial case.

    """
    return partial_case_from_json(parse_json(text))


def partial_case_to_json(partial: PartialCase) -> dict[str, Any]:
    """The JSON value of a partial case: its known fields and its ``unknown`` list.

    Every known field is present, in the canonical form of :func:`case_to_json`;
    a field named unknown is left out, and so is a finding, set member or factor
    named unknown. :func:`partial_case_from_json` reads it back to ``partial``.
    """
    out: dict[str, Any] = {}
    for field in CASE.fields:
        name = field.name
        if name not in partial.known:
            if name == "contract_version":
                out[name] = field.shape.dump(None)
            continue
        value = partial.known[name]
        shape = field.shape
        if isinstance(shape, Obj):
            if not value:
                out[name] = None
                continue
            out[name] = {
                child.name: child.shape.dump(partial.known[f"{name}.{child.name}"])
                for child in shape.fields
                if f"{name}.{child.name}" in partial.known
            }
        else:
            out[name] = shape.dump(value)
    out["unknown"] = list(partial.unknown)
    return out


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


_INT_DIGITS: Final = 4000
"""Longer integers are not converted (Python refuses beyond 4,300 digits): out of range."""


def _int(text: str) -> object:
    return int(text) if len(text) <= _INT_DIGITS else OutOfRange(text)


def _float(text: str) -> object:
    value = float(text)
    return value if math.isfinite(value) else OutOfRange(text)


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constant,
    parse_int=_int,
    parse_float=_float,
)


def _not_json(message: str) -> InvalidCaseError:
    return InvalidCaseError([Problem("", f"not valid JSON: {message}")])


def _too_deep(value: object) -> bool:
    """Whether ``value`` nests arrays and objects deeper than :data:`MAX_DEPTH`."""
    level: list[object] = [value]
    for _ in range(MAX_DEPTH):
        deeper: list[object] = []
        for item in level:
            if isinstance(item, dict):
                deeper.extend(item.values())
            elif isinstance(item, list):
                deeper.extend(item)
        if not deeper:
            return False
        level = deeper
    return any(isinstance(item, dict | list) for item in level)


def parse_json(text: str) -> object:
    """Parse strict JSON text: no duplicate keys, no ``NaN``/``Infinity``, within the limits.

    A number too large to represent is read as an ``OutOfRange`` marker, which
    every field rejects by name ("far out of range").

    Raises:
        InvalidCaseError: The text is not JSON, with a problem at ``""`` naming
            the line and column; or it is longer than ``MAX_DOCUMENT_BYTES``
            (1,000,000 bytes of UTF-8) or nested deeper than ``MAX_DEPTH`` (64).

    """
    if len(text) > MAX_DOCUMENT_BYTES // 4 and _utf8_size(text) > MAX_DOCUMENT_BYTES:
        raise InvalidCaseError(
            [Problem("", f"the document is longer than {MAX_DOCUMENT_BYTES} bytes; not read")]
        )
    if text.startswith("\ufeff"):
        raise _not_json("the text starts with a byte order mark (U+FEFF); write UTF-8 without it")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise _not_json(f"{error.msg} at line {error.lineno}, column {error.colno}") from None
    except _StrictJsonError as error:
        raise _not_json(str(error)) from None
    except RecursionError:
        raise _not_json(f"nested deeper than {MAX_DEPTH} levels") from None
    # a case has a handful of brackets: only a text with many is walked
    if text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(value):
        raise _not_json(f"nested deeper than {MAX_DEPTH} levels")
    return value


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


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

    Lines end at a line feed only: a carriage return inside a record, or U+2028 in a
    string, is part of its line (as in ``lbp_spec.contract.codec.read_lines``).

    Args:
        lines: The text, or its lines (e.g. an open file).

    Yields:
        For each non-blank line, its number (from 1, blank lines counted) and
        the case, or the :class:`~lbp_spec.errors.InvalidCaseError` that names
        its problems.

    """
    if isinstance(lines, str):
        lines = lines.split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, load_case(line)
        except InvalidCaseError as error:
            yield number, error


def batch_line(
    number: int, record_id: str | None, result: Advice | InvalidCaseError
) -> dict[str, Any]:
    """One line of batch output: the answer to input line ``number``, in place.

    ``{"line": N, "id": ID, "advice": {...}}`` for a valid record, or
    ``{"line": N, "id": ID, "error": {"problems": [{"path": ..., "message": ...}]}}``
    for an invalid one; ``id`` is the record's own ``id`` (``null`` when it has
    none or it cannot be read). Described by the ``batch`` JSON Schema.
    """
    if isinstance(result, InvalidCaseError):
        problems = [{"path": p.path, "message": p.message} for p in result.problems]
        return {"line": number, "id": record_id, "error": {"problems": problems}}
    return {"line": number, "id": record_id, "advice": advice_to_json(result)}


def batch_line_text(number: int, record_id: str | None, result: Advice | InvalidCaseError) -> str:
    """:func:`batch_line` as compact JSON text (no line feed), as ``json.dumps`` writes it.

    ``json.dumps(batch_line(...), ensure_ascii=False, separators=(",", ":"))``,
    written faster for an advice (see :func:`~lbp_spec.contract.documents.advice_text`).
    """
    if isinstance(result, InvalidCaseError):
        return compact_json(batch_line(number, record_id, result))
    return f'{{"line":{number},"id":{compact_json(record_id)},"advice":{advice_text(result)}}}'


class _Reader:
    """Reads lines of at most a bounded size from a binary stream (see :func:`read_lines`)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._readline = stream.readline

    def next(self) -> bytes | int | None:
        """The next line (with its line feed), its size if too long, ``None`` at the end."""
        line: bytes = self._readline(MAX_DOCUMENT_BYTES + 2)
        if not line:
            return None
        if len(line) <= MAX_DOCUMENT_BYTES + 1 or line.endswith(b"\n"):
            return line
        size = len(line)
        while not line.endswith(b"\n"):  # skip the rest of the line, a chunk at a time
            line = self._readline(1 << 16)
            if not line:
                break
            size += len(line)
        return size


def decode_line(raw: bytes | int) -> str | InvalidCaseError:
    """The text of one line read by :class:`_Reader`, or why it cannot be read."""
    if isinstance(raw, int):
        return InvalidCaseError(
            [Problem("", f"longer than {MAX_DOCUMENT_BYTES} bytes (at least {raw}); not read")]
        )
    if raw.endswith(b"\n"):  # the line feed ends the line; it is not part of the document
        raw = raw[:-1]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return InvalidCaseError(
            [Problem("", f"not UTF-8 text: byte {error.start + 1} of the line ({error.reason})")]
        )


def raw_lines(stream: BinaryIO) -> Iterator[bytes | int]:
    """Every line of ``stream``, split at line feeds only, bounded (see :func:`read_lines`)."""
    reader = _Reader(stream)
    while (line := reader.next()) is not None:
        yield line


def read_lines(stream: BinaryIO) -> Iterator[tuple[int, str | InvalidCaseError]]:
    """The non-blank lines of JSON Lines bytes, numbered, each decoded on its own.

    The one reader of JSON Lines, for a file and for standard input alike: lines
    end at a line feed (byte 10) only (a carriage return or U+2028 inside a record does not
    end it); each line is decoded as UTF-8 on its own, so a line that is not
    UTF-8 is an error for that line only; a line longer than
    :data:`MAX_DOCUMENT_BYTES` is skipped unread (memory stays bounded) and is an
    error for that line.

    Yields:
        ``(number, text)`` per non-blank line (numbers from 1, blank lines
        counted), or ``(number, error)`` for a line that cannot be read.

    """
    for number, raw in enumerate(raw_lines(stream), start=1):
        if isinstance(raw, bytes) and not raw.strip():
            continue
        yield number, decode_line(raw)
