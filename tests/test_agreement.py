"""The bulk agreement check of evaluator and encoding: it agrees, and it catches a planted bug."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from lbp_spec import GUIDELINE, Case, evaluate
from lbp_spec.agreement import check, generated_cases
from lbp_spec.contract import case_from_json
from lbp_spec.logic import cmp
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding

VECTORS = Path(__file__).parent / "data" / "regression_vectors.jsonl"
SEEDS = [
    case_from_json(json.loads(line)["case"])
    for line in VECTORS.read_text(encoding="utf-8").splitlines()
    if line.strip()
]
RULE = "NEURO.FINDING.FINGERTIP_FLOOR"


def _changed(rule_id: str, **changes: object) -> RuleSet:
    rules = [attrs.evolve(r, **changes) if r.id == rule_id else r for r in GUIDELINE.rules]
    return RuleSet("changed", rules, GUIDELINE.resolutions)


CASES = list(generated_cases(1500, seeds=SEEDS, seed=7))


@pytest.mark.slow
def test_evaluator_and_encoding_agree_on_generated_cases() -> None:
    """On the seeds and generated cases, no disagreement; some cases are read back too."""
    outcome = check(CASES)
    assert (1500, (), 60) == (outcome.cases, outcome.disagreements, outcome.round_trips)
    assert outcome.agree


def test_generated_cases_are_valid_deterministic_and_reach_every_rule() -> None:
    """Same seed, same cases; the seeds come first; every rule fires on some case."""
    assert CASES == list(generated_cases(1500, seeds=SEEDS, seed=7))
    assert SEEDS == CASES[: len(SEEDS)]
    assert all(isinstance(c, Case) for c in CASES)
    fired = {entry.rule for case in CASES for entry in evaluate(case).trace}
    assert {r.id for r in GUIDELINE.rules} == fired


def test_generated_cases_hit_both_sides_of_a_threshold() -> None:
    """Numbers are biased to the bounds: 24.5, 25 and 25.5 cm all occur."""
    distances = {
        c.neurological_exam.fingertip_floor_cm
        for c in generated_cases(3000, seed=1)
        if c.neurological_exam is not None
    }
    assert {24.5, 25.0, 25.5} <= distances


@pytest.mark.slow
def test_a_planted_encoding_bug_at_a_threshold_is_caught() -> None:
    """An encoding reading '> 25 cm' as '>= 25 cm' disagrees exactly at 25 cm, and is caught."""
    broken = Encoding(_changed(RULE, when=cmp("neurological_exam.fingertip_floor_cm", ">=", 25)))
    outcome = check(CASES, encoding=broken)
    assert not outcome.agree
    at = {d.case.neurological_exam.fingertip_floor_cm for d in outcome.disagreements}  # type: ignore[union-attr]
    assert {25.0} == at
    assert all("neurological_examination" in d.what for d in outcome.disagreements)


@pytest.mark.slow
def test_a_planted_evaluator_bug_is_caught() -> None:
    """An evaluator that drops one rule disagrees with the encoding wherever the rule fires."""
    without = GUIDELINE.without(["LRS.SAFETY_NET"])
    outcome = check(CASES, evaluator=lambda case, _rs: evaluate(case, without))
    assert not outcome.agree
    assert all(d.case.lrs for d in outcome.disagreements)
