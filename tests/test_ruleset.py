"""RuleSet well-formedness, its variants, and the literal collisions of the guideline."""

from __future__ import annotations

import pytest

from lbp_spec import GUIDELINE, Case, NeurologicalExam, RuleSet, RuleSetError, evaluate
from lbp_spec.advice import Referral
from lbp_spec.logic import AdviceIs, Const, Named, cmp, flag
from lbp_spec.rule import Resolution, Rule, add, sets, strength
from lbp_spec.vocabulary import (
    AdviceWarning,
    EducationTopic,
    ExerciseGuidance,
    FactorLevel,
    Intervention,
    PrognosticFactor,
    ReferralMode,
    Section,
    Strength,
    Urgency,
)

LITERAL = GUIDELINE.literal()
"""The guideline without its resolutions: the literal reading."""

NON_DOMINANT_ONLY = Case(
    prognostic_factors={PrognosticFactor.PREVIOUS_EPISODES: FactorLevel.NON_DOMINANT}
)
"""A patient with only a non-dominant factor: literally both profile 1 and profile 2."""

INSTEAD = ReferralMode.INSTEAD_OF_TREATMENT


def rule(rule_id: str, when: object = None, *effects: object) -> Rule:
    """A tiny rule for rule-set tests (quote and section are placeholders)."""
    return Rule(
        id=rule_id,
        section=Section.PROFILES,
        quote="Limit the treatment to a maximum of three sessions.",
        title=rule_id,
        when=flag("lrs") if when is None else when,  # type: ignore[arg-type]
        then=effects or [sets("session_limit", 3)],  # type: ignore[arg-type]
    )


def resolution(winners: list[str], losers: list[str], slots: list[str]) -> Resolution:
    """A tiny resolution for rule-set tests."""
    return Resolution(
        id="RES.TEST", title="test", winners=winners, losers=losers, slots=slots, reason="test"
    )


# -- well-formedness ---------------------------------------------------------------------------


def test_duplicate_rule_ids_are_rejected() -> None:
    """Two rules with one id make a malformed rule set, named in the message."""
    with pytest.raises(RuleSetError, match=r"duplicate rule id T\.A"):
        RuleSet("t", [rule("T.A"), rule("T.A", flag("symptoms_below_knee"))])


def test_duplicate_resolution_ids_are_rejected() -> None:
    """Two resolutions with one id make a malformed rule set."""
    a = rule("T.A", None, sets("profile", 1))
    b = rule("T.B", None, sets("profile", 2))
    res = resolution(["T.B"], ["T.A"], ["profile"])
    with pytest.raises(RuleSetError, match=r"duplicate resolution id RES\.TEST"):
        RuleSet("t", [a, b], [res, res])


def test_resolution_naming_an_unknown_rule_is_rejected() -> None:
    """A resolution must name rules of the rule set."""
    a = rule("T.A", None, sets("profile", 1))
    with pytest.raises(RuleSetError, match=r"RES\.TEST names unknown rule T\.GONE"):
        RuleSet("t", [a], [resolution(["T.GONE"], ["T.A"], ["profile"])])


def test_resolution_naming_an_unknown_slot_is_rejected() -> None:
    """A resolution must name advice slots that exist."""
    a = rule("T.A", None, sets("profile", 1))
    b = rule("T.B", None, sets("profile", 2))
    with pytest.raises(RuleSetError, match="names unknown slot 'prolife'"):
        RuleSet("t", [a, b], [resolution(["T.B"], ["T.A"], ["prolife"])])


def test_loser_that_does_not_write_the_contested_slot_is_rejected() -> None:
    """A loser must write the slot it is said to lose on."""
    a = rule("T.A", None, sets("referral", Urgency.NOT_STATED))
    b = rule("T.B", None, sets("profile", 2))
    with pytest.raises(RuleSetError) as info:
        RuleSet("t", [a, b], [resolution(["T.B"], ["T.A"], ["profile"])])
    message = str(info.value)
    assert "RES.TEST: no loser writes profile" in message
    assert "loser T.A writes none of profile" in message


