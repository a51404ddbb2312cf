"""Every rule of the guideline on hand-written clinical cases, thresholds and resolutions.

Expected values are written from the guideline text (shared/guideline), never computed
by calling the code under test.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given

from lbp_spec import GUIDELINE, Case, NeurologicalExam, Sbst, evaluate
from lbp_spec.advice import (
    Advice,
    AppliedResolution,
    InterventionAdvice,
    NeurologicalExamination,
    Referral,
    Window,
)
from lbp_spec.strategies import cases
from lbp_spec.vocabulary import (
    AdviceWarning,
    BehaviourGuidance,
    Consultation,
    Discipline,
    EducationTopic,
    EmergencySign,
    EvaluationAction,
    ExamComponent,
    ExerciseGuidance,
    FactorLevel,
    Improvement,
    Intervention,
    MassageCriterion,
    PrognosticFactor,
    RedFlag,
    ReferralMode,
    Responsiveness,
    SafetyNetTopic,
    Strength,
    Urgency,
)

I = Intervention  # noqa: E741 - short alias keeps the expected tables readable
NOT_STATED = Referral(Urgency.NOT_STATED, ReferralMode.INSTEAD_OF_TREATMENT)
ALONGSIDE = Referral(Urgency.NOT_STATED, ReferralMode.ALONGSIDE_TREATMENT)
IMMEDIATE = Referral(Urgency.IMMEDIATE, ReferralMode.INSTEAD_OF_TREATMENT)
RECHECK = Window(2, 4)
NON_EXERCISE = (I.MOBILISATION, I.MANIPULATION, I.MASSAGE, I.TENS, I.INTERFERENCE)

NON_DOMINANT = {PrognosticFactor.PREVIOUS_EPISODES: FactorLevel.NON_DOMINANT}
DOMINANT_WORK = {PrognosticFactor.HIGH_PHYSICAL_WORK_LOAD: FactorLevel.DOMINANT}
DOMINANT_FEAR = {PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT}
ALL_CRITERIA = frozenset(MassageCriterion)

PROFILE_1 = Case()
PROFILE_2 = Case(prognostic_factors=NON_DOMINANT)
PROFILE_3 = Case(prognostic_factors=DOMINANT_FEAR)


def follow_up(**fields: Any) -> Case:
    """A follow-up: week 1, one session held, adequate decrease, unless overridden.

    An LRS follow-up continues an LRS diagnosed earlier, unless overridden.
    """
    base: dict[str, Any] = {
        "consultation": Consultation.FOLLOW_UP,
        "weeks_since_start": 1,
        "sessions_used": 1,
        "improvement": Improvement.ADEQUATE,
    }
    if fields.get("lrs") is True:
        base["lrs_diagnosed_earlier"] = True
    return Case(**{**base, **fields})


def inadequate(weeks: int, **fields: Any) -> Case:
    """A follow-up after ``weeks`` weeks with an inadequate decrease of complaints."""
    return follow_up(weeks_since_start=weeks, improvement=Improvement.INADEQUATE, **fields)


def exam(**findings: Any) -> Case:
    """A case whose neurological examination has the given findings."""
    return Case(neurological_exam=NeurologicalExam(**findings))


def strengths(advice: Advice, *interventions: Intervention) -> tuple[Strength, ...]:
    """The strengths of ``interventions``, in order."""
    return tuple(advice.strength(i) for i in interventions)


def applied(resolution: str, winner: str, loser: str, slot: str) -> AppliedResolution:
    """An applied-resolution entry, spelled out."""
    return AppliedResolution(resolution, winner, loser, slot)


# -- every rule fires on a hand-written case, and stays quiet on another ---------------------------

EDUCATION_GENERAL = (
    "EDUCATION.NATURE.UNCLEAR_ORIGIN",
    "EDUCATION.NATURE.NO_RARE_CONDITION",
    "EDUCATION.COURSE.RECURRING",
    "EDUCATION.COURSE.THREE_MONTHS",
    "EDUCATION.FACTORS.STAY_ACTIVE",
)
EDUCATION_LRS = (
    "EDUCATION.LRS.NERVE_ROOT",
    "EDUCATION.LRS.RECOVERY",
    "EDUCATION.LRS.IMAGING",
    "EDUCATION.LRS.CONSERVATIVE",
    "EDUCATION.LRS.MOVE_GUIDED_BY_PAIN",
    "EDUCATION.LRS.REFERRAL_6_8_WEEKS",
)

EXAMPLES: dict[str, tuple[Case, Case]] = {
    # rule id: (a case on which it fires, a case on which it does not)
    "INDICATION.THERAPY": (Case(), Case(need_for_assistance=False)),
    "REDFLAG.REFER": (Case(red_flags={RedFlag.FRACTURE}), Case()),
    "EMERGENCY.REFER": (
        Case(neurological_emergency_signs={EmergencySign.URINE_RETENTION}),
        exam(mrc_lowest=4),
    ),
    "EMERGENCY.REFER.SAFETY_NET_SIGNS": (
        Case(lrs=True, neurological_emergency_signs={EmergencySign.SADDLE_NUMBNESS}),
        Case(lrs=True),
    ),
    "LRS.REFER.SEVERE": (Case(lrs=True, nprs=8), Case(lrs=True, nprs=7)),
    "LRS.RECHECK": (Case(lrs=True, nprs=7), Case(lrs=True, nprs=8)),
    "NEURO.EXAM": (Case(symptoms_below_knee=True), Case()),
    "NEURO.FINDING.DERMATOMAL_PAIN": (exam(dermatomal_pain=True), exam()),
    "NEURO.FINDING.FINGERTIP_FLOOR": (exam(fingertip_floor_cm=26), exam(fingertip_floor_cm=25)),
    "NEURO.FINDING.LASEGUE": (exam(crossed_lasegue=True), exam()),
    "NEURO.FINDING.MUSCLE_STRENGTH": (exam(mrc_lowest=4), exam(mrc_lowest=5)),
    "NEURO.FINDING.SENSIBILITY": (exam(dermatomal_sensory_loss=True), exam()),
    "NEURO.FINDING.REFLEXES": (exam(diminished_tendon_reflexes=True), exam()),
    "LRS.CHARACTERISATION": (
        Case(
            symptoms_below_knee=True,
            neurological_exam=NeurologicalExam(diminished_tendon_reflexes=True),
        ),
        Case(
            lrs=True,
            symptoms_below_knee=True,
            neurological_exam=NeurologicalExam(diminished_tendon_reflexes=True),
        ),
    ),
    "PROFILE.1": (PROFILE_1, PROFILE_3),
    "PROFILE.2": (PROFILE_2, PROFILE_1),
    "PROFILE.3": (PROFILE_3, PROFILE_2),
    "PROFILE.1.SESSION_LIMIT": (PROFILE_1, PROFILE_2),
    "PROFILE.1.SESSION_LIMIT.EXCEEDED": (follow_up(sessions_used=3), follow_up(sessions_used=2)),
    "SBST.SUPPORT_ONLY": (
        Case(sbst=Sbst(total=6, psychosocial=4)),
        Case(sbst=Sbst(total=3, psychosocial=3)),
    ),
    **{rid: (PROFILE_1, Case(red_flags={RedFlag.TUMOUR})) for rid in EDUCATION_GENERAL},
    "EDUCATION.FACTORS.PROGNOSTIC": (PROFILE_2, PROFILE_1),
    **{rid: (Case(lrs=True), Case(lrs=True, nprs=8)) for rid in EDUCATION_LRS},
    "LRS.SAFETY_NET": (Case(lrs=True, nprs=9), Case(symptoms_below_knee=True)),
    "EXERCISE.PROFILE_1.SELF_DIRECTED": (PROFILE_1, PROFILE_2),
    "EXERCISE.PROFILE_2_3.OFFER": (PROFILE_2, PROFILE_1),
    "EXERCISE.TYPE.TAILOR": (PROFILE_1, Case(need_for_assistance=False)),
    "EXERCISE.TYPE.GRADUAL": (PROFILE_1, Case(need_for_assistance=False)),
    "EXERCISE.GUIDANCE.SCALE_BACK": (PROFILE_3, PROFILE_1),
    "EXERCISE.LRS.CONSIDER": (Case(lrs=True), PROFILE_1),
    "EXERCISE.LRS.HIGH_RESPONSIVENESS": (
        Case(lrs=True, responsiveness=Responsiveness.HIGH),
        Case(lrs=True, responsiveness=Responsiveness.MODERATE),
    ),
    "EXERCISE.LRS.MODERATE_RESPONSIVENESS": (
        Case(lrs=True, responsiveness=Responsiveness.MODERATE),
        Case(lrs=True, responsiveness=Responsiveness.LOW),
    ),
    "EXERCISE.LRS.EXPAND": (
        follow_up(lrs=True, improvement=Improvement.ADEQUATE),
        follow_up(lrs=True, improvement=Improvement.INADEQUATE),
    ),
    "BEHAVIOUR.PROFILE_1_2.EXPLANATION": (PROFILE_2, PROFILE_3),
    "BEHAVIOUR.PROFILE_3.CONSIDER": (Case(prognostic_factors=DOMINANT_WORK), PROFILE_2),
    "BEHAVIOUR.PROFILE_3.PERSONALISE": (PROFILE_3, Case(prognostic_factors=DOMINANT_WORK)),
    "BEHAVIOUR.TYPE.SHARED_CHOICE": (PROFILE_3, PROFILE_2),
    "PASSIVE.COMPETENCY.EXERCISE_THERAPIST": (
        Case(discipline=Discipline.EXERCISE_THERAPIST),
        Case(discipline=Discipline.EXERCISE_THERAPIST, additional_competencies=True),
    ),
    "PASSIVE.PROFILE_1.DO_NOT": (PROFILE_1, PROFILE_2),
    "PASSIVE.PROFILE_2_3.MOBILISATION": (
        Case(prognostic_factors=NON_DOMINANT, mechanical_problem=True),
        Case(prognostic_factors=NON_DOMINANT, mechanical_problem=False),
    ),
    "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET": (
        Case(prognostic_factors=NON_DOMINANT, massage_criteria=ALL_CRITERIA),
        Case(
            prognostic_factors=NON_DOMINANT,
            massage_criteria=ALL_CRITERIA - {MassageCriterion.BRIEF_PERIOD},
        ),
    ),
    "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_NOT_MET": (
        Case(
            prognostic_factors=NON_DOMINANT,
            massage_criteria=ALL_CRITERIA - {MassageCriterion.BRIEF_PERIOD},
        ),
        Case(prognostic_factors=NON_DOMINANT, massage_criteria=ALL_CRITERIA),
    ),
    "PASSIVE.PROFILE_2_3.NO_TENS": (PROFILE_2, PROFILE_1),
    "PASSIVE.LRS.NO_MASSAGE_TENS": (Case(lrs=True), Case(lrs=True, nprs=8)),
    "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION": (Case(lrs=True), Case(lrs=True, nprs=8)),
    "EVAL.WINDOW.PROFILE_1": (PROFILE_1, PROFILE_2),
    "EVAL.WINDOW.PROFILE_2": (PROFILE_2, PROFILE_3),
    "EVAL.WINDOW.PROFILE_3": (PROFILE_3, PROFILE_1),
    "EVAL.REPEAT_RISK_EVALUATION": (inadequate(3), inadequate(2)),
    "EVAL.PROFILE_1_2.ADJUST": (inadequate(3), inadequate(2)),
    "EVAL.PROFILE_1_2.REFER": (
        inadequate(3, reevaluation_new_insights=False, adjustment_expected_to_suffice=False),
        inadequate(2, reevaluation_new_insights=False, adjustment_expected_to_suffice=False),
    ),
    "EVAL.PROFILE_3.CONSULT_GP": (
        inadequate(6, prognostic_factors=DOMINANT_FEAR),
        inadequate(5, prognostic_factors=DOMINANT_FEAR),
    ),
    "EVAL.PROFILE_3.REFER": (
        inadequate(12, prognostic_factors=DOMINANT_FEAR),
        inadequate(11, prognostic_factors=DOMINANT_FEAR),
    ),
    "EVAL.LRS.MEDICATION_DOUBT": (
        follow_up(lrs=True, medication_dose_doubt=True),
        follow_up(lrs=True, medication_dose_doubt=False),
    ),
    "EVAL.LRS.PERSISTENT": (inadequate(6, lrs=True), inadequate(5, lrs=True)),
    "EVAL.LRS.WINDOW": (Case(lrs=True), Case(lrs=True, nprs=8)),
    "FACTORS.SEVERE_PAIN_UNRECORDED": (
        Case(nprs=8),
        Case(
            nprs=8, prognostic_factors={PrognosticFactor.HIGH_PAIN_INTENSITY: FactorLevel.DOMINANT}
        ),
    ),
    "FACTORS.LRS_LEG_PAIN_UNRECORDED": (
        Case(lrs=True),
        Case(lrs=True, prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT}),
    ),
}


def test_every_rule_has_a_hand_written_example() -> None:
    """Each rule of the guideline has a firing and a non-firing example here."""
    assert sorted(r.id for r in GUIDELINE.rules) == sorted(EXAMPLES)


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_fires_on_its_example(rule_id: str) -> None:
    """The rule is in the trace of its firing example."""
    assert rule_id in evaluate(EXAMPLES[rule_id][0]).fired


@pytest.mark.parametrize("rule_id", sorted(EXAMPLES))
def test_rule_is_quiet_on_its_counter_example(rule_id: str) -> None:
    """The rule is not in the trace of its non-firing example."""
    assert rule_id not in evaluate(EXAMPLES[rule_id][1]).fired


# -- diagnostic process ------------------------------------------------------------------------


def test_plain_patient_is_indicated_profile_1() -> None:
    """Need for assistance, no reason to refer, no factors: therapy, profile 1, no referral."""
    advice = evaluate(Case())
    assert (True, None, False, 1) == (
        advice.physiotherapy_indicated,
        advice.referral,
        advice.consult_general_practitioner,
        advice.profile,
    )


def test_no_need_for_assistance_means_no_indication() -> None:
    """Without a need for assistance there is no indication and no treatment profile."""
    advice = evaluate(Case(need_for_assistance=False, prognostic_factors=DOMINANT_FEAR))
    assert (False, None, None) == (advice.physiotherapy_indicated, advice.profile, advice.referral)
    assert (Strength.NOT_INDICATED,) * 8 == strengths(advice, *I)


@pytest.mark.parametrize("flag", list(RedFlag))
def test_red_flag_is_referred_and_not_treated(flag: RedFlag) -> None:
    """A sign of fracture, infection, tumour or inflammation: refer, no profile, no treatment."""
    case = Case(
        red_flags={flag},
        prognostic_factors=DOMINANT_FEAR,
        mechanical_problem=True,
        massage_criteria=ALL_CRITERIA,
    )
    advice = evaluate(case)
    assert (NOT_STATED, False, None) == (
        advice.referral,
        advice.physiotherapy_indicated,
        advice.profile,
    )
    assert {i: InterventionAdvice() for i in I} == dict(advice.interventions)
    assert () == advice.education
    assert None is advice.session_limit
    assert None is advice.reevaluation_after_weeks


@pytest.mark.parametrize(
    "sign",
    [
        EmergencySign.URINE_RETENTION,
        EmergencySign.FAECAL_INCONTINENCE,
        EmergencySign.URINARY_INCONTINENCE,
        EmergencySign.WIDESPREAD_NEUROLOGICAL_SYMPTOMS,
    ],
)
def test_neurological_emergency_sign_is_referred_immediately(sign: EmergencySign) -> None:
    """Urine retention, incontinence or widespread neurological symptoms: refer immediately."""
    advice = evaluate(Case(neurological_emergency_signs={sign}))
    assert (IMMEDIATE, False, None) == (
        advice.referral,
        advice.physiotherapy_indicated,
        advice.profile,
    )
    assert "EMERGENCY.REFER" in advice.fired


@pytest.mark.parametrize(
    "sign", [EmergencySign.SADDLE_NUMBNESS, EmergencySign.INCREASING_LEG_WEAKNESS]
)
@pytest.mark.parametrize("lrs", [True, False])
def test_safety_net_sign_is_referred_immediately(sign: EmergencySign, lrs: bool) -> None:
    """Saddle numbness or increasing leg weakness at the consultation: refer immediately."""
    advice = evaluate(Case(lrs=lrs, neurological_emergency_signs={sign}))
    assert (IMMEDIATE, None, None) == (advice.referral, advice.profile, advice.recheck_after_days)
    assert "EMERGENCY.REFER.SAFETY_NET_SIGNS" in advice.fired


@pytest.mark.parametrize(
    ("mrc", "referral"), [(0, IMMEDIATE), (3, IMMEDIATE), (4, None), (5, None)]
)
def test_mrc_threshold_without_lrs(mrc: int, referral: Referral | None) -> None:
    """Severe motor deficit (MRC <= 3) is a sign of a neurological emergency; MRC 4 is not."""
    advice = evaluate(exam(mrc_lowest=mrc))
    assert referral == advice.referral
    assert (referral is None) == advice.physiotherapy_indicated


def test_lrs_mrc_3_is_an_emergency_and_severe_lrs() -> None:
    """LRS with MRC 3: both emergency and severe LRS; referred immediately, not treated."""
    case = Case(lrs=True, nprs=5, neurological_exam=NeurologicalExam(mrc_lowest=3))
    advice = evaluate(case)
    assert {"EMERGENCY.REFER", "LRS.REFER.SEVERE"} <= set(advice.fired)
    assert (IMMEDIATE, None, None, False) == (
        advice.referral,
        advice.recheck_after_days,
        advice.profile,
        advice.physiotherapy_indicated,
    )


def test_lrs_mrc_4_is_rechecked_and_treated() -> None:
    """LRS with MRC 4 (and NPRS 5): not severe; check again after 2-4 days, treat in a profile."""
    case = Case(lrs=True, nprs=5, neurological_exam=NeurologicalExam(mrc_lowest=4))
    advice = evaluate(case)
    assert "LRS.REFER.SEVERE" not in advice.fired
    assert (None, RECHECK, 1, True) == (
        advice.referral,
        advice.recheck_after_days,
        advice.profile,
        advice.physiotherapy_indicated,
    )
    assert ExamComponent.MUSCLE_STRENGTH in advice.neurological_examination.positive_findings


@pytest.mark.parametrize(
    ("nprs", "referral", "recheck", "profile"),
    [(7, None, RECHECK, 1), (8, NOT_STATED, None, None), (10, NOT_STATED, None, None)],
)
def test_lrs_nprs_threshold(
    nprs: int, referral: Referral | None, recheck: Window | None, profile: int | None
) -> None:
    """LRS with NPRS >= 8 is referred to the GP; with NPRS 7 it is checked after 2-4 days."""
    advice = evaluate(Case(lrs=True, nprs=nprs))
    assert (referral, recheck, profile) == (
        advice.referral,
        advice.recheck_after_days,
        advice.profile,
    )


def test_high_nprs_without_lrs_is_not_referred() -> None:
    """The NPRS >= 8 threshold is for LRS only: low back pain with NPRS 10 is treated."""
    advice = evaluate(Case(nprs=10))
    assert (None, 1) == (advice.referral, advice.profile)


def test_severe_lrs_gets_safety_net_but_no_lrs_education() -> None:
    """A referred LRS patient is told when to contact the GP, but is not given the LRS course."""
    advice = evaluate(Case(lrs=True, nprs=9))
    assert tuple(SafetyNetTopic) == advice.safety_net_advice
    assert () == advice.education


def test_lrs_with_red_flag_is_referred_not_rechecked() -> None:
    """An LRS patient with a red flag is referred, so is not one of the 'other' patients."""
    advice = evaluate(Case(lrs=True, nprs=3, red_flags={RedFlag.INFECTION}))
    assert (NOT_STATED, None) == (advice.referral, advice.recheck_after_days)


def test_lrs_without_need_for_assistance_is_still_rechecked() -> None:
    """An LRS patient without a need for assistance is not treated but is checked again."""
    advice = evaluate(Case(lrs=True, need_for_assistance=False))
    assert (None, RECHECK, None) == (advice.referral, advice.recheck_after_days, advice.profile)


@pytest.mark.parametrize(
    "case", [Case(lrs=True), Case(symptoms_below_knee=True)], ids=["lrs", "below-knee"]
)
def test_suspected_lrs_requires_the_full_examination(case: Case) -> None:
    """Suspected LRS (diagnosed, or symptoms below the knee): all six exam components."""
    examination = evaluate(case).neurological_examination
    assert (True, tuple(ExamComponent)) == (examination.required, examination.components)


def test_no_suspicion_no_examination() -> None:
    """Without suspected LRS no neurological examination is asked for."""
    assert NeurologicalExamination() == evaluate(Case()).neurological_examination


@pytest.mark.parametrize(
    ("cm", "positive"), [(0, False), (25, False), (25.5, True), (26, True), (None, False)]
)
def test_fingertip_floor_positive_only_above_25_cm(cm: float | None, positive: bool) -> None:
    """The fingertip-to-floor distance is positive if it is > 25 cm (25 cm itself is not)."""
    findings = evaluate(exam(fingertip_floor_cm=cm)).neurological_examination.positive_findings
    assert positive == (ExamComponent.FINGERTIP_FLOOR_DISTANCE in findings)


@pytest.mark.parametrize("test", ["lasegue", "crossed_lasegue", "reversed_lasegue"])
def test_any_lasegue_test_is_a_finding(test: str) -> None:
    """The Lasègue, crossed Lasègue or reversed Lasègue test positive: a Lasègue finding."""
    findings = evaluate(exam(**{test: True})).neurological_examination.positive_findings
    assert (ExamComponent.LASEGUE_TESTS,) == findings


def test_all_findings_are_listed_in_vocabulary_order() -> None:
    """Every positive examination component is listed, in the order of the vocabulary."""
    case = Case(
        lrs=True,
        neurological_exam=NeurologicalExam(
            dermatomal_pain=True,
            fingertip_floor_cm=30,
            lasegue=True,
            mrc_lowest=4,
            dermatomal_sensory_loss=True,
            diminished_tendon_reflexes=True,
        ),
    )
    examination = evaluate(case).neurological_examination
    assert tuple(ExamComponent) == examination.positive_findings


def test_normal_examination_has_no_findings() -> None:
    """A normal examination (MRC 5, nothing positive) has no positive findings."""
    findings = evaluate(exam(mrc_lowest=5, fingertip_floor_cm=10)).neurological_examination
    assert () == findings.positive_findings


@pytest.mark.parametrize(
    "loss",
    [{"dermatomal_sensory_loss": True}, {"diminished_tendon_reflexes": True}, {"mrc_lowest": 4}],
    ids=["sensory", "reflexes", "paresis"],
)
def test_leg_symptoms_with_loss_of_function_suggest_lrs(loss: dict[str, Any]) -> None:
    """Leg symptoms with neurological loss of function, but no LRS diagnosis: a warning."""
    case = Case(symptoms_below_knee=True, neurological_exam=NeurologicalExam(**loss))
    advice = evaluate(case)
    assert AdviceWarning.FINDINGS_SUGGEST_LRS in advice.warnings
    assert 1 == advice.profile


def test_leg_symptoms_without_loss_of_function_do_not_suggest_lrs() -> None:
    """Symptoms below the knee with a normal examination raise no LRS warning."""
    case = Case(symptoms_below_knee=True, neurological_exam=NeurologicalExam())
    assert AdviceWarning.FINDINGS_SUGGEST_LRS not in evaluate(case).warnings


# -- profiles ----------------------------------------------------------------------------------


def test_no_factors_is_profile_1_with_three_sessions() -> None:
    """No dominant factors: profile 1, at most three sessions."""
    advice = evaluate(PROFILE_1)
    assert (1, 3) == (advice.profile, advice.session_limit)


def test_non_dominant_factor_is_profile_2() -> None:
    """Some non-dominant factors: profile 2, no session limit."""
    advice = evaluate(PROFILE_2)
    assert (2, None) == (advice.profile, advice.session_limit)


@pytest.mark.parametrize("factor", list(PrognosticFactor))
def test_any_dominant_factor_is_profile_3(factor: PrognosticFactor) -> None:
    """A dominant factor of any group: profile 3."""
    advice = evaluate(Case(prognostic_factors={factor: FactorLevel.DOMINANT}))
    assert (3, None) == (advice.profile, advice.session_limit)


def test_several_non_dominant_factors_stay_profile_2() -> None:
    """Many non-dominant factors are still 'non-dominant': profile 2."""
    factors = {f: FactorLevel.NON_DOMINANT for f in PrognosticFactor}
    assert 2 == evaluate(Case(prognostic_factors=factors)).profile


@pytest.mark.parametrize(("sessions", "warned"), [(1, False), (2, False), (3, True), (4, True)])
def test_profile_1_session_limit_boundary(sessions: int, warned: bool) -> None:
    """Profile 1: with three sessions held, a further session exceeds the maximum of three."""
    advice = evaluate(follow_up(sessions_used=sessions))
    assert 3 == advice.session_limit
    assert warned == (AdviceWarning.SESSION_LIMIT_EXCEEDED in advice.warnings)


def test_session_limit_is_for_profile_1_only() -> None:
    """Profiles 2 and 3 have no session limit, so no warning after many sessions."""
    for factors in (NON_DOMINANT, DOMINANT_FEAR):
        advice = evaluate(follow_up(sessions_used=20, prognostic_factors=factors))
        assert None is advice.session_limit
        assert AdviceWarning.SESSION_LIMIT_EXCEEDED not in advice.warnings


@pytest.mark.parametrize(
    ("factors", "sbst", "profile", "warned"),
    [
        ({}, Sbst(total=3, psychosocial=3), 1, False),
        ({}, Sbst(total=4, psychosocial=0), 1, True),
        (NON_DOMINANT, Sbst(total=4, psychosocial=3), 2, False),
        (NON_DOMINANT, Sbst(total=3, psychosocial=0), 2, True),
        (NON_DOMINANT, Sbst(total=5, psychosocial=4), 2, True),
        (DOMINANT_FEAR, Sbst(total=4, psychosocial=4), 3, False),
        (DOMINANT_FEAR, Sbst(total=9, psychosocial=3), 3, True),
    ],
)
def test_sbst_warns_but_never_decides(
    factors: dict[PrognosticFactor, FactorLevel], sbst: Sbst, profile: int, warned: bool
) -> None:
    """The SBST never changes the profile; a disagreeing risk group only warns."""
    advice = evaluate(Case(prognostic_factors=factors, sbst=sbst))
    assert profile == advice.profile
    assert warned == (AdviceWarning.SBST_DISAGREES_WITH_PROFILE in advice.warnings)


# -- information and education ---------------------------------------------------------------

GENERAL_TOPICS = (
    EducationTopic.UNCLEAR_ORIGIN,
    EducationTopic.NO_UNDERLYING_RARE_CONDITION,
    EducationTopic.FREQUENT_AND_RECURRING,
    EducationTopic.HALF_RECOVERED_AFTER_THREE_MONTHS,
    EducationTopic.STAY_ACTIVE_AND_SELF_MANAGE,
)
LRS_TOPICS = (
    EducationTopic.LRS_NERVE_ROOT_AND_DISC,
    EducationTopic.LRS_RECOVERS_IN_THREE_MONTHS,
    EducationTopic.LRS_IMAGING_DECIDED_BY_GP,
    EducationTopic.LRS_CONSERVATIVE_FIRST_THREE_MONTHS,
    EducationTopic.LRS_MOVE_GUIDED_BY_PAIN,
    EducationTopic.LRS_REFERRAL_IF_NO_IMPROVEMENT,
)


def test_profile_1_education() -> None:
    """Profile 1 without factors: the general topics and the biopsychosocial model."""
    expected = (*GENERAL_TOPICS, EducationTopic.BIOPSYCHOSOCIAL_MODEL)
    assert expected == evaluate(PROFILE_1).education


def test_profile_2_education_mentions_the_prognostic_factors() -> None:
    """With prognostic factors present, explain that they can slow recovery."""
    expected = (
        *GENERAL_TOPICS,
        EducationTopic.PROGNOSTIC_FACTORS_SLOW_RECOVERY,
        EducationTopic.BIOPSYCHOSOCIAL_MODEL,
    )
    assert expected == evaluate(PROFILE_2).education


def test_profile_3_education() -> None:
    """Profile 3: the general topics and the prognostic factors, no 'explanation suffices'."""
    expected = (*GENERAL_TOPICS, EducationTopic.PROGNOSTIC_FACTORS_SLOW_RECOVERY)
    assert expected == evaluate(PROFILE_3).education


def test_treated_lrs_education_and_safety_net() -> None:
    """A treated LRS patient gets the general and the LRS topics and the safety-net advice."""
    advice = evaluate(Case(lrs=True))
    expected = (*GENERAL_TOPICS, EducationTopic.BIOPSYCHOSOCIAL_MODEL, *LRS_TOPICS)
    assert sorted(expected, key=list(EducationTopic).index) == list(advice.education)
    assert (
        SafetyNetTopic.SADDLE_NUMBNESS,
        SafetyNetTopic.LOSS_OF_BLADDER_OR_BOWEL_CONTROL,
        SafetyNetTopic.INCREASING_LEG_WEAKNESS,
    ) == advice.safety_net_advice


def test_no_safety_net_without_lrs() -> None:
    """The safety-net advice is for LRS patients."""
    assert () == evaluate(Case(symptoms_below_knee=True)).safety_net_advice


# -- exercise therapy ---------------------------------------------------------------------------


def test_profile_1_exercise() -> None:
    """Profile 1: consider instructions for independent exercise; no supervised therapy."""
    advice = evaluate(PROFILE_1)
    assert (Strength.CONSIDER, Strength.NOT_INDICATED) == strengths(
        advice, I.SELF_DIRECTED_EXERCISE, I.EXERCISE_THERAPY
    )
    assert (
        ExerciseGuidance.TAILOR_TO_PATIENT,
        ExerciseGuidance.GRADUAL_TIME_CONTINGENT,
    ) == advice.exercise_guidance


@pytest.mark.parametrize("case", [PROFILE_2, PROFILE_3], ids=["profile-2", "profile-3"])
def test_profile_2_and_3_exercise(case: Case) -> None:
    """Profiles 2 and 3: offer exercise therapy; tailor, grade, scale back the guidance."""
    advice = evaluate(case)
    assert (
        InterventionAdvice(Strength.OFFER, ("EXERCISE.PROFILE_2_3.OFFER",))
        == (advice.interventions[I.EXERCISE_THERAPY])
    )
    assert Strength.NOT_INDICATED == advice.strength(I.SELF_DIRECTED_EXERCISE)
    assert (
        ExerciseGuidance.TAILOR_TO_PATIENT,
        ExerciseGuidance.GRADUAL_TIME_CONTINGENT,
        ExerciseGuidance.SCALE_BACK_GUIDANCE,
    ) == advice.exercise_guidance


def test_lrs_profile_1_considers_exercise_therapy() -> None:
    """LRS with a need for assistance: consider exercise therapy, also in profile 1."""
    advice = evaluate(Case(lrs=True))
    assert (
        InterventionAdvice(Strength.CONSIDER, ("EXERCISE.LRS.CONSIDER",))
        == (advice.interventions[I.EXERCISE_THERAPY])
    )


@pytest.mark.parametrize(
    ("responsiveness", "guidance"),
    [
        (Responsiveness.HIGH, (ExerciseGuidance.PAIN_ALLEVIATION_FOCUS,)),
        (Responsiveness.MODERATE, (ExerciseGuidance.SHORT_PAIN_INCREASE_ACCEPTABLE,)),
        (Responsiveness.LOW, ()),
        (None, ()),
    ],
)
def test_lrs_responsiveness_guidance(
    responsiveness: Responsiveness | None, guidance: tuple[ExerciseGuidance, ...]
) -> None:
    """High responsiveness: focus on pain relief; moderate: short pain increase acceptable.

    An LRS patient moves guided by the pain, so never gets the time-contingent guidance.
    """
    advice = evaluate(Case(lrs=True, responsiveness=responsiveness))
    base = (ExerciseGuidance.TAILOR_TO_PATIENT,)
    assert (*base, *guidance) == advice.exercise_guidance


def test_severe_lrs_gets_no_exercise_guidance() -> None:
    """A referred (severe) LRS patient is not treated, so gets no exercise guidance."""
    advice = evaluate(Case(lrs=True, nprs=8, responsiveness=Responsiveness.HIGH))
    assert () == advice.exercise_guidance


def test_lrs_good_progress_expands_activities() -> None:
    """LRS with good progress at a follow-up: expand to the prior level in 6 to 12 weeks."""
    advice = evaluate(follow_up(lrs=True, weeks_since_start=4))
    assert ExerciseGuidance.EXPAND_TO_PRIOR_LEVEL_IN_6_TO_12_WEEKS in advice.exercise_guidance


# -- behaviour-oriented treatment ----------------------------------------------------------------


@pytest.mark.parametrize("case", [PROFILE_1, PROFILE_2], ids=["profile-1", "profile-2"])
def test_profiles_1_and_2_explanation_suffices(case: Case) -> None:
    """Profiles 1 and 2: explanation and the biopsychosocial model suffice."""
    advice = evaluate(case)
    assert (
        InterventionAdvice(Strength.NOT_INDICATED, ("BEHAVIOUR.PROFILE_1_2.EXPLANATION",))
        == (advice.interventions[I.BEHAVIOUR_ORIENTED_TREATMENT])
    )
    assert EducationTopic.BIOPSYCHOSOCIAL_MODEL in advice.education
    assert () == advice.behaviour_guidance


def test_profile_3_psychosocial_considers_personalised_behaviour_treatment() -> None:
    """Profile 3, dominant psychosocial factor: consider personalised behaviour treatment."""
    advice = evaluate(PROFILE_3)
    assert Strength.CONSIDER == advice.strength(I.BEHAVIOUR_ORIENTED_TREATMENT)
    assert (
        BehaviourGuidance.PERSONALISE_TO_PSYCHOSOCIAL_FACTORS,
        BehaviourGuidance.ALIGN_WITH_PATIENT_AND_OWN_SKILLS,
    ) == advice.behaviour_guidance


def test_profile_3_work_factor_considers_behaviour_treatment_unpersonalised() -> None:
    """Profile 3 from a dominant work factor: consider behaviour treatment, not personalised."""
    advice = evaluate(Case(prognostic_factors=DOMINANT_WORK))
    assert Strength.CONSIDER == advice.strength(I.BEHAVIOUR_ORIENTED_TREATMENT)
    assert (BehaviourGuidance.ALIGN_WITH_PATIENT_AND_OWN_SKILLS,) == advice.behaviour_guidance


# -- passive interventions -------------------------------------------------------------------------


def test_profile_1_no_passive_interventions() -> None:
    """Profile 1: do not perform manipulation, mobilisation, massage, TENS or interference."""
    case = Case(mechanical_problem=True, massage_criteria=ALL_CRITERIA)
    assert (Strength.DO_NOT,) * 5 == strengths(evaluate(case), *NON_EXERCISE)


@pytest.mark.parametrize("factors", [NON_DOMINANT, DOMINANT_FEAR], ids=["profile-2", "profile-3"])
def test_profile_2_3_mechanical_problem_considers_mobilisation(
    factors: dict[PrognosticFactor, FactorLevel],
) -> None:
    """Profiles 2 and 3 with a mechanical problem: consider mobilisation and manipulation."""
    advice = evaluate(Case(prognostic_factors=factors, mechanical_problem=True))
    assert (Strength.CONSIDER, Strength.CONSIDER) == strengths(
        advice, I.MOBILISATION, I.MANIPULATION
    )


def test_profile_2_without_mechanical_problem_mobilisation_not_indicated() -> None:
    """Without a mechanical problem the text says nothing: mobilisation stays not indicated."""
    advice = evaluate(Case(prognostic_factors=NON_DOMINANT))
    assert (Strength.NOT_INDICATED, Strength.NOT_INDICATED) == strengths(
        advice, I.MOBILISATION, I.MANIPULATION
    )


def test_profile_2_massage_with_all_five_conditions() -> None:
    """Profiles 2 and 3: massage may be applied when all five conditions hold."""
    advice = evaluate(Case(prognostic_factors=DOMINANT_FEAR, massage_criteria=ALL_CRITERIA))
    assert (
        InterventionAdvice(Strength.CONSIDER, ("PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",))
        == (advice.interventions[I.MASSAGE])
    )


@pytest.mark.parametrize("missing", list(MassageCriterion))
def test_profile_2_massage_missing_one_condition(missing: MassageCriterion) -> None:
    """'Only apply massage if' all five hold: one missing condition forbids massage."""
    case = Case(prognostic_factors=NON_DOMINANT, massage_criteria=ALL_CRITERIA - {missing})
    assert Strength.DO_NOT == evaluate(case).strength(I.MASSAGE)


def test_profile_2_3_no_tens_or_interference() -> None:
    """Profiles 2 and 3: do not apply TENS or interference."""
    for case in (PROFILE_2, PROFILE_3):
        assert (Strength.DO_NOT, Strength.DO_NOT) == strengths(
            evaluate(case), I.TENS, I.INTERFERENCE
        )


def test_lrs_profile_2_passive_interventions() -> None:
    """LRS: no massage, TENS or interference; preferably no mobilisation or manipulation."""
    case = Case(
        lrs=True,
        prognostic_factors=NON_DOMINANT,
        mechanical_problem=True,
        massage_criteria=ALL_CRITERIA,
    )
    assert (
        Strength.PREFERABLY_NOT,
        Strength.PREFERABLY_NOT,
        Strength.DO_NOT,
        Strength.DO_NOT,
        Strength.DO_NOT,
    ) == strengths(evaluate(case), *NON_EXERCISE)


def test_exercise_therapist_without_competencies_profile_2() -> None:
    """An exercise therapist without additional competencies: no non-exercise interventions."""
    case = Case(
        discipline=Discipline.EXERCISE_THERAPIST,
        prognostic_factors=NON_DOMINANT,
        mechanical_problem=True,
        massage_criteria=ALL_CRITERIA,
    )
    advice = evaluate(case)
    assert (Strength.DO_NOT,) * 5 == strengths(advice, *NON_EXERCISE)
    assert Strength.OFFER == advice.strength(I.EXERCISE_THERAPY)


def test_exercise_therapist_with_competencies_profile_2() -> None:
    """Trained in the additional competencies, the exercise therapist follows the profile."""
    case = Case(
        discipline=Discipline.EXERCISE_THERAPIST,
        additional_competencies=True,
        prognostic_factors=NON_DOMINANT,
        mechanical_problem=True,
        massage_criteria=ALL_CRITERIA,
    )
    assert (
        Strength.CONSIDER,
        Strength.CONSIDER,
        Strength.CONSIDER,
        Strength.DO_NOT,
        Strength.DO_NOT,
    ) == strengths(evaluate(case), *NON_EXERCISE)


# -- evaluation and referral ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "window"),
    [(PROFILE_1, Window(3, None)), (PROFILE_2, Window(3, 6)), (PROFILE_3, Window(6, 12))],
    ids=["profile-1", "profile-2", "profile-3"],
)
def test_reevaluation_windows(case: Case, window: Window) -> None:
    """Re-evaluate at least after 3 weeks (1), after 3-6 weeks (2), after 6-12 weeks (3)."""
    assert window == evaluate(case).reevaluation_after_weeks


def test_no_reevaluation_without_profile() -> None:
    """A referred patient is not scheduled for re-evaluation."""
    assert None is evaluate(Case(red_flags={RedFlag.FRACTURE})).reevaluation_after_weeks


@pytest.mark.parametrize("factors", [{}, NON_DOMINANT], ids=["profile-1", "profile-2"])
@pytest.mark.parametrize(
    ("weeks", "actions", "referral"),
    [
        (2, (), None),
        (
            3,
            (EvaluationAction.REPEAT_RISK_EVALUATION,),
            NOT_STATED,
        ),
    ],
)
def test_profile_1_2_week_3_boundary(
    factors: dict[PrognosticFactor, FactorLevel],
    weeks: int,
    actions: tuple[EvaluationAction, ...],
    referral: Referral | None,
) -> None:
    """Profiles 1-2, inadequate decrease, nothing new: re-evaluate and refer from week 3.

    The referral replaces the treatment, so the therapist is not asked to consider
    adjusting it, and therapy is no longer indicated; the profile is still reported.
    """
    nothing_new = {"reevaluation_new_insights": False, "adjustment_expected_to_suffice": False}
    advice = evaluate(inadequate(weeks, prognostic_factors=factors, **nothing_new))
    assert (actions, referral) == (advice.evaluation_actions, advice.referral)
    assert (len(factors) + 1, referral is None) == (
        advice.profile,
        advice.physiotherapy_indicated,
    )


@pytest.mark.parametrize(
    "answers",
    [
        {"reevaluation_new_insights": True},
        {"adjustment_expected_to_suffice": True},
        {"reevaluation_new_insights": False},
        {"adjustment_expected_to_suffice": False},
        {},
    ],
    ids=["new-insights", "adjustment-suffices", "one-unanswered", "other-unanswered", "none"],
)
def test_profile_1_2_no_referral_when_something_can_still_be_done(answers: dict[str, bool]) -> None:
    """No referral while something can still be done, or the re-evaluation is not done.

    That is: new insights, an adjustment expected to suffice, or a question not yet
    answered. The therapist is asked to consider adjusting.
    """
    advice = evaluate(inadequate(4, prognostic_factors=NON_DOMINANT, **answers))
    assert None is advice.referral
    assert EvaluationAction.CONSIDER_ADJUSTING_PROFILE in advice.evaluation_actions


def test_adequate_decrease_needs_no_reevaluation_action() -> None:
    """With an adequate decrease of complaints nothing is repeated and no one is referred."""
    advice = evaluate(follow_up(weeks_since_start=8, prognostic_factors=NON_DOMINANT))
    assert ((), None, False) == (
        advice.evaluation_actions,
        advice.referral,
        advice.consult_general_practitioner,
    )


@pytest.mark.parametrize(
    ("weeks", "actions", "consult"),
    [(5, (), False), (6, (EvaluationAction.REPEAT_RISK_EVALUATION,), True)],
)
def test_profile_3_week_6_boundary(
    weeks: int, actions: tuple[EvaluationAction, ...], consult: bool
) -> None:
    """Profile 3: re-evaluate and contact the GP after six weeks of inadequate decrease."""
    advice = evaluate(inadequate(weeks, prognostic_factors=DOMINANT_FEAR))
    assert (actions, consult, None) == (
        advice.evaluation_actions,
        advice.consult_general_practitioner,
        advice.referral,
    )


@pytest.mark.parametrize(
    ("weeks", "referral", "actions"),
    [
        (11, None, (EvaluationAction.REPEAT_RISK_EVALUATION,)),
        (
            12,
            NOT_STATED,
            (
                EvaluationAction.REPEAT_RISK_EVALUATION,
                EvaluationAction.DISCUSS_NEXT_PHASE_WITH_GP,
            ),
        ),
    ],
)
def test_profile_3_week_12_boundary(
    weeks: int, referral: Referral | None, actions: tuple[EvaluationAction, ...]
) -> None:
    """Profile 3: refer after 12 weeks of inadequate decrease and discuss the next phase."""
    advice = evaluate(inadequate(weeks, prognostic_factors=DOMINANT_FEAR))
    assert (referral, actions, True, 3) == (
        advice.referral,
        advice.evaluation_actions,
        advice.consult_general_practitioner,
        advice.profile,
    )


@pytest.mark.parametrize(("weeks", "referral"), [(5, None), (6, NOT_STATED), (8, NOT_STATED)])
def test_lrs_persistent_week_6_boundary(weeks: int, referral: Referral | None) -> None:
    """LRS: refer when complaints persist from six to eight weeks with insufficient relief."""
    case = inadequate(weeks, lrs=True, reevaluation_new_insights=True)
    assert referral == evaluate(case).referral


def test_lrs_persistent_needs_inadequate_decrease() -> None:
    """LRS at week 8 with an adequate decrease is not referred."""
    assert None is evaluate(follow_up(lrs=True, weeks_since_start=8)).referral


def test_lrs_medication_doubt_is_referred_alongside_treatment() -> None:
    """LRS: refer if the medication dose may be too low; the treatment goes on beside it."""
    advice = evaluate(follow_up(lrs=True, medication_dose_doubt=True))
    assert (ALONGSIDE, 1, True, Strength.CONSIDER, Window(3, None)) == (
        advice.referral,
        advice.profile,
        advice.physiotherapy_indicated,
        advice.strength(I.EXERCISE_THERAPY),
        advice.reevaluation_after_weeks,
    )


def test_lrs_medication_doubt_is_referred_at_the_initial_consultation() -> None:
    """The medication sentence has no time condition: the doubt counts at the first visit."""
    advice = evaluate(Case(lrs=True, medication_dose_doubt=True))
    assert (ALONGSIDE, RECHECK) == (advice.referral, advice.recheck_after_days)


def test_medication_doubt_without_lrs_is_not_referred() -> None:
    """The medication-dose referral is for LRS only."""
    assert None is evaluate(follow_up(medication_dose_doubt=True)).referral


# -- every declared resolution, on a case where its collision occurs ------------------------------


def test_resolution_profile_2_over_1() -> None:
    """Only non-dominant factors: profile 2 wins over profile 1."""
    advice = evaluate(PROFILE_2)
    assert 2 == advice.profile
    assert (applied("RES.PROFILE_2_OVER_1", "PROFILE.2", "PROFILE.1", "profile"),) == (
        advice.resolutions
    )


def test_resolution_profile_3_over_2() -> None:
    """Dominant and non-dominant factors: profile 3 wins over profile 2."""
    advice = evaluate(Case(prognostic_factors={**NON_DOMINANT, **DOMINANT_FEAR}))
    assert 3 == advice.profile
    assert (applied("RES.PROFILE_3_OVER_2", "PROFILE.3", "PROFILE.2", "profile"),) == (
        advice.resolutions
    )


def test_resolution_most_urgent_referral_lrs_severe_motor_deficit() -> None:
    """LRS with MRC 3: the immediate (emergency) referral wins over the one of no urgency."""
    advice = evaluate(Case(lrs=True, neurological_exam=NeurologicalExam(mrc_lowest=3)))
    assert IMMEDIATE == advice.referral
    assert (
        applied("RES.MOST_URGENT_REFERRAL", "EMERGENCY.REFER", "LRS.REFER.SEVERE", "referral"),
        applied("RES.MOST_URGENT_REFERRAL", "EMERGENCY.REFER", "LRS.REFER.SEVERE", "referral_mode"),
    ) == advice.resolutions


def test_resolution_most_urgent_referral_red_flag_and_saddle_numbness() -> None:
    """A red flag with saddle numbness: the immediate referral wins over the one of no urgency."""
    case = Case(
        red_flags={RedFlag.TUMOUR},
        neurological_emergency_signs={EmergencySign.SADDLE_NUMBNESS},
    )
    advice = evaluate(case)
    assert IMMEDIATE == advice.referral
    assert (
        applied(
            "RES.MOST_URGENT_REFERRAL",
            "EMERGENCY.REFER.SAFETY_NET_SIGNS",
            "REDFLAG.REFER",
            "referral",
        ),
        applied(
            "RES.MOST_URGENT_REFERRAL",
            "EMERGENCY.REFER.SAFETY_NET_SIGNS",
            "REDFLAG.REFER",
            "referral_mode",
        ),
    ) == advice.resolutions


def test_resolution_most_urgent_referral_at_a_follow_up() -> None:
    """LRS persisting at week 6 with urine retention: immediate wins over the routine referral."""
    case = inadequate(6, lrs=True, neurological_emergency_signs={EmergencySign.URINE_RETENTION})
    advice = evaluate(case)
    assert IMMEDIATE == advice.referral
    assert (
        applied("RES.MOST_URGENT_REFERRAL", "EMERGENCY.REFER", "EVAL.LRS.PERSISTENT", "referral")
        in advice.resolutions
    )


def test_resolution_lrs_exercise() -> None:
    """LRS in profile 2: 'consider' exercise therapy (LRS row) wins over 'offer' (profile row)."""
    advice = evaluate(Case(lrs=True, prognostic_factors=NON_DOMINANT))
    assert (
        InterventionAdvice(Strength.CONSIDER, ("EXERCISE.LRS.CONSIDER",))
        == (advice.interventions[I.EXERCISE_THERAPY])
    )
    assert (
        applied(
            "RES.LRS_EXERCISE",
            "EXERCISE.LRS.CONSIDER",
            "EXERCISE.PROFILE_2_3.OFFER",
            "interventions.exercise_therapy",
        )
        in advice.resolutions
    )


def test_resolution_lrs_over_profile_mobilisation() -> None:
    """LRS in profile 3 with a mechanical problem: 'preferably not' wins over 'consider'."""
    case = Case(lrs=True, prognostic_factors=DOMINANT_FEAR, mechanical_problem=True)
    advice = evaluate(case)
    assert (Strength.PREFERABLY_NOT, Strength.PREFERABLY_NOT) == strengths(
        advice, I.MOBILISATION, I.MANIPULATION
    )
    for slot in ("interventions.mobilisation", "interventions.manipulation"):
        assert (
            applied(
                "RES.LRS_OVER_PROFILE_MOBILISATION",
                "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
                "PASSIVE.PROFILE_2_3.MOBILISATION",
                slot,
            )
            in advice.resolutions
        )


def test_resolution_lrs_over_profile_massage() -> None:
    """LRS in profile 2 with all five massage conditions: 'do not' wins over 'consider'."""
    case = Case(lrs=True, prognostic_factors=NON_DOMINANT, massage_criteria=ALL_CRITERIA)
    advice = evaluate(case)
    assert (
        InterventionAdvice(Strength.DO_NOT, ("PASSIVE.LRS.NO_MASSAGE_TENS",))
        == (advice.interventions[I.MASSAGE])
    )
    assert (
        applied(
            "RES.LRS_OVER_PROFILE_MASSAGE",
            "PASSIVE.LRS.NO_MASSAGE_TENS",
            "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",
            "interventions.massage",
        )
        in advice.resolutions
    )


def test_resolution_profile_1_over_lrs_mobilisation() -> None:
    """LRS in profile 1: 'do not' (profile 1) wins over 'preferably not' (LRS)."""
    advice = evaluate(Case(lrs=True))
    assert (
        InterventionAdvice(Strength.DO_NOT, ("PASSIVE.PROFILE_1.DO_NOT",))
        == (advice.interventions[I.MOBILISATION])
    )
    assert Strength.DO_NOT == advice.strength(I.MANIPULATION)
    for slot in ("interventions.mobilisation", "interventions.manipulation"):
        assert (
            applied(
                "RES.PROFILE_1_OVER_LRS_MOBILISATION",
                "PASSIVE.PROFILE_1.DO_NOT",
                "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
                slot,
            )
            in advice.resolutions
        )


def test_resolution_competency_limit() -> None:
    """Exercise therapist without competencies: 'do not' wins over the profile's 'consider'."""
    case = Case(
        discipline=Discipline.EXERCISE_THERAPIST,
        prognostic_factors=NON_DOMINANT,
        mechanical_problem=True,
        massage_criteria=ALL_CRITERIA,
    )
    advice = evaluate(case)
    assert (Strength.DO_NOT,) * 3 == strengths(advice, I.MOBILISATION, I.MANIPULATION, I.MASSAGE)
    expected = {
        applied(
            "RES.COMPETENCY_LIMIT",
            "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
            "PASSIVE.PROFILE_2_3.MOBILISATION",
            "interventions.mobilisation",
        ),
        applied(
            "RES.COMPETENCY_LIMIT",
            "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
            "PASSIVE.PROFILE_2_3.MOBILISATION",
            "interventions.manipulation",
        ),
        applied(
            "RES.COMPETENCY_LIMIT",
            "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
            "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",
            "interventions.massage",
        ),
    }
    assert expected <= set(advice.resolutions)


