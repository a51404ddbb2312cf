"""FHIR R4 parsing and validation through ``fhir.resources`` (an optional extra).

``fhir.resources`` 8 ships the FHIR R4B (4.3.0) models: R4B is the technical
correction of R4 (4.0.1) and the resources used here (Questionnaire,
QuestionnaireResponse, Observation, Bundle, OperationOutcome) have the same
elements in both. Validation problems come back with their FHIR path (e.g.
``Bundle.entry[0].resource.valueQuantity.value``).
"""

from __future__ import annotations

import importlib
from typing import Any, Final

import attrs

__all__ = ["FHIR_VERSION", "FhirProblem", "MissingExtraError", "fhir_path", "validate"]

FHIR_VERSION: Final = "4.0.1"
"""The FHIR version this package speaks (its resources are also valid R4B, 4.3.0)."""

_MODULES: Final = {
    "Bundle": "bundle",
    "Observation": "observation",
    "OperationOutcome": "operationoutcome",
    "Questionnaire": "questionnaire",
    "QuestionnaireResponse": "questionnaireresponse",
}


class MissingExtraError(RuntimeError):
    """An optional dependency is not installed."""


@attrs.frozen
class FhirProblem:
    """One thing wrong with FHIR input, at the FHIRPath-style path of the element.

    Attributes:
        path: e.g. ``Bundle.entry[2].resource.item[0].answer[0].valueInteger``.
        message: What is wrong.

    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def fhir_path(root: str, loc: tuple[Any, ...] | list[Any]) -> str:
    """Render a location (names and list indices) under ``root`` as a FHIR path."""
    text = root
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "__root__":
            text += f".{part}"
    return text


def _model(resource_type: str) -> Any:
    module = _MODULES.get(resource_type)
    if module is None:
        raise ValueError(f"unsupported resource type {resource_type!r}")
    try:
        loaded = importlib.import_module(f"fhir.resources.R4B.{module}")
    except ImportError as error:  # pragma: no cover - the extra is installed in tests
        raise MissingExtraError(
            "FHIR support needs the optional dependencies: pip install 'lbp-spec[fhir]'"
        ) from error
    return getattr(loaded, resource_type)


def validate(data: object, expected: str, root: str | None = None) -> list[FhirProblem]:
    """Validate ``data`` as a FHIR resource of type ``expected``; every problem with its path.

    Args:
        data: Parsed JSON.
        expected: The resource type it must be.
        root: The path prefix (default: the resource type).

    """
    root = expected if root is None else root
    if not isinstance(data, dict):
        return [FhirProblem(root, f"must be a {expected} resource (a JSON object)")]
    actual = data.get("resourceType")
    if actual != expected:
        return [FhirProblem(f"{root}.resourceType", f"must be {expected!r}, got {actual!r}")]
    from pydantic import ValidationError

    try:
        _model(expected).model_validate(data)
    except ValidationError as error:
        return [
            FhirProblem(fhir_path(root, tuple(e["loc"])), str(e["msg"]))
            for e in error.errors(include_url=False)
        ]
    return []
