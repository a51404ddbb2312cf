"""FHIR resources (a Bundle, or a CDS Hooks prefetch) to a case, with every problem's FHIR path.

The intake ``QuestionnaireResponse`` gives the case; Observations with a
standard code (:mod:`lbp_spec.fhir.codes`) give or confirm the coded fields. A
value given twice must agree (two different NPRS values are a problem naming
both, never a silent choice). A field the record system marks not known
(:mod:`lbp_spec.fhir.absent`) makes the reading a partial case, whose unknown
inputs are those fields; a value given elsewhere for such a field is a
problem naming both. Other resource types are ignored; an
``OperationOutcome`` (a client's report that it could not fetch data) is a
problem. The document is then validated by the contract, and each of its
problems is reported at the FHIR path of the answer or Observation that gave
the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from lbp_spec.case import Case
from lbp_spec.contract import CONTRACT_VERSION, case_from_json, partial_case_from_json
from lbp_spec.errors import InvalidCaseError, Problem
from lbp_spec.fhir.absent import Absent
from lbp_spec.fhir.models import FhirProblem, validate
from lbp_spec.fhir.observations import ObservationValue, read_observation
from lbp_spec.fhir.questionnaire import QUESTIONNAIRE_URL, read_response
from lbp_spec.partial_case import UNKNOWN_PATHS, PartialCase

__all__ = ["CaseReading", "read_bundle", "read_resources"]


@attrs.frozen
class CaseReading:
    """The result of reading FHIR resources into a case.

    Attributes:
        case: The case, or ``None`` when there are problems or inputs not known.
        problems: Every problem, with its FHIR path.
        partial: When the resources mark inputs as not known (and there are no
            problems): the partial case, its unknown inputs those fields.
        absent: The inputs marked not known, in case order, each with its
            reason and the FHIR path that says so.
        locations: For each case path read, the FHIR path that gave it.

    """

    case: Case | None
    problems: tuple[FhirProblem, ...]
    partial: PartialCase | None = None
    absent: tuple[Absent, ...] = ()
    locations: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    def where(self, path: str, root: str) -> tuple[str, str]:
        """The FHIR path for a case path (and a prefix naming the field if approximated)."""
        return _locate(path, self.locations, root)


def _set(document: dict[str, Any], path: str, value: object) -> None:
    *parents, name = path.split(".")
    node = document
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[name] = value


def _get(document: Mapping[str, Any], path: str) -> object:
    value: object = document
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _locate(path: str, locations: Mapping[str, str], root: str) -> tuple[str, str]:
    """The FHIR path for case path ``path``, and a prefix naming the field if approximated."""
    bare = re.sub(r"\[\d+\]", "", path)
    probe = bare
    while probe:
        if probe in locations:
            return locations[probe], "" if probe == bare else f"{bare}: "
        probe = probe.rpartition(".")[0]
    return root, f"intake item {bare!r}: " if bare else ""


def _when(resource: Mapping[str, Any]) -> datetime | None:
    for key in ("effectiveDateTime", "effectiveInstant", "issued"):
        text = resource.get(key)
        if isinstance(text, str):
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _newest(
    values: list[tuple[ObservationValue, datetime | None]],
) -> list[ObservationValue]:
    """Per field, the values of the newest Observations (all of them when times are missing)."""
    by_path: dict[str, list[tuple[ObservationValue, datetime | None]]] = {}
    for value, when in values:
        by_path.setdefault(value.path, []).append((value, when))
    out: list[ObservationValue] = []
    for group in by_path.values():
        times = [w for _, w in group if w is not None]
        if len(times) == len(group):
            newest = max(times)
            out.extend(v for v, w in group if w == newest)
        else:
            out.extend(v for v, _ in group)
    return out


def read_resources(
    resources: Iterable[tuple[str, object]],
    root: str,
    schema: Mapping[str, Any] | None = None,
    *,
    latest: bool = False,
) -> CaseReading:
    """Read a case from FHIR resources, each given with its FHIR path.

    Args:
        resources: ``(path, resource)`` pairs, e.g. the entries of a Bundle.
        root: The path to name for a problem of the whole (e.g. a missing field).
        schema: A case JSON Schema; the contract's own unless given.
        latest: Of several Observations for one field, read only the newest
            (by ``effective[x]`` or ``issued``; when one of them has no time, all
            are read and must agree). A value of the intake must still agree
            with the newest Observation.

    """
    problems: list[FhirProblem] = []
    document: dict[str, Any] = {}
    locations: dict[str, str] = {}
    unread: set[str] = set()
    absent: dict[str, Absent] = {}
    responses = []
    observations = []
    for path, resource in resources:
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind == "QuestionnaireResponse":
            responses.append((path, resource))
        elif kind == "Observation":
            observations.append((path, resource))
        elif kind == "OperationOutcome":
            problems.append(
                FhirProblem(path, "the client reported an error instead of data (OperationOutcome)")
            )
        elif kind is None:
            problems.append(FhirProblem(path, "must be a FHIR resource (with a resourceType)"))
    intake = [
        (p, r)
        for p, r in responses
        if isinstance(r, dict)
        and str(r.get("questionnaire", QUESTIONNAIRE_URL)).split("|")[0] == QUESTIONNAIRE_URL
    ]
    if len(intake) > 1:
        problems.append(
            FhirProblem(
                intake[1][0], f"a second response to the intake (the first: {intake[0][0]})"
            )
        )
    if not intake:
        problems.append(
            FhirProblem(root, f"no QuestionnaireResponse to the intake {QUESTIONNAIRE_URL!r}")
        )
    else:
        path, resource = intake[0]
        reading = read_response(resource, path, schema)
        problems.extend(reading.problems)
        unread.update(reading.unread)
        document.update(reading.document)
        locations.update(reading.locations)
        absent.update((a.path, a) for a in reading.absent)
    values: list[tuple[ObservationValue, datetime | None]] = []
    for path, resource in observations:
        found = validate(resource, "Observation", path)
        if found:
            problems.extend(found)
            continue
        assert isinstance(resource, dict)
        value, found = read_observation(resource, path)
        problems.extend(found)
        if value is not None and value.path not in unread:
            values.append((value, _when(resource)))
    chosen = _newest(values) if latest else [v for v, _ in values]
    for value in chosen:
        earlier = _get(document, value.path)
        if value.absent is not None:
            if earlier is not None:
                problems.append(
                    FhirProblem(
                        value.location,
                        f"{value.path} is marked not known here ({value.absent}) but is "
                        f"{earlier!r} at {locations.get(value.path, 'the intake')}",
                    )
                )
            elif value.path not in absent:
                absent[value.path] = Absent(value.path, value.absent, value.location)
                locations[value.path] = value.location
            continue
        if value.path in absent:
            problems.append(
                FhirProblem(
                    value.location,
                    f"{value.path} is {value.value!r} here but marked not known at "
                    f"{absent[value.path].location}",
                )
            )
            continue
        if earlier is not None and earlier != value.value:
            problems.append(
                FhirProblem(
                    value.location,
                    f"{value.path} is {value.value!r} here but {earlier!r} at "
                    f"{locations.get(value.path, 'the intake')}",
                )
            )
            continue
        if earlier is None:
            _set(document, value.path, value.value)
            locations[value.path] = value.location
    if not intake:
        return CaseReading(None, tuple(problems))
    if absent:
        return _partial_reading(document, absent, locations, unread, problems, root)
    try:
        case = case_from_json({"contract_version": CONTRACT_VERSION, **document})
    except InvalidCaseError as error:
        for problem in error.problems:
            if re.sub(r"\[\d+\]", "", problem.path) in unread:
                continue  # its answer could not be read: reported above
            where, prefix = _locate(problem.path, locations, root)
            problems.append(FhirProblem(where, prefix + problem.message))
        return CaseReading(None, tuple(problems))
    if problems:
        return CaseReading(None, tuple(problems))
    return CaseReading(case, (), locations=locations)


def _partial_reading(
    document: dict[str, Any],
    absent: Mapping[str, Absent],
    locations: dict[str, str],
    unread: set[str],
    problems: list[FhirProblem],
    root: str,
) -> CaseReading:
    """The partial case of a document whose fields ``absent`` are not known."""
    order = {path: i for i, path in enumerate(UNKNOWN_PATHS)}
    marked = tuple(sorted(absent.values(), key=lambda a: order[a.path]))
    for item in marked:
        locations.setdefault(item.path, item.location)
    unknown = [a.path for a in marked]
    try:
        partial = partial_case_from_json(
            {"contract_version": CONTRACT_VERSION, **document, "unknown": unknown}
        )
    except InvalidCaseError as error:
        for problem in error.problems:
            placed = _place(problem, marked, locations, unread, root)
            if placed is not None:
                problems.append(placed)
        return CaseReading(None, tuple(problems), absent=marked, locations=locations)
    if problems:
        return CaseReading(None, tuple(problems), absent=marked, locations=locations)
    return CaseReading(None, (), partial=partial, absent=marked, locations=locations)


def _place(
    problem: Problem,
    marked: tuple[Absent, ...],
    locations: Mapping[str, str],
    unread: set[str],
    root: str,
) -> FhirProblem | None:
    """A problem of the partial case document at the FHIR path it comes from."""
    index = re.fullmatch(r"unknown\[(\d+)\]", problem.path)
    if index is not None:
        return FhirProblem(marked[int(index.group(1))].location, problem.message)
    if re.sub(r"\[\d+\]", "", problem.path) in unread:
        return None  # its answer could not be read: reported above
    where, prefix = _locate(problem.path, locations, root)
    return FhirProblem(where, prefix + problem.message)


def bundle_entries(
    data: object, root: str = "Bundle"
) -> tuple[list[tuple[str, object]], list[FhirProblem]]:
    """The resources of a Bundle with their paths, or the problems of the Bundle itself.

    The Bundle is validated without its entries' resources, which
    :func:`read_resources` validates one by one (so each is validated once).
    """
    shell: object = data
    entries: list[Any] = []
    if isinstance(data, dict) and isinstance(data.get("entry"), list):
        entries = data["entry"]
        shell = {
            **data,
            "entry": [
                {k: v for k, v in e.items() if k != "resource"} if isinstance(e, dict) else e
                for e in entries
            ],
        }
    problems = validate(shell, "Bundle", root)
    if problems:
        return [], problems
    return [(f"{root}.entry[{i}].resource", e.get("resource")) for i, e in enumerate(entries)], []


def read_bundle(data: object, schema: Mapping[str, Any] | None = None) -> CaseReading:
    """Read a case from a FHIR Bundle (e.g. a ``collection`` or ``searchset``)."""
    entries, problems = bundle_entries(data)
    if problems:
        return CaseReading(None, tuple(problems))
    return read_resources(entries, "Bundle", schema)
