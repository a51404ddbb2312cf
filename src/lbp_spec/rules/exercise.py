"""Exercise therapy, its type and guidance, and exercise for LRS."""

from __future__ import annotations

from lbp_spec.logic import flag, is_
from lbp_spec.rule import Rule, add, strength
from lbp_spec.rules.definitions import (
    FOLLOW_UP,
    TREATED,
    TREATED_PROFILE_1,
    TREATED_PROFILE_2_OR_3,
)
from lbp_spec.vocabulary import (
    ExerciseGuidance,
    Improvement,
    Intervention,
    Responsiveness,
    Section,
    Strength,
)

__all__ = ["RULES"]

_S = Section.EXERCISE
_LRS_TREATED = flag("lrs") & TREATED

RULES = (
    Rule(
        id="EXERCISE.PROFILE_1.SELF_DIRECTED",
        section=_S,
        title="Profile 1: consider instructions for exercising independently",
        quote=(
            "Consider giving instructions for exercise therapy to be done independently for "
            "patients with a low risk of persistent complaints.",
        ),
        when=TREATED_PROFILE_1,
        then=strength(Strength.CONSIDER, Intervention.SELF_DIRECTED_EXERCISE),
    ),
    Rule(
        id="EXERCISE.PROFILE_2_3.OFFER",
        section=_S,
        title="Profiles 2 and 3: offer exercise therapy",
        quote=(
            "Offer exercise therapy for patients with a moderate or high risk of persistent "
            "low back pain.",
        ),
        when=TREATED_PROFILE_2_OR_3,
        then=strength(Strength.OFFER, Intervention.EXERCISE_THERAPY),
    ),
    Rule(
        id="EXERCISE.TYPE.TAILOR",
        section=_S,
        title="Tailor exercise to the patient",
        quote=(
            "Focus the exercise therapy on the patient's needs, preferences and capabilities "
            "as determined during the medical history taking and the physical examination.",
        ),
        when=TREATED,
        then=add("exercise_guidance", ExerciseGuidance.TAILOR_TO_PATIENT),
    ),
    Rule(
        id="EXERCISE.TYPE.GRADUAL",
        section=_S,
        title="Resume activities gradually and time-contingently",
        quote=(
            "Encourage the patient to resume or expand activities, preferably gradually and in "
            "a time-contingent manner.",
        ),
        when=TREATED,
        then=add("exercise_guidance", ExerciseGuidance.GRADUAL_TIME_CONTINGENT),
    ),
    Rule(
        id="EXERCISE.GUIDANCE.SCALE_BACK",
        section=_S,
        title="Scale back the guidance, not the exercise",
        quote=(
            "If permissible, scale back the guidance during the treatment period.",
            "Do this in consultation with the patient.",
            "In this case, it is important to not decrease the exercise frequency and "
            "intensity; the focus will shift to independent exercising and physical activity.",
        ),
        when=TREATED_PROFILE_2_OR_3,
        then=add("exercise_guidance", ExerciseGuidance.SCALE_BACK_GUIDANCE),
        note=(
            "Applies where exercise therapy is supervised (profiles 2 and 3); whether it is "
            "permissible is the therapist's judgement."
        ),
    ),
    Rule(
        id="EXERCISE.LRS.CONSIDER",
        section=_S,
        title="LRS: consider exercise therapy",
        quote=(
            "Consider exercise therapy if there is a need for assistance related to "
            "limitations in activities of daily living and/or social participation based on "
            "movement-related functioning.",
        ),
        when=_LRS_TREATED,
        then=strength(Strength.CONSIDER, Intervention.EXERCISE_THERAPY),
        note=(
            "A treatment profile is assigned exactly when there is a need for assistance and "
            "no reason to refer, so this reads the need for assistance through the profile "
            "(and not when a referral replaces the treatment). "
            "For LRS in profiles 2 and 3 it collides with 'offer': see RES.LRS_EXERCISE."
        ),
    ),
    Rule(
        id="EXERCISE.LRS.HIGH_RESPONSIVENESS",
        section=_S,
        title="LRS with high responsiveness: focus on pain alleviation",
        quote=("Focus on pain alleviation in the presence of high responsiveness.",),
        when=_LRS_TREATED & is_("responsiveness", Responsiveness.HIGH),
        then=add("exercise_guidance", ExerciseGuidance.PAIN_ALLEVIATION_FOCUS),
    ),
    Rule(
        id="EXERCISE.LRS.MODERATE_RESPONSIVENESS",
        section=_S,
        title="LRS with moderate responsiveness: brief pain increase is acceptable",
        quote=(
            "In the presence of moderate responsiveness, increased pain of short duration (a "
            "part of a day) is acceptable.",
        ),
        when=_LRS_TREATED & is_("responsiveness", Responsiveness.MODERATE),
        then=add("exercise_guidance", ExerciseGuidance.SHORT_PAIN_INCREASE_ACCEPTABLE),
        note="The text gives no guidance for low responsiveness.",
    ),
    Rule(
        id="EXERCISE.LRS.EXPAND",
        section=_S,
        title="LRS with good progress: expand to the prior level in 6 to 12 weeks",
        quote=(
            "If good progress is made, expand the activities to the prior level in 6 to 12 weeks.",
        ),
        when=_LRS_TREATED & FOLLOW_UP & is_("improvement", Improvement.ADEQUATE),
        then=add("exercise_guidance", ExerciseGuidance.EXPAND_TO_PRIOR_LEVEL_IN_6_TO_12_WEEKS),
        note="Good progress is read as an adequate decrease of complaints at a follow-up.",
    ),
)
