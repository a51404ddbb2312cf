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
from lbp_spec.evaluator import evaluator_for
from lbp_spec.limits import check_timeout_ms
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
        witness: For a refuted property, a valid case that breaks it (the
            smallest departure from a plain patient Z3's optimiser finds).
        witness_advice: The advice the evaluator gives the witness.
        worse: For a refuted pair property, the witness with one finding worse.
        worse_advice: The advice the evaluator gives ``worse``.
        concerns: Ids of the rules the property concerns.
    """

    property: Property
    status: Status
    seconds: float
    message: str = ""
    witness: Case | None = None
    witness_advice: Advice | None = None
    worse: Case | None = None
    worse_advice: Advice | None = None
    concerns: tuple[str, ...] = ()

    @builtins.property
    def name(self) -> str:
        """The property's name."""
        return self.property.name

    @builtins.property
    def passed(self) -> bool:
        """Proven for a requirement; for a finding, any definite answer.

        A finding (a fact about the guideline shown to the committee) passes when
        refuted with a replayed witness, or proven; it fails only on an error, an
        unknown answer or a vacuous premise.
        """
        if self.property.finding:
            return self.status in (Status.PROVEN, Status.REFUTED)
        return self.status is Status.PROVEN


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
        """Whether every requirement was proven (and every finding answered)."""
        return all(r.passed for r in self.results)

    def count(self, status: Status) -> int:
        """How many properties ended with ``status``."""
        return sum(r.status is status for r in self.results)


PREPROCESSING: tuple[str, ...] = ("simplify", "smt")
"""The Z3 tactics each check runs: the formula is simplified, then solved.

Each check is a fresh solver over the whole formula, not one solver with
``push``/``pop``: Z3's incremental solver keeps every rule term as asserted, so
its work grows faster than the rules; simplifying first keeps the growth close
to linear (``benchmarks/bench_verify.py`` measures it). The answer is the same
kind either way: ``unsat`` and ``sat`` are definite, anything else is unknown.
"""


def _solver(timeout_ms: int, *terms: z3.BoolRef) -> z3.Solver:
    """A fresh solver, with the time limit, that simplifies ``terms`` before solving."""
    solver = z3.Then(*PREPROCESSING).solver()
    solver.set(timeout=timeout_ms)
    solver.add(*terms)
    return solver


def _check(
    prop: Property,
    enc: Encoding,
    timeout_ms: int,
    ruleset: RuleSet,
    worse: Encoding | None = None,
) -> PropertyResult:
    """Check one property; ``worse`` is the second encoding of a pair property."""
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

    encs: tuple[Encoding, ...] = (enc,)
    if prop.pair:
        worse = worse or Encoding(ruleset, prefix="worse.")
        encs = (enc, worse)
    try:
        valid = [e.valid() for e in encs]
        premise = prop.premise(*encs)
        solver = _solver(timeout_ms, *valid, premise)
        outcome = solver.check()
        if outcome == z3.unsat:
            return result(Status.VACUOUS, "no valid case meets the premise")
        if outcome != z3.sat:
            return result(Status.UNKNOWN, f"premise check: {solver.reason_unknown()}")
        for words, term in prop.reachable:
            solver = _solver(timeout_ms, *valid, premise, term(*encs))
            outcome = solver.check()
            if outcome == z3.unsat:
                return result(Status.VACUOUS, f"never reachable: {words}")
            if outcome != z3.sat:
                why = solver.reason_unknown()
                return result(Status.UNKNOWN, f"reachability of '{words}': {why}")
        breaks = [*valid, premise, z3.Not(prop.claim(*encs))]
        solver = _solver(timeout_ms, *breaks)
        outcome = solver.check()
        if outcome == z3.unsat:
            return result(Status.PROVEN)
        if outcome != z3.sat:
            return result(Status.UNKNOWN, f"claim check: {solver.reason_unknown()}")
        model = enc.minimal_model(breaks, timeout_ms, also=encs[1:]) or solver.model()
    except UntranslatableError as exc:
        return result(Status.ERROR, str(exc))
    return _replay(prop, encs, model, ruleset, result)


def _replay(
    prop: Property,
    encs: tuple[Encoding, ...],
    model: z3.ModelRef,
    ruleset: RuleSet,
    result: Callable[..., PropertyResult],
) -> PropertyResult:
    cases: list[Case] = []
    advices: list[Advice] = []
    # A refuted property evaluates one or two cases: an evaluator compiled without
    # tables is ready sooner (a large rule set's tables take longer to build).
    evaluate = evaluator_for(ruleset, tables=False)
    for enc in encs:
        try:
            case = enc.back(model)
        except InvalidCaseError as exc:
            return result(Status.ERROR, f"the encoding produced an invalid case: {exc}")
        cases.append(case)
        advices.append(evaluate(case))
        if advices[-1] != enc.advice(model):
            return result(
                Status.ERROR,
                "the evaluator and the Z3 encoding disagree on the counterexample",
                **_witnesses(cases, advices),
            )
    args: list[object] = [ruleset]
    for case, advice in zip(cases, advices, strict=True):
        args.extend((case, advice))
    if prop.check(*args):
        return result(
            Status.ERROR,
            "the counterexample does not break the property when replayed",
            **_witnesses(cases, advices),
        )
    return result(Status.REFUTED, **_witnesses(cases, advices))


def _witnesses(cases: list[Case], advices: list[Advice]) -> dict[str, object]:
    names = (("witness", "witness_advice"), ("worse", "worse_advice"))
    out: dict[str, object] = {}
    for (case_name, advice_name), case, advice in zip(names, cases, advices, strict=False):
        out[case_name] = case
        out[advice_name] = advice
    return out


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
        ValueError: A time limit below 1 ms or not a whole number of milliseconds.
    """
    check_timeout_ms(timeout_ms)
    start = time.perf_counter()
    chosen: Sequence[Property] = (
        CATALOGUE if properties is None else [by_name(n) for n in properties]
    )
    enc = Encoding(ruleset)
    worse = Encoding(ruleset, prefix="worse.") if any(p.pair for p in chosen) else None
    results = []
    for prop in chosen:
        res = _check(prop, enc, timeout_ms, ruleset, worse)
        results.append(res)
        if on_result is not None:
            on_result(res)
    return Report(ruleset=ruleset.name, results=tuple(results), seconds=time.perf_counter() - start)
