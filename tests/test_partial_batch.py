"""Partial cases in JSON Lines: one answer per record, in place, as the ordinary batch."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import z3
from jsonschema import Draft202012Validator

from lbp_spec.cli import ExitCode, main
from lbp_spec.contract import batch_schema, partial_case_from_json
from lbp_spec.contract.codec import MAX_DOCUMENT_BYTES
from lbp_spec.logic import VARIABLES, VariableKind
from lbp_spec.partial import engine as engine_module
from lbp_spec.partial import partial_advice_schema
from lbp_spec.partial.batch import (
    partial_batch_line_text,
    partial_batch_schema,
    partial_record,
)
from lbp_spec.partial_case import UNKNOWN_PATHS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "partial" / "mrc-unknown.json"
BATCH = ROOT / "examples" / "partial" / "batch.jsonl"
HOWTO = ROOT / "docs" / "how-to" / "advise-on-incomplete-data.md"
LBP_SPEC = [sys.executable, "-c", "import sys; from lbp_spec.cli import main; sys.exit(main())"]
VALIDATOR = Draft202012Validator(partial_batch_schema())

MRC = json.loads(EXAMPLE.read_text("utf-8"))
PLAIN = {
    "contract_version": "2.0",
    "consultation": "initial",
    "discipline": "physical_therapist",
    "need_for_assistance": True,
    "lrs": False,
    "nprs": 4,
}


def _line(obj: object) -> bytes:
    return json.dumps(obj).encode("utf-8") + b"\n"


def _run(
    capsys: pytest.CaptureFixture[str], *argv: str, stdin: bytes = b""
) -> tuple[int, str, str]:
    """Run ``main(argv)`` in-process with ``stdin`` as standard input; (status, out, err)."""
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        status = main(list(argv))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return status, out, err


def _alone(capsys: pytest.CaptureFixture[str], record: bytes, *flags: str) -> tuple[int, str, str]:
    """What ``evaluate --partial`` gives for ``record`` as a document of its own."""
    return _run(capsys, "evaluate", "--partial", *flags, "-", stdin=record)


GOOD_ID = _line({"id": "p-1", **MRC})
GOOD_PLAIN = _line({**PLAIN, "unknown": ["mechanical_problem"]})
BAD_VALUE = _line({"id": "bad-1", **MRC, "nprs": 42})
BAD_ID = _line({"id": 7, **MRC})
NO_COMPLETION = _line(
    {
        **PLAIN,
        "unknown": ["consultation"],
        "weeks_since_start": 3,
        "sessions_used": 0,
        "improvement": "adequate",
    }
)
NOT_UTF8 = b'{"contract_version": "2.0", "nprs": \xff}\n'
TOO_LONG = b'{"id": "' + b"x" * (MAX_DOCUMENT_BYTES + 10) + b'"}\n'

MIXED = b"".join(
    [GOOD_ID, b"\n", BAD_VALUE, NOT_UTF8, b"   \n", TOO_LONG, BAD_ID, NO_COMPLETION, GOOD_PLAIN]
)
"""Lines 1 to 9: good (id), blank, invalid value (id), not UTF-8, blank, over-long,
unreadable id, no valid completion, good (no id)."""


def test_mixed_batch_answers_every_record_in_place(capsys: pytest.CaptureFixture[str]) -> None:
    """Each non-blank line gets one line, in order, with its id; good records are answered."""
    status, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=MIXED)
    answers = [json.loads(line) for line in out.splitlines()]
    assert ExitCode.CHECK_FAILED == status
    assert [(1, "p-1"), (3, "bad-1"), (4, None), (6, None), (7, None), (8, None), (9, None)] == [
        (a["line"], a["id"]) for a in answers
    ]
    assert [1, 9] == [a["line"] for a in answers if "partial_advice" in a]


def test_each_good_line_is_the_single_document_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A good line's partial_advice is what evaluate --partial prints for that record alone."""
    _, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=MIXED)
    answers = {a["line"]: a for a in map(json.loads, out.splitlines())}
    for number, record in ((1, GOOD_ID), (9, GOOD_PLAIN)):
        status, alone, err = _alone(capsys, record)
        assert (ExitCode.OK, "") == (status, err)
        assert json.loads(alone) == answers[number]["partial_advice"]


