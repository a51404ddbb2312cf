"""The Z3 encoding agrees with the evaluator: one source, two faces."""

from __future__ import annotations

from fractions import Fraction

import pytest
import z3
from hypothesis import given

from lbp_spec import Case, evaluate
from lbp_spec.logic import Cmp, Expr, Named
from lbp_spec.rule import Rule, sets
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.strategies import cases
from lbp_spec.symbolic import Encoding, UntranslatableError
from lbp_spec.vocabulary import Section

ENC = Encoding(GUIDELINE)
LITERAL = Encoding(GUIDELINE.literal())


def _solver(enc: Encoding) -> z3.Solver:
    solver = z3.Solver()
    solver.add(enc.valid())
    return solver


SOLVER = _solver(ENC)
LITERAL_SOLVER = _solver(LITERAL)


def _advice_from_model(solver: z3.Solver, enc: Encoding, case: Case) -> object:
    solver.push()
    try:
        solver.add(enc.case_is(case))
        assert z3.sat == solver.check(), "a valid case must satisfy the Z3 validity constraint"
        model = solver.model()
        assert case == enc.back(model), "back() must give the case the model describes"
        return enc.advice(model)
    finally:
        solver.pop()


@pytest.mark.slow
@given(cases())
def test_advice_read_from_z3_equals_evaluator(case: Case) -> None:
    """On generated valid cases, the advice read from the Z3 model equals evaluate().

    The ``ci`` Hypothesis profile runs 1,000 cases.
    """
    assert evaluate(case) == _advice_from_model(SOLVER, ENC, case)


@pytest.mark.slow
@given(cases())
def test_literal_encoding_agrees_with_literal_evaluator(case: Case) -> None:
    """Without resolutions too (collisions, fallback and warning included)."""
    assert evaluate(case, GUIDELINE.literal()) == _advice_from_model(LITERAL_SOLVER, LITERAL, case)


@pytest.mark.parametrize("rule", GUIDELINE.rules, ids=lambda r: r.id)
@pytest.mark.parametrize("fires", [True, False], ids=["fires", "silent"])
def test_every_rule_witness_round_trips(rule: Rule, fires: bool) -> None:
    """Z3 finds a case where each rule fires, and one where it does not.

    back() yields a valid Case, and the evaluator agrees with the encoding on it.
    """
    solver = _solver(ENC)
    term = ENC.fired(rule.id)
    solver.add(term if fires else z3.Not(term))
    assert z3.sat == solver.check()
    model = solver.model()
    case = ENC.back(model)
    advice = evaluate(case)
    assert advice == ENC.advice(model)
    assert fires == (rule.id in advice.fired)


def test_invalid_cases_are_outside_the_valid_constraint() -> None:
    """The validity constraint excludes what case.py rejects.

    Here: follow-up fields at an initial consultation, psychosocial above total,
    responsiveness without LRS, NPRS above 10.
    """
    for extra in (
        z3.And(ENC.value["consultation"] == 0, ENC.presence["weeks_since_start"]),
        z3.And(ENC.presence["sbst"], ENC.value["sbst.psychosocial"] > ENC.value["sbst.total"]),
        z3.And(ENC.presence["responsiveness"], z3.Not(ENC.value["lrs"])),
        z3.And(ENC.value["nprs"] > 10),
    ):
        solver = _solver(ENC)
        solver.add(extra)
        assert z3.unsat == solver.check()


def test_real_values_come_back_as_exact_representatives() -> None:
    """A fingertip distance strictly between 25 and 26 comes back on the same side of 25."""
    solver = _solver(ENC)
    x = ENC.value["neurological_exam.fingertip_floor_cm"]
    solver.add(
        ENC.presence["neurological_exam"], ENC.presence["neurological_exam.fingertip_floor_cm"]
    )
    solver.add(x > 25, x < z3.RealVal("25.000000000000000001"))
    assert z3.sat == solver.check()
    case = ENC.back(solver.model())
    assert case.neurological_exam is not None
    cm = case.neurological_exam.fingertip_floor_cm
    assert cm is not None and cm > 25
    assert "NEURO.FINDING.FINGERTIP_FLOOR" in evaluate(case).fired


