"""Read a vendor's answer (an advice document) fast, and compare its normative part.

Checking a million answers must take seconds, so an answer is not built into an
:class:`~lbp_spec.Advice`: :func:`~lbp_spec.conformance.read_answer` parses the text once,
checks the document against the contract in one pass and reduces it to its
*canonical normative form*, a tuple with one entry per field of
:data:`~lbp_spec.conformance.NORMATIVE_FIELDS` (sets as frozensets,
windows as pairs), which compares with the expected form by ``==``.

The one truth about what a valid advice is stays :func:`lbp_spec.advice_from_json`
(with the strict JSON reading of ``lbp_spec.contract.load_advice``): an
answer the fast path does not accept is read again by it, so that every problem
is named by its field path; a test checks on many broken documents that the
two always agree. Duplicate keys, which a parsed value cannot show, are caught
by counting the keys of the text (and, when in doubt, by parsing it strictly).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any, Final

import attrs

from lbp_spec.conformance.fields import NORMATIVE_FIELDS, FieldKind, NormativeField
from lbp_spec.contract import SUPPORTED_VERSIONS, advice_from_json, advice_to_json, parse_json
from lbp_spec.contract.codec import MAX_DOCUMENT_BYTES
from lbp_spec.errors import InvalidCaseError
from lbp_spec.vocabulary import Intervention, ReferralMode, ReferralTarget, Section, Urgency

__all__ = [
    "AnswerError",
    "Canon",
    "ErrorKind",
    "agrees",
    "agrees_parsed",
    "canonical",
    "differences",
    "read_answer",
    "read_envelope",
    "value_json",
]

Canon = tuple[object, ...]
"""The canonical normative form of an advice: one value per normative field."""


class ErrorKind(enum.Enum):
    """Why a vendor gave no usable answer for a vector."""

    CRASH = "crash"
    """The program ended with an error status, or ended before answering."""
    TIMEOUT = "timeout"
    """The program did not answer within the time limit."""
    INVALID_JSON = "invalid_json"
    """The answer is not (strict) JSON."""
    INVALID_ADVICE = "invalid_advice"
    """The answer is JSON but breaks the advice schema."""
    MISSING = "missing"
    """The answers file has no answer for the vector."""
    DUPLICATE = "duplicate"
    """The answers file answers the vector more than once."""


@attrs.frozen
class AnswerError:
    """A vendor answer that could not be compared.

    Attributes:
        kind: What went wrong.
        message: One line saying what, for people.
        problems: For an invalid advice, each problem as ``path: message``.

    """

    kind: ErrorKind
    message: str
    problems: tuple[str, ...] = ()


class _Invalid(Exception):
    pass


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant)

_INFORMATIVE_KEYS: Final = frozenset({"trace", "resolutions"})
_REQUIRED: Final = frozenset(
    {"contract_version", *(f.path.split(".", 1)[0] for f in NORMATIVE_FIELDS)}
)
_ALLOWED: Final = _REQUIRED | _INFORMATIVE_KEYS
_VERSIONS: Final = frozenset(SUPPORTED_VERSIONS)
_REFERRAL_KEYS: Final = frozenset({"to", "urgency", "mode"})
_MODES: Final = frozenset(m.value for m in ReferralMode)
_TARGETS: Final = frozenset(t.value for t in ReferralTarget)
_URGENCIES: Final = frozenset(u.value for u in Urgency)
_EXAM_KEYS: Final = frozenset({"required", "components", "positive_findings"})
_INTERVENTIONS: Final = frozenset(i.value for i in Intervention)
_INTERVENTION_KEYS: Final = frozenset({"strength", "rules"})
_TRACE_KEYS: Final = frozenset({"rule", "section"})
_SECTIONS: Final = frozenset(s.value for s in Section)
_RESOLUTION_KEYS: Final = frozenset({"resolution", "winner", "loser", "slot"})
_LARGEST: Final = 2**63
"""Beyond this a whole number is far out of range for every field of the contract."""


def _whole(raw: object, low: int) -> int:
    """A whole number of at least ``low`` (``3.0`` reads as 3, ``true`` never does)."""
    kind = type(raw)
    if kind is int:
        value: int = raw  # type: ignore[assignment]
    elif kind is float and raw.is_integer():  # type: ignore[attr-defined]
        value = int(raw)  # type: ignore[call-overload]
    else:
        raise _Invalid
    if value < low or value > _LARGEST:
        raise _Invalid
    return value


def _members(raw: object, vocabulary: frozenset[str]) -> frozenset[str]:
    if type(raw) is not list:
        raise _Invalid
    try:
        found = frozenset(raw)
    except TypeError:  # an unhashable item: not a vocabulary value
        raise _Invalid from None
    if len(found) != len(raw) or not found <= vocabulary:
        raise _Invalid
    return found


def _window(raw: object) -> tuple[int, int | None] | None:
    if raw is None:
        return None
    if type(raw) is not list or len(raw) != 2:
        raise _Invalid
    low = _whole(raw[0], 0)
    high = None if raw[1] is None else _whole(raw[1], 0)
    if high is not None and high < low:
        raise _Invalid
    return (low, high)


def _names(raw: object) -> None:
    """A list of distinct non-empty strings (each intervention's ``rules``)."""
    if type(raw) is not list:
        raise _Invalid
    for item in raw:
        if type(item) is not str or not item:
            raise _Invalid
    if len(set(raw)) != len(raw):
        raise _Invalid


def _records(raw: object, keys: frozenset[str], choices: Mapping[str, frozenset[str]]) -> int:
    """A list of objects with exactly ``keys``, each a non-empty string; returns the key count."""
    if type(raw) is not list:
        raise _Invalid
    for item in raw:
        if type(item) is not dict or item.keys() != keys:
            raise _Invalid
        for key, value in item.items():
            if type(value) is not str or not value:
                raise _Invalid
            allowed = choices.get(key)
            if allowed is not None and value not in allowed:
                raise _Invalid
    return len(raw) * len(keys)


def _plan() -> tuple[tuple[FieldKind, str, str | None, frozenset[str] | None, int], ...]:
    """For each normative field: kind, top-level key, sub-key, vocabulary, lowest number."""
    plan = []
    for f in NORMATIVE_FIELDS:
        head, _, rest = f.path.partition(".")
        sub = rest or None
        if head == "interventions":
            sub = rest.split(".", 1)[0]
        vocabulary = None if f.vocabulary is None else frozenset(m.value for m in f.vocabulary)
        plan.append((f.kind, head, sub, vocabulary, 1))
    return tuple(plan)


_PLAN: Final = _plan()
_PROFILE_HIGH: Final = 3


def _normative(doc: object) -> tuple[Canon, int]:
    """The canonical normative form of ``doc`` and the number of object keys in it.

    Raises:
        _Invalid: ``doc`` is not a valid advice document.

    """
    if type(doc) is not dict:
        raise _Invalid
    keys = doc.keys()
    if not (_REQUIRED <= keys and keys <= _ALLOWED):
        raise _Invalid
    version = doc["contract_version"]
    if type(version) is not str or version not in _VERSIONS:
        raise _Invalid
    count = len(doc)
    exam = doc["neurological_examination"]
    if type(exam) is not dict or exam.keys() != _EXAM_KEYS:
        raise _Invalid
    count += 3
    interventions = doc["interventions"]
    if type(interventions) is not dict or interventions.keys() != _INTERVENTIONS:
        raise _Invalid
    count += len(interventions)
    for advice in interventions.values():
        if type(advice) is not dict or "strength" not in advice:
            raise _Invalid
        count += len(advice)
        if len(advice) > 1:
            if not advice.keys() <= _INTERVENTION_KEYS:
                raise _Invalid
            _names(advice["rules"])
    if "trace" in doc:
        count += _records(doc["trace"], _TRACE_KEYS, {"section": _SECTIONS})
    if "resolutions" in doc:
        count += _records(doc["resolutions"], _RESOLUTION_KEYS, {})
    out: list[object] = []
    append = out.append
    for kind, head, sub, vocabulary, low in _PLAN:
        if kind is FieldKind.SET:
            raw = doc[head] if sub is None else exam[sub]
            append(_members(raw, vocabulary))  # type: ignore[arg-type]
        elif kind is FieldKind.CHOICE:
            value = interventions[sub]["strength"]
            if type(value) is not str or value not in vocabulary:  # type: ignore[operator]
                raise _Invalid
            append(value)
        elif kind is FieldKind.FLAG:
            value = doc[head] if sub is None else exam[sub]
            if value is not True and value is not False:
                raise _Invalid
            append(value)
        elif kind is FieldKind.WINDOW:
            append(_window(doc[head]))
        elif kind is FieldKind.NUMBER:
            raw = doc[head]
            if raw is None:
                append(None)
                continue
            number = _whole(raw, low)
            if head == "profile" and number > _PROFILE_HIGH:
                raise _Invalid
            append(number)
        else:  # REFERRAL
            raw = doc[head]
            if raw is None:
                append(None)
                continue
            if type(raw) is not dict or raw.keys() != _REFERRAL_KEYS:
                raise _Invalid
            to, urgency, mode = raw["to"], raw["urgency"], raw["mode"]
            if type(to) is not str or to not in _TARGETS:
                raise _Invalid
            if type(urgency) is not str or urgency not in _URGENCIES:
                raise _Invalid
            if type(mode) is not str or mode not in _MODES:
                raise _Invalid
            count += 3
            append((to, urgency, mode))
    if exam["required"] is not bool(exam["components"]):
        raise _Invalid
    return tuple(out), count


_SCALAR_FLAGS: Final = ("physiotherapy_indicated", "consult_general_practitioner")
_NUMBERS: Final = ("profile", "session_limit")
_WINDOWS: Final = ("recheck_after_days", "reevaluation_after_weeks", "lrs_evaluation_after_weeks")
_SETS: Final = tuple(
    f.path for f in NORMATIVE_FIELDS if f.kind is FieldKind.SET and "." not in f.path
)


def _same(doc: object, expected: dict[str, Any]) -> int:
    """Count the object keys of ``doc`` if it agrees with ``expected`` as written; else -1.

    Agreeing as written: a valid advice document whose normative fields are exactly
    those of ``expected``, sets in the same order. Otherwise ``_normative``
    decides. ``expected`` is a valid normative document, so a field equal to it is valid
    too, provided that no ``true`` passes for ``1`` (Python's ``True == 1``).
    """
    if type(doc) is not dict:
        return -1
    keys = doc.keys()
    if not (_REQUIRED <= keys and keys <= _ALLOWED):
        return -1
    version = doc["contract_version"]
    if type(version) is not str or version not in _VERSIONS:
        return -1
    for name in _SCALAR_FLAGS:
        if doc[name] is not expected[name]:
            return -1
    for name in _NUMBERS:
        value = doc[name]
        if value != expected[name] or type(value) is bool:
            return -1
    for name in _WINDOWS:
        value = doc[name]
        if value != expected[name]:
            return -1
        if value is not None and (type(value[0]) is bool or type(value[1]) is bool):
            return -1
    for name in _SETS:
        if doc[name] != expected[name]:
            return -1
    referral = doc["referral"]
    if referral != expected["referral"]:
        return -1
    exam, want = doc["neurological_examination"], expected["neurological_examination"]
    if exam != want or exam["required"] is not want["required"]:
        return -1
    interventions = doc["interventions"]
    if type(interventions) is not dict or interventions.keys() != _INTERVENTIONS:
        return -1
    count = len(doc) + 3 + len(interventions) + (0 if referral is None else len(_REFERRAL_KEYS))
    for name, advice in interventions.items():
        if (
            type(advice) is not dict
            or advice.get("strength") != expected["interventions"][name]["strength"]
        ):
            return -1
        count += len(advice)
        if len(advice) > 1:
            if not advice.keys() <= _INTERVENTION_KEYS:
                return -1
            try:
                _names(advice["rules"])
            except _Invalid:
                return -1
    try:
        if "trace" in doc:
            count += _records(doc["trace"], _TRACE_KEYS, {"section": _SECTIONS})
        if "resolutions" in doc:
            count += _records(doc["resolutions"], _RESOLUTION_KEYS, {})
    except _Invalid:
        return -1
    return count


def agrees(text: str, expected: dict[str, Any]) -> Canon | AnswerError | None:
    """Compare one answer with the expected normative advice.

    Args:
        text: The advice document as the vendor wrote it.
        expected: The expected normative advice (a valid advice document).

    Returns:
        ``None`` when the answer is valid and agrees on every normative field;
        otherwise its canonical normative form (to compare field by field) or
        the :class:`~lbp_spec.conformance.AnswerError` that says why it cannot be compared.

    """
    if _too_long(text):
        return _strict_problem(text)
    try:
        doc = _DECODER.decode(text)
    except (ValueError, RecursionError):
        return _refused(text)
    return agrees_parsed(text, doc, expected, 0)


def agrees_parsed(
    text: str, doc: object, expected: dict[str, Any], extra_keys: int
) -> Canon | AnswerError | None:
    """:func:`agrees` on an answer already parsed from ``text``.

    Args:
        text: The line the answer was parsed from.
        doc: The parsed advice document.
        expected: The expected normative advice.
        extra_keys: Object keys of ``text`` outside ``doc`` (an envelope's).

    """
    if _too_long(text):
        return _strict_problem(text)
    keys = _same(doc, expected)
    if keys < 0:
        return _judge(text, doc, extra_keys)
    if _keys_counted(text, keys + extra_keys):
        return None
    return _duplicate_problem(text)


def canonical(doc: object) -> Canon:
    """The canonical normative form of a valid advice document.

    Args:
        doc: A parsed advice document.

    Returns:
        One value per normative field (sets as frozensets, windows as pairs).

    Raises:
        ValueError: ``doc`` is not a valid advice document.

    """
    try:
        return _normative(doc)[0]
    except _Invalid:
        pass
    advice = advice_from_json(doc)  # raises InvalidAdviceError (a ValueError) with the problems
    return _normative(advice_to_json(advice))[0]  # pragma: no cover - the fast path agrees


def read_answer(text: str) -> Canon | AnswerError:
    """Read one answer: its canonical normative form, or why it cannot be compared.

    Args:
        text: The advice document as the vendor wrote it.

    Returns:
        The canonical normative form, or an :class:`~lbp_spec.conformance.AnswerError` of kind
        ``invalid_json`` or ``invalid_advice`` naming every problem.

    """
    if _too_long(text):
        return _strict_problem(text)
    try:
        doc = _DECODER.decode(text)
    except (ValueError, RecursionError):
        return _refused(text)
    return _judge(text, doc, 0)


def read_envelope(text: str) -> tuple[str | None, object]:
    """Read one line of a keyed answers file: ``{"id": "group/name", "advice": {...}}``.

    Returns:
        The vector id and the parsed advice document; or ``None`` and the
        :class:`~lbp_spec.conformance.AnswerError` when the line is not such an object.

    """
    try:
        doc = _DECODER.decode(text)
    except (ValueError, RecursionError):
        strict = _strict_or_problem(text)
        if isinstance(strict, AnswerError):
            return None, strict
        doc = strict.doc
    if type(doc) is not dict or doc.keys() != _ENVELOPE or type(doc["id"]) is not str:
        return None, AnswerError(
            ErrorKind.INVALID_JSON, 'not an answer line {"id": "<vector id>", "advice": {...}}'
        )
    return doc["id"], doc["advice"]


_ENVELOPE: Final = frozenset({"id", "advice"})


def _too_long(text: str) -> bool:
    """Whether ``text`` is longer than the contract reads (``MAX_DOCUMENT_BYTES`` of UTF-8)."""
    return (
        len(text) > MAX_DOCUMENT_BYTES // 4
        and len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES
    )


def _refused(text: str) -> Canon | AnswerError:
    """An answer the fast decoder refused: not JSON, or JSON with a number out of range."""
    strict = _strict_or_problem(text)
    if isinstance(strict, AnswerError):
        return strict
    return _slow(text, strict.doc)


def _judge(text: str, doc: object, extra_keys: int) -> Canon | AnswerError:
    try:
        canon, keys = _normative(doc)
    except _Invalid:
        return _slow(text, doc)
    if _keys_counted(text, keys + extra_keys):
        return canon  # every key counted in the text: no duplicate keys
    duplicate = _duplicate_problem(text)
    return canon if duplicate is None else duplicate


_WHITESPACE_COLON: Final = (" :", "\t:", "\n:", "\r:")


def _keys_counted(text: str, keys: int) -> bool:
    """Whether the text provably holds no more than ``keys`` object keys (so no duplicate).

    Every key ends with ``":`` unless whitespace stands before its colon, and no
    other ``":`` can occur without a backslash (an escaped quote in a string). So
    when the text has no backslash and no whitespace before a colon, it holds at
    most as many keys as ``":`` occurrences; if that equals the keys of the parsed
    value, none is repeated. Otherwise the strict parser decides.
    """
    if "\\" in text or any(pattern in text for pattern in _WHITESPACE_COLON):
        return False
    return text.count('":') == keys


def _strict_problem(text: str) -> AnswerError:
    """Why the fast decoder refused ``text``, in the strict reader's words."""
    found = _strict_or_problem(text)
    if isinstance(found, AnswerError):
        return found
    return AnswerError(ErrorKind.INVALID_JSON, "not valid JSON")  # pragma: no cover


def _strict_or_problem(text: str) -> _Strict | AnswerError:
    try:
        return _Strict(parse_json(text))
    except InvalidCaseError as error:
        return AnswerError(ErrorKind.INVALID_JSON, error.problems[0].message)


@attrs.frozen
class _Strict:
    """A document the strict reader accepted (a number out of range stays for its field)."""

    doc: object


def _duplicate_problem(text: str) -> AnswerError | None:
    try:
        parse_json(text)
    except InvalidCaseError as error:
        return AnswerError(ErrorKind.INVALID_JSON, error.problems[0].message)
    return None


def _slow(text: str, doc: object) -> Canon | AnswerError:
    """Read an answer the fast path refused with the library's reader, for its problems."""
    strict = _strict_or_problem(text)
    if isinstance(strict, AnswerError):
        return strict
    try:
        advice = advice_from_json(strict.doc)
    except InvalidCaseError as error:
        problems = tuple(str(p) for p in error.problems)
        return AnswerError(
            ErrorKind.INVALID_ADVICE,
            f"the advice breaks the schema ({len(problems)} problem(s))",
            problems,
        )
    return _normative(advice_to_json(advice))[0]  # pragma: no cover - the fast path agrees


# -- comparison ---------------------------------------------------------------------------------

_RANKS: Final = {
    f.path: {m.value: i for i, m in enumerate(f.vocabulary)}
    for f in NORMATIVE_FIELDS
    if f.kind is FieldKind.SET and f.vocabulary is not None
}


def value_json(f: NormativeField, value: object) -> Any:
    """A canonical value of field ``f`` as JSON (sets in vocabulary order)."""
    if value is None:
        return None
    if f.kind is FieldKind.SET:
        rank = _RANKS[f.path]
        return sorted(value, key=rank.__getitem__)  # type: ignore[call-overload]
    if f.kind is FieldKind.WINDOW:
        return list(value)  # type: ignore[call-overload]
    if f.kind is FieldKind.REFERRAL:
        assert isinstance(value, tuple)
        return {"to": value[0], "urgency": value[1], "mode": value[2]}
    return value


def differences(expected: Canon, actual: Canon) -> list[tuple[str, NormativeField, Any, Any]]:
    """Each normative field where ``actual`` differs from ``expected``.

    Returns:
        ``(path, field, expected, actual)`` per differing field, values as JSON.
        The path is the field's, except for a referral that differs only in its
        urgency (``referral.urgency``) or only in its mode (``referral.mode``).

    """
    out = []
    for f, want, got in zip(NORMATIVE_FIELDS, expected, actual, strict=True):
        if want == got:
            continue
        if (
            f.kind is FieldKind.REFERRAL
            and want is not None
            and got is not None
            and want[0] == got[0]  # type: ignore[index]
            and (want[1] == got[1] or want[2] == got[2])  # type: ignore[index]
        ):
            part = 2 if want[1] == got[1] else 1  # type: ignore[index]
            name = "referral.mode" if part == 2 else "referral.urgency"
            out.append((name, f, want[part], got[part]))  # type: ignore[index]
            continue
        out.append((f.path, f, value_json(f, want), value_json(f, got)))
    return out
