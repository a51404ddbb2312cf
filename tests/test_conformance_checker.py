"""The checker against vendor programs that crash, hang, print garbage, break the schema or lie."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import lbp_spec.conformance as conformance_package
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


# -- crafted suites, answers files and output -----------------------------------------------------


def craft(tmp_path: Path, suite: Suite, edit: str, value: object) -> Path:
    """The suite with its first vector's ``edit`` field set to ``value`` (or removed).

    The manifest's hash is made to match, as a crafted suite would.
    """
    root = tmp_path / "crafted"
    write_suite(suite, root)
    vectors = root / "vectors.jsonl"
    lines = vectors.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    if value is _REMOVE:
        del first[edit]
    else:
        first[edit] = value
    data = (json.dumps(first) + "\n" + "".join(line + "\n" for line in lines[1:])).encode()
    return rehash(root, data)


def rehash(root: Path, data: bytes) -> Path:
    """Write ``data`` as the suite's vectors and make the manifest's hash match it."""
    import hashlib

    (root / "vectors.jsonl").write_bytes(data)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    manifest["sha256"] = hashlib.sha256(data).hexdigest()
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


_REMOVE = object()


@pytest.mark.parametrize(
    ("edit", "value", "named"),
    [
        ("covers", 5, "field covers"),
        ("rules", None, "field rules"),
        ("rules", [1, 2], "field rules"),
        ("expected", "x", "field expected"),
        ("expected", {"contract_version": "1.0"}, "field expected"),
        ("expected", _REMOVE, "missing expected"),
        ("id", 7, "field id"),
        ("group", [], "field group"),
        ("case", {"nprs": "1" * 5000}, "field case"),
    ],
)
def test_a_crafted_suite_is_a_suite_error(
    tmp_path: Path, suite: Suite, edit: str, value: object, named: str
) -> None:
    """A suite whose vector has a field of the wrong shape: SuiteError naming line and field."""
    root = craft(tmp_path, suite, edit, value)
    with pytest.raises(SuiteError) as caught:
        load_suite(root)
    assert (True, True) == ("vectors.jsonl line 1" in str(caught.value), named in str(caught.value))


def test_a_non_utf8_suite_is_a_suite_error(tmp_path: Path, suite: Suite) -> None:
    """A vectors file with a line that is not UTF-8: a suite error naming the line."""
    root = tmp_path / "crafted"
    write_suite(suite, root)
    data = (root / "vectors.jsonl").read_bytes()
    rehash(root, data.replace(b'"hand/0002"', b'"hand/\xff002"', 1))
    with pytest.raises(SuiteError, match="line 2: not UTF-8"):
        load_suite(root)


def test_cli_crafted_suite_exits_2(lbp_spec, tmp_path: Path, suite: Suite) -> None:  # type: ignore[no-untyped-def]
    """The command line reports a crafted suite as a usage error (2), not an internal error (4)."""
    root = craft(tmp_path, suite, "expected", "x")
    answers = tmp_path / "answers.jsonl"
    answers.write_text("{}\n", encoding="utf-8")
    status, _, err = lbp_spec("conformance", "check", str(root), "--answers", str(answers))
    assert (ExitCode.USAGE, True) == (status, "field expected" in err)


def test_an_answers_file_with_a_non_utf8_line(tmp_path: Path, suite: Suite) -> None:
    """A positional answers file with one line that is not UTF-8: that vector errs, others pass."""
    lines = [json.dumps(v.expected).encode() for v in suite.vectors]
    lines[1] = b'{"profile": "\xff"}'
    answers = tmp_path / "answers.jsonl"
    answers.write_bytes(b"\r\n".join(lines) + b"\n")
    report = check_answers_file(suite, answers)
    assert [Outcome.PASS, Outcome.ERROR, Outcome.PASS, Outcome.PASS, Outcome.PASS] == [
        r.outcome for r in report.results
    ]


def test_the_text_report_escapes_untrusted_text(tmp_path: Path) -> None:
    """Escape sequences in a vector id, a case key and an error message never reach the text."""
    hostile = suite_from_cases([Case()], group="g\x1b]0;owned\x07")
    report = check_replies_text(hostile, "\x1b[2J not json")
    text = report_text(report)
    assert (False, False, True) == ("\x1b" in text, "\x07" in text, "\\x1b]0;owned\\x07" in text)


def check_replies_text(suite: Suite, reply: str) -> Report:
    """Check one reply for each vector of ``suite``."""
    from lbp_spec.conformance import check_replies

    return check_replies(suite, [reply] * len(suite.vectors))


def test_generate_never_writes_through_a_symlink(  # type: ignore[no-untyped-def]
    lbp_spec, tmp_path: Path, suite: Suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A suite file that is a symlink is replaced by the file; its target is untouched and named."""
    # the search is slow; the command imports generate when it runs
    monkeypatch.setattr(conformance_package, "generate", lambda **_: suite)
    root = tmp_path / "suite"
    root.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    (root / "manifest.json").symlink_to(outside)
    status, out, _ = lbp_spec(
        "conformance", "generate", "--output", str(root), "--random", "0", "--jobs", "1"
    )
    assert (ExitCode.OK, "keep me\n", False) == (
        status,
        outside.read_text(encoding="utf-8"),
        (root / "manifest.json").is_symlink(),
    )
    assert f"a symbolic link to {outside}" in out


def test_write_suite_replaces_a_link_not_its_target(tmp_path: Path, suite: Suite) -> None:
    """write_suite on a directory whose vectors.jsonl links elsewhere: the link becomes a file."""
    root = tmp_path / "suite"
    root.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    (root / "vectors.jsonl").symlink_to(outside)
    write_suite(suite, root)
    assert ("keep me\n", False) == (
        outside.read_text(encoding="utf-8"),
        (root / "vectors.jsonl").is_symlink(),
    )
    assert [v.id for v in suite.vectors] == [v.id for v in load_suite(root).vectors]


@pytest.mark.parametrize(
    "data",
    [b"hand/0001 \xff reason\n", b"{" * 100_000, b'{"hand/0001": ' + b"[" * 5000 + b"}"],
)
def test_a_hostile_skip_list_is_a_skip_list_error(tmp_path: Path, data: bytes) -> None:
    """A skip list that is not UTF-8, or JSON nested absurdly deep: SkipListError, no crash."""
    from lbp_spec.conformance import load_skips

    path = tmp_path / "skips.txt"
    path.write_bytes(data)
    with pytest.raises(SkipListError):
        load_skips(path)


@pytest.mark.parametrize(
    "manifest",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format": 1, "sha256": "x"}',
        b'{"format": ' + b"1" * 5000 + b"}",
    ],
)
def test_a_hostile_manifest_is_a_suite_error(tmp_path: Path, suite: Suite, manifest: bytes) -> None:
    """A manifest nested too deep, without a suite version, or with a huge number: SuiteError."""
    root = tmp_path / "suite"
    write_suite(suite, root)
    (root / "manifest.json").write_bytes(manifest)
    with pytest.raises(SuiteError):
        load_suite(root)


def test_vendor_stderr_in_the_text_report_is_escaped() -> None:
    """A crash whose stderr holds escape sequences: the text report shows them escaped."""
    from lbp_spec.conformance import AnswerError, check_replies

    hostile = suite_from_cases([Case()], group="g")
    crash = AnswerError(ErrorKind.CRASH, "exit status 3: \x1b[31mred\x1b[0m \u202eevil")
    text = report_text(check_replies(hostile, [crash]))
    assert (False, False, True) == ("\x1b" in text, "\u202e" in text, "\\x1b[31mred" in text)
