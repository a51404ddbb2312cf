"""The partial case: unknown inputs by field path, validated with field paths, in JSON too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from lbp_spec import Case, InvalidCaseError, NeurologicalExam, PartialCase
from lbp_spec.contract import (
    case_from_json,
    load_partial_case,
    partial_case_from_json,
    partial_case_to_json,
)
from lbp_spec.contract.schema import schema_for
from lbp_spec.logic import VARIABLES
from lbp_spec.partial_case import UNKNOWN_PATHS, unknown_target
from lbp_spec.vocabulary import (
    Consultation,
    FactorLevel,
    Improvement,
    PrognosticFactor,
    RedFlag,
)

EXAMPLES = Path(__file__).parents[1] / "examples" / "partial"
VALIDATOR = Draft202012Validator(schema_for("partial_case"))


def doc(**fields: Any) -> dict[str, Any]:
    """A partial case document: a plain patient's required fields, then ``fields``."""
    out: dict[str, Any] = {
        "contract_version": "2.0",
        "consultation": "initial",
        "discipline": "physical_therapist",
        "need_for_assistance": True,
        "lrs": False,
        "nprs": 0,
        "unknown": [],
    }
    out.update(fields)
    return {k: v for k, v in out.items() if v is not _DROP}


_DROP: Any = object()


def problems(obj: object) -> list[tuple[str, str]]:
    """The (path, message) problems of a partial case document."""
    with pytest.raises(InvalidCaseError) as error:
        partial_case_from_json(obj)
    return [(p.path, p.message) for p in error.value.problems]


def paths(obj: object) -> list[str]:
    """The field paths of the problems of a partial case document."""
    return [path for path, _ in problems(obj)]


def test_every_variable_and_member_is_nameable() -> None:
    """The unknown paths are derived from the case variables: each variable, each member."""
    for path in VARIABLES:
        assert (path, True) == (path, path in UNKNOWN_PATHS)
    assert (VARIABLES["red_flags"], RedFlag.FRACTURE) == unknown_target("red_flags.fracture")
    assert (VARIABLES["prognostic_factors"], PrognosticFactor.LEG_PAIN) == unknown_target(
        "prognostic_factors.leg_pain"
    )


def test_of_ignores_values_at_unknown_paths_and_completes() -> None:
    """PartialCase.of forgets the unknown values; complete() puts given ones back."""
    case = Case(lrs=True, neurological_exam=NeurologicalExam(lasegue=True, mrc_lowest=2))
    partial = PartialCase.of(case, ["neurological_exam.mrc_lowest", "red_flags.fracture"])
    assert "neurological_exam.mrc_lowest" not in partial.known
    assert case == partial.complete(
        {"neurological_exam.mrc_lowest": 2, "red_flags.fracture": False}
    )
    with_flag = partial.complete({"neurological_exam.mrc_lowest": 5, "red_flags.fracture": True})
    assert frozenset({RedFlag.FRACTURE}) == with_flag.red_flags


def test_no_unknowns_is_the_case_itself() -> None:
    """A partial case naming nothing completes to exactly the case."""
    case = Case(
        lrs=True, nprs=8, prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT}
    )
    assert case == PartialCase.of(case, []).complete()


def test_a_complete_document_reads_as_before() -> None:
    """A partial document with nothing unknown gives the case case_from_json gives."""
    obj = doc(nprs=6, lrs=True)
    complete = {k: v for k, v in obj.items() if k != "unknown"}
    assert case_from_json(complete) == partial_case_from_json(obj).complete()


def test_case_from_json_points_a_partial_document_elsewhere() -> None:
    """case_from_json rejects 'unknown' and says how to read the document instead."""
    with pytest.raises(InvalidCaseError) as error:
        case_from_json(doc(unknown=["nprs"], nprs=_DROP))
    found = {p.path: p.message for p in error.value.problems}
    assert "partial case" in found["unknown"]


def test_unknown_path_errors_name_the_item() -> None:
    """A path that does not exist (with a suggestion), a repeat, a path under another."""
    found = problems(
        doc(unknown=["red_flags.fractur", "neurological_exam", "neurological_exam.lasegue"])
    )
    assert [
        ("unknown[0]", "no such input 'red_flags.fractur'; did you mean red_flags.fracture?"),
        (
            "unknown[2]",
            "'neurological_exam.lasegue' is already unknown as part of 'neurological_exam'",
        ),
    ] == found
    assert ["unknown[1]"] == paths(doc(unknown=["lrs", "lrs"], lrs=_DROP))


def test_a_value_given_at_an_unknown_path_is_an_error() -> None:
    """Field, finding, set member and factor: named unknown and given is an error there."""
    found = paths(
        doc(
            unknown=[
                "nprs",
                "neurological_exam.mrc_lowest",
                "red_flags.fracture",
                "prognostic_factors.leg_pain",
            ],
            neurological_exam={"mrc_lowest": 4},
            red_flags=["fracture"],
            prognostic_factors={"leg_pain": "dominant"},
        )
    )
    assert sorted(
        [
            "nprs",
            "neurological_exam.mrc_lowest",
            "red_flags.fracture",
            "prognostic_factors.leg_pain",
        ]
    ) == sorted(found)


