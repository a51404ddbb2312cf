"""Evaluation and referral: re-evaluation windows and referral for lack of improvement."""

from __future__ import annotations

from lbp_spec.advice import Window
from lbp_spec.logic import Expr, Named, cmp, flag, is_, present
from lbp_spec.rule import Rule, add, refer, sets
from lbp_spec.rules.definitions import (
    FOLLOW_UP_INADEQUATE,
    PROFILE_1,
    PROFILE_1_OR_2,
    PROFILE_2,
    PROFILE_3,
    REFERRED_INSTEAD_OF_TREATMENT,
    TREATED,
    TREATED_PROFILE_1,
    TREATED_PROFILE_2,
    TREATED_PROFILE_3,
)
from lbp_spec.vocabulary import EvaluationAction, Improvement, ReferralMode, Section, Urgency

__all__ = ["LRS_WINDOW", "RULES", "WINDOWS"]

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

LRS_WINDOW = Window(6, 8)
"""When an LRS patient's complaints are evaluated, in weeks since the complaints began."""

_INSTEAD = ReferralMode.INSTEAD_OF_TREATMENT

_SCHEDULE_NOTE = (
    "The window is advised whenever the profile is assigned and no referral replaces the "
    "treatment, so that the decrease of complaints is judged then; the risk evaluation itself "
    "is repeated only when the decrease is inadequate (EVAL.REPEAT_RISK_EVALUATION)."
)

_LRS_PERSIST = (
    "Refer a patient with LRS to the general practitioner if the complaints persist from six "
    "to eight weeks and if there is insufficient alleviation of pain and/or decrease of loss "
    "of function."
)
_LRS_EXPLAIN = (
    "Explain that if the complaints have not sufficiently improved after six to eight weeks, "
    "a referral to the medical specialist/general practitioner will be provided."
)

LASTED_SIX_WEEKS = Named(
    "complaints_lasted_six_weeks",
    cmp("complaint_duration_weeks", ">=", 6) | cmp("weeks_since_start", ">=", 6),
    "the complaints have lasted at least six weeks (by their duration, or at least by the "
    "weeks of treatment)",
)

INSUFFICIENT_DECREASE = Named(
    "insufficient_decrease",
    is_("pain_alleviation", Improvement.INADEQUATE)
    | is_("loss_of_function_decrease", Improvement.INADEQUATE)
    | FOLLOW_UP_INADEQUATE,
    "an inadequate alleviation of pain, or decrease of loss of function, or decrease of complaints",
)

RULES = (
    Rule(
        id="EVAL.WINDOW.PROFILE_1",
        section=_S,
        title="Profile 1: re-evaluate at least after three weeks",
        quote=_WHEN,
        when=TREATED_PROFILE_1,
        then=[sets("reevaluation_after_weeks", WINDOWS[1])],
        note=_SCHEDULE_NOTE + " 'At least after three weeks' is open-ended: from week 3 on.",
    ),
    Rule(
        id="EVAL.WINDOW.PROFILE_2",
        section=_S,
        title="Profile 2: re-evaluate after three to six weeks",
        quote=_WHEN,
        when=TREATED_PROFILE_2,
        then=[sets("reevaluation_after_weeks", WINDOWS[2])],
        note=_SCHEDULE_NOTE,
    ),
    Rule(
        id="EVAL.WINDOW.PROFILE_3",
        section=_S,
        title="Profile 3: re-evaluate after six to 12 weeks",
        quote=_WHEN,
        when=TREATED_PROFILE_3,
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
        when=FOLLOW_UP_INADEQUATE
        & PROFILE_1_OR_2
        & cmp("weeks_since_start", ">=", 3)
        & ~REFERRED_INSTEAD_OF_TREATMENT,
        then=add("evaluation_actions", EvaluationAction.CONSIDER_ADJUSTING_PROFILE),
        note=(
            "Read as part of the re-evaluation, which is due from week 3 in profiles 1 and 2. "
            "Not when the patient is referred instead of treated: the referral follows when no "
            "adjustment is expected to suffice."
        ),
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
        then=refer(Urgency.NOT_STATED, _INSTEAD),
        note=(
            "The re-evaluation is due once its window has opened (week 3). The referral needs "
            "both answers given as no: an unanswered question (null) means the re-evaluation "
            "has not been done, and missing data never leads to a referral. The treatment is "
            "not expected to help, so the referral replaces it; the text states no urgency."
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
            *refer(Urgency.NOT_STATED, _INSTEAD),
            *add("evaluation_actions", EvaluationAction.DISCUSS_NEXT_PHASE_WITH_GP),
        ],
        note=(
            "'After 12 weeks' is read as: from week 12 on. The phase of physical or exercise "
            "therapy has not brought adequate alleviation, so the referral replaces it; what "
            "comes next is the next phase in the gradual approach, which the therapist "
            "consults the GP about (evaluation action discuss_next_phase_with_gp). The text "
            "states no urgency."
        ),
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
        then=refer(Urgency.NOT_STATED, ReferralMode.ALONGSIDE_TREATMENT),
        note=(
            "The sentence has no time condition, so the doubt can be recorded at any "
            "consultation, the initial one included. The GP is asked to review the analgesia; "
            "nothing in the text ends the therapy, so the referral goes alongside the "
            "treatment (mode alongside_treatment). The text states no urgency."
        ),
    ),
    Rule(
        id="EVAL.LRS.PERSISTENT",
        section=_S,
        title="LRS: refer when complaints persist six to eight weeks",
        quote=(_LRS_PERSIST, _LRS_EXPLAIN),
        when=flag("lrs") & LASTED_SIX_WEEKS & INSUFFICIENT_DECREASE,
        then=refer(Urgency.NOT_STATED, _INSTEAD),
        note=(
            "The weeks are those the complaints have lasted (complaint_duration_weeks), not "
            "the weeks of treatment; the complaints began before the treatment, so when the "
            "duration is not given, weeks_since_start is a lower bound that is read instead. "
            "'From six to eight weeks' is read as: due from week 6 of the complaints, and by "
            "week 8 at the latest (EVAL.LRS.WINDOW). 'Insufficient alleviation of pain and/or "
            "decrease of loss of function' is read as the text says: either one suffices, "
            "judged separately (pain_alleviation, loss_of_function_decrease); an inadequate "
            "decrease of the complaints as a whole at a follow-up implies one of them. The "
            "sentence has no time condition besides the duration, so it applies at any "
            "consultation. The referral replaces the treatment (it has not helped enough); "
            "the text states no urgency. The explanation speaks of a 'medical "
            "specialist/general practitioner'; the rule refers to the general practitioner, as "
            "the referral sentence says."
        ),
    ),
    Rule(
        id="EVAL.LRS.WINDOW",
        section=_S,
        title="LRS: evaluate in weeks 6 to 8 of the complaints",
        quote=(_LRS_PERSIST, _LRS_EXPLAIN),
        when=flag("lrs") & TREATED,
        then=[sets("lrs_evaluation_after_weeks", LRS_WINDOW)],
        note=(
            "The patient is promised a referral if the complaints have not sufficiently "
            "improved after six to eight weeks, so a treated LRS patient is evaluated in weeks "
            "6 to 8 of the complaints (counted from their onset, complaint_duration_weeks), "
            "whatever the profile's own re-evaluation window. This window, not a repeated "
            "check after two to four days, is what keeps a patient whose complaints persist "
            "from being missed. Advised whenever the patient is treated, like the profile's "
            "window; at the evaluation EVAL.LRS.PERSISTENT decides."
        ),
    ),
)
