"""Hypothesis strategies for valid cases, for our own tests and for vendors' tests.

Install the ``strategies`` extra (``pip install lbp-spec[strategies]``) to use them::

    from hypothesis import given
    from lbp_spec import evaluate
    from lbp_spec.strategies import cases

    @given(cases())
    def test_my_implementation_agrees(case):
        assert my_advice(case) == evaluate(case).normative()

Every value drawn is a valid :class:`~lbp_spec.case.Case`; numbers are biased
towards the thresholds the guideline gives (MRC 3/4, NPRS 7/8, 25/26 cm, weeks
2/3, 5/6, 11/12, three sessions), where implementations tend to differ.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from lbp_spec.case import Case, NeurologicalExam, Sbst
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

__all__ = ["cases", "neurological_exams", "sbst_scores"]


def _near(*points: int) -> st.SearchStrategy[int]:
    """Integers at and around the given thresholds."""
    return st.sampled_from(sorted({p + d for p in points for d in (-1, 0, 1) if p + d >= 0}))


def neurological_exams() -> st.SearchStrategy[NeurologicalExam]:
    """Valid neurological examinations, biased to MRC 3/4/5 and 25/26 cm."""
    return st.builds(
        NeurologicalExam,
        dermatomal_pain=st.booleans(),
        fingertip_floor_cm=st.none()
        | st.sampled_from([0, 10, 24, 25, 25.5, 26, 40])
        | st.floats(min_value=0, max_value=200, allow_nan=False, allow_infinity=False),
        lasegue=st.booleans(),
        crossed_lasegue=st.booleans(),
        reversed_lasegue=st.booleans(),
        mrc_lowest=st.sampled_from([3, 4, 5, 5, 5]) | st.integers(min_value=0, max_value=5),
        dermatomal_sensory_loss=st.booleans(),
        diminished_tendon_reflexes=st.booleans(),
        extensor_plantar_response=st.sampled_from([False, False, False, True]),
    )


@st.composite
def sbst_scores(draw: st.DrawFn) -> Sbst:
    """Valid SBST scores (psychosocial subscore never above the total)."""
    total = draw(st.integers(min_value=0, max_value=9))
    psychosocial = draw(st.integers(min_value=0, max_value=min(5, total)))
    return Sbst(total=total, psychosocial=psychosocial)


def _subsets(kind: Any) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(list(kind)))


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    consultation: Consultation | None = None,
    lrs: bool | None = None,
    flags: bool = True,
) -> Case:
    """Valid cases.

    Args:
        draw: Supplied by Hypothesis.
        consultation: Fix the consultation kind; drawn when ``None``.
        lrs: Fix the LRS working diagnosis; drawn when ``None``.
        flags: When false, no red flags or emergency signs are drawn (so that
            most cases reach treatment).

    Returns:
        A strategy of valid cases.
    """
    kind = consultation or draw(st.sampled_from(list(Consultation)))
    discipline = draw(st.sampled_from(list(Discipline)))
    is_lrs = draw(st.booleans()) if lrs is None else lrs
    rare = st.integers(min_value=0, max_value=5).map(lambda n: n == 0)
    red_flags: frozenset[RedFlag] = frozenset()
    signs: frozenset[EmergencySign] = frozenset()
    if flags:
        red_flags = draw(_subsets(RedFlag)) if draw(rare) else frozenset()
        signs = draw(_subsets(EmergencySign)) if draw(rare) else frozenset()
    follow_up: dict[str, Any] = {}
    if kind is Consultation.FOLLOW_UP:
        follow_up = {
            "weeks_since_start": draw(_near(3, 6, 8, 12) | st.integers(min_value=0, max_value=60)),
            "sessions_used": draw(_near(3) | st.integers(min_value=1, max_value=30)),
            "improvement": draw(st.sampled_from(list(Improvement))),
            "reevaluation_new_insights": draw(st.none() | st.booleans()),
            "adjustment_expected_to_suffice": draw(st.none() | st.booleans()),
            "lrs_diagnosed_earlier": draw(st.booleans()) if is_lrs else None,
        }
    weeks = follow_up.get("weeks_since_start", 0)
    duration = draw(
        st.none()
        | _near(6, 8).map(lambda d: max(d, weeks))
        | st.integers(min_value=weeks, max_value=weeks + 60)
    )
    judged = st.none() | st.sampled_from(list(Improvement))
    return Case(
        consultation=kind,
        discipline=discipline,
        additional_competencies=(
            draw(st.booleans()) if discipline is Discipline.EXERCISE_THERAPIST else False
        ),
        need_for_assistance=draw(st.sampled_from([True, True, True, False])),
        red_flags=red_flags,
        neurological_emergency_signs=signs,
        lrs=is_lrs,
        symptoms_below_knee=draw(st.booleans()),
        neurological_exam=draw(st.none() | neurological_exams()),
        nprs=draw(_near(8) | st.integers(min_value=0, max_value=10)),
        prognostic_factors=draw(
            st.dictionaries(
                st.sampled_from(list(PrognosticFactor)),
                st.sampled_from(list(FactorLevel)),
                max_size=5,
            )
        ),
        sbst=draw(st.none() | sbst_scores()),
        mechanical_problem=draw(st.booleans()),
        massage_criteria=draw(st.just(frozenset(MassageCriterion)) | _subsets(MassageCriterion)),
        responsiveness=draw(st.none() | st.sampled_from(list(Responsiveness))) if is_lrs else None,
        complaint_duration_weeks=duration,
        pain_alleviation=draw(judged),
        loss_of_function_decrease=draw(judged),
        medication_dose_doubt=draw(st.none() | st.booleans()),
        **follow_up,
    )
