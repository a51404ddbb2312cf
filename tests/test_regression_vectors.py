"""The committed regression vectors still get the advice they were committed with.

``tests/data/regression_vectors.jsonl`` holds cases in the JSON contract, one a
line, each with a name and its expected *normative* advice. The expected values
were produced by the reference evaluator (``benchmarks/mutation.py
--seed-vectors`` and ``--add-vectors``) and reviewed when committed: these are
regression vectors, not independent oracles. They do not show that the advice
is right (``tests/test_rules.py`` does that from the guideline text); they lock
today's behaviour, so that any change to the normative advice of one of these
cases fails here and has to be looked at and the file regenerated on purpose.

The mutation run (``benchmarks/mutation.py``) uses the same file: a mutant of
the rules is killed when the advice of any vector changes. The vectors are

* ``fires:RULE``: a minimal case on which the rule fires (Z3);
* ``example:RULE:fires|quiet``: the hand-written examples of ``test_rules.py``;
* ``threshold:RULE:COMPARISON:VALUE``: a minimal case with the variable just
  inside or just outside a comparison's edge, where the comparison decides;
* ``resolution:RES:WINNER>LOSER``: a minimal case on which a resolution applies;
* ``survivor:MUTANT``: the case Z3 found to tell a mutant that nothing else
  killed apart from the guideline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lbp_spec import GUIDELINE, evaluate
from lbp_spec.contract import advice_to_json
from lbp_spec.evaluator import evaluator_for
from lbp_spec.mutation import Vector, find_mutant, load_vectors, vector_to_json

PATH = Path(__file__).parent / "data" / "regression_vectors.jsonl"
VECTORS = load_vectors(PATH)


def test_the_file_is_not_empty_and_names_are_unique() -> None:
    """The file holds at least one vector per rule, each with its own name."""
    names = [v.name for v in VECTORS]
    assert len(names) == len(set(names))
    assert len(VECTORS) >= len(GUIDELINE.rules)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_vector_gets_its_committed_advice(vector: Vector) -> None:
    """The evaluator gives the committed normative advice (compared as contract JSON)."""
    expected = advice_to_json(vector.expected)
    assert expected == advice_to_json(evaluate(vector.case).normative())


def test_lines_are_canonical() -> None:
    """Each line is what the writer would write for it, so diffs of the file stay readable."""
    lines = [line for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = [json.dumps(vector_to_json(v), separators=(",", ":")) for v in VECTORS]
    assert written == lines


def test_every_rule_fires_on_some_vector() -> None:
    """Together the vectors make every rule of the guideline fire."""
    fired = {rule for v in VECTORS for rule in evaluate(v.case).fired}
    assert sorted(r.id for r in GUIDELINE.rules) == sorted(fired)


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if v.name.startswith("fires:")], ids=lambda v: v.name
)
def test_firing_witness_fires_its_rule(vector: Vector) -> None:
    """A ``fires:RULE`` vector is a case on which RULE fires."""
    assert vector.name.removeprefix("fires:") in evaluate(vector.case).fired


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS if v.name.startswith("survivor:")], ids=lambda v: v.name
)
def test_survivor_vector_still_kills_its_mutant(vector: Vector) -> None:
    """A ``survivor:MUTANT`` vector names a mutant of the guideline and tells it apart.

    Since the rule-set checks reject a resolution whose winner does not write the
    field it contests, some of these mutants are now rejected outright (invalid): they
    are caught before any vector runs, and the check says why.
    """
    mutant = find_mutant(GUIDELINE, vector.name.removeprefix("survivor:"))
    if mutant.ruleset is None:
        assert "does not write" in mutant.invalid
        return
    assert vector.expected != evaluator_for(mutant.ruleset)(vector.case).normative()
