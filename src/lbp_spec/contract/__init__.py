"""The JSON contract: a case and its advice as versioned JSON documents, with JSON Schemas.

Vendors send cases and read advices in this form; the field names and
vocabulary strings are public API (see :mod:`lbp_spec.vocabulary`). Every
document carries ``"contract_version"`` (:data:`~lbp_spec.contract.CONTRACT_VERSION`).

* :func:`~lbp_spec.case_from_json` / :func:`~lbp_spec.case_to_json` and
  :func:`~lbp_spec.advice_from_json` / :func:`~lbp_spec.advice_to_json` convert
  parsed JSON values; reading validates
  everything and names every problem by its field path.
* :func:`~lbp_spec.load_case`, :func:`load_advice` and :func:`load_cases` (JSON Lines)
  read text.
* :func:`case_schema` and :func:`advice_schema` give the JSON Schemas (draft
  2020-12), generated from the same shapes the codec reads with.
"""

from __future__ import annotations

from lbp_spec.contract.codec import (
    InvalidAdviceError,
    advice_from_json,
    advice_to_json,
    batch_line,
    case_from_json,
    case_id,
    case_to_json,
    load_advice,
    load_case,
    load_cases,
    load_partial_case,
    parse_json,
    partial_case_from_json,
    partial_case_to_json,
)
from lbp_spec.contract.documents import CONTRACT_VERSION, SUPPORTED_VERSIONS
from lbp_spec.contract.schema import (
    SCHEMA_NAMES,
    advice_schema,
    batch_schema,
    case_schema,
    schema_text,
)

__all__ = [
    "CONTRACT_VERSION",
    "SCHEMA_NAMES",
    "SUPPORTED_VERSIONS",
    "InvalidAdviceError",
    "advice_from_json",
    "advice_schema",
    "advice_to_json",
    "batch_line",
    "batch_schema",
    "case_from_json",
    "case_id",
    "case_schema",
    "case_to_json",
    "load_advice",
    "load_case",
    "load_cases",
    "load_partial_case",
    "parse_json",
    "partial_case_from_json",
    "partial_case_to_json",
    "schema_text",
]