def test_resolution_competency_limit_over_lrs() -> None:
    """Exercise therapist without competencies, LRS in profile 2: 'do not' over 'preferably not'."""
    case = Case(
        discipline=Discipline.EXERCISE_THERAPIST,
        lrs=True,
        prognostic_factors=NON_DOMINANT,
    )
    advice = evaluate(case)
    assert (Strength.DO_NOT, Strength.DO_NOT) == strengths(advice, I.MOBILISATION, I.MANIPULATION)
    assert (
        applied(
            "RES.COMPETENCY_LIMIT",
            "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
            "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
            "interventions.mobilisation",
        )
        in advice.resolutions
    )


def test_every_resolution_is_exercised_above() -> None:
    """The resolution tests above cover every declared resolution."""
    covered = {
        "RES.PROFILE_2_OVER_1",
        "RES.PROFILE_3_OVER_2",
        "RES.MOST_URGENT_REFERRAL",
        "RES.LRS_EXERCISE",
        "RES.LRS_OVER_PROFILE_MOBILISATION",
        "RES.LRS_OVER_PROFILE_MASSAGE",
        "RES.PROFILE_1_OVER_LRS_MOBILISATION",
        "RES.COMPETENCY_LIMIT",
        "RES.REFERRAL_INSTEAD_OVER_ALONGSIDE",
        "RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",
    }
    assert covered == {r.id for r in GUIDELINE.resolutions}


