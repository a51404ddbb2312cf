"""Every closed vocabulary of the case and the advice, as enums.

The values are the public JSON spelling of the contract (see ``docs/``): vendors
send and receive exactly these strings. Change one only with a new contract
version and a line in ``CHANGELOG.md``.
"""

from __future__ import annotations

import enum
from functools import total_ordering

__all__ = [
    "EXCLUSIVE_GUIDANCE",
    "AdviceWarning",
    "BehaviourGuidance",
    "Consultation",
    "Discipline",
    "EducationTopic",
    "EmergencySign",
    "EvaluationAction",
    "ExamComponent",
    "ExerciseGuidance",
    "FactorGroup",
    "FactorLevel",
    "Improvement",
    "Intervention",
    "MassageCriterion",
    "PrognosticFactor",
    "RedFlag",
    "ReferralMode",
    "ReferralTarget",
    "Responsiveness",
    "SafetyNetTopic",
    "Section",
    "Strength",
    "Urgency",
    "Vocabulary",
]


class Vocabulary(enum.Enum):
    """Base of every vocabulary enum.

    Members are singletons compared by identity, so they hash by identity too:
    the C-level ``object.__hash__`` instead of ``Enum.__hash__`` (a Python-level
    function that hashes the name), which makes set and dict look-ups in the
    evaluator several times faster. Hashes are not stable across processes,
    which nothing relies on (string hashes are not either).
    """

    __hash__ = object.__hash__


class Consultation(Vocabulary):
    """Which consultation of the episode the case describes."""

    INITIAL = "initial"
    FOLLOW_UP = "follow_up"


class Discipline(Vocabulary):
    """The profession of the therapist who sees the patient."""

    PHYSICAL_THERAPIST = "physical_therapist"
    EXERCISE_THERAPIST = "exercise_therapist"
    """Exercise therapist Cesar/Mensendieck."""


class RedFlag(Vocabulary):
    """Signs that could indicate a specific underlying condition."""

    FRACTURE = "fracture"
    INFECTION = "infection"
    TUMOUR = "tumour"
    INFLAMMATORY_CONDITION = "inflammatory_condition"


class EmergencySign(Vocabulary):
    """Possible signs of a neurological emergency, as reported or observed.

    Severe motor deficit (MRC <= 3) is not listed here: it is read from
    ``neurological_exam.mrc_lowest`` so that one finding is never entered twice.
    """

    URINE_RETENTION = "urine_retention"
    FAECAL_INCONTINENCE = "faecal_incontinence"
    URINARY_INCONTINENCE = "urinary_incontinence"
    WIDESPREAD_NEUROLOGICAL_SYMPTOMS = "widespread_neurological_symptoms"
    SADDLE_NUMBNESS = "saddle_numbness"
    INCREASING_LEG_WEAKNESS = "increasing_leg_weakness"


class FactorGroup(Vocabulary):
    """The four groups in which the guideline lists the prognostic factors."""

    BACK_PAIN = "back_pain"
    WORK = "work"
    PATIENT = "patient"
    PSYCHOSOCIAL = "psychosocial"


class PrognosticFactor(Vocabulary):
    """Prognostic factors for persistent low back pain and LRS."""

    PREVIOUS_EPISODES = "previous_episodes"
    HIGH_ACTIVITY_LIMITATION = "high_activity_limitation"
    LEG_PAIN = "leg_pain"
    HIGH_PAIN_INTENSITY = "high_pain_intensity"
    HIGH_PHYSICAL_WORK_LOAD = "high_physical_work_load"
    POOR_COLLEAGUE_RELATIONSHIPS = "poor_colleague_relationships"
    LOW_JOB_SATISFACTION = "low_job_satisfaction"
    POOR_GENERAL_HEALTH = "poor_general_health"
    PSYCHOLOGICAL_STRESS = "psychological_stress"
    FEAR_OF_MOVEMENT = "fear_of_movement"
    DEPRESSIVE_SYMPTOMS = "depressive_symptoms"
    PASSIVE_COPING = "passive_coping"
    NEGATIVE_RECOVERY_EXPECTATIONS = "negative_recovery_expectations"

    @property
    def group(self) -> FactorGroup:
        """The group the guideline lists this factor under."""
        return _FACTOR_GROUPS[self]


