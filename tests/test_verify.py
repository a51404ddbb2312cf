"""The verifier reports proven, refuted, vacuous, unknown and error honestly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import z3

from lbp_spec import GUIDELINE, Case
from lbp_spec.cli import main
from lbp_spec.logic import flag
from lbp_spec.properties import CATALOGUE, Property, by_name
from lbp_spec.report import case_findings, report_json, report_text
from lbp_spec.rule import Rule, sets, strength
from lbp_spec.ruleset import RuleSet
from lbp_spec.verify import Status, verify
from lbp_spec.vocabulary import Intervention, Section, Strength

MOB_MAN = (Intervention.MOBILISATION, Intervention.MANIPULATION)
QUOTE = "Limit the treatment to a maximum of three sessions."


def _rule(rule_id: str, when: object, *effects: object) -> Rule:
    return Rule(
        id=rule_id,
        section=Section.PASSIVE,
        title=rule_id,
        quote=QUOTE,
        when=when,  # type: ignore[arg-type]
        then=effects,  # type: ignore[arg-type]
    )


def test_built_in_guideline_proves_every_requirement() -> None:
    """Every requirement is proven; every finding is refuted with its witness."""
    report = verify()
    expected = [(p.name, Status.REFUTED if p.finding else Status.PROVEN) for p in CATALOGUE]
    assert expected == [(r.name, r.status) for r in report.results]
    assert report.ok
    assert all(r.passed for r in report.results)


def test_clashing_rule_set_is_refuted_with_a_replayed_witness() -> None:
    """Two rules that permit and forbid mobilisation for LRS: refuted, with a witness."""
    clash = RuleSet(
        "clash",
        [
            _rule("A.PERMIT", flag("lrs"), *strength(Strength.CONSIDER, *MOB_MAN)),
            _rule("B.FORBID", flag("lrs"), *strength(Strength.DO_NOT, *MOB_MAN)),
        ],
    )
    [result] = verify(clash, properties=["consistency.mobilisation_manipulation"]).results
    assert Status.REFUTED == result.status
    assert result.witness is not None
    assert result.witness.lrs is True
    assert ("A.PERMIT", "B.FORBID") == result.concerns
    assert result.witness_advice is not None
    assert {"A.PERMIT", "B.FORBID"} <= set(result.witness_advice.fired)


def test_property_that_cannot_be_reached_is_vacuous() -> None:
    """A rule set that never grades mobilisation: the consistency claim holds for want of cases."""
    silent = RuleSet("silent", [_rule("A.LIMIT", flag("lrs"), sets("session_limit", 3))])
    [result] = verify(silent, properties=["consistency.mobilisation_manipulation"]).results
    assert Status.VACUOUS == result.status
    assert "never reachable" in result.message


def test_unsatisfiable_premise_is_vacuous() -> None:
    """A property whose premise no valid case meets is a failure, never a proof."""
    impossible = Property(
        name="test.impossible",
        statement="For every case with NPRS above 10, nothing.",
        premise=lambda enc: enc.value["nprs"] > 10,
        claim=lambda enc: z3.BoolVal(True),
        check=lambda rs, case, advice: True,
        concerns=lambda rs: (),
    )
    from lbp_spec import verify as verify_module
    from lbp_spec.symbolic import Encoding

    result = verify_module._check(impossible, Encoding(GUIDELINE), 1000, GUIDELINE)
    assert Status.VACUOUS == result.status
    assert "premise" in result.message


def test_solver_unknown_is_reported_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """When Z3 answers unknown (e.g. a timeout), the property is unknown, never proven."""
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    [result] = verify(properties=["completeness.lrs_next_step"]).results
    assert Status.UNKNOWN == result.status


def test_unknown_property_name_is_a_key_error() -> None:
    """Asking for a property that does not exist names the known ones."""
    with pytest.raises(KeyError, match=r"completeness\.lrs_next_step"):
        by_name("no.such.property")


def test_report_text_shows_table_and_witness() -> None:
    """The text report has a row per property and a readable counterexample patient."""
    name = "consistency.mobilisation_manipulation"
    report = verify(GUIDELINE.literal(), properties=[name])
    text = report_text(report)
    assert f"{name}  refuted" in text
    assert "counterexample patient" in text
    assert "mechanical_problem: true" in text  # the only way mobilisation is permitted
    assert "refuted" in text
    assert "NOT all requirements proven" in text


def test_report_json_round_trips_through_json() -> None:
    """The JSON report is plain JSON with the witness as a contract case."""
    name = "consistency.mobilisation_manipulation"
    data = json.loads(json.dumps(report_json(verify(GUIDELINE.literal(), properties=[name]))))
    [result] = data["results"]
    assert ("refuted", "requirement", False) == (result["status"], result["kind"], result["passed"])
    assert True is result["witness"]["mechanical_problem"]
    assert False is data["ok"]


def test_case_findings_lists_only_what_differs_from_a_plain_patient() -> None:
    """A plain patient has no findings; one change shows as one line."""
    assert [] == case_findings(Case())
    assert ["nprs: 8"] == case_findings(Case(nprs=8))


def test_cli_verify_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 0 when all are proven; the table goes to stdout; bad names are usage errors."""
    assert 0 == main(["verify", "--no-episodes"])
    out = capsys.readouterr().out
    assert "completeness.lrs_next_step" in out
    assert "proven" in out
    assert 2 == main(["verify", "--property", "nope"])
    assert "no property nope" in capsys.readouterr().err
    assert 2 == main(["verify", "--timeout", "0"])


