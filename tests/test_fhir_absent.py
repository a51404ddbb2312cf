"""Inputs marked not known over FHIR (data-absent-reason) read into a partial case."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lbp_spec import Case, NeurologicalExam, PartialCase, Sbst
from lbp_spec.contract import partial_case_from_json
from lbp_spec.fhir import case_observations, case_to_response, read_bundle
from lbp_spec.fhir.absent import (
    ABSENT_REASONS,
    DATA_ABSENT_REASON_SYSTEM,
    DATA_ABSENT_REASON_URL,
    absent_extension,
)
from lbp_spec.fhir.fields import case_questions, walk
from lbp_spec.fhir.questionnaire import partial_to_response
from lbp_spec.vocabulary import FactorLevel, PrognosticFactor, RedFlag

pytest.importorskip("fhir.resources")

SCRIPT = Path(sys.executable).parent / "lbp-spec"
LRS = Case(lrs=True, nprs=5, neurological_exam=NeurologicalExam(mrc_lowest=5))


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    """A collection Bundle of ``resources``."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def locate(response: dict[str, Any], link: str) -> tuple[dict[str, Any], str]:
    """The item ``link`` of a response, and its FHIR path in the first entry of a Bundle."""

    def visit(nodes: list[dict[str, Any]], at: str) -> tuple[dict[str, Any], str] | None:
        for i, node in enumerate(nodes):
            here = f"{at}.item[{i}]"
            if node["linkId"] == link:
                return node, here
            found = visit(node.get("item", []), here)
            if found is not None:
                return found
        return None

    found = visit(response["item"], "Bundle.entry[0].resource")
    assert found is not None
    return found


def not_known(case: Case, link: str, reason: str = "not-performed") -> dict[str, Any]:
    """The intake of ``case`` with the item ``link`` marked not known (no answer)."""
    response = case_to_response(case)
    item, _ = locate(response, link)
    item.pop("answer", None)
    item.pop("item", None)
    item["extension"] = [absent_extension(reason)]
    return response


def absent_observation(case: Case, code: str = "asked-unknown") -> dict[str, Any]:
    """The NPRS Observation of ``case`` with no value and a dataAbsentReason."""
    observation = case_observations(case)[0]
    del observation["valueQuantity"]
    observation["dataAbsentReason"] = {
        "coding": [{"system": DATA_ABSENT_REASON_SYSTEM, "code": code}]
    }
    return observation


def test_an_item_with_an_absent_reason_is_an_unknown_input() -> None:
    """The MRC item without an answer, with data-absent-reason: the partial case of that path."""
    reading = read_bundle(bundle(not_known(LRS, "neurological_exam.mrc_lowest")))
    assert () == reading.problems
    assert reading.case is None
    assert PartialCase.of(LRS, ["neurological_exam.mrc_lowest"]) == reading.partial
    [absent] = reading.absent
    _, where = locate(case_to_response(LRS), "neurological_exam.mrc_lowest")
    assert ("neurological_exam.mrc_lowest", "not-performed", where) == (
        absent.path,
        absent.reason,
        absent.location,
    )


def test_groups_and_factors_can_be_marked_not_known() -> None:
    """A group item is unknown as a whole; a prognostic factor by its own item."""
    case = Case(
        lrs=True, nprs=5, prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT}
    )
    response = not_known(case, "prognostic_factors.leg_pain", "asked-unknown")
    reading = read_bundle(bundle(response))
    assert PartialCase.of(case, ["prognostic_factors.leg_pain"]) == reading.partial
    group = not_known(LRS, "neurological_exam")
    assert PartialCase.of(LRS, ["neurological_exam"]) == read_bundle(bundle(group)).partial


def test_a_plain_missing_answer_keeps_its_meaning() -> None:
    """Without the extension, an item without an answer reads as before: never as unknown."""
    case = Case(lrs=True, nprs=5, red_flags={RedFlag.FRACTURE})
    response = case_to_response(case)
    item, _ = locate(response, "red_flags")
    item.pop("answer")
    reading = read_bundle(bundle(response))
    assert (None, ()) == (reading.partial, reading.absent)
    assert Case(lrs=True, nprs=5) == reading.case


def test_an_observation_with_data_absent_reason_is_an_unknown_input() -> None:
    """An NPRS Observation with dataAbsentReason and no value: nprs is unknown."""
    response = case_to_response(LRS)
    nprs, _ = locate(response, "nprs")
    response["item"].remove(nprs)
    reading = read_bundle(bundle(response, absent_observation(LRS)))
    assert () == reading.problems
    assert PartialCase.of(LRS, ["nprs"]) == reading.partial
    assert "Bundle.entry[1].resource.dataAbsentReason" == reading.absent[0].location


