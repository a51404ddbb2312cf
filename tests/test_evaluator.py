"""Properties of the compiled evaluator over Hypothesis-generated cases."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from hypothesis import given

from lbp_spec import GUIDELINE, Advice, Case, RuleSet, evaluate
from lbp_spec.advice import InterventionAdvice, Referral
from lbp_spec.evaluator import _build, _Compiler, evaluator_for, evaluator_source
from lbp_spec.logic import (
    AdviceIs,
    All,
    AnyFactorAt,
    AnyOf,
    Cmp,
    Const,
    Expr,
    FactorAt,
    Flag,
    Has,
    Is,
    Named,
    Not,
    Present,
    cmp,
)
from lbp_spec.rule import Rule, add, intervention_slot
from lbp_spec.strategies import cases
from lbp_spec.vocabulary import (
    AdviceWarning,
    EducationTopic,
    Intervention,
    PrognosticFactor,
    ReferralMode,
    Section,
    Urgency,
)

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


# -- an independent reading of the conditions ---------------------------------------------------


def _read(case: Case, path: str) -> Any:
    """The value at a dotted path of the case; None when it or its parent is absent."""
    value: Any = case
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _decided(advice: Advice, slot: str) -> object:
    """The decided value of a single advice slot, read back from the advice."""
    if slot == "referral":
        return None if advice.referral is None else advice.referral.urgency
    if slot == "referral_mode":
        return None if advice.referral is None else advice.referral.mode
    if slot.startswith("interventions."):
        return advice.strength(Intervention(slot.split(".", 1)[1]))
    return getattr(advice, slot)


def holds(expr: Expr, case: Case, advice: Advice) -> bool:
    """Whether ``expr`` holds, interpreted directly on the case (not via the compiler)."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Flag):
        return _read(case, expr.path) is True
    if isinstance(expr, Is):
        return _read(case, expr.path) is expr.value
    if isinstance(expr, Has):
        return expr.member in _read(case, expr.path)
    if isinstance(expr, FactorAt):
        if expr.level is None:
            return expr.factor in case.prognostic_factors
        return case.prognostic_factors.get(expr.factor) is expr.level
    if isinstance(expr, AnyFactorAt):
        return any(
            f in case.prognostic_factors
            and (expr.level is None or case.prognostic_factors[f] is expr.level)
            for f in (expr.factors or tuple(PrognosticFactor))
        )
    if isinstance(expr, Cmp):
        value = _read(case, expr.path)
        return value is not None and _OPS[expr.op](value, expr.bound)
    if isinstance(expr, Present):
        return _read(case, expr.path) is not None
    if isinstance(expr, AdviceIs):
        return bool(_decided(advice, expr.slot) == expr.value)
    if isinstance(expr, Named):
        return holds(expr.expr, case, advice)
    if isinstance(expr, All):
        return all(holds(a, case, advice) for a in expr.args)
    if isinstance(expr, AnyOf):
        return any(holds(a, case, advice) for a in expr.args)
    if isinstance(expr, Not):
        return not holds(expr.arg, case, advice)
    raise AssertionError(f"unknown node {expr!r}")


def _permitting(advice: Advice) -> list[Intervention]:
    return [i for i in Intervention if advice.strength(i).permits]


def _emergency(case: Case) -> bool:
    exam = case.neurological_exam
    return bool(case.neurological_emergency_signs) or (
        exam is not None and (exam.mrc_lowest <= 3 or exam.extensor_plantar_response)
    )


# -- totality and determinism ------------------------------------------------------------------


@given(cases())
def test_evaluate_is_total(case: Case) -> None:
    """Every valid case gets an Advice, without an exception."""
    assert isinstance(evaluate(case), Advice)


@given(cases())
def test_evaluate_is_total_on_the_literal_rules(case: Case) -> None:
    """The literal rule set (no resolutions) also evaluates every valid case."""
    assert isinstance(evaluate(case, GUIDELINE.literal()), Advice)


@given(cases())
def test_evaluate_is_deterministic(case: Case) -> None:
    """The same case evaluated twice, or an equal case rebuilt field by field, gets equal advice."""
    first = evaluate(case)
    assert first == evaluate(case)
    fields = {a.name: getattr(case, a.name) for a in Case.__attrs_attrs__}
    fields["prognostic_factors"] = dict(case.prognostic_factors)
    rebuilt = Case(**fields)
    assert case == rebuilt
    assert first == evaluate(rebuilt)


# -- the trace ----------------------------------------------------------------------------------


@given(cases())
def test_trace_lists_exactly_the_rules_whose_condition_holds(case: Case) -> None:
    """A rule is in the trace iff its condition holds (read independently of the compiler)."""
    advice = evaluate(case)
    expected = [r.id for r in GUIDELINE.rules if holds(r.when, case, advice)]
    assert expected == list(advice.fired)