_FACTOR_GROUPS = {
    PrognosticFactor.PREVIOUS_EPISODES: FactorGroup.BACK_PAIN,
    PrognosticFactor.HIGH_ACTIVITY_LIMITATION: FactorGroup.BACK_PAIN,
    PrognosticFactor.LEG_PAIN: FactorGroup.BACK_PAIN,
    PrognosticFactor.HIGH_PAIN_INTENSITY: FactorGroup.BACK_PAIN,
    PrognosticFactor.HIGH_PHYSICAL_WORK_LOAD: FactorGroup.WORK,
    PrognosticFactor.POOR_COLLEAGUE_RELATIONSHIPS: FactorGroup.WORK,
    PrognosticFactor.LOW_JOB_SATISFACTION: FactorGroup.WORK,
    PrognosticFactor.POOR_GENERAL_HEALTH: FactorGroup.PATIENT,
    PrognosticFactor.PSYCHOLOGICAL_STRESS: FactorGroup.PSYCHOSOCIAL,
    PrognosticFactor.FEAR_OF_MOVEMENT: FactorGroup.PSYCHOSOCIAL,
    PrognosticFactor.DEPRESSIVE_SYMPTOMS: FactorGroup.PSYCHOSOCIAL,
    PrognosticFactor.PASSIVE_COPING: FactorGroup.PSYCHOSOCIAL,
    PrognosticFactor.NEGATIVE_RECOVERY_EXPECTATIONS: FactorGroup.PSYCHOSOCIAL,
}


class FactorLevel(Vocabulary):
    """How strongly a present prognostic factor contributes (therapist's judgement)."""

    NON_DOMINANT = "non_dominant"
    DOMINANT = "dominant"


class MassageCriterion(Vocabulary):
    """The five conditions of the massage recommendation (all must hold)."""

    TENSION_LINKED_TO_COMPLAINTS = "tension_linked_to_complaints"
    TENSION_REDUCTION_NEEDED_FOR_ACTIVE_APPROACH = "tension_reduction_needed_for_active_approach"
    TO_GAIN_ACCEPTANCE_OF_ACTIVE_APPROACH = "to_gain_acceptance_of_active_approach"
    PART_OF_WIDER_ACTIVE_APPROACH = "part_of_wider_active_approach"
    BRIEF_PERIOD = "brief_period"


class Responsiveness(Vocabulary):
    """Responsiveness (irritability) of an LRS patient's complaints."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class Improvement(Vocabulary):
    """The patient's judgement, with the therapist, of the decrease of complaints."""

    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"


@total_ordering
class Strength(Vocabulary):
    """Graded strength of a recommendation about an intervention.

    Ordered: ``DO > OFFER > CONSIDER > NOT_INDICATED > PREFERABLY_NOT > DO_NOT``.
    The first three permit the intervention, the last two forbid it.
    """

    DO = "do"
    OFFER = "offer"
    CONSIDER = "consider"
    NOT_INDICATED = "not_indicated"
    PREFERABLY_NOT = "preferably_not"
    DO_NOT = "do_not"

    @property
    def rank(self) -> int:
        """The position on the scale, 5 for ``DO`` down to 0 for ``DO_NOT``."""
        return _STRENGTH_RANK[self]

    @property
    def permits(self) -> bool:
        """Whether this strength permits the intervention."""
        return self.rank > _STRENGTH_RANK[Strength.NOT_INDICATED]

    @property
    def forbids(self) -> bool:
        """Whether this strength forbids the intervention."""
        return self.rank < _STRENGTH_RANK[Strength.NOT_INDICATED]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Strength):
            return NotImplemented
        return self.rank < other.rank


_STRENGTH_RANK = {
    Strength.DO: 5,
    Strength.OFFER: 4,
    Strength.CONSIDER: 3,
    Strength.NOT_INDICATED: 2,
    Strength.PREFERABLY_NOT: 1,
    Strength.DO_NOT: 0,
}


