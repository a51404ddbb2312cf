"""The conformance suite as CDS Hooks exchanges, for vendors with a CDS service.

For vendors who implement the guideline in CQL or a FHIR engine and expose it as a
CDS service.
``lbp-spec conformance generate --format cds-hooks`` writes, next to the contract
files, ``cds-hooks.jsonl``: one line per vector with its ``id``, the CDS Hooks
``request`` (a ``patient-view`` call whose ``intake`` prefetch is a searchset Bundle
holding the vector's case as a QuestionnaireResponse to the intake Questionnaire)
and the ``expected`` response (the cards this reference answers).

Cards compare on their ``uuid`` (the kind of card), ``indicator`` and ``summary``;
``detail`` and ``source`` are informative (they quote the guideline and name this
specification).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from lbp_spec.contract import advice_from_json, advice_to_json, case_from_json
from lbp_spec.evaluator import evaluate
from lbp_spec.fhir.questionnaire import case_to_response
from lbp_spec.service.cards import advice_cards
from lbp_spec.service.hooks import HOOK

__all__ = [
    "CDS_HOOKS_FILE",
    "cds_hooks_lines",
    "check_service",
    "normative_cards",
    "write_cds_hooks",
]

CDS_HOOKS_FILE: Final = "cds-hooks.jsonl"
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:lbp-spec:conformance:cds-hooks")


def normative_cards(response: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The normative part of a CDS Hooks response: ``(uuid, indicator, summary)`` per card."""
    return sorted(
        (str(c.get("uuid")), str(c.get("indicator")), str(c.get("summary")))
        for c in response.get("cards", [])
    )


def _searchset(resource: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": resource}]}


def _request(vector_id: str, case_document: Mapping[str, Any]) -> dict[str, Any]:
    patient = "vector-" + uuid.uuid5(_NAMESPACE, vector_id).hex[:12]
    response = case_to_response(case_from_json(case_document), subject=f"Patient/{patient}")
    return {
        "hook": HOOK,
        "hookInstance": str(uuid.uuid5(_NAMESPACE, vector_id)),
        "context": {"userId": "Practitioner/conformance", "patientId": patient},
        "prefetch": {
            "intake": {
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": response}],
            }
        },
    }


def cds_hooks_lines(vectors: Iterator[Any] | list[Any]) -> Iterator[dict[str, Any]]:
    """One exchange per vector: ``{"id", "request", "expected"}``.

    Raises:
        ValueError: A vector's expected advice is not what this reference gives
            its case (a suite from another version): its cards would be wrong.

    """
    for vector in vectors:
        case = case_from_json(vector.case)
        advice = evaluate(case)
        if advice.normative() != advice_from_json(vector.expected).normative():
            raise ValueError(f"{vector.id}: the suite's expected advice is not this reference's")
        yield {
            "id": vector.id,
            "request": _request(vector.id, vector.case),
            "expected": {"cards": advice_cards(advice_to_json(advice))},
        }


def write_cds_hooks(vectors: list[Any], directory: Path | str) -> Path:
    """Write ``cds-hooks.jsonl`` for the suite's vectors into ``directory``."""
    path = Path(directory) / CDS_HOOKS_FILE
    with path.open("w", encoding="utf-8") as out:
        for line in cds_hooks_lines(vectors):
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def check_service(base_url: str, directory: Path | str, timeout: float = 30.0) -> list[str]:
    """POST every exchange of ``cds-hooks.jsonl`` to a CDS service; list the disagreements.

    Args:
        base_url: The service's base URL (``{base_url}/cds-services/{id}`` is called).
        directory: The suite directory.
        timeout: Seconds per call.

    Returns:
        One line per vector whose normative cards differ or whose call failed.

    """
    import urllib.error
    import urllib.request

    from lbp_spec.service.hooks import SERVICE_ID

    failures = []
    url = f"{base_url.rstrip('/')}/cds-services/{SERVICE_ID}"
    with (Path(directory) / CDS_HOOKS_FILE).open(encoding="utf-8") as lines:
        for line in lines:
            exchange = json.loads(line)
            request = urllib.request.Request(
                url,
                data=json.dumps(exchange["request"]).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as reply:
                    answer = json.loads(reply.read())
            except (urllib.error.URLError, OSError, ValueError) as error:
                failures.append(f"{exchange['id']}: the call failed: {error}")
                continue
            expected = normative_cards(exchange["expected"])
            actual = normative_cards(answer)
            if expected != actual:
                missing = sorted(set(expected) - set(actual))
                extra = sorted(set(actual) - set(expected))
                failures.append(f"{exchange['id']}: missing {missing}; unexpected {extra}")
    return failures
