"""Rule health: every rule fires, redundant and shadowed rules, reachable advice values."""

from __future__ import annotations

import json

import attrs
import pytest
import z3

from lbp_spec import GUIDELINE, Case, evaluate
from lbp_spec.advice import Advice
from lbp_spec.health import (
    Cause,
    HealthReport,
    ValueHealth,
    Verdict,
    _without,  # private: the rule set without one rule
    check_health,
    health_json,
    render_health_text,
)
from lbp_spec.logic import Const, Expr, cmp, flag
from lbp_spec.rule import SLOTS, Effect, Resolution, Rule, SlotKind, intervention_slot, sets
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import AdviceWarning, EducationTopic, Intervention, Section, Strength

QUOTE = "Limit the treatment to a maximum of three sessions."
MASSAGE = intervention_slot(Intervention.MASSAGE)
BEHAVIOUR = intervention_slot(Intervention.BEHAVIOUR_ORIENTED_TREATMENT)


def _rule(rule_id: str, when: Expr, *effects: Effect) -> Rule:
    return Rule(
        id=rule_id, section=Section.PASSIVE, title=rule_id, quote=QUOTE, when=when, then=effects
    )


def _read(advice: Advice, slot: str) -> object:
    """The value of an advice slot, read independently of lbp_spec.health."""
    if slot.startswith("interventions."):
        return advice.strength(Intervention(slot.split(".", 1)[1]))
    if slot == "referral":
        return None if advice.referral is None else advice.referral.urgency
    if slot == "referral_mode":
        return None if advice.referral is None else advice.referral.mode
    if slot.startswith("neurological_examination."):
        return getattr(advice.neurological_examination, slot.split(".", 1)[1])
    return getattr(advice, slot)


def _value(report: HealthReport, slot: str, value: object, present: bool = True) -> ValueHealth:
    [found] = [v for v in report.values if (v.slot, v.value, v.present) == (slot, value, present)]
    return found


@pytest.fixture(scope="module")
def guideline() -> HealthReport:
    """The health of the built-in guideline, checked once for this module."""
    return check_health()


# -- the built-in guideline ------------------------------------------------------------------------


def test_every_guideline_rule_fires_on_its_replayed_witness(guideline: HealthReport) -> None:
    """Each rule has a minimal witness; evaluated afresh, the rule is in its trace."""
    assert [r.id for r in GUIDELINE.rules] == [r.rule for r in guideline.rules]
    for health in guideline.rules:
        assert Verdict.YES == health.fires, health.rule
        assert health.witness is not None
        assert health.witness.minimal
        advice = evaluate(health.witness.case, GUIDELINE)
        assert advice == health.witness.advice
        assert health.rule in advice.fired


def test_guideline_is_healthy(guideline: HealthReport) -> None:
    """Nothing never fires, nothing is unknown or in error, and the report says ok."""
    assert ((), (), ()) == (guideline.never_fire, guideline.unknown, guideline.errors)
    assert guideline.ok


def test_no_guideline_rule_is_redundant_or_shadowed(guideline: HealthReport) -> None:
    """Every rule changes the advice of its decisive case when it is taken out."""
    assert ((), ()) == (guideline.redundant, guideline.shadowed)
    for health in guideline.rules:
        assert Verdict.NO == health.redundant, health.rule
        assert health.decisive is not None
        case = health.decisive.case
        reduced = _without(GUIDELINE, health.rule)
        assert evaluate(case, reduced).normative() != evaluate(case).normative(), health.rule


def test_strength_do_is_unreachable_because_no_rule_writes_it(guideline: HealthReport) -> None:
    """No rule of the guideline says 'do' for an intervention: unreachable, with that reason."""
    for intervention in Intervention:
        record = _value(guideline, intervention_slot(intervention), Strength.DO)
        assert (Verdict.NO, Cause.NOT_WRITTEN, "no rule writes it", ()) == (
            record.reachable,
            record.cause,
            record.why,
            record.writers,
        )


def test_unresolved_collision_is_unreachable_on_the_resolved_guideline(
    guideline: HealthReport,
) -> None:
    """The expected outcome: the resolutions leave no valid case with a collision."""
    record = guideline.collision
    assert record is not None
    assert (Verdict.NO, Cause.NO_COLLISION) == (record.reachable, record.cause)
    assert "unresolved_collision warning: unreachable" in render_health_text(guideline)


