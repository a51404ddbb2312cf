"""The lbp-spec command: evaluate (one case, JSON Lines, --explain), schema, help, exit codes."""

from __future__ import annotations

import argparse
import ast
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
    capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | bytes | None = None
) -> tuple[int, str, str]:
    """Run ``main(argv)`` in-process; return (status, stdout, stderr)."""
    saved = sys.stdin
    if stdin is not None:
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
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
    answers = [json.loads(line) for line in out.splitlines()]
    assert [(1, advice_for(GOOD % 2)), (4, advice_for(GOOD % 9))] == [
        (a["line"], a["advice"]) for a in answers if "advice" in a
    ]
    assert [1, 3, 4] == [a["line"] for a in answers]
    assert [
        "line 3: consultation: is required",
        "line 3: discipline: is required",
        "line 3: need_for_assistance: is required",
        "line 3: lrs: is required",
        "line 3: nprs: must be 0 to 10, got 11",
    ] == err.splitlines()


def test_batch_example(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/batch.jsonl: five answers (four advices, line 3's problems in place) on stdout."""
    status, out, err = run(capsys, "evaluate", str(EXAMPLES / "batch.jsonl"))
    answers = [json.loads(line) for line in out.splitlines()]
    assert (ExitCode.CHECK_FAILED, [1, 2, 3, 4, 5]) == (status, [a["line"] for a in answers])
    assert ["advice", "advice", "error", "advice", "advice"] == [
        "advice" if "advice" in a else "error" for a in answers
    ]
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
    assert [0, 1, 2, 3, 4, 130, 143] == [int(code) for code in ExitCode]
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
    assert (1, 5, 3) == (
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
    assert (True, b"", 0) == (first.startswith(b'{"line":1,"id":null,"advice":{'), err, status)


def test_batch_whose_first_line_is_broken(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON Lines with a broken first record are still read record by record."""
    status, out, err = run(capsys, "evaluate", stdin=f'{{"nprs": 4\n{GOOD % 2}\n{GOOD % 3}\n')
    answers = [json.loads(line) for line in out.splitlines()]
    assert (ExitCode.CHECK_FAILED, [1, 2, 3]) == (status, [a["line"] for a in answers])
    assert [True] == [
        line.startswith("line 1: <document>: not valid JSON") for line in err.splitlines()
    ]


# -- batch: one reader, answers in place -------------------------------------------------------

HOSTILE_BATCH = b"".join(
    [
        (GOOD % 1).encode() + b"\n",
        b'{"contract_version": "2.0", "nprs": \xff}\n',  # not UTF-8
        (GOOD % 2).replace('"initial"', '"ini\u2028tial"').encode() + b"\r\n",
        (GOOD % 3).replace("4", "1" * 5000).replace('"nprs": 3', '"nprs": ' + "1" * 5000).encode()
        + b"\n",
        b"\n",
        (GOOD % 5).replace('{"contract_version"', '{"id": "p-5", "contract_version"').encode()
        + b"\r\n",
        (GOOD % 6).encode(),
    ]
)


def answers_of(out: str) -> list[tuple[int, object, str]]:
    """Each stdout line of a batch as (line, id, 'advice' or 'error')."""
    lines = [json.loads(line) for line in out.splitlines()]
    return [(a["line"], a["id"], "advice" if "advice" in a else "error") for a in lines]


def test_batch_file_and_stdin_behave_alike(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The same bytes from a file and from stdin: the same stdout, stderr and status."""
    path = tmp_path / "batch.jsonl"
    path.write_bytes(HOSTILE_BATCH)
    from_file = run(capsys, "evaluate", str(path))
    from_stdin = run(capsys, "evaluate", stdin=HOSTILE_BATCH)
    assert from_file == from_stdin


def test_batch_every_record_answered_in_place(capsys: pytest.CaptureFixture[str]) -> None:
    """Non-UTF-8, U+2028 in a string, CR LF, a 5,000-digit integer: every record, right line."""
    status, out, err = run(capsys, "evaluate", stdin=HOSTILE_BATCH)
    assert ExitCode.CHECK_FAILED == status
    assert [
        (1, None, "advice"),
        (2, None, "error"),
        (3, None, "error"),
        (4, None, "error"),
        (6, "p-5", "advice"),
        (7, None, "advice"),
    ] == answers_of(out)
    assert [
        "line 2: <document>: not UTF-8 text",
        "line 3: consultation: must be one of",
        "line 4: nprs: is far out of range",
    ] == [line[: len(p)] for line, p in zip(err.splitlines(), _PREFIXES, strict=True)]


_PREFIXES = (
    "line 2: <document>: not UTF-8 text",
    "line 3: consultation: must be one of",
    "line 4: nprs: is far out of range",
)


def test_batch_error_line_names_the_problems(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid record's stdout line carries its problems by field path, and its id."""
    bad = '{"id": "r1", "contract_version": "2.0", "nprs": 11}'
    _, out, _ = run(capsys, "evaluate", stdin=f"{GOOD % 2}\n{bad}\n")
    error = json.loads(out.splitlines()[1])
    assert (2, "r1", {"path": "nprs", "message": "must be 0 to 10, got 11"}) == (
        error["line"],
        error["id"],
        error["error"]["problems"][-1],
    )


def test_single_document_not_utf8(capsys: pytest.CaptureFixture[str]) -> None:
    """One pretty-printed document that is not UTF-8: a document problem, status 1, no crash."""
    data = b'{\n  "contract_version": "2.0",\n  "lrs": "\xff"\n}\n'
    status, out, err = run(capsys, "evaluate", stdin=data)
    assert (ExitCode.CHECK_FAILED, "", True) == (
        status,
        out,
        err.startswith("<document>: not UTF-8"),
    )


def test_single_document_huge_integer(capsys: pytest.CaptureFixture[str]) -> None:
    """One case with a 5,000-digit nprs: a field error and status 1 (was an internal error)."""
    status, out, err = run(
        capsys, "evaluate", stdin=(GOOD % 4).replace(" 4}", " " + "4" * 5000 + "}")
    )
    assert (ExitCode.CHECK_FAILED, "") == (status, out)
    assert err.startswith("nprs: is far out of range")


def test_terminal_escapes_in_keys_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """A case key holding an escape sequence reaches stderr escaped, never raw."""
    bad = (GOOD % 4)[:-1] + ', "\\u001b[2Jx": 1}'
    _, _, err = run(capsys, "evaluate", stdin=bad)
    assert ("\x1b" in err, "\\x1b[2Jx" in err) == (False, True)


def test_huge_pretty_document_of_unknown_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """20 MB of unknown keys, one per line: one problem ('longer than'), status 1, not read whole.

    (Before the limits, such a document was read whole and every key reported.)
    """
    body = "".join(f'  "k{i}": 0,\n' for i in range(1_500_000))
    status, out, err = run(capsys, "evaluate", stdin="{\n" + body + '  "z": 0\n}\n')
    assert (ExitCode.CHECK_FAILED, "", 1) == (status, out, len(err.splitlines()))
    assert err.startswith("<document>: longer than 1000000 bytes")


def test_huge_single_line_document(capsys: pytest.CaptureFixture[str]) -> None:
    """A 20 MB one-line document: one problem for that line, the next record still answered."""
    huge = "{" + ",".join(f'"k{i}":0' for i in range(2_000_000)) + "}"
    status, out, err = run(capsys, "evaluate", stdin=f"{huge}\n{GOOD % 3}\n")
    assert [(1, None, "error"), (2, None, "advice")] == answers_of(out)
    assert (ExitCode.CHECK_FAILED, 1) == (status, len(err.splitlines()))


def test_a_byte_order_mark_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    """A case file starting with a UTF-8 BOM: the problem names the BOM, not 'Expecting value'."""
    status, _, err = run(capsys, "evaluate", stdin=b"\xef\xbb\xbf" + (GOOD % 4).encode())
    assert (ExitCode.CHECK_FAILED, True) == (status, "byte order mark" in err)


# -- start-up: a subcommand pays only for its own imports -------------------------------------


_LOADED = (
    "import sys\n"
    "sys.argv = ['lbp-spec', *sys.argv[1:]]\n"
    "try:\n"
    "    from lbp_spec.cli import main\n"
    "    main()\n"
    "finally:\n"
    "    heavy = ('z3', 'importlib.metadata', 'lbp_spec.episodes.verify', 'lbp_spec.health',\n"
    "             'lbp_spec.conformance', 'lbp_spec.diff', 'lbp_spec.findings')\n"
    "    sys.stderr.write(repr(sorted(m for m in heavy if m in sys.modules)))\n"
)


def _heavy_modules_loaded(*argv: str) -> list[str]:
    """The heavy modules loaded by ``lbp-spec argv`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    loaded: list[str] = ast.literal_eval(done.stderr.splitlines()[-1])
    return loaded


def test_import_lbp_spec_does_not_import_z3_or_metadata() -> None:
    """`import lbp_spec` stays light: no Z3 and no importlib.metadata (start-up time)."""
    code = "import sys, lbp_spec; print(sorted({'z3', 'importlib.metadata'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "[]" == out.stdout.strip()


def test_evaluate_does_not_import_the_verifier() -> None:
    """`lbp-spec evaluate` loads neither Z3 nor the other subcommands' machinery."""
    assert [] == _heavy_modules_loaded("evaluate", str(EXAMPLES / "profile1-initial.json"))


def test_verify_help_still_names_every_property() -> None:
    """The help of verify (configured on first use) lists the whole catalogue and defaults."""
    from lbp_spec.properties import CATALOGUE

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    text = " ".join(sub.choices["verify"].format_help().split())
    assert [] == [p.name for p in CATALOGUE if p.name not in text]
    assert "(default 16)" in text


def test_version_matches_pyproject() -> None:
    """The static __version__ is the version pyproject.toml declares."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as f:
        declared = tomllib.load(f)["project"]["version"]
    assert declared == __version__
