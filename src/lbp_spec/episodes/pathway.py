"""The pathway: how one consultation leads to the next, as data, and the episode types.

An *episode* is a sequence of consultations (:class:`Visit`) of one patient, each
a :class:`~lbp_spec.case.Case` with the advice the rules give it, on a day since
the start of treatment. The rules decide the advice at each consultation; the
*pathway* (:class:`Pathway`, the default :data:`PATHWAY`) decides what may come
between two consultations: when the next one happens, whether it must happen,
what stays the same and what may change. This module is the concrete face of the
pathway (no Z3): :func:`schedule` and :func:`problems` say in Python what
:class:`lbp_spec.episodes.model.EpisodeModel` says in Z3, and tests check that
the two agree.

Decisions, each a reading the text needed (see ``docs/explanation/episodes.md``):

* **Time** runs in whole days since the start of treatment; the initial
  consultation is day 0. ``weeks_since_start`` is the number of whole weeks
  (``day // 7``), so a window "after *a* to *b* weeks" means days ``7a`` to
  ``7b + 6``, and "after 12 weeks" means from day 84.
* **A recheck** after 2-4 days (``recheck_after_days``) makes the next
  consultation happen 2 to 4 days later, the same calendar week or the next.
  It takes precedence over everything else the advice schedules. The rules
  advise it once, where LRS becomes the working diagnosis; the pathway keeps
  ``lrs_diagnosed_earlier`` true from then on.
* **The duration of the complaints** (``complaint_duration_weeks``), when
  recorded at the initial consultation, is recorded at every consultation and
  grows by the weeks of treatment: the duration at the start plus
  ``weeks_since_start``. When it is not recorded, the weeks of treatment stand
  for it (a lower bound), as they do in the rules.
* **Any other follow-up** comes at least :attr:`Pathway.follow_up_gap_days`
  (7) days after the previous consultation. Treatment sessions between
  consultations are not modelled as consultations (the rules read nothing but
  their number), but they count in ``sessions_used``.
* **A re-evaluation window with an end** (profile 2: 3-6 weeks, profile 3:
  6-12 weeks) requires a consultation by the end of the window, as long as
  the window has not ended and the complaints are not improving adequately.
  An open window (profile 1: "at least after three weeks") sets no deadline.
  **The LRS evaluation window** (weeks 6-8 of the complaints) does the same in
  weeks of complaints, as long as the complaints, the pain or the loss of
  function are not decreasing adequately.
* **Adequate improvement** at a follow-up lets the episode end (continued
  self-management): the text never says when a patient is discharged, so the
  window no longer requires a consultation; an advised recheck still does.
* **A referral instead of treatment** ends the episode: no consultation
  follows it. A referral alongside treatment (the medication dose) does not.
* **The patient** stays the same person with the same therapist
  (:attr:`Pathway.identity`); findings may change from one consultation to
  the next, except the prognostic factors, which are re-assessed only at the
  initial consultation and at a re-evaluation that is due (a follow-up with an
  inadequate decrease of complaints inside or after the window the previous
  consultation advised), so that the profile changes only there.
* **A re-evaluation that is due is done**: where the advice asks to repeat the
  risk evaluation, both of its questions (new insights; adjustment expected to
  suffice) are answered at that consultation.
* **Sessions**: ``sessions_used`` grows by at least one from one consultation to
  the next (the previous consultation was a session), and by at most one a day.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

import attrs

from lbp_spec.advice import Advice, Window
from lbp_spec.case import Case
from lbp_spec.vocabulary import Consultation, EvaluationAction, Improvement, ReferralMode

__all__ = [
    "DAYS_PER_WEEK",
    "PATHWAY",
    "Episode",
    "EpisodeEnd",
    "NextStep",
    "Pathway",
    "Schedule",
    "Visit",
    "answers_missing",
    "ends_episode",
    "horizon_day",
    "max_consultations",
    "next_step",
    "problems",
    "reassessment_allowed",
    "schedule",
    "week_of",
]

DAYS_PER_WEEK: Final = 7
"""Days in a week: ``weeks_since_start`` is ``day // DAYS_PER_WEEK``."""


