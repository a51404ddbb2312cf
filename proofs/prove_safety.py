"""Safety: red flags and emergencies are referred, immediately when urgent; safety net."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted, replace_rule
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property
from lbp_spec.rule import refer
from lbp_spec.vocabulary import ReferralMode, Urgency

GROUP = group("safety")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every safety property is proven on the built-in guideline."""
    assert_proven(prop)


def test_without_the_emergency_rule_an_emergency_goes_unreferred() -> None:
    """Dropping EMERGENCY.REFER leaves an emergency sign without referral."""
    result = refuted(
        "safety.red_flag_or_emergency_referred", GUIDELINE.without(["EMERGENCY.REFER"])
    )
    assert result.witness is not None
    assert not result.witness.red_flags


def test_a_routine_emergency_referral_is_caught() -> None:
    """If the emergency rule gave no urgency, the immediacy properties fail."""
    weakened = replace_rule(
        GUIDELINE,
        "EMERGENCY.REFER",
        then=refer(Urgency.NOT_STATED, ReferralMode.INSTEAD_OF_TREATMENT),
    )
    result = refuted("safety.emergency_refers_immediately", weakened)
    assert result.witness_advice is not None
    assert result.witness_advice.referral is not None
    assert Urgency.NOT_STATED is result.witness_advice.referral.urgency


def test_without_the_safety_net_an_lrs_patient_is_not_warned() -> None:
    """Dropping LRS.SAFETY_NET leaves an LRS patient without the safety-net advice."""
    result = refuted("safety.lrs_safety_net_advice", GUIDELINE.without(["LRS.SAFETY_NET"]))
    assert result.witness is not None
    assert result.witness.lrs is True
