"""CDS Hooks 2.0 (HL7, 2.0.1): discovery and the service call, without the web framework.

The service ``lbp-spec`` answers the ``patient-view`` hook. Its discovery entry
asks the client to prefetch:

* ``intake``: the patient's newest completed QuestionnaireResponse to the intake
  Questionnaire (required: without the key the service answers ``412
  Precondition Failed``, as CDS Hooks says for data it cannot obtain; the
  service never calls the client's FHIR server itself);
* ``observations``: the patient's Observations with the standard codes
  (optional; the newest value per field is used, and must agree with the intake).

A key whose value is ``null`` means the client has no such data: without an
intake the answer is one ``info`` card saying that no advice was computed.

Inputs the client marks as not known (the FHIR data-absent-reason convention of
:mod:`lbp_spec.fhir.absent`) make the case partial: the answer is then the cards
of :func:`lbp_spec.service.partial_cards.partial_cards` (what is already certain
as the usual cards, and one card saying what is still open and what to ask).

The request is checked field by field (``hook``, ``hookInstance``,
``context.patientId``, ``fhirServer`` when ``fhirAuthorization`` is given,
``prefetch``); every refusal is a :class:`~lbp_spec.service.outcome.ServiceError`
carrying an OperationOutcome issue with the path of the offending element.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

from lbp_spec.contract import advice_to_json
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.fhir.bundle import bundle_entries, read_resources
from lbp_spec.fhir.codes import OBSERVATION_CODES
from lbp_spec.fhir.models import FhirProblem
from lbp_spec.fhir.questionnaire import QUESTIONNAIRE_URL
from lbp_spec.service.cards import advice_cards, card_uuid, source
from lbp_spec.service.outcome import Issue, ServiceError

__all__ = [
    "HOOK",
    "PREFETCH",
    "REQUIRED_PREFETCH",
    "SERVICE_ID",
    "call_service",
    "discovery",
]

SERVICE_ID: Final = "lbp-spec"
HOOK: Final = "patient-view"
REQUIRED_PREFETCH: Final = "intake"

_CODES: Final = ",".join(f"{c.system}|{c.code}" for c in OBSERVATION_CODES)
PREFETCH: Final = {
    "intake": (
        "QuestionnaireResponse?patient={{context.patientId}}"
        f"&questionnaire={QUESTIONNAIRE_URL}&status=completed&_sort=-authored&_count=1"
    ),
    "observations": f"Observation?patient={{{{context.patientId}}}}&code={_CODES}&_sort=-date",
}
"""Prefetch templates, within the CDS Hooks 2.0 "prefetch query restrictions"."""


def discovery() -> dict[str, Any]:
    """The discovery document (``GET /cds-services``)."""
    return {
        "services": [
            {
                "hook": HOOK,
                "title": "KNGF low back pain and LRS guideline (lbp_spec reference)",
                "description": (
                    "The advice of the KNGF 2021 physiotherapy guideline on low back pain and "
                    "lumbosacral radicular syndrome for the patient's intake: referral and its "
                    "urgency, profile and plan, interventions with their strength, safety-net "
                    "advice and warnings, each card with the exact guideline sentences behind "
                    "it. Computed by the verified reference specification."
                ),
                "id": SERVICE_ID,
                "prefetch": dict(PREFETCH),
                "usageRequirements": (
                    "The intake is a QuestionnaireResponse to "
                    f"{QUESTIONNAIRE_URL} (lbp-spec fhir questionnaire); the service does not "
                    "query the FHIR server, so the intake prefetch is required. A field "
                    "that is not known is an item with no answer and the data-absent-reason "
                    "extension (or an Observation with dataAbsentReason): the cards then say "
                    "what is already certain and what to ask."
                ),
            }
        ]
    }


def _require_string(request: Mapping[str, Any], name: str) -> str:
    value = request.get(name)
    if not isinstance(value, str) or not value:
        raise ServiceError(
            400, [Issue("required", f"{name} is required (a non-empty string)", name)]
        )
    return value


def _check_request(request: object) -> Mapping[str, Any]:
    if not isinstance(request, Mapping):
        raise ServiceError(400, [Issue("structure", "the request must be a JSON object")])
    hook = _require_string(request, "hook")
    if hook != HOOK:
        raise ServiceError(
            400, [Issue("value", f"this service answers the {HOOK!r} hook, not {hook!r}", "hook")]
        )
    instance = _require_string(request, "hookInstance")
    try:
        uuid.UUID(instance)
    except ValueError:
        raise ServiceError(
            400, [Issue("value", "hookInstance must be a UUID", "hookInstance")]
        ) from None
    context = request.get("context")
    if not isinstance(context, Mapping):
        raise ServiceError(400, [Issue("required", "context is required (an object)", "context")])
    for name in ("userId", "patientId"):
        if not isinstance(context.get(name), str) or not context.get(name):
            raise ServiceError(
                400,
                [Issue("required", f"{HOOK} needs context.{name}", f"context.{name}")],
            )
    if "fhirAuthorization" in request and not isinstance(request.get("fhirServer"), str):
        raise ServiceError(
            400,
            [Issue("required", "fhirServer is required with fhirAuthorization", "fhirServer")],
        )
    prefetch = request.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, Mapping):
        raise ServiceError(400, [Issue("structure", "prefetch must be an object", "prefetch")])
    return request


def _resources(key: str, value: object) -> list[tuple[str, object]]:
    """The resources of one prefetch value, each with its FHIR path."""
    kind = value.get("resourceType") if isinstance(value, Mapping) else None
    if kind == "Bundle":
        entries, problems = bundle_entries(value)
        if problems:
            raise ServiceError(
                422,
                [Issue("invalid", f"prefetch {key!r}: {p.message}", p.path) for p in problems],
            )
        return entries
    if kind is None:
        raise ServiceError(
            422,
            [Issue("structure", f"prefetch {key!r} must be a FHIR resource or null", "prefetch")],
        )
    return [(str(kind), value)]


def _no_intake_card() -> dict[str, Any]:
    return {
        "uuid": card_uuid("no_intake"),
        "summary": "No lbp_spec intake on record for this patient: no guideline advice computed",
        "detail": (
            "The client reported no completed QuestionnaireResponse to the intake "
            f"Questionnaire `{QUESTIONNAIRE_URL}` for this patient, so the guideline was "
            "not applied. This is not an advice that nothing is needed.\n"
        ),
        "indicator": "info",
        "source": source(),
    }


def call_service(service_id: str, request: object) -> dict[str, Any]:
    """Answer one CDS Hooks service call (``POST /cds-services/{id}``).

    Returns:
        The response: ``{"cards": [...]}``.

    Raises:
        ServiceError: 404 for an unknown service, 400 for a malformed request,
            412 when the intake prefetch is missing, 422 for prefetched data that
            is not valid FHIR or not a valid case.

    """
    if service_id != SERVICE_ID:
        raise ServiceError(404, [Issue("not-found", f"no CDS service {service_id!r}")])
    checked = _check_request(request)
    prefetch: Mapping[str, Any] = checked.get("prefetch") or {}
    if REQUIRED_PREFETCH not in prefetch:
        raise ServiceError(
            412,
            [
                Issue(
                    "incomplete",
                    f"the prefetch {REQUIRED_PREFETCH!r} is required "
                    f"({PREFETCH[REQUIRED_PREFETCH]}); this service does not query the FHIR "
                    "server",
                    f"prefetch.{REQUIRED_PREFETCH}",
                )
            ],
        )
    if prefetch[REQUIRED_PREFETCH] is None:
        return {"cards": [_no_intake_card()]}
    resources: list[tuple[str, object]] = []
    for key in PREFETCH:
        value = prefetch.get(key)
        if value is not None:
            resources.extend((f"{key}{_SEP}{path}", r) for path, r in _resources(key, value))
    root = f"{REQUIRED_PREFETCH}{_SEP}"
    reading = read_resources(resources, root, latest=True)
    if reading.partial is not None:
        from lbp_spec.service.partial_cards import advise_partial, partial_cards

        try:
            answer = advise_partial(reading.partial)
        except InvalidCaseError as error:
            located = []
            for p in error.problems:
                where, prefix = reading.where(p.path, root)
                located.append(FhirProblem(where, prefix + p.message))
            raise _invalid(located) from None
        reasons = {a.path: a.reason for a in reading.absent}
        return {"cards": partial_cards(answer, reasons)}
    if reading.case is None:
        raise _invalid(reading.problems)
    advice = advice_to_json(evaluate(reading.case))
    return {"cards": advice_cards(advice)}


def _invalid(problems: tuple[FhirProblem, ...] | list[FhirProblem]) -> ServiceError:
    """422 with one issue per problem, at its FHIR path within its prefetch key."""
    issues = []
    for problem in problems:
        key, _, path = problem.path.partition(_SEP)
        message = re.sub(rf"(\w+){_SEP}", r"prefetch '\1' at ", problem.message)
        issues.append(Issue("invalid", f"prefetch {key!r}: {message}", path or None))
    return ServiceError(422, issues)


_SEP: Final = "::"
"""Separates the prefetch key from the FHIR path while reading (never shown)."""
