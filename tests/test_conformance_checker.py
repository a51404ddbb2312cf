"""The checker against vendor programs that crash, hang, print garbage, break the schema or lie."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lbp_spec import Case, cli
from lbp_spec.cli import ExitCode
from lbp_spec.cli_conformance import CONFORMANCE
from lbp_spec.conformance import (
    ErrorKind,
    Outcome,
    Program,
    ProgramError,
    Report,
    SkipListError,
    Suite,
    SuiteError,
    check_answers_file,
    check_program,
    load_suite,
    parse_skips,
    report_json,
    report_text,
    suite_from_cases,
    write_suite,
)
from lbp_spec.conformance.runner import GIVE_UP
from lbp_spec.conformance.sample import random_cases
from lbp_spec.vocabulary import FactorLevel, PrognosticFactor, RedFlag

TRIGGER_NPRS = 9
"""The fake vendors misbehave on the case with this NPRS (LRS with severe pain)."""

CASES = (
    Case(),
    Case(lrs=True, nprs=TRIGGER_NPRS),
    Case(nprs=3, prognostic_factors={PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT}),
    Case(red_flags={RedFlag.FRACTURE}),
    Case(lrs=True),
)

VENDOR = r"""
import json, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "answers.json"), encoding="utf-8") as f:
    ANSWERS = json.load(f)
MODE = sys.argv[1]


def answer(line):
    case = json.loads(line)
    trigger = case["nprs"] == __TRIGGER__
    if MODE == "crash" or (MODE == "crash-on" and trigger):
        sys.stderr.write("boom: segmentation fault in rules.c\n")
        sys.exit(3)
    if MODE == "hang" or (MODE == "hang-on" and trigger):
        time.sleep(60)
    if MODE == "garbage" or (MODE == "garbage-on" and trigger):
        return "<html>Internal Server Error</html>"
    advice = json.loads(ANSWERS[json.dumps(case, sort_keys=True)])
    if MODE == "schema" and trigger:
        advice["profile"] = 7
    if MODE == "lie":
        advice["referral"] = None
    return json.dumps(advice)


if "--batch" in sys.argv:
    for line in sys.stdin:
        sys.stdout.write(answer(line) + "\n")
        sys.stdout.flush()
else:
    sys.stdout.write(answer(sys.stdin.read()) + "\n")
""".replace("__TRIGGER__", str(TRIGGER_NPRS))


@pytest.fixture
def suite() -> Suite:
    """A small suite of five hand-picked cases."""
    return suite_from_cases(CASES, group="hand")


@pytest.fixture
def vendor(tmp_path: Path, suite: Suite) -> Path:
    """A fake vendor program whose behaviour is chosen by its first argument."""
    answers = {json.dumps(v.case, sort_keys=True): json.dumps(v.expected) for v in suite.vectors}
    (tmp_path / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    path = tmp_path / "vendor.py"
    path.write_text(VENDOR, encoding="utf-8")
    return path


def program(vendor: Path, mode: str, *, batch: bool = False, timeout: float = 20.0) -> Program:
    """The fake vendor in ``mode`` as the checker runs it."""
    argv = [sys.executable, str(vendor), mode]
    if batch:
        argv.append("--batch")
    return Program(tuple(argv), timeout=timeout, batch=batch)


def trigger_result(report: Report) -> tuple[Outcome, ErrorKind | None]:
    """The outcome (and error kind) of the trigger case."""
    (result,) = [r for r in report.results if r.vector.case["nprs"] == TRIGGER_NPRS]
    return result.outcome, None if result.error is None else result.error.kind


def others_pass(report: Report) -> bool:
    """Whether every vector but the trigger case passed."""
    return all(
        r.outcome is Outcome.PASS for r in report.results if r.vector.case["nprs"] != TRIGGER_NPRS
    )


# -- programs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [False, True])
def test_a_conforming_program_passes(vendor: Path, suite: Suite, batch: bool) -> None:
    """A program answering the reference's advice passes every vector, in both protocols."""
    report = check_program(suite, program(vendor, "good", batch=batch))
    assert report.passed
    assert len(CASES) == report.count(Outcome.PASS)


