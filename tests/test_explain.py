"""The readable account of an advice: complete, faithful to the rules, and readable."""

from __future__ import annotations

import re

from hypothesis import given

from lbp_spec import GUIDELINE, Case, NeurologicalExam, evaluate
from lbp_spec.contract import advice_from_json, advice_to_json
from lbp_spec.explain import explain
from lbp_spec.strategies import cases
from lbp_spec.vocabulary import EmergencySign, FactorLevel, Intervention, PrognosticFactor


def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space (undoes the wrapping)."""
    return re.sub(r"\s+", " ", text)


@given(cases())
def test_every_fired_rule_and_resolution_is_named(case: Case) -> None:
    """The account names every rule that fired and every resolution applied."""
    advice = evaluate(case)
    text = flat(explain(advice))
    missing = [r for r in advice.fired if r not in text]
    missing += [r.resolution for r in advice.resolutions if r.resolution not in text]
    assert [] == missing


@given(cases())
def test_every_intervention_has_its_strength_and_quotes(case: Case) -> None:
    """Each intervention appears with its strength and the quotes of the rules that set it."""
    advice = evaluate(case)
    text = flat(explain(advice))
    for intervention, item in advice.interventions.items():
        line = f"{intervention.value.replace('_', ' ')}: {item.strength.value.replace('_', ' ')}"
        assert (line, True) == (line, line in text)
        for rule_id in item.rules:
            for sentence in GUIDELINE.rule(rule_id).quote:
                assert (sentence, True) == (sentence, flat(sentence) in text)


@given(cases())
def test_lines_fit_88_columns(case: Case) -> None:
    """No line of the account is wider than 88 characters."""
    too_wide = [line for line in explain(evaluate(case)).splitlines() if len(line) > 88]
    assert [] == too_wide


def test_profile_window_and_limit_of_profile_1() -> None:
    """Profile 1: the profile, re-evaluation window and session limit are stated, with reasons."""
    text = explain(evaluate(Case(nprs=3)))
    assert [
        "Profile: 1",
        "Re-evaluation: after at least 3 weeks from the start of treatment",
        "Session limit: 3 sessions",
    ] == [line for line in text.splitlines() if line.startswith(("Profile", "Re-eval", "Session"))]
    assert "because: PROFILE.1.SESSION_LIMIT" in text


def test_emergency_referral_is_immediate() -> None:
    """An emergency sign: the referral and its urgency are stated, with the rule behind it."""
    text = explain(evaluate(Case(neurological_emergency_signs={EmergencySign.URINE_RETENTION})))
    assert "Referral: to the general practitioner, urgency immediate" in text
    assert "because: EMERGENCY.REFER" in text


def test_lrs_recheck_and_safety_net() -> None:
    """LRS: the recheck window and the safety-net topics are stated."""
    text = explain(evaluate(Case(lrs=True, nprs=5, neurological_exam=NeurologicalExam())))
    assert "Recheck: after 2 to 4 days" in text
    assert "- saddle numbness (LRS.SAFETY_NET)" in text


def test_resolution_reason_is_given() -> None:
    """An applied resolution is explained with its declared title and reason."""
    case = Case(prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT})
    advice = evaluate(case)
    [resolution] = [r for r in GUIDELINE.resolutions if r.id == "RES.PROFILE_2_OVER_1"]
    assert "RES.PROFILE_2_OVER_1" in {r.resolution for r in advice.resolutions}
    assert flat(resolution.reason) in flat(explain(advice))


def test_advice_without_trace_is_explained_without_rules() -> None:
    """A normative advice (e.g. a vendor's) is explained, saying that it names no rules."""
    text = explain(evaluate(Case(nprs=3)).normative())
    assert "none (the advice carries no trace)" in text
    assert "mobilisation: do not\n    the advice does not name the rules behind it" in text
    assert "because" not in text


def test_unknown_rule_ids_are_shown_as_they_are() -> None:
    """Rule ids the rule set does not know are shown, not fatal."""
    out = advice_to_json(evaluate(Case(nprs=3)))
    out["interventions"][Intervention.MASSAGE.value]["rules"] = ["VENDOR.MASSAGE"]
    out["trace"] = [{"rule": "VENDOR.MASSAGE", "section": out["trace"][0]["section"]}]
    text = explain(advice_from_json(out))
    assert "VENDOR.MASSAGE (not in KNGF 2021 low back pain and LRS)" in text
