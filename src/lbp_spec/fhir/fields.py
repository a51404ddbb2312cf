"""The case vocabulary as a flat list of questions, read from the case JSON Schema.

Everything FHIR-facing in this package (the intake ``Questionnaire``, reading and
writing a ``QuestionnaireResponse``, the browser form) is derived from
:func:`lbp_spec.contract.case_schema`, never written field by field: a field
added to or renamed in the contract appears here without a change.

A :class:`Question` is one case field: a scalar (boolean, integer, decimal), a
choice from an enumeration (one value, or a set of values when ``repeats``), or
a group of questions (an object of the case such as ``sbst``; a map from an
enumeration to levels such as ``prognostic_factors`` becomes a group with one
choice question per key).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from lbp_spec.contract import case_schema

__all__ = ["Kind", "Question", "case_questions", "walk"]

_SKIP: Final = frozenset({"contract_version", "id"})
"""Fields of the document that are not questions about the patient.

``id`` is the sender's own name for a case (informative, echoed in batch output); a
FHIR resource carries its own ``id`` and ``identifier``, so it is not a question.
"""


class Kind(enum.Enum):
    """What kind of answer a question takes."""

    BOOLEAN = "boolean"
    INTEGER = "integer"
    DECIMAL = "decimal"
    CHOICE = "choice"
    STRING = "string"
    GROUP = "group"
    MAP = "map"
    """A group whose keys are themselves the answers' subjects (e.g. prognostic factors)."""


@attrs.frozen
class Question:
    """One field of the case, as a question.

    Attributes:
        path: Dotted path of the field in the case document (the ``linkId``).
        name: The field name (last part of the path).
        kind: The kind of answer.
        title: Short human-readable name.
        description: What the field means (help text).
        required: The contract requires the field when its parent is present.
        nullable: ``null`` is a valid value (the field may stay unanswered).
        options: The allowed values of a choice.
        repeats: A set of choices (any number of them) rather than one.
        minimum: Smallest allowed number, if bounded.
        maximum: Largest allowed number, if bounded.
        children: The questions of a group.

    """

    path: str
    name: str
    kind: Kind
    title: str
    description: str = ""
    required: bool = False
    nullable: bool = False
    options: tuple[str, ...] = ()
    repeats: bool = False
    minimum: float | None = None
    maximum: float | None = None
    children: tuple[Question, ...] = ()


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema ``node`` with ``$ref`` and ``anyOf [X, null]`` unwrapped, and its nullability."""
    merged = dict(node)
    nullable = False
    if "anyOf" in merged:
        branches = [b for b in merged.pop("anyOf") if b.get("type") != "null"]
        nullable = len(branches) < len(node["anyOf"])
        if len(branches) != 1:
            raise ValueError(f"unsupported schema union: {node!r}")
        inner, inner_null = _resolve(branches[0], defs)
        merged = {**inner, **{k: v for k, v in merged.items() if k in ("title", "description")}}
        nullable = nullable or inner_null
    if "$ref" in merged:
        name = str(merged.pop("$ref")).rsplit("/", 1)[-1]
        merged = {**defs[name], **merged}
    kind = merged.get("type")
    if isinstance(kind, list):
        nullable = nullable or "null" in kind
        rest = [k for k in kind if k != "null"]
        merged["type"] = rest[0] if len(rest) == 1 else rest
    if "enum" in merged:
        merged["enum"] = [v for v in merged["enum"] if v is not None]
    return merged, nullable


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _question(
    path: str, name: str, node: Mapping[str, Any], required: bool, defs: Mapping[str, Any]
) -> Question:
    schema, nullable = _resolve(node, defs)
    title = str(schema.get("title") or _title(name))
    description = str(schema.get("description") or "")
    common: dict[str, Any] = {
        "path": path,
        "name": name,
        "title": title,
        "description": description,
        "required": required,
        "nullable": nullable,
    }
    kind = schema.get("type")
    if kind == "boolean":
        return Question(kind=Kind.BOOLEAN, **common)
    if kind in ("integer", "number"):
        return Question(
            kind=Kind.INTEGER if kind == "integer" else Kind.DECIMAL,
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            **common,
        )
    if kind == "string" and "enum" in schema:
        return Question(kind=Kind.CHOICE, options=tuple(schema["enum"]), **common)
    if kind == "string":
        return Question(kind=Kind.STRING, **common)
    if kind == "array":
        items, _ = _resolve(schema["items"], defs)
        if "enum" not in items:
            raise ValueError(f"{path}: only arrays of choices are supported")
        return Question(kind=Kind.CHOICE, options=tuple(items["enum"]), repeats=True, **common)
    if kind == "object":
        inner_required = set(schema.get("required", ()))
        props: Mapping[str, Any] = schema.get("properties", {})
        children = tuple(
            _question(f"{path}.{key}", key, sub, key in inner_required, defs)
            for key, sub in props.items()
        )
        is_map = schema.get("additionalProperties") is False and all(
            "title" not in sub for sub in props.values()
        )
        return Question(kind=Kind.MAP if is_map else Kind.GROUP, children=children, **common)
    raise ValueError(f"{path}: unsupported schema {schema!r}")


def case_questions(schema: Mapping[str, Any] | None = None) -> tuple[Question, ...]:
    """One question per field of the case document, in the contract's order.

    Args:
        schema: A case JSON Schema; the contract's own unless given (tests pass
            a changed schema to show that the mapping follows it).

    """
    if schema is None:
        return _contract_questions()
    defs: Mapping[str, Any] = schema.get("$defs", {})
    required = set(schema.get("required", ()))
    return tuple(
        _question(name, name, node, name in required, defs)
        for name, node in schema["properties"].items()
        if name not in _SKIP
    )


@functools.cache
def _contract_questions() -> tuple[Question, ...]:
    """The questions of the contract's own case schema (made once: the contract is fixed)."""
    return case_questions(case_schema())


def walk(questions: tuple[Question, ...]) -> Iterator[Question]:
    """Every question, depth first (groups before their children)."""
    for question in questions:
        yield question
        yield from walk(question.children)