def test_errors_are_worded_as_for_a_single_document(capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid record's problems, on stderr and in its line, are those it gets alone."""
    _, out, err = _run(capsys, "evaluate", "--partial", "-", stdin=MIXED)
    answers = {a["line"]: a for a in map(json.loads, out.splitlines())}
    batch_err = err.splitlines()
    for number, record in ((3, BAD_VALUE), (7, BAD_ID), (8, NO_COMPLETION)):
        status, alone, alone_err = _alone(capsys, record)
        assert (ExitCode.CHECK_FAILED, "") == (status, alone)
        expected = [f"line {number}: {line}" for line in alone_err.splitlines()]
        assert expected == [line for line in batch_err if line.startswith(f"line {number}: ")]
        shown = [f"{p['path'] or '<document>'}: {p['message']}" for p in _problems(answers, number)]
        assert alone_err.splitlines() == shown
    assert [
        "line 3: nprs: must be 0 to 10, got 42",
        "line 7: id: must be a string of 1 to 200 characters (or absent), got 7",
    ] == [line for line in batch_err if line.startswith(("line 3:", "line 7:"))]


def _problems(answers: dict[int, dict[str, object]], number: int) -> list[dict[str, str]]:
    error = answers[number]["error"]
    assert isinstance(error, dict)
    problems: list[dict[str, str]] = error["problems"]
    return problems


def test_unreadable_lines_are_reported_as_in_the_ordinary_batch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not UTF-8 and over-long lines: the very error lines the ordinary batch writes."""
    _, out, err = _run(capsys, "evaluate", "--partial", "-", stdin=MIXED)
    _, plain_out, plain_err = _run(capsys, "evaluate", "-", stdin=MIXED)
    partial_lines = {json.loads(x)["line"]: x for x in out.splitlines()}
    plain_lines = {json.loads(x)["line"]: x for x in plain_out.splitlines()}
    assert [plain_lines[4], plain_lines[6]] == [partial_lines[4], partial_lines[6]]
    for prefix in ("line 4: ", "line 6: "):
        expected = [x for x in plain_err.splitlines() if x.startswith(prefix)]
        assert (prefix, expected) == (prefix, [x for x in err.splitlines() if x.startswith(prefix)])
    assert '"message":"not UTF-8 text: byte 37 of the line' in partial_lines[4]
    assert f'"message":"longer than {MAX_DOCUMENT_BYTES} bytes' in partial_lines[6]


def test_every_line_validates_against_the_partial_batch_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Good and error lines alike are valid partial_batch documents; the schema is valid."""
    Draft202012Validator.check_schema(partial_batch_schema())
    _, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=MIXED)
    lines = out.splitlines()
    assert 7 == len(lines)
    for line in lines:
        assert [] == [e.message for e in VALIDATOR.iter_errors(json.loads(line))]


def test_the_schema_rejects_what_is_no_answer_line() -> None:
    """Both answer and error, neither, or an advice of the wrong version do not validate."""
    good = json.loads(partial_batch_line_text(1, None, _record_error()))
    assert VALIDATOR.is_valid(good)
    answer = {"line": 1, "id": None, "partial_advice": {"partial_advice_version": "2.0"}}
    both = {**good, "partial_advice": answer["partial_advice"]}
    neither = {"line": 1, "id": None}
    assert [False, False, False] == [VALIDATOR.is_valid(x) for x in (answer, both, neither)]


def _record_error() -> Exception:
    _, error = partial_record(b"{}")
    assert isinstance(error, Exception)
    return error


def test_schema_command_prints_the_partial_batch_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """lbp-spec schema partial_batch: the envelope around the partial advice, the batch's error."""
    status, out, _ = _run(capsys, "schema", "partial_batch")
    schema = json.loads(out)
    assert (ExitCode.OK, partial_batch_schema()) == (status, schema)
    own = partial_advice_schema()
    assert {k: v for k, v in own.items() if k not in ("$schema", "$id", "title")} == (
        schema["$defs"]["partial_advice"]
    )
    ordinary = batch_schema()["$defs"]
    assert (ordinary["error"], ordinary["problem"]) == (
        schema["$defs"]["error"],
        schema["$defs"]["problem"],
    )
    assert "partial_advice_version (1.0)" in schema["description"]


def test_all_good_is_status_0_from_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    """The example batch file: every record answered with its id, status 0."""
    status, out, err = _run(capsys, "evaluate", "--partial", str(BATCH))
    ids = [json.loads(line)["id"] for line in BATCH.read_text("utf-8").splitlines()]
    answers = [json.loads(line) for line in out.splitlines()]
    assert (ExitCode.OK, "") == (status, err)
    assert [(i, record_id) for i, record_id in enumerate(ids, 1)] == [
        (a["line"], a["id"]) for a in answers
    ]
    asks = [a["partial_advice"]["ask"][0] for a in answers]
    assert [("mechanical_problem", []), ("improvement", ["consult_general_practitioner"])] == [
        (ask["input"], [c for c in ask["changes"] if "." not in c]) for ask in asks[1:]
    ]  # as examples/README.md says


