"""Manipulations and mobilisations, massage, TENS and interference; the competency limit."""

from __future__ import annotations

from lbp_spec.logic import All, flag, has, is_
from lbp_spec.rule import Rule, strength
from lbp_spec.rules.definitions import TREATED, TREATED_PROFILE_1, TREATED_PROFILE_2_OR_3
from lbp_spec.vocabulary import Discipline, Intervention, MassageCriterion, Section, Strength

__all__ = ["NON_EXERCISE", "RULES"]

_S = Section.PASSIVE
M = Intervention
NON_EXERCISE = (M.MOBILISATION, M.MANIPULATION, M.MASSAGE, M.TENS, M.INTERFERENCE)
"""The non-exercise interventions outside the exercise therapist's competency profile."""

_ALL_CRITERIA = All(tuple(has("massage_criteria", c) for c in MassageCriterion))

_MASSAGE_QUOTE = (
    "Only apply massage:",
    "if you assess, in your capacity as a therapist, that there is a connection between the "
    "increased muscle tension and the complaints, and",
    "if a decrease of the increased muscle tension is necessary in order to achieve an active "
    "approach, and",
    "to create acceptance of an active approach and achieve exercise and self-reliance on the "
    "part of the patient, and",
    "if massage is a part of a more extensive approach, so in combination with active and/or "
    "behaviour-oriented treatment, and",
    "if massage is only used for a brief period of time.",
)

RULES = (
    Rule(
        id="PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
        section=_S,
        title="Exercise therapist without additional competencies: no non-exercise interventions",
        quote=(
            "These non-exercise therapy interventions are outside the competency profile of "
            "the exercise therapist (Cesar/Mensendieck), unless the exercise therapist has "
            "been trained in the additional competencies.",
        ),
        when=TREATED
        & is_("discipline", Discipline.EXERCISE_THERAPIST)
        & ~flag("additional_competencies"),
        then=strength(Strength.DO_NOT, *NON_EXERCISE),
        note=(
            "Outside the competency profile is read as 'do not perform': the strongest "
            "prohibition, whatever the profile allows."
        ),
    ),
    Rule(
        id="PASSIVE.PROFILE_1.DO_NOT",
        section=_S,
        title="Profile 1: no passive interventions",
        quote=("Do not perform manipulations and mobilisations, massage, TENS or interference.",),
        when=TREATED_PROFILE_1,
        then=strength(Strength.DO_NOT, *NON_EXERCISE),
    ),
    Rule(
        id="PASSIVE.PROFILE_2_3.MOBILISATION",
        section=_S,
        title="Profiles 2 and 3: consider mobilisation or manipulation for a mechanical problem",
        quote=(
            "For profiles 2 and 3, consider performing mobilisations and/or manipulations* on "
            "patients with low back pain as a supplement to exercise therapy if the problem is "
            "mechanical in nature due to disorders within the neuromusculoskeletal system.",
            "Mobilisations are understood to mean passive arthrogenic mobilisations.",
            "Manipulations are understood to mean 'high-velocity-thrust' techniques.",
        ),
        when=TREATED_PROFILE_2_OR_3 & flag("mechanical_problem"),
        then=strength(Strength.CONSIDER, M.MOBILISATION, M.MANIPULATION),
        note=(
            "Without a mechanical problem the text says nothing: the strength stays not indicated."
        ),
    ),
    Rule(
        id="PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",
        section=_S,
        title="Profiles 2 and 3: massage only if all five conditions hold",
        quote=_MASSAGE_QUOTE,
        when=TREATED_PROFILE_2_OR_3 & _ALL_CRITERIA,
        then=strength(Strength.CONSIDER, M.MASSAGE),
        note=(
            "'Only apply ... if' permits massage when all five conditions hold; the text gives "
            "no grade, so the permission is 'consider'. The therapist records which conditions "
            "hold (massage_criteria)."
        ),
    ),
    Rule(
        id="PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_NOT_MET",
        section=_S,
        title="Profiles 2 and 3: no massage unless all five conditions hold",
        quote=_MASSAGE_QUOTE,
        when=TREATED_PROFILE_2_OR_3 & ~_ALL_CRITERIA,
        then=strength(Strength.DO_NOT, M.MASSAGE),
        note="'Only ... if' forbids massage when any one of the five conditions fails.",
    ),
    Rule(
        id="PASSIVE.PROFILE_2_3.NO_TENS",
        section=_S,
        title="Profiles 2 and 3: no TENS or interference",
        quote=("Do not apply TENS or interference.",),
        when=TREATED_PROFILE_2_OR_3,
        then=strength(Strength.DO_NOT, M.TENS, M.INTERFERENCE),
    ),
    Rule(
        id="PASSIVE.LRS.NO_MASSAGE_TENS",
        section=_S,
        title="LRS: no massage, TENS or interference",
        quote=("Do not apply massage, TENS or interference.",),
        when=flag("lrs") & TREATED,
        then=strength(Strength.DO_NOT, M.MASSAGE, M.TENS, M.INTERFERENCE),
        note="For LRS patients who are treated (in a profile, and not referred instead).",
    ),
    Rule(
        id="PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
        section=_S,
        title="LRS: preferably no mobilisation or manipulation",
        quote=("Preferably do not perform manipulations and mobilisations.",),
        when=flag("lrs") & TREATED,
        then=strength(Strength.PREFERABLY_NOT, M.MOBILISATION, M.MANIPULATION),
    ),
)