@attrs.frozen(kw_only=True)
class Pathway:
    """The transition constraints between consecutive consultations, as data.

    The defaults (:data:`PATHWAY`) are the spec's reading; each field can be
    changed to see what a property depends on.

    Attributes:
        follow_up_gap_days: A consultation that is not a recheck comes at least
            this many days after the previous consultation.
        identity: Case fields that stay the same throughout an episode.
        window_deadline: An advised re-evaluation window with an end requires a
            consultation by the end of the window, while the window has not
            ended (and, with ``adequate_releases``, while the complaints are
            not improving adequately).
        adequate_releases: Adequate improvement at a follow-up lifts the
            window's deadline (the episode may end: self-management).
        reassess_at_reevaluation_only: The prognostic factors change only at a
            re-evaluation that is due; otherwise at any consultation.
        answers_when_due: Where the advice asks to repeat the risk evaluation,
            both re-evaluation questions are answered.

    """

    follow_up_gap_days: int = 7
    identity: tuple[str, ...] = ("discipline", "additional_competencies")
    window_deadline: bool = True
    adequate_releases: bool = True
    reassess_at_reevaluation_only: bool = True
    answers_when_due: bool = True

    def __attrs_post_init__(self) -> None:
        if self.follow_up_gap_days < 1:
            raise ValueError("follow_up_gap_days must be at least 1")


PATHWAY: Final = Pathway()
"""The spec's pathway: the decisions listed in the module docstring."""


class NextStep(enum.Enum):
    """What a consultation leaves the patient with, in order of precedence."""

    REFERRAL = "referral"
    """Referred to the GP instead of treatment: the episode ends."""
    RECHECK = "recheck"
    """A recheck is scheduled (after 2-4 days)."""
    REEVALUATION = "reevaluation"
    """A re-evaluation window lies ahead, or has not yet ended."""
    SELF_MANAGEMENT = "self_management"
    """The complaints improve adequately: continued self-management."""
    NO_INDICATION = "no_indication"
    """No need for assistance: no indication for therapy."""
    NONE = "none"
    """None of the above: the patient is left without a next step."""


class EpisodeEnd(enum.Enum):
    """How an episode ends."""

    REFERRED = "referred"
    """The last consultation refers the patient."""
    NOT_REQUIRED = "not_required"
    """The advice requires no further consultation, and none follows."""
    BOUND = "bound"
    """The next consultation would fall after the bound of the episode."""


@attrs.frozen
class Schedule:
    """When the consultation after this one may or must happen.

    Attributes:
        earliest: Earliest day of the next consultation.
        latest: Latest day, or ``None`` when there is no deadline.
        required: The next consultation must happen (by ``latest``).
        step: What the consultation leaves the patient with.

    """

    earliest: int
    latest: int | None
    required: bool
    step: NextStep


@attrs.frozen
class Visit:
    """One consultation of an episode.

    Attributes:
        day: Days since the start of treatment (the initial consultation is day 0).
        case: The patient at this consultation.
        advice: The advice the rules give ``case``.

    """

    day: int
    case: Case
    advice: Advice

    @property
    def week(self) -> int:
        """Whole weeks since the start of treatment."""
        return week_of(self.day)

    @property
    def session(self) -> int:
        """The number of this session (1 at the initial consultation)."""
        return (self.case.sessions_used or 0) + 1


def _visits(value: Iterable[Visit]) -> tuple[Visit, ...]:
    return tuple(value)


@attrs.frozen
class Episode:
    """A sequence of consultations of one patient, within a bound.

    Attributes:
        visits: The consultations, in time order; the first is initial.
        bound_weeks: The last week the episode is followed for.
        pathway: The pathway it follows.

    """

    visits: tuple[Visit, ...] = attrs.field(converter=_visits)
    bound_weeks: int
    pathway: Pathway = PATHWAY

    @property
    def end(self) -> EpisodeEnd:
        """How the episode ends, after its last consultation."""
        last = self.visits[-1]
        if ends_episode(last.advice):
            return EpisodeEnd.REFERRED
        plan = schedule(self.pathway, last)
        horizon = horizon_day(self.bound_weeks)
        if plan.earliest > horizon or (plan.required and (plan.latest or 0) > horizon):
            return EpisodeEnd.BOUND
        return EpisodeEnd.NOT_REQUIRED


def week_of(day: int) -> int:
    """Whole weeks since the start of treatment on ``day``."""
    return day // DAYS_PER_WEEK


def horizon_day(bound_weeks: int) -> int:
    """The last day of week ``bound_weeks``: episodes are followed up to it."""
    return DAYS_PER_WEEK * bound_weeks + DAYS_PER_WEEK - 1