def test_rule_cannot_win_against_itself() -> None:
    """A rule cannot be winner and loser of one resolution."""
    a = rule("T.A", None, sets("profile", 1))
    with pytest.raises(RuleSetError, match="cannot win against itself"):
        RuleSet("t", [a], [resolution(["T.A"], ["T.A"], ["profile"])])


def test_rule_reading_a_slot_it_decides_is_rejected() -> None:
    """A rule whose condition reads the slot it writes has no evaluation order."""
    loop = rule("T.LOOP", AdviceIs("profile", 1), sets("profile", 2))
    with pytest.raises(RuleSetError, match=r"read slots they help decide: T\.LOOP"):
        RuleSet("t", [loop])


def test_rules_reading_each_others_slots_are_rejected() -> None:
    """A cycle through two rules (each reads what the other writes) is rejected."""
    a = rule("T.A", AdviceIs("profile", 1), sets("session_limit", 3))
    b = rule("T.B", AdviceIs("session_limit", 3), sets("profile", 1))
    with pytest.raises(RuleSetError, match="read slots they help decide") as info:
        RuleSet("t", [a, b])
    assert "T.A" in str(info.value)
    assert "T.B" in str(info.value)


def test_winner_reading_the_slot_it_decides_is_rejected() -> None:
    """A resolution winner takes part in deciding the slot, so it may not read it."""
    a = rule("T.A", None, sets("profile", 1))
    b = rule("T.B", AdviceIs("profile", 1), sets("session_limit", 3))
    c = rule("T.C", AdviceIs("session_limit", 3), sets("session_limit", 2))
    with pytest.raises(RuleSetError):
        RuleSet("t", [a, b, c], [resolution(["T.C"], ["T.B"], ["session_limit"])])


def test_reading_an_unknown_or_set_slot_is_rejected() -> None:
    """Conditions may read only single advice slots."""
    with pytest.raises(RuleSetError, match="'nope', which is not a single advice slot"):
        RuleSet("t", [rule("T.A", AdviceIs("nope", 1))])
    with pytest.raises(RuleSetError, match="'education', which is not a single advice slot"):
        RuleSet("t", [rule("T.A", AdviceIs("education", 1))])


def test_two_definitions_with_one_name_are_rejected() -> None:
    """Two different named definitions sharing a name would compile to one local."""
    one = Named("x", flag("lrs"), "x")
    other = Named("x", flag("symptoms_below_knee"), "x")
    with pytest.raises(RuleSetError, match="two different definitions named 'x'"):
        RuleSet("t", [rule("T.A", one & other)])


def test_all_problems_are_reported_together() -> None:
    """Every problem of a malformed rule set is listed in one error."""
    a = rule("T.A", None, sets("profile", 1))
    with pytest.raises(RuleSetError) as info:
        RuleSet("t", [a, a], [resolution(["T.GONE"], ["T.A"], ["profile"])])
    message = str(info.value)
    assert "duplicate rule id T.A" in message
    assert "names unknown rule T.GONE" in message


def test_rule_without_effect_or_quote_is_rejected() -> None:
    """A rule must do something and quote something."""
    with pytest.raises(ValueError, match="has no effect"):
        Rule(id="T.A", section=Section.PROFILES, quote="q", title="t", when=Const(True), then=[])
    with pytest.raises(ValueError, match="quotes nothing"):
        Rule(
            id="T.A",
            section=Section.PROFILES,
            quote=" ",
            title="t",
            when=Const(True),
            then=[sets("profile", 1)],
        )