def test_a_crashing_program_is_reported_and_the_run_goes_on(vendor: Path, suite: Suite) -> None:
    """Every run crashes: each vector is an error naming the status and stderr; none is skipped."""
    report = check_program(suite, program(vendor, "crash"))
    assert not report.passed
    assert len(CASES) == report.count(Outcome.ERROR)
    error = report.results[0].error
    assert error is not None
    assert ErrorKind.CRASH == error.kind
    assert "exit status 3" in error.message
    assert "segmentation fault" in error.message


@pytest.mark.parametrize("batch", [False, True])
def test_a_crash_on_one_case(vendor: Path, suite: Suite, batch: bool) -> None:
    """A crash on one case is that vector's error; a batch program is restarted for the rest."""
    report = check_program(suite, program(vendor, "crash-on", batch=batch))
    assert (Outcome.ERROR, ErrorKind.CRASH) == trigger_result(report)
    assert others_pass(report)


@pytest.mark.parametrize("batch", [False, True])
def test_a_hanging_program_times_out(vendor: Path, suite: Suite, batch: bool) -> None:
    """A hang is a timeout for that vector only; the program is killed, not waited for."""
    started = time.monotonic()
    report = check_program(suite, program(vendor, "hang-on", batch=batch, timeout=1.5))
    assert time.monotonic() - started < 30
    assert (Outcome.ERROR, ErrorKind.TIMEOUT) == trigger_result(report)
    assert others_pass(report)


@pytest.mark.parametrize("batch", [False, True])
def test_a_garbage_printing_program(vendor: Path, suite: Suite, batch: bool) -> None:
    """Output that is not JSON is invalid_json for that vector."""
    report = check_program(suite, program(vendor, "garbage-on", batch=batch))
    assert (Outcome.ERROR, ErrorKind.INVALID_JSON) == trigger_result(report)
    assert others_pass(report)


def test_a_schema_breaking_program(vendor: Path, suite: Suite) -> None:
    """An advice that breaks the schema is invalid_advice, with the problem at its field path."""
    report = check_program(suite, program(vendor, "schema", batch=True))
    assert (Outcome.ERROR, ErrorKind.INVALID_ADVICE) == trigger_result(report)
    (result,) = [r for r in report.results if r.outcome is Outcome.ERROR]
    assert result.error is not None
    assert ["profile: must be 1 to 3, got 7"] == list(result.error.problems)
    assert others_pass(report)


def test_a_lying_program(vendor: Path, suite: Suite) -> None:
    """A valid but wrong advice fails, naming the field, both values and the rules with quotes."""
    report = check_program(suite, program(vendor, "lie", batch=True))
    failed = {r.vector.case["nprs"]: r for r in report.results if r.outcome is Outcome.FAIL}
    assert {0, TRIGGER_NPRS} == set(failed)  # the fracture (nprs 0) and severe LRS are referred
    (disagreement,) = failed[TRIGGER_NPRS].disagreements
    assert "referral" == disagreement.path
    assert {
        "to": "general_practitioner",
        "urgency": "not_stated",
        "mode": "instead_of_treatment",
    } == disagreement.expected
    assert disagreement.actual is None
    assert ("LRS.REFER.SEVERE",) == disagreement.rules
    text = report_text(report)
    assert "referral: expected" in text
    assert "Refer the patient with LRS and severe motor deficit" in text
    assert "Result: FAILED: 3 passed, 2 failed, 0 errors, 0 skipped, of 5 vectors." in text


def test_the_report_names_rules_and_groups(vendor: Path, suite: Suite) -> None:
    """The JSON report lists every vector, the rules with quotes, and counts by group and rule."""
    report = check_program(suite, program(vendor, "lie", batch=True))
    doc = report_json(report)
    assert 5 == len(doc["vectors"])
    assert {"pass": 3, "fail": 2, "error": 0, "skip": 0} == doc["counts"]
    assert {"hand": {"pass": 3, "fail": 2, "error": 0, "skip": 0}} == doc["by_group"]
    failing = [v for v in doc["vectors"] if v["outcome"] == "fail"]
    rules = [r for v in failing for d in v["disagreements"] for r in d["rules"]]
    assert {"LRS.REFER.SEVERE", "REDFLAG.REFER"} == {r["id"] for r in rules}
    assert all(r["quote"] for r in rules)
    assert 1 == doc["by_rule"]["LRS.REFER.SEVERE"]["missed"]
    assert doc["passed"] is False
    json.dumps(doc)  # serialisable as it is


