"""Referral: every referral has one mode; a referral instead of treatment plans no treatment."""

from __future__ import annotations

import pytest

from _support import assert_proven, check, group, refuted, replace_rule, without_resolutions
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property
from lbp_spec.rules.definitions import PROFILE_1, PROFILE_2_OR_3
from lbp_spec.verify import Status
from lbp_spec.vocabulary import ReferralMode

GROUP = group("referral")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every referral property is proven on the built-in guideline."""
    assert_proven(prop)


def test_treatment_beside_a_referral_that_replaces_it_is_caught() -> None:
    """If exercise therapy were offered on the profile alone, a referred patient would get it."""
    broken = replace_rule(GUIDELINE, "EXERCISE.PROFILE_2_3.OFFER", when=PROFILE_2_OR_3)
    result = refuted("referral.instead_of_treatment_plans_no_treatment", broken)
    assert result.witness_advice is not None
    referral = result.witness_advice.referral
    assert referral is not None
    assert ReferralMode.INSTEAD_OF_TREATMENT is referral.mode


def test_a_referral_without_mode_is_caught() -> None:
    """A referral rule that wrote no mode would break 'every referral has one mode'."""
    rule = GUIDELINE.rule("EVAL.LRS.MEDICATION_DOUBT")
    urgency_only = tuple(e for e in rule.then if e.slot == "referral")
    unresolved = without_resolutions(GUIDELINE, ["RES.REFERRAL_INSTEAD_OVER_ALONGSIDE"])
    broken = replace_rule(unresolved, "EVAL.LRS.MEDICATION_DOUBT", then=urgency_only)
    [prop] = [p for p in GROUP if p.name == "referral.every_referral_has_one_mode"]
    result = check(prop, broken)
    # No referral alongside treatment is left to reach: the property cannot be proven.
    assert (Status.VACUOUS, "never reachable: a referral alongside treatment") == (
        result.status,
        result.message,
    )


def test_two_modes_without_their_resolution_are_caught() -> None:
    """Without 'instead wins over alongside', doubt and persisting LRS give two modes."""
    weakened = without_resolutions(GUIDELINE, ["RES.REFERRAL_INSTEAD_OVER_ALONGSIDE"])
    result = refuted("referral.every_referral_has_one_mode", weakened)
    assert result.witness is not None
    assert True is result.witness.lrs
    assert True is result.witness.medication_dose_doubt


def test_a_session_limit_beside_a_referral_that_replaces_treatment_is_caught() -> None:
    """If profile 1 got its session limit on the profile alone, a referred patient would too."""
    broken = replace_rule(GUIDELINE, "PROFILE.1.SESSION_LIMIT", when=PROFILE_1)
    result = refuted("referral.instead_of_treatment_plans_no_treatment", broken)
    assert result.witness_advice is not None
    assert (1, 3) == (result.witness_advice.profile, result.witness_advice.session_limit)
