"""Reading vendors' answers fast: the fast path agrees with the library's reader, always."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lbp_spec import Case, advice_to_json, evaluate
from lbp_spec.conformance import NORMATIVE_FIELDS, AnswerError, ErrorKind, read_answer
from lbp_spec.conformance.answers import (
    agrees,
    agrees_parsed,
    canonical,
    differences,
    read_envelope,
)
from lbp_spec.conformance.fields import FieldKind, normative_json
from lbp_spec.contract import load_advice
from lbp_spec.errors import InvalidCaseError
from lbp_spec.strategies import cases


def advice_doc(case: Case) -> dict[str, Any]:
    """The full advice document the reference gives ``case``."""
    return advice_to_json(evaluate(case))


def library_accepts(text: str) -> bool:
    """Whether the library's strict reader accepts ``text`` as an advice."""
    try:
        load_advice(text)
    except InvalidCaseError:
        return False
    return True


# -- broken documents, for the differential test -------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=12),
    st.sampled_from([1.0, 2.5, 3.0, -1.0]),
    st.sampled_from(
        ["", "routine", "consider", "do", "general_practitioner", "x", "lasegue_tests"]
    ),
    st.lists(st.sampled_from(["reflexes", "reflexes", "bogus", "saddle_numbness"]), max_size=3),
    # Fresh objects each time (never st.just of a mutable value: the edits below mutate).
    st.builds(dict),
    st.builds(lambda: {"to": "general_practitioner", "urgency": "immediate"}),
    st.builds(lambda: [3, None]),
    st.builds(lambda: [6, 3]),
    st.builds(lambda: [True, 4]),
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for key, value in doc.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out.extend(_paths(value, (*prefix, i)))
    return out


@st.composite
def broken(draw: st.DrawFn) -> str:
    """An advice document of the reference with a few random edits (often invalid)."""
    doc = advice_doc(draw(cases()))
    if draw(st.booleans()):
        doc = normative_json(doc)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add", "duplicate_item"]))
        last = path[-1]
        if action == "replace":
            parent[last] = draw(JUNK)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "rules", "strength", "to", "trace"]))] = draw(
                JUNK
            )
        elif action == "duplicate_item" and isinstance(parent[last], list) and parent[last]:
            parent[last] = [*parent[last], parent[last][0]]
    return json.dumps(doc)


@given(broken())
def test_fast_reader_agrees_with_the_library(text: str) -> None:
    """read_answer rejects exactly what load_advice rejects, and reads the same normative advice."""
    answer = read_answer(text)
    accepted = library_accepts(text)
    assert accepted == (not isinstance(answer, AnswerError))
    if accepted:
        assert canonical(advice_to_json(load_advice(text))) == answer


@given(cases(), broken())
def test_agrees_is_sound(case: Case, text: str) -> None:
    """agrees() says "agrees" only for valid answers equal to the expected normative advice."""
    expected = normative_json(advice_doc(case))
    verdict = agrees(text, expected)
    if verdict is None:
        assert library_accepts(text)
        assert canonical(expected) == canonical(json.loads(text))


@given(cases())
def test_reference_answers_agree(case: Case) -> None:
    """The reference's own advice, full or normative, compact or pretty, agrees with itself."""
    doc = advice_doc(case)
    expected = normative_json(doc)
    for text in (
        json.dumps(doc),
        json.dumps(expected, indent=2),
        json.dumps(doc, separators=(",", ":")),
    ):
        assert agrees(text, expected) is None


