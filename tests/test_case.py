"""Construction validation of Case, NeurologicalExam and Sbst, and cases as values."""

from __future__ import annotations

import copy
import math
import pickle
from typing import Any

import attrs
import pytest

from lbp_spec import Case, InvalidCaseError, NeurologicalExam, Sbst
from lbp_spec.case import FINGERTIP_FLOOR_MAX_CM, FOLLOW_UP_FIELDS
from lbp_spec.vocabulary import (
    Consultation,
    Discipline,
    EmergencySign,
    FactorLevel,
    Improvement,
    MassageCriterion,
    PrognosticFactor,
    RedFlag,
    Responsiveness,
)

FOLLOW_UP: dict[str, Any] = {
    "consultation": Consultation.FOLLOW_UP,
    "weeks_since_start": 4,
    "sessions_used": 3,
    "improvement": Improvement.INADEQUATE,
}
"""The fields of a minimal valid follow-up."""

VALID_FOLLOW_UP_VALUES: dict[str, Any] = {
    "weeks_since_start": 4,
    "sessions_used": 3,
    "improvement": Improvement.ADEQUATE,
    "reevaluation_new_insights": False,
    "adjustment_expected_to_suffice": False,
    "lrs_diagnosed_earlier": False,
}


def problems_of(make: Any, **kwargs: Any) -> tuple[tuple[str, str], ...]:
    """Construct with ``kwargs`` and return the (path, message) pairs of the error."""
    with pytest.raises(InvalidCaseError) as info:
        make(**kwargs)
    return tuple((p.path, p.message) for p in info.value.problems)


def paths_of(make: Any, **kwargs: Any) -> list[str]:
    """Construct with ``kwargs`` and return the sorted problem paths of the error."""
    return sorted(path for path, _ in problems_of(make, **kwargs))


# -- out-of-range values ---------------------------------------------------------------------


@pytest.mark.parametrize("nprs", [11, -1, 100])
def test_nprs_out_of_range_is_rejected(nprs: int) -> None:
    """NPRS outside 0-10 is rejected at the path nprs, naming the allowed range."""
    [(path, message)] = problems_of(Case, nprs=nprs)
    assert ("nprs", f"must be 0 to 10, got {nprs}") == (path, message)


@pytest.mark.parametrize("mrc", [6, -1])
def test_mrc_out_of_range_is_rejected(mrc: int) -> None:
    """An MRC grade outside 0-5 is rejected at the path mrc_lowest."""
    [(path, message)] = problems_of(NeurologicalExam, mrc_lowest=mrc)
    assert ("mrc_lowest", f"must be 0 to 5, got {mrc}") == (path, message)


@pytest.mark.parametrize(
    "cm", [-0.1, -5, FINGERTIP_FLOOR_MAX_CM + 0.5, 1000, math.nan, math.inf, -math.inf]
)
def test_fingertip_floor_out_of_range_is_rejected(cm: float) -> None:
    """A negative, too large, NaN or infinite fingertip-floor distance is rejected."""
    assert ["fingertip_floor_cm"] == paths_of(NeurologicalExam, fingertip_floor_cm=cm)


def test_sbst_total_out_of_range_is_rejected() -> None:
    """An SBST total of 10 (the tool has nine items) is rejected at the path total."""
    assert [("total", "must be 0 to 9, got 10")] == list(
        problems_of(Sbst, total=10, psychosocial=0)
    )


def test_sbst_psychosocial_out_of_range_is_rejected() -> None:
    """An SBST psychosocial subscore of 6 (the subscale has five items) is rejected."""
    assert [("psychosocial", "must be 0 to 5, got 6")] == list(
        problems_of(Sbst, total=9, psychosocial=6)
    )


@pytest.mark.parametrize(
    "kwargs", [{"total": -1, "psychosocial": 0}, {"total": 0, "psychosocial": -1}]
)
def test_sbst_negative_scores_are_rejected(kwargs: dict[str, int]) -> None:
    """Negative SBST scores are rejected at their own path."""
    [bad] = [name for name, value in kwargs.items() if value < 0]
    assert [bad] == paths_of(Sbst, **kwargs)


