"""Advice on incomplete data: settled values are proven, open values are witnessed."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import z3
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import lbp_spec
from lbp_spec import Advice, Case, InvalidCaseError, NeurologicalExam, PartialCase, evaluate
from lbp_spec.cli import ExitCode, main
from lbp_spec.contract import load_partial_case
from lbp_spec.partial import (
    FIELDS,
    PartialAdvice,
    Status,
    evaluate_partial,
    field_value,
    partial_advice_schema,
    partial_json,
    partial_text,
)
from lbp_spec.partial import engine as engine_module
from lbp_spec.partial_case import UNKNOWN_PATHS
from lbp_spec.rule import SLOTS, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.strategies import cases
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import FactorLevel, PrognosticFactor, Urgency

LRS_EXAM = NeurologicalExam(dermatomal_pain=True, lasegue=True, fingertip_floor_cm=32)
LRS = Case(lrs=True, symptoms_below_knee=True, nprs=6, neurological_exam=LRS_EXAM)


def _mrc_unknown() -> PartialAdvice:
    return evaluate_partial(PartialCase.of(LRS, ["neurological_exam.mrc_lowest"]))


# -- strategies ------------------------------------------------------------------------------


@st.composite
def partial_cases(draw: st.DrawFn, max_unknown: int = 3) -> PartialCase:
    """A valid case with up to ``max_unknown`` of its inputs made unknown."""
    case = draw(cases())
    chosen = draw(st.lists(st.sampled_from(UNKNOWN_PATHS), max_size=max_unknown, unique=True))
    unknown: list[str] = []
    for path in chosen:
        parent = path.rsplit(".", 1)[0] if "." in path else None
        if any(path.startswith(u + ".") or u.startswith(path + ".") for u in unknown):
            continue
        if parent in ("neurological_exam", "sbst") and getattr(case, parent) is None:
            continue
        unknown.append(path)
    return PartialCase.of(case, unknown)


def _fill(partial: PartialCase, case: Case) -> dict[str, object]:
    return engine_module._fill(partial, case)


def _completion(partial: PartialCase, other: Case) -> Case | None:
    try:
        return partial.complete(_fill(partial, other))
    except (InvalidCaseError, AttributeError):  # invalid, or the other case lacks the part
        return None


# -- no unknowns -------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=40)
@given(cases())
def test_no_unknowns_equals_evaluate(case: Case) -> None:
    """With nothing unknown, every field is settled at exactly evaluate(case)'s value."""
    answer = evaluate_partial(PartialCase.of(case, []))
    advice = evaluate(case)
    assert [(f, Status.SETTLED, field_value(advice, f)) for f in FIELDS] == [
        (a.field, a.status, a.value) for a in answer.fields
    ]
    assert all(a.witness is not None and a.witness.advice == advice for a in answer.fields)
    assert () == answer.ask


def test_no_unknowns_example() -> None:
    """The LRS patient with everything known: the partial answer is its advice."""
    answer = evaluate_partial(PartialCase.of(LRS, []))
    assert {f: field_value(evaluate(LRS), f) for f in FIELDS} == answer.settled()


# -- soundness ---------------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=60)
@given(partial_cases(), st.lists(cases(), min_size=1, max_size=4))
def test_settled_and_open_values_hold_on_completions(
    partial: PartialCase, others: list[Case]
) -> None:
    """Settled values equal evaluate() on sampled completions; open values are all there is.

    Completions are sampled by taking the unknown inputs from other valid cases; every
    witness is a completion of the partial case and reproduces the value it witnesses.
    """
    answer = evaluate_partial(partial)
    completions = [c for c in (_completion(partial, o) for o in others) if c is not None]
    for answer_field in answer.fields:
        assert Status.UNDECIDED is not answer_field.status
    for case in completions:
        advice = evaluate(case)
        for a in answer.fields:
            got = field_value(advice, a.field)
            if a.status is Status.SETTLED:
                assert (a.field, a.value) == (a.field, got)
            else:
                assert (a.field, True) == (a.field, got in [v for v, _ in a.values])
    for a in answer.fields:
        for value, witness in a.values:
            assert (a.field, value) == (a.field, field_value(evaluate(witness.case), a.field))
            assert witness.advice == evaluate(witness.case)
            assert partial.known == PartialCase.of(witness.case, partial.unknown).known
    assume(completions)


