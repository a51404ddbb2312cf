"""The Hypothesis strategies give only valid cases and reach the interesting regions."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from lbp_spec import Advice, Case, NeurologicalExam, Sbst, evaluate
from lbp_spec.strategies import cases, neurological_exams, sbst_scores
from lbp_spec.vocabulary import (
    AdviceWarning,
    Consultation,
    Discipline,
    EvaluationAction,
    Improvement,
    Intervention,
    Strength,
    Urgency,
)

FIND = settings(max_examples=5000, database=None, phases=[Phase.generate])
"""Enough tries for find() to reach a region; the first hit is kept unshrunk."""


def reaches(condition: Callable[[Case, Advice], bool], strategy: st.SearchStrategy[Case]) -> Case:
    """A case from ``strategy`` whose advice meets ``condition`` (fails if none is found)."""
    return find(strategy, lambda c: condition(c, evaluate(c)), settings=FIND)


# -- only valid cases --------------------------------------------------------------------------


@given(cases())
def test_cases_are_valid(case: Case) -> None:
    """Every drawn case is a Case without problems, and rebuilding it gives an equal case."""
    assert [] == case.problems()
    assert case == attrs.evolve(case)


@given(neurological_exams())
def test_exams_are_valid(exam: NeurologicalExam) -> None:
    """Every drawn examination is valid and within the contract's ranges."""
    assert [] == exam.problems()
    assert 0 <= exam.mrc_lowest <= 5


@given(sbst_scores())
def test_sbst_scores_are_valid(scores: Sbst) -> None:
    """Every drawn SBST score is valid: the psychosocial subscore never exceeds the total."""
    assert [] == scores.problems()
    assert scores.psychosocial <= scores.total


@given(cases(consultation=Consultation.FOLLOW_UP, lrs=True, flags=False))
def test_arguments_fix_the_drawn_fields(case: Case) -> None:
    """consultation, lrs and flags=False are honoured."""
    assert (Consultation.FOLLOW_UP, True, frozenset(), frozenset()) == (
        case.consultation,
        case.lrs,
        case.red_flags,
        case.neurological_emergency_signs,
    )
    assert case.weeks_since_start is not None
    assert case.sessions_used is not None
    assert case.sessions_used >= 1


@given(cases(consultation=Consultation.INITIAL, lrs=False))
def test_initial_non_lrs_cases_have_no_follow_up_fields(case: Case) -> None:
    """Initial consultations carry no follow-up fields, and non-LRS cases no responsiveness."""
    assert (None, None, None, None) == (
        case.weeks_since_start,
        case.sessions_used,
        case.improvement,
        case.responsiveness,
    )


# -- the interesting regions are reached --------------------------------------------------------


@pytest.mark.parametrize("profile", [1, 2, 3])
def test_each_profile_is_reached(profile: int) -> None:
    """Some drawn case gets each profile."""
    found = reaches(lambda c, a: a.profile == profile, cases())
    assert profile == evaluate(found).profile


def test_a_follow_up_is_reached() -> None:
    """Some drawn case is a follow-up with an inadequate decrease after several weeks."""
    found = reaches(
        lambda c, a: (
            c.is_follow_up
            and a.profile is not None
            and c.improvement is Improvement.INADEQUATE
            and c.weeks_since_start is not None
            and c.weeks_since_start >= 6
        ),
        cases(),
    )
    assert Consultation.FOLLOW_UP == found.consultation


def test_an_lrs_case_with_a_referral_is_reached() -> None:
    """Some drawn LRS case is referred."""
    found = reaches(lambda c, a: c.lrs and a.referral is not None, cases())
    assert True is found.lrs
    assert evaluate(found).referral is not None


def test_an_immediate_referral_is_reached() -> None:
    """Some drawn case is referred immediately (an emergency sign or MRC at most 3)."""
    found = reaches(
        lambda c, a: a.referral is not None and a.referral.urgency is Urgency.IMMEDIATE, cases()
    )
    assert Urgency.IMMEDIATE == evaluate(found).referral.urgency  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "condition"),
    [
        (
            "profile 3 referral after 12 weeks",
            lambda c, a: EvaluationAction.DISCUSS_NEXT_PHASE_WITH_GP in a.evaluation_actions,
        ),
        (
            "profile 1 session limit used up",
            lambda c, a: AdviceWarning.SESSION_LIMIT_EXCEEDED in a.warnings,
        ),
        ("SBST disagrees", lambda c, a: AdviceWarning.SBST_DISAGREES_WITH_PROFILE in a.warnings),
        ("findings suggest LRS", lambda c, a: AdviceWarning.FINDINGS_SUGGEST_LRS in a.warnings),
        ("GP consultation", lambda c, a: a.consult_general_practitioner),
        ("massage considered", lambda c, a: a.strength(Intervention.MASSAGE) is Strength.CONSIDER),
        (
            "mobilisation considered",
            lambda c, a: a.strength(Intervention.MOBILISATION) is Strength.CONSIDER,
        ),
        (
            "exercise therapist without competencies in profile 2 or 3",
            lambda c, a: (
                c.discipline is Discipline.EXERCISE_THERAPIST
                and not c.additional_competencies
                and a.profile in (2, 3)
            ),
        ),
        (
            "LRS recheck",
            lambda c, a: c.lrs and a.recheck_after_days is not None and a.profile is not None,
        ),
        ("no need for assistance", lambda c, a: not c.need_for_assistance and a.referral is None),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_rarer_regions_are_reached(name: str, condition: Callable[[Case, Advice], bool]) -> None:
    """The strategies reach the rarer regions where implementations tend to differ."""
    found = reaches(condition, cases())
    assert condition(found, evaluate(found)), name


@pytest.mark.parametrize(("mrc", "cm"), [(3, 25.0), (4, 26.0), (5, 25.5)])
def test_threshold_values_are_drawn(mrc: int, cm: float) -> None:
    """The examination strategy draws the MRC and fingertip-floor thresholds."""
    found = find(
        neurological_exams(),
        lambda e: e.mrc_lowest == mrc and e.fingertip_floor_cm == cm,
        settings=FIND,
    )
    assert (mrc, cm) == (found.mrc_lowest, found.fingertip_floor_cm)


@pytest.mark.parametrize("weeks", [2, 3, 5, 6, 11, 12])
def test_week_thresholds_are_drawn(weeks: int) -> None:
    """Follow-ups are drawn on both sides of the 3, 6 and 12 week thresholds."""
    found = find(
        cases(consultation=Consultation.FOLLOW_UP),
        lambda c: c.weeks_since_start == weeks,
        settings=FIND,
    )
    assert weeks == found.weeks_since_start
