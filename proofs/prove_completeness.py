"""Completeness: every LRS case reaches a referral, a GP consultation or a recheck."""

from __future__ import annotations

from lbp_spec.rules import GUIDELINE
from lbp_spec.verify import Status, verify

NAME = "completeness.lrs_next_step"


def test_every_lrs_case_has_a_next_step() -> None:
    """Proven on the built-in guideline, with a satisfiable premise."""
    [result] = verify(GUIDELINE, properties=[NAME]).results
    assert (Status.PROVEN, "") == (result.status, result.message)


def test_without_the_recheck_an_lrs_case_falls_through() -> None:
    """Dropping the 2-4 day recheck leaves a non-severe LRS case without a next step."""
    [result] = verify(GUIDELINE.without(["LRS.RECHECK"]), properties=[NAME]).results
    assert Status.REFUTED == result.status
    assert result.witness is not None and result.witness_advice is not None
    assert result.witness.lrs is True
    assert result.witness_advice.referral is None
    assert result.witness_advice.recheck_after_days is None
