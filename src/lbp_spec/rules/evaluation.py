"""Evaluation and referral: re-evaluation windows and referral for lack of improvement."""

from __future__ import annotations

from lbp_spec.advice import Window
from lbp_spec.logic import Expr, cmp, flag, present
from lbp_spec.rule import Rule, add, sets
from lbp_spec.rules.definitions import (
    FOLLOW_UP_INADEQUATE,
    PROFILE_1,
    PROFILE_1_OR_2,
    PROFILE_2,
    PROFILE_3,
)
from lbp_spec.vocabulary import EvaluationAction, Section, Urgency

__all__ = ["RULES", "WINDOWS"]

_S = Section.EVALUATION


def answered_no(path: str) -> Expr:
    """The optional yes/no field at ``path`` was answered, and the answer is no."""
    return present(path) & ~flag(path)


_WHEN = (
    "If there is an inadequate alleviation of complaints, repeat the evaluation of the risk "
    "of persistent complaints*.",
    "Perform the re-evaluation at least after three weeks for profile 1, after three to six "
    "weeks for profile 2 and after six to 12 weeks for profile 3.",
)
_JUDGED = (
    "The patient, in consultation with the therapist, assesses whether there is an "
    "(in)adequate decrease of complaints; this can optionally be supported by measurement "
    "instruments."
)

WINDOWS = {1: Window(3, None), 2: Window(3, 6), 3: Window(6, 12)}
"""Re-evaluation window per profile, in weeks since the start of treatment."""

_SCHEDULE_NOTE = (
    "The window is advised whenever the profile is assigned, so that the decrease of "
    "complaints is judged then; the risk evaluation itself is repeated only when the decrease "
    "is inadequate (EVAL.REPEAT_RISK_EVALUATION)."
)