def test_no_resolution_on_a_plain_case() -> None:
    """A plain profile-1 patient triggers no collision and no resolution."""
    assert () == evaluate(PROFILE_1).resolutions


# -- clinical expectations a physiotherapist would check ------------------------------------------


@given(cases())
def test_red_flag_patient_gets_no_permitted_intervention(case: Case) -> None:
    """Whatever else is true, a patient with a red flag gets nothing permitted."""
    flagged = attrs.evolve(case, red_flags=case.red_flags | {RedFlag.FRACTURE})
    advice = evaluate(flagged)
    assert [] == [i for i in I if advice.strength(i).permits]
    assert advice.referral is not None


@given(cases())
def test_exercise_therapist_without_competencies_never_gets_passive_care(case: Case) -> None:
    """Exercise therapist without competencies: mobilisation etc. never above not indicated."""
    mine = attrs.evolve(
        case, discipline=Discipline.EXERCISE_THERAPIST, additional_competencies=False
    )
    advice = evaluate(mine)
    for i in (I.MOBILISATION, I.MANIPULATION, I.MASSAGE):
        assert advice.strength(i) <= Strength.NOT_INDICATED


@given(cases(lrs=True))
def test_lrs_never_gets_massage_tens_or_interference(case: Case) -> None:
    """LRS: massage, TENS and interference are never permitted."""
    advice = evaluate(case)
    for i in (I.MASSAGE, I.TENS, I.INTERFERENCE):
        assert not advice.strength(i).permits


