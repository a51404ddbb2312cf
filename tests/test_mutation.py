"""The mutation operators and runner, on a tiny rule set (the guideline run is CI's job).

``benchmarks/mutation.py --quick`` runs every mutant of the built-in guideline;
that takes a minute or more, so these tests build a handful of rules whose
mutants are known by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from lbp_spec import Case, evaluate
from lbp_spec.advice import Window
from lbp_spec.errors import RuleSetError
from lbp_spec.evaluator import evaluator_for
from lbp_spec.logic import Cmp, Expr, Named, Not, cmp, flag
from lbp_spec.mutation import (
    Mutant,
    Operator,
    Vector,
    _Builder,
    find_mutant,
    installed,
    load_vectors,
    mutants,
    run,
    run_tests,
    seed_vectors,
    vector,
    vector_from_json,
    vector_to_json,
    write_vectors,
)
from lbp_spec.rule import Effect, Resolution, Rule, add, sets, strength
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import (
    AdviceWarning,
    Intervention,
    SafetyNetTopic,
    Section,
    Strength,
    Urgency,
)

SEVERE_PAIN = Named("severe_pain", cmp("nprs", ">=", 8), "severe pain (NPRS at least 8)")
MASSAGE = "interventions.massage"


def _rule(rule_id: str, when: Expr, then: Iterable[Effect]) -> Rule:
    return Rule(
        id=rule_id,
        section=Section.LRS,
        quote="A sentence of a made-up guideline.",
        title=rule_id,
        when=when,
        then=then,
    )


TINY = RuleSet(
    "tiny",
    [
        _rule("T.REFER", flag("lrs") & SEVERE_PAIN, [sets("referral", Urgency.NOT_STATED)]),
        _rule("T.SEVERE_NOTE", SEVERE_PAIN, add("warnings", AdviceWarning.FINDINGS_SUGGEST_LRS)),
        _rule("T.RECHECK", flag("lrs") & ~SEVERE_PAIN, [sets("recheck_after_days", Window(2, 4))]),
        _rule(
            "T.MASSAGE",
            flag("mechanical_problem"),
            strength(Strength.CONSIDER, Intervention.MASSAGE),
        ),
        _rule(
            "T.NO_PASSIVE",
            flag("lrs"),
            strength(Strength.DO_NOT, Intervention.MASSAGE, Intervention.TENS),
        ),
        _rule("T.NET", flag("lrs"), add("safety_net_advice", SafetyNetTopic.SADDLE_NUMBNESS)),
        _rule("T.NET_AGAIN", flag("lrs"), add("safety_net_advice", SafetyNetTopic.SADDLE_NUMBNESS)),
        _rule("T.ANY_PAIN", cmp("nprs", "<=", 10), [sets("session_limit", 3)]),
    ],
    [
        Resolution(
            id="RES.T",
            title="LRS: no massage",
            winners="T.NO_PASSIVE",
            losers="T.MASSAGE",
            slots=MASSAGE,
            reason="The more specific rule wins.",
        )
    ],
)
SEVERE_LRS = Case(lrs=True, nprs=9)


def _mutant(mutant_id: str) -> Mutant:
    found = {m.id: m for m in mutants(TINY)}
    assert mutant_id in found, sorted(found)
    return found[mutant_id]


def _ruleset(mutant_id: str) -> RuleSet:
    ruleset = _mutant(mutant_id).ruleset
    assert ruleset is not None
    return ruleset


def _comparisons(ruleset: RuleSet, rule_id: str) -> list[Cmp]:
    return [n for n in ruleset.rule(rule_id).when.walk() if isinstance(n, Cmp)]


# -- operators -----------------------------------------------------------------------------------


def test_threshold_mutants_move_the_bound_by_one_each_way() -> None:
    """A comparison at 8 gives one mutant at 9 and one at 7, nothing else changed."""
    up = _comparisons(_ruleset("THRESHOLD+1:T.REFER:nprs>=8"), "T.REFER")
    down = _comparisons(_ruleset("THRESHOLD-1:T.REFER:nprs>=8"), "T.REFER")
    assert ([Cmp("nprs", ">=", 9)], [Cmp("nprs", ">=", 7)]) == (up, down)


def test_a_shared_definition_is_mutated_for_one_rule_only() -> None:
    """Moving a bound inside a named definition changes that rule, not the others using it."""
    mutant = _ruleset("THRESHOLD+1:T.REFER:nprs>=8")
    assert TINY.rule("T.SEVERE_NOTE") == mutant.rule("T.SEVERE_NOTE")
    [named] = [n for n in mutant.rule("T.REFER").when.walk() if isinstance(n, Named)]
    assert "severe_pain" != named.name
    # the evaluator must not reuse the other rule's copy of the definition
    advice = evaluate(Case(lrs=True, nprs=8), mutant)
    assert (None, (AdviceWarning.FINDINGS_SUGGEST_LRS,)) == (advice.referral, advice.warnings)


def test_negate_wraps_the_condition_in_not() -> None:
    """NEGATE fires the rule exactly where the original does not."""
    assert Not(TINY.rule("T.MASSAGE").when) == _ruleset("NEGATE:T.MASSAGE").rule("T.MASSAGE").when


def test_strength_moves_one_step_along_the_scale() -> None:
    """Consider weakens to not indicated and strengthens to offer; do not cannot weaken."""
    weak = _ruleset(f"WEAKEN:T.MASSAGE:{MASSAGE}").rule("T.MASSAGE").writes(MASSAGE)
    strong = _ruleset(f"STRENGTHEN:T.MASSAGE:{MASSAGE}").rule("T.MASSAGE").writes(MASSAGE)
    assert ((Strength.NOT_INDICATED,), (Strength.OFFER,)) == (weak, strong)
    ids = {m.id for m in mutants(TINY)}
    assert f"WEAKEN:T.NO_PASSIVE:{MASSAGE}" not in ids
    assert f"STRENGTHEN:T.NO_PASSIVE:{MASSAGE}" in ids


def test_urgency_window_and_limit_mutants() -> None:
    """A referral swaps its urgency, a window shifts by one, a session limit moves by one."""
    swapped = _ruleset("SWAP_URGENCY:T.REFER:referral").rule("T.REFER").writes("referral")
    later = _ruleset("WINDOW+1:T.RECHECK:recheck_after_days").rule("T.RECHECK")
    earlier = _ruleset("WINDOW-1:T.RECHECK:recheck_after_days").rule("T.RECHECK")
    limit = _ruleset("LIMIT-1:T.ANY_PAIN:session_limit").rule("T.ANY_PAIN")
    assert (Urgency.IMMEDIATE,) == swapped
    assert ((Window(3, 5),), (Window(1, 3),)) == (
        later.writes("recheck_after_days"),
        earlier.writes("recheck_after_days"),
    )
    assert (2,) == limit.writes("session_limit")


def test_drop_effect_only_for_rules_with_several_effects() -> None:
    """DROP_EFFECT leaves the other effects; a rule with one effect has only DROP."""
    rest = _ruleset("DROP_EFFECT:T.NO_PASSIVE:interventions.tens").rule("T.NO_PASSIVE").slots
    assert frozenset({MASSAGE}) == rest
    assert not any(m.id.startswith("DROP_EFFECT:T.MASSAGE") for m in mutants(TINY))


def test_drop_effect_of_a_winner_makes_an_invalid_rule_set() -> None:
    """A winner that no longer writes the slot it wins makes a malformed rule set.

    It would silently empty the field, so the rule-set checks reject it and the
    mutant is listed as invalid.
    """
    mutant = _mutant(f"DROP_EFFECT:T.NO_PASSIVE:{MASSAGE}")
    assert None is mutant.ruleset


def test_drop_of_the_only_loser_cuts_the_resolution() -> None:
    """A resolution left without a loser goes with it, so the mutant is a valid rule set."""
    assert () == _ruleset("DROP:T.MASSAGE").resolutions


def test_drop_resolution_removes_it() -> None:
    """DROP_RESOLUTION leaves the rules and drops that resolution."""
    mutant = _ruleset("DROP_RESOLUTION:RES.T")
    assert ((), TINY.rules) == (mutant.resolutions, mutant.rules)


def test_drop_rule_removes_it_and_the_resolutions_naming_it() -> None:
    """DROP of a resolution's only winner removes the rule and the resolution with it."""
    mutant = _ruleset("DROP:T.NO_PASSIVE")
    assert "T.NO_PASSIVE" not in [r.id for r in mutant.rules]
    assert () == mutant.resolutions


