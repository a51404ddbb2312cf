"""The conformance kit: prove that an implementation gives the guideline's advice.

A vendor's implementation *conforms* when, for every case, its advice agrees with
the guideline's on every normative field (:data:`NORMATIVE_FIELDS`); the trace,
the resolutions and the rules behind each strength are informative and never
compared (:data:`INFORMATIVE_FIELDS`). Set-valued fields are compared as sets.

The kit has three parts:

* **the suite** (:func:`generate`, :func:`write_suite`, :func:`load_suite`): a
  versioned directory of vectors, each a case with its expected normative
  advice, covering every rule firing and not firing (MC/DC over every atomic
  condition, found with Z3), both sides of every threshold, every declared
  resolution, every reachable value of every normative field, and a seeded
  random sample;
* **the checker** (:func:`check_program`, :func:`check_answers_file`,
  :func:`check_replies`, rendered by :func:`report_text` and
  :func:`report_json`): runs a vendor's program (one case per run, or batch
  JSON Lines) or reads a file of answers, and reports each vector's outcome, and
  for each disagreement the field, the expected and actual values and the rules
  (with their quotes) behind the expected value;
* **for Python vendors** (:func:`find_disagreement`, :func:`assert_conforms`):
  property tests of a Python function against the reference, shrinking any
  disagreement to a minimal case.

The suite's directory layout is described in :mod:`lbp_spec.conformance.suite`:
``manifest.json`` (contract version, suite version = contract version + content
hash, guideline, counts per group, generator settings including the random seed,
and what no valid case can reach), ``vectors.jsonl`` (one vector per line:
``id`` ``group/name``, ``group``, ``covers``, ``rules``, ``case``,
``expected``) and ``cases.jsonl`` (the cases alone, in the same order). The same
rules and settings give the same bytes.
"""

from __future__ import annotations

from lbp_spec.conformance.answers import AnswerError, ErrorKind, read_answer
from lbp_spec.conformance.checker import (
    Disagreement,
    Outcome,
    Report,
    VectorResult,
    check_answers_file,
    check_program,
    check_replies,
)
from lbp_spec.conformance.fields import (
    INFORMATIVE_FIELDS,
    NORMATIVE_FIELDS,
    FieldKind,
    NormativeField,
    normative_json,
)
from lbp_spec.conformance.fuzz import (
    Counterexample,
    NonConformanceError,
    assert_conforms,
    find_disagreement,
)
from lbp_spec.conformance.report import report_json, report_text
from lbp_spec.conformance.runner import Program, ProgramError
from lbp_spec.conformance.skips import Skip, SkipList, SkipListError, load_skips, parse_skips
from lbp_spec.conformance.suite import (
    Suite,
    SuiteError,
    Vector,
    existing_files,
    generate,
    load_suite,
    random_suite,
    suite_from_cases,
    write_suite,
)

__all__ = [
    "INFORMATIVE_FIELDS",
    "NORMATIVE_FIELDS",
    "AnswerError",
    "Counterexample",
    "Disagreement",
    "ErrorKind",
    "FieldKind",
    "NonConformanceError",
    "NormativeField",
    "Outcome",
    "Program",
    "ProgramError",
    "Report",
    "Skip",
    "SkipList",
    "SkipListError",
    "Suite",
    "SuiteError",
    "Vector",
    "VectorResult",
    "assert_conforms",
    "check_answers_file",
    "check_program",
    "check_replies",
    "existing_files",
    "find_disagreement",
    "generate",
    "load_skips",
    "load_suite",
    "normative_json",
    "parse_skips",
    "random_suite",
    "read_answer",
    "report_json",
    "report_text",
    "suite_from_cases",
    "write_suite",
]
