"""Profiles: exactly one when indicated; profile 1 is limited."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted, without_resolutions
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property

GROUP = group("profiles")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every profile property is proven on the built-in guideline."""
    assert_proven(prop)


def test_without_the_profile_resolution_two_profiles_apply() -> None:
    """Without 'profile 3 over 2', a patient with both kinds of factors gets two profiles."""
    weakened = without_resolutions(GUIDELINE, ["RES.PROFILE_3_OVER_2"])
    result = refuted("profiles.indicated_has_exactly_one_profile", weakened)
    assert result.witness_advice is not None
    assert {"PROFILE.2", "PROFILE.3"} <= set(result.witness_advice.fired)


def test_without_the_session_limit_profile_1_is_unlimited() -> None:
    """Dropping the three-session limit is caught."""
    result = refuted("profiles.profile_1_limits", GUIDELINE.without(["PROFILE.1.SESSION_LIMIT"]))
    assert result.witness_advice is not None
    assert (1, None) == (result.witness_advice.profile, result.witness_advice.session_limit)
