"""Hypothesis strategies for episodes: how a patient evolves, and the episodes that follow.

Needs the ``strategies`` extra (Hypothesis). Every episode drawn comes from
:func:`lbp_spec.episodes.simulate.simulate`, so it follows the pathway and carries the
rules' advice at each consultation::

    from hypothesis import given
    from lbp_spec.episodes.strategies import episodes

    @given(episodes(lrs=True))
    def test_my_scheduler(episode):
        ...
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from lbp_spec.episodes.pathway import PATHWAY, Episode, Pathway
from lbp_spec.episodes.simulate import Change, simulate
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.strategies import cases, neurological_exams
from lbp_spec.vocabulary import (
    Consultation,
    EmergencySign,
    FactorLevel,
    Improvement,
    PrognosticFactor,
    RedFlag,
)

__all__ = ["changes", "episodes"]

_FACTORS = st.dictionaries(
    st.sampled_from(list(PrognosticFactor)), st.sampled_from(list(FactorLevel)), max_size=4
)


def _rare(draw: st.DrawFn) -> bool:
    return draw(st.integers(min_value=0, max_value=11)) == 0


@st.composite
def changes(
    draw: st.DrawFn,
    *,
    lrs: bool | None = None,
    improvement: Improvement | None = None,
    flags: bool = True,
) -> Change:
    """How a patient presents at the next consultation.

    Every change judges the improvement and answers both re-evaluation
    questions (so that a re-evaluation that is due is always answered).

    Args:
        draw: Supplied by Hypothesis.
        lrs: Keep the working diagnosis as it is (``None``: it may change).
        improvement: Fix the improvement judged (``None``: drawn, mostly inadequate).
        flags: When false, no red flags, emergency signs or doubt about the
            medication appear (so that episodes run their course).

    Returns:
        A strategy of changes.

    """
    findings: dict[str, Any] = {
        "improvement": improvement
        or draw(st.sampled_from([Improvement.INADEQUATE] * 2 + [Improvement.ADEQUATE])),
        "reevaluation_new_insights": draw(st.booleans()),
        "adjustment_expected_to_suffice": draw(st.booleans()),
    }
    if draw(st.booleans()):
        findings["nprs"] = draw(st.integers(min_value=0, max_value=10))
    if _rare(draw):
        findings["need_for_assistance"] = draw(st.booleans())
    if _rare(draw):
        findings["neurological_exam"] = draw(st.none() | neurological_exams())
    if lrs is None and _rare(draw):
        findings["lrs"] = draw(st.booleans())
        if not findings["lrs"]:
            findings["responsiveness"] = None
    if flags:
        if _rare(draw):
            findings["red_flags"] = draw(st.frozensets(st.sampled_from(list(RedFlag)), min_size=1))
        if _rare(draw):
            findings["neurological_emergency_signs"] = draw(
                st.frozensets(st.sampled_from(list(EmergencySign)), min_size=1)
            )
        if _rare(draw):
            findings["medication_dose_doubt"] = draw(st.booleans())
    return Change(
        after_days=draw(
            st.none()
            | st.sampled_from([2, 3, 4, 7, 14, 21, 42, 84])
            | st.integers(min_value=0, max_value=60)
        ),
        findings=findings,
        reassess=draw(st.none() | _FACTORS),
        extra_sessions=draw(st.sampled_from([0, 0, 0, 1, 2, 5])),
        stop=draw(st.booleans()),
    )


@st.composite
def episodes(
    draw: st.DrawFn,
    *,
    bound_weeks: int = 16,
    lrs: bool | None = None,
    improvement: Improvement | None = None,
    flags: bool = True,
    ruleset: RuleSet | None = None,
    pathway: Pathway | None = None,
    max_changes: int = 30,
) -> Episode:
    """Episodes simulated from a drawn initial case and drawn changes.

    Args:
        draw: Supplied by Hypothesis.
        bound_weeks: The last week followed.
        lrs: Fix the working diagnosis at every consultation (``None``: drawn,
            and it may change).
        improvement: Fix the improvement at every follow-up.
        flags: When false, no red flags, emergency signs or medication doubt.
        ruleset: The rules; the built-in guideline when ``None``.
        pathway: The pathway; the spec's when ``None``.
        max_changes: The most changes drawn; once they run out, required
            consultations come unchanged and the episode ends where nothing
            is required.

    Returns:
        A strategy of episodes.

    """
    start = draw(cases(consultation=Consultation.INITIAL, lrs=lrs, flags=flags))
    steps = draw(
        st.lists(
            changes(lrs=lrs, improvement=improvement, flags=flags),
            min_size=1,
            max_size=max_changes,
        )
    )
    return simulate(
        start,
        steps,
        ruleset=ruleset or GUIDELINE,
        pathway=pathway or PATHWAY,
        bound_weeks=bound_weeks,
    )