class Urgency(Vocabulary):
    """How soon a referral must happen, as far as the guideline says."""

    IMMEDIATE = "immediate"
    """At once, where the text makes it an emergency."""
    NOT_STATED = "not_stated"
    """The guideline states no urgency for this referral; the therapist judges it.

    Not "routine": the text does not say that the referral can wait (for a
    suspected fracture, infection or tumour it may well not).
    """


class ReferralMode(Vocabulary):
    """Whether a referral ends the treatment or goes alongside it."""

    INSTEAD_OF_TREATMENT = "instead_of_treatment"
    """The referral replaces physical or exercise therapy: no treatment is planned."""
    ALONGSIDE_TREATMENT = "alongside_treatment"
    """The GP is asked to look at one matter (the medication dose); therapy goes on."""


class ReferralTarget(Vocabulary):
    """To whom the guideline refers."""

    GENERAL_PRACTITIONER = "general_practitioner"


class Intervention(Vocabulary):
    """The interventions the guideline grades."""

    SELF_DIRECTED_EXERCISE = "self_directed_exercise"
    EXERCISE_THERAPY = "exercise_therapy"
    BEHAVIOUR_ORIENTED_TREATMENT = "behaviour_oriented_treatment"
    MOBILISATION = "mobilisation"
    MANIPULATION = "manipulation"
    MASSAGE = "massage"
    TENS = "tens"
    INTERFERENCE = "interference"


class ExamComponent(Vocabulary):
    """Components of the neurological examination for suspected LRS."""

    PAIN_DISTRIBUTION = "pain_distribution"
    FINGERTIP_FLOOR_DISTANCE = "fingertip_floor_distance"
    LASEGUE_TESTS = "lasegue_tests"
    MUSCLE_STRENGTH = "muscle_strength"
    SENSIBILITY = "sensibility"
    REFLEXES = "reflexes"


class EducationTopic(Vocabulary):
    """Topics of information, advice and (pain) education."""

    UNCLEAR_ORIGIN = "unclear_origin"
    NO_UNDERLYING_RARE_CONDITION = "no_underlying_rare_condition"
    FREQUENT_AND_RECURRING = "frequent_and_recurring"
    HALF_RECOVERED_AFTER_THREE_MONTHS = "half_recovered_after_three_months"
    STAY_ACTIVE_AND_SELF_MANAGE = "stay_active_and_self_manage"
    PROGNOSTIC_FACTORS_SLOW_RECOVERY = "prognostic_factors_slow_recovery"
    BIOPSYCHOSOCIAL_MODEL = "biopsychosocial_model"
    LRS_NERVE_ROOT_AND_DISC = "lrs_nerve_root_and_disc"
    LRS_RECOVERS_IN_THREE_MONTHS = "lrs_recovers_in_three_months"
    LRS_IMAGING_DECIDED_BY_GP = "lrs_imaging_decided_by_gp"
    LRS_CONSERVATIVE_FIRST_THREE_MONTHS = "lrs_conservative_first_three_months"
    LRS_MOVE_GUIDED_BY_PAIN = "lrs_move_guided_by_pain"
    LRS_REFERRAL_IF_NO_IMPROVEMENT = "lrs_referral_if_no_improvement"


class SafetyNetTopic(Vocabulary):
    """Signs for which an LRS patient must contact the GP immediately."""

    SADDLE_NUMBNESS = "saddle_numbness"
    LOSS_OF_BLADDER_OR_BOWEL_CONTROL = "loss_of_bladder_or_bowel_control"
    INCREASING_LEG_WEAKNESS = "increasing_leg_weakness"


class ExerciseGuidance(Vocabulary):
    """How to shape exercise therapy."""

    TAILOR_TO_PATIENT = "tailor_to_patient"
    GRADUAL_TIME_CONTINGENT = "gradual_time_contingent"
    SCALE_BACK_GUIDANCE = "scale_back_guidance"
    PAIN_ALLEVIATION_FOCUS = "pain_alleviation_focus"
    SHORT_PAIN_INCREASE_ACCEPTABLE = "short_pain_increase_acceptable"
    EXPAND_TO_PRIOR_LEVEL_IN_6_TO_12_WEEKS = "expand_to_prior_level_in_6_to_12_weeks"


