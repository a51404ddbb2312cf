"""The CDS Hooks service over real HTTP: discovery, calls, cards, errors, JWT, CORS, limits."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jwt")

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from lbp_spec import Case, NeurologicalExam
from lbp_spec.fhir import case_observations, case_to_response
from lbp_spec.service.app import ServiceConfig
from lbp_spec.service.auth import JwtConfig
from lbp_spec.service.cards import SUMMARY_LIMIT, advice_cards, card_uuid
from lbp_spec.service.hooks import PREFETCH
from lbp_spec.service.server import running
from lbp_spec.vocabulary import EmergencySign

ISSUER = "https://ehr.example.org"


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    """A searchset Bundle, as a client's prefetch."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def hook_request(case: Case | None, **prefetch: Any) -> dict[str, Any]:
    """A patient-view request whose intake prefetch describes ``case``."""
    if case is not None and "intake" not in prefetch:
        prefetch["intake"] = searchset(case_to_response(case, subject="Patient/1"))
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/fhir",
        "context": {"userId": "Practitioner/7", "patientId": "1"},
        "prefetch": prefetch,
    }


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """A server with the default configuration on a loopback port."""
    with running() as url:
        yield url


def test_discovery_lists_the_patient_view_service(base: str) -> None:
    """GET /cds-services: one patient-view service with id, title, description, prefetch."""
    reply = httpx.get(f"{base}/cds-services")
    assert 200 == reply.status_code
    [service] = reply.json()["services"]
    assert ("patient-view", "lbp-spec") == (service["hook"], service["id"])
    assert service["title"] and service["description"]
    assert PREFETCH == service["prefetch"]
    for template in service["prefetch"].values():
        assert "{{context.patientId}}" in template


def test_call_answers_cards_with_reasons(base: str) -> None:
    """An LRS patient with NPRS 8 gets a referral card (warning) with the quote behind it."""
    case = Case(lrs=True, nprs=8, neurological_exam=NeurologicalExam(mrc_lowest=5))
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=hook_request(case))
    assert 200 == reply.status_code
    cards = reply.json()["cards"]
    by_uuid = {c["uuid"]: c for c in cards}
    referral = by_uuid[card_uuid("referral")]
    assert "warning" == referral["indicator"]
    assert "urgency not stated" in referral["summary"]
    assert "NPRS ≥ 8" in referral["detail"]
    assert "LRS.REFER.SEVERE" in referral["detail"]
    for card in cards:
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"].startswith("KNGF guideline")
        assert str(uuid.UUID(card["uuid"])) == card["uuid"]


def test_emergency_is_critical_and_observations_count(base: str) -> None:
    """An emergency sign gives a critical referral; an Observation supplies the NPRS."""
    case = Case(lrs=True, nprs=4, neurological_emergency_signs={EmergencySign.SADDLE_NUMBNESS})
    request = hook_request(case, observations=searchset(*case_observations(case)))
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=request)
    cards = {c["uuid"]: c for c in reply.json()["cards"]}
    assert "critical" == cards[card_uuid("referral")]["indicator"]
    assert "immediate" in cards[card_uuid("referral")]["summary"]


def test_newest_observation_wins_over_older_ones(base: str) -> None:
    """Of several NPRS Observations the newest is read (and must agree with the intake)."""
    case = Case(lrs=True, nprs=8)
    old, new = case_observations(Case(nprs=2))[0], case_observations(case)[0]
    old["effectiveDateTime"], new["effectiveDateTime"] = "2026-01-01T10:00:00Z", "2026-03-01"
    reply = httpx.post(
        f"{base}/cds-services/lbp-spec", json=hook_request(case, observations=searchset(old, new))
    )
    assert 200 == reply.status_code


def test_missing_prefetch_is_412_and_null_intake_says_no_advice(base: str) -> None:
    """Without the intake key the answer is 412; with intake null, an info card, no advice."""
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=hook_request(None))
    assert 412 == reply.status_code
    assert "OperationOutcome" == reply.json()["resourceType"]
    assert ["prefetch.intake"] == reply.json()["issue"][0]["expression"]
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=hook_request(None, intake=None))
    [card] = reply.json()["cards"]
    assert ("info", card_uuid("no_intake")) == (card["indicator"], card["uuid"])


@pytest.mark.parametrize(
    ("change", "status", "expression"),
    [
        (lambda r: r.pop("hookInstance"), 400, "hookInstance"),
        (lambda r: r.update(hookInstance="not-a-uuid"), 400, "hookInstance"),
        (lambda r: r.update(hook="order-sign"), 400, "hook"),
        (lambda r: r["context"].pop("patientId"), 400, "context.patientId"),
        (lambda r: r.update(prefetch=[]), 400, "prefetch"),
    ],
)
def test_malformed_requests_name_the_field(
    base: str, change: Any, status: int, expression: str
) -> None:
    """Each malformed request field is refused with its name as the issue's expression."""
    request = hook_request(Case(nprs=3))
    change(request)
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=request)
    assert status == reply.status_code
    assert [expression] == reply.json()["issue"][0]["expression"]