def test_untranslatable_condition_is_an_error() -> None:
    """A node type the encoder does not know raises, never silently drops the rule."""

    class Mystery(Expr):
        def describe(self) -> str:
            return "a mystery"

    rule = Rule(
        id="X.MYSTERY",
        section=Section.PROFILES,
        title="mystery",
        quote="Limit the treatment to a maximum of three sessions.",
        when=Mystery(),
        then=[sets("session_limit", 3)],
    )
    enc = Encoding(RuleSet("mystery", [rule]))
    with pytest.raises(UntranslatableError, match="Mystery"):
        enc.fired("X.MYSTERY")


def test_named_definitions_are_translated_once() -> None:
    """A named definition used by many rules becomes one shared Z3 term."""
    named = [n for r in GUIDELINE.rules for n in r.when.walk() if isinstance(n, Named)]
    treatable = [n for n in named if n.name == "treatable"]
    assert len(treatable) > 1
    terms = {ENC.convert(n).get_id() for n in treatable}
    assert 1 == len(terms)


def test_integer_variable_with_fractional_bound_is_rejected() -> None:
    """Comparing an integer variable with 7.5 cannot be encoded exactly: an error."""
    with pytest.raises(UntranslatableError):
        ENC.convert(Cmp("nprs", ">", 7.5))


def test_fast_connectives_build_the_same_terms() -> None:
    """and_/or_/not_/implies build the very terms z3.And/Or/Not/Implies build (same id)."""
    from lbp_spec.symbolic import and_, implies, not_, or_

    p, q, r = z3.Bools("p q r")
    x = z3.Int("x")
    pairs = [
        (and_(p, q, r), z3.And(p, q, r)),
        (and_(p), z3.And(p)),
        (or_(p, x > 1, z3.BoolVal(False)), z3.Or(p, x > 1, z3.BoolVal(False))),
        (not_(and_(p, q)), z3.Not(z3.And(p, q))),
        (implies(p, or_(q, r)), z3.Implies(p, z3.Or(q, r))),
        (and_(p, True), z3.And(p, True)),  # a Python bool: handled by z3.And itself
    ]
    assert [b.get_id() for _, b in pairs] == [a.get_id() for a, _ in pairs]
    assert [b.sexpr() for _, b in pairs] == [a.sexpr() for a, _ in pairs]


def test_each_rule_set_has_its_own_comparison_points() -> None:
    """The comparison constants found once per rule set are those of the rule set encoded.

    A rule set with more comparisons (the scaled guideline compares the
    fingertip distance with bounds of its own) gets its own points, and a
    real value comes back between them; encoding the guideline again still
    gives the guideline's points.
    """
    from lbp_spec.scaling import scale

    path = "neurological_exam.fingertip_floor_cm"
    scaled = scale(GUIDELINE, 3)
    wanted = {
        Fraction(n.bound)
        for r in scaled.rules
        for n in r.when.walk()
        if isinstance(n, Cmp) and n.path == path
    }
    assert wanted > ENC._cmp_points[path]
    assert wanted == Encoding(scaled)._cmp_points[path]
    assert ENC._cmp_points[path] == Encoding(GUIDELINE)._cmp_points[path]


class _TermByTerm:
    """A model that is not Z3's own: the encoding reads it one term at a time."""

    def __init__(self, model: z3.ModelRef) -> None:
        self.model = model

    def eval(self, term: z3.ExprRef, model_completion: bool = False) -> z3.ExprRef:
        return self.model.eval(term, model_completion=model_completion)


@given(cases())
def test_advice_read_at_once_equals_advice_read_term_by_term(case: Case) -> None:
    """The advice read from one packed evaluation equals reading each term, without fallback."""
    for solver, enc in ((SOLVER, ENC), (LITERAL_SOLVER, LITERAL)):
        solver.push()
        try:
            solver.add(enc.case_is(case))
            assert z3.sat == solver.check()
            model = solver.model()
        finally:
            solver.pop()
        assert enc.advice(_TermByTerm(model)) == _read_without_fallback(enc, model)


def _read_without_fallback(enc: Encoding, model: z3.ModelRef) -> object:
    """``enc.advice(model)``, failing if any term is read outside the packed evaluation."""
    import lbp_spec.symbolic as symbolic

    original = symbolic._is_true

    def refuse(model: object, term: z3.BoolRef) -> bool:
        raise AssertionError(f"{term} was read on its own")

    symbolic._is_true = refuse  # type: ignore[assignment]
    try:
        return enc.advice(model)
    finally:
        symbolic._is_true = original  # type: ignore[assignment]