def test_not_known_and_a_value_for_one_field_name_both() -> None:
    """An intake value and an Observation saying not known disagree: a problem naming both."""
    reading = read_bundle(bundle(case_to_response(LRS), absent_observation(LRS)))
    [problem] = reading.problems
    assert "Bundle.entry[1].resource.dataAbsentReason" == problem.path
    assert "Bundle.entry[0].resource" in problem.message


@pytest.mark.parametrize(
    ("extension", "suffix", "words"),
    [
        ({"url": DATA_ABSENT_REASON_URL, "valueString": "no"}, "", "needs a valueCode"),
        ({"url": DATA_ABSENT_REASON_URL, "valueCode": "forgot"}, ".valueCode", "not a code"),
    ],
)
def test_a_malformed_absent_reason_names_its_fhir_path(
    extension: dict[str, Any], suffix: str, words: str
) -> None:
    """A reason that cannot be read is a problem at the extension, never a silent unknown."""
    response = not_known(LRS, "neurological_exam.mrc_lowest")
    item, where = locate(response, "neurological_exam.mrc_lowest")
    item["extension"] = [extension]
    reading = read_bundle(bundle(response))
    assert (None, None) == (reading.case, reading.partial)
    [problem] = reading.problems
    assert f"{where}.extension[0]{suffix}" == problem.path
    assert words in problem.message


def test_an_absent_reason_next_to_an_answer_is_a_problem() -> None:
    """An item that gives a value and says it is not known is refused at the extension."""
    response = case_to_response(LRS)
    item, where = locate(response, "nprs")
    item["extension"] = [absent_extension()]
    [problem] = read_bundle(bundle(response)).problems
    assert f"{where}.extension[0]" == problem.path


def test_an_observation_reason_from_another_system_is_a_problem() -> None:
    """A reason without a DataAbsentReason coding names the dataAbsentReason element."""
    response = case_to_response(LRS)
    nprs, _ = locate(response, "nprs")
    response["item"].remove(nprs)
    observation = absent_observation(LRS)
    observation["dataAbsentReason"] = {"text": "not measured"}
    reading = read_bundle(bundle(response, observation))
    assert reading.partial is None
    assert "Bundle.entry[1].resource.dataAbsentReason" == reading.problems[0].path
    assert DATA_ABSENT_REASON_SYSTEM in reading.problems[0].message


def test_other_problems_keep_their_fhir_paths_when_inputs_are_not_known() -> None:
    """With the MRC marked not known, an out-of-range NPRS is still named at its answer."""
    response = not_known(LRS, "neurological_exam.mrc_lowest")
    nprs, where = locate(response, "nprs")
    nprs["answer"] = [{"valueInteger": 11}]
    reading = read_bundle(bundle(response))
    assert (None, None) == (reading.case, reading.partial)
    [problem] = reading.problems
    assert f"{where}.answer[0].valueInteger" == problem.path


def test_every_reason_code_is_accepted() -> None:
    """Each code of the R4 DataAbsentReason code system marks the input not known."""
    for code in ABSENT_REASONS:
        response = not_known(LRS, "mechanical_problem", code)
        assert ("mechanical_problem",) == read_bundle(bundle(response)).partial.unknown  # type: ignore[union-attr]


def test_cli_prints_the_partial_case(tmp_path: Path) -> None:
    """`lbp-spec fhir case` prints the partial case with its unknown list."""
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle(not_known(LRS, "neurological_exam.mrc_lowest"))))
    done = subprocess.run(
        [SCRIPT, "fhir", "case", str(path)], capture_output=True, text=True, check=False
    )
    assert 0 == done.returncode, done.stderr
    printed = json.loads(done.stdout)
    assert ["neurological_exam.mrc_lowest"] == printed["unknown"]
    assert "mrc_lowest" not in printed["neurological_exam"]
    assert PartialCase.of(LRS, ["neurological_exam.mrc_lowest"]) == partial_case_from_json(printed)


def test_every_item_can_be_marked_not_known_and_read_back() -> None:
    """For every intake item, a partial case with it unknown writes and reads back unchanged."""
    case = Case(
        lrs=True,
        nprs=5,
        neurological_exam=NeurologicalExam(mrc_lowest=4),
        sbst=Sbst(total=5, psychosocial=3),
    )
    links = [q.path for q in walk(case_questions())]
    assert links
    for link in links:
        partial = PartialCase.of(case, [link])
        reading = read_bundle(bundle(partial_to_response(partial, reason="asked-unknown")))
        assert (partial, ()) == (reading.partial, reading.problems), link
        assert [("asked-unknown", link)] == [(a.reason, a.path) for a in reading.absent]


def test_a_set_member_has_no_item_to_mark() -> None:
    """One member of a set is not an item of its own: writing it is refused, not approximated."""
    with pytest.raises(ValueError, match=r"red_flags\.fracture"):
        partial_to_response(PartialCase.of(LRS, ["red_flags.fracture"]))