RULES = (
    Rule(
        id="EVAL.WINDOW.PROFILE_1",
        section=_S,
        title="Profile 1: re-evaluate at least after three weeks",
        quote=_WHEN,
        when=PROFILE_1,
        then=[sets("reevaluation_after_weeks", WINDOWS[1])],
        note=_SCHEDULE_NOTE + " 'At least after three weeks' is open-ended: from week 3 on.",
    ),
    Rule(
        id="EVAL.WINDOW.PROFILE_2",
        section=_S,
        title="Profile 2: re-evaluate after three to six weeks",
        quote=_WHEN,
        when=PROFILE_2,
        then=[sets("reevaluation_after_weeks", WINDOWS[2])],
        note=_SCHEDULE_NOTE,
    ),
    Rule(
        id="EVAL.WINDOW.PROFILE_3",
        section=_S,
        title="Profile 3: re-evaluate after six to 12 weeks",
        quote=_WHEN,
        when=PROFILE_3,
        then=[sets("reevaluation_after_weeks", WINDOWS[3])],
        note=_SCHEDULE_NOTE,
    ),
    Rule(
        id="EVAL.REPEAT_RISK_EVALUATION",
        section=_S,
        title="Inadequate alleviation in the window: repeat the risk evaluation",
        quote=(*_WHEN, _JUDGED),
        when=FOLLOW_UP_INADEQUATE
        & (
            (PROFILE_1 & cmp("weeks_since_start", ">=", 3))
            | (PROFILE_2 & cmp("weeks_since_start", ">=", 3))
            | (PROFILE_3 & cmp("weeks_since_start", ">=", 6))
        ),
        then=add("evaluation_actions", EvaluationAction.REPEAT_RISK_EVALUATION),
        note=(
            "The re-evaluation is due from the start of the profile's window (week 3 for "
            "profiles 1 and 2, week 6 for profile 3) and stays due after its end."
        ),
    ),
    Rule(
        id="EVAL.PROFILE_1_2.ADJUST",
        section=_S,
        title="Profiles 1 and 2: consider adjusting the profile or the treatment",
        quote=(
            "Consider adjusting the treatment profile (or the treatment) based on the "
            "re-evaluation.",
        ),
        when=FOLLOW_UP_INADEQUATE & PROFILE_1_OR_2 & cmp("weeks_since_start", ">=", 3),
        then=add("evaluation_actions", EvaluationAction.CONSIDER_ADJUSTING_PROFILE),
        note="Read as part of the re-evaluation, which is due from week 3 in profiles 1 and 2.",
    ),
    Rule(
        id="EVAL.PROFILE_1_2.REFER",
        section=_S,
        title="Profiles 1 and 2: refer when re-evaluation brings nothing new",
        quote=(
            "If there is an inadequate alleviation of complaints, refer the patient to the "
            "general practitioner if the re-evaluation does not yield any new insights and "
            "you don't expect an adjustment of the treatment profile (or the treatment) to be "
            "sufficient.",
        ),
        when=FOLLOW_UP_INADEQUATE
        & PROFILE_1_OR_2
        & cmp("weeks_since_start", ">=", 3)
        & answered_no("reevaluation_new_insights")
        & answered_no("adjustment_expected_to_suffice"),
        then=[sets("referral", Urgency.ROUTINE)],
        note=(
            "The re-evaluation is due once its window has opened (week 3). The referral needs "
            "both answers given as no: an unanswered question (null) means the re-evaluation "
            "has not been done, and missing data never leads to a referral."
        ),
    ),
    Rule(
        id="EVAL.PROFILE_3.CONSULT_GP",
        section=_S,
        title="Profile 3: contact the GP after six weeks without adequate alleviation",
        quote=(
            "Contact the general practitioner if there is an inadequate alleviation of "
            "complaints after six weeks.",
        ),
        when=FOLLOW_UP_INADEQUATE & PROFILE_3 & cmp("weeks_since_start", ">=", 6),
        then=[sets("consult_general_practitioner", True)],
        note="'After six weeks' is read as: from week 6 on.",
    ),
    Rule(
        id="EVAL.PROFILE_3.REFER",
        section=_S,
        title="Profile 3: refer after 12 weeks without adequate alleviation",
        quote=(
            "Refer the patient to the general practitioner if there is an inadequate "
            "alleviation of complaints after 12 weeks, and consult about the next phase in the "
            "gradual approach.",
        ),
        when=FOLLOW_UP_INADEQUATE & PROFILE_3 & cmp("weeks_since_start", ">=", 12),
        then=[
            sets("referral", Urgency.ROUTINE),
            *add("evaluation_actions", EvaluationAction.DISCUSS_NEXT_PHASE_WITH_GP),
        ],
        note="'After 12 weeks' is read as: from week 12 on.",
    ),
    Rule(
        id="EVAL.LRS.MEDICATION_DOUBT",
        section=_S,
        title="LRS: refer when the medication dose may be too low",
        quote=(
            "Refer a patient with LRS to the general practitioner if there is doubt about "
            "whether the medication dosage is high enough.",
        ),
        when=flag("lrs") & flag("medication_dose_doubt"),
        then=[sets("referral", Urgency.ROUTINE)],
        note="The doubt is recorded at a follow-up consultation.",
    ),
    Rule(
        id="EVAL.LRS.PERSISTENT",
        section=_S,
        title="LRS: refer when complaints persist six to eight weeks",
        quote=(
            "Refer a patient with LRS to the general practitioner if the complaints persist "
            "from six to eight weeks and if there is insufficient alleviation of pain and/or "
            "decrease of loss of function.",
            "Explain that if the complaints have not sufficiently improved after six to eight "
            "weeks, a referral to the medical specialist/general practitioner will be provided.",
        ),
        when=flag("lrs") & FOLLOW_UP_INADEQUATE & cmp("weeks_since_start", ">=", 6),
        then=[sets("referral", Urgency.ROUTINE)],
        note=(
            "'From six to eight weeks' is read as: the referral is due from week 6, and by "
            "week 8 at the latest; an inadequate decrease of complaints stands for "
            "insufficient alleviation of pain and/or loss of function."
        ),
    ),
)