@pytest.mark.parametrize("field", ["weeks_since_start", "sessions_used"])
def test_negative_follow_up_counts_are_rejected(field: str) -> None:
    """Negative weeks since the start or sessions used are rejected at their path."""
    [(path, message)] = problems_of(Case, **{**FOLLOW_UP, field: -1})
    assert (field, "must be 0 or more, got -1") == (path, message)


# -- wrong types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field", "value"),
    [
        (Case, "nprs", True),
        (Case, "nprs", 5.0),
        (Case, "nprs", "5"),
        (NeurologicalExam, "mrc_lowest", False),
        (NeurologicalExam, "mrc_lowest", 4.0),
        (Sbst, "total", True),
        (Sbst, "psychosocial", False),
        (NeurologicalExam, "fingertip_floor_cm", True),
        (NeurologicalExam, "fingertip_floor_cm", "30"),
    ],
)
def test_bool_or_other_type_where_number_expected_is_rejected(
    make: Any, field: str, value: object
) -> None:
    """A bool (which Python counts as an int), a float or a str is refused where a number is due."""
    base: dict[str, Any] = {"total": 5, "psychosocial": 2} if make is Sbst else {}
    assert [field] == paths_of(make, **{**base, field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weeks_since_start", True),
        ("sessions_used", 2.0),
    ],
)
def test_wrong_type_follow_up_count_is_rejected(field: str, value: object) -> None:
    """The follow-up counts must be integers, not bools or floats."""
    assert [field] == paths_of(Case, **{**FOLLOW_UP, field: value})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consultation", "initial"),
        ("discipline", "physical_therapist"),
        ("discipline", Consultation.INITIAL),
        ("responsiveness", "high"),
    ],
)
def test_str_or_foreign_enum_where_enum_expected_is_rejected(field: str, value: object) -> None:
    """A JSON string or a member of another enum is not a valid enum value."""
    kwargs: dict[str, Any] = {field: value}
    if field == "responsiveness":
        kwargs["lrs"] = True
    [(path, message)] = problems_of(Case, **kwargs)
    assert field == path
    assert message.startswith("must be one of ")


def test_improvement_as_str_is_rejected() -> None:
    """Improvement given as a JSON string instead of the enum is rejected at its path."""
    assert ["improvement"] == paths_of(Case, **{**FOLLOW_UP, "improvement": "inadequate"})


@pytest.mark.parametrize(
    "field",
    ["additional_competencies", "need_for_assistance", "lrs", "symptoms_below_knee"],
)
def test_int_where_bool_expected_is_rejected(field: str) -> None:
    """A boolean field does not accept 1 or "true"."""
    assert [field] == paths_of(Case, **{field: 1})
    assert [field] == paths_of(Case, **{field: "true"})


@pytest.mark.parametrize(
    "field", ["dermatomal_pain", "lasegue", "crossed_lasegue", "reversed_lasegue"]
)
def test_exam_flag_of_wrong_type_is_rejected(field: str) -> None:
    """A finding of the neurological examination must be true or false."""
    assert [field] == paths_of(NeurologicalExam, **{field: "yes"})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("red_flags", ["fracture"]),
        ("red_flags", [EmergencySign.SADDLE_NUMBNESS]),
        ("neurological_emergency_signs", [RedFlag.TUMOUR]),
        ("neurological_emergency_signs", {"saddle_numbness"}),
        ("massage_criteria", (1,)),
        ("red_flags", "fracture"),
        ("red_flags", None),
        ("massage_criteria", {MassageCriterion.BRIEF_PERIOD: True}),
    ],
)
def test_set_of_wrong_members_or_not_a_set_is_rejected(field: str, value: object) -> None:
    """A set field rejects members of the wrong type, and values that are not sets."""
    assert [field] == paths_of(Case, **{field: value})