def test_invalid_prefetch_data_names_the_fhir_path(base: str) -> None:
    """An out-of-range answer is a 422 whose issue points at the answer element."""
    response = case_to_response(Case(nprs=3))
    index = next(i for i, item in enumerate(response["item"]) if item["linkId"] == "nprs")
    response["item"][index]["answer"] = [{"valueInteger": 11}]
    reply = httpx.post(
        f"{base}/cds-services/lbp-spec", json=hook_request(None, intake=searchset(response))
    )
    assert 422 == reply.status_code
    [issue] = reply.json()["issue"]
    assert [f"Bundle.entry[0].resource.item[{index}].answer[0].valueInteger"] == issue["expression"]
    assert issue["diagnostics"].startswith("prefetch 'intake'")
    reply = httpx.post(
        f"{base}/cds-services/lbp-spec", json=hook_request(None, intake={"resourceType": "Patient"})
    )
    assert 422 == reply.status_code


def test_transport_errors_are_operation_outcomes(base: str) -> None:
    """Bad JSON 400, unknown service 404, wrong method 405, huge body 413: all OperationOutcomes."""
    for reply, status in (
        (httpx.post(f"{base}/cds-services/lbp-spec", content=b"{nope"), 400),
        (httpx.post(f"{base}/cds-services/other", json=hook_request(Case())), 404),
        (httpx.get(f"{base}/cds-services/lbp-spec"), 405),
        (httpx.post(f"{base}/cds-services/lbp-spec", content=b" " * 2_000_000), 413),
    ):
        assert status == reply.status_code
        assert "OperationOutcome" == reply.json()["resourceType"]


def test_cors_is_off_by_default_and_configurable(base: str) -> None:
    """No CORS headers unless an origin is configured; then that origin is allowed."""
    origin = {"Origin": "https://app.example.org"}
    assert (
        "access-control-allow-origin"
        not in httpx.get(f"{base}/cds-services", headers=origin).headers
    )
    with running(ServiceConfig(cors_origins=("https://app.example.org",))) as url:
        reply = httpx.get(f"{url}/cds-services", headers=origin)
        assert "https://app.example.org" == reply.headers["access-control-allow-origin"]


# -- JWT -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys() -> tuple[ec.EllipticCurvePrivateKey, ec.EllipticCurvePrivateKey]:
    """The trusted EHR's key pair and a stranger's."""
    return ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())