def test_settling_is_sound_for_the_builtin_rules() -> None:
    """Proven with Z3: on every valid case each single field has exactly one decided value.

    "Settled" is the solver's proof that no valid completion gives a field a value
    other than the one noted; the value noted is the evaluator's, checked to hold in
    the encoding on its model. That reading is sound when, on every valid case, the
    decided values of a field exclude each other and one of them holds (so the value
    that holds in the encoding is the evaluator's). Both are proven here for the
    built-in rules, each premise checked satisfiable.
    """
    enc = Encoding(GUIDELINE)
    solver = z3.Solver()
    solver.add(enc.valid())
    assert z3.sat == solver.check()
    for slot, meta in SLOTS.items():
        if meta.kind is not SlotKind.SINGLE:
            continue
        values = list(dict.fromkeys([*GUIDELINE.domain(slot), meta.default]))
        terms = [enc.decided(slot, v) for v in values]
        assert (slot, z3.unsat) == (slot, solver.check(z3.Not(z3.Or(*terms))))
        for a, b in itertools.combinations(range(len(values)), 2):
            assert (slot, values[a], values[b], z3.unsat) == (
                slot,
                values[a],
                values[b],
                solver.check(terms[a], terms[b]),
            )


# -- what it says ------------------------------------------------------------------------------


def test_mrc_unknown_referral_is_open_with_minimal_witnesses() -> None:
    """MRC unknown: immediate referral at MRC 3 (the threshold), none at MRC 5 (plain)."""
    referral = _mrc_unknown().field("referral")
    assert Status.OPEN is referral.status
    assert referral.exhaustive
    assert {Urgency.IMMEDIATE: 3, None: 5} == {
        v: w.fill["neurological_exam.mrc_lowest"] for v, w in referral.values
    }


def test_mrc_unknown_settles_what_the_mrc_does_not_touch() -> None:
    """The examination components and the LRS safety net do not depend on the MRC grade."""
    answer = _mrc_unknown()
    advice = evaluate(LRS)
    for slot in ("neurological_examination.components", "safety_net_advice"):
        members = [f for f in FIELDS if f.startswith(slot + ".")]
        assert [(f, Status.SETTLED, field_value(advice, f)) for f in members] == [
            (f, answer.field(f).status, answer.field(f).value) for f in members
        ]
    assert answer.field("safety_net_advice.increasing_leg_weakness").value


def test_ask_ranks_referral_first_and_says_what_changes_nothing() -> None:
    """An input that can change the referral comes first; one that changes nothing says so."""
    partial = PartialCase.of(LRS, ["mechanical_problem", "nprs", "neurological_exam.mrc_lowest"])
    answer = evaluate_partial(partial)
    assert ["neurological_exam.mrc_lowest", "nprs", "mechanical_problem"] == [
        a.input for a in answer.ask
    ]
    assert [True, True, False] == [a.changes_referral for a in answer.ask]
    last = answer.ask[-1]
    assert () == last.changes
    assert "changes nothing" in partial_json(answer)["ask"][-1]["question"]
    assert partial_json(answer)["ask"][-1]["changes_nothing"]


def test_a_set_member_unknown() -> None:
    """One red flag unknown: a referral (the guideline states no urgency), or none."""
    partial = PartialCase.of(Case(), ["red_flags.fracture"])
    referral = evaluate_partial(partial).field("referral")
    assert {None: False, Urgency.NOT_STATED: True} == {
        v: w.fill["red_flags.fracture"] for v, w in referral.values
    }


def test_the_whole_examination_unknown() -> None:
    """The whole examination unknown: absent is a completion too, and the plain one."""
    partial = PartialCase.of(LRS, ["neurological_exam"])
    referral = evaluate_partial(partial).field("referral")
    assert Status.OPEN is referral.status
    assert None is dict(referral.values)[None].fill["neurological_exam"]


def test_a_factor_unknown() -> None:
    """One prognostic factor unknown: the profile depends on its level."""
    case = Case(prognostic_factors={PrognosticFactor.PREVIOUS_EPISODES: FactorLevel.NON_DOMINANT})
    profile = evaluate_partial(PartialCase.of(case, ["prognostic_factors.fear_of_movement"])).field(
        "profile"
    )
    assert {2: None, 3: FactorLevel.DOMINANT} == {
        v: w.fill["prognostic_factors.fear_of_movement"] for v, w in profile.values
    }


def test_follow_up_field_unknown_at_an_initial_consultation_changes_nothing() -> None:
    """Completions are valid cases: at an initial consultation a follow-up field is absent."""
    answer = evaluate_partial(PartialCase.of(Case(), ["improvement"]))
    assert all(a.status is Status.SETTLED for a in answer.fields)
    assert () == answer.ask[0].changes


