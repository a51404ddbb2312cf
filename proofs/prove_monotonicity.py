"""Monotonicity: a worse finding never de-escalates; the follow-up referral finding."""

from __future__ import annotations

from _support import check, refuted, with_resolutions
from lbp_spec import GUIDELINE
from lbp_spec.properties import by_name
from lbp_spec.rule import Resolution
from lbp_spec.verify import Status


def test_worse_finding_never_de_escalates() -> None:
    """Proven on the built-in guideline (a pair property: a case and a worse copy)."""
    result = check(by_name("monotonicity.worse_finding_never_de_escalates"))
    assert (Status.PROVEN, "") == (result.status, result.message)


def test_follow_up_referral_finding_is_refuted_with_a_pair() -> None:
    """The committee finding: a dominant factor at week 3-5 postpones a follow-up referral."""
    result = check(by_name("monotonicity.follow_up_referral_kept"))
    assert Status.REFUTED == result.status
    assert result.passed
    assert result.witness is not None
    assert result.worse is not None
    assert result.witness_advice is not None
    assert result.worse_advice is not None
    assert result.witness_advice.referral is not None
    assert None is result.worse_advice.referral
    assert 3 == result.worse_advice.profile
    assert result.witness.weeks_since_start is not None
    assert 3 <= result.witness.weeks_since_start < 12


def test_reversing_the_profile_resolution_lowers_a_profile() -> None:
    """If profile 2 won over profile 3, adding a non-dominant factor would lower the profile."""
    reversed_ = [
        Resolution(
            id="RES.PROFILE_2_OVER_3",
            title="reversed",
            winners=["PROFILE.2"],
            losers=["PROFILE.3"],
            slots=["profile"],
            reason="a deliberately wrong resolution",
        )
        if r.id == "RES.PROFILE_3_OVER_2"
        else r
        for r in GUIDELINE.resolutions
    ]
    result = refuted(
        "monotonicity.worse_finding_never_de_escalates", with_resolutions(GUIDELINE, reversed_)
    )
    assert result.worse_advice is not None
    assert result.witness_advice is not None
    assert (3, 2) == (result.witness_advice.profile, result.worse_advice.profile)