def max_consultations(bound_weeks: int, pathway: Pathway, rechecks: tuple[Window, ...]) -> int:
    """The most consultations an episode can have up to the bound.

    Consecutive consultations are at least the smallest gap apart (the earliest
    recheck, or the follow-up gap), so no episode has more than this many; the
    bounded model unrolls this many unless fewer are proven to suffice
    (:mod:`lbp_spec.episodes.verify`).

    Args:
        bound_weeks: The last week followed.
        pathway: The pathway (its follow-up gap).
        rechecks: The recheck windows the rules can advise (days).

    Raises:
        ValueError: When a recheck can be due on the same day (no bound exists).

    """
    gaps = [pathway.follow_up_gap_days, *(w.low for w in rechecks)]
    smallest = min(gaps)
    if smallest < 1:
        raise ValueError("a recheck after 0 days leaves the number of consultations unbounded")
    return horizon_day(bound_weeks) // smallest + 1


def _adequate(case: Case) -> bool:
    return case.is_follow_up and case.improvement is Improvement.ADEQUATE


def _lrs_released(case: Case) -> bool:
    inadequate = Improvement.INADEQUATE
    return (
        _adequate(case)
        and case.pain_alleviation is not inadequate
        and case.loss_of_function_decrease is not inadequate
    )


def ends_episode(advice: Advice) -> bool:
    """The advice refers the patient instead of treatment, which ends the episode."""
    referral = advice.referral
    return referral is not None and referral.mode is ReferralMode.INSTEAD_OF_TREATMENT


def complaint_weeks(visit: Visit) -> int:
    """Weeks the complaints have lasted; the weeks of treatment when not recorded."""
    recorded = visit.case.complaint_duration_weeks
    return visit.week if recorded is None else recorded


def next_step(visit: Visit) -> NextStep:
    """What the consultation leaves the patient with (see :class:`NextStep`)."""
    advice, case = visit.advice, visit.case
    if ends_episode(advice):
        return NextStep.REFERRAL
    if advice.recheck_after_days is not None:
        return NextStep.RECHECK
    window = advice.reevaluation_after_weeks
    if window is not None and (
        visit.week < window.low or (window.high is not None and visit.week < window.high)
    ):
        return NextStep.REEVALUATION
    lrs_window = advice.lrs_evaluation_after_weeks
    if lrs_window is not None and complaint_weeks(visit) < (lrs_window.high or lrs_window.low):
        return NextStep.REEVALUATION
    if _adequate(case):
        return NextStep.SELF_MANAGEMENT
    if not case.need_for_assistance:
        return NextStep.NO_INDICATION
    return NextStep.NONE


def schedule(pathway: Pathway, visit: Visit) -> Schedule:
    """When the next consultation may or must happen after ``visit``.

    Meaningless after a referral (the episode ends); then the schedule says so
    with ``step`` :attr:`NextStep.REFERRAL` and nothing required.
    """
    step = next_step(visit)
    recheck = visit.advice.recheck_after_days
    ended = ends_episode(visit.advice)
    if not ended and recheck is not None:
        assert recheck.high is not None
        return Schedule(visit.day + recheck.low, visit.day + recheck.high, True, step)
    earliest = visit.day + pathway.follow_up_gap_days
    latest: list[int] = []
    window = visit.advice.reevaluation_after_weeks
    if (
        not ended
        and pathway.window_deadline
        and window is not None
        and window.high is not None
        and visit.week < window.high
        and not (pathway.adequate_releases and _adequate(visit.case))
    ):
        latest.append(horizon_day(window.high))
    lrs_window = visit.advice.lrs_evaluation_after_weeks
    weeks = complaint_weeks(visit)
    if (
        not ended
        and pathway.window_deadline
        and lrs_window is not None
        and lrs_window.high is not None
        and weeks < lrs_window.high
        and not (pathway.adequate_releases and _lrs_released(visit.case))
    ):
        latest.append(horizon_day(lrs_window.high - (weeks - visit.week)))
    if latest:
        return Schedule(earliest, min(latest), True, step)
    return Schedule(earliest, None, False, step)


def reassessment_allowed(pathway: Pathway, previous: Advice, case: Case, day: int) -> bool:
    """Whether the prognostic factors may differ from the previous consultation's.

    Yes at a re-evaluation that is due: a follow-up with an inadequate decrease
    of complaints, from the start of the window the previous consultation
    advised; also when that consultation advised no window (no profile).
    """
    if not pathway.reassess_at_reevaluation_only:
        return True
    window = previous.reevaluation_after_weeks
    if window is None:
        return True
    return case.improvement is Improvement.INADEQUATE and week_of(day) >= window.low