def test_no_valid_completion_names_the_fields() -> None:
    """Known values no completion can satisfy: an error at the fields that clash."""
    from lbp_spec.contract import partial_case_from_json

    partial = partial_case_from_json(
        {
            "contract_version": "2.0",
            "discipline": "physical_therapist",
            "need_for_assistance": True,
            "lrs": False,
            "nprs": 3,
            "weeks_since_start": 3,
            "unknown": ["consultation"],
        }
    )
    with pytest.raises(InvalidCaseError) as error:
        evaluate_partial(partial)
    assert {"sessions_used", "weeks_since_start"} == {p.path for p in error.value.problems}


# -- never claim what is not proven ------------------------------------------------------------


def test_solver_unknown_is_never_settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the solver gives up on every question after the first, nothing is settled."""

    def gives_up(solver: z3.Solver, *assumptions: z3.BoolRef) -> z3.CheckSatResult:
        return solver.check() if not assumptions else z3.unknown

    monkeypatch.setattr(engine_module, "_solve", gives_up)
    answer = _mrc_unknown()
    assert [] == [a.field for a in answer.fields if a.status is Status.SETTLED]
    assert {Status.UNDECIDED} == {a.status for a in answer.fields}
    assert all(not a.complete for a in answer.ask)


def test_solver_unknown_from_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """A solver that answers nothing leaves every field undecided."""
    monkeypatch.setattr(engine_module, "_solve", lambda solver, *a: z3.unknown)
    answer = _mrc_unknown()
    assert {Status.UNDECIDED} == {a.status for a in answer.fields}


# -- documents ---------------------------------------------------------------------------------


def test_json_document_follows_its_schema() -> None:
    """The JSON answer validates against its schema and carries its own version."""
    answer = evaluate_partial(PartialCase.of(LRS, ["neurological_exam.mrc_lowest", "nprs"]))
    document = partial_json(answer)
    Draft202012Validator.check_schema(partial_advice_schema())
    validator = Draft202012Validator(partial_advice_schema())
    assert [] == [e.message for e in validator.iter_errors(document)]
    assert "1.0" == document["partial_advice_version"]
    json.dumps(document)


def test_text_gives_the_sentences_and_the_question() -> None:
    """--explain: settled and open values, the guideline sentence, the question in words."""
    text = " ".join(partial_text(_mrc_unknown()).split())
    assert "Already certain" in text
    assert "immediate, e.g. with neurological_exam.mrc_lowest = 3" in text
    assert "severe motor deficit (MCR score ≤ 3 out of 5)" in text
    assert "1. neurological_exam.mrc_lowest: Lowest MRC grade?" in text


def test_import_lbp_spec_does_not_import_z3_until_used() -> None:
    """evaluate_partial is re-exported lazily: import lbp_spec stays free of Z3."""
    code = (
        "import sys, lbp_spec; a = 'z3' in sys.modules; lbp_spec.evaluate_partial; "
        "print(a, 'z3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "False True" == out.stdout.strip()
    assert evaluate_partial is lbp_spec.evaluate_partial


# -- the command -------------------------------------------------------------------------------

EXAMPLE = Path(__file__).parents[1] / "examples" / "partial" / "mrc-unknown.json"


def _run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    try:
        status = main(list(argv))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_partial_json(capsys: pytest.CaptureFixture[str]) -> None:
    """Evaluate --partial FILE (--json): the document the library gives, status 0."""
    status, out, err = _run(capsys, "evaluate", "--partial", "--json", str(EXAMPLE))
    assert (ExitCode.OK, "") == (status, err)
    expected = partial_json(evaluate_partial(load_partial_case(EXAMPLE.read_text("utf-8"))))
    assert expected == json.loads(out)


def test_cli_partial_explain(capsys: pytest.CaptureFixture[str]) -> None:
    """Evaluate --partial --explain: the answer in words."""
    status, out, _ = _run(capsys, "evaluate", "--partial", "--explain", str(EXAMPLE))
    assert ExitCode.OK == status
    assert out.startswith("Unknown inputs: neurological_exam.mrc_lowest\n")


def test_cli_partial_bad_input_names_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad partial case: each problem by field path on stderr, the status of evaluate."""
    bad = json.loads(EXAMPLE.read_text("utf-8"))
    bad["unknown"] = ["neurological_exam.mrc_lowest", "nprs"]
    status, out, err = _run(capsys, "evaluate", "--partial", "-", stdin=json.dumps(bad))
    plain, _, plain_err = _run(capsys, "evaluate", "-", stdin='{"nprs": 42}')
    assert (plain, "") == (status, out)
    assert "nprs: is named in unknown but also given; leave it out, or know it\n" == err
    assert plain_err


