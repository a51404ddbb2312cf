"""The episode verifier reports proven, refuted, vacuous, unknown and error honestly."""

from __future__ import annotations

import json

import attrs
import pytest
import z3

from lbp_spec import GUIDELINE
from lbp_spec.episodes.model import EpisodeModel
from lbp_spec.episodes.properties import CATALOGUE, EpisodeProperty, Violation, by_name
from lbp_spec.episodes.report import episodes_json, render_episodes_text
from lbp_spec.episodes.timing import TIMING_FINDINGS
from lbp_spec.episodes.verify import (
    EpisodeReport,
    EpisodeResult,
    exit_status,
    verify_episodes,
)
from lbp_spec.logic import flag
from lbp_spec.ruleset import RuleSet
from lbp_spec.verify import Status


@pytest.fixture
def report(episode_report: EpisodeReport) -> EpisodeReport:
    """The episode properties of the built-in guideline, bound 16 weeks (conftest.py)."""
    return episode_report


@pytest.mark.slow
def test_requirements_proven_and_findings_refuted(report: EpisodeReport) -> None:
    """Every requirement is proven; every finding is refuted with a replayed episode."""
    expected = [(p.name, Status.REFUTED if p.finding else Status.PROVEN) for p in CATALOGUE]
    assert expected == [(r.name, r.status) for r in report.results]
    assert (True, 0) == (report.ok, exit_status(report))
    for result in report.results:
        assert (result.episode is None) == (result.status is Status.PROVEN)
        assert (result.violation is None) == (result.status is Status.PROVEN)


@pytest.mark.slow
def test_report_covers_the_default_bound(report: EpisodeReport) -> None:
    """The report is of the 16-week bound, with the most consultations an episode has in it.

    18: a consultation a week (days 0 to 112) and the one LRS check after two to
    four days (proven by the verifier, and below on the model of every episode).

    Its time is measured by benchmarks/bench_episodes.py, not asserted here.
    """
    assert (16, 18) == (report.bound_weeks, report.consultations)


@pytest.mark.slow
def test_text_report_shows_timelines_and_timing_findings(report: EpisodeReport) -> None:
    """The text names every property, shows each finding's timeline and every timing finding."""
    text = render_episodes_text(report)
    assert [] == [p.name for p in CATALOGUE if p.name not in text]
    assert [] == [f.id for f in TIMING_FINDINGS if f.id not in text]
    assert text.count("refuting episode (") == sum(p.finding for p in CATALOGUE)
    assert "all requirements proven" in text
    assert ">>> session 4 in profile 1" in text


@pytest.mark.slow
def test_json_report_round_trips(report: EpisodeReport) -> None:
    """The JSON report is JSON, with one result per property and every timing finding."""
    data = json.loads(json.dumps(episodes_json(report)))
    assert [p.name for p in CATALOGUE] == [r["name"] for r in data["results"]]
    assert [f.id for f in TIMING_FINDINGS] == [f["id"] for f in data["timing_findings"]]
    refuted = [r for r in data["results"] if r["status"] == "refuted"]
    assert all(r["episode"]["visits"][0]["day"] == 0 for r in refuted)


def test_property_beyond_the_bound_is_unknown() -> None:
    """A bound of 8 weeks cannot decide the referral by week 12: unknown, never proven."""
    report = verify_episodes(bound_weeks=8, properties=["episodes.profile_3_referred_by_week_12"])
    [result] = report.results
    assert Status.UNKNOWN is result.status
    assert "week 12" in result.message
    assert 3 == exit_status(report)


def _own(**changes: object) -> EpisodeProperty:
    base = EpisodeProperty(
        name="episodes.test",
        statement="A test property.",
        premise=lambda m: z3.BoolVal(True),
        claim=lambda m: z3.BoolVal(True),
        check=lambda episode: None,
        concerns=(),
    )
    return attrs.evolve(base, **changes)


def test_unsatisfiable_premise_is_vacuous() -> None:
    """No episode has a consultation on a negative day: the property is vacuous, a failure."""
    prop = _own(premise=lambda m: m.day[0] < 0)
    report = verify_episodes(bound_weeks=1, properties=[prop])
    assert (Status.VACUOUS, 1) == (report.results[0].status, exit_status(report))


def test_unreachable_condition_is_vacuous() -> None:
    """A reachable condition no episode meets makes the property vacuous."""
    prop = _own(
        reachable=(("a second consultation on day 0", lambda m: z3.And(m.on[1], m.day[1] == 0)),)
    )
    [result] = verify_episodes(bound_weeks=1, properties=[prop]).results
    assert Status.VACUOUS is result.status
    assert "never reachable" in result.message


def test_unsatisfiable_premise_is_vacuous_before_any_reachable() -> None:
    """With reachable conditions as well, an empty premise is named as such, not a condition."""
    prop = _own(
        premise=lambda m: m.day[0] < 0,
        reachable=(("a second consultation", lambda m: m.on[1]),),
    )
    [result] = verify_episodes(bound_weeks=1, properties=[prop]).results
    assert (Status.VACUOUS, "no episode meets the premise") == (result.status, result.message)


def test_unsatisfiable_premise_without_a_refutation_is_vacuous() -> None:
    """A claim no episode breaks is still checked against an empty premise: vacuous, not proven."""
    prop = _own(premise=lambda m: m.day[0] < 0, claim=lambda m: z3.BoolVal(True))
    [result] = verify_episodes(bound_weeks=1, properties=[prop]).results
    assert (Status.VACUOUS, "no episode meets the premise") == (result.status, result.message)