def test_sets_in_another_order_agree() -> None:
    """A set field written in another order is the same value (compared as a set)."""
    expected = normative_json(advice_doc(Case(lrs=True)))
    answer = json.loads(json.dumps(expected))
    answer["education"].reverse()
    verdict = agrees(json.dumps(answer), expected)
    assert isinstance(verdict, tuple)
    assert canonical(expected) == verdict


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("profile", True, ErrorKind.INVALID_ADVICE),
        ("physiotherapy_indicated", 1, ErrorKind.INVALID_ADVICE),
        ("session_limit", True, ErrorKind.INVALID_ADVICE),
        ("profile", 7, ErrorKind.INVALID_ADVICE),
        ("education", ["unclear_origin", "unclear_origin"], ErrorKind.INVALID_ADVICE),
    ],
)
def test_true_is_not_one(field: str, value: Any, kind: ErrorKind) -> None:
    """JSON true never passes for 1 (nor 1 for true), though Python says True == 1."""
    expected = normative_json(advice_doc(Case()))
    answer = {**expected, field: value}
    verdict = agrees(json.dumps(answer), expected)
    assert isinstance(verdict, AnswerError)
    assert kind == verdict.kind
    assert any(p.startswith(field) for p in verdict.problems)


def test_duplicate_keys_are_invalid_json() -> None:
    """A duplicate key, which a parsed value cannot show, is caught from the text."""
    expected = normative_json(advice_doc(Case()))
    text = json.dumps(expected)
    doubled = text.replace('"profile": 1', '"profile": 1, "profile": 1')
    assert doubled != text
    verdict = agrees(doubled, expected)
    assert isinstance(verdict, AnswerError)
    assert ErrorKind.INVALID_JSON == verdict.kind
    assert "duplicate key" in verdict.message


@pytest.mark.parametrize("text", ["", "not json", '{"profile": NaN}', "[1, 2", "null"])
def test_not_an_advice(text: str) -> None:
    """Garbage is invalid JSON, or JSON that is not an advice; never an agreement."""
    verdict = read_answer(text)
    assert isinstance(verdict, AnswerError)
    assert verdict.kind in (ErrorKind.INVALID_JSON, ErrorKind.INVALID_ADVICE)


def test_differences_name_the_field() -> None:
    """A referral that differs only in urgency, or only in mode, is reported at that part."""
    expected = canonical(advice_doc(Case(lrs=True, nprs=9)))
    doc = advice_doc(Case(lrs=True, nprs=9))
    doc["referral"]["urgency"] = "immediate"
    found = differences(expected, canonical(doc))
    assert [("referral.urgency", "not_stated", "immediate")] == [(p, e, a) for p, _, e, a in found]
    doc = advice_doc(Case(lrs=True, nprs=9))
    doc["referral"]["mode"] = "alongside_treatment"
    found = differences(expected, canonical(doc))
    assert [("referral.mode", "instead_of_treatment", "alongside_treatment")] == [
        (p, e, a) for p, _, e, a in found
    ]


def test_every_normative_field_is_compared() -> None:
    """Changing any one normative field of an answer makes it disagree (no field is ignored)."""
    expected = normative_json(advice_doc(Case(lrs=True, nprs=5)))
    replacements: dict[FieldKind, Any] = {
        FieldKind.FLAG: None,
        FieldKind.NUMBER: 2,
        FieldKind.CHOICE: "offer",
        FieldKind.REFERRAL: {
            "to": "general_practitioner",
            "urgency": "immediate",
            "mode": "instead_of_treatment",
        },
        FieldKind.WINDOW: [1, 99],
        FieldKind.SET: [],
    }
    for f in NORMATIVE_FIELDS:
        answer = json.loads(json.dumps(expected))
        head, _, rest = f.path.partition(".")
        holder = answer if not rest else answer[head]
        key = head if not rest else rest.split(".")[0]
        if f.kind is FieldKind.FLAG:
            if head == "neurological_examination":
                continue  # required is tied to components; covered by the set below
            holder[key] = not holder[key]
        elif f.kind is FieldKind.CHOICE:
            holder[key]["strength"] = "offer" if holder[key]["strength"] != "offer" else "do_not"
        elif f.kind is FieldKind.SET and not holder[key]:
            holder[key] = [f.vocabulary.__members__[next(iter(f.vocabulary.__members__))].value]  # type: ignore[union-attr]
        else:
            holder[key] = replacements[f.kind]
        verdict = agrees(json.dumps(answer), expected)
        assert verdict is not None, f.path