@given(cases())
def test_trace_is_in_rule_set_order_with_sections(case: Case) -> None:
    """The trace follows the order of the rule set and names each rule's section."""
    advice = evaluate(case)
    positions = [GUIDELINE.index(rid) for rid in advice.fired]
    assert sorted(positions) == positions
    for entry in advice.trace:
        assert GUIDELINE.rule(entry.rule).section == entry.section


# -- interventions ------------------------------------------------------------------------------


@given(cases())
def test_every_intervention_is_graded(case: Case) -> None:
    """The advice grades all eight interventions."""
    assert list(Intervention) == list(evaluate(case).interventions)


@given(cases())
def test_intervention_rules_set_exactly_the_given_strength(case: Case) -> None:
    """The rules listed for an intervention are exactly the fired, not set-aside writers."""
    advice = evaluate(case)
    fired = set(advice.fired)
    for intervention, given_advice in advice.interventions.items():
        slot = intervention_slot(intervention)
        for rid in given_advice.rules:
            assert rid in fired
            assert (given_advice.strength,) == GUIDELINE.rule(rid).writes(slot)
        for rule, value in GUIDELINE.writers(slot):
            if rule.id not in fired:
                continue
            set_aside = any(w in fired for w in GUIDELINE.overriders(rule.id, slot))
            if set_aside:
                assert rule.id not in given_advice.rules
            else:
                assert value == given_advice.strength, (intervention, rule.id)
                assert rule.id in given_advice.rules
        if not given_advice.rules:
            assert InterventionAdvice() == given_advice


@given(cases())
def test_built_in_guideline_never_warns_of_an_unresolved_collision(case: Case) -> None:
    """The resolutions decide every collision of the guideline."""
    assert AdviceWarning.UNRESOLVED_COLLISION not in evaluate(case).warnings


@given(cases())
def test_applied_resolutions_name_fired_rules(case: Case) -> None:
    """Each applied resolution names a winner and a loser that both fired."""
    advice = evaluate(case)
    fired = set(advice.fired)
    for applied in advice.resolutions:
        assert {applied.winner, applied.loser} <= fired
        [res] = [r for r in GUIDELINE.resolutions if r.id == applied.resolution]
        assert applied.winner in res.winners
        assert applied.loser in res.losers
        assert applied.slot in res.slots


# -- clinical properties ------------------------------------------------------------------------


@given(cases())
def test_red_flag_or_emergency_is_referred_and_not_treated(case: Case) -> None:
    """A red flag or an emergency sign (MRC at most 3 included) means referral, no treatment."""
    if not (case.red_flags or _emergency(case)):
        return
    advice = evaluate(case)
    assert advice.referral is not None
    assert [] == _permitting(advice)
    assert None is advice.profile
    assert False is advice.physiotherapy_indicated


@given(cases(flags=True))
def test_emergency_sign_makes_the_referral_immediate(case: Case) -> None:
    """Any neurological emergency sign, or MRC at most 3, gives an immediate referral."""
    if not _emergency(case):
        return
    assert Referral(Urgency.IMMEDIATE, ReferralMode.INSTEAD_OF_TREATMENT) == evaluate(case).referral


@given(cases())
def test_immediate_referral_only_for_an_emergency(case: Case) -> None:
    """An immediate referral is given only for an emergency sign or MRC at most 3."""
    advice = evaluate(case)
    if advice.referral is not None and advice.referral.urgency is Urgency.IMMEDIATE:
        assert _emergency(case)


@given(cases())
def test_profile_present_iff_physiotherapy_indicated(case: Case) -> None:
    """Therapy is indicated exactly when a profile is assigned and not replaced by a referral."""
    advice = evaluate(case)
    instead = (
        advice.referral is not None and advice.referral.mode is ReferralMode.INSTEAD_OF_TREATMENT
    )
    assert advice.physiotherapy_indicated == (advice.profile is not None and not instead)
    assert advice.profile in (None, 1, 2, 3)


@given(cases(lrs=True))
def test_every_lrs_case_is_followed_up(case: Case) -> None:
    """An LRS case is referred, discussed with the GP, rechecked or re-evaluated.

    Where LRS is diagnosed, or while there is a need for assistance; an LRS patient
    diagnosed earlier without a need for assistance has no indication, and the one
    check after 2-4 days was advised where LRS was diagnosed.
    """
    advice = evaluate(case)
    if case.lrs_diagnosed_earlier and not case.need_for_assistance:
        return
    assert (
        advice.referral is not None
        or advice.consult_general_practitioner
        or advice.recheck_after_days is not None
        or advice.reevaluation_after_weeks is not None
        or advice.lrs_evaluation_after_weeks is not None
    )