@given(cases())
def test_profile_1_always_has_session_limit_3(case: Case) -> None:
    """Treated profile 1 always has a limit of three sessions, and only it does."""
    advice = evaluate(case)
    instead = (
        advice.referral is not None and advice.referral.mode is ReferralMode.INSTEAD_OF_TREATMENT
    )
    assert (advice.profile == 1 and not instead) == (advice.session_limit == 3)
    assert advice.session_limit in (None, 3)


@given(cases())
def test_tens_and_interference_never_permitted(case: Case) -> None:
    """TENS and interference are never permitted, for any patient or therapist."""
    advice = evaluate(case)
    assert (False, False) == (
        advice.strength(I.TENS).permits,
        advice.strength(I.INTERFERENCE).permits,
    )


@given(cases())
def test_profile_1_never_gets_passive_care(case: Case) -> None:
    """Profile 1 is told not to mobilise, manipulate or massage; referred instead, nothing."""
    advice = evaluate(case)
    if advice.profile == 1:
        expected = Strength.NOT_INDICATED if _instead(advice) else Strength.DO_NOT
        assert (expected,) * 5 == strengths(advice, *NON_EXERCISE)


def test_lrs_referred_instead_of_treatment_is_not_also_rechecked() -> None:
    """'Check other patients with LRS': a patient referred instead of treated is not 'other'."""
    advice = evaluate(inadequate(6, lrs=True, lrs_diagnosed_earlier=False))
    assert (NOT_STATED, None) == (advice.referral, advice.recheck_after_days)


