"""Ctrl-C stops a run, even inside a solver check (Z3 would answer unknown and go on)."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pytest
import z3

from lbp_spec.interrupt import interruptible

WHAT_IF = Path(__file__).parents[1] / "examples" / "rule-change" / "passive_interventions.py"
LBP_SPEC = [sys.executable, "-c", "import sys; from lbp_spec.cli import main; sys.exit(main())"]


def _hard_solver() -> z3.Solver:
    """A check Z3 does not finish within its 60 s limit (a sum of cubes)."""
    x, y, z = z3.Ints("x y z")
    solver = z3.Solver()
    solver.set(timeout=60_000)
    solver.add(x * x * x + y * y * y == z * z * z, x > 1000, y > 1000, z > 0)
    return solver


_ALONE: Final = "LBP_SPEC_TEST_ALONE"


def _alone(test: Callable[[], None]) -> Callable[[], None]:
    """Run ``test`` in a fresh interpreter of its own, as the command line runs.

    A Ctrl-C is sent to the whole process; in a test runner that has threads of its
    own (pytest-xdist's workers do), one of those may take the signal instead of the
    watcher, which is not what happens in ``lbp-spec``, whose threads all start with
    SIGINT blocked. So the test body runs in a child pytest with no other threads.
    """

    @functools.wraps(test)
    def in_a_fresh_process() -> None:
        if os.environ.get(_ALONE):
            test()
            return
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:xdist",
                "-p",
                "no:cacheprovider",
                "-q",
                f"{__file__}::{test.__name__}",
            ],
            env={**os.environ, _ALONE: "1"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert 0 == done.returncode, done.stdout[-3000:]

    return in_a_fresh_process


def _interrupt_soon(seconds: float = 0.3) -> None:
    """Ctrl-C to this process in ``seconds``, from a thread started inside the block.

    (It then blocks SIGINT too, as every thread of the command line does.)
    """
    threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT)).start()


@_alone
def test_interrupt_inside_a_check_raises() -> None:
    """SIGINT during a check stops it and raises KeyboardInterrupt, not an unknown answer."""
    solver = _hard_solver()
    outcome: list[z3.CheckSatResult] = []

    def run() -> None:
        with interruptible():
            _interrupt_soon()
            outcome.append(solver.check())
            outcome.append(solver.check())

    with pytest.raises(KeyboardInterrupt):
        run()
    assert [] == outcome


@_alone
def test_swallowed_interrupt_still_stops_the_run() -> None:
    """A KeyboardInterrupt swallowed by the run still stops it.

    Later checks are cancelled at once, and the interrupt is raised when the block
    ends: the run never ends as if it had finished.
    """
    solver = _hard_solver()
    answers: list[str] = []

    def run() -> None:
        with interruptible():
            _interrupt_soon()
            for _ in range(3):
                try:
                    answers.append(str(solver.check()))
                except KeyboardInterrupt:  # dropped, as Python does in a __del__
                    answers.append("swallowed")

    with pytest.raises(KeyboardInterrupt):
        run()
    assert 3 == len(answers)
    assert "sat" not in answers


class _SlowFinaliser:
    """An object whose ``__del__`` runs Python code for a while (as Z3's objects do)."""

    def __del__(self) -> None:
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            pass


@_alone
def test_interrupt_is_held_back_out_of_a_finaliser() -> None:
    """An interrupt arriving inside ``__del__`` (where Python would drop it) is raised after."""
    reached: list[str] = []

    def run() -> None:
        with interruptible():
            _interrupt_soon(0.2)
            _SlowFinaliser()  # dropped at once: its __del__ runs now, for 0.6 s
            reached.append("after the finaliser")
            for _ in range(100):  # five seconds, in steps Python can interrupt
                time.sleep(0.05)
            reached.append("end of the block")

    with pytest.raises(KeyboardInterrupt):
        run()
    assert ["after the finaliser"] == reached


def test_without_an_interrupt_the_block_is_transparent() -> None:
    """No signal: the block returns what it computed, and SIGINT is unblocked afterwards."""
    x = z3.Int("x")
    with interruptible():
        answer = z3.Solver()
        answer.add(x > 1)
        result = answer.check()
    assert z3.sat == result
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def _sigint_blocked(pid: int) -> bool:
    """Whether process ``pid`` blocks SIGINT (it then runs inside ``interruptible``)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    "args",
    [
        ["verify"],
        ["verify", "--literal"],
        ["verify", "--property", "episodes.lrs_referred_by_week_8"],
        ["diff", "builtin", str(WHAT_IF)],
    ],
)
def test_ctrl_c_stops_the_command(args: list[str]) -> None:
    """A real ``lbp-spec`` process sent SIGINT mid-run exits 130, says so, prints no report."""
    process = subprocess.Popen(
        [*LBP_SPEC, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not _sigint_blocked(process.pid):  # wait until the run has started
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert (130, "", "lbp-spec: interrupted\n") == (process.returncode, out, err)