@given(cases())
def test_tens_and_interference_are_never_permitted(case: Case) -> None:
    """TENS and interference are never permitted."""
    advice = evaluate(case)
    assert not advice.strength(Intervention.TENS).permits
    assert not advice.strength(Intervention.INTERFERENCE).permits


@given(cases())
def test_no_need_for_assistance_means_no_treatment(case: Case) -> None:
    """Without a need for assistance there is no indication, profile or permitted treatment."""
    if case.need_for_assistance:
        return
    advice = evaluate(case)
    assert (False, None, []) == (
        advice.physiotherapy_indicated,
        advice.profile,
        _permitting(advice),
    )


@given(cases())
def test_normative_advice_drops_only_the_informative_parts(case: Case) -> None:
    """normative() keeps every strength and clears the trace, resolutions and rule ids."""
    advice = evaluate(case)
    normative = advice.normative()
    assert ((), ()) == (normative.trace, normative.resolutions)
    for i in Intervention:
        assert advice.strength(i) == normative.strength(i)
        assert () == normative.interventions[i].rules
    assert advice.profile == normative.profile
    assert advice.referral == normative.referral


# -- the compiled source and the cache ----------------------------------------------------------


def test_evaluator_source_compiles() -> None:
    """The generated source is one Python function that compiles on its own."""
    source = evaluator_source()
    assert source.startswith("def _evaluate(c):")
    code = compile(source, "<evaluator>", "exec")
    assert "_evaluate" in code.co_names


def test_evaluator_source_mentions_every_rule() -> None:
    """Every rule of the guideline has a firing flag in the source."""
    source = evaluator_source()
    for index in range(len(GUIDELINE.rules)):
        assert f"    f{index} = " in source


def test_evaluator_for_caches_per_rule_set() -> None:
    """The evaluator of a rule set is compiled once; another rule set gets its own."""
    assert evaluator_for(GUIDELINE) is evaluator_for(GUIDELINE)
    literal: RuleSet = GUIDELINE.literal()
    assert evaluator_for(literal) is evaluator_for(literal)
    assert evaluator_for(literal) is not evaluator_for(GUIDELINE)
    assert evaluator_source(literal) is evaluator_source(literal)


def test_evaluate_uses_the_built_in_guideline_by_default() -> None:
    """evaluate(case) is evaluate(case, GUIDELINE)."""
    case = Case(lrs=True, nprs=9)
    assert evaluate(case, GUIDELINE) == evaluate(case)


# -- resolutions and collisions, on the regression vectors ---------------------------------------


def _regression_cases() -> list[Case]:
    import json
    from pathlib import Path

    from lbp_spec.contract import case_from_json

    path = Path(__file__).parent / "data" / "regression_vectors.jsonl"
    return [case_from_json(json.loads(line)["case"]) for line in path.read_text().splitlines()]


def _declared_applications(rs: RuleSet) -> set[tuple[str, str, str, str]]:
    """Every (resolution, winner, loser, slot) the rule data declares: the loser writes the slot."""
    return {
        (res.id, winner, loser, slot)
        for res in rs.resolutions
        for loser in res.losers
        for slot in res.slots
        if slot in rs.rule(loser).slots
        for winner in res.winners
    }


def test_every_declared_resolution_is_applied_somewhere() -> None:
    """Each declared (resolution, winner, loser, slot) is reported on some regression case.

    Guards the evaluator's list of applied resolutions: dropping any one entry is seen.
    """
    declared = _declared_applications(GUIDELINE)
    seen = {
        (a.resolution, a.winner, a.loser, a.slot)
        for case in _regression_cases()
        for a in evaluate(case).resolutions
    }
    assert (declared, 36) == (seen, len(declared))


def _collides(rs: RuleSet, advice: Advice) -> bool:
    """Whether two effective rules write different values to one single-valued slot."""
    from lbp_spec.rule import SLOTS, SlotKind

    fired = set(advice.fired)
    for slot, meta in SLOTS.items():
        if meta.kind is not SlotKind.SINGLE:
            continue
        values = {
            repr(value)
            for rule, value in rs.writers(slot)
            if rule.id in fired and not any(w in fired for w in rs.overriders(rule.id, slot))
        }
        if len(values) > 1:
            return True
    return False


def test_unresolved_collisions_are_warned_of_exactly_when_they_happen() -> None:
    """On the literal rules, a case gets the unresolved-collision warning iff two rules collide.

    Both sides occur among the regression cases, so the warning is exercised, not assumed.
    """
    literal = GUIDELINE.literal()
    verdicts = []
    for case in _regression_cases():
        advice = evaluate(case, literal)
        warned = AdviceWarning.UNRESOLVED_COLLISION in advice.warnings
        verdicts.append((warned, _collides(literal, advice)))
    assert (True, True) == (
        {True, False} <= {w for w, _ in verdicts},
        all(w == c for w, c in verdicts),
    )