class BehaviourGuidance(Vocabulary):
    """How to shape behaviour-oriented treatment."""

    PERSONALISE_TO_PSYCHOSOCIAL_FACTORS = "personalise_to_psychosocial_factors"
    ALIGN_WITH_PATIENT_AND_OWN_SKILLS = "align_with_patient_and_own_skills"


class EvaluationAction(Vocabulary):
    """What the evaluation at a follow-up asks of the therapist now."""

    REPEAT_RISK_EVALUATION = "repeat_risk_evaluation"
    """Repeat the evaluation of the risk of persistent complaints."""
    CONSIDER_ADJUSTING_PROFILE = "consider_adjusting_profile"
    """Consider adjusting the treatment profile (or the treatment)."""
    DISCUSS_NEXT_PHASE_WITH_GP = "discuss_next_phase_with_gp"
    """Profile 3 referred at week 12: consult the GP about the next phase in the gradual
    approach (what follows the physical or exercise therapy)."""


class AdviceWarning(Vocabulary):
    """Signals to the therapist that are not advice in themselves."""

    SBST_DISAGREES_WITH_PROFILE = "sbst_disagrees_with_profile"
    """The StarT Back risk group differs from the profile the factors give."""
    SESSION_LIMIT_EXCEEDED = "session_limit_exceeded"
    """Profile 1: the three sessions are used up."""
    FINDINGS_SUGGEST_LRS = "findings_suggest_lrs"
    """Leg symptoms with neurological loss of function, and LRS was not diagnosed."""
    SEVERE_PAIN_WITHOUT_PAIN_FACTOR = "severe_pain_without_pain_factor"
    """NPRS 8 or more is recorded, but not the prognostic factor high intensity of pain.

    The profile is not changed: the therapist reconsiders the factors.
    """
    LRS_WITHOUT_LEG_PAIN_FACTOR = "lrs_without_leg_pain_factor"
    """LRS is diagnosed, but not the prognostic factor pain in the leg.

    The profile is not changed: the therapist reconsiders the factors.
    """
    UNRESOLVED_COLLISION = "unresolved_collision"
    """Set when two rules set different values and no resolution decides.

    The rule set is then inconsistent; the evaluator keeps the most cautious value.
    """


class Section(Vocabulary):
    """Sections of the guideline summary, by heading path."""

    NEED_FOR_ASSISTANCE = "Diagnostic process / Need for assistance"
    RED_FLAGS = "Diagnostic process / Red flags"
    LRS = "Diagnostic process / Lumbosacral radicular syndrome (LRS)"
    NEUROLOGICAL_EXAMINATION = "Diagnostic process / Neurological examination"
    PROGNOSTIC_FACTORS = "Diagnostic process / Prognostic factors"
    PROFILES = "Indications and treatment profiles"
    SBST = "Indications and treatment profiles / StarT Back Screening Tool"
    INFORMATION = "Therapeutic process / Information and advice and (pain) education"
    EXERCISE = "Therapeutic process / Exercise therapy"
    BEHAVIOUR = "Therapeutic process / Behaviour-oriented treatments"
    PASSIVE = (
        "Therapeutic process / Manipulations and mobilisations, massage, TENS and interference"
    )
    EVALUATION = "Therapeutic process / Evaluation and referral"


EXCLUSIVE_GUIDANCE: tuple[tuple[Vocabulary, Vocabulary, str], ...] = (
    (
        ExerciseGuidance.GRADUAL_TIME_CONTINGENT,
        EducationTopic.LRS_MOVE_GUIDED_BY_PAIN,
        "activity increased by time (time-contingent) and activity guided by the pain "
        "(pain-contingent) are opposite ways of dosing it",
    ),
    (
        ExerciseGuidance.GRADUAL_TIME_CONTINGENT,
        ExerciseGuidance.PAIN_ALLEVIATION_FOCUS,
        "exercise dosed by time does not focus on alleviating the pain",
    ),
)
"""Pairs of guidance values that exclude each other, with the reason.

Each member is a value of a guidance vocabulary (:class:`ExerciseGuidance`,
:class:`EducationTopic`, ...); its vocabulary names the advice field it is
given in. No advice may carry both members of a pair: the literal findings
report every pair the literal text gives together, and a property proves that
the resolved rules never do.
"""
