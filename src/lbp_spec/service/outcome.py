"""FHIR ``OperationOutcome`` resources for the service's errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["Issue", "ServiceError", "operation_outcome"]


@attrs.frozen
class Issue:
    """One issue of an OperationOutcome.

    Attributes:
        code: The FHIR issue type (``invalid``, ``structure``, ``required``,
            ``value``, ``security``, ``login``, ``too-long``, ``not-found``,
            ``exception``, ``processing``, ``incomplete``, ``timeout``).
        diagnostics: What is wrong, in words.
        expression: The FHIRPath of the offending element, if there is one.

    """

    code: str
    diagnostics: str
    expression: str | None = None


class ServiceError(Exception):
    """A request the service refuses, with its HTTP status and issues."""

    def __init__(self, status: int, issues: Iterable[Issue]) -> None:
        self.status = status
        self.issues = tuple(issues)
        super().__init__("; ".join(i.diagnostics for i in self.issues))


def operation_outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    """An OperationOutcome (FHIR R4) with one ``error`` issue per issue."""
    out = []
    for issue in issues:
        entry: dict[str, Any] = {
            "severity": "error",
            "code": issue.code,
            "diagnostics": issue.diagnostics,
        }
        if issue.expression:
            entry["expression"] = [issue.expression]
        out.append(entry)
    return {"resourceType": "OperationOutcome", "issue": out}