def test_unhashable_set_member_is_rejected_with_its_path() -> None:
    """A list inside red_flags (e.g. from bad JSON) is an InvalidCaseError, not a TypeError."""
    assert ["red_flags"] == paths_of(Case, red_flags=[["fracture"]])


@pytest.mark.parametrize(
    "value",
    [
        {"leg_pain": FactorLevel.DOMINANT},
        {PrognosticFactor.LEG_PAIN: "dominant"},
        {PrognosticFactor.LEG_PAIN: True},
        [(PrognosticFactor.LEG_PAIN, FactorLevel.DOMINANT)],
        {PrognosticFactor.LEG_PAIN},
    ],
)
def test_prognostic_factors_of_wrong_shape_are_rejected(value: object) -> None:
    """prognostic_factors must map PrognosticFactor members to FactorLevel members."""
    assert ["prognostic_factors"] == paths_of(Case, prognostic_factors=value)


@pytest.mark.parametrize(
    ("field", "value"), [("neurological_exam", {"mrc_lowest": 3}), ("sbst", 5)]
)
def test_part_of_wrong_type_is_rejected(field: str, value: object) -> None:
    """neurological_exam and sbst must be the typed parts (or None), not dicts or numbers."""
    assert [field] == paths_of(Case, **{field: value})


# -- contradictions ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", FOLLOW_UP_FIELDS)
def test_follow_up_field_at_initial_consultation_is_rejected(field: str) -> None:
    """Each follow-up field must be absent at an initial consultation."""
    [(path, message)] = problems_of(Case, **{field: VALID_FOLLOW_UP_VALUES[field]})
    assert (field, "describes a follow-up; must be absent at an initial consultation") == (
        path,
        message,
    )


def test_sessions_used_zero_at_initial_consultation_is_a_follow_up_field() -> None:
    """sessions_used=0 at an initial consultation is still a follow-up field: rejected once."""
    assert ["sessions_used"] == paths_of(Case, sessions_used=0)


@pytest.mark.parametrize("missing", ["weeks_since_start", "sessions_used", "improvement"])
def test_required_follow_up_field_missing_is_rejected(missing: str) -> None:
    """weeks_since_start, sessions_used and improvement are required at a follow-up."""
    [(path, message)] = problems_of(Case, **{**FOLLOW_UP, missing: None})
    assert (missing, "is required at a follow-up consultation") == (path, message)


def test_follow_up_without_any_follow_up_field_names_all_three() -> None:
    """A bare follow-up names all three required fields."""
    expected = ["improvement", "sessions_used", "weeks_since_start"]
    assert expected == paths_of(Case, consultation=Consultation.FOLLOW_UP)


def test_medication_dose_doubt_is_accepted_at_the_initial_consultation() -> None:
    """Doubt about the medication dose has no time condition: it may be recorded at once."""
    assert True is Case(lrs=True, medication_dose_doubt=True).medication_dose_doubt


def test_lrs_diagnosed_earlier_is_required_at_an_lrs_follow_up() -> None:
    """At a follow-up of an LRS patient, whether LRS was diagnosed before must be said."""
    [(path, message)] = problems_of(Case, **FOLLOW_UP, lrs=True)
    assert "lrs_diagnosed_earlier" == path
    assert "is required at a follow-up when lrs is true" in message


def test_lrs_diagnosed_earlier_is_accepted_at_an_lrs_follow_up() -> None:
    """Both answers are valid at an LRS follow-up."""
    assert (True, False) == tuple(
        Case(**FOLLOW_UP, lrs=True, lrs_diagnosed_earlier=v).lrs_diagnosed_earlier
        for v in (True, False)
    )


def test_lrs_diagnosed_earlier_is_rejected_without_lrs() -> None:
    """The field describes an LRS diagnosis, so it is absent when lrs is false."""
    [(path, message)] = problems_of(Case, **FOLLOW_UP, lrs_diagnosed_earlier=False)
    assert (
        "lrs_diagnosed_earlier",
        "describes an LRS diagnosis; must be absent when lrs is false",
    ) == (path, message)


