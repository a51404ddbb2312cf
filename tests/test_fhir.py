"""FHIR R4 mapping: the intake Questionnaire, QuestionnaireResponse and Observations, Bundles."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from lbp_spec import Case, NeurologicalExam, Sbst
from lbp_spec.contract import case_schema
from lbp_spec.fhir import (
    QUESTIONNAIRE_URL,
    case_observations,
    case_to_response,
    questionnaire,
    read_bundle,
    validate,
)
from lbp_spec.fhir.fields import case_questions, walk
from lbp_spec.strategies import cases
from lbp_spec.vocabulary import RedFlag

pytest.importorskip("fhir.resources")

SCRIPT = Path(sys.executable).parent / "lbp-spec"


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    """A collection Bundle of ``resources``."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def items(questionnaire_or_response: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every item by linkId, nested ones included."""
    out: dict[str, dict[str, Any]] = {}

    def visit(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            out[node["linkId"]] = node
            visit(node.get("item", []))

    visit(questionnaire_or_response["item"])
    return out


def loinc(code: str, value: object, status: str = "final") -> dict[str, Any]:
    """An Observation with a LOINC code and a score."""
    return {
        "resourceType": "Observation",
        "status": status,
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": "{score}"},
    }


def test_questionnaire_is_valid_fhir_with_an_item_per_case_field() -> None:
    """The generated Questionnaire validates as FHIR and has one item per field of the schema."""
    generated = questionnaire()
    assert [] == validate(generated, "Questionnaire")
    schema = case_schema()
    by_link = items(generated)
    links: list[str] = []

    def collect(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            links.append(node["linkId"])
            collect(node.get("item", []))

    collect(generated["item"])
    assert len(links) == len(set(links))  # every linkId is unique
    # the document's version and the sender's own id are not questions about the patient
    expected_top = [name for name in schema["properties"] if name not in ("contract_version", "id")]
    assert expected_top == [i["linkId"] for i in generated["item"] if i["type"] != "display"]
    for question in walk(case_questions()):
        assert question.path in by_link
    assert ["initial", "follow_up"] == [
        o["valueCoding"]["code"] for o in by_link["consultation"]["answerOption"]
    ]
    assert schema["properties"]["nprs"]["description"] == by_link["nprs-help"]["text"]
    assert "display" == by_link["nprs-help"]["type"]
    assert [{"system": "http://loinc.org", "code": "72514-3"}] == [
        {"system": c["system"], "code": c["code"]} for c in by_link["nprs"]["code"]
    ]
    assert ["91351-7"] == [c["code"] for c in by_link["sbst.total"]["code"]]
    assert ["91350-9"] == [c["code"] for c in by_link["sbst.psychosocial"]["code"]]
    assert by_link["red_flags"]["repeats"] is True


def test_questionnaire_follows_a_changed_case_vocabulary() -> None:
    """A field added to the case schema appears as an item with its options and help."""
    schema = copy.deepcopy(case_schema())
    schema["properties"]["complaint_duration"] = {
        "title": "Complaint duration",
        "description": "How long the complaints have lasted.",
        "type": "string",
        "enum": ["acute", "subacute", "chronic"],
    }
    schema["properties"]["note"] = {"title": "Note", "type": "string"}
    schema["$defs"]["sbst"]["properties"]["window_weeks"] = {
        "title": "Window",
        "description": "Weeks.",
        "type": ["integer", "null"],
        "minimum": 0,
    }
    by_link = items(questionnaire(schema))
    assert ("string", "integer") == (by_link["note"]["type"], by_link["sbst.window_weeks"]["type"])
    assert ["acute", "subacute", "chronic"] == [
        o["valueCoding"]["code"] for o in by_link["complaint_duration"]["answerOption"]
    ]
    assert "How long the complaints have lasted." == by_link["complaint_duration-help"]["text"]


@settings(max_examples=40, deadline=None)
@given(cases())
def test_case_to_response_and_back(case: Case) -> None:
    """Any valid case written as a QuestionnaireResponse (and Observations) reads back equal."""
    response = case_to_response(case, subject="Patient/1")
    assert [] == validate(response, "QuestionnaireResponse")
    assert case == read_bundle(bundle(response)).case
    assert case == read_bundle(bundle(response, *case_observations(case))).case


def test_observations_fill_fields_the_response_leaves_out() -> None:
    """NPRS and both STarT Back scores are read from standalone coded Observations."""
    case = Case(nprs=8, lrs=True, sbst=Sbst(total=6, psychosocial=4))
    response = case_to_response(case)
    response["item"] = [i for i in response["item"] if i["linkId"] not in ("nprs", "sbst")]
    observations = [loinc("72514-3", 8), loinc("91351-7", 6), loinc("91350-9", 4)]
    assert case == read_bundle(bundle(response, *observations)).case


def test_dutch_pain_score_needs_the_nrs_method() -> None:
    """SNOMED CT 225908003 is read as NPRS with method NRS only; without a method it is refused."""
    response = case_to_response(Case(nprs=2))
    response["item"] = [i for i in response["item"] if i["linkId"] != "nprs"]
    score: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "225908003"}]},
        "valueInteger": 7,
    }
    nrs = {**score, "method": {"coding": [{"code": "NRS"}]}}
    assert 7 == read_bundle(bundle(response, nrs)).case.nprs  # type: ignore[union-attr]
    reading = read_bundle(bundle(response, score))
    assert ["Bundle.entry[1].resource.method", "Bundle"] == [p.path for p in reading.problems]
    vas = {**score, "method": {"coding": [{"code": "VAS10"}]}}
    reading = read_bundle(bundle(response, vas))
    assert ["Bundle"] == [p.path for p in reading.problems]  # nprs is missing: VAS is not read


