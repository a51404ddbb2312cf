"""The JSON contract: round trips, schemas, every kind of invalid input, and the examples."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from lbp_spec import GUIDELINE, Advice, Case, InvalidCaseError, RuleSet, evaluate
from lbp_spec.contract import (
    CONTRACT_VERSION,
    SCHEMA_NAMES,
    InvalidAdviceError,
    advice_from_json,
    advice_schema,
    advice_to_json,
    case_from_json,
    case_schema,
    case_to_json,
    codec,
    load_advice,
    load_case,
    load_cases,
    schema_text,
)
from lbp_spec.contract.codec import batch_line, batch_line_text
from lbp_spec.contract.documents import CASE, advice_text, compact_json, plain_case
from lbp_spec.contract.schema import render, schema_for
from lbp_spec.errors import Problem
from lbp_spec.logic import VARIABLES, VariableKind
from lbp_spec.strategies import cases
from lbp_spec.vocabulary import EducationTopic, Urgency

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMAS = ROOT / "src" / "lbp_spec" / "contract" / "schemas"

CASE_VALIDATOR = Draft202012Validator(case_schema())
ADVICE_VALIDATOR = Draft202012Validator(advice_schema())

Doc = dict[str, Any]

BASE: Doc = {
    "contract_version": "2.0",
    "consultation": "initial",
    "discipline": "physical_therapist",
    "need_for_assistance": True,
    "lrs": False,
    "nprs": 4,
}
"""A minimal valid case document."""


def doc(**changes: Any) -> Doc:
    """A copy of :data:`BASE` with top-level ``changes``."""
    out = copy.deepcopy(BASE)
    out.update(changes)
    return out


def follow_up(**changes: Any) -> Doc:
    """A minimal valid follow-up document with ``changes``."""
    fields: Doc = {
        "consultation": "follow_up",
        "weeks_since_start": 4,
        "sessions_used": 3,
        "improvement": "adequate",
    }
    return doc(**{**fields, **changes})


def without(name: str, base: Doc | None = None) -> Doc:
    """A copy of ``base`` (default :data:`BASE`) without the top-level field ``name``."""
    out = copy.deepcopy(BASE if base is None else base)
    del out[name]
    return out


def problem_paths(obj: object) -> list[str]:
    """Read ``obj`` as a case and return the paths of its problems (it must be invalid)."""
    with pytest.raises(InvalidCaseError) as info:
        case_from_json(obj)
    return [p.path for p in info.value.problems]


def schema_accepts(obj: object) -> bool:
    """Whether case.schema.json accepts ``obj``."""
    return bool(CASE_VALIDATOR.is_valid(obj))


# -- round trips and schemas of valid documents ------------------------------------------------


@given(cases())
def test_case_round_trip(case: Case) -> None:
    """Every valid case survives case_to_json -> case_from_json unchanged."""
    assert case == case_from_json(case_to_json(case))


@given(cases())
def test_case_round_trip_through_text(case: Case) -> None:
    """Every valid case survives serialisation to JSON text and load_case."""
    assert case == load_case(json.dumps(case_to_json(case)))


@given(cases())
def test_case_json_is_canonical(case: Case) -> None:
    """Reading and writing again gives the same JSON: the output is canonical."""
    out = case_to_json(case)
    assert out == case_to_json(case_from_json(out))
    fields = [name for name in case_schema()["properties"] if name != "id"]  # not in the case
    assert fields == list(out)


@given(cases())
def test_every_valid_case_matches_the_schema(case: Case) -> None:
    """Every valid case, written as JSON, validates against case.schema.json."""
    errors = [e.message for e in CASE_VALIDATOR.iter_errors(case_to_json(case))]
    assert [] == errors


@given(cases())
def test_advice_round_trip_and_schema(case: Case) -> None:
    """Every advice from evaluate round-trips and validates against advice.schema.json."""
    advice = evaluate(case)
    out = advice_to_json(advice)
    assert [] == [e.message for e in ADVICE_VALIDATOR.iter_errors(out)]
    assert advice == advice_from_json(out)
    assert advice == load_advice(json.dumps(out))


@given(cases())
def test_advice_informative_parts_may_be_absent(case: Case) -> None:
    """Without trace, resolutions and rule lists an advice reads as its normative part."""
    out = advice_to_json(evaluate(case))
    del out["trace"], out["resolutions"]
    for item in out["interventions"].values():
        del item["rules"]
    assert ADVICE_VALIDATOR.is_valid(out)
    assert evaluate(case).normative() == advice_from_json(out)


def test_every_document_carries_the_contract_version() -> None:
    """Case and advice documents carry contract_version 2.0."""
    case = case_from_json(BASE)
    assert ("2.0", "2.0", "2.0") == (
        CONTRACT_VERSION,
        case_to_json(case)["contract_version"],
        advice_to_json(evaluate(case))["contract_version"],
    )


def test_optional_fields_take_the_case_defaults() -> None:
    """A minimal document gives the same case as Case() with the required fields."""
    assert Case(nprs=4) == case_from_json(BASE)


def test_integral_number_reads_as_integer() -> None:
    """4.0 for an integer field reads as 4, and the schema accepts it too."""
    assert (4, True) == (case_from_json(doc(nprs=4.0)).nprs, schema_accepts(doc(nprs=4.0)))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_committed_schema_is_generated(name: str) -> None:
    """The committed schema equals the generated one (regenerate: python -m lbp_spec.contract)."""
    committed = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    assert render(schema_for(name)) == committed
    assert committed == schema_text(name)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    """Each schema is itself a valid draft 2020-12 schema, with $id and no extra properties."""
    schema = schema_for(name)
    Draft202012Validator.check_schema(schema)
    assert (f"urn:lbp-spec:contract:2.0:{name}", False) == (
        schema["$id"],
        schema["additionalProperties"],
    )


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_field_is_described(name: str) -> None:
    """Every property of every object in a schema has a title and a description."""
    schema = schema_for(name)
    objects = [schema, *schema["$defs"].values()]
    undescribed = [
        field
        for obj in objects
        for field, sub in obj["properties"].items()
        if not (sub.get("title") and sub.get("description"))
    ]
    assert [] == undescribed


def test_schema_enums_come_from_the_vocabulary() -> None:
    """Enum values in the case schema are exactly the vocabulary of each variable."""
    props = case_schema()["properties"]
    for path, var in VARIABLES.items():
        if var.kind is not VariableKind.ENUM or "." in path:
            continue
        expected = [m.value for m in var.enum or ()]
        if var.optional:
            expected.append(None)
        assert (path, expected) == (path, props[path]["enum"])


# -- boundaries: the library and the schema agree with VARIABLES ---------------------------------


def _numeric_fields() -> list[tuple[str, int | float, int | float | None]]:
    out = []
    for path, var in VARIABLES.items():
        if var.kind in (VariableKind.INT, VariableKind.REAL):
            assert var.low is not None
            out.append((path, var.low, var.high))
    return out


def _with(path: str, value: object) -> Doc:
    """A valid document in which the field at ``path`` is set to ``value``."""
    if path.startswith("neurological_exam."):
        return doc(neurological_exam={"mrc_lowest": 5, path.split(".")[1]: value})
    if path.startswith("sbst."):
        scores = {"total": 9, "psychosocial": 0}
        scores[path.split(".")[1]] = value
        if path == "sbst.psychosocial":
            scores["total"] = 9
        return doc(sbst=scores)
    if path in ("weeks_since_start", "sessions_used"):
        changed = follow_up()
        changed[path] = value
        return changed
    return doc(**{path: value})


@pytest.mark.parametrize(("path", "low", "high"), _numeric_fields())
def test_ranges_agree_on_both_sides_of_each_bound(
    path: str, low: float, high: float | None
) -> None:
    """At each bound of each number, library and schema accept it and reject one step beyond."""
    step = 1 if VARIABLES[path].kind is VariableKind.INT else 0.5
    inside = [low if path != "sessions_used" else 1] + ([high] if high is not None else [])
    outside = [low - step] + ([high + step] if high is not None else [])
    for value in inside:
        assert (value, True) == (value, schema_accepts(_with(path, value)))
        case_from_json(_with(path, value))
    for value in outside:
        assert (value, False) == (value, schema_accepts(_with(path, value)))
        assert [path] == problem_paths(_with(path, value))


# -- invalid case documents: one per kind --------------------------------------------------------

INVALID: list[tuple[str, object, str, bool]] = [
    # (what, document, path of the problem, whether the schema can reject it too)
    ("not an object", [BASE], "", True),
    ("null document", None, "", True),
    ("wrong type: string for integer", doc(nprs="4"), "nprs", True),
    ("wrong type: true is not an integer", doc(nprs=True), "nprs", True),
    ("wrong type: fraction for integer", doc(nprs=4.5), "nprs", True),
    ("wrong type: number for boolean", doc(lrs=1), "lrs", True),
    ("wrong type: null for boolean", doc(lrs=None), "lrs", True),
    ("wrong type: string for set", doc(red_flags="fracture"), "red_flags", True),
    ("wrong type: array for object", doc(neurological_exam=[]), "neurological_exam", True),
    (
        "wrong type: nested",
        doc(neurological_exam={"mrc_lowest": 5, "fingertip_floor_cm": "30"}),
        "neurological_exam.fingertip_floor_cm",
        True,
    ),
    ("wrong type: factors", doc(prognostic_factors=["leg_pain"]), "prognostic_factors", True),
    ("out of range: nprs high", doc(nprs=11), "nprs", True),
    ("out of range: nprs low", doc(nprs=-1), "nprs", True),
    (
        "out of range: nested",
        doc(neurological_exam={"mrc_lowest": 6}),
        "neurological_exam.mrc_lowest",
        True,
    ),
    (
        "out of range: distance",
        doc(neurological_exam={"mrc_lowest": 5, "fingertip_floor_cm": 200.5}),
        "neurological_exam.fingertip_floor_cm",
        True,
    ),
    ("out of range: sbst", doc(sbst={"total": 10, "psychosocial": 1}), "sbst.total", True),
    ("unknown field at top level", doc(nrps=4), "nrps", True),
    (
        "unknown field nested",
        doc(neurological_exam={"mrc_lowest": 5, "slr": True}),
        "neurological_exam.slr",
        True,
    ),
    (
        "unknown field in sbst",
        doc(sbst={"total": 4, "psychosocial": 1, "risk": "low"}),
        "sbst.risk",
        True,
    ),
    (
        "unknown prognostic factor",
        doc(prognostic_factors={"obesity": "dominant"}),
        "prognostic_factors.obesity",
        True,
    ),
    ("bad enum", doc(consultation="first"), "consultation", True),
    ("bad enum in a set", doc(red_flags=["fracture", "cancer"]), "red_flags[1]", True),
    (
        "bad enum as a factor level",
        doc(prognostic_factors={"fear_of_movement": "high"}),
        "prognostic_factors.fear_of_movement",
        True,
    ),
    ("bad enum, nullable", doc(lrs=True, responsiveness="very"), "responsiveness", True),
    ("duplicate set item", doc(red_flags=["fracture", "fracture"]), "red_flags[1]", True),
    (
        "duplicate massage criterion",
        doc(massage_criteria=["brief_period", "brief_period"]),
        "massage_criteria[1]",
        True,
    ),
    ("missing contract_version", without("contract_version"), "contract_version", True),
    ("missing consultation", without("consultation"), "consultation", True),
    ("missing discipline", without("discipline"), "discipline", True),
    ("missing need_for_assistance", without("need_for_assistance"), "need_for_assistance", True),
    ("missing lrs", without("lrs"), "lrs", True),
    ("missing nprs", without("nprs"), "nprs", True),
    (
        "missing nested mrc_lowest",
        doc(neurological_exam={"lasegue": True}),
        "neurological_exam.mrc_lowest",
        True,
    ),
    ("missing sbst total", doc(sbst={"psychosocial": 1}), "sbst.total", True),
    ("missing sbst psychosocial", doc(sbst={"total": 1}), "sbst.psychosocial", True),
    (
        "contradiction: follow-up field at initial",
        doc(weeks_since_start=2),
        "weeks_since_start",
        True,
    ),
    (
        "contradiction: follow-up without improvement",
        without("improvement", follow_up()),
        "improvement",
        True,
    ),
    (
        "contradiction: no session at follow-up",
        follow_up(sessions_used=0),
        "sessions_used",
        True,
    ),
    (
        "contradiction: responsiveness without LRS",
        doc(responsiveness="high"),
        "responsiveness",
        True,
    ),
    (
        "contradiction: an LRS follow-up without lrs_diagnosed_earlier",
        follow_up(lrs=True),
        "lrs_diagnosed_earlier",
        True,
    ),
    (
        "contradiction: lrs_diagnosed_earlier without LRS",
        follow_up(lrs_diagnosed_earlier=True),
        "lrs_diagnosed_earlier",
        True,
    ),
    (
        "contradiction: complaints shorter than the treatment (library only)",
        follow_up(complaint_duration_weeks=3),
        "complaint_duration_weeks",
        False,
    ),
    (
        "contradiction: competencies of a physical therapist",
        doc(additional_competencies=True),
        "additional_competencies",
        True,
    ),
    (
        "contradiction: psychosocial above total (library only)",
        doc(sbst={"total": 2, "psychosocial": 3}),
        "sbst.psychosocial",
        False,
    ),
    ("unsupported contract version", doc(contract_version="1.0"), "contract_version", True),
    ("contract version as a number", doc(contract_version=2.0), "contract_version", True),
]


@pytest.mark.parametrize(
    ("document", "path", "schema_rejects"),
    [pytest.param(d, p, s, id=what) for what, d, p, s in INVALID],
)
def test_invalid_case_is_rejected_at_its_path(
    document: object, path: str, schema_rejects: bool
) -> None:
    """Each kind of invalid case: the library names its path; the schema rejects it where it can."""
    assert [path] == problem_paths(document)
    assert (not schema_rejects) == schema_accepts(document)


def test_enum_problem_names_the_allowed_values() -> None:
    """A bad vocabulary value is reported with every allowed value."""
    with pytest.raises(InvalidCaseError) as info:
        case_from_json(doc(consultation="first"))
    assert 'must be one of initial, follow_up; got "first"' == info.value.problems[0].message


def test_unsupported_version_is_the_only_problem() -> None:
    """A 1.0 document is reported alone, naming the supported version (2.0)."""
    with pytest.raises(InvalidCaseError) as info:
        case_from_json({"contract_version": "1.0", "nprs": "many"})
    assert [
        ("contract_version", 'unsupported contract version "1.0"; this package reads: 2.0')
    ] == [(p.path, p.message) for p in info.value.problems]


def test_unknown_field_suggests_a_close_name() -> None:
    """A misspelt field is reported with the field it was probably meant to be."""
    with pytest.raises(InvalidCaseError) as info:
        case_from_json(doc(red_flag=["fracture"]))
    assert "unknown field; did you mean red_flags?" == info.value.problems[0].message


def test_every_problem_of_a_document_is_reported() -> None:
    """Many problems in one document are all reported, each at its own path."""
    document = doc(
        consultation="first",
        nprs=12,
        red_flags=["fracture", "fracture", "cancer"],
        neurological_exam={"mrc_lowest": 9, "lasegue": "yes", "slr": True},
        sbst={"total": 2, "psychosocial": 3},
        prognostic_factors={"fear_of_movement": "high", "obesity": "dominant"},
        responsiveness="high",
        additional_competencies=True,
        extra=1,
    )
    del document["lrs"]
    assert [
        "consultation",
        "additional_competencies",
        "red_flags[1]",
        "red_flags[2]",
        "lrs",
        "neurological_exam.lasegue",
        "neurological_exam.mrc_lowest",
        "neurological_exam.slr",
        "nprs",
        "prognostic_factors.fear_of_movement",
        "prognostic_factors.obesity",
        "sbst.psychosocial",
        "extra",
    ] == problem_paths(document)


def test_a_bad_field_does_not_cause_false_contradictions() -> None:
    """A field that failed to read is left out of the contradiction checks (no echo problems)."""
    document = follow_up(consultation="later")
    assert ["consultation"] == problem_paths(document)


# -- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nprs": 4,\n  }', "not valid JSON: Expecting property name enclosed in double quotes"),
        ('{"nprs": 4, "nprs": 5}', 'not valid JSON: duplicate key "nprs" in an object'),
        ('{"nprs": NaN}', "not valid JSON: NaN is not a JSON number"),
        ("", "not valid JSON: Expecting value"),
    ],
)
def test_malformed_text_is_one_document_problem(text: str, message: str) -> None:
    """Text that is not (strict) JSON gives one problem at the document, with line and column."""
    with pytest.raises(InvalidCaseError) as info:
        load_case(text)
    [problem] = info.value.problems
    assert ("", message) == (problem.path, problem.message[: len(message)])


def test_syntax_error_names_line_and_column() -> None:
    """A syntax error says where it is."""
    with pytest.raises(InvalidCaseError) as info:
        load_case('{\n  "nprs": 4,\n  }')
    assert info.value.problems[0].message.endswith("at line 3, column 3")


def test_load_cases_keeps_going_past_bad_lines() -> None:
    """JSON Lines: each non-blank line gives its number and a case or the error naming it."""
    good = json.dumps(BASE)
    text = "\n".join([good, "", '{"nprs": 4', json.dumps(doc(nprs=11)), good]) + "\n"
    results = list(load_cases(text))
    assert [1, 3, 4, 5] == [n for n, _ in results]
    assert [True, False, False, True] == [isinstance(r, Case) for _, r in results]
    fourth = results[2][1]
    assert isinstance(fourth, InvalidCaseError)
    assert ["nprs"] == [p.path for p in fourth.problems]
    assert [1, 2] == [n for n, _ in load_cases([good + "\n", good + "\n"])]


# -- advice documents ---------------------------------------------------------------------------


def _advice_doc() -> Doc:
    return advice_to_json(evaluate(case_from_json(doc(lrs=True, nprs=5))))


def _set(path: list[str | int], value: object) -> Doc:
    out = _advice_doc()
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


_DELETE = object()

INVALID_ADVICE: list[tuple[str, Callable[[], Doc], str, bool]] = [
    ("unknown field", lambda: _set(["urgency"], "routine"), "urgency", True),
    ("missing normative field", lambda: _set(["profile"], _DELETE), "profile", True),
    ("profile out of range", lambda: _set(["profile"], 4), "profile", True),
    (
        "bad strength",
        lambda: _set(["interventions", "massage", "strength"], "never"),
        "interventions.massage.strength",
        True,
    ),
    (
        "missing intervention",
        lambda: _set(["interventions", "tens"], _DELETE),
        "interventions.tens",
        True,
    ),
    (
        "unknown intervention",
        lambda: _set(["interventions", "dry_needling"], {"strength": "do_not"}),
        "interventions.dry_needling",
        True,
    ),
    (
        "bad referral urgency",
        lambda: _set(
            ["referral"],
            {"to": "general_practitioner", "urgency": "routine", "mode": "instead_of_treatment"},
        ),
        "referral.urgency",
        True,
    ),
    (
        "window of three",
        lambda: _set(["recheck_after_days"], [2, 4, 6]),
        "recheck_after_days",
        True,
    ),
    (
        "window reversed (library only)",
        lambda: _set(["recheck_after_days"], [4, 2]),
        "recheck_after_days[1]",
        False,
    ),
    (
        "duplicate topic",
        lambda: _set(["education"], ["unclear_origin", "unclear_origin"]),
        "education[1]",
        True,
    ),
    (
        "examination required without components",
        lambda: _set(["neurological_examination", "components"], []),
        "neurological_examination.required",
        True,
    ),
    (
        "bad trace section",
        lambda: _set(["trace", 0, "section"], "Elsewhere"),
        "trace[0].section",
        True,
    ),
]


@pytest.mark.parametrize(
    ("make", "path", "schema_rejects"),
    [pytest.param(m, p, s, id=what) for what, m, p, s in INVALID_ADVICE],
)
def test_invalid_advice_is_rejected_at_its_path(
    make: Callable[[], Doc], path: str, schema_rejects: bool
) -> None:
    """Each kind of invalid advice: the library names its path; the schema rejects it if it can."""
    document = make()
    with pytest.raises(InvalidAdviceError) as info:
        advice_from_json(document)
    assert [path] == [p.path for p in info.value.problems]
    assert (not schema_rejects) == ADVICE_VALIDATOR.is_valid(document)


def test_invalid_advice_error_is_an_invalid_case_error() -> None:
    """One except clause catches an invalid case and an invalid advice; the message says which."""
    with pytest.raises(InvalidCaseError) as info:
        load_advice("[]")
    assert str(info.value).startswith("invalid advice")


def test_advice_json_shape() -> None:
    """The advice document has the agreed fields, windows as pairs and all eight interventions."""
    out = advice_to_json(evaluate(case_from_json(doc(lrs=True, nprs=5))))
    assert (
        [
            "contract_version",
            "physiotherapy_indicated",
            "referral",
            "consult_general_practitioner",
            "profile",
            "neurological_examination",
            "recheck_after_days",
            "reevaluation_after_weeks",
            "lrs_evaluation_after_weeks",
            "session_limit",
            "interventions",
            "education",
            "safety_net_advice",
            "exercise_guidance",
            "behaviour_guidance",
            "evaluation_actions",
            "warnings",
            "trace",
            "resolutions",
        ],
        [2, 4],
        8,
        ["required", "components", "positive_findings"],
    ) == (
        list(out),
        out["recheck_after_days"],
        len(out["interventions"]),
        list(out["neurological_examination"]),
    )


def test_referral_json() -> None:
    """A referral is an object naming the GP, the urgency and whether it replaces treatment."""
    out = advice_to_json(
        evaluate(case_from_json(doc(neurological_emergency_signs=["urine_retention"])))
    )
    assert {
        "to": "general_practitioner",
        "urgency": Urgency.IMMEDIATE.value,
        "mode": "instead_of_treatment",
    } == out["referral"]


# -- examples -------------------------------------------------------------------------------------

EXPECTED_EXAMPLES: dict[str, dict[str, Any]] = {
    "profile1-initial.json": {"profile": 1, "referral": None, "session_limit": 3},
    "profile2-initial.json": {"profile": 2, "referral": None, "reevaluation_after_weeks": [3, 6]},
    "exercise-therapist-profile2.json": {
        "profile": 2,
        "massage": "do_not",
        "mobilisation": "do_not",
    },
    "profile3-follow-up-week-6.json": {
        "profile": 3,
        "referral": None,
        "consult_general_practitioner": True,
        "reevaluation_after_weeks": [6, 12],
    },
    "lrs-recheck.json": {"profile": 2, "referral": None, "recheck_after_days": [2, 4]},
    "lrs-severe-pain.json": {"profile": None, "referral": "not_stated"},
    "cauda-equina-emergency.json": {"profile": None, "referral": "immediate"},
    "red-flag-fracture.json": {"profile": None, "referral": "not_stated"},
    "lrs-weakness-persists-week-7.json": {
        "profile": 2,
        "referral": "not_stated",
        "physiotherapy_indicated": False,
        "exercise_therapy": "not_indicated",
        "session_limit": None,
        "reevaluation_after_weeks": None,
        "recheck_after_days": None,
    },
    "no-need-for-assistance.json": {
        "profile": None,
        "referral": None,
        "physiotherapy_indicated": False,
    },
}


def _facts(advice: Advice, wanted: dict[str, Any]) -> dict[str, Any]:
    out = advice_to_json(advice)
    facts: dict[str, Any] = {}
    for key in wanted:
        if key == "referral":
            facts[key] = None if out["referral"] is None else out["referral"]["urgency"]
        elif key in out["interventions"]:
            facts[key] = out["interventions"][key]["strength"]
        else:
            facts[key] = out[key]
    return facts


def test_every_example_is_listed() -> None:
    """Every examples/*.json has its expected advice here (and so in examples/README.md)."""
    assert sorted(EXPECTED_EXAMPLES) == sorted(p.name for p in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLES))
def test_example_validates_and_gets_its_advice(name: str) -> None:
    """Each example case is valid (library and schema) and gets the advice the README states."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert [] == [e.message for e in CASE_VALIDATOR.iter_errors(json.loads(text))]
    wanted = EXPECTED_EXAMPLES[name]
    assert wanted == _facts(evaluate(load_case(text)), wanted)


def test_batch_example_has_one_invalid_line() -> None:
    """examples/batch.jsonl: line 3 is invalid on purpose, the others are valid cases."""
    with (EXAMPLES / "batch.jsonl").open(encoding="utf-8") as lines:
        results = list(load_cases(lines))
    assert [(1, True), (2, True), (3, False), (4, True), (5, True)] == [
        (n, isinstance(r, Case)) for n, r in results
    ]


# -- the plain reading and the compact writing agree with the general ones ----------------------

_ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, 3, 5, 6, 9, 10, 11, -1, 200, 201, 25.5, 3.0, -0.5, 2**64, "",
    "initial", "follow_up", "dominant", "fracture", "brief_period", "high", [], ["fracture"],
    ["fracture", "fracture"], ["fracture", 1], {}, {"mrc_lowest": 3}, {"mrc_lowest": 6},
    {"total": 4, "psychosocial": 5}, {"total": 5, "psychosocial": 4}, {"leg_pain": "dominant"},
    {"leg_pain": "sometimes"}, {"nope": "dominant"},
]  # fmt: skip
"""Values a perturbed document puts in a field: boundaries, wrong types, near-miss vocabulary."""


@st.composite
def _perturbed_documents(draw: st.DrawFn) -> Doc:
    """A case document with up to three fields (top level or nested) changed, dropped or added."""
    document = case_to_json(draw(cases()))
    for _ in range(draw(st.integers(0, 3))):
        target = document
        nested = [k for k in ("neurological_exam", "sbst") if isinstance(document.get(k), dict)]
        if nested and draw(st.booleans()):
            target = document[draw(st.sampled_from(nested))]
        key = draw(st.sampled_from([*target, "red_flag", "id"]))
        if draw(st.integers(0, 4)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(st.sampled_from(_ODD_VALUES) | st.integers(-3, 70))
    return document


def _general(document: Any) -> Case | None:
    """The case the general reader makes of ``document``, or None when it names a problem."""
    value, problems = codec._read(CASE, document)
    return None if problems else value  # type: ignore[return-value]


@given(_perturbed_documents())
def test_plain_reading_agrees_with_the_general_reader(document: Doc) -> None:
    """What the plain reader accepts, the general reader accepts into an equal case.

    The plain reader (one pass, the case's remaining checks run once) leaves a
    document to the general reader whenever it is in doubt; it never accepts more.
    """
    plain = plain_case(document, codec._id_problem)
    general = _general(document)
    assert plain is None or (general == plain and repr(general) == repr(plain))
    expected = "ok" if general is not None else "error"
    try:
        case_from_json(document)
        actual = "ok"
    except InvalidCaseError:
        actual = "error"
    assert expected == actual


@given(cases())
def test_every_canonical_case_document_is_read_plainly(case: Case) -> None:
    """The canonical document of a valid case (with or without an id) is read in one pass."""
    document = case_to_json(case)
    assert case == plain_case(document, codec._id_problem)
    assert case == plain_case({**document, "id": "x" * 200}, codec._id_problem)
    assert plain_case({**document, "id": ""}, codec._id_problem) is None
    assert case == case_from_json({**document, "id": "a"})


@given(cases(), st.sampled_from([GUIDELINE, GUIDELINE.literal()]))
def test_advice_text_is_the_compact_json_of_the_advice(case: Case, rules: RuleSet) -> None:
    """advice_text writes what json.dumps writes of advice_to_json, for every advice.

    Evaluated advices (shared parts, texts reused), their normative form, an advice
    read back from JSON (fresh parts) and one whose set is a list changed after writing.
    """
    advice = evaluate(case, rules)
    read_back = advice_from_json(advice_to_json(advice))
    for each in (advice, advice.normative(), read_back, advice, read_back):
        assert compact_json(advice_to_json(each)) == advice_text(each)
    changing = attrs.evolve(advice, education=list(advice.education))
    first = advice_text(changing)
    changing.education.append(EducationTopic.BIOPSYCHOSOCIAL_MODEL)  # type: ignore[attr-defined]
    assert compact_json(advice_to_json(changing)) == advice_text(changing)
    assert first != advice_text(changing)


@given(cases(), st.sampled_from([None, "a", 'ré\u2028"x\\', "x" * 200]), st.integers(1, 10**6))
def test_batch_line_text_is_the_compact_json_of_the_batch_line(
    case: Case, record_id: str | None, number: int
) -> None:
    """batch_line_text is json.dumps of batch_line (compact, not ASCII-escaped), advice or error."""
    error = InvalidCaseError([Problem("nprs", "must be 0 to 10, got 11"), Problem("", "x\u2029")])
    for result in (evaluate(case), error):
        expected = json.dumps(
            batch_line(number, record_id, result), ensure_ascii=False, separators=(",", ":")
        )
        assert expected == batch_line_text(number, record_id, result)