@pytest.mark.parametrize(("duration", "valid"), [(3, False), (4, True), (5, True)])
def test_complaint_duration_is_at_least_the_weeks_of_treatment(duration: int, valid: bool) -> None:
    """The complaints began before the treatment: duration below weeks_since_start (4) is wrong."""
    fields = {**FOLLOW_UP, "complaint_duration_weeks": duration}
    if valid:
        assert duration == Case(**fields).complaint_duration_weeks
    else:
        assert ["complaint_duration_weeks"] == paths_of(Case, **fields)


def test_course_judgements_are_accepted_at_the_initial_consultation() -> None:
    """How long the complaints lasted and how pain and function went are known at once."""
    case = Case(
        lrs=True,
        complaint_duration_weeks=7,
        pain_alleviation=Improvement.ADEQUATE,
        loss_of_function_decrease=Improvement.INADEQUATE,
    )
    assert (7, Improvement.ADEQUATE, Improvement.INADEQUATE) == (
        case.complaint_duration_weeks,
        case.pain_alleviation,
        case.loss_of_function_decrease,
    )


def test_optional_follow_up_fields_may_be_absent_at_a_follow_up() -> None:
    """The three yes/no answers of the evaluation are optional at a follow-up."""
    case = Case(**FOLLOW_UP)
    assert (None, None, None) == (
        case.reevaluation_new_insights,
        case.adjustment_expected_to_suffice,
        case.medication_dose_doubt,
    )


def test_sessions_used_zero_at_follow_up_is_rejected() -> None:
    """At a follow-up at least one session (the initial consultation) was held."""
    [(path, message)] = problems_of(Case, **{**FOLLOW_UP, "sessions_used": 0})
    assert "sessions_used" == path
    assert "at least 1" in message


def test_sessions_used_one_at_follow_up_is_accepted() -> None:
    """One session used (the initial consultation) is the smallest valid follow-up."""
    assert 1 == Case(**{**FOLLOW_UP, "sessions_used": 1}).sessions_used


def test_weeks_since_start_zero_at_follow_up_is_accepted() -> None:
    """A follow-up in the first week (week 0) is valid."""
    assert 0 == Case(**{**FOLLOW_UP, "weeks_since_start": 0}).weeks_since_start


@pytest.mark.parametrize(("total", "psychosocial"), [(3, 4), (0, 1), (4, 5)])
def test_sbst_psychosocial_above_total_is_rejected(total: int, psychosocial: int) -> None:
    """The psychosocial subscore is part of the total, so it cannot exceed it."""
    [(path, message)] = problems_of(Sbst, total=total, psychosocial=psychosocial)
    assert "psychosocial" == path
    assert "cannot exceed" in message


def test_sbst_psychosocial_equal_to_total_is_accepted() -> None:
    """A psychosocial subscore equal to the total is valid."""
    assert Sbst(total=4, psychosocial=4) == Sbst(total=4, psychosocial=4)


@pytest.mark.parametrize("responsiveness", list(Responsiveness))
def test_responsiveness_without_lrs_is_rejected(responsiveness: Responsiveness) -> None:
    """Responsiveness is assessed for LRS only."""
    [(path, message)] = problems_of(Case, lrs=False, responsiveness=responsiveness)
    assert "responsiveness" == path
    assert "LRS only" in message


def test_responsiveness_with_lrs_is_accepted() -> None:
    """Responsiveness of an LRS patient is valid."""
    assert Responsiveness.HIGH == Case(lrs=True, responsiveness=Responsiveness.HIGH).responsiveness


def test_additional_competencies_for_physical_therapist_is_rejected() -> None:
    """Additional competencies apply only to exercise therapists."""
    [(path, message)] = problems_of(
        Case, discipline=Discipline.PHYSICAL_THERAPIST, additional_competencies=True
    )
    assert "additional_competencies" == path
    assert "exercise therapists" in message


def test_additional_competencies_for_exercise_therapist_is_accepted() -> None:
    """An exercise therapist may have the additional competencies."""
    case = Case(discipline=Discipline.EXERCISE_THERAPIST, additional_competencies=True)
    assert True is case.additional_competencies