def test_every_written_value_of_the_guideline_is_reachable(guideline: HealthReport) -> None:
    """Every value some rule writes occurs; the only unreachable values are the unwritten."""
    causes = {v.cause for v in guideline.unreachable}
    assert {Cause.NOT_WRITTEN, Cause.NO_COLLISION} == causes


def test_every_reachable_value_replays(guideline: HealthReport) -> None:
    """Each witness, evaluated afresh, has the value (or lacks the member) it stands for."""
    reached = [v for v in guideline.values if v.reachable is Verdict.YES]
    assert reached
    for record in reached:
        assert record.witness is not None
        advice = evaluate(record.witness.case)
        value = _read(advice, record.slot)
        if SLOTS[record.slot].kind is SlotKind.SET:
            assert record.present == (record.value in value), record.label  # type: ignore[operator]
        else:
            assert record.value == value, record.label


def test_values_cover_every_scale(guideline: HealthReport) -> None:
    """Interventions are asked about the whole scale; profile 1 to 3 and absent; sets both ways."""
    asked = {(v.slot, v.value, v.present) for v in guideline.values}
    for strength in Strength:
        assert (MASSAGE, strength, True) in asked
    assert {1, 2, 3, None} == {value for slot, value, _ in asked if slot == "profile"}
    for topic in EducationTopic:
        assert {("education", topic, True), ("education", topic, False)} <= asked


def test_plain_patient_witnesses_are_the_plain_patient(guideline: HealthReport) -> None:
    """Witness minimality: values the plain patient has are shown on the plain patient."""
    plain = evaluate(Case())
    profile = _value(guideline, "profile", plain.profile)
    assert profile.witness is not None
    assert Case() == profile.witness.case


def test_report_json_is_plain_json(guideline: HealthReport) -> None:
    """The JSON value survives json.dumps; witnesses are listed once, as contract cases."""
    data = json.loads(json.dumps(health_json(guideline)))
    assert (True, len(GUIDELINE.rules)) == (data["ok"], data["summary"]["rules"])
    assert "no" == data["summary"]["unresolved_collision"]
    first = data["rules"][0]
    assert ("yes", "no", True) == (first["fires"], first["redundant"], first["witness_minimal"])
    case = data["witnesses"][first["witness"]]["case"]
    assert case["consultation"] in ("initial", "follow_up")
    cases = [json.dumps(w["case"], sort_keys=True) for w in data["witnesses"]]
    assert len(set(cases)) == len(cases)
    windows = [v["value"] for v in data["values"] if v["slot"] == "reevaluation_after_weeks"]
    assert [3, None] in windows


# -- small broken rule sets ------------------------------------------------------------------------


def test_rules_that_never_fire_are_defects() -> None:
    """A self-contradictory condition and an out-of-range threshold never fire; not ok."""
    rules = RuleSet(
        "never",
        [
            _rule("A.CONTRADICTION", flag("lrs") & ~flag("lrs"), sets("session_limit", 3)),
            _rule("B.OUT_OF_RANGE", cmp("nprs", ">=", 11), sets("session_limit", 3)),
            _rule("C.FINE", flag("lrs"), sets("physiotherapy_indicated", True)),
        ],
    )
    report = check_health(rules)
    assert ["A.CONTRADICTION", "B.OUT_OF_RANGE"] == [r.rule for r in report.never_fire]
    assert [Verdict.YES] * 2 == [r.redundant for r in report.never_fire]
    assert ["it never fires"] * 2 == [r.why for r in report.never_fire]
    assert not report.ok
    record = _value(report, "session_limit", 3)
    assert (Verdict.NO, Cause.NOT_DECIDED) == (record.reachable, record.cause)
    assert "A.CONTRADICTION and B.OUT_OF_RANGE write it, but none of them fires" == record.why
    text = render_health_text(report)
    assert "2 never fire" in text
    assert "health: NOT ok" in text