def test_a_batch_program_that_always_fails_is_given_up(vendor: Path) -> None:
    """After GIVE_UP fruitless restarts the remaining cases get the error without a run."""
    many = suite_from_cases(random_cases(GIVE_UP + 5, seed=11))
    report = check_program(many, program(vendor, "crash", batch=True))
    errors = [r.error for r in report.results]
    assert all(e is not None and e.kind is ErrorKind.CRASH for e in errors)
    assert all("segmentation fault" in e.message for e in errors[:GIVE_UP])  # type: ignore[union-attr]
    assert all("not run" in e.message for e in errors[GIVE_UP:])  # type: ignore[union-attr]


def test_the_checker_needs_neither_z3_nor_hypothesis() -> None:
    """Checking answers imports neither Z3 nor Hypothesis (only generating and fuzzing do)."""
    code = (
        "import sys, lbp_spec.conformance; print('z3' in sys.modules, 'hypothesis' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "False False" == out.stdout.strip()


def test_a_program_that_cannot_start(suite: Suite) -> None:
    """A missing program is a ProgramError (a usage error), not five crashes."""
    with pytest.raises(ProgramError, match="cannot start"):
        check_program(suite, Program(("/nonexistent/vendor-program",)))


# -- skip lists ---------------------------------------------------------------------------------


def test_a_skip_entry_needs_a_reason() -> None:
    """An entry without a reason is rejected, naming its line."""
    with pytest.raises(SkipListError, match="line 2: 'hand/0002' has no reason"):
        parse_skips("# comment\nhand/0002\n")


def test_skip_lists_in_text_and_json() -> None:
    """Both forms read; patterns match ids; the first matching entry gives the reason."""
    text = parse_skips("hand/0002   LRS is not modelled yet (PT-1)\nhand/*  everything else\n")
    assert "LRS is not modelled yet (PT-1)" == text.reason("hand/0002")
    assert "everything else" == text.reason("hand/0003")
    assert text.reason("other/0001") is None
    as_json = parse_skips('{"hand/0002": "LRS is not modelled yet"}')
    assert "LRS is not modelled yet" == as_json.reason("hand/0002")
    with pytest.raises(SkipListError, match="has no reason"):
        parse_skips('{"hand/0002": ""}')


def test_skipped_vectors_are_not_run(vendor: Path, suite: Suite) -> None:
    """A skipped vector is reported with its reason and the program never sees it."""
    trigger = next(v.id for v in suite.vectors if v.case["nprs"] == TRIGGER_NPRS)
    skips = parse_skips(f"{trigger}  crashes our parser (ticket PT-7)")
    report = check_program(suite, program(vendor, "crash-on", batch=True), skips=skips)
    assert report.passed
    assert 1 == report.count(Outcome.SKIP)
    assert "crashes our parser (ticket PT-7)" in report_text(report)


def test_a_stale_skip_entry_is_an_error(vendor: Path, suite: Suite) -> None:
    """An entry matching no vector is an error, so that a stale skip list does not hide."""
    skips = parse_skips("rules/GONE.RULE/*  was skipped once")
    with pytest.raises(SkipListError, match="match no vector"):
        check_program(suite, program(vendor, "good"), skips=skips)


# -- answers files ------------------------------------------------------------------------------


def test_answers_file_keyed(tmp_path: Path, suite: Suite) -> None:
    """Keyed answers in any order; a missing, a duplicate and an unknown id are reported."""
    vectors = list(suite.vectors)
    lines = [json.dumps({"id": v.id, "advice": v.expected}) for v in reversed(vectors[1:4])]
    lines.append(json.dumps({"id": vectors[2].id, "advice": vectors[2].expected}))
    lines.append(json.dumps({"id": "hand/9999", "advice": vectors[0].expected}))
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check_answers_file(suite, path)
    kinds = [None if r.error is None else r.error.kind for r in report.results]
    assert [
        ErrorKind.MISSING,
        None,
        ErrorKind.DUPLICATE,
        None,
        ErrorKind.MISSING,
    ] == kinds
    assert any("hand/9999" in note for note in report.notes)


def test_answers_file_positional(tmp_path: Path, suite: Suite) -> None:
    """Answers in suite order: a wrong one fails; a short file leaves the last vectors missing."""
    expected = [dict(v.expected) for v in suite.vectors]
    expected[0] = {**expected[0], "profile": 2}
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in expected[:4]), encoding="utf-8")
    report = check_answers_file(suite, path)
    assert [Outcome.FAIL, Outcome.PASS, Outcome.PASS, Outcome.PASS, Outcome.ERROR] == [
        r.outcome for r in report.results
    ]
    assert ["profile"] == [d.path for d in report.results[0].disagreements]