def test_a_finding_unknown_in_an_absent_part_is_an_error() -> None:
    """One finding unknown needs the part given; the whole part may be unknown instead."""
    assert ["neurological_exam.mrc_lowest"] == paths(doc(unknown=["neurological_exam.mrc_lowest"]))
    partial = partial_case_from_json(doc(unknown=["neurological_exam"]))
    assert ("neurological_exam",) == partial.unknown


def test_required_fields_are_required_unless_unknown() -> None:
    """A field a case requires may be left out only when it is named unknown."""
    assert ["nprs"] == paths(doc(nprs=_DROP))
    assert ("nprs",) == partial_case_from_json(doc(nprs=_DROP, unknown=["nprs"])).unknown
    found = paths(doc(lrs=True, neurological_exam={"lasegue": True}))
    assert ["neurological_exam.mrc_lowest"] == found


def test_known_fields_keep_every_check_of_a_case() -> None:
    """Ranges and contradictions among the known fields are reported by their paths."""
    found = paths(doc(nprs=13, unknown=["lrs"], lrs=_DROP, weeks_since_start=3))
    assert ["nprs", "weeks_since_start"] == found


def test_contradictions_with_an_unknown_field_are_left_to_the_completions() -> None:
    """Follow-up fields with an unknown consultation are fine: a completion is a follow-up."""
    partial = partial_case_from_json(
        doc(
            consultation=_DROP,
            unknown=["consultation"],
            weeks_since_start=4,
            sessions_used=3,
            improvement="adequate",
        )
    )
    completed = partial.complete({"consultation": Consultation.FOLLOW_UP})
    assert Improvement.ADEQUATE == completed.improvement


def test_partial_example_documents_are_valid() -> None:
    """Every examples/partial/*.json reads as a partial case and validates against its schema."""
    files = sorted(EXAMPLES.glob("*.json"))
    assert [] != files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert (path.name, []) == (
            path.name,
            [e.message for e in VALIDATOR.iter_errors(json.loads(text))],
        )
        assert load_partial_case(text).unknown


def test_schema_lists_the_unknown_paths_and_lifts_required() -> None:
    """The partial_case schema names every unknown path; only version and unknown are required."""
    schema = schema_for("partial_case")
    assert list(UNKNOWN_PATHS) == schema["properties"]["unknown"]["items"]["enum"]
    assert ["contract_version", "unknown"] == schema["required"]
    assert [] == [e.message for e in VALIDATOR.iter_errors(doc(nprs=_DROP, unknown=["nprs"]))]


def test_partial_case_does_not_import_z3() -> None:
    """Reading a partial case stays in the concrete world."""
    code = "import sys, lbp_spec, lbp_spec.partial_case; print('z3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "False" == out.stdout.strip()


def test_partial_case_json_round_trip_without_an_examination() -> None:
    """A known absent examination is written as null, and the fields after it are still written."""
    case = Case(lrs=False, nprs=3, mechanical_problem=True)
    for unknown in (["nprs"], ["red_flags.tumour"], ["prognostic_factors.leg_pain"]):
        partial = PartialCase.of(case, unknown)
        document = partial_case_to_json(partial)
        assert (None, True) == (document["neurological_exam"], document["mechanical_problem"])
        assert partial == partial_case_from_json(document)


def test_partial_case_json_round_trip() -> None:
    """partial_case_to_json writes what partial_case_from_json reads back, for every path."""
    exam = NeurologicalExam()
    case = Case(lrs=True, nprs=5, red_flags={RedFlag.FRACTURE}, neurological_exam=exam)
    for unknown in (
        ["neurological_exam.mrc_lowest", "mechanical_problem", "red_flags.tumour"],
        ["neurological_exam", "prognostic_factors.leg_pain"],
        *([path] for path in UNKNOWN_PATHS if not path.startswith("sbst.")),
    ):
        partial = PartialCase.of(case, unknown)
        document = partial_case_to_json(partial)
        assert unknown == document["unknown"]
        assert partial == partial_case_from_json(document)


def test_a_partial_case_may_carry_an_id() -> None:
    """As a case document does: the id is checked, echoed by a batch, never part of the case."""
    with_id = doc(id="record-7", unknown=["nprs"], nprs=_DROP)
    assert partial_case_from_json(doc(unknown=["nprs"], nprs=_DROP)) == load_partial_case(
        json.dumps(with_id)
    )
    assert VALIDATOR.is_valid(with_id)
    assert [("id", 'must be a string of 1 to 200 characters (or absent), got ""')] == problems(
        doc(id="")
    )[:1]
    assert not VALIDATOR.is_valid(doc(id=""))
