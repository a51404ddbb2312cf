"""Competency: the exercise therapist's limit on non-exercise interventions."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property
from lbp_spec.vocabulary import Discipline

GROUP = group("competency")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """The competency property is proven on the built-in guideline."""
    assert_proven(prop)


def test_without_the_competency_rule_the_limit_is_lost() -> None:
    """Dropping the competency rule lets the profile rows permit what is out of scope.

    (Dropping only its resolution is caught by the consistency group instead: the
    evaluator then keeps the most cautious strength and flags the collision.)
    """
    weakened = GUIDELINE.without(["PASSIVE.COMPETENCY.EXERCISE_THERAPIST"])
    result = refuted("competency.exercise_therapist_limit", weakened)
    assert result.witness is not None
    assert Discipline.EXERCISE_THERAPIST is result.witness.discipline
