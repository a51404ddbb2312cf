"""Interventions: never TENS or interference; no passive treatment for LRS; none untreated."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted, replace_rule
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property
from lbp_spec.rule import strength
from lbp_spec.vocabulary import Intervention, Strength

GROUP = group("interventions")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every intervention property is proven on the built-in guideline."""
    assert_proven(prop)


def test_a_rule_that_permits_tens_is_caught() -> None:
    """If profiles 2-3 were to 'consider' TENS, the property fails."""
    broken = replace_rule(
        GUIDELINE,
        "PASSIVE.PROFILE_2_3.NO_TENS",
        then=strength(Strength.CONSIDER, Intervention.TENS, Intervention.INTERFERENCE),
    )
    result = refuted("interventions.no_tens_or_interference", broken)
    assert result.witness_advice is not None
    assert result.witness_advice.strength(Intervention.TENS).permits


def test_without_the_lrs_row_massage_is_permitted() -> None:
    """Dropping 'LRS: do not apply massage' lets an LRS patient be massaged."""
    weakened = GUIDELINE.without(["PASSIVE.LRS.NO_MASSAGE_TENS"])
    result = refuted("interventions.lrs_no_passive_treatment", weakened)
    assert result.witness is not None
    assert result.witness.lrs is True


@pytest.mark.parametrize(
    "rule",
    [
        "PASSIVE.PROFILE_1.DO_NOT",
        "PASSIVE.PROFILE_2_3.NO_TENS",
        "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
    ],
)
def test_a_prohibition_that_falls_silent_is_caught(rule: str) -> None:
    """Dropping a 'do not' rule leaves the intervention merely not indicated: caught."""
    result = refuted("interventions.prohibitions_hold", GUIDELINE.without([rule]))
    assert result.witness_advice is not None
    assert result.witness_advice.profile is not None


@pytest.mark.parametrize("rule", ["EXERCISE.PROFILE_1.SELF_DIRECTED", "EXERCISE.PROFILE_2_3.OFFER"])
def test_a_profile_without_exercise_is_caught(rule: str) -> None:
    """Dropping the exercise rule of a profile leaves its patients without exercise."""
    result = refuted("interventions.exercise_for_every_profile", GUIDELINE.without([rule]))
    assert result.witness_advice is not None
    assert result.witness_advice.profile is not None