# -- hostile answers, and the mutants of the fast path they kill -----------------------------------


def expected_and_text() -> tuple[dict[str, Any], str]:
    """The expected normative advice of a plain case and a compact answer agreeing with it."""
    expected = normative_json(advice_doc(Case()))
    return expected, json.dumps(expected, separators=(",", ":"))


@pytest.mark.parametrize("space", [" ", "\t", "\n", "\r", "  \n "])
def test_duplicate_keys_with_whitespace_before_the_colon(space: str) -> None:
    """A repeated key written with whitespace before its colon is never accepted."""
    expected, text = expected_and_text()
    doubled = text.replace('"profile":1', f'"profile"{space}:3,"profile":1')
    assert doubled != text
    for verdict in (agrees(doubled, expected), read_answer(doubled)):
        assert isinstance(verdict, AnswerError)
        assert (ErrorKind.INVALID_JSON, True) == (verdict.kind, "duplicate key" in verdict.message)


def test_duplicate_keys_without_backslash_are_caught_by_the_count() -> None:
    """No backslash, a key repeated: the key count alone must reject it (the 'and', not 'or')."""
    expected, text = expected_and_text()
    doubled = text.replace('"profile":1', '"profile":1,"profile":1')
    assert ("\\" in doubled, True) == (False, isinstance(agrees(doubled, expected), AnswerError))


def test_whitespace_before_a_colon_without_duplicates_agrees() -> None:
    """Whitespace before a colon is valid JSON: without a repeated key the answer agrees."""
    expected, text = expected_and_text()
    spaced = text.replace('"profile":1', '"profile" :1')
    assert (None, False) == (agrees(spaced, expected), isinstance(read_answer(spaced), AnswerError))


def test_an_unsupported_contract_version_is_invalid() -> None:
    """An answer claiming contract 9.9 never agrees, in either path."""
    expected, text = expected_and_text()
    other = text.replace('"contract_version":"2.0"', '"contract_version":"9.9"')
    assert other != text
    verdicts = (agrees(other, expected), read_answer(other))
    assert [ErrorKind.INVALID_ADVICE, ErrorKind.INVALID_ADVICE] == [
        v.kind if isinstance(v, AnswerError) else None for v in verdicts
    ]


@pytest.mark.parametrize("rules", [[""], [7], ["a", "a"], "r1"])
def test_bad_intervention_rule_ids_are_invalid(rules: Any) -> None:
    """An intervention's rules must be distinct non-empty strings (empty, non-string rejected)."""
    expected = normative_json(advice_doc(Case()))
    answer = json.loads(json.dumps(expected))
    first = next(iter(answer["interventions"]))
    answer["interventions"][first]["rules"] = rules
    text = json.dumps(answer)
    assert [True, True] == [
        isinstance(v, AnswerError) for v in (agrees(text, expected), read_answer(text))
    ]


@pytest.mark.parametrize(
    ("field", "records"),
    [
        ("trace", [{"rule": "", "section": "diagnosis"}]),
        ("trace", [{"rule": 3, "section": "diagnosis"}]),
        ("trace", [{"rule": "r", "section": "nowhere"}]),
        ("trace", [{"rule": "r"}]),
        ("trace", ["r"]),
        ("resolutions", [{"resolution": "", "winner": "a", "loser": "b", "slot": "s"}]),
        ("resolutions", [{"resolution": "x", "winner": None, "loser": "b", "slot": "s"}]),
        ("trace", {"rule": "r", "section": "diagnosis"}),
    ],
)
def test_bad_trace_and_resolution_records_are_invalid(field: str, records: Any) -> None:
    """Informative records still have a shape: empty or non-string members are rejected."""
    expected = normative_json(advice_doc(Case()))
    answer = {**expected, field: records}
    text = json.dumps(answer)
    assert [True, True] == [
        isinstance(v, AnswerError) for v in (agrees(text, expected), read_answer(text))
    ]


