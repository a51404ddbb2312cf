"""Consistency: no intervention is both permitted and forbidden for one case."""

from __future__ import annotations

from lbp_spec.rules import GUIDELINE
from lbp_spec.verify import Status, verify
from lbp_spec.vocabulary import AdviceWarning

NAME = "consistency.mobilisation_manipulation"


def test_mobilisation_manipulation_never_both_permitted_and_forbidden() -> None:
    """Proven on the built-in guideline, with a satisfiable premise and reachable sides."""
    [result] = verify(GUIDELINE, properties=[NAME]).results
    assert (Status.PROVEN, "") == (result.status, result.message)


def test_literal_reading_is_refuted_with_a_replayed_witness() -> None:
    """Without resolutions the text collides, and the witness really breaks the property."""
    [result] = verify(GUIDELINE.literal(), properties=[NAME]).results
    assert Status.REFUTED == result.status
    assert result.witness is not None and result.witness_advice is not None
    fired = set(result.witness_advice.fired)
    permits = {"PASSIVE.PROFILE_2_3.MOBILISATION"}
    forbids = {
        "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
        "PASSIVE.PROFILE_1.DO_NOT",
        "PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
    }
    assert fired & permits
    assert fired & forbids


def test_dropping_a_resolution_is_caught() -> None:
    """Removing the LRS-over-profile resolution alone breaks the property."""
    from lbp_spec.ruleset import RuleSet

    weakened = RuleSet(
        "without RES.LRS_OVER_PROFILE_MOBILISATION",
        GUIDELINE.rules,
        [r for r in GUIDELINE.resolutions if r.id != "RES.LRS_OVER_PROFILE_MOBILISATION"],
    )
    [result] = verify(weakened, properties=[NAME]).results
    assert Status.REFUTED == result.status
    assert result.witness is not None and result.witness_advice is not None
    assert result.witness.lrs is True
    assert result.witness.mechanical_problem is True
    fired = set(result.witness_advice.fired)
    assert {"PASSIVE.PROFILE_2_3.MOBILISATION", "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION"} <= fired
    # The evaluator keeps the most cautious value and flags the unresolved collision.
    assert AdviceWarning.UNRESOLVED_COLLISION in result.witness_advice.warnings
