"""Run the property catalogue: proofs, vacuity checks and replayed counterexamples.

For each property the verifier

1. checks that valid cases meeting the premise exist, and that each of the
   property's *reachable* conditions can occur; if not, the property would hold
   for want of cases and is reported ``vacuous`` (a failure, never a proof);
2. asks Z3 for a valid case that meets the premise and breaks the claim:
   ``unsat`` is ``proven``; ``sat`` is ``refuted``; anything else (a timeout,
   ``unknown``) is ``unknown``, never ``proven``;
3. replays a counterexample through the evaluator: the evaluator's advice must
   equal the advice the encoding assigned, and the concrete check must fail too.
   If not, the encoding and the evaluator disagree: that is an ``error``.
"""

from __future__ import annotations

import builtins
import enum
import time
from collections.abc import Callable, Iterable, Sequence

import attrs
import z3

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.properties import CATALOGUE, Property, by_name
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding, UntranslatableError

__all__ = ["DEFAULT_TIMEOUT_MS", "PropertyResult", "Report", "Status", "verify"]

DEFAULT_TIMEOUT_MS = 20_000
"""Solver time limit per check, in milliseconds."""


class Status(enum.Enum):
    """The outcome of one property."""

    PROVEN = "proven"
    REFUTED = "refuted"
    VACUOUS = "vacuous"
    UNKNOWN = "unknown"
    ERROR = "error"


@attrs.frozen(kw_only=True)
class PropertyResult:
    """The outcome of one property.

    Attributes:
        property: The property checked.
        status: Proven, refuted, vacuous, unknown or error.
        seconds: Wall time of all its solver calls.
        message: What happened, in words (why unknown, vacuous or an error).
        witness: For a refuted property, a valid case that breaks it.
        witness_advice: The advice the evaluator gives the witness.
        concerns: Ids of the rules the property concerns.
    """

    property: Property
    status: Status
    seconds: float
    message: str = ""
    witness: Case | None = None
    witness_advice: Advice | None = None
    concerns: tuple[str, ...] = ()

    @builtins.property
    def name(self) -> str:
        """The property's name."""
        return self.property.name


@attrs.frozen(kw_only=True)
class Report:
    """The outcome of a verification run.

    Attributes:
        ruleset: Name of the rule set verified.
        results: One result per property, in catalogue order.
        seconds: Wall time of the whole run, the encoding included.
    """

    ruleset: str
    results: tuple[PropertyResult, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether every property was proven."""
        return all(r.status is Status.PROVEN for r in self.results)

    def count(self, status: Status) -> int:
        """How many properties ended with ``status``."""
        return sum(r.status is status for r in self.results)


def _solve(solver: z3.Solver, *terms: z3.BoolRef) -> z3.CheckSatResult:
    solver.push()
    try:
        solver.add(*terms)
        return solver.check()
    finally:
        solver.pop()


def _check(prop: Property, enc: Encoding, timeout_ms: int, ruleset: RuleSet) -> PropertyResult:
    start = time.perf_counter()

    def result(status: Status, message: str = "", **kw: object) -> PropertyResult:
        return PropertyResult(
            property=prop,
            status=status,
            seconds=time.perf_counter() - start,
            message=message,
            concerns=prop.concerns(ruleset),
            **kw,  # type: ignore[arg-type]
        )

    try:
        solver = z3.Solver()
        solver.set(timeout=timeout_ms)
        solver.add(enc.valid(), prop.premise(enc))
        premise = solver.check()
        if premise == z3.unsat:
            return result(Status.VACUOUS, "no valid case meets the premise")
        if premise != z3.sat:
            return result(Status.UNKNOWN, f"premise check: {solver.reason_unknown()}")
        for words, term in prop.reachable:
            outcome = _solve(solver, term(enc))
            if outcome == z3.unsat:
                return result(Status.VACUOUS, f"never reachable: {words}")
            if outcome != z3.sat:
                return result(
                    Status.UNKNOWN, f"reachability of '{words}': {solver.reason_unknown()}"
                )
        breaks = [enc.valid(), prop.premise(enc), z3.Not(prop.claim(enc))]
        solver.push()
        solver.add(breaks[2])
        outcome = solver.check()
        if outcome == z3.unsat:
            return result(Status.PROVEN)
        if outcome != z3.sat:
            return result(Status.UNKNOWN, f"claim check: {solver.reason_unknown()}")
        model = enc.minimal_model(breaks, timeout_ms) or solver.model()
    except UntranslatableError as exc:
        return result(Status.ERROR, str(exc))
    return _replay(prop, enc, model, ruleset, result)


def _replay(
    prop: Property,
    enc: Encoding,
    model: z3.ModelRef,
    ruleset: RuleSet,
    result: Callable[..., PropertyResult],
) -> PropertyResult:
    try:
        case = enc.back(model)
    except InvalidCaseError as exc:
        return result(Status.ERROR, f"the encoding produced an invalid case: {exc}")
    advice = evaluate(case, ruleset)
    if advice != enc.advice(model):
        return result(
            Status.ERROR,
            "the evaluator and the Z3 encoding disagree on the counterexample",
            witness=case,
            witness_advice=advice,
        )
    if prop.check(ruleset, case, advice):
        return result(
            Status.ERROR,
            "the counterexample does not break the property when replayed",
            witness=case,
            witness_advice=advice,
        )
    return result(Status.REFUTED, witness=case, witness_advice=advice)


def verify(
    ruleset: RuleSet = GUIDELINE,
    *,
    properties: Iterable[str] | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    on_result: Callable[[PropertyResult], None] | None = None,
) -> Report:
    """Check properties of a rule set.

    Args:
        ruleset: The rules; the built-in guideline unless given.
        properties: Names of the properties to check; all when ``None``.
        timeout_ms: Solver time limit per check.
        on_result: Called with each result as soon as it is known (progress).

    Returns:
        The report, one result per property.

    Raises:
        KeyError: An unknown property name.
    """
    start = time.perf_counter()
    chosen: Sequence[Property] = (
        CATALOGUE if properties is None else [by_name(n) for n in properties]
    )
    enc = Encoding(ruleset)
    results = []
    for prop in chosen:
        res = _check(prop, enc, timeout_ms, ruleset)
        results.append(res)
        if on_result is not None:
            on_result(res)
    return Report(ruleset=ruleset.name, results=tuple(results), seconds=time.perf_counter() - start)