@pytest.mark.parametrize("text", ["[]", '"advice"', "3", "null", "[{}]"])
def test_a_non_object_answer_never_agrees(text: str) -> None:
    """An answer that is not a JSON object is an error, never judged as agreeing."""
    expected = normative_json(advice_doc(Case()))
    assert True is isinstance(agrees(text, expected), AnswerError)


@pytest.mark.parametrize("text", ["not json", '{"id": "a", "advice": ', "\ufeff{}", "[1"])
def test_a_keyed_line_that_is_not_json(text: str) -> None:
    """read_envelope on a line that is not JSON: no id and an invalid_json error, no crash."""
    vector_id, error = read_envelope(text)
    assert (None, ErrorKind.INVALID_JSON) == (vector_id, getattr(error, "kind", None))


@pytest.mark.parametrize("number", ["1" * 5000, "1e999", "-" + "2" * 4400])
def test_answers_with_numbers_out_of_range_name_the_field(number: str) -> None:
    """A profile of 5,000 digits (or 1e999): invalid_advice at 'profile', in every reader."""
    expected, text = expected_and_text()
    huge = text.replace('"profile":1', f'"profile":{number}')
    envelope = '{"id":"a","advice":' + huge + "}"
    _, doc = read_envelope(envelope)
    verdicts = [
        agrees(huge, expected),
        read_answer(huge),
        agrees_parsed(envelope, doc, expected, 2),
    ]
    assert [(ErrorKind.INVALID_ADVICE, True)] * 3 == [
        (v.kind, any(p.startswith("profile") for p in v.problems))
        if isinstance(v, AnswerError)
        else (None, False)
        for v in verdicts
    ]


def test_a_byte_order_mark_is_named() -> None:
    """An answer starting with a BOM is invalid JSON, and the message says BOM."""
    _, text = expected_and_text()
    verdict = read_answer("\ufeff" + text)
    assert isinstance(verdict, AnswerError)
    assert (ErrorKind.INVALID_JSON, True) == (verdict.kind, "byte order mark" in verdict.message)


# -- each check of the fast path, shown to refuse (or to accept) at its field ---------------------

LRS_SEVERE = Case(lrs=True, nprs=9)
"""A case whose advice has a referral and every window, profile and session limit null."""
MASSAGE = ("interventions", "massage")
MASSAGE_RULES_EXTRA = '{"strength": "not_indicated", "rules": [], "extra": 1}'
EXAM = ("neurological_examination",)
REFERRAL_WITHOUT_MODE = '{"to": "general_practitioner", "urgency": "immediate"}'


def edited(case: Case, path: tuple[Any, ...], raw: str) -> tuple[dict[str, Any], str]:
    """The expected normative advice of ``case``, and an answer equal to it but at ``path``.

    The value at ``path`` is written as the JSON text ``raw``.
    """
    expected = normative_json(advice_doc(case))
    answer = json.loads(json.dumps(expected))
    holder = answer
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = "@edited@"
    text = json.dumps(answer)
    assert 1 == text.count('"@edited@"')
    return expected, text.replace('"@edited@"', raw)


def refusals(text: str, expected: dict[str, Any]) -> list[tuple[ErrorKind, str, tuple[str, ...]]]:
    """What agrees() and read_answer() say of ``text``: (kind, message, problems) each."""
    out = []
    for verdict in (agrees(text, expected), read_answer(text)):
        assert isinstance(verdict, AnswerError), verdict
        out.append((verdict.kind, verdict.message, verdict.problems))
    return out


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_non_numbers_are_invalid_json_even_where_null_is_expected(raw: str) -> None:
    """NaN or Infinity where null is expected never reads as null: invalid JSON, named."""
    expected, text = edited(LRS_SEVERE, ("session_limit",), raw)
    message = f"not valid JSON: {raw} is not a JSON number"
    assert [(ErrorKind.INVALID_JSON, message, ())] * 2 == refusals(text, expected)


