"""Behaviour-oriented treatments."""

from __future__ import annotations

from lbp_spec.rule import Rule, add, strength
from lbp_spec.rules.definitions import DOMINANT_PSYCHOSOCIAL, PROFILE_1_OR_2, TREATED_PROFILE_3
from lbp_spec.vocabulary import (
    BehaviourGuidance,
    EducationTopic,
    Intervention,
    Section,
    Strength,
)

__all__ = ["RULES"]

_S = Section.BEHAVIOUR

RULES = (
    Rule(
        id="BEHAVIOUR.PROFILE_1_2.EXPLANATION",
        section=_S,
        title="Profiles 1 and 2: explanation and the biopsychosocial model suffice",
        quote=(
            "For profiles 1 and 2, a thorough explanation and focus on the biopsychosocial "
            "model are sufficient.",
        ),
        when=PROFILE_1_OR_2,
        then=[
            *add("education", EducationTopic.BIOPSYCHOSOCIAL_MODEL),
            *strength(Strength.NOT_INDICATED, Intervention.BEHAVIOUR_ORIENTED_TREATMENT),
        ],
        note="'Sufficient' is read as: behaviour-oriented treatment is not indicated.",
    ),
    Rule(
        id="BEHAVIOUR.PROFILE_3.CONSIDER",
        section=_S,
        title="Profile 3: consider behaviour-oriented treatment",
        quote=(
            "Consider behaviour-oriented treatment in order to optimise physical activity and "
            "participation in patients with dominant (psychosocial) prognostic factors.",
        ),
        when=TREATED_PROFILE_3,
        then=strength(Strength.CONSIDER, Intervention.BEHAVIOUR_ORIENTED_TREATMENT),
        note=(
            "The row is for profile 3, whose patients all have dominant prognostic factors; "
            "'(psychosocial)' in brackets marks the usual case, not a further condition."
        ),
    ),
    Rule(
        id="BEHAVIOUR.PROFILE_3.PERSONALISE",
        section=_S,
        title="Profile 3: aim behaviour treatment at the psychosocial factors",
        quote=(
            "Consider personalising the behaviour-oriented treatment by aiming this "
            "specifically on the psychosocial prognostic factors.",
        ),
        when=TREATED_PROFILE_3 & DOMINANT_PSYCHOSOCIAL,
        then=add("behaviour_guidance", BehaviourGuidance.PERSONALISE_TO_PSYCHOSOCIAL_FACTORS),
        note="Applies when a psychosocial prognostic factor is dominant.",
    ),
    Rule(
        id="BEHAVIOUR.TYPE.SHARED_CHOICE",
        section=_S,
        title="Choose the behaviour treatment with the patient",
        quote=(
            "Discuss the choice of behaviour-oriented treatment with the patient and align "
            "with the patient's needs, preferences and capabilities and your own knowledge and "
            "skills as a therapist.",
        ),
        when=TREATED_PROFILE_3,
        then=add("behaviour_guidance", BehaviourGuidance.ALIGN_WITH_PATIENT_AND_OWN_SKILLS),
    ),
)
