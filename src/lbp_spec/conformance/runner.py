"""Run a vendor's program on cases, surviving whatever it does.

Two protocols (see the how-to "Validate your implementation"):

* **one case per run** (default): the program is started once per case, reads
  one case document on standard input and writes one advice document on
  standard output, then exits with status 0;
* **batch** (``batch=True``): the program is started once, reads cases as JSON
  Lines on standard input and writes one advice per line, in the same order, on
  standard output, flushing after each.

Whatever the program does, each case gets an answer or an
:class:`~lbp_spec.conformance.AnswerError`: a non-zero exit status (or,
in batch mode, an end before every case is answered) is a ``crash``; no answer
within ``timeout`` seconds is a ``timeout`` (in batch mode, counted from the
previous answer); the run goes on with the next case, restarting a batch
program when needed (but not forever: after ``GIVE_UP`` restarts in a row
without a single answer, the remaining cases get the last error). The program
runs in its own process group, which is killed on a timeout, so that its
children die with it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Final

import attrs

from lbp_spec.conformance.answers import AnswerError, ErrorKind

__all__ = ["GIVE_UP", "Program", "ProgramError"]

_STDERR_TAIL: Final = 400
GIVE_UP: Final = 10
"""Batch mode stops restarting a program that failed this many times in a row, each time
on the first case after a (re)start; the remaining cases get that error."""
_EOF: Final = object()

Reply = str | AnswerError
"""The text a program wrote for one case, or why there is none."""


class ProgramError(OSError):
    """The program cannot be started at all (not found, not executable)."""


def _argv(command: str | Sequence[str]) -> list[str]:
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv:
        raise ProgramError("the command is empty")
    return argv


def _tail(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    if len(text) > _STDERR_TAIL:
        text = "..." + text[-_STDERR_TAIL:]
    return " ".join(text.split())


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the program and its process group, and reap it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):  # pragma: no cover
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    process.wait()


def _decode(line: bytes) -> Reply:
    try:
        return line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return AnswerError(ErrorKind.INVALID_JSON, "the answer is not UTF-8 text")


def _command(command: str | Sequence[str]) -> str | tuple[str, ...]:
    return command if isinstance(command, str) else tuple(command)


@attrs.frozen
class Program:
    """A vendor's program, as the checker runs it.

    Attributes:
        command: The command line (split like a POSIX shell does, without a
            shell) or its arguments.
        timeout: Seconds to wait for each answer.
        batch: Use the batch protocol.
        jobs: How many one-case runs at once (ignored in batch mode).
        cwd: Working directory of the program (default: the current one).

    """

    command: str | tuple[str, ...] = attrs.field(converter=_command)
    timeout: float = 10.0
    batch: bool = False
    jobs: int = 1
    cwd: str | None = None

    @property
    def argv(self) -> list[str]:
        """The arguments the program is started with."""
        return _argv(self.command)

    def describe(self) -> str:
        """The command and its protocol, in words."""
        command = self.command if isinstance(self.command, str) else shlex.join(self.command)
        mode = "batch, JSON Lines" if self.batch else "one case per run"
        return f"{command} ({mode}; timeout {self.timeout:g} s per answer)"

    def _start(self, stdin: int, stderr: IO[bytes] | int) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                self.argv,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=self.cwd,
                start_new_session=True,
            )
        except OSError as error:
            raise ProgramError(
                f"cannot start {self.argv[0]!r}: {error.strerror or error}"
            ) from None

    def replies(self, cases: Sequence[str]) -> Iterator[Reply]:
        """The program's reply to each case, in order.

        Args:
            cases: Case documents, each as compact JSON on one line.

        Raises:
            ProgramError: The program cannot be started.

        """
        if self.batch:
            yield from self._batch(cases)
        elif self.jobs > 1:
            with ThreadPoolExecutor(max_workers=self.jobs) as pool:
                yield from pool.map(self._one, cases)
        else:
            for case in cases:
                yield self._one(case)

    # -- one case per run -----------------------------------------------------------------------

    def _one(self, case: str) -> Reply:
        process = self._start(subprocess.PIPE, subprocess.PIPE)
        try:
            out, err = process.communicate((case + "\n").encode("utf-8"), timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            process.communicate()
            return AnswerError(ErrorKind.TIMEOUT, f"no answer within {self.timeout:g} s")
        finally:
            _kill(process)
        if process.returncode != 0:
            detail = _tail(err)
            return AnswerError(
                ErrorKind.CRASH,
                f"exit status {process.returncode}" + (f": {detail}" if detail else ""),
            )
        text = _decode(out)
        if text == "":
            return AnswerError(ErrorKind.INVALID_JSON, "no output")
        return text

    # -- batch -------------------------------------------------------------------------------------

    def _batch(self, cases: Sequence[str]) -> Iterator[Reply]:
        start = 0
        fruitless = 0
        while start < len(cases):
            replies: list[Reply] = []
            with tempfile.TemporaryFile() as stderr:
                next_start = self._batch_run(cases, start, stderr, replies)
            yield from replies
            start = next_start
            fruitless = fruitless + 1 if len(replies) == 1 else 0
            if fruitless >= GIVE_UP and start < len(cases):
                last = replies[-1]
                assert isinstance(last, AnswerError)
                message = (
                    f"not run: the program failed on the {GIVE_UP} cases before this one, each "
                    f"right after a restart (last: {last.message})"
                )
                for _ in range(start, len(cases)):
                    yield AnswerError(last.kind, message)
                return

    def _batch_run(
        self, cases: Sequence[str], start: int, stderr: IO[bytes], replies: list[Reply]
    ) -> int:
        """Run one batch process from case ``start``; return where the next one starts."""
        process = self._start(subprocess.PIPE, stderr)
        assert process.stdin is not None
        assert process.stdout is not None
        lines: queue.Queue[object] = queue.Queue()
        writer = threading.Thread(target=_feed, args=(process.stdin, cases[start:]), daemon=True)
        reader = threading.Thread(target=_drain, args=(process.stdout, lines), daemon=True)
        writer.start()
        reader.start()
        index = start
        try:
            while index < len(cases):
                try:
                    item = lines.get(timeout=self.timeout)
                except queue.Empty:
                    replies.append(
                        AnswerError(
                            ErrorKind.TIMEOUT,
                            f"no answer within {self.timeout:g} s (batch mode; the program "
                            "is restarted for the next case)",
                        )
                    )
                    return index + 1
                if item is _EOF:
                    try:
                        status: int | str = process.wait(timeout=self.timeout)
                    except subprocess.TimeoutExpired:
                        status = "none: it closed its output but kept running"

                    stderr.seek(0)
                    detail = _tail(stderr.read())
                    replies.append(
                        AnswerError(
                            ErrorKind.CRASH,
                            f"the program ended (exit status {status}) after answering "
                            f"{index - start} of {len(cases) - start} case(s)"
                            + (f": {detail}" if detail else ""),
                        )
                    )
                    return index + 1
                assert isinstance(item, bytes)
                replies.append(_decode(item))
                index += 1
            return index
        finally:
            _kill(process)
            writer.join(timeout=5)
            reader.join(timeout=5)
            for stream in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    stream.close()


def _feed(stdin: IO[bytes], cases: Sequence[str]) -> None:
    try:
        for case in cases:
            stdin.write(case.encode("utf-8") + b"\n")
        stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass


def _drain(stdout: IO[bytes], lines: queue.Queue[object]) -> None:
    try:
        for line in stdout:
            lines.put(line)
    except (OSError, ValueError):
        pass
    lines.put(_EOF)