@pytest.mark.parametrize(
    ("case", "path", "raw", "problem"),
    [
        (Case(), ("profile",), "0", "profile: must be 1 to 3, got 0"),
        (Case(), ("session_limit",), "0", "session_limit: must be 1 or more, got 0"),
        (LRS_SEVERE, ("recheck_after_days",), "[-1, null]", "recheck_after_days[0]: "),
        (LRS_SEVERE, ("recheck_after_days",), "[0, -1]", "recheck_after_days[1]: "),
        (LRS_SEVERE, ("recheck_after_days",), "[6, 3]", "recheck_after_days[1]: "),
        (LRS_SEVERE, ("recheck_after_days",), "[3, null, 5]", "recheck_after_days: "),
        (LRS_SEVERE, ("recheck_after_days",), "[3]", "recheck_after_days: "),
        (LRS_SEVERE, ("education",), "{}", "education: must be an array"),
        (LRS_SEVERE, ("education",), '""', "education: must be an array"),
        (LRS_SEVERE, ("education",), "[[]]", "education[0]: must be one of"),
        (LRS_SEVERE, ("education",), '[{"a": 1}]', "education[0]: must be one of"),
        (Case(), ("profile",), "4", "profile: must be 1 to 3, got 4"),
        (Case(), ("contract_version",), "[]", "contract_version: must be one of"),
        (LRS_SEVERE, (*MASSAGE, "strength"), '"bogus"', "interventions.massage.strength: must be"),
        (LRS_SEVERE, (*MASSAGE, "strength"), "[]", "interventions.massage.strength: must be"),
        (LRS_SEVERE, (*MASSAGE, "extra"), '"x"', "interventions.massage.extra: unknown field"),
        (LRS_SEVERE, MASSAGE, MASSAGE_RULES_EXTRA, "interventions.massage.extra: unknown field"),
        (LRS_SEVERE, ("referral", "to"), '"bogus"', "referral.to: must be one of"),
        (LRS_SEVERE, ("referral", "to"), "[]", "referral.to: must be one of"),
        (LRS_SEVERE, ("referral", "urgency"), '"bogus"', "referral.urgency: must be one of"),
        (LRS_SEVERE, ("referral", "urgency"), "[]", "referral.urgency: must be one of"),
        (LRS_SEVERE, ("referral", "mode"), '"bogus"', "referral.mode: must be one of"),
        (LRS_SEVERE, ("referral", "mode"), "[]", "referral.mode: must be one of"),
        (LRS_SEVERE, ("referral", "extra"), '"x"', "referral.extra: unknown field"),
        (LRS_SEVERE, ("referral",), REFERRAL_WITHOUT_MODE, "referral.mode: is required"),
        (LRS_SEVERE, (*EXAM, "required"), "false", "neurological_examination.required: must be"),
        (LRS_SEVERE, (*EXAM, "required"), "1", "neurological_examination.required: must be"),
        (Case(), ("trace",), "{}", "trace: must be an array, got {}"),
        (Case(), ("trace",), '""', 'trace: must be an array, got ""'),
        (Case(), ("resolutions",), "{}", "resolutions: must be an array, got {}"),
        (Case(), ("resolutions",), "null", "resolutions: must be an array, got null"),
    ],
)
def test_invalid_values_are_refused_at_their_field(
    case: Case, path: tuple[Any, ...], raw: str, problem: str
) -> None:
    """Each shape the fast path checks, broken: invalid_advice with the one problem at its path."""
    expected, text = edited(case, path, raw)
    found = [(kind, problems) for kind, _, problems in refusals(text, expected)]
    assert [(ErrorKind.INVALID_ADVICE, True)] * 2 == [
        (kind, len(problems) == 1 and problems[0].startswith(problem)) for kind, problems in found
    ]