@pytest.fixture(scope="module")
def secured(keys: tuple[ec.EllipticCurvePrivateKey, ec.EllipticCurvePrivateKey]) -> Iterator[str]:
    """A server that trusts ISSUER's public key."""
    pem = (
        keys[0]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    from lbp_spec.service.auth import load_key

    with running(ServiceConfig(jwt=JwtConfig(ISSUER, load_key(pem.decode())))) as url:
        yield url


def token(key: Any, aud: str, alg: str = "ES384", **changes: Any) -> str:
    """A JWT as a CDS client makes it, with ``changes`` to the claims (None drops one)."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": "ehr-1", "typ": "JWT"})


def test_jwt_required_and_checked(
    secured: str, keys: tuple[ec.EllipticCurvePrivateKey, ec.EllipticCurvePrivateKey]
) -> None:
    """Bad tokens are refused with 401 (missing, unsigned, expired, wrong issuer, ...).

    Also wrong audience, a stranger's key, HMAC, no jti and a replayed jti; a proper
    ES384 token is accepted.
    """
    trusted, stranger = keys
    aud = f"{secured}/cds-services"
    url = f"{secured}/cds-services"
    unsigned = jwt.encode(
        {"iss": ISSUER, "aud": aud, "exp": int(time.time()) + 300, "iat": 1, "jti": "x"},
        None,
        algorithm="none",
    )
    refused = {
        "missing": None,
        "unsigned": unsigned,
        "expired": token(trusted, aud, exp=int(time.time()) - 3600),
        "wrong issuer": token(trusted, aud, iss="https://evil.example.org"),
        "wrong audience": token(trusted, f"{secured}/cds-services/lbp-spec"),
        "foreign key": token(stranger, aud),
        "hmac": jwt.encode({"iss": ISSUER, "aud": aud}, "secret" * 8, algorithm="HS384"),
        "no jti": token(trusted, aud, jti=None),
    }
    for why, value in refused.items():
        headers = {} if value is None else {"Authorization": f"Bearer {value}"}
        reply = httpx.get(url, headers=headers)
        assert (why, 401) == (why, reply.status_code)
        assert "OperationOutcome" == reply.json()["resourceType"]
        assert "Bearer" == reply.headers["www-authenticate"]
    good = token(trusted, aud)
    assert 200 == httpx.get(url, headers={"Authorization": f"Bearer {good}"}).status_code
    replay = httpx.get(url, headers={"Authorization": f"Bearer {good}"})
    assert 401 == replay.status_code
    assert "replay" in replay.json()["issue"][0]["diagnostics"]
    call = f"{secured}/cds-services/lbp-spec"
    reply = httpx.post(
        call,
        json=hook_request(Case(nprs=3)),
        headers={"Authorization": f"Bearer {token(trusted, call)}"},
    )
    assert 200 == reply.status_code


# -- cards ----------------------------------------------------------------------------------


def test_an_unstated_urgency_is_never_shown_as_routine() -> None:
    """A referral urgency other than immediate is a warning shown by its own value."""
    from lbp_spec import evaluate
    from lbp_spec.contract import advice_to_json

    advice = advice_to_json(evaluate(Case(lrs=True, nprs=9)))
    advice["referral"]["urgency"] = "not_stated_by_guideline"
    [card] = [c for c in advice_cards(advice) if c["uuid"] == card_uuid("referral")]
    assert "warning" == card["indicator"]
    assert "not stated by guideline" in card["summary"]
    assert "routine" not in card["summary"]
    advice["referral"] = {"to": "general_practitioner", "urgency": None, "mode": "alongside"}
    [card] = [c for c in advice_cards(advice) if c["uuid"] == card_uuid("referral")]
    assert "warning" == card["indicator"]
    assert (
        "Referral: to the general practitioner, urgency not stated by the guideline, mode alongside"
        == card["summary"]
    )


def test_cards_follow_a_new_advice_field_and_keep_the_summary_short() -> None:
    """A field added to the advice becomes a card; a long value is cut below 140 characters."""
    from lbp_spec import evaluate
    from lbp_spec.contract import advice_to_json

    advice = advice_to_json(evaluate(Case(nprs=3)))
    advice["referral_mode"] = "alongside_treatment"
    advice["education"] = ["a_very_long_topic_name"] * 20
    cards = {c["uuid"]: c for c in advice_cards(advice)}
    assert "Referral mode: alongside treatment" == cards[card_uuid("referral_mode")]["summary"]
    assert SUMMARY_LIMIT == len(cards[card_uuid("education")]["summary"])


def test_core_imports_no_extra() -> None:
    """Importing the core and the CLI loads neither the web framework nor the FHIR models."""
    code = (
        "import sys, lbp_spec, lbp_spec.cli; "
        "bad = [m for m in ('starlette', 'uvicorn', 'jwt', 'fhir.resources', 'pydantic') "
        "if m in sys.modules]; print(json.dumps(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    assert [] == json.loads(done.stdout)


def test_the_how_to_example_request(base: str) -> None:
    """The request of the vendor how-to answers a referral card with its quote."""
    root = __import__("pathlib").Path(__file__).resolve().parent.parent
    request = json.loads((root / "examples/cds-hooks/patient-view-lrs.json").read_text())
    reply = httpx.post(f"{base}/cds-services/lbp-spec", json=request)
    assert 200 == reply.status_code
    cards = {c["uuid"]: c for c in reply.json()["cards"]}
    assert "NPRS ≥ 8" in cards[card_uuid("referral")]["detail"]


def test_serve_command_starts_answers_and_stops_on_sigterm(tmp_path: Any) -> None:
    """`lbp-spec serve` listens on loopback, answers discovery, and exits on SIGTERM."""
    import signal
    import socket

    script = __import__("pathlib").Path(sys.executable).parent / "lbp-spec"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [str(script), "serve", "--port", str(port), "--grace", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/cds-services", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        assert 200 == reply.status_code
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_command_refuses_half_a_jwt_configuration() -> None:
    """--jwt-issuer without --jwt-key (or a bad key file) is a usage error, status 2."""
    script = __import__("pathlib").Path(sys.executable).parent / "lbp-spec"
    done = subprocess.run(
        [str(script), "serve", "--jwt-issuer", ISSUER], capture_output=True, text=True, check=False
    )
    assert (2, True) == (done.returncode, "go together" in done.stderr)
    done = subprocess.run(
        [str(script), "serve", "--jwt-issuer", ISSUER, "--jwt-key", "/nonexistent.pem"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 2 == done.returncode
