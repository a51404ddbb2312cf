"""The episode-property catalogue: path properties of the care pathway, as data.

Each :class:`EpisodeProperty` states, over every episode up to the bound that
meets its premise, a claim about the whole path: when a referral comes, whether
a consultation leaves the patient without a next step, how many sessions the
advice takes. Like :mod:`lbp_spec.properties` it has two faces that must agree:
Z3 terms over an :class:`~lbp_spec.episodes.model.EpisodeModel` (proven), and a
check of one concrete :class:`~lbp_spec.episodes.pathway.Episode` (with which
every refuting episode is replayed, and on which simulated episodes are tested).

*Requirements* must be proven on the built-in guideline. *Findings* are facts
about the timing of the guideline's text, expected to be refuted and shown to
the committee with the refuting episode; :data:`lbp_spec.episodes.timing.TIMING_FINDINGS`
says how the spec resolves each. Some properties one might expect of the care
pathway are findings, not requirements, because the literal text does not
guarantee them:

* "profile 1 never goes past three sessions" (for LRS, the check after 2-4
  days and the evaluation in weeks 6-8 of the complaints leave one session
  for everything else);
* "profile 3 contacts the GP by week 6" (the 6-12-week window lets the first
  evaluation come as late as week 12);
* "no consultation leaves a patient without a next step" (after a
  re-evaluation that brings new insights, no further evaluation is timed).

What the text does guarantee is proven: the LRS check after 2-4 days comes
once; a persisting LRS is evaluated, and referred, by week 8 of the
complaints; a referral by week 12 for profile 3, by week 6 for profile 2 when
the re-evaluation brings nothing new; the emergency and red-flag referrals at
any consultation; a next step at every consultation up to the first
re-evaluation; an episode may end where everything improves adequately.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
import z3

from lbp_spec.case import Case
from lbp_spec.episodes.model import EpisodeModel
from lbp_spec.episodes.pathway import (
    Episode,
    NextStep,
    Visit,
    complaint_weeks,
    ends_episode,
    next_step,
    schedule,
)
from lbp_spec.symbolic import and_, implies, not_, or_
from lbp_spec.vocabulary import EvaluationAction, Improvement, Urgency

__all__ = ["CATALOGUE", "EpisodeProperty", "Violation", "by_name"]


@attrs.frozen
class Violation:
    """Where and how an episode breaks a property.

    Attributes:
        visit: Index of the consultation that went wrong; ``None`` when the
            episode as a whole does (e.g. it ends without the referral due).
        message: What went wrong, in words.

    """

    visit: int | None
    message: str


Term = Callable[[EpisodeModel], z3.BoolRef]
"""A Z3 term builder over the bounded model."""
Check = Callable[[Episode], "Violation | None"]
"""The concrete face: ``None`` when the episode meets the property (or not its premise)."""


@attrs.frozen(kw_only=True)
class EpisodeProperty:
    """A path property, checked over every episode up to the bound.

    Attributes:
        name: Stable name, ``episodes.<name>``.
        statement: The property in one plain sentence.
        premise: Which episodes it speaks about, in Z3.
        claim: What must hold for them, in Z3.
        check: The same on a concrete episode (premise and claim).
        concerns: Ids of the rules it concerns; the timeline shows them.
        reachable: Named conditions that must each be satisfiable with the
            premise, so that the claim is not true for want of episodes.
        horizon_weeks: The smallest bound (in weeks) that decides it.
        finding: A fact about the text's timing, expected to be refuted.
        note: Why it is stated as it is, and what a refutation means.

    """

    name: str
    statement: str
    premise: Term
    claim: Term
    check: Check
    concerns: tuple[str, ...]
    reachable: tuple[tuple[str, Term], ...] = ()
    horizon_weeks: int = 0
    finding: bool = False
    note: str = ""


# -- helpers: concrete ----------------------------------------------------------------------------


def _emergency(case: Case) -> bool:
    exam = case.neurological_exam
    return bool(case.neurological_emergency_signs) or (
        exam is not None and (exam.mrc_lowest <= 3 or exam.extensor_plantar_response)
    )


def _severe_lrs(case: Case) -> bool:
    exam = case.neurological_exam
    return case.lrs and (case.nprs >= 8 or (exam is not None and exam.mrc_lowest <= 3))


def _inadequate(episode: Episode) -> bool:
    return all(v.case.improvement is Improvement.INADEQUATE for v in episode.visits[1:])


def _profile(episode: Episode, n: int) -> bool:
    return all(v.advice.profile == n for v in episode.visits)


def _referred_by(episode: Episode, week: int) -> bool:
    return any(ends_episode(v.advice) and v.week <= week for v in episode.visits)


def _ending(episode: Episode) -> str:
    last = episode.visits[-1]
    return f"the episode ends after day {last.day} (week {last.week}): {episode.end.value}"


def _repeats(visit: Visit) -> bool:
    return EvaluationAction.REPEAT_RISK_EVALUATION in visit.advice.evaluation_actions


def _required(episode: Episode, visit: Visit) -> bool:
    return not ends_episode(visit.advice) and schedule(episode.pathway, visit).required


# -- helpers: symbolic ----------------------------------------------------------------------------


def _lrs_inadequate(m: EpisodeModel) -> z3.BoolRef:
    return and_(
        m.every(m.lrs), m.every(lambda k: m.improvement(k, Improvement.INADEQUATE), start=1)
    )


def _profile_inadequate(m: EpisodeModel, n: int) -> z3.BoolRef:
    return and_(
        m.every(lambda k: m.profile(k, n)),
        m.every(lambda k: m.improvement(k, Improvement.INADEQUATE), start=1),
    )


def _referred_by_week(m: EpisodeModel, week: int) -> z3.BoolRef:
    return m.some(lambda k: and_(m.ends(k), m.week(k) <= week))


def _not_after(m: EpisodeModel, k: int) -> z3.BoolRef:
    return not_(m.on[k + 1]) if k + 1 < m.size else z3.BoolVal(True)


def _within_window(m: EpisodeModel, k: int) -> z3.BoolRef:
    enc = m.steps[k]
    return and_(
        *(
            implies(enc.decided("reevaluation_after_weeks", w), m.week(k) <= w.high)
            for w in m.windows
            if w.high is not None
        ),
        z3.BoolVal(True),
    )


_REFERRAL_RULES = (
    "REDFLAG.REFER",
    "EMERGENCY.REFER",
    "EMERGENCY.REFER.SAFETY_NET_SIGNS",
    "LRS.REFER.SEVERE",
)
_SCHEDULE_RULES = (
    "LRS.RECHECK",
    "EVAL.WINDOW.PROFILE_1",
    "EVAL.WINDOW.PROFILE_2",
    "EVAL.WINDOW.PROFILE_3",
    "EVAL.REPEAT_RISK_EVALUATION",
)

# -- requirements ---------------------------------------------------------------------------------


def _check_emergency(episode: Episode) -> Violation | None:
    for k, visit in enumerate(episode.visits):
        if not _emergency(visit.case):
            continue
        referral = visit.advice.referral
        if referral is None or referral.urgency is not Urgency.IMMEDIATE:
            return Violation(k, "an emergency sign without an immediate referral")
        if k + 1 < len(episode.visits):
            return Violation(k + 1, "a consultation follows the emergency referral")
    return None


EMERGENCY = EpisodeProperty(
    name="episodes.emergency_refers_immediately",
    statement=(
        "An emergency sign at any consultation of an episode (a listed sign, saddle numbness, "
        "increasing leg weakness, MRC at most 3, or an extensor plantar response) is referred "
        "immediately, and the episode "
        "ends there."
    ),
    premise=lambda m: z3.BoolVal(True),
    claim=lambda m: m.every(
        lambda k: implies(m.emergency(k), and_(m.immediate(k), _not_after(m, k)))
    ),
    check=_check_emergency,
    concerns=(*_REFERRAL_RULES, "LRS.RECHECK"),
    reachable=(
        ("an emergency sign at a follow-up", lambda m: m.some(m.emergency, start=1)),
        (
            "an emergency sign from week 6 on",
            lambda m: m.some(lambda k: and_(m.emergency(k), m.week(k) >= 6), start=1),
        ),
    ),
)


def _check_reason_to_refer(episode: Episode) -> Violation | None:
    for k, visit in enumerate(episode.visits):
        if not (visit.case.red_flags or _severe_lrs(visit.case)):
            continue
        if visit.advice.referral is None or visit.advice.profile is not None:
            return Violation(k, "a red flag or severe LRS without a referral, or with a profile")
        if k + 1 < len(episode.visits):
            return Violation(k + 1, "a consultation follows the referral")
    return None


REASON_TO_REFER = EpisodeProperty(
    name="episodes.reason_to_refer_ends_episode",
    statement=(
        "A red flag, or LRS with a severe motor deficit or severe pain, at any consultation of "
        "an episode leads to a referral without a treatment profile, and the episode ends there."
    ),
    premise=lambda m: z3.BoolVal(True),
    claim=lambda m: m.every(
        lambda k: implies(
            or_(m.red_flag(k), m.severe_lrs(k)),
            and_(m.referred(k), not_(m.steps[k].written("profile")), _not_after(m, k)),
        )
    ),
    check=_check_reason_to_refer,
    concerns=_REFERRAL_RULES,
    reachable=(
        ("a red flag at a follow-up", lambda m: m.some(m.red_flag, start=1)),
        ("severe LRS at a follow-up", lambda m: m.some(m.severe_lrs, start=1)),
    ),
)


def _lrs_persisting(episode: Episode) -> bool:
    """LRS with a need for assistance throughout, complaints not improving, under 8 weeks."""
    visits = episode.visits
    return (
        all(v.case.lrs and v.case.need_for_assistance for v in visits)
        and _inadequate(episode)
        and complaint_weeks(visits[0]) <= 7
    )


def _lrs_persisting_z3(m: EpisodeModel) -> z3.BoolRef:
    return and_(
        m.every(lambda k: and_(m.lrs(k), m.steps[k].value["need_for_assistance"])),
        m.every(lambda k: m.improvement(k, Improvement.INADEQUATE), start=1),
        m.complaint_weeks(0) <= 7,
    )


def _check_lrs_by(week: int) -> Check:
    def check(episode: Episode) -> Violation | None:
        if not _lrs_persisting(episode):
            return None
        for visit in episode.visits:
            if ends_episode(visit.advice) and complaint_weeks(visit) <= week:
                return None
        return Violation(None, f"no referral by week {week} of the complaints; {_ending(episode)}")

    return check


def _lrs_referred_by_complaint_week(m: EpisodeModel, week: int) -> z3.BoolRef:
    return m.some(lambda k: and_(m.ends(k), m.complaint_weeks(k) <= week))


_LRS_RULES = (
    "LRS.RECHECK",
    "EVAL.LRS.WINDOW",
    "EVAL.LRS.PERSISTENT",
    "EVAL.LRS.MEDICATION_DOUBT",
    *_REFERRAL_RULES,
)
_LRS_PREMISE_WORDS = (
    "Every LRS episode whose complaints persist (LRS and a need for assistance at every "
    "consultation, an inadequate decrease of complaints at every follow-up, complaints of less "
    "than eight weeks at the start)"
)

LRS_BY_WEEK_8 = EpisodeProperty(
    name="episodes.lrs_referred_by_week_8",
    statement=f"{_LRS_PREMISE_WORDS} ends in a referral by week 8 of the complaints.",
    premise=_lrs_persisting_z3,
    claim=lambda m: _lrs_referred_by_complaint_week(m, 8),
    check=_check_lrs_by(8),
    concerns=_LRS_RULES,
    reachable=(
        ("an LRS episode that reaches week 6", lambda m: m.some(lambda k: m.week(k) >= 6)),
        ("a referral at a follow-up", lambda m: m.some(m.ends, start=1)),
        (
            "complaints recorded as lasting longer than the treatment",
            lambda m: m.complaint_weeks(0) >= 3,
        ),
    ),
    horizon_weeks=8,
    note=(
        "The evaluation window of weeks 6-8 of the complaints (EVAL.LRS.WINDOW) requires a "
        "consultation by week 8 of the complaints, where EVAL.LRS.PERSISTENT refers; the "
        "check after 2-4 days is not needed for it. Patients whose complaints had lasted eight "
        "weeks or more at the start are outside the premise: their evaluation is overdue at "
        "the first consultation, where the alleviation can be judged at once."
    ),
)


def _check_lrs_evaluated(episode: Episode) -> Violation | None:
    if not _lrs_persisting(episode):
        return None
    for visit in episode.visits[1:]:
        weeks = complaint_weeks(visit)
        if 6 <= weeks <= 8:
            return None
    if any(ends_episode(v.advice) and complaint_weeks(v) <= 8 for v in episode.visits):
        return None
    return Violation(None, f"no follow-up in weeks 6-8 of the complaints; {_ending(episode)}")


LRS_EVALUATED_IN_WINDOW = EpisodeProperty(
    name="episodes.lrs_evaluated_in_weeks_6_to_8",
    statement=(
        f"{_LRS_PREMISE_WORDS} has a follow-up in weeks 6 to 8 of the complaints, unless it "
        "is referred earlier."
    ),
    premise=_lrs_persisting_z3,
    claim=lambda m: or_(
        m.some(lambda k: and_(m.complaint_weeks(k) >= 6, m.complaint_weeks(k) <= 8), start=1),
        _lrs_referred_by_complaint_week(m, 8),
    ),
    check=_check_lrs_evaluated,
    concerns=("EVAL.LRS.WINDOW", "LRS.RECHECK"),
    reachable=(
        (
            "a follow-up in week 8 of the complaints",
            lambda m: m.some(lambda k: m.complaint_weeks(k) == 8, start=1),
        ),
    ),
    horizon_weeks=8,
    note=(
        "The promise to the patient ('a referral ... if the complaints have not sufficiently "
        "improved after six to eight weeks') is kept by its own window, not by a repeated check "
        "after two to four days."
    ),
)


def _check_recheck_once(episode: Episode) -> Violation | None:
    seen = False
    for k, visit in enumerate(episode.visits):
        if visit.advice.recheck_after_days is None:
            continue
        if seen:
            return Violation(k, "a second check after 2-4 days")
        seen = True
    return None


def _recheck_once(m: EpisodeModel) -> z3.BoolRef:
    terms = []
    seen: z3.BoolRef = z3.BoolVal(False)
    for k in range(m.size):
        recheck = and_(m.on[k], m.steps[k].written("recheck_after_days"))
        terms.append(not_(and_(seen, recheck)))
        seen = or_(seen, recheck)
    return and_(*terms)


RECHECK_ONCE = EpisodeProperty(
    name="episodes.lrs_recheck_once",
    statement="In every episode the LRS check after two to four days is advised at most once.",
    premise=lambda m: z3.BoolVal(True),
    claim=_recheck_once,
    check=_check_recheck_once,
    concerns=("LRS.RECHECK",),
    reachable=(
        ("a recheck", lambda m: m.some(lambda k: m.steps[k].written("recheck_after_days"))),
        (
            "LRS first diagnosed at a follow-up",
            lambda m: m.some(
                lambda k: and_(m.lrs(k), not_(m.steps[k].value["lrs_diagnosed_earlier"])),
                start=1,
            ),
        ),
        ("LRS at four consultations", lambda m: and_(*(m.lrs(k) for k in range(4)), m.on[3])),
    ),
    note=(
        "The check follows the examination that establishes LRS (LRS.RECHECK); the pathway "
        "keeps lrs_diagnosed_earlier true from the first consultation with LRS on."
    ),
)


def _check_profile_3_by_12(episode: Episode) -> Violation | None:
    if not (_profile(episode, 3) and _inadequate(episode)) or _referred_by(episode, 12):
        return None
    return Violation(None, f"no referral by week 12; {_ending(episode)}")


_PROFILE_3_RULES = (
    "EVAL.WINDOW.PROFILE_3",
    "EVAL.PROFILE_3.CONSULT_GP",
    "EVAL.PROFILE_3.REFER",
    "EVAL.LRS.PERSISTENT",
    "LRS.RECHECK",
)

PROFILE_3_BY_WEEK_12 = EpisodeProperty(
    name="episodes.profile_3_referred_by_week_12",
    statement=(
        "Every profile-3 episode without adequate improvement (profile 3 at every "
        "consultation, an inadequate decrease of complaints at every follow-up) ends in a "
        "referral by week 12."
    ),
    premise=lambda m: _profile_inadequate(m, 3),
    claim=lambda m: _referred_by_week(m, 12),
    check=_check_profile_3_by_12,
    concerns=_PROFILE_3_RULES,
    reachable=(
        (
            "a referral at week 12",
            lambda m: m.some(lambda k: and_(m.referred(k), m.week(k) == 12)),
        ),
        (
            "the GP contacted before the referral",
            lambda m: m.some(lambda k: and_(m.consults_gp(k), not_(m.referred(k)))),
        ),
    ),
    horizon_weeks=12,
    note=(
        "The window 'after six to 12 weeks' requires a consultation by week 12 as long as the "
        "complaints do not improve adequately; at week 12 EVAL.PROFILE_3.REFER refers."
    ),
)


def _check_reevaluated(episode: Episode) -> Violation | None:
    if not ((_profile(episode, 2) or _profile(episode, 3)) and _inadequate(episode)):
        return None
    for visit in episode.visits:
        window = visit.advice.reevaluation_after_weeks
        in_time = window is None or window.high is None or visit.week <= window.high
        if in_time and (_repeats(visit) or visit.advice.referral is not None):
            return None
    return Violation(None, f"no re-evaluation or referral in the window; {_ending(episode)}")


REEVALUATED_IN_WINDOW = EpisodeProperty(
    name="episodes.reevaluated_in_window",
    statement=(
        "Every profile-2 or profile-3 episode without adequate improvement is re-evaluated "
        "(the risk evaluation repeated) or referred by the end of the profile's window "
        "(week 6 or week 12)."
    ),
    premise=lambda m: or_(_profile_inadequate(m, 2), _profile_inadequate(m, 3)),
    claim=lambda m: m.some(
        lambda k: and_(or_(m.repeats_evaluation(k), m.referred(k)), _within_window(m, k))
    ),
    check=_check_reevaluated,
    concerns=(*_SCHEDULE_RULES, "EVAL.PROFILE_1_2.REFER", "EVAL.PROFILE_3.REFER"),
    reachable=(
        ("a profile-2 episode", lambda m: m.every(lambda k: m.profile(k, 2))),
        (
            "a profile-3 re-evaluation in week 12",
            lambda m: m.some(
                lambda k: and_(m.profile(k, 3), m.repeats_evaluation(k), m.week(k) == 12)
            ),
        ),
    ),
    horizon_weeks=12,
)


def _check_profile_2_referred(episode: Episode) -> Violation | None:
    if not (_profile(episode, 2) and _inadequate(episode)):
        return None
    answered_no = all(
        v.case.reevaluation_new_insights is False and v.case.adjustment_expected_to_suffice is False
        for v in episode.visits[1:]
    )
    if not answered_no or _referred_by(episode, 6):
        return None
    return Violation(None, f"no referral by week 6; {_ending(episode)}")


PROFILE_2_REFERRED = EpisodeProperty(
    name="episodes.profile_2_referred_when_nothing_new",
    statement=(
        "Every profile-2 episode without adequate improvement, whose re-evaluation yields no "
        "new insights and no adjustment expected to suffice, ends in a referral by week 6."
    ),
    premise=lambda m: and_(
        _profile_inadequate(m, 2),
        m.every(
            lambda k: and_(
                m.answered_no(k, "reevaluation_new_insights"),
                m.answered_no(k, "adjustment_expected_to_suffice"),
            ),
            start=1,
        ),
    ),
    claim=lambda m: _referred_by_week(m, 6),
    check=_check_profile_2_referred,
    concerns=("EVAL.WINDOW.PROFILE_2", "EVAL.REPEAT_RISK_EVALUATION", "EVAL.PROFILE_1_2.REFER"),
    reachable=(
        ("a referral in week 6", lambda m: m.some(lambda k: and_(m.referred(k), m.week(k) == 6))),
    ),
    horizon_weeks=6,
    note=(
        "Profile 1 has no such guarantee: its window has no end, so nothing schedules its "
        "re-evaluation (episodes.profile_1_reevaluated)."
    ),
)


def _until_reevaluation(m: EpisodeModel) -> z3.BoolRef:
    """Up to the first re-evaluation, every consultation has a next step (linear in size)."""
    terms = []
    seen: z3.BoolRef = z3.BoolVal(False)
    for k in range(m.size):
        seen = or_(seen, m.repeats_evaluation(k))
        terms.append(implies(and_(m.on[k], not_(seen)), not_(m.without_next_step(k))))
    return and_(*terms)


def _check_next_step_until(episode: Episode) -> Violation | None:
    for k, visit in enumerate(episode.visits):
        if _repeats(visit):
            return None
        if next_step(visit) is NextStep.NONE:
            return Violation(k, "no next step before any re-evaluation")
    return None


NEXT_STEP_UNTIL_REEVALUATION = EpisodeProperty(
    name="episodes.next_step_until_reevaluation",
    statement=(
        "Up to the first re-evaluation, no consultation leaves the patient without a next "
        "step: each refers, schedules a recheck, has a re-evaluation window ahead, finds "
        "adequate improvement, or finds no need for assistance."
    ),
    premise=lambda m: z3.BoolVal(True),
    claim=_until_reevaluation,
    check=_check_next_step_until,
    concerns=(*_SCHEDULE_RULES, *_REFERRAL_RULES),
    reachable=(
        (
            "a follow-up with inadequate improvement and a re-evaluation ahead",
            lambda m: m.some(
                lambda k: and_(m.improvement(k, Improvement.INADEQUATE), m.reevaluation_ahead(k)),
                start=1,
            ),
        ),
        ("a re-evaluation", lambda m: m.some(m.repeats_evaluation)),
    ),
)

# -- findings -------------------------------------------------------------------------------------


def _check_gp_by_6(episode: Episode) -> Violation | None:
    if not (_profile(episode, 3) and _inadequate(episode)):
        return None
    for visit in episode.visits:
        contact = visit.advice.consult_general_practitioner or visit.advice.referral is not None
        if contact and visit.week <= 6:
            return None
    first = next(
        (k for k, v in enumerate(episode.visits) if v.advice.consult_general_practitioner), None
    )
    return Violation(first, "the GP is first contacted after week 6")


PROFILE_3_GP_BY_WEEK_6 = EpisodeProperty(
    name="episodes.profile_3_gp_contacted_by_week_6",
    statement=(
        "Every profile-3 episode without adequate improvement contacts the GP (or refers) by "
        "week 6."
    ),
    premise=lambda m: _profile_inadequate(m, 3),
    claim=lambda m: m.some(lambda k: and_(or_(m.consults_gp(k), m.referred(k)), m.week(k) <= 6)),
    check=_check_gp_by_6,
    concerns=_PROFILE_3_RULES,
    horizon_weeks=12,
    finding=True,
    note=(
        "Expected to be refuted. 'Contact the general practitioner if there is an inadequate "
        "alleviation of complaints after six weeks' meets a re-evaluation window of 'six to 12 "
        "weeks': nothing requires an evaluation in week 6, so the first follow-up, and with it "
        "the GP contact, may come as late as week 12, together with the referral."
    ),
)


LRS_IN_WEEK_6 = EpisodeProperty(
    name="episodes.lrs_referred_in_week_6",
    statement=f"{_LRS_PREMISE_WORDS} ends in a referral by week 6 of the complaints.",
    premise=_lrs_persisting_z3,
    claim=lambda m: _lrs_referred_by_complaint_week(m, 6),
    check=_check_lrs_by(6),
    concerns=_LRS_RULES,
    horizon_weeks=8,
    finding=True,
    note=(
        "Expected to be refuted. 'Persist from six to eight weeks' leaves two weeks: the "
        "evaluation, and with it the referral, may come in week 6, 7 or 8 of the complaints."
    ),
)


def _check_lrs_profile_3(episode: Episode) -> Violation | None:
    premise = (
        all(v.case.lrs for v in episode.visits)
        and _profile(episode, 3)
        and _inadequate(episode)
        and not any(v.case.medication_dose_doubt for v in episode.visits)
    )
    if not premise:
        return None
    for k, visit in enumerate(episode.visits):
        if ends_episode(visit.advice) and visit.week < 12:
            return Violation(k, f"referred in week {visit.week}, before week 12")
    return None


LRS_PROFILE_3_PATH = EpisodeProperty(
    name="episodes.lrs_profile_3_path",
    statement=(
        "An LRS patient in profile 3 without adequate improvement (and without doubt about the "
        "medication) follows the profile-3 path: the GP is contacted from week 6, and the "
        "patient is referred only from week 12."
    ),
    premise=lambda m: and_(
        m.every(lambda k: and_(m.lrs(k), m.profile(k, 3))),
        m.every(
            lambda k: and_(
                m.improvement(k, Improvement.INADEQUATE),
                not_(
                    and_(
                        m.steps[k].presence["medication_dose_doubt"],
                        m.steps[k].value["medication_dose_doubt"],
                    )
                ),
            ),
            start=1,
        ),
    ),
    claim=lambda m: m.every(lambda k: implies(m.ends(k), m.week(k) >= 12)),
    check=_check_lrs_profile_3,
    concerns=_PROFILE_3_RULES,
    horizon_weeks=12,
    finding=True,
    note=(
        "Expected to be refuted. For an LRS patient the LRS row ('refer if the complaints "
        "persist from six to eight weeks') and the profile-3 row ('contact the GP after six "
        "weeks, refer after 12') both apply: at week 6 the patient is referred and the GP "
        "contacted at the same consultation, so the gradual profile-3 path never runs."
    ),
)


def _check_profile_1_reevaluated(episode: Episode) -> Violation | None:
    if not (_profile(episode, 1) and _inadequate(episode)):
        return None
    if any(v.week >= 3 or v.advice.referral is not None for v in episode.visits):
        return None
    return Violation(None, f"never re-evaluated nor referred; {_ending(episode)}")


PROFILE_1_REEVALUATED = EpisodeProperty(
    name="episodes.profile_1_reevaluated",
    statement=(
        "Every profile-1 episode without adequate improvement reaches its re-evaluation (a "
        "follow-up from week 3 on) or a referral."
    ),
    premise=lambda m: _profile_inadequate(m, 1),
    claim=lambda m: m.some(lambda k: or_(m.referred(k), m.week(k) >= 3)),
    check=_check_profile_1_reevaluated,
    concerns=("EVAL.WINDOW.PROFILE_1", "EVAL.REPEAT_RISK_EVALUATION", "EVAL.PROFILE_1_2.REFER"),
    horizon_weeks=3,
    finding=True,
    note=(
        "Expected to be refuted. 'Perform the re-evaluation at least after three weeks for "
        "profile 1' gives no latest week, so nothing in the advice requires a consultation "
        "after the first: the episode may end there, and an inadequate decrease of complaints "
        "is never judged, nor referred."
    ),
)


def _check_session_limit(episode: Episode) -> Violation | None:
    visits = episode.visits
    minimal = all(
        _required(episode, visits[k - 1]) and visits[k].case.sessions_used == k
        for k in range(1, len(visits))
    )
    if not (_profile(episode, 1) and minimal):
        return None
    for k, visit in enumerate(visits):
        if (visit.case.sessions_used or 0) >= 3:
            return Violation(k, f"session {visit.session} in profile 1, required by the advice")
    return None


PROFILE_1_SESSION_LIMIT = EpisodeProperty(
    name="episodes.profile_1_session_limit",
    statement=(
        "In an episode that stays in profile 1, the consultations the advice requires never "
        "take more than three sessions."
    ),
    premise=lambda m: and_(m.every(lambda k: m.profile(k, 1)), m.minimal()),
    claim=lambda m: m.every(lambda k: m.sessions(k) <= 2, start=1),
    check=_check_session_limit,
    concerns=(
        "PROFILE.1.SESSION_LIMIT",
        "PROFILE.1.SESSION_LIMIT.EXCEEDED",
        "LRS.RECHECK",
        "EVAL.WINDOW.PROFILE_1",
        "EVAL.LRS.WINDOW",
    ),
    horizon_weeks=2,
    finding=True,
    note=(
        "Expected to be refuted. 'Limit the treatment to a maximum of three sessions' meets "
        "the LRS check after two to four days (a second session in the first week) and the "
        "evaluation of LRS in weeks 6 to 8 of the complaints, which keeps a consultation due "
        "while the complaints persist: an LRS patient in profile 1 seen once more before week "
        "6 is due for a fourth session. Three sessions suffice only when the consultation after "
        "the check is the evaluation itself. The advice then warns that the limit is exceeded. "
        "Only episodes that stay in profile 1 count, and only the consultations the advice "
        "requires, one session each."
    ),
)


def _check_next_step(episode: Episode) -> Violation | None:
    for k, visit in enumerate(episode.visits):
        if next_step(visit) is NextStep.NONE:
            return Violation(k, "no referral, recheck, re-evaluation ahead or improvement")
    return None


NEXT_STEP = EpisodeProperty(
    name="episodes.next_step",
    statement=(
        "No consultation leaves the patient without a next step: each refers, schedules a "
        "recheck, has a re-evaluation window ahead, finds adequate improvement, or finds no "
        "need for assistance."
    ),
    premise=lambda m: z3.BoolVal(True),
    claim=lambda m: m.every(lambda k: not_(m.without_next_step(k))),
    check=_check_next_step,
    concerns=(*_SCHEDULE_RULES, "EVAL.PROFILE_1_2.REFER", "EVAL.PROFILE_1_2.ADJUST"),
    finding=True,
    note=(
        "Expected to be refuted. When a re-evaluation yields new insights, or an adjustment of "
        "the profile or the treatment is expected to suffice, the patient is not referred, and "
        "the text times no further evaluation: the windows count weeks since the start of "
        "treatment, and profile 1's has no end. From week 3 in profile 1, from week 6 in "
        "profile 2, the patient is left without a next step."
    ),
)


def _released(case: Case) -> bool:
    inadequate = Improvement.INADEQUATE
    return (
        case.improvement is Improvement.ADEQUATE
        and case.pain_alleviation is not inadequate
        and case.loss_of_function_decrease is not inadequate
    )


def _newly_lrs(case: Case) -> bool:
    return case.lrs and case.lrs_diagnosed_earlier is not True


def _check_adequate_may_end(episode: Episode) -> Violation | None:
    for k, visit in enumerate(episode.visits):
        if k == 0 or not _released(visit.case) or _newly_lrs(visit.case):
            continue
        if _required(episode, visit):
            return Violation(k, "adequate improvement, yet the advice requires a next consultation")
    return None


def _released_z3(m: EpisodeModel, k: int) -> z3.BoolRef:
    enc = m.steps[k]
    newly = and_(m.lrs(k), not_(enc.value["lrs_diagnosed_earlier"]))
    parts = [
        not_(
            and_(
                enc.presence[path],
                enc.value[path] == list(Improvement).index(Improvement.INADEQUATE),
            )
        )
        for path in ("pain_alleviation", "loss_of_function_decrease")
    ]
    return and_(m.adequate(k), *parts, not_(newly), not_(m.ends(k)))


ADEQUATE_MAY_END = EpisodeProperty(
    name="episodes.adequate_improvement_may_end",
    statement=(
        "A patient whose complaints, pain and loss of function all decrease adequately may end "
        "the episode: the advice then requires no further consultation (save the one check "
        "after 2-4 days when LRS is first diagnosed at that consultation)."
    ),
    premise=lambda m: z3.BoolVal(True),
    claim=lambda m: m.every(lambda k: implies(_released_z3(m, k), not_(m.required(k))), start=1),
    check=_check_adequate_may_end,
    concerns=("LRS.RECHECK", "EVAL.LRS.WINDOW", "EVAL.WINDOW.PROFILE_2", "EVAL.WINDOW.PROFILE_3"),
    reachable=(
        (
            "an LRS patient improves adequately at a follow-up",
            lambda m: m.some(lambda k: and_(m.lrs(k), _released_z3(m, k)), start=1),
        ),
    ),
    note=(
        "With the check after 2-4 days advised once, where LRS is diagnosed, an LRS patient "
        "who recovers is no longer called back every 2-4 days."
    ),
)

CATALOGUE: Final[tuple[EpisodeProperty, ...]] = (
    EMERGENCY,
    REASON_TO_REFER,
    RECHECK_ONCE,
    LRS_EVALUATED_IN_WINDOW,
    LRS_BY_WEEK_8,
    PROFILE_3_BY_WEEK_12,
    REEVALUATED_IN_WINDOW,
    PROFILE_2_REFERRED,
    NEXT_STEP_UNTIL_REEVALUATION,
    ADEQUATE_MAY_END,
    PROFILE_3_GP_BY_WEEK_6,
    LRS_PROFILE_3_PATH,
    PROFILE_1_REEVALUATED,
    PROFILE_1_SESSION_LIMIT,
    NEXT_STEP,
    LRS_IN_WEEK_6,
)
"""Every episode property, in the order the verifier runs and reports them."""


def by_name(name: str) -> EpisodeProperty:
    """The episode property called ``name``.

    Raises:
        KeyError: No such property; the message lists the known names.

    """
    for prop in CATALOGUE:
        if prop.name == name:
            return prop
    raise KeyError(f"no episode property {name!r}; known: {', '.join(p.name for p in CATALOGUE)}")
