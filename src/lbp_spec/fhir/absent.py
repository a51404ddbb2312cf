"""Inputs the record system says are not known: the FHIR R4 data-absent-reason convention.

A record system says that a case field is *not known* (the MRC grade was not
measured, the patient does not know) in one of two standard ways:

* in the intake ``QuestionnaireResponse``: the item for that field (its
  ``linkId``, as for an answer) is present **without an answer** and carries
  the core extension ``http://hl7.org/fhir/StructureDefinition/data-absent-reason``
  with a ``valueCode`` from the R4 DataAbsentReason code system (e.g.
  ``unknown``, ``asked-unknown``, ``not-performed``). The extension may be used
  on any element ("Context of Use: Element"; its ``valueCode`` has a required
  binding to DataAbsentReason). A group item (``neurological_exam``) marked so
  is not known as a whole (whether it was done, and every finding).
* in a standalone ``Observation`` with one of the standard codes: no
  ``value[x]`` and ``dataAbsentReason`` (a CodeableConcept, "Why the result is
  missing") with a coding from the same code system. FHIR's invariant obs-6
  forbids a value next to it.

Every code of the code system reads as "not known": the spec then reasons over
every valid completion of the field, which never claims more than the record
says. (For ``not-applicable`` too: a field that cannot apply, such as a
follow-up finding at an initial consultation, is absent in every valid
completion, so what depends on it is settled anyway.) A reason that cannot be
read (another extension value, a code that is not in the code system, an
absent-reason next to an answer) is a problem at its FHIR path, never a silent
"not known".

An item that is simply left out, or present without an answer and without the
extension, keeps its meaning in the contract (the field's default, or "is
required"): only an explicit absent-reason makes an input unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from lbp_spec.fhir.models import FhirProblem

__all__ = [
    "ABSENT_REASONS",
    "DATA_ABSENT_REASON_SYSTEM",
    "DATA_ABSENT_REASON_URL",
    "Absent",
    "absent_extension",
    "answer_absent_problem",
    "item_absent_reason",
    "observation_absent_reason",
]

DATA_ABSENT_REASON_URL: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
"""The core extension (FHIR R4, https://hl7.org/fhir/R4/extension-data-absent-reason.html)."""

DATA_ABSENT_REASON_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
"""The R4 DataAbsentReason code system (https://hl7.org/fhir/R4/codesystem-data-absent-reason.html)."""

ABSENT_REASONS: Final = {
    "unknown": "Unknown",
    "asked-unknown": "Asked But Unknown",
    "temp-unknown": "Temporarily Unknown",
    "not-asked": "Not Asked",
    "asked-declined": "Asked But Declined",
    "masked": "Masked",
    "not-applicable": "Not Applicable",
    "unsupported": "Unsupported",
    "as-text": "As Text",
    "error": "Error",
    "not-a-number": "Not a Number (NaN)",
    "negative-infinity": "Negative Infinity (NINF)",
    "positive-infinity": "Positive Infinity (PINF)",
    "not-performed": "Not Performed",
    "not-permitted": "Not Permitted",
}
"""Every code of the R4 DataAbsentReason code system (4.0.1), with its display."""


@attrs.frozen
class Absent:
    """A case field the record system says is not known.

    Attributes:
        path: The case field (a path of :data:`lbp_spec.partial_case.UNKNOWN_PATHS`).
        reason: The DataAbsentReason code.
        location: FHIR path of the element that says so.

    """

    path: str
    reason: str
    location: str


def absent_extension(reason: str = "unknown") -> dict[str, Any]:
    """The data-absent-reason extension with ``reason`` (for writing an item)."""
    if reason not in ABSENT_REASONS:
        raise ValueError(f"{reason!r} is not a DataAbsentReason code")
    return {"url": DATA_ABSENT_REASON_URL, "valueCode": reason}


def _code_problem(code: object, at: str) -> FhirProblem | None:
    if code in ABSENT_REASONS:
        return None
    return FhirProblem(
        at,
        f"{code!r} is not a code of {DATA_ABSENT_REASON_SYSTEM} "
        f"(one of {', '.join(ABSENT_REASONS)})",
    )


def item_absent_reason(item: Mapping[str, Any], at: str) -> tuple[str | None, list[FhirProblem]]:
    """The data-absent-reason of a QuestionnaireResponse item, if it carries one.

    Args:
        item: The item (already valid FHIR).
        at: Its FHIR path.

    Returns:
        The reason code (``None``: the item carries no absent-reason) and the
        problems of a malformed one.

    """
    found = [
        (i, e)
        for i, e in enumerate(item.get("extension") or [])
        if isinstance(e, Mapping) and e.get("url") == DATA_ABSENT_REASON_URL
    ]
    if not found:
        return None, []
    if len(found) > 1:
        return None, [FhirProblem(f"{at}.extension[{found[1][0]}]", "a second data-absent-reason")]
    index, extension = found[0]
    here = f"{at}.extension[{index}]"
    if "valueCode" not in extension:
        given = ", ".join(k for k in extension if k.startswith("value")) or "no value"
        return None, [FhirProblem(here, f"a data-absent-reason needs a valueCode; got {given}")]
    problem = _code_problem(extension["valueCode"], f"{here}.valueCode")
    if problem is not None:
        return None, [problem]
    if item.get("answer") or item.get("item"):
        inner = "answer" if item.get("answer") else "item"
        return None, [
            FhirProblem(
                here,
                f"an item with a data-absent-reason has no {inner}: say the value, or that it "
                "is not known, not both",
            )
        ]
    return str(extension["valueCode"]), []


def answer_absent_problem(answer: Mapping[str, Any], at: str, item_at: str) -> FhirProblem | None:
    """A problem when an answer (rather than its item) carries a data-absent-reason."""
    for i, extension in enumerate(answer.get("extension") or []):
        if isinstance(extension, Mapping) and extension.get("url") == DATA_ABSENT_REASON_URL:
            return FhirProblem(
                f"{at}.extension[{i}]",
                f"put the data-absent-reason on the item ({item_at}.extension), with no answer",
            )
    return None


def observation_absent_reason(
    data: Mapping[str, Any], root: str
) -> tuple[str | None, list[FhirProblem]]:
    """The ``dataAbsentReason`` code of an (already FHIR-valid) Observation, if it has one."""
    reason = data.get("dataAbsentReason")
    if reason is None:
        return None, []
    here = f"{root}.dataAbsentReason"
    if any(k.startswith("value") for k in data):
        return None, [
            FhirProblem(here, "an Observation with a value has no dataAbsentReason (FHIR obs-6)")
        ]
    codings = reason.get("coding") or [] if isinstance(reason, Mapping) else []
    ours = [(i, c) for i, c in enumerate(codings) if c.get("system") == DATA_ABSENT_REASON_SYSTEM]
    if not ours:
        return None, [
            FhirProblem(here, f"the reason must have a coding from {DATA_ABSENT_REASON_SYSTEM}")
        ]
    index, coding = ours[0]
    problem = _code_problem(coding.get("code"), f"{here}.coding[{index}].code")
    if problem is not None:
        return None, [problem]
    return str(coding["code"]), []