def test_effects_are_typed_by_their_slot() -> None:
    """An effect must name a known slot and a value of the slot's type."""
    with pytest.raises(ValueError, match="no advice slot 'prolife'"):
        sets("prolife", 1)
    with pytest.raises(TypeError):
        sets("profile", True)
    with pytest.raises(TypeError):
        sets("referral", "immediate")
    with pytest.raises(TypeError):
        strength("consider", Intervention.MASSAGE)  # type: ignore[arg-type]


def test_well_formed_rule_set_orders_readers_after_writers() -> None:
    """A rule that reads a slot is ordered after the rules that decide it."""
    reader = rule("T.READER", AdviceIs("profile", 1), sets("session_limit", 3))
    writer = rule("T.WRITER", Const(True), sets("profile", 1))
    rs = RuleSet("t", [reader, writer])
    assert ("T.WRITER", "T.READER") == tuple(r.id for r in rs.order)
    assert ("T.READER", "T.WRITER") == tuple(r.id for r in rs.rules)


def test_guideline_order_places_every_rule_once() -> None:
    """The evaluation order of the guideline is a permutation of its rules."""
    assert sorted(r.id for r in GUIDELINE.rules) == sorted(r.id for r in GUIDELINE.order)
    assert GUIDELINE.resolutions


# -- variants ----------------------------------------------------------------------------------


def test_literal_drops_every_resolution_and_keeps_every_rule() -> None:
    """literal() is the same rules, in the same order, with no resolution."""
    assert () == LITERAL.resolutions
    assert [r.id for r in GUIDELINE.rules] == [r.id for r in LITERAL.rules]
    assert LITERAL.name.endswith("(literal)")


def test_without_drops_rules_and_the_resolutions_that_name_only_them() -> None:
    """without() removes the rules, and resolutions left without winners or losers."""
    smaller = GUIDELINE.without(["PROFILE.2"])
    ids = [r.id for r in smaller.rules]
    assert "PROFILE.2" not in ids
    assert len(GUIDELINE.rules) - 1 == len(ids)
    res_ids = [r.id for r in smaller.resolutions]
    assert "RES.PROFILE_2_OVER_1" not in res_ids
    assert "RES.PROFILE_3_OVER_2" not in res_ids
    assert "RES.MOST_URGENT_REFERRAL" in res_ids


def test_without_trims_the_names_inside_kept_resolutions() -> None:
    """A resolution that keeps other rules loses only the dropped names."""
    smaller = GUIDELINE.without(["LRS.REFER.SEVERE"])
    [res] = [r for r in smaller.resolutions if r.id == "RES.MOST_URGENT_REFERRAL"]
    assert "LRS.REFER.SEVERE" not in res.losers
    assert "REDFLAG.REFER" in res.losers


def test_without_changes_the_advice() -> None:
    """Dropping the severe-LRS referral leaves an LRS patient with NPRS 9 unreferred."""
    case = Case(lrs=True, nprs=9)
    assert Referral(Urgency.NOT_STATED, INSTEAD) == evaluate(case).referral
    smaller = GUIDELINE.without(["LRS.REFER.SEVERE"])
    assert None is evaluate(case, smaller).referral


def test_rule_lookup_names_the_missing_rule() -> None:
    """Looking up an unknown rule is a KeyError naming it."""
    with pytest.raises(KeyError, match=r"NO\.SUCH"):
        GUIDELINE.rule("NO.SUCH")


# -- the literal collisions are real -----------------------------------------------------------


def test_literal_profiles_collide_on_non_dominant_factors() -> None:
    """Literally, only non-dominant factors fit profiles 1 and 2: the evaluator warns."""
    advice = evaluate(NON_DOMINANT_ONLY, LITERAL)
    assert {"PROFILE.1", "PROFILE.2"} <= set(advice.fired)
    assert AdviceWarning.UNRESOLVED_COLLISION in advice.warnings
    assert () == advice.resolutions


def test_resolved_profiles_do_not_collide_on_the_same_case() -> None:
    """With the resolutions, the same patient gets profile 2 and no collision warning."""
    advice = evaluate(NON_DOMINANT_ONLY)
    assert 2 == advice.profile
    assert AdviceWarning.UNRESOLVED_COLLISION not in advice.warnings