# -- tabulated parts of the advice equal the parts assembled case by case -----------------------

_ASSEMBLED = {
    rs.name: (evaluator_for(rs), _build(rs, tables=False)[1])
    for rs in (GUIDELINE, GUIDELINE.literal())
}


def _education_rules(count: int) -> RuleSet:
    """A rule set whose education slot is written by ``count`` rules of distinct conditions."""
    topics = list(EducationTopic)
    rules = [
        Rule(
            id=f"T.EDU_{k}",
            section=Section.PROFILES,
            quote="Limit the treatment to a maximum of three sessions.",
            title=f"education {k}",
            when=cmp("nprs", ">=", k + 1),
            then=add("education", topics[k % len(topics)]),
        )
        for k in range(count)
    ]
    return RuleSet(f"education written by {count} rules", [*GUIDELINE.rules, *rules], ())


@given(cases())
def test_tabulated_advice_equals_the_advice_assembled_case_by_case(case: Case) -> None:
    """Parts looked up in the compiled tables equal the same parts built from the rule flags.

    On the guideline and on its literal reading (collisions, the fallback warning), the
    evaluator with its tables gives an advice equal, field by field and in its repr, to
    the one whose every part is assembled from the firing flags case by case.
    """
    for tabulated, assembled in _ASSEMBLED.values():
        expected = assembled(case)
        actual = tabulated(case)
        assert expected == actual
        assert repr(expected) == repr(actual)


def test_a_part_is_tabulated_over_at_most_eight_flags() -> None:
    """A set slot decided by 8 distinct rule flags is a table of 256; by 9 it is assembled.

    Either way the evaluator gives the advice the case-by-case assembly gives.
    """
    guideline = _Compiler(GUIDELINE)
    guideline.compile()
    base = len({guideline.same[guideline.f(r)] for r in GUIDELINE.slot_inputs("education")})
    for rs, tabulated in ((_education_rules(8 - base), True), (_education_rules(9 - base), False)):
        compiler = _Compiler(rs)
        compiler.compile()
        education = compiler._members("education")
        assert tabulated == ("_compress(" not in education), rs.name
        if tabulated:  # one entry for each combination of the 8 flags
            assert 256 == len(compiler.table_constants[education.split("[")[0]])
        fast, slow = evaluator_for(rs), _build(rs, tables=False)[1]
        for nprs in range(11):
            for lrs in (False, True):
                case = Case(nprs=nprs, lrs=lrs)
                assert slow(case) == fast(case)


def test_duplicate_conditions_are_computed_once() -> None:
    """Two rules or decisions with the same source share one local (manipulation's decision)."""
    source = evaluator_source()
    assert "    d_interventions__manipulation = d_interventions__mobilisation" in source
    assert "h_d_interventions__manipulation_0 =" not in source


def test_trace_and_resolutions_are_looked_up_in_runs_of_eight_flags() -> None:
    """The trace is cut into runs of 8 distinct rule flags (the last fewer), each a table of 256.

    With tables off (the reference assembly) trace and resolutions are compressed
    case by case instead.
    """
    compiler = _Compiler(GUIDELINE)
    compiler.compile()
    trace = compiler._selected([(e, (e.rule,)) for e in compiler.trace_entries])
    assert trace is not None
    sizes = [len(compiler.table_constants[part.split("[")[0]]) for part in trace.split(" + ")]
    assert [256] * (len(sizes) - 1) == sizes[:-1]
    assert 1 < len(sizes) and sizes[-1] <= 256
    assert "_compress(_TRACE" not in evaluator_source()
    assert "_compress(_APPLIED" not in evaluator_source()
    assembled = _build(GUIDELINE, tables=False)[0]
    assert "_compress(_TRACE" in assembled
    assert "_compress(_APPLIED" in assembled


def test_evaluator_without_tables_is_compiled_once_and_gives_the_same_advice() -> None:
    """``tables=False`` is its own evaluator, cached like the default one, with the same advice."""
    plain = evaluator_for(GUIDELINE, tables=False)
    case = Case(lrs=True, nprs=9)
    assert plain is evaluator_for(GUIDELINE, tables=False)
    assert plain is not evaluator_for(GUIDELINE, tables=True)
    assert evaluate(case) == plain(case)


def test_the_default_evaluator_has_tables() -> None:
    """Without ``tables``, a rule set gets the evaluator that looks advice parts up in tables."""
    assert evaluator_for(GUIDELINE) is evaluator_for(GUIDELINE, tables=True)
    assert "_T0[" in evaluator_source(GUIDELINE)