def test_two_identical_rules_are_each_redundant() -> None:
    """Same condition, same effect: each is redundant alone, and the report says so."""
    rules = RuleSet(
        "twins",
        [
            _rule("A.ONE", flag("lrs"), sets("session_limit", 3)),
            _rule("A.TWO", flag("lrs"), sets("session_limit", 3)),
        ],
    )
    report = check_health(rules)
    assert ["A.ONE", "A.TWO"] == [r.rule for r in report.redundant]
    assert [("A.TWO",), ("A.ONE",)] == [r.duplicated_by for r in report.redundant]
    assert "session_limit 3: whenever it fires, A.TWO gives it too" == report.redundant[0].why
    assert (("A.ONE", "A.TWO"),) == report.mutual_duplicates
    assert report.ok  # redundancy is a fact, not a defect
    both_gone = RuleSet("none", [_rule("C.OTHER", flag("lrs"), sets("profile", 1))])
    case = Case(lrs=True)
    assert evaluate(case, both_gone).session_limit != evaluate(case, rules).session_limit
    assert "A.ONE and A.TWO duplicate each other: remove one, not both" in render_health_text(
        report
    )


def _shadowing_rules() -> RuleSet:
    return RuleSet(
        "shadow",
        [
            _rule("W.LRS", flag("lrs"), sets(MASSAGE, Strength.DO_NOT)),
            _rule(
                "L.MECHANICAL",
                flag("lrs") & flag("mechanical_problem"),
                sets(MASSAGE, Strength.CONSIDER),
            ),
        ],
        [
            Resolution(
                id="RES.W_OVER_L",
                title="W wins",
                winners=["W.LRS"],
                losers=["L.MECHANICAL"],
                slots=[MASSAGE],
                reason="W is the more specific.",
            )
        ],
    )


def test_rule_always_set_aside_is_shadowed_and_redundant() -> None:
    """A loser whose winner fires whenever it fires: shadowed, redundant, and why."""
    report = check_health(_shadowing_rules())
    [loser] = report.shadowed
    assert ("L.MECHANICAL", ("RES.W_OVER_L",)) == (loser.rule, loser.set_aside_by)
    assert (Verdict.YES, Verdict.YES) == (loser.fires, loser.redundant)
    assert "always set aside by RES.W_OVER_L" == loser.why
    winner = report.rules[0]
    assert (Verdict.NO, Verdict.NO) == (winner.shadowed, winner.redundant)
    record = _value(report, MASSAGE, Strength.CONSIDER)
    assert (Verdict.NO, Cause.NOT_DECIDED) == (record.reachable, record.cause)
    assert "L.MECHANICAL writes it, but it is always set aside by a resolution" == record.why
    assert "shadowed rules: 1" in render_health_text(report)


def test_literal_collision_reaches_the_unresolved_collision_warning() -> None:
    """Without its resolution the same rules collide: the warning is reachable, not ok."""
    literal = _shadowing_rules().literal()
    report = check_health(literal)
    record = report.collision
    assert record is not None
    assert Verdict.YES == record.reachable
    assert record.witness is not None
    warnings = evaluate(record.witness.case, literal).warnings
    assert AdviceWarning.UNRESOLVED_COLLISION in warnings
    assert not report.ok
    assert "unresolved_collision warning: REACHABLE" in render_health_text(report)


def test_always_written_values_and_members() -> None:
    """A rule that always fires: the slot is never absent, the member never lacking."""
    rules = RuleSet(
        "always",
        [
            _rule(
                "A.ALWAYS",
                Const(True),
                sets("session_limit", 3),
                Effect("education", EducationTopic.UNCLEAR_ORIGIN),
            )
        ],
    )
    report = check_health(rules)
    absent = _value(report, "session_limit", None)
    assert (Verdict.NO, Cause.ALWAYS_WRITTEN) == (absent.reachable, absent.cause)
    assert "every valid case gets another value from A.ALWAYS" == absent.why
    lacking = _value(report, "education", EducationTopic.UNCLEAR_ORIGIN, present=False)
    assert (Verdict.NO, "A.ALWAYS adds it on every valid case") == (lacking.reachable, lacking.why)


