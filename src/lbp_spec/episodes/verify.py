"""Bounded verification of the episode properties, with replayed refuting episodes.

For each :class:`~lbp_spec.episodes.properties.EpisodeProperty`, on one
:class:`~lbp_spec.episodes.model.EpisodeModel` that holds every episode up to
the bound (unrolled to as many consultations as an episode can have, a number
proven first where it is smaller than the most the bound allows: see
``_bounded``):

1. a property whose horizon lies beyond the bound is ``unknown`` (the bound
   does not decide it);
2. episodes meeting the premise must exist, and each *reachable* condition
   must be satisfiable with it; otherwise the property is ``vacuous``;
3. Z3 looks for an episode that meets the premise and breaks the claim:
   ``unsat`` is ``proven``, ``sat`` is ``refuted``, anything else ``unknown``;
4. a refuting episode (the most readable Z3's optimiser finds) is replayed on
   the executable side: at each consultation the evaluator's advice must equal
   the advice the model assigns, the episode must follow the pathway
   (:func:`~lbp_spec.episodes.pathway.problems`), and the property's concrete
   check must find the violation too. If not, the two sides disagree: ``error``.

The exit status for a command line (:func:`exit_status`): 4 on an error (a
replay that disagrees: a bug), 1 when a requirement is refuted or vacuous, 3
when a property is unknown, 0 otherwise. Findings never fail the run unless
they end in an error, unknown or vacuous.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Iterable, Sequence

import attrs
import z3

from lbp_spec.episodes.model import EpisodeModel
from lbp_spec.episodes.pathway import (
    PATHWAY,
    Episode,
    Pathway,
    horizon_day,
    max_consultations,
    problems,
)
from lbp_spec.episodes.properties import CATALOGUE, EpisodeProperty, Violation, by_name
from lbp_spec.errors import InvalidCaseError
from lbp_spec.limits import check_timeout_ms
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import UntranslatableError, not_
from lbp_spec.verify import DEFAULT_TIMEOUT_MS, Status

__all__ = [
    "DEFAULT_BOUND_WEEKS",
    "EpisodeReport",
    "EpisodeResult",
    "exit_status",
    "verify_episodes",
]

DEFAULT_BOUND_WEEKS = 16
"""The default bound: 16 weeks covers the guideline's horizon (12 weeks) with room."""


@attrs.frozen(kw_only=True)
class EpisodeResult:
    """The outcome of one episode property.

    Attributes:
        property: The property checked.
        status: Proven, refuted, vacuous, unknown or error.
        seconds: Wall time of its solver calls and replay.
        message: What happened, in words (why unknown, vacuous or an error).
        episode: For a refuted property, the refuting episode (replayed).
        violation: Where the episode breaks the property.
        concerns: Ids of the rules it concerns (those in the rule set).

    """

    property: EpisodeProperty
    status: Status
    seconds: float
    message: str = ""
    episode: Episode | None = None
    violation: Violation | None = None
    concerns: tuple[str, ...] = ()

    @builtins.property
    def name(self) -> str:
        """The property's name."""
        return self.property.name

    @builtins.property
    def passed(self) -> bool:
        """Proven for a requirement; a definite answer (proven or refuted) for a finding."""
        if self.property.finding:
            return self.status in (Status.PROVEN, Status.REFUTED)
        return self.status is Status.PROVEN


@attrs.frozen(kw_only=True)
class EpisodeReport:
    """The outcome of a bounded verification of episodes.

    Attributes:
        ruleset: Name of the rule set verified.
        bound_weeks: The bound: episodes are followed up to this week.
        consultations: The most consultations an episode can have up to the
            bound, as proven (the model unrolls that many).
        results: One result per property, in catalogue order.
        seconds: Wall time of the whole run, building the model included.
        pathway: The pathway between consultations.

    """

    ruleset: str
    bound_weeks: int
    consultations: int
    results: tuple[EpisodeResult, ...]
    seconds: float
    pathway: Pathway = PATHWAY

    @property
    def ok(self) -> bool:
        """Every requirement proven, every finding answered."""
        return all(r.passed for r in self.results)

    def count(self, status: Status) -> int:
        """How many properties ended with ``status``."""
        return sum(r.status is status for r in self.results)


def exit_status(report: EpisodeReport) -> int:
    """The exit status a command line should give for ``report``.

    4 when a replay disagrees (an error), 1 when a requirement is refuted or
    vacuous (or a finding vacuous), 3 when a property is unknown, else 0.
    """
    if report.count(Status.ERROR):
        return 4
    if any(not r.passed and r.status is not Status.UNKNOWN for r in report.results):
        return 1
    if report.count(Status.UNKNOWN):
        return 3
    return 0


