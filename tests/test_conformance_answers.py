"""Reading vendors' answers fast: the fast path agrees with the library's reader, always."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lbp_spec import Case, advice_to_json, evaluate
from lbp_spec.conformance import NORMATIVE_FIELDS, AnswerError, ErrorKind, read_answer
from lbp_spec.conformance.answers import agrees, canonical, differences
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
