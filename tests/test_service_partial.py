"""The CDS Hooks service over real HTTP when inputs are marked not known (data-absent-reason)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

pytest.importorskip("starlette")

import httpx

from lbp_spec import Case, NeurologicalExam, PartialCase
from lbp_spec.contract import advice_to_json, partial_case_to_json
from lbp_spec.evaluator import evaluate
from lbp_spec.fhir import case_to_response
from lbp_spec.fhir.absent import DATA_ABSENT_REASON_URL, absent_extension
from lbp_spec.partial import Status
from lbp_spec.service.cards import SUMMARY_LIMIT, advice_cards, card_uuid
from lbp_spec.service.partial_cards import (
    UNKNOWN_CARD,
    advise_partial,
    partial_cards,
    unknown_card,
)
from lbp_spec.service.server import running

LRS = Case(lrs=True, nprs=5, neurological_exam=NeurologicalExam(mrc_lowest=5))
NOT_KNOWN = card_uuid(UNKNOWN_CARD)


def locate(response: dict[str, Any], link: str) -> tuple[dict[str, Any], str]:
    """The item ``link`` of a response and its FHIR path within the intake Bundle."""

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
    """The intake of ``case`` with the item ``link`` present, without an answer, marked."""
    response = case_to_response(case, subject="Patient/1")
    item, _ = locate(response, link)
    item.pop("answer", None)
    item.pop("item", None)
    item["extension"] = [absent_extension(reason)]
    return response


def hook_request(response: dict[str, Any]) -> dict[str, Any]:
    """A patient-view request whose intake prefetch is ``response``."""
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/7", "patientId": "1"},
        "prefetch": {
            "intake": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": response}],
            }
        },
    }


def normative(cards: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """What a client acts on: each card's kind, indicator and summary."""
    return [(c["uuid"], c["indicator"], c["summary"]) for c in cards]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """A server with the default configuration on a loopback port."""
    with running() as url:
        yield url


def call(base: str, response: dict[str, Any]) -> httpx.Response:
    """POST the patient-view call for ``response``."""
    return httpx.post(f"{base}/cds-services/lbp-spec", json=hook_request(response), timeout=60)


def test_mrc_not_measured_asks_for_it_first_and_leaves_the_referral_open(base: str) -> None:
    """LRS, MRC not performed: a warning asking for the MRC first; the referral is open.

    No referral card: the referral is immediate at MRC 3 or below and none above.
    """
    reply = call(base, not_known(LRS, "neurological_exam.mrc_lowest"))
    assert 200 == reply.status_code
    cards = reply.json()["cards"]
    first = cards[0]
    assert (NOT_KNOWN, "warning") == (first["uuid"], first["indicator"])
    assert len(first["summary"]) <= SUMMARY_LIMIT
    assert "Ask first: Lowest MRC grade" in first["summary"]
    asks = first["detail"].split("**What to ask**")[1]
    assert asks.split("\n\n", 1)[1].startswith("1. Lowest MRC grade?")
    assert "immediate at 0 to 3" in asks
    assert "MRC score ≤ 3 out of 5" in asks  # the guideline sentence that reads it
    assert "not performed" in first["detail"]
    open_part = first["detail"].split("**Still open**")[1].split("**What to ask**")[0]
    assert "referral to the GP: immediate or none" in open_part
    kinds = {c["uuid"] for c in cards}
    assert card_uuid("referral") not in kinds
    assert card_uuid("profile") not in kinds
    assert card_uuid("safety_net_advice") in kinds  # certain for every MRC grade
    for card in cards[1:]:  # settled cards: no quote of the open referral; said proven
        assert "EMERGENCY.REFER" not in card["detail"]
        assert card["detail"].endswith("(proven).\n")
    for card in cards:
        assert len(card["summary"]) < 140


def test_an_input_that_changes_nothing_is_said_to_change_nothing(base: str) -> None:
    """An unknown that changes nothing is said to, as info; the rest are the usual cards.

    Mechanical problem not known for this LRS patient: the other cards are those of
    either completion.
    """
    reply = call(base, not_known(LRS, "mechanical_problem", "asked-unknown"))
    assert 200 == reply.status_code
    first, *rest = reply.json()["cards"]
    assert (NOT_KNOWN, "info") == (first["uuid"], first["indicator"])
    assert "changes nothing" in first["summary"]
    assert "Knowing it changes nothing in the advice." in first["detail"]
    assert "**Still open**" not in first["detail"]
    for value in (False, True):
        complete = advice_cards(
            advice_to_json(evaluate(attrs.evolve(LRS, mechanical_problem=value)))
        )
        assert normative(complete) == normative(rest)


def test_a_complete_case_gets_the_same_cards_as_before(base: str) -> None:
    """No absent-reason: no not-known card, and exactly the cards of the complete case."""
    reply = call(base, case_to_response(LRS, subject="Patient/1"))
    assert 200 == reply.status_code
    cards = reply.json()["cards"]
    assert NOT_KNOWN not in {c["uuid"] for c in cards}
    assert advice_cards(advice_to_json(evaluate(LRS))) == cards