@pytest.mark.parametrize(
    ("case", "recheck"),
    [
        (Case(lrs=True), RECHECK),
        (inadequate(5, lrs=True, lrs_diagnosed_earlier=True), None),
        (follow_up(lrs=True, lrs_diagnosed_earlier=True), None),
        (inadequate(5, lrs=True, lrs_diagnosed_earlier=False), RECHECK),
    ],
    ids=["initial", "follow-up-known-lrs", "recovering-known-lrs", "lrs-new-at-follow-up"],
)
def test_lrs_is_rechecked_once_where_it_is_diagnosed(case: Case, recheck: Window | None) -> None:
    """The 2-4 day check follows the examination that establishes LRS: once, not every visit."""
    assert recheck == evaluate(case).recheck_after_days


# -- the readings of the evaluation and referral rows, on both sides -------------------------------


def _instead(advice: Advice) -> bool:
    return advice.referral is not None and advice.referral.mode is ReferralMode.INSTEAD_OF_TREATMENT


def _treatment_plan(advice: Advice) -> tuple[object, ...]:
    """What a treatment plan consists of: indication, permitted care, limits and windows."""
    return (
        advice.physiotherapy_indicated,
        tuple(i for i in I if advice.strength(i).permits),
        advice.session_limit,
        advice.recheck_after_days,
        advice.reevaluation_after_weeks,
        advice.lrs_evaluation_after_weeks,
    )


