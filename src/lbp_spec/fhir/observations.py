"""Standalone ``Observation`` resources with standard codes, to and from case fields.

Only the fields of :data:`lbp_spec.fhir.codes.OBSERVATION_CODES` have
Observations. A score is written as ``valueQuantity`` with the UCUM unit
``{score}`` (LOINC's example unit for these codes) and read from
``valueQuantity`` (unit ``{score}``, ``1`` or none) or ``valueInteger``.
Only values with status ``final``, ``amended`` or ``corrected`` are read;
``entered-in-error`` and ``cancelled`` ones are skipped; any other status is a
problem (a preliminary value is not silently taken for a final one). An
Observation with no value and a ``dataAbsentReason`` says that the field is not
known (:mod:`lbp_spec.fhir.absent`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from lbp_spec.case import Case
from lbp_spec.contract import case_to_json
from lbp_spec.fhir.absent import observation_absent_reason
from lbp_spec.fhir.codes import OBSERVATION_CODES, UCUM, ObservationCode
from lbp_spec.fhir.models import FhirProblem

__all__ = ["ObservationValue", "case_observations", "read_observation"]

_READ_STATUSES: Final = frozenset({"final", "amended", "corrected"})
_SKIP_STATUSES: Final = frozenset({"entered-in-error", "cancelled"})
_SURVEY: Final = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


@attrs.frozen
class ObservationValue:
    """A case field's value read from an Observation.

    Attributes:
        path: The case field.
        value: The value (as JSON: a number).
        location: FHIR path of the value element.
        absent: The DataAbsentReason code when the Observation says the value
            is not known (``value`` is then ``None``; see :mod:`lbp_spec.fhir.absent`).

    """

    path: str
    value: object
    location: str
    absent: str | None = None


def _get(document: Mapping[str, Any], path: str) -> object:
    value: object = document
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def case_observations(case: Case, subject: str | None = None) -> list[dict[str, Any]]:
    """One Observation per coded case field that has a value in ``case``."""
    document = case_to_json(case)
    out = []
    for code in OBSERVATION_CODES:
        value = _get(document, code.path)
        if not code.written or value is None:
            continue
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [_SURVEY],
            "code": {
                "coding": [{"system": code.system, "code": code.code, "display": code.display}]
            },
        }
        if subject is not None:
            observation["subject"] = {"reference": subject}
        observation["valueQuantity"] = {
            "value": value,
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        }
        out.append(observation)
    return out


def _matches(data: Mapping[str, Any], code: ObservationCode) -> bool:
    codings = data.get("code", {}).get("coding", [])
    if not any(c.get("system") == code.system and c.get("code") == code.code for c in codings):
        return False
    if code.method is None:
        return True
    methods = data.get("method", {}).get("coding", [])
    return any(m.get("code") == code.method for m in methods)


def _has_code_without_method(data: Mapping[str, Any], code: ObservationCode) -> bool:
    codings = data.get("code", {}).get("coding", [])
    return (
        code.method is not None
        and not data.get("method")
        and any(c.get("system") == code.system and c.get("code") == code.code for c in codings)
    )


def read_observation(
    data: Mapping[str, Any], root: str
) -> tuple[ObservationValue | None, list[FhirProblem]]:
    """The case field an (already FHIR-valid) Observation gives, if it has one of our codes.

    Returns:
        The value (``None`` for an Observation that gives no case field) and the
        problems found, with FHIR paths under ``root``.

    """
    matching = [c for c in OBSERVATION_CODES if _matches(data, c)]
    for code in OBSERVATION_CODES:
        if _has_code_without_method(data, code):
            return None, [
                FhirProblem(
                    f"{root}.method",
                    f"a {code.system}|{code.code} score is read as {code.path} only with the "
                    f"measuring method {code.method!r} (another method is another scale)",
                )
            ]
    if not matching:
        return None, []
    paths = {c.path for c in matching}
    if len(paths) > 1:
        return None, [
            FhirProblem(
                f"{root}.code", f"codes for more than one field: {', '.join(sorted(paths))}"
            )
        ]
    path = matching[0].path
    status = data.get("status")
    if status in _SKIP_STATUSES:
        return None, []
    if status not in _READ_STATUSES:
        return None, [
            FhirProblem(
                f"{root}.status",
                f"only final, amended or corrected values are read for {path}; got {status!r}",
            )
        ]
    reason, found = observation_absent_reason(data, root)
    if found:
        return None, found
    if reason is not None:
        return ObservationValue(path, None, f"{root}.dataAbsentReason", reason), []
    if "valueInteger" in data:
        return ObservationValue(path, data["valueInteger"], f"{root}.valueInteger"), []
    quantity = data.get("valueQuantity")
    if isinstance(quantity, Mapping) and "value" in quantity:
        unit = quantity.get("code")
        if unit not in (None, "{score}", "1"):
            return None, [
                FhirProblem(
                    f"{root}.valueQuantity.code", f"must be '{{score}}' for {path}; got {unit!r}"
                )
            ]
        return ObservationValue(path, quantity["value"], f"{root}.valueQuantity.value"), []
    given = ", ".join(k for k in data if k.startswith("value")) or "no value"
    return None, [FhirProblem(root, f"{path} needs valueQuantity or valueInteger; got {given}")]