def test_a_malformed_absent_reason_is_named_by_its_fhir_path(base: str) -> None:
    """An absent-reason with a code outside DataAbsentReason: 422 at the valueCode."""
    response = not_known(LRS, "neurological_exam.mrc_lowest")
    item, where = locate(response, "neurological_exam.mrc_lowest")
    item["extension"] = [{"url": DATA_ABSENT_REASON_URL, "valueCode": "not-measured"}]
    reply = call(base, response)
    assert 422 == reply.status_code
    outcome = reply.json()
    assert "OperationOutcome" == outcome["resourceType"]
    [issue] = outcome["issue"]
    assert [f"{where}.extension[0].valueCode"] == issue["expression"]
    assert "not-measured" in issue["diagnostics"]


def test_an_undecided_field_is_said_undecided_and_never_shown_settled() -> None:
    """A field the solver gave up on is listed as undecided, and gets no card of its own."""
    answer = advise_partial(PartialCase.of(LRS, ["neurological_exam.mrc_lowest"]))
    assert Status.SETTLED is answer.field("safety_net_advice.saddle_numbness").status
    fields = tuple(
        attrs.evolve(a, status=Status.UNDECIDED, value=None, witness=None)
        if a.field.startswith("safety_net_advice.")
        else a
        for a in answer.fields
    )
    undecided = attrs.evolve(answer, fields=fields)
    card = unknown_card(undecided)
    assert "**Undecided**" in card["detail"]
    assert "safety-net advice: saddle numbness" in card["detail"].split("**Undecided**")[1]
    certain = card["detail"].split("**Already certain**")[1].split("**Still open**")[0]
    assert "saddle numbness" not in certain
    kinds = {c["uuid"] for c in partial_cards(undecided)}
    assert card_uuid("safety_net_advice") not in kinds
    assert card_uuid("safety_net_advice") in {c["uuid"] for c in partial_cards(answer)}


def test_explorer_answers_a_document_with_unknown_inputs(base: str) -> None:
    """POST /advice with an unknown list answers the same cards as the CDS Hooks call."""
    document = partial_case_to_json(PartialCase.of(LRS, ["neurological_exam.mrc_lowest"]))
    reply = httpx.post(f"{base}/advice", json=document, timeout=60)
    assert 200 == reply.status_code
    answer = reply.json()
    hooks = call(base, not_known(LRS, "neurological_exam.mrc_lowest", "unknown")).json()
    assert normative(hooks["cards"]) == normative(answer["cards"])
    assert ["neurological_exam.mrc_lowest"] == answer["partial"]["unknown"]


def test_the_how_to_example_with_the_mrc_not_known(base: str) -> None:
    """The how-to's request (MRC not performed, NPRS 8): a referral is certain, its urgency open."""
    root = Path(__file__).resolve().parent.parent
    request = json.loads(
        (root / "examples/cds-hooks/patient-view-lrs-mrc-not-known.json").read_text()
    )
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=request, timeout=60)
    assert 200 == reply.status_code
    first = reply.json()["cards"][0]
    assert (NOT_KNOWN, "warning") == (first["uuid"], first["indicator"])
    assert "referral to the GP: immediate or not stated (never none)" in first["detail"]


def test_questions_follow_the_ask_list(base: str) -> None:
    """Two inputs not known: the card asks them in the partial answer's ask order."""
    response = not_known(LRS, "mechanical_problem")
    item, _ = locate(response, "neurological_exam.mrc_lowest")
    item.pop("answer")
    item["extension"] = [absent_extension("unknown")]
    reply = call(base, response)
    assert 200 == reply.status_code
    first = reply.json()["cards"][0]
    answer = advise_partial(
        PartialCase.of(LRS, ["neurological_exam.mrc_lowest", "mechanical_problem"])
    )
    asks = first["detail"].split("**What to ask**")[1]
    positions = [asks.index(f"{i}. ") for i in range(1, len(answer.ask) + 1)]
    assert sorted(positions) == positions
    titles = [asks.split(f"{i}. ", 1)[1].split("?")[0] for i in range(1, len(answer.ask) + 1)]
    assert ["Lowest MRC grade", "Mechanical problem"] == titles
    assert ["neurological_exam.mrc_lowest", "mechanical_problem"] == [a.input for a in answer.ask]
    assert "2 inputs not known. Ask first: Lowest MRC grade" in first["summary"]


def test_a_set_keeps_its_settled_members_and_only_their_quotes() -> None:
    """An open member of a set leaves the set's card, and so does the rule that writes it."""
    answer = advise_partial(PartialCase.of(LRS, ["mechanical_problem"]))
    opened = "education.lrs_imaging_decided_by_gp"
    assert answer.field(opened).value is True
    witness = answer.field(opened).witness
    assert witness is not None
    fields = tuple(
        attrs.evolve(a, status=Status.OPEN, value=None, witness=None, values=((True, witness),))
        if a.field == opened
        else a
        for a in answer.fields
    )
    cards = {c["uuid"]: c for c in partial_cards(attrs.evolve(answer, fields=fields))}
    education = cards[card_uuid("education")]
    assert "lrs imaging decided by gp" not in education["summary"]
    assert "EDUCATION.LRS.IMAGING" not in education["detail"]
    assert "EDUCATION.LRS.RECOVERY" in education["detail"]
    whole = {c["uuid"]: c for c in partial_cards(answer)}[card_uuid("education")]
    assert "EDUCATION.LRS.IMAGING" in whole["detail"]