def test_literal_profiles_collide_on_dominant_and_non_dominant_factors() -> None:
    """Literally, dominant plus non-dominant factors fit profiles 2 and 3."""
    case = Case(
        prognostic_factors={
            PrognosticFactor.PREVIOUS_EPISODES: FactorLevel.NON_DOMINANT,
            PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT,
        }
    )
    advice = evaluate(case, LITERAL)
    assert {"PROFILE.2", "PROFILE.3"} <= set(advice.fired)
    assert AdviceWarning.UNRESOLVED_COLLISION in advice.warnings


def test_literal_referrals_collide_on_lrs_with_severe_motor_deficit() -> None:
    """Literally, LRS with MRC 3 is referred both immediately and with no stated urgency."""
    case = Case(lrs=True, neurological_exam=NeurologicalExam(mrc_lowest=3))
    advice = evaluate(case, LITERAL)
    assert {"EMERGENCY.REFER", "LRS.REFER.SEVERE"} <= set(advice.fired)
    assert AdviceWarning.UNRESOLVED_COLLISION in advice.warnings
    assert Referral(Urgency.IMMEDIATE, INSTEAD) == advice.referral


def test_literal_without_collision_does_not_warn() -> None:
    """The literal rules agree on a plain patient: no warning when nothing collides."""
    advice = evaluate(Case(), LITERAL)
    assert AdviceWarning.UNRESOLVED_COLLISION not in advice.warnings
    assert 1 == advice.profile


def test_literal_lrs_mobilisation_collides() -> None:
    """Literally, LRS in profile 2 with a mechanical problem collides on mobilisation."""
    case = Case(
        lrs=True,
        mechanical_problem=True,
        prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT},
    )
    literal = evaluate(case, LITERAL)
    assert AdviceWarning.UNRESOLVED_COLLISION in literal.warnings
    assert Strength.PREFERABLY_NOT == evaluate(case).strength(Intervention.MOBILISATION)


def test_reading_a_value_no_rule_writes_never_holds() -> None:
    """A rule reading a slot value no rule writes never fires (the slot keeps its default)."""
    writer = rule("T.W", Const(True), sets("profile", 1))
    reader = rule("T.R", AdviceIs("profile", 3) & cmp("nprs", ">=", 0), sets("session_limit", 3))
    rs = RuleSet("t", [writer, reader])
    advice = evaluate(Case(), rs)
    assert ("T.W",) == advice.fired
    assert None is advice.session_limit


def test_a_set_slot_resolution_needs_no_winner_writing_the_slot() -> None:
    """On a set slot a winner may write another field: the loser's member is set aside."""
    a = rule(
        "T.A", Const(True), *add("exercise_guidance", ExerciseGuidance.GRADUAL_TIME_CONTINGENT)
    )
    b = rule("T.B", Const(True), *add("education", EducationTopic.LRS_MOVE_GUIDED_BY_PAIN))
    rs = RuleSet("t", [a, b], [resolution(["T.B"], ["T.A"], ["exercise_guidance"])])
    advice = evaluate(Case(), rs)
    assert ((), (EducationTopic.LRS_MOVE_GUIDED_BY_PAIN,)) == (
        advice.exercise_guidance,
        advice.education,
    )


def test_a_single_slot_resolution_needs_every_winner_writing_the_slot() -> None:
    """On a single slot a winner that does not write it would leave it empty: rejected."""
    a = rule("T.A", None, sets("profile", 1))
    b = rule("T.B", None, *add("education", EducationTopic.LRS_MOVE_GUIDED_BY_PAIN))
    with pytest.raises(RuleSetError, match=r"winner T\.B does not write profile"):
        RuleSet("t", [a, b], [resolution(["T.B"], ["T.A"], ["profile"])])