def test_several_problems_are_all_listed() -> None:
    """A case with several problems names every one of them, each at its path."""
    expected = [
        "additional_competencies",
        "improvement",
        "nprs",
        "prognostic_factors",
        "red_flags",
        "responsiveness",
        "sessions_used",
        "weeks_since_start",
    ]
    actual = paths_of(
        Case,
        consultation=Consultation.FOLLOW_UP,
        nprs=11,
        red_flags=["fracture"],
        prognostic_factors={PrognosticFactor.LEG_PAIN: "dominant"},
        additional_competencies=True,
        lrs=False,
        responsiveness=Responsiveness.LOW,
    )
    assert expected == actual


def test_several_exam_problems_are_all_listed() -> None:
    """An examination with several problems names every one of them."""
    expected = ["fingertip_floor_cm", "lasegue", "mrc_lowest"]
    assert expected == paths_of(NeurologicalExam, mrc_lowest=7, fingertip_floor_cm=-3, lasegue=None)


def test_one_mistake_is_reported_once() -> None:
    """A follow-up field of the wrong type at an initial consultation is one problem, not two."""
    assert ["weeks_since_start"] == paths_of(Case, weeks_since_start="3")


def test_error_message_lists_every_problem() -> None:
    """The error's text names the count and each path, for people reading a traceback."""
    with pytest.raises(InvalidCaseError) as info:
        Case(nprs=-1, lrs="no")
    text = str(info.value)
    assert text.startswith("invalid case (2 problem(s)):")
    assert "nprs: must be 0 to 10, got -1" in text
    assert "lrs: must be true or false" in text


def test_evolve_validates_too() -> None:
    """attrs.evolve cannot smuggle an invalid value past validation."""
    with pytest.raises(InvalidCaseError):
        attrs.evolve(Case(), nprs=12)


# -- valid edge values -------------------------------------------------------------------------


@pytest.mark.parametrize("nprs", [0, 10])
def test_nprs_edges_are_accepted(nprs: int) -> None:
    """NPRS 0 and 10 are the ends of the scale and valid."""
    assert nprs == Case(nprs=nprs).nprs


@pytest.mark.parametrize("mrc", [0, 5])
def test_mrc_edges_are_accepted(mrc: int) -> None:
    """MRC 0 (no contraction) and 5 (normal) are valid."""
    assert mrc == NeurologicalExam(mrc_lowest=mrc).mrc_lowest


@pytest.mark.parametrize("cm", [0, 0.0, 25.5, 200, 200.0, None])
def test_fingertip_floor_edges_are_accepted(cm: float | None) -> None:
    """0 cm, 200 cm, a fractional distance and not measured (None) are valid."""
    assert cm == NeurologicalExam(fingertip_floor_cm=cm).fingertip_floor_cm


@pytest.mark.parametrize(("total", "psychosocial"), [(0, 0), (9, 5)])
def test_sbst_edges_are_accepted(total: int, psychosocial: int) -> None:
    """SBST 0/0 and 9/5 are the ends of the scales and valid."""
    assert (total, psychosocial) == (
        Sbst(total=total, psychosocial=psychosocial).total,
        Sbst(total=total, psychosocial=psychosocial).psychosocial,
    )


def test_default_case_is_a_plain_initial_consultation() -> None:
    """The defaults describe a first consultation of a physical therapist, need for help."""
    case = Case()
    assert (Consultation.INITIAL, Discipline.PHYSICAL_THERAPIST, True, False) == (
        case.consultation,
        case.discipline,
        case.need_for_assistance,
        case.is_follow_up,
    )
    assert [] == case.problems()


def test_sets_given_as_lists_become_frozensets() -> None:
    """Lists, tuples and sets of members are accepted and stored as frozensets."""
    case = Case(
        red_flags=[RedFlag.FRACTURE, RedFlag.FRACTURE],
        neurological_emergency_signs=(EmergencySign.SADDLE_NUMBNESS,),
        massage_criteria={MassageCriterion.BRIEF_PERIOD},
    )
    assert frozenset({RedFlag.FRACTURE}) == case.red_flags
    assert frozenset({EmergencySign.SADDLE_NUMBNESS}) == case.neurological_emergency_signs
    assert frozenset({MassageCriterion.BRIEF_PERIOD}) == case.massage_criteria


