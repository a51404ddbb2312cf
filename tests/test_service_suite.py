"""The conformance suite as CDS Hooks exchanges: written, and checked against a service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from lbp_spec import Case, NeurologicalExam
from lbp_spec.conformance import suite_from_cases
from lbp_spec.service.cards import card_uuid
from lbp_spec.service.server import running
from lbp_spec.service.suite import CDS_HOOKS_FILE, check_service, write_cds_hooks
from lbp_spec.vocabulary import RedFlag

CASES = [
    Case(),
    Case(lrs=True, nprs=9),
    Case(red_flags={RedFlag.TUMOUR}),
    Case(lrs=True, nprs=3, neurological_exam=NeurologicalExam(mrc_lowest=3)),
]


def test_each_vector_becomes_a_request_and_its_cards(tmp_path: Path) -> None:
    """One line per vector; the request carries the case as an intake prefetch."""
    suite = suite_from_cases(CASES, group="mine")
    write_cds_hooks(list(suite.vectors), tmp_path)
    lines = [json.loads(x) for x in (tmp_path / CDS_HOOKS_FILE).read_text().splitlines()]
    assert [v.id for v in suite.vectors] == [x["id"] for x in lines]
    request = lines[1]["request"]
    assert "patient-view" == request["hook"]
    entry = request["prefetch"]["intake"]["entry"][0]["resource"]
    assert "QuestionnaireResponse" == entry["resourceType"]
    referral = [c for c in lines[1]["expected"]["cards"] if c["uuid"] == card_uuid("referral")]
    assert ["warning"] == [c["indicator"] for c in referral]


def test_the_reference_service_passes_and_a_wrong_one_fails(tmp_path: Path) -> None:
    """check_service finds no disagreement with this service, and finds a changed card."""
    suite = suite_from_cases(CASES, group="mine")
    write_cds_hooks(list(suite.vectors), tmp_path)
    with running() as url:
        assert [] == check_service(url, tmp_path)
        path = tmp_path / CDS_HOOKS_FILE
        lines = [json.loads(x) for x in path.read_text().splitlines()]
        lines[2]["expected"]["cards"][0]["indicator"] = "info"
        path.write_text("".join(json.dumps(x) + "\n" for x in lines))
        failures = check_service(url, tmp_path)
    assert 1 == len(failures)
    assert failures[0].startswith("mine/0003")


def test_a_stale_suite_is_refused(tmp_path: Path) -> None:
    """A vector whose expected advice is not this reference's is not turned into cards."""
    suite = suite_from_cases(CASES[:2], group="mine")
    vector = suite.vectors[1]
    vector.expected["referral"] = None
    with pytest.raises(ValueError, match="mine/0002"):
        write_cds_hooks([vector], tmp_path)