def test_cli_verify_includes_rule_health(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --property, verify also reports the rule health, in text and in JSON."""
    assert 0 == main(["verify", "--no-episodes"])
    assert "every rule fires" in capsys.readouterr().out
    assert 0 == main(["verify", "--no-episodes", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert "health" in data
    assert "episodes" not in data


def test_cli_verify_runs_episode_properties(capsys: pytest.CaptureFixture[str]) -> None:
    """An episode property can be asked for by name; its result is in text and JSON."""
    name = "episodes.emergency_refers_immediately"
    assert 0 == main(["verify", "--property", name])
    assert f"{name}" in capsys.readouterr().out
    assert 0 == main(["verify", "--property", name, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert [name] == [r["name"] for r in data["episodes"]["results"]]
    assert 2 == main(["verify", "--episode-bound", "0"])


def test_cli_verify_fails_when_a_rule_never_fires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A changed rule set with a rule whose condition cannot hold fails the check."""
    path = tmp_path / "dead.py"
    path.write_text(
        "from lbp_spec.logic import cmp\n"
        "from lbp_spec.rule import Rule, sets\n"
        "from lbp_spec.vocabulary import Section\n"
        "RULES = (Rule(id='X.DEAD', section=Section.PROFILES, title='dead',\n"
        "    quote='Limit the treatment to a maximum of three sessions.',\n"
        "    when=cmp('nprs', '>', 10), then=[sets('session_limit', 3)]),)\n",
        encoding="utf-8",
    )
    assert 1 == main(["verify", "--no-episodes", "--rules", str(path)])
    assert "X.DEAD" in capsys.readouterr().out


def test_cli_verify_json(capsys: pytest.CaptureFixture[str]) -> None:
    """--json writes the machine-readable report."""
    assert 0 == main(["verify", "--json", "--property", "completeness.lrs_next_step"])
    data = json.loads(capsys.readouterr().out)
    assert ["completeness.lrs_next_step"] == [r["name"] for r in data["results"]]
    assert True is data["ok"]


def test_cli_verify_unknown_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A solver that gives up makes the status 3 (unknown)."""
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    assert 3 == main(["verify", "--no-episodes"])
    assert "unknown" in capsys.readouterr().out


def test_collision_counterexample_names_the_rules_and_quotes() -> None:
    """A refuted consistency property shows the colliding rules with their quotes."""
    literal = GUIDELINE.literal()
    report = verify(literal, properties=["consistency.one_value_per_field"])
    text = report_text(report, literal)
    assert "collision on " in text
    [result] = report.results
    assert result.witness_advice is not None
    fired = [r for r in literal.rules if r.id in result.witness_advice.fired]
    quoted = [q for r in fired for q in r.quote if f'"{q}"' in text]
    assert quoted


def test_a_check_that_runs_out_of_time_is_unknown() -> None:
    """The preprocessing solver honours the time limit: a hard formula at 1 ms is unknown."""
    from lbp_spec import verify as verify_module

    holes, pigeons = 9, 10
    at = [[z3.Bool(f"p{i}h{j}") for j in range(holes)] for i in range(pigeons)]
    hard = [z3.Or(*row) for row in at] + [
        z3.Not(z3.And(at[i][j], at[k][j]))
        for j in range(holes)
        for i in range(pigeons)
        for k in range(i + 1, pigeons)
    ]
    solver = verify_module._solver(1, *hard)
    assert z3.unknown == solver.check()
    assert solver.reason_unknown() in {"timeout", "canceled"}