# -- cases are values --------------------------------------------------------------------------

FACTORS = {
    PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT,
    PrognosticFactor.PREVIOUS_EPISODES: FactorLevel.NON_DOMINANT,
}


def test_equal_cases_are_equal_and_hash_alike() -> None:
    """Two cases built from equal inputs are equal and have equal hashes."""
    a = Case(lrs=True, nprs=5, prognostic_factors=dict(FACTORS), red_flags=[RedFlag.TUMOUR])
    b = Case(lrs=True, nprs=5, prognostic_factors=dict(FACTORS), red_flags={RedFlag.TUMOUR})
    assert a == b
    assert hash(a) == hash(b)
    assert 1 == len({a, b})


def test_different_cases_are_not_equal() -> None:
    """Cases that differ in one field (even a factor level) are not equal."""
    a = Case(prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT})
    b = Case(prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT})
    assert a != b
    assert Case(nprs=3) != Case(nprs=4)


def test_parts_are_hashable_values() -> None:
    """NeurologicalExam and Sbst are hashable and equal by value."""
    assert hash(NeurologicalExam(mrc_lowest=3)) == hash(NeurologicalExam(mrc_lowest=3))
    assert NeurologicalExam(mrc_lowest=3) != NeurologicalExam(mrc_lowest=4)
    assert hash(Sbst(total=5, psychosocial=2)) == hash(Sbst(total=5, psychosocial=2))


def test_fields_cannot_be_reassigned() -> None:
    """A case is frozen: assigning a field raises."""
    case = Case()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        case.nprs = 5  # type: ignore[misc]


def test_case_does_not_share_the_callers_factor_dict() -> None:
    """Mutating the dict the case was built from does not change the case."""
    given = dict(FACTORS)
    case = Case(prognostic_factors=given)
    given[PrognosticFactor.FEAR_OF_MOVEMENT] = FactorLevel.DOMINANT
    assert FACTORS == dict(case.prognostic_factors)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.__setitem__(PrognosticFactor.FEAR_OF_MOVEMENT, FactorLevel.DOMINANT),
        lambda d: d.__delitem__(PrognosticFactor.LEG_PAIN),
        lambda d: d.clear(),
        lambda d: d.pop(PrognosticFactor.LEG_PAIN),
        lambda d: d.popitem(),
        lambda d: d.setdefault(PrognosticFactor.FEAR_OF_MOVEMENT, FactorLevel.DOMINANT),
        lambda d: d.update({PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT}),
    ],
    ids=["setitem", "delitem", "clear", "pop", "popitem", "setdefault", "update"],
)
def test_prognostic_factors_cannot_be_mutated(mutate: Any) -> None:
    """Every mutating method of the factor mapping raises, and the case is unchanged."""
    case = Case(prognostic_factors=dict(FACTORS))
    before = hash(case)
    with pytest.raises(TypeError):
        mutate(case.prognostic_factors)
    assert FACTORS == dict(case.prognostic_factors)
    assert before == hash(case)


def test_prognostic_factors_cannot_be_mutated_in_place_with_or() -> None:
    """The in-place union operator (|=) cannot change a case's factors either."""
    case = Case(prognostic_factors=dict(FACTORS))
    factors = case.prognostic_factors
    with pytest.raises(TypeError):
        factors |= {PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT}  # type: ignore[operator]
    assert FACTORS == dict(case.prognostic_factors)


def test_case_with_factors_can_be_copied_and_pickled() -> None:
    """A case is a plain value: deepcopy and a pickle round trip give an equal case."""
    case = Case(prognostic_factors=dict(FACTORS))
    assert case == copy.deepcopy(case)
    assert case == pickle.loads(pickle.dumps(case))