NO_PLAN = (False, (), None, None, None, None)
NOTHING_NEW = {"reevaluation_new_insights": False, "adjustment_expected_to_suffice": False}


@pytest.mark.parametrize(
    ("case", "profile"),
    [
        (inadequate(3, **NOTHING_NEW), 1),
        (inadequate(4, prognostic_factors=NON_DOMINANT, **NOTHING_NEW), 2),
        (inadequate(12, prognostic_factors=DOMINANT_FEAR), 3),
        (inadequate(7, lrs=True, prognostic_factors=NON_DOMINANT), 2),
    ],
    ids=["profile-1", "profile-2", "profile-3-week-12", "lrs-week-7"],
)
def test_a_referral_for_failed_treatment_replaces_the_treatment(case: Case, profile: int) -> None:
    """Referred because the treatment has not helped: no treatment plan, profile still given."""
    advice = evaluate(case)
    assert (True, profile, NO_PLAN) == (_instead(advice), advice.profile, _treatment_plan(advice))


def test_profile_3_referral_keeps_the_consultation_about_the_next_phase() -> None:
    """'... and consult about the next phase in the gradual approach' stays in the advice."""
    advice = evaluate(inadequate(12, prognostic_factors=DOMINANT_FEAR))
    assert EvaluationAction.DISCUSS_NEXT_PHASE_WITH_GP in advice.evaluation_actions