def test_conflicting_values_name_both_elements() -> None:
    """An Observation disagreeing with the response is a problem naming both, not a choice."""
    response = case_to_response(Case(nprs=3))
    reading = read_bundle(bundle(response, loinc("72514-3", 9)))
    assert None is reading.case
    [problem] = reading.problems
    assert "Bundle.entry[1].resource.valueQuantity.value" == problem.path
    assert "Bundle.entry[0].resource.item[" in problem.message


def test_problems_carry_the_fhir_path_of_the_answer() -> None:
    """An out-of-range value, a wrong answer type and a bad code are reported where they are."""
    response = case_to_response(Case(nprs=3, red_flags={RedFlag.FRACTURE}))
    by_link = items(response)
    by_link["nprs"]["answer"] = [{"valueInteger": 12}]
    by_link["lrs"]["answer"] = [{"valueString": "yes"}]
    by_link["red_flags"]["answer"][0]["valueCoding"]["code"] = "broken"
    reading = read_bundle(bundle(response))
    paths = sorted(p.path for p in reading.problems)
    index = {i["linkId"]: n for n, i in enumerate(response["item"])}
    assert (
        sorted(
            [
                f"Bundle.entry[0].resource.item[{index['lrs']}].answer[0]",
                f"Bundle.entry[0].resource.item[{index['nprs']}].answer[0].valueInteger",
                f"Bundle.entry[0].resource.item[{index['red_flags']}].answer[0].valueCoding.code",
            ]
        )
        == paths
    )
    assert any("0 to 10" in p.message for p in reading.problems)


def test_missing_required_field_and_wrong_resources() -> None:
    """A missing required answer names the field; a non-Bundle and invalid FHIR are refused."""
    response = case_to_response(Case(nprs=3))
    response["item"] = [i for i in response["item"] if i["linkId"] != "nprs"]
    [problem] = read_bundle(bundle(response)).problems
    assert "Bundle" == problem.path
    assert "nprs" in problem.message
    assert ["Bundle.resourceType"] == [
        p.path for p in read_bundle({"resourceType": "Patient"}).problems
    ]
    broken = bundle(loinc("72514-3", "eight"))
    assert ["Bundle", "Bundle.entry[0].resource.valueQuantity.value"] == [
        p.path for p in read_bundle(broken).problems
    ]
    assert ["Bundle"] == [p.path for p in read_bundle(bundle()).problems]
    other = {**response, "questionnaire": "http://example.org/Questionnaire/other"}
    assert QUESTIONNAIRE_URL in read_bundle(bundle(other)).problems[0].message


def test_preliminary_values_are_not_read_as_final() -> None:
    """A preliminary score is a problem; an entered-in-error one is skipped."""
    response = case_to_response(Case(nprs=3))
    assert ["Bundle.entry[1].resource.status"] == [
        p.path for p in read_bundle(bundle(response, loinc("72514-3", 9, "preliminary"))).problems
    ]
    assert 3 == read_bundle(bundle(response, loinc("72514-3", 9, "entered-in-error"))).case.nprs  # type: ignore[union-attr]


def test_cli_questionnaire_and_case(tmp_path: Path) -> None:
    """`lbp-spec fhir questionnaire` prints the intake; `fhir case` prints a case or problems."""
    done = subprocess.run(
        [SCRIPT, "fhir", "questionnaire"], capture_output=True, text=True, check=False
    )
    assert 0 == done.returncode
    assert questionnaire() == json.loads(done.stdout)
    case = Case(lrs=True, nprs=8, neurological_exam=NeurologicalExam(mrc_lowest=4))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(bundle(case_to_response(case))))
    done = subprocess.run(
        [SCRIPT, "fhir", "case", str(good)], capture_output=True, text=True, check=False
    )
    assert (0, True, 8) == (
        done.returncode,
        json.loads(done.stdout)["lrs"],
        json.loads(done.stdout)["nprs"],
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bundle(case_to_response(case), loinc("72514-3", 2))))
    done = subprocess.run(
        [SCRIPT, "fhir", "case", str(bad)], capture_output=True, text=True, check=False
    )
    assert 1 == done.returncode
    assert "Bundle.entry[1].resource.valueQuantity.value: nprs is 2 here but 8" in done.stderr