def _check(
    prop: EpisodeProperty,
    model: EpisodeModel,
    solver: z3.Solver,
    timeout_ms: int,
) -> EpisodeResult:
    start = time.perf_counter()
    concerns = tuple(r for r in prop.concerns if any(x.id == r for x in model.ruleset.rules))

    def result(status: Status, message: str = "", **kw: object) -> EpisodeResult:
        return EpisodeResult(
            property=prop,
            status=status,
            seconds=time.perf_counter() - start,
            message=message,
            concerns=concerns,
            **kw,  # type: ignore[arg-type]
        )

    if prop.horizon_weeks > model.bound_weeks:
        return result(
            Status.UNKNOWN,
            f"the bound of {model.bound_weeks} weeks does not reach week {prop.horizon_weeks}, "
            "which the property needs",
        )
    depth = solver.num_scopes()
    solver.push()
    try:
        premise = prop.premise(model)
        solver.add(premise)
        # The premise is shown satisfiable by any episode found below (each meets it):
        # by the first reachable condition, or else by a refuting episode. Only when no
        # such episode is found is it checked on its own, first, as the outcome then
        # says why (no episode meets the premise, or the solver gave up on it).
        for words, term in prop.reachable:
            solver.push()
            solver.add(term(model))
            outcome = solver.check()
            why = solver.reason_unknown() if outcome == z3.unknown else ""
            solver.pop()
            if outcome != z3.sat:
                return _premise_result(solver, result) or (
                    result(Status.VACUOUS, f"never reachable: {words}")
                    if outcome == z3.unsat
                    else result(Status.UNKNOWN, f"reachability of '{words}': {why}")
                )
        breaks = not_(prop.claim(model))
        if prop.finding:
            # Expected refuted: look for a calm refuting episode at once (which also
            # shows the premise satisfiable); without one, the claim check below decides.
            calm = model.calm()
            solver.push()
            solver.add(breaks, calm)
            if solver.check() == z3.sat:
                found = _fewest(model, solver, solver.model())
                readable = model.minimal_model([premise, breaks, calm], timeout_ms, found)
                return _replay(prop, model, readable or found, result)
            solver.pop()
        if not prop.reachable:
            solver.push()  # the premise may yet have to be checked without the broken claim
        solver.add(breaks)
        outcome = solver.check()
        why = solver.reason_unknown() if outcome == z3.unknown else ""
        if outcome != z3.sat and not prop.reachable:
            solver.pop()
            premise_result = _premise_result(solver, result)
            if premise_result is not None:
                return premise_result
        if outcome == z3.unsat:
            return result(Status.PROVEN)
        if outcome != z3.sat:
            return result(Status.UNKNOWN, f"claim check: {why}")
        found, terms = _shortest(model, solver, solver.model(), [premise, breaks])
        readable = model.minimal_model(terms, timeout_ms, found)
    except UntranslatableError as exc:
        return result(Status.ERROR, str(exc))
    finally:
        solver.pop(solver.num_scopes() - depth)
    return _replay(prop, model, readable or found, result)


def _premise_result(
    solver: z3.Solver, result: Callable[..., EpisodeResult]
) -> EpisodeResult | None:
    """``None`` when episodes meet the premise (asserted in ``solver``); else why not."""
    outcome = solver.check()
    if outcome == z3.unsat:
        return result(Status.VACUOUS, "no episode meets the premise")
    if outcome != z3.sat:
        return result(Status.UNKNOWN, f"premise check: {solver.reason_unknown()}")
    return None


def _shortest(
    model: EpisodeModel, solver: z3.Solver, found: z3.ModelRef, terms: list[z3.BoolRef]
) -> tuple[z3.ModelRef, list[z3.BoolRef]]:
    """A short refuting episode to start the search for a readable one from.

    Calm episodes (:meth:`~lbp_spec.episodes.model.EpisodeModel.calm`) are
    preferred when there are any; among them (or else among all), the fewest
    consultations, found by bisection on the length.
    """
    calm = model.calm()
    solver.push()
    solver.add(calm)
    if solver.check() == z3.sat:
        found = solver.model()
        terms = [*terms, calm]
    else:
        solver.pop()
        solver.push()
    found = _fewest(model, solver, found)
    solver.pop()
    return found, terms


def _fewest(model: EpisodeModel, solver: z3.Solver, found: z3.ModelRef) -> z3.ModelRef:
    """A model of ``solver`` with the fewest consultations, by bisection from ``found``'s."""
    low, high = 1, model.count(found)
    while low < high:
        middle = (low + high) // 2
        solver.push()
        solver.add(not_(model.on[middle]))
        if solver.check() == z3.sat:
            found, high = solver.model(), middle
        else:
            low = middle + 1
        solver.pop()
    return found


