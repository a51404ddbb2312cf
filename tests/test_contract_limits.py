"""The contract under hostile input: huge numbers, deep nesting, huge documents, ids, the reader.

Every way a document can be wrong ends in the documented error
(:class:`~lbp_spec.InvalidCaseError`, naming the field), at bounded cost.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from lbp_spec import InvalidCaseError
from lbp_spec.contract import (
    InvalidAdviceError,
    advice_to_json,
    batch_line,
    batch_schema,
    case_from_json,
    case_id,
    case_schema,
    load_advice,
    load_case,
    load_cases,
    parse_json,
)
from lbp_spec.contract.codec import (
    LIMITS,
    MAX_DEPTH,
    MAX_DOCUMENT_BYTES,
    MAX_ID_LENGTH,
    MAX_PROBLEMS,
    read_lines,
)
from lbp_spec.contract.shape import OutOfRange, show
from lbp_spec.errors import Problem
from lbp_spec.evaluator import evaluate

GOOD: dict[str, Any] = {
    "contract_version": "2.0",
    "consultation": "initial",
    "discipline": "physical_therapist",
    "need_for_assistance": True,
    "lrs": False,
    "nprs": 4,
}
TEXT = json.dumps(GOOD)


def problems_of(text: str) -> list[tuple[str, str]]:
    """The (path, message) of every problem ``load_case(text)`` raises."""
    with pytest.raises(InvalidCaseError) as caught:
        load_case(text)
    return [(p.path, p.message) for p in caught.value.problems]


def with_nprs(raw: str) -> str:
    """The good case with ``nprs`` written as ``raw``."""
    return TEXT.replace('"nprs": 4', f'"nprs": {raw}')


@pytest.mark.parametrize(
    "raw",
    ["1" * 5000, "-" + "9" * 4301, "1e999", "-1e999", "1" + "0" * 400 + ".0", "1E400"],
)
def test_huge_numbers_are_field_errors(raw: str) -> None:
    """A number too large to represent is an out-of-range problem at its field, not a crash."""
    assert [("nprs", True)] == [
        (path, "far out of range" in m) for path, m in problems_of(with_nprs(raw))
    ]


def test_huge_number_in_a_float_field() -> None:
    """A float field (a distance) given 1e999 or a 5,000-digit integer names that field."""
    for raw in ("1e999", "7" * 5000):
        text = TEXT[:-1] + f', "lrs": true, "finger_floor_distance_cm": {raw}}}'
        text = text.replace('"lrs": false, ', "")
        paths = [path for path, _ in problems_of(text)]
        assert ["finger_floor_distance_cm"] == paths


def test_huge_python_numbers_through_the_api() -> None:
    """case_from_json with a Python int of 5,000 digits or a NaN float: InvalidCaseError."""
    for value in (10**5000, -(10**5000), float("nan"), float("inf")):
        with pytest.raises(InvalidCaseError) as caught:
            case_from_json({**GOOD, "nprs": value})
        assert ["nprs"] == [p.path for p in caught.value.problems]


def test_nan_distance_through_the_api_is_rejected() -> None:
    """A NaN in a float field, which JSON cannot carry but Python can, is not a valid case."""
    doc = {**GOOD, "lrs": True, "finger_floor_distance_cm": float("nan")}
    with pytest.raises(InvalidCaseError) as caught:
        case_from_json(doc)
    assert ["finger_floor_distance_cm"] == [p.path for p in caught.value.problems]


def test_show_never_fails() -> None:
    """Problem messages render a huge int, a foreign object and a failing repr without raising."""

    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert ("an integer of about 5001 digits", "<Hostile>") == (show(10**5000), show(Hostile()))


def test_non_string_and_foreign_keys_through_the_api() -> None:
    """case_from_json with an int key, a tuple key and a huge key: field errors, bounded paths."""
    doc: dict[Any, Any] = {**GOOD, 7: 1, (1, 2): 3, "x" * 10_000: 0}
    with pytest.raises(InvalidCaseError) as caught:
        case_from_json(doc)
    paths = [p.path for p in caught.value.problems]
    assert (3, True) == (len(paths), all(len(p) <= 60 for p in paths))


@pytest.mark.parametrize("depth", [MAX_DEPTH, 500, 100_000])
def test_deep_nesting_is_rejected_by_name(depth: int) -> None:
    """Nesting of MAX_DEPTH + 1 levels (or far more) is one problem at the document."""
    text = TEXT[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    assert [("", f"not valid JSON: nested deeper than {MAX_DEPTH} levels")] == problems_of(text)


def test_nesting_within_the_limit_is_read() -> None:
    """Nesting of exactly MAX_DEPTH levels is read (the unknown field is the only problem)."""
    text = TEXT[:-1] + ', "x": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert ["x"] == [path for path, _ in problems_of(text)]


def test_oversized_document_is_rejected_unread() -> None:
    """A text longer than MAX_DOCUMENT_BYTES is one problem, whatever it holds."""
    text = TEXT[:-1] + ', "x": "' + "é" * (MAX_DOCUMENT_BYTES // 2) + '"}'
    [(path, message)] = problems_of(text)
    assert ("", True) == (path, "longer than" in message)


def test_problems_are_capped() -> None:
    """Thousands of unknown fields: the first MAX_PROBLEMS, then one saying how many more."""
    doc = {**GOOD, **{f"unknown{i}": i for i in range(5000)}}
    with pytest.raises(InvalidCaseError) as caught:
        case_from_json(doc)
    problems = caught.value.problems
    assert (MAX_PROBLEMS + 1, "unknown0") == (len(problems), problems[0].path)
    assert (
        Problem("", f"and 4900 more problem(s), not listed (at most {MAX_PROBLEMS} are)")
        == (problems[-1])
    )


def test_a_document_of_unknown_keys_costs_little() -> None:
    """The largest document read, all unknown keys: rejected in well under a minute, little memory.

    (A generous bound on one run, not a speed claim: before the caps, 100 MB took 14 minutes.)
    """
    keys = ",".join(f'"k{i}":0' for i in range(MAX_DOCUMENT_BYTES // 12))
    text = "{" + keys + "}"
    tracemalloc.start()
    started = time.perf_counter()
    problems = problems_of(text)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (MAX_PROBLEMS + 1, True, True) == (len(problems), seconds < 60, peak < 500_000_000)


def test_byte_order_mark_is_named() -> None:
    """A document starting with a BOM is reported as such, not as 'Expecting value'."""
    [(path, message)] = problems_of("\ufeff" + TEXT)
    assert ("", True) == (path, "byte order mark" in message)


def test_load_advice_not_json_is_invalid_advice() -> None:
    """load_advice on text that is not JSON raises InvalidAdviceError naming the position."""
    with pytest.raises(InvalidAdviceError) as caught:
        load_advice("not json")
    assert [("", "not valid JSON: Expecting value at line 1, column 1")] == [
        (p.path, p.message) for p in caught.value.problems
    ]


def test_duplicate_key_named_is_the_duplicate_one() -> None:
    """The duplicate key reported is the one repeated, not the first key of the object."""
    text = TEXT[:-1] + ', "lrs": true}'
    assert [("", 'not valid JSON: duplicate key "lrs" in an object')] == problems_of(text)


# -- the case id ---------------------------------------------------------------------------------


def test_case_id_is_read_and_informative() -> None:
    """A case may carry an id: the case reads as without it, and case_id gives it back."""
    doc = {**GOOD, "id": "patient-17/visit-2"}
    assert (case_from_json(GOOD), "patient-17/visit-2") == (case_from_json(doc), case_id(doc))


def test_case_id_is_set_aside_by_the_general_reader_too() -> None:
    """A document the plain reader leaves to the general one keeps its valid id out of it.

    ``4.0`` for an integer is not a plain spelling, yet valid; ``11`` is out of range:
    either way the id is neither a field of the case nor a problem.
    """
    assert case_from_json({**GOOD, "nprs": 4}) == case_from_json({**GOOD, "nprs": 4.0, "id": "a"})
    with pytest.raises(InvalidCaseError) as caught:
        case_from_json({**GOOD, "nprs": 11, "id": "a"})
    assert ["nprs"] == [p.path for p in caught.value.problems]


@pytest.mark.parametrize("raw", ["", "x" * (MAX_ID_LENGTH + 1), 17, None, ["a"]])
def test_bad_case_id_is_a_field_error(raw: object) -> None:
    """An id that is not a string of 1 to MAX_ID_LENGTH characters is a problem at 'id'."""
    with pytest.raises(InvalidCaseError) as caught:
        case_from_json({**GOOD, "id": raw})
    assert (["id"], None) == ([p.path for p in caught.value.problems], case_id({"id": raw}))


def test_batch_line_pairs_answer_and_input() -> None:
    """A batch line carries the input line number and id, and the advice or the problems."""
    advice = evaluate(case_from_json(GOOD))
    error = InvalidCaseError([Problem("nprs", "must be 0 to 10, got 11")])
    assert {"line": 3, "id": "a", "advice": advice_to_json(advice)} == batch_line(3, "a", advice)
    assert {
        "line": 4,
        "id": None,
        "error": {"problems": [{"path": "nprs", "message": "must be 0 to 10, got 11"}]},
    } == batch_line(4, None, error)


# -- the JSON Lines reader ---------------------------------------------------------------------


def read(data: bytes) -> list[tuple[int, str]]:
    """Each record of ``data`` as (line number, the text or 'error: <problem>')."""
    return [
        (n, f"error: {r.problems[0].message}" if isinstance(r, InvalidCaseError) else r)
        for n, r in read_lines(io.BytesIO(data))
    ]


def test_reader_non_utf8_line_is_an_error_for_that_line_only() -> None:
    """A line that is not UTF-8 is an error for that line; the lines around it are read."""
    data = b"{}\n{\xff}\n\n[]\n"
    assert [
        (1, "{}"),
        (2, "error: not UTF-8 text: byte 2 of the line (invalid start byte)"),
        (4, "[]"),
    ] == read(data)


def test_reader_splits_on_line_feed_only() -> None:
    """A carriage return inside a record and U+2028/U+2029 in a string do not shift numbers."""
    data = '{"a": 1}\r\n{"b":\r 2}\n{"c": "x\u2028y\u2029z"}\n{"d": 4}'.encode()
    assert [1, 2, 3, 4] == [n for n, _ in read(data)]
    assert '{"d": 4}' == read(data)[-1][1]


def test_reader_skips_an_overlong_line_with_bounded_memory() -> None:
    """A line longer than MAX_DOCUMENT_BYTES is an error for that line, never held whole."""
    data = b"{}\n" + b" " * (3 * MAX_DOCUMENT_BYTES) + b"{}\n{}\n"
    tracemalloc.start()
    records = read(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [1, 2, 3] == [n for n, _ in records]
    assert (True, True) == ("longer than" in records[1][1], peak < 3 * MAX_DOCUMENT_BYTES)


def test_load_cases_text_splits_on_line_feed_only() -> None:
    """load_cases on a text: a record holding U+2028 in a string keeps later numbers right."""
    bad = TEXT.replace('"initial"', '"ini\u2028tial"')
    numbers = [n for n, _ in load_cases(f"{bad}\n{TEXT}\n")]
    assert [1, 2] == numbers


def test_parse_json_accepts_what_it_should() -> None:
    """Long but representable integers, and floats like 1e308, still parse as numbers."""
    assert [int("9" * 4000), 1e308] == parse_json("[" + "9" * 4000 + ", 1e308]")


def test_batch_schema_accepts_batch_lines() -> None:
    """Both kinds of batch line validate against the batch schema; a line with both does not."""
    validator = Draft202012Validator(batch_schema())
    advice = batch_line(1, "a", evaluate(case_from_json(GOOD)))
    error = batch_line(2, None, InvalidCaseError([Problem("", "not valid JSON: x")]))
    both = {**advice, "error": error["error"]}
    assert (True, True, False) == tuple(validator.is_valid(x) for x in (advice, error, both))


def test_case_schema_describes_the_id() -> None:
    """The case schema accepts a case with an id and rejects an over-long one, like the codec."""
    validator = Draft202012Validator(case_schema())
    good, long = {**GOOD, "id": "x"}, {**GOOD, "id": "x" * (MAX_ID_LENGTH + 1)}
    assert (True, False) == (validator.is_valid(good), validator.is_valid(long))


def test_deep_objects_are_rejected_too() -> None:
    """Objects nested past the limit (no arrays at all) are caught like arrays."""
    inner = '{"a": ' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    text = TEXT[:-1] + f', "x": {inner}}}'
    assert [("", f"not valid JSON: nested deeper than {MAX_DEPTH} levels")] == problems_of(text)


def test_a_large_document_under_the_limit_is_read() -> None:
    """600,000 bytes (over a quarter of the limit, under the limit) is read: its field is named."""
    text = TEXT[:-1] + ', "x": "' + "a" * 600_000 + '"}'
    assert ["x"] == [path for path, _ in problems_of(text)]


def test_exactly_max_problems_are_all_listed() -> None:
    """MAX_PROBLEMS problems are listed as they are, with no 'more' line."""
    doc = {**GOOD, **{f"unknown{i}": i for i in range(MAX_PROBLEMS)}}
    with pytest.raises(InvalidCaseError) as caught:
        case_from_json(doc)
    assert (MAX_PROBLEMS, "unknown99") == (
        len(caught.value.problems),
        caught.value.problems[-1].path,
    )


@pytest.mark.parametrize("length", [1, MAX_ID_LENGTH])
def test_case_ids_at_the_bounds_are_accepted(length: int) -> None:
    """Ids of 1 and of MAX_ID_LENGTH characters are valid."""
    doc = {**GOOD, "id": "x" * length}
    assert ("x" * length, case_from_json(GOOD)) == (case_id(doc), case_from_json(doc))


def test_reader_line_length_bounds() -> None:
    """A line of exactly MAX_DOCUMENT_BYTES is read; one byte more is 'longer than'."""
    exact = b'"' + b"a" * (MAX_DOCUMENT_BYTES - 2) + b'"'
    over = b'"' + b"a" * (MAX_DOCUMENT_BYTES - 1) + b'"'
    far = b'"' + b"a" * (MAX_DOCUMENT_BYTES + 5) + b'"'
    records = read(exact + b"\n" + over + b"\n" + far + b"\n{}")
    assert [MAX_DOCUMENT_BYTES, True, True, "{}"] == [
        len(records[0][1]),
        "longer than" in records[1][1] or "longer than" in problems_of(records[1][1])[0][1],
        "longer than" in records[2][1],
        records[3][1],
    ]
    assert "longer than" not in problems_of(records[0][1])[0][1]


def test_reader_last_line_without_line_feed_at_the_limit() -> None:
    """A last line of exactly MAX_DOCUMENT_BYTES with no final line feed is read, not skipped."""
    exact = b'"' + b"a" * (MAX_DOCUMENT_BYTES - 2) + b'"'
    [(number, text)] = read(b"\n" + exact)
    assert (2, MAX_DOCUMENT_BYTES) == (number, len(text))


def test_the_limits_are_the_documented_ones() -> None:
    """The limits are part of the contract (documented, in the schema's description): pinned."""
    assert {"max_document_bytes": 1_000_000, "max_depth": 64, "max_problems": 100} == LIMITS


def test_an_integer_past_the_digit_limit_is_not_converted() -> None:
    """4,000 digits are converted to a number; 4,001 are left as text, 'far out of range'."""
    [at_limit] = parse_json("[" + "9" * 4000 + "]")  # type: ignore[misc]
    [past] = parse_json("[" + "9" * 4001 + "]")  # type: ignore[misc]
    assert (int, OutOfRange) == (type(at_limit), type(past))


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    """A shallow document with many brackets in a string is read (only real nesting is too deep)."""
    text = json.dumps({**GOOD, "id": "[" * 100 + "{" * 50})
    assert "[" * 100 + "{" * 50 == case_id(parse_json(text))
    assert case_from_json(GOOD) == load_case(text)


def test_reader_ends_on_an_overlong_last_line_without_line_feed() -> None:
    """An over-long last line with no final line feed is one error, and the reading ends."""
    data = b"{}\n" + b" " * (2 * MAX_DOCUMENT_BYTES)
    records = read(data)
    assert [1, 2] == [n for n, _ in records]
    assert f"(at least {2 * MAX_DOCUMENT_BYTES})" in records[1][1]


def test_reader_and_parser_share_the_rejection_at_the_limit() -> None:
    """One byte over is read and rejected by the parser; two bytes over, skipped by the reader.

    The reader holds at most ``MAX_DOCUMENT_BYTES + 1`` bytes of a line (a document one
    byte over the limit, whose size the parser then names); past that it skips the
    line and reports the size it counted.
    """
    one_over = b'"' + b"a" * (MAX_DOCUMENT_BYTES - 1) + b'"'
    two_over = b'"' + b"a" * MAX_DOCUMENT_BYTES + b'"'
    records = read(one_over + b"\n" + two_over + b"\n" + one_over)
    parsed = [problems_of(text)[0][1] for _, text in records if not text.startswith("error:")]
    skipped = [text for _, text in records if text.startswith("error:")]
    limit = f"longer than {MAX_DOCUMENT_BYTES} bytes"
    assert [f"the document is {limit}; not read"] * 2 == parsed
    assert [f"error: {limit} (at least {MAX_DOCUMENT_BYTES + 3}); not read"] == skipped
