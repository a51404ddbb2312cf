"""The synthetic rule-set generator: more rules, same meaning, still provable."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given

from lbp_spec import GUIDELINE, Case, NeurologicalExam, evaluate
from lbp_spec.logic import Cmp
from lbp_spec.properties import CATALOGUE
from lbp_spec.ruleset import RuleSet
from lbp_spec.scaling import COPY_SEPARATOR, EXTRA_VARIABLE, copy_id, scale
from lbp_spec.strategies import cases, neurological_exams
from lbp_spec.verify import Status, verify

SCALED_3 = scale(GUIDELINE, 3)
SCALED_10 = scale(GUIDELINE, 10)


@pytest.mark.parametrize("factor", [1, 2, 3, 10])
def test_scale_multiplies_rules_and_resolutions_exactly(factor: int) -> None:
    """Factor k gives exactly k times the rules and k times the resolutions."""
    scaled = scale(GUIDELINE, factor)
    assert (factor * len(GUIDELINE.rules), factor * len(GUIDELINE.resolutions)) == (
        len(scaled.rules),
        len(scaled.resolutions),
    )


def test_scaled_ids_are_unique_and_name_their_original() -> None:
    """Rule and resolution ids are unique; each copy's id is ``<original>#k``."""
    rule_ids = [r.id for r in SCALED_3.rules]
    res_ids = [r.id for r in SCALED_3.resolutions]
    assert len(rule_ids) == len(set(rule_ids))
    assert len(res_ids) == len(set(res_ids))
    expected = [i for r in GUIDELINE.rules for i in (r.id, copy_id(r.id, 1), copy_id(r.id, 2))]
    assert expected == rule_ids
    assert "PROFILE.1#2" == copy_id("PROFILE.1", 2)
    assert all(r.id.count(COPY_SEPARATOR) <= 1 for r in SCALED_3.rules)


def test_scaled_rule_set_is_well_formed() -> None:
    """Rebuilding the scaled rule set passes every check of RuleSet, dependency order included."""
    rebuilt = RuleSet(SCALED_10.name, SCALED_10.rules, SCALED_10.resolutions)
    assert len(SCALED_10.rules) == len(rebuilt.order)
    assert set(SCALED_10.written_slots) == set(GUIDELINE.written_slots)


def test_factor_one_is_the_same_rules() -> None:
    """Scaling by 1 keeps the rules and resolutions as they are."""
    same = scale(GUIDELINE, 1)
    assert (GUIDELINE.rules, GUIDELINE.resolutions) == (same.rules, same.resolutions)


@pytest.mark.parametrize("factor", [0, -3])
def test_factor_below_one_is_rejected(factor: int) -> None:
    """A factor below 1 cannot be scaled to."""
    with pytest.raises(ValueError, match="at least 1"):
        scale(GUIDELINE, factor)


def test_copies_keep_effects_and_add_one_distinct_bound() -> None:
    """Each copy writes its original's effects under its condition and one bound of its own."""
    original = GUIDELINE.rules[0]
    copies = [SCALED_10.rule(copy_id(original.id, k)) for k in range(1, 10)]
    assert all(original.then == c.then and original.section == c.section for c in copies)
    extras = [c.when.walk() for c in copies]
    bounds = [
        n.bound for walk in extras for n in walk if isinstance(n, Cmp) and n.path == EXTRA_VARIABLE
    ]
    assert len(bounds) == len(set(bounds))
    assert all(0 < b < 200 for b in bounds)


def test_resolution_copies_cover_every_loser_copy() -> None:
    """Every copy of a loser is set aside by the winners of its original's resolution."""
    for res in GUIDELINE.resolutions:
        for loser in res.losers:
            for slot in res.slots:
                if slot not in GUIDELINE.rule(loser).slots:
                    continue
                original = set(GUIDELINE.overriders(loser, slot))
                for k in range(1, 10):
                    winners = set(SCALED_10.overriders(copy_id(loser, k), slot))
                    assert original <= winners
                    assert {copy_id(w, k) for w in original} <= winners


@given(cases())
def test_scaled_advice_equals_the_original(case: Case) -> None:
    """On any valid case the normative advice of the scaled rule set is the original's."""
    assert evaluate(case).normative() == evaluate(case, SCALED_10).normative()


@given(cases(), neurological_exams())
def test_scaled_advice_equals_the_original_with_an_examination(
    case: Case, exam: NeurologicalExam
) -> None:
    """Also with a neurological examination, where the copies' extra conjunct can hold."""
    case = attrs.evolve(case, neurological_exam=exam)
    assert evaluate(case).normative() == evaluate(case, SCALED_10).normative()


def test_copies_fire_only_with_their_original() -> None:
    """Copies genuinely fire (the trace differs by design), but only where the original does."""
    case = Case(need_for_assistance=True, neurological_exam=NeurologicalExam(fingertip_floor_cm=1))
    originals = set(evaluate(case).fired)
    fired = set(evaluate(case, SCALED_10).fired)
    assert originals
    assert originals < fired
    assert originals == {rule_id.split(COPY_SEPARATOR)[0] for rule_id in fired}
    assert evaluate(case).normative() == evaluate(case, SCALED_10).normative()


def test_verify_proves_every_requirement_at_twice_the_rules() -> None:
    """At 2x every requirement stays proven and the finding stays refuted."""
    report = verify(scale(GUIDELINE, 2))
    expected = [(p.name, Status.REFUTED if p.finding else Status.PROVEN) for p in CATALOGUE]
    assert expected == [(r.name, r.status) for r in report.results]
    assert report.ok