def _replay(
    prop: EpisodeProperty,
    model: EpisodeModel,
    found: z3.ModelRef,
    result: Callable[..., EpisodeResult],
) -> EpisodeResult:
    try:
        episode = model.back(found)
    except InvalidCaseError as exc:
        return result(Status.ERROR, f"the model produced an invalid case: {exc}")
    for k, (visit, assigned) in enumerate(zip(episode.visits, model.advices(found), strict=True)):
        if visit.advice != assigned:
            return result(
                Status.ERROR,
                f"the evaluator and the Z3 encoding disagree at consultation {k}",
                episode=episode,
            )
    broken = problems(episode)
    if broken:
        return result(
            Status.ERROR,
            "the refuting episode breaks the pathway when replayed: " + "; ".join(broken),
            episode=episode,
        )
    violation = prop.check(episode)
    if violation is None:
        return result(
            Status.ERROR,
            "the refuting episode does not break the property when replayed",
            episode=episode,
        )
    return result(Status.REFUTED, episode=episode, violation=violation)


def _bounded(
    ruleset: RuleSet, bound_weeks: int, pathway: Pathway, timeout_ms: int
) -> tuple[EpisodeModel, z3.Solver, int]:
    """The episode model to check the properties on, its solver, and the most consultations.

    Unrolling :func:`~lbp_spec.episodes.pathway.max_consultations` consultations
    (consecutive ones at least the earliest recheck apart) covers every
    episode. Far fewer usually suffice: consultations are a follow-up gap apart
    except after a recheck. So a guess ``n`` (a consultation every follow-up gap,
    plus one for each recheck window the rules advise) is proven first: the
    model of the first ``n + 1`` consultations holds the first ``n + 1`` of every
    episode, and when none of them has an ``n + 1``-th (``unsat``), no episode
    has more than ``n``. That model is then exact (its last consultation never
    takes place, so the one after it is never due), and every property is
    checked on it. When the guess is not proven (``sat``, or the solver gives
    up), the model of the most consultations is used, as before.
    """
    rechecks = ruleset.domain("recheck_after_days")
    most = max_consultations(bound_weeks, pathway, rechecks)  # type: ignore[arg-type]
    guess = horizon_day(bound_weeks) // pathway.follow_up_gap_days + 1 + len(rechecks)
    if guess + 1 < most:
        model = EpisodeModel(ruleset, bound_weeks=bound_weeks, pathway=pathway, size=guess + 1)
        solver = z3.Solver()
        solver.set(timeout=timeout_ms)
        solver.add(*model.constraints())
        beyond = model.on[guess]
        if solver.check(beyond) == z3.unsat:
            solver.add(not_(beyond))
            return model, solver, guess
    model = EpisodeModel(ruleset, bound_weeks=bound_weeks, pathway=pathway)
    solver = z3.Solver()
    solver.set(timeout=timeout_ms)
    solver.add(*model.constraints())
    return model, solver, model.size


def verify_episodes(
    ruleset: RuleSet = GUIDELINE,
    *,
    bound_weeks: int = DEFAULT_BOUND_WEEKS,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    properties: Iterable[str | EpisodeProperty] | None = None,
    pathway: Pathway = PATHWAY,
    on_result: Callable[[EpisodeResult], None] | None = None,
) -> EpisodeReport:
    """Check the episode properties of a rule set, over every episode up to the bound.

    Args:
        ruleset: The rules; the built-in guideline unless given.
        bound_weeks: Episodes are followed from day 0 to the end of this week.
        timeout_ms: Solver time limit per check.
        properties: The properties to check, by name or as values (a
            property of one's own); the whole catalogue when ``None``.
        pathway: The pathway between consultations; the spec's unless given.
        on_result: Called with each result as soon as it is known (progress).

    Returns:
        The report, one result per property.

    Raises:
        KeyError: An unknown property name.
        ValueError: A bound below one week, or a time limit below 1 ms or not a
            whole number of milliseconds.

    """
    check_timeout_ms(timeout_ms)
    if bound_weeks < 1:
        raise ValueError("the bound must be at least one week")
    start = time.perf_counter()
    chosen: Sequence[EpisodeProperty] = (
        CATALOGUE
        if properties is None
        else [by_name(p) if isinstance(p, str) else p for p in properties]
    )
    model, solver, consultations = _bounded(ruleset, bound_weeks, pathway, timeout_ms)
    results = []
    for prop in chosen:
        res = _check(prop, model, solver, timeout_ms)
        results.append(res)
        if on_result is not None:
            on_result(res)
    return EpisodeReport(
        ruleset=ruleset.name,
        bound_weeks=bound_weeks,
        consultations=consultations,
        results=tuple(results),
        seconds=time.perf_counter() - start,
        pathway=pathway,
    )