def test_cli_partial_undecided_is_status_unknown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A field left undecided makes the status 'unknown' (3), as verify does."""
    monkeypatch.setattr(engine_module, "_solve", lambda solver, *a: z3.unknown)
    status, out, _ = _run(capsys, "evaluate", "--partial", str(EXAMPLE))
    assert ExitCode.UNKNOWN == status
    assert {"undecided"} == {f["status"] for f in json.loads(out)["fields"]}


def test_the_only_unknown_shows_the_referral_at_each_value() -> None:
    """MRC the only unknown: immediate at 0 to 3, none at 4 and 5, in the question too."""
    answer = _mrc_unknown()
    ask = answer.ask[0]
    expected = tuple((grade, Urgency.IMMEDIATE if grade <= 3 else None) for grade in range(6))
    assert expected == ask.referral_at
    assert "(immediate at 0 to 3; none at 4 to 5)" in partial_json(answer)["ask"][0]["question"]


def test_unknown_consultation_needs_its_follow_up_fields_unknown_too() -> None:
    """An unknown consultation alone can only be initial; with its follow-up fields unknown too.

    A follow-up becomes a completion, but validity ties the consultation to those
    fields, so on its own (the others held fixed) it changes nothing, while the
    improvement does.
    """
    alone = evaluate_partial(PartialCase.of(Case(), ["consultation"]))
    assert () == alone.ask[0].changes
    both = evaluate_partial(
        PartialCase.of(
            Case(), ["consultation", "weeks_since_start", "sessions_used", "improvement"]
        )
    )
    by_input = {a.input: a.changes for a in both.ask}
    assert () == by_input["consultation"]
    assert () != by_input["improvement"]
    assert any(a.status is Status.OPEN for a in both.fields)


def test_cli_prints_the_partial_advice_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """lbp-spec schema partial_advice prints the schema the answers follow."""
    status, out, _ = _run(capsys, "schema", "partial_advice")
    assert (ExitCode.OK, partial_advice_schema()) == (status, json.loads(out))


_FINITE = tuple(p for p in UNKNOWN_PATHS if engine_module._values_of(p) is not None)


@pytest.mark.slow
@settings(max_examples=40)
@given(cases(), st.lists(st.sampled_from(_FINITE), min_size=1, max_size=3, unique=True))
def test_answers_equal_brute_force_over_finite_inputs(case: Case, paths: list[str]) -> None:
    """With few-valued unknown inputs, every completion can be listed: the answer is exact.

    Settled and open fields, the values of open fields, and what each input changes
    on its own all equal what enumerating every valid completion gives.
    """
    paths = [p for p in paths if not any(p.startswith(q + ".") for q in paths if q != p)]
    paths = [
        p
        for p in paths
        if p.split(".")[0] not in ("neurological_exam", "sbst")
        or getattr(case, p.split(".")[0]) is not None
    ]
    assume(paths)
    partial = PartialCase.of(case, paths)
    domains = [engine_module._values_of(p) or [] for p in paths]
    assume(len(list(itertools.product(*domains))) <= 128)
    completions: list[tuple[tuple[object, ...], Case]] = []
    for combo in itertools.product(*domains):
        try:
            completions.append((combo, partial.complete(dict(zip(paths, combo, strict=True)))))
        except InvalidCaseError:
            continue
    assume(completions)
    advices = [(combo, evaluate(c)) for combo, c in completions]
    answer = evaluate_partial(partial)
    for a in answer.fields:
        values = {field_value(advice, a.field) for _, advice in advices}
        if a.status is Status.SETTLED:
            assert (a.field, {a.value}) == (a.field, values)
        else:
            assert (a.field, Status.OPEN, values) == (a.field, a.status, {v for v, _ in a.values})
    for ask in answer.ask:
        i = paths.index(ask.input)
        groups: dict[tuple[object, ...], list[Advice]] = {}
        for combo, advice in advices:
            groups.setdefault(combo[:i] + combo[i + 1 :], []).append(advice)
        expected = {
            f
            for f in FIELDS
            for group in groups.values()
            if len({field_value(advice, f) for advice in group}) > 1
        }
        assert (ask.input, expected) == (ask.input, set(ask.changes))