def test_a_patient_still_treated_keeps_the_plan() -> None:
    """The other side: profile 2 at week 4 with new insights is not referred and keeps the plan."""
    advice = evaluate(
        inadequate(4, prognostic_factors=NON_DOMINANT, reevaluation_new_insights=True)
    )
    assert (None, True, Strength.OFFER, Window(3, 6)) == (
        advice.referral,
        advice.physiotherapy_indicated,
        advice.strength(I.EXERCISE_THERAPY),
        advice.reevaluation_after_weeks,
    )


def test_resolution_referral_instead_over_alongside() -> None:
    """Medication doubt with persisting LRS: the referral replaces the treatment."""
    advice = evaluate(inadequate(6, lrs=True, medication_dose_doubt=True))
    assert (NOT_STATED, NO_PLAN) == (advice.referral, _treatment_plan(advice))
    assert (
        applied(
            "RES.REFERRAL_INSTEAD_OVER_ALONGSIDE",
            "EVAL.LRS.PERSISTENT",
            "EVAL.LRS.MEDICATION_DOUBT",
            "referral_mode",
        )
        in advice.resolutions
    )


@pytest.mark.parametrize("flag", list(RedFlag))
def test_red_flag_urgency_is_not_stated(flag: RedFlag) -> None:
    """No urgency is given for a fracture, infection, tumour or inflammation: none invented."""
    assert NOT_STATED == evaluate(Case(red_flags={flag})).referral


