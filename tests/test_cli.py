"""The lbp-spec command: evaluate (one case, JSON Lines, --explain), schema, help, exit codes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lbp_spec import __version__, cli, evaluate
from lbp_spec.cli import EXIT_MEANINGS, ExitCode, main
from lbp_spec.contract import advice_to_json, load_case, schema_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPT = Path(sys.executable).parent / "lbp-spec"

GOOD = (
    '{"contract_version": "2.0", "consultation": "initial", "discipline": "physical_therapist",'
    ' "need_for_assistance": true, "lrs": false, "nprs": %d}'
)


def advice_for(text: str) -> dict[str, object]:
    """The advice JSON the library gives for case ``text``."""
    return advice_to_json(evaluate(load_case(text)))


def run(
    capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None
) -> tuple[int, str, str]:
    """Run ``main(argv)`` in-process; return (status, stdout, stderr)."""
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        status = main(list(argv))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return status, out, err


# -- evaluate ---------------------------------------------------------------------------------


def test_single_case_from_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    """One pretty-printed case file: the advice, pretty-printed, status 0."""
    path = EXAMPLES / "profile1-initial.json"
    status, out, err = run(capsys, "evaluate", str(path))
    assert (ExitCode.OK, "") == (status, err)
    assert advice_for(path.read_text(encoding="utf-8")) == json.loads(out)
    assert out.startswith("{\n  ")


def test_single_case_from_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    """A single one-line case on stdin is one document: the advice pretty-printed."""
    status, out, _ = run(capsys, "evaluate", stdin=GOOD % 4 + "\n\n")
    assert (ExitCode.OK, advice_for(GOOD % 4)) == (status, json.loads(out))


def test_batch_with_a_bad_line_in_the_middle(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON Lines: good records evaluated in order; the bad line reported by number and path."""
    lines = [GOOD % 2, "", '{"contract_version": "2.0", "nprs": 11}', GOOD % 9]
    status, out, err = run(capsys, "evaluate", "-", stdin="\n".join(lines) + "\n")
    assert ExitCode.CHECK_FAILED == status
    assert [advice_for(GOOD % 2), advice_for(GOOD % 9)] == [
        json.loads(line) for line in out.splitlines()
    ]
    assert [
        "line 3: consultation: is required",
        "line 3: discipline: is required",
        "line 3: need_for_assistance: is required",
        "line 3: lrs: is required",
        "line 3: nprs: must be 0 to 10, got 11",
    ] == err.splitlines()


