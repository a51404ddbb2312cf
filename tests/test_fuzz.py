"""Fuzzing the public loading API and the JSON Lines reader: only the documented errors escape.

Documents come from the case schema itself (``hypothesis-jsonschema``), from the
schema's documents with one value replaced by arbitrary JSON, from arbitrary
JSON, and from arbitrary text and bytes. Whatever comes in, the loading API
gives a case or raises :class:`~lbp_spec.InvalidCaseError` (an advice:
:class:`~lbp_spec.contract.InvalidAdviceError`), and the batch reader numbers
every line as a byte-level split at line feeds would.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lbp_spec import Case, InvalidCaseError, cli
from lbp_spec.contract import (
    InvalidAdviceError,
    case_from_json,
    case_schema,
    load_advice,
    load_case,
    load_cases,
)
from lbp_spec.contract.codec import read_lines

hypothesis_jsonschema = pytest.importorskip("hypothesis_jsonschema")

SCHEMA_CASES = hypothesis_jsonschema.from_schema(case_schema())

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)

BIG_NUMBERS = st.sampled_from(
    ["1" * 5000, "-" + "9" * 4400, "1e999", "-1e400", "1E+309", "0.5e-999"]
)


def loads_or_documented_error(doc: Any) -> None:
    """case_from_json and load_case give a case or raise InvalidCaseError, nothing else."""
    for load in (case_from_json, lambda d: load_case(json.dumps(d))):
        try:
            result: object = load(doc)
        except InvalidCaseError as error:
            result = error
        assert isinstance(result, Case | InvalidCaseError)


_SCHEMA_SETTINGS = settings(
    max_examples=500,  # the schema's strategy is slow to draw from; 500 keeps CI within time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@_SCHEMA_SETTINGS
@given(SCHEMA_CASES)
def test_documents_from_the_case_schema(doc: dict[str, Any]) -> None:
    """A document the case schema allows: a case, or InvalidCaseError (a cross-field rule)."""
    loads_or_documented_error(doc)


@_SCHEMA_SETTINGS
@given(SCHEMA_CASES, st.data())
def test_schema_documents_with_one_value_replaced(doc: dict[str, Any], data: st.DataObject) -> None:
    """A schema document with one field set to arbitrary JSON: never another exception."""
    key = data.draw(st.sampled_from([*sorted(doc), "unknown", "id"]))
    doc = {**doc, key: data.draw(JSON)}
    loads_or_documented_error(doc)


@given(JSON)
def test_arbitrary_json(doc: Any) -> None:
    """Any JSON value at all: a case or InvalidCaseError."""
    loads_or_documented_error(doc)


@given(st.text(max_size=200), BIG_NUMBERS)
def test_arbitrary_text(text: str, number: str) -> None:
    """Any text (and text holding a huge number): InvalidCaseError / InvalidAdviceError only."""
    for candidate in (text, f'{{"nprs": {number}, "x": {json.dumps(text)}}}', f"[{number}]"):
        with pytest.raises(InvalidCaseError):
            load_case(candidate)
        with pytest.raises(InvalidAdviceError):
            load_advice(candidate)


# -- the batch reader ---------------------------------------------------------------------------

LINE_PARTS = st.sampled_from(
    [
        b"{}",
        b" ",
        b"\r",
        b"\xff",
        b"\xe2\x80\xa8",  # U+2028
        b"\xe2\x80\xa9",  # U+2029
        b'"\xc3\xa9"',
        b'{"contract_version": "2.0", "consultation": "initial", "discipline": '
        b'"physical_therapist", "need_for_assistance": true, "lrs": false, "nprs": 4}',
        b"[[[[",
        b"1" * 50,
    ]
)
LINES = st.lists(st.lists(LINE_PARTS, max_size=4).map(b"".join), max_size=8)


@given(LINES, st.booleans())
def test_read_lines_numbers_like_a_byte_split(lines: list[bytes], final_newline: bool) -> None:
    """read_lines yields the non-blank lines of a split at line feeds, with their numbers."""
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    expected = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    got = list(read_lines(io.BytesIO(data)))
    assert expected == [n for n, _ in got]
    assert all(isinstance(r, str | InvalidCaseError) for _, r in got)


@given(LINES)
def test_load_cases_numbers_like_a_split(lines: list[bytes]) -> None:
    """load_cases on decodable text numbers records as a split at line feeds does."""
    text = b"\n".join(lines).decode("utf-8", "replace")
    expected = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    assert expected == [n for n, _ in load_cases(text)]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(LINE_PARTS, min_size=1, max_size=3).map(b"".join), min_size=2, max_size=6))
def test_evaluate_batch_answers_every_record_in_place(lines: list[bytes]) -> None:
    """lbp-spec evaluate on JSON Lines: one output line per non-blank input line, by number."""
    good = json.dumps(
        {
            "contract_version": "2.0",
            "consultation": "initial",
            "discipline": "physical_therapist",
            "need_for_assistance": True,
            "lrs": False,
            "nprs": 4,
        }
    ).encode()
    data = b"\n".join([good, *lines, good]) + b"\n"
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        status = cli.main(["evaluate"])
        out = sys.stdout.getvalue()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    expected = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    assert (True, expected) == (
        status in (cli.ExitCode.OK, cli.ExitCode.CHECK_FAILED),
        [json.loads(line)["line"] for line in out.splitlines()],
    )