def test_rule_writing_the_default_alone_is_redundant() -> None:
    """Writing 'not indicated' where nothing else writes the slot changes no advice."""
    rules = RuleSet(
        "default",
        [
            _rule("A.DEFAULT", flag("lrs"), sets(BEHAVIOUR, Strength.NOT_INDICATED)),
            _rule("B.OTHER", flag("lrs"), sets("profile", 2)),
        ],
    )
    report = check_health(rules)
    assert ["A.DEFAULT"] == [r.rule for r in report.redundant]
    expected = f"{BEHAVIOUR} not_indicated: the slot's default, which it has without the rule"
    assert expected == report.redundant[0].why
    record = _value(report, BEHAVIOUR, Strength.NOT_INDICATED)
    assert Verdict.YES == record.reachable


def test_solver_finds_a_decisive_case_when_no_known_case_shows_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the shortcuts off, Z3 finds the decisive case, and it replays."""
    from lbp_spec import health

    monkeypatch.setattr(health, "_sole", lambda *args: None)
    monkeypatch.setattr(health, "_decisive", lambda *args: None)
    report = check_health(_shadowing_rules())
    winner = report.rules[0]
    assert Verdict.NO == winner.redundant
    assert winner.decisive is not None and winner.without is not None
    case = winner.decisive.case
    assert evaluate(case, _shadowing_rules()).normative() == winner.decisive.advice.normative()
    assert winner.without.strength(Intervention.MASSAGE) != winner.decisive.advice.strength(
        Intervention.MASSAGE
    )


def test_solver_unknown_is_reported_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """When Z3 gives up, nothing is claimed: every verdict that needs it is unknown."""
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Optimize, "check", lambda self, *a: z3.unknown)
    report = check_health(_shadowing_rules())
    assert [Verdict.UNKNOWN] * 2 == [r.fires for r in report.rules]
    assert [Verdict.UNKNOWN] * 2 == [r.redundant for r in report.rules]
    record = _value(report, MASSAGE, Strength.CONSIDER)
    assert Verdict.UNKNOWN == record.reachable
    assert not report.ok
    assert report.unknown
    assert "unknown (the solver gave up; not a success)" in render_health_text(report)


def test_replay_disagreement_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the encoding's advice differs from the evaluator's, the witness is an error."""
    original = Encoding.advice

    def wrong(self: Encoding, model: z3.ModelRef) -> Advice:
        advice = original(self, model)
        return Advice(**{**_fields(advice), "session_limit": 99})

    monkeypatch.setattr(Encoding, "advice", wrong)
    report = check_health(_shadowing_rules())
    assert [Verdict.ERROR] * 2 == [r.fires for r in report.rules]
    assert "disagree" in report.rules[0].message
    assert not report.ok
    assert report.errors


def _fields(advice: Advice) -> dict[str, object]:
    return attrs.asdict(advice, recurse=False)


def test_without_keeps_the_rule_set_well_formed() -> None:
    """Dropping a loser drops the resolution slots only it wrote (RuleSet.without does not)."""
    rule = "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET"
    reduced = _without(GUIDELINE, rule)
    assert rule not in [r.id for r in reduced.rules]
    [competency] = [r for r in reduced.resolutions if r.id == "RES.COMPETENCY_LIMIT"]
    assert MASSAGE not in competency.slots


def test_shadowed_rule_that_wins_a_resolution_is_still_needed() -> None:
    """Always set aside, but it sets another rule aside: shadowed, not redundant."""
    base = _shadowing_rules()
    rules = RuleSet(
        "shadowed winner",
        [
            *base.rules,
            _rule(
                "M.MECHANICAL", flag("mechanical_problem"), sets(MASSAGE, Strength.PREFERABLY_NOT)
            ),
        ],
        [
            *base.resolutions,
            Resolution(
                id="RES.L_OVER_M",
                title="L wins",
                winners=["L.MECHANICAL"],
                losers=["M.MECHANICAL"],
                slots=[MASSAGE],
                reason="L is the more specific.",
            ),
        ],
    )
    report = check_health(rules)
    [loser] = report.shadowed
    assert ("L.MECHANICAL", Verdict.NO) == (loser.rule, loser.redundant)
    expected = (
        "always set aside by RES.W_OVER_L, yet needed: it wins a resolution that changes the advice"
    )
    assert expected == loser.why
    assert loser.decisive is not None and loser.without is not None
    assert AdviceWarning.UNRESOLVED_COLLISION in loser.without.warnings