@pytest.mark.parametrize(
    ("path", "raw", "value"),
    [
        (("recheck_after_days",), "[0, 0]", (0, 0)),
        (("recheck_after_days",), "[0, null]", (0, None)),
        (("recheck_after_days",), "[2, 2]", (2, 2)),
        (("recheck_after_days",), "[2.0, 4.0]", (2, 4)),
        (("profile",), "3", 3),
        (("profile",), "3.0", 3),
    ],
)
def test_valid_values_at_their_bounds_are_read(path: tuple[str], raw: str, value: object) -> None:
    """A window may start at 0 and end where it starts, a profile be 3 (or 3.0): all are read."""
    expected, text = edited(LRS_SEVERE, path, raw)
    at = [f.path for f in NORMATIVE_FIELDS].index(path[0])
    verdicts = [agrees(text, expected), read_answer(text)]
    assert [value, value] == [v[at] if isinstance(v, tuple) else v for v in verdicts]


def _reversed_set(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with its first set field of two or more items in reverse order (the same value)."""
    out = json.loads(json.dumps(doc))
    name = next(n for n in ("education", "safety_net_advice") if len(out[n]) > 1)
    out[name].reverse()
    return out


@pytest.mark.parametrize("case", [Case(), LRS_SEVERE], ids=["no referral", "referral"])
@pytest.mark.parametrize("as_written", [True, False], ids=["as written", "sets reordered"])
@pytest.mark.parametrize("repeats", [1, 2])
def test_repeated_keys_are_caught_in_every_reader(
    case: Case, as_written: bool, repeats: int
) -> None:
    """A key written again (once or twice) with the same value is invalid JSON in every reader.

    The text holds one or two keys more than its value: agrees, agrees_parsed (in an envelope)
    and read_answer must not count a key too many.
    """
    expected = normative_json(advice_doc(case))
    answer = expected if as_written else _reversed_set(expected)
    text = json.dumps(answer, separators=(",", ":"))
    key = '"contract_version":"2.0",'
    doubled = text.replace(key, key * (1 + repeats), 1)
    assert 1 + repeats == doubled.count(key)
    envelope = '{"id":"a","advice":' + doubled + "}"
    verdicts = [
        agrees(doubled, expected),
        read_answer(doubled),
        agrees_parsed(envelope, read_envelope(envelope)[1], expected, 2),
    ]
    assert [(ErrorKind.INVALID_JSON, True)] * 3 == [
        (v.kind, "duplicate key" in v.message) if isinstance(v, AnswerError) else (None, False)
        for v in verdicts
    ]


# -- what the contract does not read, no reader reads ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "number", "read"),
    [
        (("session_limit",), str(2**63), True),
        (("session_limit",), str(2**63 + 1), False),
        (("session_limit",), "1e300", False),
        (("reevaluation_after_weeks", 1), str(2**63 + 1), False),
        (("reevaluation_after_weeks", 0), "9" * 4001, False),
    ],
)
def test_whole_numbers_beyond_2_to_the_63_are_out_of_range(
    path: tuple[Any, ...], number: str, read: bool
) -> None:
    """A whole number beyond 2**63 is far out of range at its field in every reader.

    As in the library's reader, whose bound it is; 2**63 itself is read, by both.
    """
    expected, text = edited(Case(), path, number)
    field = path[0] + "".join(f"[{p}]" for p in path[1:])
    verdicts = [agrees(text, expected), read_answer(text)]
    assert [read] * 3 == [library_accepts(text)] + [
        not isinstance(v, AnswerError) for v in verdicts
    ]
    if not read:
        problem = f"{field}: is far out of range, got "
        assert [(True,)] * 2 == [
            tuple(p.startswith(problem) for p in v.problems)  # type: ignore[union-attr]
            for v in verdicts
        ]


def answer_of_size(size: int, letter: str = "r") -> tuple[dict[str, Any], str]:
    """The expected advice of a plain case and an agreeing compact answer of ``size`` bytes.

    The answer is padded by one trace record whose rule is ``letter`` repeated.
    """
    expected = normative_json(advice_doc(Case()))
    record = {"rule": "", "section": "Diagnostic process / Neurological examination"}
    text = json.dumps({**expected, "trace": [record]}, separators=(",", ":"), ensure_ascii=False)
    rule = letter * ((size - len(text.encode("utf-8"))) // len(letter.encode("utf-8")))
    text = text.replace('"rule":""', f'"rule":"{rule}"')
    assert size == len(text.encode("utf-8"))
    return expected, text


@pytest.mark.parametrize(
    ("size", "letter"), [(1_000_000, "r"), (1_000_001, "r"), (1_000_002, "é"), (999_998, "é")]
)
def test_answers_longer_than_the_contract_reads_are_refused(size: int, letter: str) -> None:
    """An agreeing answer of more than 1,000,000 bytes of UTF-8 is invalid JSON in every reader.

    The library's reader refuses it unread; one of exactly 1,000,000 bytes agrees.
    """
    expected, text = answer_of_size(size, letter)
    envelope = '{"id":"a","advice":' + text + "}"
    within = size <= 1_000_000
    verdicts = [agrees(text, expected), read_answer(text)]
    if within:
        assert [None, True, True] == [
            verdicts[0],
            isinstance(verdicts[1], tuple),
            library_accepts(text),
        ]
        return
    verdicts.append(agrees_parsed(envelope, read_envelope(envelope)[1], expected, 2))
    message = "the document is longer than 1000000 bytes; not read"
    assert [False] + [(ErrorKind.INVALID_JSON, message)] * 3 == [library_accepts(text)] + [
        (v.kind, v.message) if isinstance(v, AnswerError) else v for v in verdicts
    ]


@pytest.mark.parametrize(
    ("window", "answer", "problem"),
    [
        ([1, 4], "[true, 4]", "recheck_after_days[0]: "),
        ([0, 1], "[0, true]", "recheck_after_days[1]: "),
    ],
)
def test_true_is_not_one_in_a_window(window: list[int], answer: str, problem: str) -> None:
    """A window bound of true never passes for an expected 1 (nor false for 0), in either bound."""
    expected, text = edited(LRS_SEVERE, ("recheck_after_days",), answer)
    expected["recheck_after_days"] = window  # a valid expected advice, as another rule set gives
    found = refusals(text, expected)
    assert [(ErrorKind.INVALID_ADVICE, True)] * 2 == [
        (kind, len(problems) == 1 and problems[0].startswith(problem))
        for kind, _, problems in found
    ]


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        ("delete tens", "interventions.tens: is required"),
        ("add yoga", "interventions.yoga: unknown intervention"),
        ("a list", "interventions: "),
    ],
)
def test_interventions_other_than_the_eight_never_agree(edit: str, problem: str) -> None:
    """An intervention missing or unknown (or no object of them) is refused at interventions.

    Every strength the answer gives agrees with the expected one; the rest is as expected.
    """
    expected = normative_json(advice_doc(Case()))
    answer = json.loads(json.dumps(expected))
    if edit == "delete tens":
        del answer["interventions"]["tens"]
    elif edit == "add yoga":
        answer["interventions"]["yoga"] = {"strength": "do"}
    else:
        answer["interventions"] = list(answer["interventions"].values())
    found = refusals(json.dumps(answer, separators=(",", ":")), expected)
    assert [(ErrorKind.INVALID_ADVICE, True)] * 2 == [
        (kind, len(problems) == 1 and problems[0].startswith(problem))
        for kind, _, problems in found
    ]


def test_keys_repeated_with_every_whitespace_before_the_colon() -> None:
    """A key repeated four times, once with each JSON whitespace before its colon, is caught.

    None of the four repeats ends in '":', so the text holds exactly as many '":' as its value
    has keys: only the whitespace, every kind of it, tells that the count cannot be trusted.
    """
    expected, text = expected_and_text()
    repeated = "".join(f'"profile"{space}:1,' for space in (" ", "\t", "\n", "\r"))
    doubled = text.replace('"profile":1', repeated + '"profile":1')
    assert 1 == doubled.count('"profile":')
    verdicts = [agrees(doubled, expected), read_answer(doubled)]
    assert [(ErrorKind.INVALID_JSON, True)] * 2 == [
        (v.kind, "duplicate key" in v.message) if isinstance(v, AnswerError) else (None, False)
        for v in verdicts
    ]


NOT_AN_ANSWER_LINE = 'not an answer line {"id": "<vector id>", "advice": {...}}'


@pytest.mark.parametrize(
    "line",
    [
        '{"id": 3, "advice": {}}',
        '{"id": null, "advice": {}}',
        '{"id": "a"}',
        '{"advice": {}}',
        '{"id": "a", "advice": {}, "note": 1}',
        '[{"id": "a", "advice": {}}]',
        '"a"',
    ],
)
def test_a_keyed_line_that_is_not_an_envelope(line: str) -> None:
    """A JSON line that is not {"id": <string>, "advice": ...}: no id, invalid_json saying so."""
    vector_id, error = read_envelope(line)
    assert (None, ErrorKind.INVALID_JSON, NOT_AN_ANSWER_LINE) == (
        vector_id,
        getattr(error, "kind", None),
        getattr(error, "message", None),
    )


def test_a_keyed_line_gives_its_id_and_advice() -> None:
    """An envelope line gives its vector id and its advice as parsed, whatever the advice is."""
    assert [("g/a", {"profile": 1}), ("g/b", None)] == [
        read_envelope('{"id": "g/a", "advice": {"profile": 1}}'),
        read_envelope('{"advice": null, "id": "g/b"}'),
    ]


def test_differences_give_each_field_as_json() -> None:
    """Each differing field is reported at its path, with both values as JSON.

    A set in the order of its vocabulary (whatever order the answer used), a window as an
    array, a referral as an object or null; the fields that agree are not reported.
    """
    expected = advice_doc(Case())
    answer = json.loads(json.dumps(expected))
    answer["education"] = ["biopsychosocial_model", "frequent_and_recurring", "unclear_origin"]
    answer["reevaluation_after_weeks"] = [3, 6]
    answer["referral"] = {
        "to": "general_practitioner",
        "urgency": "immediate",
        "mode": "alongside_treatment",
    }
    answer["profile"] = 2
    found = differences(canonical(expected), canonical(answer))
    assert [
        ("referral", None, answer["referral"]),
        ("profile", 1, 2),
        ("reevaluation_after_weeks", [3, None], [3, 6]),
        (
            "education",
            expected["education"],
            ["unclear_origin", "frequent_and_recurring", "biopsychosocial_model"],
        ),
    ] == [(path, want, got) for path, _, want, got in found]


def test_differences_refuse_a_canonical_form_of_the_wrong_length() -> None:
    """A canonical form one field short is an error, never a comparison missing a field."""
    expected = canonical(advice_doc(Case()))
    last = NORMATIVE_FIELDS[-1]
    assert (FieldKind.SET, frozenset()) == (last.kind, expected[-1])
    changed = (*expected[:-1], frozenset({next(iter(last.vocabulary)).value}))  # type: ignore[arg-type]
    assert 1 == len(differences(expected, changed))
    with pytest.raises(ValueError, match="zip"):
        differences(expected, changed[:-1])


def test_differences_go_on_after_a_part_of_the_referral() -> None:
    """A referral differing only in urgency is reported there; the fields after it still are."""
    expected = advice_doc(Case(lrs=True, nprs=9))
    answer = json.loads(json.dumps(expected))
    answer["referral"]["urgency"] = "immediate"
    answer["education"] = ["unclear_origin"]
    found = differences(canonical(expected), canonical(answer))
    assert [
        ("referral.urgency", "not_stated", "immediate"),
        ("education", [], ["unclear_origin"]),
    ] == [(path, want, got) for path, _, want, got in found]
