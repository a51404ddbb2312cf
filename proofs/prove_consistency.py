"""Consistency: no intervention is both permitted and forbidden; one value per field."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted, without_resolutions
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property
from lbp_spec.vocabulary import AdviceWarning, Urgency

GROUP = group("consistency")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every consistency property is proven on the built-in guideline."""
    assert_proven(prop)


def test_literal_reading_is_refuted_with_a_replayed_witness() -> None:
    """Without resolutions the text collides, and the witness really breaks the property."""
    result = refuted("consistency.mobilisation_manipulation", GUIDELINE.literal())
    assert result.witness_advice is not None
    fired = set(result.witness_advice.fired)
    assert "PASSIVE.PROFILE_2_3.MOBILISATION" in fired
    forbids = {
        "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
        "PASSIVE.PROFILE_1.DO_NOT",
        "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
    }
    assert fired & forbids


def test_dropping_the_lrs_resolution_is_caught() -> None:
    """Removing the LRS-over-profile resolution alone breaks consistency for mobilisation."""
    weakened = without_resolutions(GUIDELINE, ["RES.LRS_OVER_PROFILE_MOBILISATION"])
    result = refuted("consistency.no_permit_and_forbid", weakened)
    assert result.witness is not None
    assert result.witness_advice is not None
    assert (True, True) == (result.witness.lrs, result.witness.mechanical_problem)
    # The evaluator keeps the most cautious value and flags the unresolved collision.
    assert AdviceWarning.UNRESOLVED_COLLISION in result.witness_advice.warnings


def test_dropping_the_urgency_resolution_leaves_two_urgencies() -> None:
    """Without 'most urgent wins', severe LRS with MRC 3 holds two referral urgencies."""
    weakened = without_resolutions(GUIDELINE, ["RES.MOST_URGENT_REFERRAL"])
    result = refuted("consistency.one_value_per_field", weakened)
    assert result.witness_advice is not None
    fired = set(result.witness_advice.fired)
    immediate = {r.id for r, v in GUIDELINE.writers("referral") if v is Urgency.IMMEDIATE}
    unstated = {r.id for r, v in GUIDELINE.writers("referral") if v is Urgency.NOT_STATED}
    assert fired & immediate
    assert fired & unstated
    assert AdviceWarning.UNRESOLVED_COLLISION in result.witness_advice.warnings


def test_literal_reading_gives_excluded_guidance_together() -> None:
    """Without resolutions an LRS patient gets time- and pain-contingent guidance at once."""
    result = refuted("consistency.no_excluded_guidance_pair", GUIDELINE.literal())
    assert result.witness is not None
    assert result.witness_advice is not None
    assert True is result.witness.lrs
    assert "EXERCISE.TYPE.GRADUAL" in result.witness_advice.fired


def test_dropping_the_pain_guided_resolution_is_caught() -> None:
    """Without the LRS pain-guided resolution the excluded pair comes back."""
    weakened = without_resolutions(GUIDELINE, ["RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT"])
    result = refuted("consistency.no_excluded_guidance_pair", weakened)
    assert result.witness is not None
    assert True is result.witness.lrs