def test_undecided_is_status_3_and_invalid_wins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A field left undecided makes the status 3; an invalid record beside it makes it 1."""
    monkeypatch.setattr(engine_module, "_solve", lambda solver, *a: z3.unknown)
    status, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=GOOD_ID + GOOD_PLAIN)
    fields = [
        f["status"]
        for line in out.splitlines()
        for f in json.loads(line)["partial_advice"]["fields"]
    ]
    assert (ExitCode.UNKNOWN, {"undecided"}) == (status, set(fields))
    status, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=GOOD_ID + BAD_ID)
    assert (ExitCode.CHECK_FAILED, 2) == (status, len(out.splitlines()))


def test_explain_prints_a_block_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    """--explain: '== line N ==' then the answer in words, or a pointer to the errors."""
    records = GOOD_ID + b"\n" + BAD_ID + GOOD_PLAIN
    status, out, err = _run(capsys, "evaluate", "--partial", "--explain", "-", stdin=records)
    _, first, _ = _alone(capsys, GOOD_ID, "--explain")
    _, last, _ = _alone(capsys, GOOD_PLAIN, "--explain")
    expected = f"== line 1 ==\n{first}== line 3 ==\n(invalid: see the errors)\n== line 4 ==\n{last}"
    assert (ExitCode.CHECK_FAILED, expected) == (status, out)
    assert err.startswith("line 3: id: must be a string")


def test_a_record_may_carry_an_id() -> None:
    """An id is read as a case's is: echoed, not part of the partial case; bad: a problem."""
    with_id = partial_case_from_json({"id": "x", **MRC})
    assert partial_case_from_json(MRC) == with_id
    assert ("x", with_id) == partial_record(_line({"id": "x", **MRC}))
    record_id, error = partial_record(_line({"id": "", **MRC, "nprs": 11}))
    assert record_id is None
    assert ["id", "nprs"] == [p.path for p in getattr(error, "problems", ())]
    record_id, error = partial_record(_line({"id": "y", "contract_version": "9.9", "unknown": []}))
    assert ("y", ["contract_version"]) == (record_id, [p.path for p in error.problems])


def test_line_separators_in_an_id_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """U+2028 in an id is written escaped, as in the ordinary batch: one record, one line."""
    record = json.dumps({"id": "a\u2028b", **MRC}, ensure_ascii=False).encode("utf-8")
    status, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=record + b"\n" + GOOD_ID)
    lines = out.split("\n")
    assert (ExitCode.OK, 3, "") == (status, len(lines), lines[-1])
    assert ("a\u2028b", True) == (json.loads(lines[0])["id"], '"id":"a\\u2028b"' in lines[0])


def test_the_single_document_path_reads_an_id_too(capsys: pytest.CaptureFixture[str]) -> None:
    """A partial case with an id, alone, gets the answer it gets without one."""
    assert _alone(capsys, GOOD_ID) == _alone(capsys, _line(MRC))


def _hostile() -> list[bytes]:
    """Records meant to cost: huge, deeply nested, 1,000 unknown paths, contradictory."""
    return [
        b'{"id": "' + b"x" * (MAX_DOCUMENT_BYTES - 20) + b'"}\n',  # just under the limit
        b"[" * 50_000 + b"]" * 50_000 + b"\n",
        _line({**PLAIN, "unknown": [UNKNOWN_PATHS[i % len(UNKNOWN_PATHS)] for i in range(1000)]}),
        _line({**PLAIN, "unknown": [f"nprs.{'x' * 400}{i}" for i in range(1000)]}),
        _line({**PLAIN, "unknown": [{"a": [i]} for i in range(1000)]}),
        _line({**PLAIN, "sessions_used": 3, "unknown": ["mechanical_problem"]}),
        NO_COMPLETION,
    ]