# -- suites on disk -----------------------------------------------------------------------------


def test_a_suite_round_trips_and_detects_tampering(tmp_path: Path, suite: Suite) -> None:
    """write_suite then load_suite gives the same vectors; an edited vector file is refused."""
    write_suite(suite, tmp_path / "suite")
    loaded = load_suite(tmp_path / "suite")
    assert [v.to_json() for v in suite.vectors] == [v.to_json() for v in loaded.vectors]
    cases = (tmp_path / "suite" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(c) for c in cases] == [v.case for v in suite.vectors]
    vectors = tmp_path / "suite" / "vectors.jsonl"
    vectors.write_text(vectors.read_text().replace('"nprs":9', '"nprs":7'), encoding="utf-8")
    with pytest.raises(SuiteError, match="does not match its manifest"):
        load_suite(tmp_path / "suite")
    with pytest.raises(SuiteError, match="missing"):
        load_suite(tmp_path / "nowhere")


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def lbp_spec(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``lbp-spec`` in-process, with the conformance command registered."""
    if CONFORMANCE not in cli.COMMANDS:
        monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, CONFORMANCE))

    def run(*argv: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        status = cli.main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_cli_check_exit_codes(lbp_spec, tmp_path: Path, vendor: Path, suite: Suite) -> None:  # type: ignore[no-untyped-def]
    """Status 0 when all pass, 1 on a disagreement, 2 for a missing suite or a bad skip list."""
    write_suite(suite, tmp_path / "suite")
    good = f"{sys.executable} {vendor} good --batch"
    status, out, _ = lbp_spec(
        "conformance", "check", str(tmp_path / "suite"), "--batch", "--command", good
    )
    assert ExitCode.OK == status
    assert "Result: PASSED: 5 passed" in out
    lie = f"{sys.executable} {vendor} lie"
    status, out, _ = lbp_spec(
        "conformance", "check", str(tmp_path / "suite"), "--command", lie, "--json"
    )
    assert ExitCode.CHECK_FAILED == status
    assert {"pass": 3, "fail": 2, "error": 0, "skip": 0} == json.loads(out)["counts"]
    status, _, err = lbp_spec("conformance", "check", str(tmp_path / "none"), "--command", good)
    assert ExitCode.USAGE == status
    assert "not a conformance suite" in err
    (tmp_path / "skips.txt").write_text("hand/0001\n", encoding="utf-8")
    status, _, err = lbp_spec(
        "conformance",
        "check",
        str(tmp_path / "suite"),
        "--command",
        good,
        "--skip",
        str(tmp_path / "skips.txt"),
    )
    assert ExitCode.USAGE == status
    assert "has no reason" in err


def test_cli_check_answers_file(lbp_spec, tmp_path: Path, suite: Suite) -> None:  # type: ignore[no-untyped-def]
    """--answers reads a file; --batch with it is a usage error."""
    write_suite(suite, tmp_path / "suite")
    answers = tmp_path / "answers.jsonl"
    answers.write_text(
        "".join(json.dumps(v.expected) + "\n" for v in suite.vectors), encoding="utf-8"
    )
    status, out, _ = lbp_spec(
        "conformance", "check", str(tmp_path / "suite"), "--answers", str(answers)
    )
    assert ExitCode.OK == status
    assert "(positional)" in out
    status, _, _ = lbp_spec(
        "conformance", "check", str(tmp_path / "suite"), "--answers", str(answers), "--batch"
    )
    assert ExitCode.USAGE == status