def test_batch_example(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/batch.jsonl: four advices and the three problems of line 3, as the README says."""
    status, out, err = run(capsys, "evaluate", str(EXAMPLES / "batch.jsonl"))
    assert (ExitCode.CHECK_FAILED, 4) == (status, len(out.splitlines()))
    assert [
        'line 3: lrs: must be true or false, got "yes"',
        "line 3: nprs: must be 0 to 10, got 12",
        "line 3: red_flag: unknown field; did you mean red_flags?",
    ] == err.splitlines()


def test_malformed_json(capsys: pytest.CaptureFixture[str]) -> None:
    """A broken pretty-printed case is one document: one syntax error with line and column."""
    status, out, err = run(capsys, "evaluate", stdin='{\n  "nprs": 4,\n}\n')
    assert (ExitCode.CHECK_FAILED, "") == (status, out)
    assert [
        "<document>: not valid JSON: Expecting property name enclosed in double quotes"
        " at line 3, column 1"
    ] == err.splitlines()


def test_invalid_single_case(capsys: pytest.CaptureFixture[str]) -> None:
    """A single invalid case: every problem on stderr, nothing on stdout, status 1."""
    status, out, err = run(capsys, "evaluate", stdin=(GOOD % 4).replace("false", '"no"'))
    assert (ExitCode.CHECK_FAILED, "", ['lrs: must be true or false, got "no"']) == (
        status,
        out,
        err.splitlines(),
    )


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A file that cannot be read is a usage error, in one line."""
    missing = tmp_path / "nope.json"
    status, out, err = run(capsys, "evaluate", str(missing))
    assert (
        ExitCode.USAGE,
        "",
        [f"lbp-spec: cannot read {missing}: No such file or directory"],
    ) == (
        status,
        out,
        err.splitlines(),
    )


def test_empty_input(capsys: pytest.CaptureFixture[str]) -> None:
    """An empty input is a usage error."""
    status, _, err = run(capsys, "evaluate", stdin="\n  \n")
    assert (ExitCode.USAGE, True) == (status, err.startswith("lbp-spec: no input"))


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    """--explain prints the readable account instead of JSON."""
    path = EXAMPLES / "lrs-recheck.json"
    status, out, _ = run(capsys, "evaluate", "--explain", str(path))
    assert ExitCode.OK == status
    assert "Recheck: after 2 to 4 days" in out.splitlines()
    assert "Profile: 2" in out.splitlines()


def test_explain_batch(capsys: pytest.CaptureFixture[str]) -> None:
    """--explain on JSON Lines: one account per line, headed by its line number."""
    status, out, _ = run(capsys, "evaluate", "--explain", stdin=f"{GOOD % 2}\n{GOOD % 3}\n")
    assert (ExitCode.OK, ["== line 1 ==", "== line 2 =="]) == (
        status,
        [line for line in out.splitlines() if line.startswith("==")],
    )


# -- schema, help, version ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["case", "advice"])
def test_schema(capsys: pytest.CaptureFixture[str], name: str) -> None:
    """`lbp-spec schema case|advice` prints the shipped schema."""
    status, out, _ = run(capsys, "schema", name)
    assert (ExitCode.OK, schema_text(name)) == (status, out)
    assert f"urn:lbp-spec:contract:2.0:{name}" == json.loads(out)["$id"]


def test_schema_of_an_unknown_document(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown document name is a usage error."""
    status, _, err = run(capsys, "schema", "patient")
    assert (ExitCode.USAGE, True) == (status, "invalid choice: 'patient'" in err)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version names the package version and the contract version."""
    status, out, _ = run(capsys, "--version")
    assert (ExitCode.OK, f"lbp-spec {__version__} (JSON contract 2.0)\n") == (status, out)


def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Without arguments: the help, with every subcommand, an example each and the exit codes."""
    status, out, _ = run(capsys)
    assert ExitCode.USAGE == status
    for command in cli.COMMANDS:
        listed = re.search(rf"^    {re.escape(command.name)}\s", out, re.MULTILINE) is not None
        assert (command.name, True) == (command.name, listed)
        for example, _ in command.examples:
            assert (example, True) == (example, example in out)
    for code, meaning in EXIT_MEANINGS.items():
        assert (code, True) == (code, f"  {code.value:<4}{meaning}" in out)


def test_help_is_the_same_as_no_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """-h prints the same help, with status 0."""
    _, bare, _ = run(capsys)
    status, out, _ = run(capsys, "-h")
    assert (ExitCode.OK, bare) == (status, out)


def test_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown subcommand or option is a usage error."""
    assert (ExitCode.USAGE, ExitCode.USAGE) == (
        run(capsys, "evaluat")[0],
        run(capsys, "evaluate", "--explained")[0],
    )


# -- errors ---------------------------------------------------------------------------------------


def _boom(*_: object) -> object:
    raise RuntimeError("boom")


def test_internal_error_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception: status 4 and one line on stderr, no traceback."""
    monkeypatch.delenv(cli.DEBUG_VARIABLE, raising=False)
    monkeypatch.setattr(cli, "evaluate", _boom)
    status, _, err = run(capsys, "evaluate", stdin=GOOD % 4)
    assert (
        ExitCode.INTERNAL,
        ["lbp-spec: internal error: RuntimeError: boom (set LBP_SPEC_DEBUG=1 for the traceback)"],
    ) == (status, err.splitlines())


def test_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """LBP_SPEC_DEBUG=1 adds the traceback of an internal error."""
    monkeypatch.setenv(cli.DEBUG_VARIABLE, "1")
    monkeypatch.setattr(cli, "evaluate", _boom)
    status, _, err = run(capsys, "evaluate", stdin=GOOD % 4)
    assert (ExitCode.INTERNAL, True) == (status, err.startswith("Traceback"))


def test_exit_codes() -> None:
    """The exit codes the team agreed on, and each is explained in the help."""
    assert [0, 1, 2, 3, 4, 130] == [int(code) for code in ExitCode]
    assert list(ExitCode) == list(EXIT_MEANINGS)


def test_verify_slot_is_free_for_the_verifier() -> None:
    """The subcommand table holds evaluate and schema (verify is added by the verifier work)."""
    assert {"evaluate", "schema"} <= {c.name for c in cli.COMMANDS}


# -- the installed script ---------------------------------------------------------------------


def test_installed_script_runs_a_batch() -> None:
    """The installed lbp-spec script evaluates examples/batch.jsonl like main() does."""
    done = subprocess.run(
        [str(SCRIPT), "evaluate", str(EXAMPLES / "batch.jsonl")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (1, 4, 3) == (
        done.returncode,
        len(done.stdout.splitlines()),
        len(done.stderr.splitlines()),
    )


def test_installed_script_survives_a_closed_pipe(tmp_path: Path) -> None:
    """Output cut short (as by `| head -1`) ends quietly: no traceback."""
    big = tmp_path / "big.jsonl"
    big.write_text("".join(GOOD % (i % 11) + "\n" for i in range(3000)), encoding="utf-8")
    with subprocess.Popen(
        [str(SCRIPT), "evaluate", str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read()
        status = process.wait(timeout=120)
    assert (True, b"", 0) == (first.startswith(b'{"contract_version"'), err, status)


def test_batch_whose_first_line_is_broken(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON Lines with a broken first record are still read record by record."""
    status, out, err = run(capsys, "evaluate", stdin=f'{{"nprs": 4\n{GOOD % 2}\n{GOOD % 3}\n')
    assert (ExitCode.CHECK_FAILED, 2) == (status, len(out.splitlines()))
    assert [True] == [
        line.startswith("line 1: <document>: not valid JSON") for line in err.splitlines()
    ]