def test_hostile_records_cannot_keep_the_others_from_their_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each hostile record gets an error line of its own; the good ones around it are answered."""
    hostile = _hostile()
    records = GOOD_ID + b"".join(hostile) + GOOD_PLAIN
    started = time.perf_counter()
    status, out, _ = _run(capsys, "evaluate", "--partial", "-", stdin=records)
    seconds = time.perf_counter() - started
    answers = [json.loads(line) for line in out.splitlines()]
    last = len(hostile) + 2
    assert ExitCode.CHECK_FAILED == status
    assert list(range(1, last + 1)) == [a["line"] for a in answers]
    assert [1, last] == [a["line"] for a in answers if "partial_advice" in a]
    assert (
        _alone(capsys, GOOD_PLAIN)[1] == json.dumps(answers[-1]["partial_advice"], indent=2) + "\n"
    )
    capped = [len(a["error"]["problems"]) for a in answers[3:6]]
    assert [101, 101, 101] == capped  # at most 100 problems, then one saying how many more
    assert seconds < 60, seconds  # a generous bound: the run ends, it is no benchmark


@pytest.mark.slow
def test_the_costliest_valid_record_is_answered_and_so_is_the_next() -> None:
    """Every input unknown (the most solver work a record can ask for): answered, then the next."""
    wholes = (VariableKind.OBJECT, VariableKind.SET, VariableKind.FACTORS)
    leaves = [p for p in UNKNOWN_PATHS if p not in VARIABLES or VARIABLES[p].kind not in wholes]
    costly = _line(
        {"contract_version": "2.0", "neurological_exam": {}, "sbst": {}, "unknown": leaves}
    )
    done = subprocess.run(
        [*LBP_SPEC, "evaluate", "--partial", "-"],
        input=costly + GOOD_ID,
        capture_output=True,
        timeout=600,
        check=False,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert (0, [1, 2]) == (done.returncode, [a["line"] for a in answers])
    assert len(leaves) == len(answers[0]["partial_advice"]["unknown"])


def _sigint_blocked(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("records", [20, 1])
def test_ctrl_c_stops_the_run_inside_a_check(tmp_path: Path, records: int) -> None:
    """SIGINT while a record is solved: status 130, 'interrupted', no record left half-written.

    Z3 alone would turn the interrupt into an undecided field and go on. One record
    is the single-document path.
    """
    top = [p for p, v in VARIABLES.items() if v.parent is None]
    path = tmp_path / "many.jsonl"
    path.write_bytes(_line({"contract_version": "2.0", "unknown": top}) * records)
    process = subprocess.Popen(
        [*LBP_SPEC, "evaluate", "--partial", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not _sigint_blocked(process.pid):  # wait until a record is being solved
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    answers = [json.loads(line) for line in out.splitlines()]
    assert (130, "lbp-spec: interrupted\n") == (process.returncode, err)
    assert list(range(1, len(answers) + 1)) == [a["line"] for a in answers]
    assert len(answers) < records


def test_a_closed_pipe_ends_the_batch_quietly(tmp_path: Path) -> None:
    """Output cut short (as by `| head -1`): status 0, nothing on stderr."""
    path = tmp_path / "many.jsonl"
    path.write_bytes(BATCH.read_bytes() * 10)
    with subprocess.Popen(
        [*LBP_SPEC, "evaluate", "--partial", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read()
        status = process.wait(timeout=120)
    assert (True, b"", 0) == (
        first.startswith(b'{"line":1,"id":"lrs-mrc","partial_advice":{'),
        err,
        status,
    )


def test_the_howto_batch_commands_run() -> None:
    """The how-to's batch section: each command runs, with the status and the lines it shows.

    A shown line ending in '...' is the start of the line the command writes.
    """
    page = HOWTO.read_text(encoding="utf-8")
    section = page[page.index("## Many partial cases at once") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    blocks = re.findall(r"```console\n(.*?)```", section, flags=re.S)
    commands: list[tuple[str, list[str]]] = []
    for body in blocks:
        for line in body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            elif commands:
                commands[-1][1].append(line)
    assert commands
    for command, shown in commands:
        argv = shlex.split(command.split("#")[0])
        assert "lbp-spec" == argv[0]
        done = subprocess.run(
            [*LBP_SPEC, *argv[1:]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        written = done.stdout.splitlines()
        assert (command, 0) == (command, done.returncode)
        assert len(shown) <= len(written)
        for expected, actual in zip(shown, written, strict=False):
            prefix = expected.removesuffix("...")
            assert (command, True) == (command, actual.startswith(prefix)), actual[:200]


def _state(pid: int) -> str:
    """The process state letter (R running, S sleeping, ...)."""
    return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_ctrl_c_ends_a_wait_for_typed_input() -> None:
    """Records typed at a terminal: Ctrl-C while the batch waits for the next one stops it (130).

    The records typed so far are answered; the read is outside the solver's block,
    where SIGINT would be held back until input came.
    """
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [*LBP_SPEC, "evaluate", "--partial"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(controller, GOOD_PLAIN + GOOD_PLAIN)
        deadline = time.monotonic() + 60
        answered = False
        while not (answered and _state(process.pid) == "S" and not _sigint_blocked(process.pid)):
            answered = answered or _sigint_blocked(process.pid)  # a record was being solved
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.5)  # the second record too, then the wait for a third
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        os.close(controller)
        os.close(terminal)
    assert (130, [1, 2]) == (process.returncode, [json.loads(x)["line"] for x in out.splitlines()])
    assert err.endswith("lbp-spec: interrupted\n")
