"""The intake ``Questionnaire``, and ``QuestionnaireResponse`` <-> case document.

The Questionnaire is generated from the case vocabulary (:mod:`lbp_spec.fhir.fields`):
one item per case field (``linkId`` = the field's dotted path), answer options
from its enumeration, a ``display`` child with the help text of the field's
description, bounds as the core ``minValue``/``maxValue`` extensions, and the
standard code of the field (:mod:`lbp_spec.fhir.codes`) as ``item.code``.

Answers to a choice are ``valueCoding`` in the code system
``urn:lbp-spec:case:<linkId>`` with the contract's string as the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from lbp_spec.case import Case
from lbp_spec.contract import (
    CONTRACT_VERSION,
    case_schema,
    case_to_json,
    partial_case_to_json,
)
from lbp_spec.fhir.absent import (
    Absent,
    absent_extension,
    answer_absent_problem,
    item_absent_reason,
)
from lbp_spec.fhir.codes import codes_for
from lbp_spec.fhir.fields import Kind, Question, case_questions
from lbp_spec.fhir.fields import walk as walk_questions
from lbp_spec.fhir.models import FhirProblem, validate
from lbp_spec.partial_case import UNKNOWN_PATHS, PartialCase

__all__ = [
    "QUESTIONNAIRE_URL",
    "ResponseReading",
    "answer_system",
    "case_to_response",
    "partial_to_response",
    "questionnaire",
    "read_response",
]

QUESTIONNAIRE_URL: Final = "urn:lbp-spec:questionnaire:intake"
"""The canonical URL of the intake Questionnaire (a URN: it names, it does not locate)."""

_HELP: Final = {
    "url": "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl",
    "valueCodeableConcept": {
        "coding": [{"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "help"}]
    },
}
_TYPES: Final = {
    Kind.BOOLEAN: "boolean",
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "decimal",
    Kind.CHOICE: "choice",
    Kind.STRING: "string",
    Kind.GROUP: "group",
    Kind.MAP: "group",
}


def answer_system(path: str) -> str:
    """The code system of the answers to the choice question ``path``."""
    return f"urn:lbp-spec:case:{path}"


def _package_version() -> str:
    from lbp_spec import __version__

    return __version__


def _bound(kind: Kind, value: float) -> dict[str, Any]:
    if kind is Kind.INTEGER:
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def _item(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": question.path}
    codes = [
        {"system": c.system, "code": c.code, "display": c.display}
        for c in codes_for(question.path)
        if c.written
    ]
    if codes:
        item["code"] = codes
    item["text"] = question.title
    item["type"] = _TYPES[question.kind]
    if question.required:
        item["required"] = True
    if question.repeats:
        item["repeats"] = True
    extensions = []
    for url, bound in (("minValue", question.minimum), ("maxValue", question.maximum)):
        if bound is not None:
            extensions.append(
                {
                    "url": f"http://hl7.org/fhir/StructureDefinition/{url}",
                    **_bound(question.kind, bound),
                }
            )
    if extensions:
        item["extension"] = extensions
    if question.options:
        system = answer_system(question.path)
        item["answerOption"] = [
            {"valueCoding": {"system": system, "code": o, "display": o.replace("_", " ")}}
            for o in question.options
        ]
    children = []
    if question.description:
        children.append(
            {
                "extension": [_HELP],
                "linkId": f"{question.path}-help",
                "text": question.description,
                "type": "display",
            }
        )
    children.extend(_item(child) for child in question.children)
    if children:
        item["item"] = children
    return item


def questionnaire(schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The intake Questionnaire (FHIR R4 JSON), generated from the case vocabulary.

    Args:
        schema: A case JSON Schema; the contract's own unless given.

    """
    schema = case_schema() if schema is None else schema
    return {
        "resourceType": "Questionnaire",
        "id": "lbp-spec-intake",
        "url": QUESTIONNAIRE_URL,
        "version": f"{_package_version()}+contract.{CONTRACT_VERSION}",
        "name": "LbpSpecIntake",
        "title": "Low back pain and LRS intake (KNGF 2021 guideline, lbp_spec case)",
        "status": "active",
        "description": str(schema.get("description", "")),
        "item": [_item(q) for q in case_questions(schema)],
    }


# -- reading a QuestionnaireResponse ------------------------------------------------------


