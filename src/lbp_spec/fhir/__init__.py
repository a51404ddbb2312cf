"""FHIR R4: the intake Questionnaire, QuestionnaireResponse and Observations to and from a case.

Needs the optional dependencies (``pip install 'lbp-spec[fhir]'``) to validate
FHIR resources; generating the Questionnaire needs nothing more than the core.
This package imports the core and is never imported by it.

* :func:`questionnaire` is the intake Questionnaire, generated from the case vocabulary.
* :func:`case_to_response` and :func:`read_response` map a case to a
  QuestionnaireResponse and back; :func:`partial_to_response` writes a partial
  case, its unknown inputs marked not known (:mod:`lbp_spec.fhir.absent`).
* :func:`case_observations` writes the coded fields as standalone Observations
  (codes and their sources in :mod:`lbp_spec.fhir.codes`).
* :func:`read_bundle` and :func:`read_resources` read a Bundle (or the
  resources of a CDS Hooks prefetch) into a case, or every problem with its FHIR path.
"""

from __future__ import annotations

from lbp_spec.fhir.bundle import CaseReading, read_bundle, read_resources
from lbp_spec.fhir.codes import OBSERVATION_CODES, ObservationCode
from lbp_spec.fhir.models import FHIR_VERSION, FhirProblem, MissingExtraError, validate
from lbp_spec.fhir.observations import case_observations
from lbp_spec.fhir.questionnaire import (
    QUESTIONNAIRE_URL,
    answer_system,
    case_to_response,
    partial_to_response,
    questionnaire,
    read_response,
)

__all__ = [
    "FHIR_VERSION",
    "OBSERVATION_CODES",
    "QUESTIONNAIRE_URL",
    "CaseReading",
    "FhirProblem",
    "MissingExtraError",
    "ObservationCode",
    "answer_system",
    "case_observations",
    "case_to_response",
    "partial_to_response",
    "questionnaire",
    "read_bundle",
    "read_resources",
    "read_response",
    "validate",
]
