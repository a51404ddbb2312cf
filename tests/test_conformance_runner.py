"""The runner against hostile vendor programs: held pipes, detached children, floods, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lbp_spec import Case
from lbp_spec.conformance import (
    ErrorKind,
    Outcome,
    Program,
    Suite,
    check_program,
    suite_from_cases,
    write_suite,
)
from lbp_spec.conformance.runner import MARKER, MAX_ANSWER_BYTES, kill_marked

CASES = (Case(), Case(lrs=True, nprs=9))

VENDOR = r"""
import json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "answers.json"), encoding="utf-8") as f:
    ANSWERS = json.load(f)
MODE, PIDS = sys.argv[1], sys.argv[2]


def spawn():
    # a child in its own session (out of the program's process group), holding stdout
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True
    )
    with open(PIDS, "a", encoding="utf-8") as f:
        f.write(f"{child.pid}\n")


def answer(line):
    if MODE == "flood":
        chunk = "x" * 65536
        while True:
            sys.stdout.write(chunk)
    if MODE == "flood-stderr":
        for _ in range(2000):
            sys.stderr.write("e" * 10000)
        sys.exit(5)
    if MODE.startswith("detach"):
        spawn()
        if MODE == "detach-hang":
            time.sleep(120)
    return ANSWERS[json.dumps(json.loads(line), sort_keys=True)]


if "--batch" in sys.argv:
    for line in sys.stdin:
        sys.stdout.write(answer(line) + "\n")
        sys.stdout.flush()
else:
    sys.stdout.write(answer(sys.stdin.read()) + "\n")
"""


@pytest.fixture
def suite() -> Suite:
    """Two cases."""
    return suite_from_cases(CASES, group="hand")


@pytest.fixture
def vendor(tmp_path: Path, suite: Suite) -> Path:
    """A hostile vendor whose behaviour is chosen by its first argument."""
    answers = {json.dumps(v.case, sort_keys=True): json.dumps(v.expected) for v in suite.vectors}
    (tmp_path / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    path = tmp_path / "vendor.py"
    path.write_text(VENDOR, encoding="utf-8")
    return path


def hostile(vendor: Path, mode: str, *, batch: bool = False, timeout: float = 3.0) -> Program:
    """The vendor in ``mode``, noting the pids of the children it leaves in pids.txt."""
    argv = [sys.executable, str(vendor), mode, str(vendor.parent / "pids.txt")]
    if batch:
        argv.append("--batch")
    return Program(tuple(argv), timeout=timeout, batch=batch)


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def left_behind(vendor: Path) -> list[int]:
    """The children the vendor noted that are still alive."""
    pids_file = vendor.parent / "pids.txt"
    pids = [int(p) for p in pids_file.read_text().split()] if pids_file.exists() else []
    time.sleep(0.2)
    return [pid for pid in pids if alive(pid)]


linux = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


@linux
@pytest.mark.parametrize("batch", [False, True])
def test_a_detached_child_holding_stdout_neither_hangs_nor_survives(
    vendor: Path, suite: Suite, batch: bool
) -> None:
    """A program leaves a child in its own session holding stdout: answers read, child killed."""
    started = time.monotonic()
    report = check_program(suite, hostile(vendor, "detach", batch=batch))
    seconds = time.monotonic() - started
    assert ([Outcome.PASS, Outcome.PASS], [], True) == (
        [r.outcome for r in report.results],
        left_behind(vendor),
        seconds < 30,
    )


@linux
@pytest.mark.parametrize("batch", [False, True])
def test_a_hanging_program_with_a_detached_child_times_out_cleanly(
    vendor: Path, suite: Suite, batch: bool
) -> None:
    """The program hangs after detaching a child that holds stdout: timeouts, no hang, no child."""
    started = time.monotonic()
    report = check_program(suite, hostile(vendor, "detach-hang", batch=batch, timeout=1.0))
    seconds = time.monotonic() - started
    kinds = [r.error.kind if r.error else None for r in report.results]
    assert ([ErrorKind.TIMEOUT, ErrorKind.TIMEOUT], [], True) == (
        kinds,
        left_behind(vendor),
        seconds < 30,
    )


@pytest.mark.parametrize("batch", [False, True])
def test_a_flooding_program_is_cut_off(vendor: Path, suite: Suite, batch: bool) -> None:
    """A program that writes stdout without end: each answer capped and reported, not buffered."""
    report = check_program(suite, hostile(vendor, "flood", batch=batch, timeout=5.0))
    errors = [r.error for r in report.results]
    assert [True, True] == [
        e is not None and e.kind is ErrorKind.INVALID_JSON and str(MAX_ANSWER_BYTES) in e.message
        for e in errors
    ]


def test_a_flood_on_stderr_is_kept_short(vendor: Path, suite: Suite) -> None:
    """20 MB on stderr then a crash: a crash, with a short tail of stderr in the message."""
    report = check_program(suite, hostile(vendor, "flood-stderr"))
    error = report.results[0].error
    assert error is not None
    assert (ErrorKind.CRASH, True) == (error.kind, len(error.message) < 600)


def test_an_unbalanced_command_is_a_usage_error(tmp_path: Path, suite: Suite) -> None:
    """--command "'unbalanced" is a usage error naming the command, not an internal error."""
    write_suite(suite, tmp_path / "suite")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "lbp-spec"),
            "conformance",
            "check",
            str(tmp_path / "suite"),
            "--command",
            "'unbalanced",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (2, True) == (done.returncode, "cannot split the command" in done.stderr)


@linux
def test_sigterm_stops_the_checker_and_every_process(
    vendor: Path, suite: Suite, tmp_path: Path
) -> None:
    """SIGTERM during a check: exit 143, and the vendor and the children it detached are gone."""
    write_suite(suite, tmp_path / "suite")
    command = f"{sys.executable} {vendor} detach-hang {vendor.parent / 'pids.txt'}"
    checker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "lbp-spec"),
            "conformance",
            "check",
            str(tmp_path / "suite"),
            "--timeout",
            "60",
            "--command",
            command,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pids = vendor.parent / "pids.txt"
    deadline = time.monotonic() + 60
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    checker.send_signal(signal.SIGTERM)
    _, err = checker.communicate(timeout=60)
    assert (143, True, []) == (checker.returncode, "terminated" in err, left_behind(vendor))


@linux
def test_kill_marked_finds_processes_by_their_marker() -> None:
    """kill_marked kills a process carrying the marker and nothing else."""
    env = {**os.environ, MARKER: "test-token-1"}
    marked = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.3)
        killed = kill_marked("test-token-1")
        marked.wait(timeout=10)
        assert (1, -signal.SIGKILL, None) == (killed, marked.returncode, other.poll())
    finally:
        other.kill()
        other.wait()
