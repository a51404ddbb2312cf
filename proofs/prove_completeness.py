"""Completeness: every LRS case has a next step; needs are answered; profiles re-evaluated."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property

GROUP = group("completeness")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every completeness property is proven on the built-in guideline."""
    assert_proven(prop)


def test_without_the_recheck_an_lrs_case_falls_through() -> None:
    """Dropping the 2-4 day recheck leaves a non-referred LRS case without a next step."""
    result = refuted("completeness.lrs_next_step", GUIDELINE.without(["LRS.RECHECK"]))
    assert result.witness is not None
    assert result.witness_advice is not None
    assert result.witness.lrs is True
    assert (None, None) == (
        result.witness_advice.referral,
        result.witness_advice.recheck_after_days,
    )


def test_without_the_indication_a_need_goes_unanswered() -> None:
    """Dropping the indication rule leaves a patient with a need neither treated nor referred."""
    result = refuted(
        "completeness.need_for_assistance_answered", GUIDELINE.without(["INDICATION.THERAPY"])
    )
    assert result.witness is not None
    assert result.witness.need_for_assistance is True


def test_without_a_window_a_profile_is_never_re_evaluated() -> None:
    """Dropping the profile-2 window leaves profile 2 without a re-evaluation."""
    result = refuted(
        "completeness.profile_has_reevaluation", GUIDELINE.without(["EVAL.WINDOW.PROFILE_2"])
    )
    assert result.witness_advice is not None
    assert 2 == result.witness_advice.profile