def _checks(prop: EpisodeProperty, status: Status = Status.PROVEN) -> int:
    """How many solver checks the episode verifier makes for ``prop`` (bound 1 week).

    The check that proves how many consultations an episode has (made once per
    run, with the next consultation as an assumption) is not counted.
    """
    count = 0
    original = z3.Solver.check

    def counted(solver: z3.Solver, *args: object) -> z3.CheckSatResult:
        nonlocal count
        count += not args
        return original(solver, *args)

    z3.Solver.check = counted  # type: ignore[method-assign]
    try:
        [result] = verify_episodes(bound_weeks=1, properties=[prop]).results
    finally:
        z3.Solver.check = original  # type: ignore[method-assign]
    assert status is result.status
    return count


def test_a_reachable_condition_shows_the_premise_satisfiable() -> None:
    """The episode that meets a reachable condition meets the premise: no separate check.

    One check per reachable condition and one for the claim; a property without
    reachable conditions has its premise checked once the claim is proven.
    """
    second = (("a second consultation", lambda m: m.on[1]),)
    assert 2 == _checks(_own(reachable=second))
    assert 2 == _checks(_own())


def test_a_finding_looks_for_a_calm_refutation_first() -> None:
    """A finding (expected refuted) is checked with a calm episode at once: one check here.

    The calm refuting episode meets the premise and breaks the claim, so neither
    needs a check of its own; a single consultation leaves nothing to shorten.
    """
    finding = _own(
        premise=lambda m: z3.Not(m.on[1]),
        claim=lambda m: z3.BoolVal(False),
        check=lambda episode: Violation(None, "always"),
        finding=True,
    )
    assert 1 == _checks(finding, Status.REFUTED)


def _longest(ruleset: RuleSet, bound_weeks: int) -> int:
    """The most consultations an episode has, on the model of the most that can be."""
    model = EpisodeModel(ruleset, bound_weeks=bound_weeks)
    solver = z3.Solver()
    solver.add(*model.constraints())
    n = 1
    while n < model.size and solver.check(model.on[n]) == z3.sat:
        n += 1
    return n


def test_properties_are_checked_on_the_proven_number_of_consultations() -> None:
    """The verifier unrolls as many consultations as an episode can have, proven first.

    Up to week 4 the guideline's episodes have at most 6 consultations (weekly,
    and one LRS check), against 18 when every two days could be one: the
    model of every episode agrees, and the proofs use the smaller one.
    """
    report = verify_episodes(bound_weeks=4, properties=["episodes.lrs_recheck_once"])
    assert (6, 6, 18) == (
        report.consultations,
        _longest(GUIDELINE, 4),
        EpisodeModel(GUIDELINE, bound_weeks=4).size,
    )
    assert Status.PROVEN is report.results[0].status


def test_an_unproven_number_of_consultations_unrolls_the_most() -> None:
    """A recheck advised at every LRS consultation refutes the guess: all 18 are unrolled.

    Consultations can then be two days apart; the episode with a recheck after
    another is found (the recheck is no longer once).
    """
    often = RuleSet(
        "LRS checked at every consultation",
        [
            attrs.evolve(r, when=flag("lrs")) if r.id == "LRS.RECHECK" else r
            for r in GUIDELINE.rules
        ],
        GUIDELINE.resolutions,
    )
    report = verify_episodes(often, bound_weeks=4, properties=["episodes.lrs_recheck_once"])
    assert (18, Status.REFUTED) == (report.consultations, report.results[0].status)


def test_refutation_the_concrete_side_misses_is_an_error() -> None:
    """Z3 refutes a claim whose concrete check sees no violation: the sides disagree."""
    prop = _own(claim=lambda m: z3.BoolVal(False))
    report = verify_episodes(bound_weeks=1, properties=[prop])
    assert (Status.ERROR, 4) == (report.results[0].status, exit_status(report))
    assert "does not break" in report.results[0].message


def test_refuted_requirement_fails() -> None:
    """Without the LRS referral for persisting complaints, the week-8 requirement is refuted."""
    rules = GUIDELINE.without(["EVAL.LRS.PERSISTENT"])
    report = verify_episodes(rules, properties=["episodes.lrs_referred_by_week_8"])
    [result] = report.results
    assert (Status.REFUTED, 1) == (result.status, exit_status(report))
    assert result.episode is not None
    assert result.violation is not None
    assert (None, False) == (result.violation.visit, result.passed)
    assert "no referral by week 8" in result.violation.message


def test_refuted_finding_passes() -> None:
    """A refuted finding is an answer for the committee, not a failure."""
    report = verify_episodes(properties=["episodes.profile_1_reevaluated"])
    [result] = report.results
    assert (Status.REFUTED, True, 0) == (result.status, result.passed, exit_status(report))


def test_bad_arguments() -> None:
    """A bound below a week and an unknown property name are refused."""
    with pytest.raises(ValueError, match="at least one week"):
        verify_episodes(bound_weeks=0)
    with pytest.raises(KeyError, match=r"episodes\.emergency_refers_immediately"):
        by_name("episodes.nothing")


def test_exit_status_orders_error_failure_unknown() -> None:
    """An error outranks a failed requirement, which outranks an unknown answer."""
    prop = by_name("episodes.next_step_until_reevaluation")

    def result(status: Status) -> EpisodeResult:
        return EpisodeResult(property=prop, status=status, seconds=0.0)

    def status(*statuses: Status) -> int:
        results = tuple(result(s) for s in statuses)
        report = EpisodeReport(
            ruleset="r", bound_weeks=1, consultations=1, results=results, seconds=0.0
        )
        return exit_status(report)

    assert 0 == status(Status.PROVEN)
    assert 3 == status(Status.PROVEN, Status.UNKNOWN)
    assert 1 == status(Status.UNKNOWN, Status.REFUTED)
    assert 4 == status(Status.REFUTED, Status.ERROR, Status.UNKNOWN)