def problems(episode: Episode) -> list[str]:
    """Every way in which ``episode`` departs from its pathway (empty: it follows it).

    The advice of each visit is taken as given; whether it is the rules' advice
    is the evaluator's business.
    """
    out: list[str] = []
    pathway = episode.pathway
    horizon = horizon_day(episode.bound_weeks)
    visits = episode.visits
    if not visits:
        return ["an episode has at least one consultation"]
    first = visits[0]
    if first.case.consultation is not Consultation.INITIAL or first.day != 0:
        out.append("consultation 0 must be the initial consultation, on day 0")
    for k, visit in enumerate(visits):
        where = f"consultation {k} (day {visit.day})"
        if visit.day > horizon:
            out.append(f"{where}: after the bound (day {horizon})")
        if pathway.answers_when_due and answers_missing(visit):
            out.append(f"{where}: the re-evaluation is due but its questions are not answered")
        if k == 0:
            continue
        out.extend(f"{where}: {p}" for p in _step_problems(pathway, visits[k - 1], visit))
        out.extend(f"{where}: {p}" for p in _history_problems(visits[:k], visit))
    last = visits[-1]
    if not ends_episode(last.advice):
        plan = schedule(pathway, last)
        if plan.required and plan.latest is not None and plan.latest <= horizon:
            out.append(
                f"consultation {len(visits) - 1} (day {last.day}) requires a next consultation "
                f"by day {plan.latest}, and none follows"
            )
    return out


def answers_missing(visit: Visit) -> bool:
    """The advice asks to repeat the risk evaluation, and its two questions are not answered."""
    due = EvaluationAction.REPEAT_RISK_EVALUATION in visit.advice.evaluation_actions
    case = visit.case
    return due and (
        case.reevaluation_new_insights is None or case.adjustment_expected_to_suffice is None
    )


def _step_problems(pathway: Pathway, previous: Visit, visit: Visit) -> list[str]:
    out: list[str] = []
    case = visit.case
    if ends_episode(previous.advice):
        out.append("follows a referral instead of treatment, which ends the episode")
    if case.consultation is not Consultation.FOLLOW_UP:
        out.append("must be a follow-up")
        return out
    if case.weeks_since_start != week_of(visit.day):
        out.append(
            f"weeks_since_start is {case.weeks_since_start}; day {visit.day} is in week "
            f"{week_of(visit.day)}"
        )
    before = previous.case.sessions_used or 0
    used = case.sessions_used or 0
    if used < before + 1:
        out.append(f"sessions_used {used}: at least {before + 1} sessions were held before")
    if used > visit.day:
        out.append(f"sessions_used {used}: at most one session a day ({visit.day} days so far)")
    for name in pathway.identity:
        if getattr(case, name) != getattr(previous.case, name):
            out.append(f"{name} changed; it stays the same throughout an episode")
    plan = schedule(pathway, previous)
    if visit.day < plan.earliest:
        out.append(f"comes before day {plan.earliest}, the earliest the pathway allows")
    if plan.latest is not None and visit.day > plan.latest:
        out.append(f"comes after day {plan.latest}, the latest the previous advice allows")
    if case.prognostic_factors != previous.case.prognostic_factors and not reassessment_allowed(
        pathway, previous.advice, case, visit.day
    ):
        out.append("the prognostic factors changed outside a re-evaluation that is due")
    return out


def _history_problems(earlier: tuple[Visit, ...], visit: Visit) -> list[str]:
    """What a follow-up records of the consultations before it, checked against them."""
    out: list[str] = []
    case, before = visit.case, earlier[-1].case
    if case.lrs and case.is_follow_up:
        known = any(v.case.lrs for v in earlier)
        if case.lrs_diagnosed_earlier is not known:
            out.append(f"lrs_diagnosed_earlier must be {str(known).lower()}")
    recorded, previous = case.complaint_duration_weeks, before.complaint_duration_weeks
    if (recorded is None) != (previous is None):
        out.append("complaint_duration_weeks is recorded at every consultation or at none")
    elif recorded is not None and previous is not None:
        start = previous - (before.weeks_since_start or 0)
        if recorded != start + visit.week:
            out.append(
                f"complaint_duration_weeks is {recorded}; the complaints lasted {start} weeks "
                f"at the start, so {start + visit.week} in week {visit.week}"
            )
    return out
