"""The generated suite: what it covers, that its expectations are the reference's, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from lbp_spec import advice_to_json, case_from_json, evaluate
from lbp_spec.conformance import (
    NORMATIVE_FIELDS,
    Outcome,
    Program,
    Suite,
    check_program,
    generate,
    write_suite,
)
from lbp_spec.conformance.fields import FieldKind, field_values, normative_json
from lbp_spec.conformance.sample import random_cases
from lbp_spec.conformance.targets import GROUPS, targets
from lbp_spec.rule import intervention_slot
from lbp_spec.rules import GUIDELINE
from lbp_spec.vocabulary import Intervention, Strength

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "examples" / "vendor" / "lbp_vendor.py"


@pytest.fixture(scope="module")
def suite() -> Suite:
    """The suite, generated once for this module."""
    return generate()


def covered(suite: Suite) -> set[str]:
    """Every goal some vector of ``suite`` covers."""
    return {goal for v in suite.vectors for goal in v.covers}


def test_expectations_are_the_reference_advice(suite: Suite) -> None:
    """Every vector expects exactly the normative advice the evaluator gives its case."""
    for vector in suite.vectors:
        advice = evaluate(case_from_json(vector.case))
        assert normative_json(advice_to_json(advice)) == vector.expected, vector.id
        assert set(advice.fired) <= set(vector.rules), vector.id


def test_every_rule_fires_and_does_not_fire(suite: Suite) -> None:
    """Each rule has a vector where it fires and one where it does not, with different advice."""
    goals = covered(suite)
    by_goal = {goal: v for v in suite.vectors for goal in v.covers}
    for rule in GUIDELINE.rules:
        fires, silent = f"rule {rule.id} fires", f"rule {rule.id} does not fire"
        assert fires in goals and silent in goals, rule.id
        a = evaluate(case_from_json(by_goal[fires].case))
        b = evaluate(case_from_json(by_goal[silent].case))
        assert rule.id in a.fired and rule.id not in b.fired
        assert a.normative() != b.normative(), rule.id


def test_every_atomic_condition_is_covered_mcdc(suite: Suite) -> None:
    """Per atomic condition: a pair where it flips, the rule flips and the advice changes."""
    by_goal = {goal: v for v in suite.vectors for goal in v.covers}
    conditions = [t for t in targets(GUIDELINE) if t.group == "conditions"]
    assert len(conditions) > len(GUIDELINE.rules)
    for target in conditions:
        true, false = by_goal[target.describe("true")], by_goal[target.describe("false")]
        rule = target.spec["rule"]
        a, b = (evaluate(case_from_json(v.case)) for v in (true, false))
        assert (rule in a.fired) != (rule in b.fired), target.name
        assert a.normative() != b.normative(), target.name


def test_every_threshold_on_both_sides(suite: Suite) -> None:
    """Each numeric bound of each rule is tested at the values on both of its sides."""
    by_goal = {goal: v for v in suite.vectors for goal in v.covers}
    thresholds = [t for t in targets(GUIDELINE) if t.group == "thresholds"]
    bounds = {(t.spec["path"], t.spec["bound"]) for t in thresholds}
    assert {
        ("nprs", 8),
        ("neurological_exam.mrc_lowest", 3),
        ("neurological_exam.fingertip_floor_cm", 25),
        ("weeks_since_start", 3),
        ("weeks_since_start", 6),
        ("weeks_since_start", 12),
        ("sessions_used", 3),
    } <= bounds
    for target in thresholds:
        head, _, rest = target.spec["path"].partition(".")
        fired = set()
        for value, _holds in target.spec["values"]:
            vector = by_goal[target.describe(f"{value:g}")]
            case = case_from_json(vector.case)
            read = getattr(case, head)
            assert value == (getattr(read, rest) if rest else read), target.name
            fired.add(target.spec["rule"] in evaluate(case).fired)
        assert {True, False} == fired, target.name
    at = {
        tuple(v)
        for t in thresholds
        if t.spec["path"].endswith("fingertip_floor_cm")
        for v in t.spec["values"]
    }
    assert {(25.0, False), (25.5, True), (26.0, True)} == at


def test_every_resolution_with_winner_and_loser(suite: Suite) -> None:
    """For each declared resolution, a vector where its winner and its loser both fire."""
    fired = [set(evaluate(case_from_json(v.case)).fired) for v in suite.vectors]
    for res in GUIDELINE.resolutions:
        pairs = [(w, lo) for w in res.winners for lo in res.losers]
        met = [(w, lo) for w, lo in pairs if any({w, lo} <= f for f in fired)]
        assert met, res.id


def test_every_value_is_reached_or_listed_unreachable(suite: Suite) -> None:
    """Each value of each normative field is expected by some vector, or listed as unreachable."""
    unreachable = {t["target"] for t in suite.manifest["not_covered"]}
    for f in NORMATIVE_FIELDS:
        for value in field_values(f, GUIDELINE):
            reached = any(_has(v.expected, f.path, f.kind, value) for v in suite.vectors)
            name = f"values/{f.path}/"
            listed = any(t.startswith(name) and _names_value(t, value) for t in unreachable)
            assert reached != listed, (f.path, value)
    assert "values/interventions.massage.strength/do" in unreachable
    slot = intervention_slot(Intervention.MASSAGE)
    assert Strength.DO not in GUIDELINE.domain(slot)


def _names_value(target: str, value: object) -> bool:
    last = target.rsplit("/", 1)[1]
    return last == (str(value).lower() if isinstance(value, bool) else str(value))


def _has(expected: dict[str, object], path: str, kind: FieldKind, value: object) -> bool:
    head, _, rest = path.partition(".")
    holder: object = expected[head]
    for part in rest.split(".") if rest else ():
        holder = holder[part]  # type: ignore[index]
    if kind is FieldKind.SET:
        return holder == [] if value == [] else value in holder  # type: ignore[operator]
    return holder == value


def test_manifest(suite: Suite) -> None:
    """The manifest counts the groups, names the version and records the generator settings."""
    manifest = suite.manifest
    counts = Counter(v.group for v in suite.vectors)
    assert {g: counts[g] for g in GROUPS} == manifest["groups"]
    assert len(suite.vectors) == manifest["vectors"] == len({v.id for v in suite.vectors})
    assert manifest["suite_version"].startswith("2.0+")
    assert manifest["sha256"].startswith(manifest["suite_version"][4:])
    assert 2021 == manifest["generator"]["seed"]
    assert 200 == manifest["groups"]["random"] == manifest["generator"]["random"]
    assert [f.path for f in NORMATIVE_FIELDS] == manifest["normative_fields"]
    assert all(v.id.startswith(v.group + "/") for v in suite.vectors)


def test_random_sample_is_seeded() -> None:
    """The same seed draws the same cases; another seed others."""
    assert random_cases(30, 5) == random_cases(30, 5)
    assert random_cases(30, 5) != random_cases(30, 6)


def test_generation_is_deterministic_byte_for_byte(suite: Suite, tmp_path: Path) -> None:
    """A fresh process generates the same files, byte for byte, as this one did."""
    write_suite(suite, tmp_path / "here")
    code = (
        "import sys; from lbp_spec.conformance import generate, write_suite; "
        "write_suite(generate(jobs=1), sys.argv[1])"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "there")], check=True)
    for name in ("manifest.json", "vectors.jsonl", "cases.jsonl"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes()


def test_the_example_implementation_passes(suite: Suite) -> None:
    """The independent example implementation passes every vector (batch mode)."""
    program = Program((sys.executable, str(VENDOR), "--batch"), batch=True)
    report = check_program(suite, program)
    assert len(suite.vectors) == report.count(Outcome.PASS)


def test_every_fault_of_the_example_is_caught(suite: Suite) -> None:
    """Each named fault injected into the example makes at least one vector fail."""
    listed = subprocess.run(
        [sys.executable, str(VENDOR), "--list-faults"], capture_output=True, text=True, check=True
    )
    faults = [line.split()[0] for line in listed.stdout.splitlines()]
    assert len(faults) >= 10
    survivors = []
    for fault in faults:
        program = Program((sys.executable, str(VENDOR), "--batch", "--fault", fault), batch=True)
        if check_program(suite, program).passed:
            survivors.append(fault)
    assert [] == survivors


def test_the_vendor_example_lists_its_cases_per_line(suite: Suite) -> None:
    """cases.jsonl fed to the example in batch mode gives one advice per case, in order."""
    text = "".join(json.dumps(v.case) + "\n" for v in suite.vectors[:20])
    out = subprocess.run(
        [sys.executable, str(VENDOR), "--batch"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    assert 20 == len(out.stdout.splitlines())


def test_the_docs_show_this_release_s_suite(suite: Suite) -> None:
    """The suite version and output the how-to shows were recorded from this release's suite."""
    recorded = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    figures = recorded["conformance"]["figures"]
    assert (suite.version, len(suite.vectors)) == (figures["suite"], figures["vectors"])
    assert figures["generate_output"].startswith(f"Wrote suite {suite.version} to suite: ")