def test_ids_are_unique_and_found_one_by_one() -> None:
    """Every mutant id is unique and find_mutant builds the same mutant from it."""
    every = mutants(TINY)
    assert len(every) == len({m.id for m in every})
    assert [m.id for m in every] == [find_mutant(TINY, m.id).id for m in every]
    with pytest.raises(KeyError):
        find_mutant(TINY, "DROP:NO.SUCH.RULE")


def test_an_invalid_rule_set_is_recorded_not_raised() -> None:
    """A change that makes an invalid rule set gives a mutant without rules, and says why."""

    def broken(name: str) -> RuleSet:
        raise RuleSetError("malformed on purpose")

    mutant = _Builder(TINY).make(Operator.DROP, "T.NET", "", "left out", broken)
    assert ("DROP:T.NET", None, "malformed on purpose") == (
        mutant.id,
        mutant.ruleset,
        mutant.invalid,
    )


# -- installing a mutant ---------------------------------------------------------------------


def test_installed_swaps_the_evaluator_and_restores_it() -> None:
    """Inside ``installed`` evaluate() runs the mutant's rules; afterwards the original's."""
    mutant = _ruleset("DROP:T.REFER")
    with installed(mutant, TINY):
        inside = evaluate(SEVERE_LRS, TINY).referral
    after = evaluate(SEVERE_LRS, TINY).referral
    assert (None, Urgency.NOT_STATED) == (inside, after.urgency if after else None)