@attrs.frozen
class ResponseReading:
    """A QuestionnaireResponse read into a case document.

    Attributes:
        document: The case document (JSON), possibly incomplete or invalid.
        locations: For each case path answered, the FHIR path of its answer.
        problems: Problems found while reading (FHIR paths).
        unread: Case paths whose answers could not be read (already reported).
        absent: The fields the response says are not known (see
            :mod:`lbp_spec.fhir.absent`), in the order of the response.

    """

    document: dict[str, Any]
    locations: dict[str, str]
    problems: tuple[FhirProblem, ...]
    unread: frozenset[str] = frozenset()
    absent: tuple[Absent, ...] = ()


def _index(questions: Iterable[Question]) -> dict[str, Question]:
    out: dict[str, Question] = {}
    for q in questions:
        out[q.path] = q
        out.update(_index(q.children))
    return out


def _answer_value(
    question: Question, answer: Mapping[str, Any], at: str, problems: list[FhirProblem]
) -> object:
    kind = question.kind
    if kind is Kind.BOOLEAN and "valueBoolean" in answer:
        return answer["valueBoolean"]
    if kind is Kind.INTEGER and "valueInteger" in answer:
        return answer["valueInteger"]
    if kind is Kind.STRING and "valueString" in answer:
        return answer["valueString"]
    if kind is Kind.DECIMAL:
        for key in ("valueDecimal", "valueInteger"):
            if key in answer:
                return answer[key]
    if kind is Kind.CHOICE and "valueCoding" in answer:
        coding = answer["valueCoding"]
        system = answer_system(question.path)
        if coding.get("system") != system:
            problems.append(
                FhirProblem(
                    f"{at}.valueCoding.system", f"must be {system!r}, got {coding.get('system')!r}"
                )
            )
            return None
        code = coding.get("code")
        if code not in question.options:
            problems.append(
                FhirProblem(
                    f"{at}.valueCoding.code",
                    f"must be one of {', '.join(question.options)}; got {code!r}",
                )
            )
            return None
        return code
    expected = {
        Kind.BOOLEAN: "valueBoolean",
        Kind.INTEGER: "valueInteger",
        Kind.DECIMAL: "valueDecimal",
        Kind.CHOICE: "valueCoding",
        Kind.STRING: "valueString",
    }[kind]
    given = ", ".join(k for k in answer if k.startswith("value")) or "no value"
    problems.append(
        FhirProblem(at, f"the answer to {question.path!r} must be a {expected}; got {given}")
    )
    return None


def _value_key(answer: Mapping[str, Any]) -> str:
    return next((k for k in answer if k.startswith("value")), "value")


def _read_items(
    items: list[Any],
    at: str,
    index: Mapping[str, Question],
    out: dict[str, Any],
    locations: dict[str, str],
    problems: list[FhirProblem],
    absent: list[Absent],
) -> None:
    for i, item in enumerate(items):
        here = f"{at}.item[{i}]"
        link = item.get("linkId")
        question = index.get(link) if isinstance(link, str) else None
        if question is None:
            problems.append(FhirProblem(f"{here}.linkId", f"no question {link!r} in the intake"))
            continue
        if question.path in locations:
            problems.append(
                FhirProblem(
                    here, f"{link!r} is answered twice (also at {locations[question.path]})"
                )
            )
            continue
        locations[question.path] = here
        reason, found = item_absent_reason(item, here)
        if found:
            problems.extend(found)
            continue
        if reason is not None:
            if question.path in UNKNOWN_PATHS:
                absent.append(Absent(question.path, reason, here))
            else:
                problems.append(
                    FhirProblem(f"{here}.extension", f"{link!r} cannot be marked not known")
                )
            continue
        if question.kind in (Kind.GROUP, Kind.MAP):
            group: dict[str, Any] = {}
            _read_items(item.get("item", []), here, index, group, locations, problems, absent)
            out[question.name] = group
            continue
        answers = item.get("answer", [])
        if not answers:
            continue  # an unanswered question leaves the field to its default
        if not question.repeats and len(answers) > 1:
            problems.append(FhirProblem(f"{here}.answer", f"{link!r} takes one answer"))
            continue
        values = []
        before = len(problems)
        for j, answer in enumerate(answers):
            where = f"{here}.answer[{j}]"
            misplaced = answer_absent_problem(answer, where, here)
            if misplaced is not None:
                problems.append(misplaced)
                continue
            if len(answers) == 1:
                locations[question.path] = f"{where}.{_value_key(answer)}"
            values.append(_answer_value(question, answer, where, problems))
        if len(problems) == before:
            out[question.name] = values if question.repeats else values[0]


