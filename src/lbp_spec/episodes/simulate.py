"""The episode simulator: the executable side of the pathway, on the same rules.

:func:`simulate` starts from an initial case and a sequence of :class:`Change`
values (how the patient presents at each next consultation), evaluates every
consultation with :func:`lbp_spec.evaluate`, and schedules the next one from
the advice, as :mod:`lbp_spec.episodes.pathway` says. A change can ask for a
day and for new findings; the pathway decides what it can have. Nothing here
knows Z3.

Example:
    >>> from lbp_spec import Case
    >>> from lbp_spec.episodes import Change, simulate
    >>> from lbp_spec.vocabulary import Improvement
    >>> worse = Change(findings={
    ...     "improvement": Improvement.INADEQUATE,
    ...     "reevaluation_new_insights": True,
    ...     "adjustment_expected_to_suffice": False,
    ... })
    >>> episode = simulate(Case(lrs=True), [worse] * 30)
    >>> [(v.day, v.advice.referral is not None) for v in episode.visits][-1]
    (44, True)

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final

import attrs

from lbp_spec.case import Case
from lbp_spec.episodes.pathway import (
    PATHWAY,
    Episode,
    Pathway,
    Visit,
    answers_missing,
    ends_episode,
    horizon_day,
    problems,
    reassessment_allowed,
    schedule,
    week_of,
)
from lbp_spec.evaluator import evaluate
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import Consultation, FactorLevel, PrognosticFactor

__all__ = ["PATHWAY_FIELDS", "Change", "EpisodeError", "simulate"]

PATHWAY_FIELDS: Final = (
    "consultation",
    "weeks_since_start",
    "sessions_used",
    "lrs_diagnosed_earlier",
    "complaint_duration_weeks",
)
"""Case fields the pathway sets at each follow-up; a change cannot set them."""


class EpisodeError(ValueError):
    """A change that the pathway does not allow, or an episode that breaks it."""


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Change:
    """How the patient presents at the next consultation.

    Attributes:
        after_days: Days after the previous consultation the patient would come;
            moved into the range the pathway allows. ``None``: the earliest day
            allowed.
        findings: Case fields that change (e.g. ``improvement``, ``nprs``,
            ``red_flags``); not the prognostic factors (see ``reassess``), not
            the fields the pathway sets (:data:`PATHWAY_FIELDS`), not the
            patient's identity
            (:attr:`~lbp_spec.episodes.pathway.Pathway.identity`).
        reassess: The prognostic factors as re-assessed, applied where the
            pathway lets them be re-assessed (a re-evaluation that is due) and
            left aside elsewhere; ``None``: no re-assessment.
        extra_sessions: Treatment sessions held between the two consultations,
            besides the previous consultation itself.
        stop: End the episode here, if the advice requires no further
            consultation.

    """

    after_days: int | None = None
    findings: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen)
    reassess: Mapping[PrognosticFactor, FactorLevel] | None = None
    extra_sessions: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    stop: bool = False


_NO_CHANGE: Final = Change()


def simulate(
    start: Case,
    changes: Sequence[Change] = (),
    *,
    ruleset: RuleSet = GUIDELINE,
    pathway: Pathway = PATHWAY,
    bound_weeks: int = 16,
) -> Episode:
    """The episode that follows from ``start`` and the changes, on the rules.

    After each consultation: a referral ends the episode; otherwise the next
    consultation is scheduled from the advice. When the advice requires one,
    it happens (with the next change, or unchanged findings once the changes
    run out); when it does not, the next change decides (``stop``), and the
    episode ends when the changes run out. The episode also ends when the next
    consultation would fall after week ``bound_weeks``.

    Args:
        start: The initial consultation.
        changes: How the patient presents at each next consultation.
        ruleset: The rules; the built-in guideline unless given.
        pathway: The pathway; the spec's unless given.
        bound_weeks: The last week the episode is followed for.

    Returns:
        The episode; it follows the pathway (:func:`~lbp_spec.episodes.pathway.problems`
        finds nothing).

    Raises:
        EpisodeError: ``start`` is not an initial consultation, a change sets
            a field it cannot, or a re-evaluation is due without its answers.
        InvalidCaseError: A change makes the case invalid.

    """
    if start.consultation is not Consultation.INITIAL:
        raise EpisodeError("an episode starts with an initial consultation")
    horizon = horizon_day(bound_weeks)
    visits = [Visit(0, start, evaluate(start, ruleset))]
    pending = list(changes)
    while not ends_episode(visits[-1].advice):
        last = visits[-1]
        plan = schedule(pathway, last)
        change = pending.pop(0) if pending else None
        if not plan.required and (change is None or change.stop):
            break
        change = change or _NO_CHANGE
        day = plan.earliest if change.after_days is None else last.day + change.after_days
        day = max(day, plan.earliest)
        if plan.latest is not None:
            day = min(day, plan.latest)
        if day > horizon:
            break
        known = any(v.case.lrs for v in visits)
        visits.append(_next_visit(pathway, ruleset, last, day, change, known))
    episode = Episode(tuple(visits), bound_weeks, pathway)
    found = problems(episode)
    if found:  # pragma: no cover - a bug in the simulator, not in its input
        raise EpisodeError("the simulated episode breaks its pathway: " + "; ".join(found))
    return episode


def _next_visit(
    pathway: Pathway, ruleset: RuleSet, last: Visit, day: int, change: Change, known: bool
) -> Visit:
    """The next consultation; ``known``: LRS was the working diagnosis at an earlier one."""
    fixed = [f for f in change.findings if f in PATHWAY_FIELDS or f in pathway.identity]
    if last.case.consultation is Consultation.INITIAL and "improvement" not in change.findings:
        raise EpisodeError(f"day {day}: the first follow-up needs its improvement")
    if "prognostic_factors" in change.findings:
        fixed.append("prognostic_factors (use reassess)")
    if fixed:
        raise EpisodeError(f"a change cannot set {', '.join(fixed)}")
    before = last.case.sessions_used or 0
    sessions = min(before + 1 + change.extra_sessions, day)  # at most one session a day
    lrs = change.findings.get("lrs", last.case.lrs)
    duration = last.case.complaint_duration_weeks
    if duration is not None:
        duration += week_of(day) - (last.case.weeks_since_start or 0)
    case = attrs.evolve(
        last.case,
        consultation=Consultation.FOLLOW_UP,
        weeks_since_start=week_of(day),
        sessions_used=sessions,
        lrs_diagnosed_earlier=known if lrs else None,
        complaint_duration_weeks=duration,
        **change.findings,
    )
    if change.reassess is not None and reassessment_allowed(pathway, last.advice, case, day):
        case = attrs.evolve(case, prognostic_factors=dict(change.reassess))
    visit = Visit(day, case, evaluate(case, ruleset))
    if pathway.answers_when_due and answers_missing(visit):
        raise EpisodeError(
            f"day {day}: the re-evaluation is due; give reevaluation_new_insights and "
            "adjustment_expected_to_suffice"
        )
    return visit