def test_installed_reaches_the_evaluator_without_tables() -> None:
    """The verifier replays counterexamples on the evaluator without tables: a mutant reaches it."""
    mutant = _ruleset("DROP:T.REFER")
    with installed(mutant, TINY):
        inside = evaluator_for(TINY, tables=False)(SEVERE_LRS).referral
    after = evaluator_for(TINY, tables=False)(SEVERE_LRS).referral
    assert (None, Urgency.NOT_STATED) == (inside, after.urgency if after else None)


# -- vectors -------------------------------------------------------------------------------------


def test_vector_json_round_trip(tmp_path: Path) -> None:
    """A vector written as a JSON line reads back equal."""
    v = vector("severe", SEVERE_LRS, TINY)
    assert v == vector_from_json(json.loads(json.dumps(vector_to_json(v))))
    write_vectors(tmp_path / "v.jsonl", [v, vector("plain", Case(), TINY)])
    assert (v.name, "plain") == tuple(x.name for x in load_vectors(tmp_path / "v.jsonl"))


def test_duplicate_vector_names_are_refused(tmp_path: Path) -> None:
    """Two vectors with one name in a file are an error, not a silent overwrite."""
    write_vectors(tmp_path / "v.jsonl", [vector("a", Case(), TINY), vector("a", SEVERE_LRS, TINY)])
    with pytest.raises(ValueError, match="two vectors named"):
        load_vectors(tmp_path / "v.jsonl")


def test_seed_vectors_cover_rules_and_both_sides_of_a_threshold() -> None:
    """Seeding gives a firing witness per rule and LRS cases at NPRS 7 and at 8 (T.REFER's edge).

    A case already taken under another name is not repeated, so the edge at 8
    may come as the firing witness of T.REFER rather than under a threshold name.
    """
    seeded = seed_vectors(TINY)
    assert "threshold:T.REFER:nprs>=8:7" in {v.name for v in seeded}
    assert {7, 8} <= {v.case.nprs for v in seeded if v.case.lrs}
    fired = {rule for v in seeded for rule in evaluate(v.case, TINY).fired}
    assert {r.id for r in TINY.rules} == fired
    for v in seeded:
        assert evaluate(v.case, TINY).normative() == v.expected


# -- the runner ------------------------------------------------------------------------------


def test_runner_kills_a_wrong_mutant_with_a_vector() -> None:
    """Dropping the referral changes the advice of a severe LRS vector: killed."""
    report = run(TINY, [vector("severe", SEVERE_LRS, TINY)], proofs=False)
    outcome = {o.mutant: o for o in report.outcomes}["DROP:T.REFER"]
    assert ("killed", 1, ("severe",)) == (outcome.status, outcome.vectors_changed, outcome.vectors)