def read_response(
    data: object, root: str = "QuestionnaireResponse", schema: Mapping[str, Any] | None = None
) -> ResponseReading:
    """Read a QuestionnaireResponse to the intake into a case document.

    The resource is validated as FHIR first; then every answer is read by its
    ``linkId``. The document is not yet a case: the caller adds Observations
    and validates it with :func:`lbp_spec.contract.case_from_json`.

    Args:
        data: The parsed resource.
        root: The FHIR path of the resource, for problem paths.
        schema: A case JSON Schema; the contract's own unless given.

    """
    problems = validate(data, "QuestionnaireResponse", root)
    if problems:
        return ResponseReading({}, {}, tuple(problems))
    assert isinstance(data, dict)
    found: list[FhirProblem] = []
    reference = data.get("questionnaire")
    if reference is not None and str(reference).split("|")[0] != QUESTIONNAIRE_URL:
        found.append(
            FhirProblem(
                f"{root}.questionnaire", f"must answer {QUESTIONNAIRE_URL!r}, got {reference!r}"
            )
        )
    document: dict[str, Any] = {}
    locations: dict[str, str] = {}
    index = _index(case_questions(schema))
    absent: list[Absent] = []
    _read_items(data.get("item", []), root, index, document, locations, found, absent)
    unread = frozenset(
        path
        for path, where in locations.items()
        if any(
            p.path.startswith(where.split(".answer[")[0] + ".answer")
            or p.path == where
            or p.path.startswith(where + ".extension")
            for p in found
        )
    )
    return ResponseReading(document, locations, tuple(found), unread, tuple(absent))


# -- writing a QuestionnaireResponse ------------------------------------------------------


def _answers(question: Question, value: object) -> list[dict[str, Any]]:
    if question.kind is Kind.CHOICE:
        system = answer_system(question.path)
        codes = value if isinstance(value, list) else [value]
        return [
            {"valueCoding": {"system": system, "code": c, "display": str(c).replace("_", " ")}}
            for c in codes
        ]
    key = {
        Kind.BOOLEAN: "valueBoolean",
        Kind.INTEGER: "valueInteger",
        Kind.STRING: "valueString",
    }.get(question.kind, "valueDecimal")
    return [{key: value}]


def _response_items(
    questions: Iterable[Question],
    values: Mapping[str, Any],
    unknown: Mapping[str, str] | None = None,
) -> list[Any]:
    items = []
    for question in questions:
        if unknown and question.path in unknown:
            items.append(
                {
                    "linkId": question.path,
                    "text": question.title,
                    "extension": [absent_extension(unknown[question.path])],
                }
            )
            continue
        value = values.get(question.name)
        if value is None or value == []:
            continue
        item: dict[str, Any] = {"linkId": question.path, "text": question.title}
        if question.kind in (Kind.GROUP, Kind.MAP):
            assert isinstance(value, dict)
            children = _response_items(question.children, value, unknown)
            if children:
                item["item"] = children
        else:
            item["answer"] = _answers(question, value)
        items.append(item)
    return items


def case_to_response(case: Case, subject: str | None = None) -> dict[str, Any]:
    """A completed QuestionnaireResponse to the intake that reads back as ``case``.

    Args:
        case: The case.
        subject: A reference to the patient (e.g. ``Patient/123``), if known.

    """
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed",
    }
    if subject is not None:
        response["subject"] = {"reference": subject}
    response["item"] = _response_items(case_questions(), case_to_json(case))
    return response


def partial_to_response(
    partial: PartialCase, subject: str | None = None, reason: str = "unknown"
) -> dict[str, Any]:
    """A completed QuestionnaireResponse that reads back as ``partial``.

    Each unknown input is its item with no answer and the data-absent-reason
    extension (see :mod:`lbp_spec.fhir.absent`); everything known is answered
    as in :func:`case_to_response`.

    Args:
        partial: The partial case.
        subject: A reference to the patient, if known.
        reason: The DataAbsentReason code to write.

    Raises:
        ValueError: An unknown input has no item of its own (one member of a set
            such as ``red_flags.fracture``: a set is one item).

    """
    links = {q.path for q in walk_questions(case_questions())}
    missing = [path for path in partial.unknown if path not in links]
    if missing:
        raise ValueError(f"no item of its own in the intake: {', '.join(missing)}")
    document = partial_case_to_json(partial)
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": QUESTIONNAIRE_URL,
        "status": "completed",
    }
    if subject is not None:
        response["subject"] = {"reference": subject}
    unknown = dict.fromkeys(partial.unknown, reason)
    response["item"] = _response_items(case_questions(), document, unknown)
    return response
