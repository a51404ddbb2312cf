"""Evaluation: escalation at a follow-up (profiles 1-2, profile 3, LRS)."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property

GROUP = group("evaluation")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every evaluation property is proven on the built-in guideline."""
    assert_proven(prop)


@pytest.mark.parametrize(
    ("prop", "rule"),
    [
        ("evaluation.profile_3_escalates", "EVAL.PROFILE_3.CONSULT_GP"),
        ("evaluation.profile_3_escalates", "EVAL.PROFILE_3.REFER"),
        ("evaluation.lrs_refers_when_persisting_or_dose_in_doubt", "EVAL.LRS.PERSISTENT"),
        ("evaluation.lrs_refers_when_persisting_or_dose_in_doubt", "EVAL.LRS.MEDICATION_DOUBT"),
        ("evaluation.profile_1_2_refers_when_nothing_new", "EVAL.PROFILE_1_2.REFER"),
    ],
)
def test_dropping_an_escalation_rule_is_caught(prop: str, rule: str) -> None:
    """Each escalation rule is needed: without it the property is refuted.

    The profile escalations come at a follow-up; the LRS referrals at any consultation.
    """
    result = refuted(prop, GUIDELINE.without([rule]))
    assert result.witness is not None
    if rule.startswith("EVAL.LRS."):
        assert result.witness.lrs
    else:
        assert result.witness.is_follow_up