def test_runner_proves_equivalent_mutants_equivalent() -> None:
    """A duplicate rule left out, or a bound moved beyond NPRS 10, changes no advice."""
    report = run(TINY, [], proofs=False)
    outcomes = {o.mutant: o for o in report.outcomes}
    duplicate = outcomes["DROP:T.NET_AGAIN"]
    beyond = outcomes["THRESHOLD+1:T.ANY_PAIN:nprs<=10"]
    assert ("equivalent", "equivalent") == (duplicate.status, beyond.status)
    assert "never alters when T.ANY_PAIN fires" in beyond.reason
    assert "given by other rules" in duplicate.reason


def test_runner_finds_a_distinguishing_case_that_then_kills_the_survivor() -> None:
    """Without vectors, dropping the referral survives with a witness; as a vector it kills."""
    first = {o.mutant: o for o in run(TINY, [], proofs=False).outcomes}["DROP:T.REFER"]
    assert "survived" == first.status
    assert first.witness is not None
    assert (True, True) == (first.witness.case.lrs, first.witness.case.nprs >= 8)
    assert evaluate(first.witness.case, TINY).normative() == first.witness.expected
    again = {o.mutant: o for o in run(TINY, [first.witness], proofs=False).outcomes}
    assert "killed" == again["DROP:T.REFER"].status


def test_runner_reports_the_properties_that_kill() -> None:
    """Leaving out the recheck leaves an unreferred LRS case without a next step."""
    report = run(TINY, [], properties=["completeness.lrs_next_step"], equivalence=False)
    outcome = {o.mutant: o for o in report.outcomes}["DROP:T.RECHECK"]
    assert ("completeness.lrs_next_step: proven -> refuted",) == outcome.proofs
    assert report.by_property()["completeness.lrs_next_step"] >= 1


def test_report_score_table_and_json() -> None:
    """Score = killed / (mutants - equivalent - invalid), shown in the table and the JSON."""
    report = run(TINY, [vector("severe", SEVERE_LRS, TINY)], proofs=False)
    c = report.counts()
    assert c["killed"] / (c["mutants"] - c["equivalent"] - c["invalid"]) == report.score
    assert c["mutants"] == (
        c["killed"] + c["equivalent"] + c["survived"] + c["unknown"] + c["invalid"]
    )
    assert report.table().splitlines()[-1].startswith("all")
    as_json = json.loads(json.dumps(report.to_json()))
    assert (len(mutants(TINY)), c) == (as_json["mutants_total"], as_json["totals"])


def test_tests_criterion_is_only_for_the_guideline() -> None:
    """Running hand-written tests against a mutant needs the built-in guideline."""
    with pytest.raises(ValueError, match="built-in guideline"):
        run(TINY, [], proofs=False, tests=["tests/test_rules.py"])


@pytest.mark.slow
def test_run_tests_installs_the_mutant_in_a_subprocess(tmp_path: Path) -> None:
    """The pytest plugin installs the named mutant of the guideline: a test of it fails."""
    test_file = tmp_path / "test_severe.py"
    test_file.write_text(
        "from lbp_spec import Case, evaluate\n\n\n"
        "def test_severe_lrs_is_referred():\n"
        "    assert evaluate(Case(lrs=True, nprs=8)).referral is not None\n",
        encoding="utf-8",
    )
    killed = run_tests("NEGATE:LRS.REFER.SEVERE", [test_file])
    spared = run_tests("DROP:NEURO.FINDING.REFLEXES", [test_file])
    assert ((True, "test_severe.py::test_severe_lrs_is_referred"), (False, "")) == (
        killed,
        spared,
    )


def test_vector_type_is_plain_data() -> None:
    """A vector is a name, a case and an advice, compared by value."""
    assert Vector("a", Case(), evaluate(Case(), TINY).normative()) == vector("a", Case(), TINY)


def test_installed_swaps_the_guideline_s_own_evaluator_too() -> None:
    """evaluate(case) with the default rules runs the installed mutant, then the guideline again.

    The guideline's evaluator is kept at hand by ``evaluate``; installing a mutant of
    the guideline (what the pytest plugin does) must reach it, before and after a call.
    """
    from lbp_spec import GUIDELINE

    case = Case(lrs=True, nprs=9)
    before = evaluate(case)
    mutant = find_mutant(GUIDELINE, "DROP:LRS.REFER.SEVERE").ruleset
    with installed(mutant):
        inside = evaluate(case)
    after = evaluate(case)
    assert (before, before) == (after, evaluate(case, GUIDELINE))
    assert before.referral is not None
    assert inside != before