def test_severe_lrs_pain_urgency_is_not_stated() -> None:
    """Severe LRS by NPRS 8: the text states no urgency, and none is invented."""
    assert (Urgency.NOT_STATED, ReferralMode.INSTEAD_OF_TREATMENT) == (
        evaluate(Case(lrs=True, nprs=8)).referral.urgency,  # type: ignore[union-attr]
        evaluate(Case(lrs=True, nprs=8)).referral.mode,  # type: ignore[union-attr]
    )


def test_resolution_lrs_pain_guided_over_time_contingent() -> None:
    """LRS: the pain-guided advice wins; without LRS the time-contingent guidance stays."""
    lrs = evaluate(Case(lrs=True, responsiveness=Responsiveness.HIGH))
    plain = evaluate(Case())
    assert (False, True) == (
        ExerciseGuidance.GRADUAL_TIME_CONTINGENT in lrs.exercise_guidance,
        ExerciseGuidance.GRADUAL_TIME_CONTINGENT in plain.exercise_guidance,
    )
    assert (
        applied(
            "RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",
            "EXERCISE.LRS.HIGH_RESPONSIVENESS",
            "EXERCISE.TYPE.GRADUAL",
            "exercise_guidance",
        )
        in lrs.resolutions
    )


def test_literally_lrs_gets_time_and_pain_contingent_guidance_at_once() -> None:
    """The literal text gives an LRS patient both: the collision the resolution decides."""
    advice = evaluate(Case(lrs=True, responsiveness=Responsiveness.HIGH), GUIDELINE.literal())
    assert {ExerciseGuidance.GRADUAL_TIME_CONTINGENT, ExerciseGuidance.PAIN_ALLEVIATION_FOCUS} <= (
        set(advice.exercise_guidance)
    )


@pytest.mark.parametrize(
    ("case", "window"),
    [
        (Case(lrs=True), Window(6, 8)),
        (follow_up(lrs=True, medication_dose_doubt=True), Window(6, 8)),
        (Case(), None),
        (Case(lrs=True, nprs=8), None),
        (inadequate(7, lrs=True), None),
    ],
    ids=["treated-lrs", "alongside-referral", "no-lrs", "severe-lrs", "referred-at-week-7"],
)
def test_treated_lrs_is_evaluated_in_weeks_6_to_8(case: Case, window: Window | None) -> None:
    """A treated LRS patient gets the evaluation in weeks 6-8 of the complaints; others not."""
    assert window == evaluate(case).lrs_evaluation_after_weeks


@pytest.mark.parametrize(
    ("case", "referred"),
    [
        (inadequate(5, lrs=True, complaint_duration_weeks=6), True),
        (inadequate(5, lrs=True, complaint_duration_weeks=5), False),
        (inadequate(6, lrs=True), True),
        (inadequate(5, lrs=True), False),
        (Case(lrs=True, complaint_duration_weeks=6, pain_alleviation=Improvement.INADEQUATE), True),
        (
            Case(lrs=True, complaint_duration_weeks=5, pain_alleviation=Improvement.INADEQUATE),
            False,
        ),
    ],
    ids=[
        "complaints-6-weeks-treatment-5",
        "complaints-5-weeks",
        "duration-unknown-treatment-6",
        "duration-unknown-treatment-5",
        "initial-visit-6-weeks",
        "initial-visit-5-weeks",
    ],
)
def test_lrs_weeks_are_weeks_of_complaints(case: Case, referred: bool) -> None:
    """'Persist from six to eight weeks' counts the weeks the complaints have lasted."""
    assert referred == (evaluate(case).referral is not None)


@pytest.mark.parametrize(
    ("pain", "function", "referred"),
    [
        (Improvement.ADEQUATE, Improvement.INADEQUATE, True),
        (Improvement.INADEQUATE, Improvement.ADEQUATE, True),
        (Improvement.ADEQUATE, Improvement.ADEQUATE, False),
        (None, None, False),
    ],
)
def test_lrs_pain_and_or_loss_of_function(
    pain: Improvement | None, function: Improvement | None, referred: bool
) -> None:
    """'Insufficient alleviation of pain and/or decrease of loss of function': either suffices.

    At week 7 of the complaints, with the complaints as a whole judged adequate.
    """
    case = follow_up(
        lrs=True,
        weeks_since_start=5,
        complaint_duration_weeks=7,
        pain_alleviation=pain,
        loss_of_function_decrease=function,
    )
    assert referred == (evaluate(case).referral is not None)


def test_extensor_plantar_response_is_a_pyramidal_sign() -> None:
    """A Babinski response is a possible neurological emergency: immediate referral."""
    advice = evaluate(exam(extensor_plantar_response=True))
    assert (IMMEDIATE, (ExamComponent.REFLEXES,)) == (
        advice.referral,
        advice.neurological_examination.positive_findings,
    )


def test_diminished_tendon_reflex_is_not_an_emergency() -> None:
    """A diminished Achilles or knee reflex is a finding of LRS, not an emergency."""
    advice = evaluate(exam(diminished_tendon_reflexes=True))
    assert (None, (ExamComponent.REFLEXES,)) == (
        advice.referral,
        advice.neurological_examination.positive_findings,
    )


@pytest.mark.parametrize(
    ("case", "warned"),
    [
        (Case(nprs=8), True),
        (Case(nprs=7), False),
        (
            Case(
                nprs=9,
                prognostic_factors={PrognosticFactor.HIGH_PAIN_INTENSITY: FactorLevel.NON_DOMINANT},
            ),
            False,
        ),
    ],
    ids=["nprs-8-no-factor", "nprs-7", "nprs-9-with-factor"],
)
def test_severe_pain_without_the_pain_factor_warns(case: Case, warned: bool) -> None:
    """NPRS 8 or more without 'high intensity of pain' warns; the profile stays as it is."""
    advice = evaluate(case)
    assert (warned, len(case.prognostic_factors) + 1) == (
        AdviceWarning.SEVERE_PAIN_WITHOUT_PAIN_FACTOR in advice.warnings,
        advice.profile,
    )


@pytest.mark.parametrize(
    ("factors", "warned", "profile"),
    [({}, True, 1), ({PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT}, False, 3)],
)
def test_lrs_without_the_leg_pain_factor_warns(
    factors: dict[PrognosticFactor, FactorLevel], warned: bool, profile: int
) -> None:
    """LRS without 'pain in the leg' warns and keeps profile 1: the factors decide."""
    advice = evaluate(Case(lrs=True, prognostic_factors=factors))
    assert (warned, profile) == (
        AdviceWarning.LRS_WITHOUT_LEG_PAIN_FACTOR in advice.warnings,
        advice.profile,
    )
