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
previous answer); an answer longer than :data:`MAX_ANSWER_BYTES` is cut off
and reported (``invalid_json``); the run goes on with the next case, restarting
a batch program when needed (but not forever: after ``GIVE_UP`` restarts in a
row without a single answer, the remaining cases get the last error).

Guarantees about processes and time:

* Every read has a deadline: a program (or a child it left behind) that keeps
  standard output open never makes the checker wait past the time limit; once
  the program has exited, its output is read for at most :data:`GRACE` seconds more.
* What is kept of a program's output is bounded: one answer of at most
  :data:`MAX_ANSWER_BYTES`, the last :data:`STDERR_KEPT` bytes of its standard error.
* Every process the checker starts runs in its own process group, with a marker
  in its environment (:data:`MARKER`) that its descendants inherit. When a run
  ends (normally, by an exception, or by SIGTERM turned into one), the group is
  killed and, on Linux, every process still carrying the run's marker (a child
  that started its own session, for instance) is killed too.
"""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import selectors
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import attrs

from lbp_spec.conformance.answers import AnswerError, ErrorKind
from lbp_spec.contract.codec import MAX_DOCUMENT_BYTES

__all__ = [
    "GIVE_UP",
    "GRACE",
    "MARKER",
    "MAX_ANSWER_BYTES",
    "STDERR_KEPT",
    "Program",
    "ProgramError",
    "kill_marked",
]

_STDERR_TAIL: Final = 400
STDERR_KEPT: Final = 64 * 1024
"""Bytes of a program's standard error kept (the last ones); the rest is read and dropped."""
MAX_ANSWER_BYTES: Final = MAX_DOCUMENT_BYTES
"""The longest answer read, in bytes; a longer one is an error for its case."""
GRACE: Final = 0.5
"""Seconds the output of a program that has exited is still read (a child may hold it open)."""
MARKER: Final = "LBP_SPEC_CONFORMANCE_RUN"
"""The environment variable that marks every process of a run, and its descendants."""
GIVE_UP: Final = 10
"""Batch mode stops restarting a program that failed this many times in a row, each time
on the first case after a (re)start; the remaining cases get that error."""
_EOF: Final = object()
_CHUNK: Final = 1 << 16

Reply = str | AnswerError
"""The text a program wrote for one case, or why there is none."""


class ProgramError(OSError):
    """The program cannot be started at all (not found, not executable, a bad command line)."""


def _argv(command: str | Sequence[str]) -> list[str]:
    if isinstance(command, str):
        try:
            argv = shlex.split(command)
        except ValueError as error:  # an unbalanced quote, a trailing backslash
            raise ProgramError(f"cannot split the command {command!r}: {error}") from None
    else:
        argv = list(command)
    if not argv:
        raise ProgramError("the command is empty")
    return argv


def _tail(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    if len(text) > _STDERR_TAIL:
        text = "..." + text[-_STDERR_TAIL:]
    return " ".join(text.split())


def _too_long() -> AnswerError:
    return AnswerError(
        ErrorKind.INVALID_JSON,
        f"the answer is longer than {MAX_ANSWER_BYTES} bytes; the rest was not read",
    )


def _decode(line: bytes) -> Reply:
    try:
        return line.decode("utf-8").strip()
    except UnicodeDecodeError:
        return AnswerError(ErrorKind.INVALID_JSON, "the answer is not UTF-8 text")


def _command(command: str | Sequence[str]) -> str | tuple[str, ...]:
    return command if isinstance(command, str) else tuple(command)


# -- processes ----------------------------------------------------------------------------------


def kill_marked(token: str) -> int:
    """Kill every process whose environment carries ``MARKER=token`` (Linux; elsewhere nothing).

    Returns:
        How many processes were sent SIGKILL (each counted once).

    """
    needle = f"{MARKER}={token}".encode() + b"\0"
    killed: set[int] = set()
    me = os.getpid()
    for _ in range(5):  # a process may fork while its relatives are killed
        found = []
        try:
            names = os.listdir("/proc")
        except OSError:
            break
        for name in names:
            if not name.isdigit() or int(name) == me or int(name) in killed:
                continue
            try:
                with open(f"/proc/{name}/environ", "rb") as environ:
                    if needle in b"\0" + environ.read():
                        found.append(int(name))
            except OSError:  # gone, or not ours
                continue
        if not found:
            break
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
    return len(killed)


class _Run:
    """The processes of one run of a program: started, tracked, and all killed at the end."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.token = secrets.token_hex(8)
        self.env = {**os.environ, MARKER: self.token}
        self.lock = threading.Lock()
        self.live: set[subprocess.Popen[bytes]] = set()
        self.closed = False

    def start(self) -> subprocess.Popen[bytes]:
        with self.lock:
            if self.closed:
                raise _Closed
            try:
                process = subprocess.Popen(
                    self.program.argv,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=self.program.cwd,
                    env=self.env,
                    start_new_session=True,
                )
            except OSError as error:
                raise ProgramError(
                    f"cannot start {self.program.argv[0]!r}: {error.strerror or error}"
                ) from None
            self.live.add(process)
            return process

    def end(self, process: subprocess.Popen[bytes], *, leftovers: bool, close: bool = True) -> None:
        """Kill ``process`` and its group (and, if ``leftovers``, every marked process).

        ``close``: close our ends of its pipes (not while a thread may still use one).
        """
        _kill_group(process)
        if leftovers:
            kill_marked(self.token)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        for stream in (process.stdin, process.stdout, process.stderr) if close else ():
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.close()
        with self.lock:
            self.live.discard(process)

    def close(self) -> None:
        """Kill every process of the run, and every process still carrying its marker."""
        with self.lock:
            self.closed = True
            live = list(self.live)
        for process in live:
            _kill_group(process)
        kill_marked(self.token)


class _Closed(Exception):
    """The run was closed: no more processes are started."""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        with contextlib.suppress(ProcessLookupError, OSError):
            process.kill()


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
        """The arguments the program is started with.

        Raises:
            ProgramError: The command line cannot be split (an unbalanced quote) or is empty.

        """
        return _argv(self.command)

    def describe(self) -> str:
        """The command and its protocol, in words."""
        command = self.command if isinstance(self.command, str) else shlex.join(self.command)
        mode = "batch, JSON Lines" if self.batch else "one case per run"
        return f"{command} ({mode}; timeout {self.timeout:g} s per answer)"

    def replies(self, cases: Sequence[str]) -> Generator[Reply, None, None]:
        """The program's reply to each case, in order.

        Every process started is killed when the iterator ends, is closed, or
        an exception (such as the one a SIGTERM handler raises) passes through it.

        Args:
            cases: Case documents, each as compact JSON on one line.

        Raises:
            ProgramError: The program cannot be started.

        """
        self.argv  # noqa: B018 - a bad command line is a ProgramError before anything runs
        run = _Run(self)
        pool = (
            ThreadPoolExecutor(max_workers=self.jobs) if not self.batch and self.jobs > 1 else None
        )
        try:
            if self.batch:
                yield from self._batch(run, cases)
            elif pool is not None:
                yield from pool.map(lambda case: self._one(run, case), cases)
            else:
                for case in cases:
                    yield self._one(run, case)
        finally:
            run.close()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    # -- one case per run -----------------------------------------------------------------------

    def _one(self, run: _Run, case: str) -> Reply:
        try:
            process = run.start()
        except _Closed:
            return AnswerError(ErrorKind.CRASH, "not run: the check was stopped")
        out, err, ending = b"", b"", "timeout"
        try:
            out, err, ending = _exchange(process, (case + "\n").encode("utf-8"), self.timeout)
        finally:
            run.end(process, leftovers=ending != "eof")
        if ending == "timeout":
            return AnswerError(ErrorKind.TIMEOUT, f"no answer within {self.timeout:g} s")
        if ending == "too_long":
            return _too_long()
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

    def _batch(self, run: _Run, cases: Sequence[str]) -> Iterator[Reply]:
        start = 0
        fruitless = 0
        while start < len(cases):
            replies: list[Reply] = []
            next_start = self._batch_run(run, cases, start, replies)
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

    def _batch_run(self, run: _Run, cases: Sequence[str], start: int, replies: list[Reply]) -> int:
        """Run one batch process from case ``start``; return where the next one starts."""
        process = run.start()
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None
        lines: queue.Queue[object] = queue.Queue(maxsize=64)
        stop = threading.Event()
        stderr = _Tail()
        threads = [
            threading.Thread(target=_feed, args=(process.stdin, cases[start:]), daemon=True),
            threading.Thread(
                target=_read_lines, args=(process.stdout.fileno(), lines, stop), daemon=True
            ),
            threading.Thread(target=stderr.drain, args=(process.stderr.fileno(),), daemon=True),
        ]
        for thread in threads:
            thread.start()
        index = start
        clean = False
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
                    stderr_threads = threads[2:]
                    for thread in stderr_threads:
                        thread.join(timeout=GRACE)
                    detail = _tail(stderr.data())
                    replies.append(
                        AnswerError(
                            ErrorKind.CRASH,
                            f"the program ended (exit status {status}) after answering "
                            f"{index - start} of {len(cases) - start} case(s)"
                            + (f": {detail}" if detail else ""),
                        )
                    )
                    clean = True
                    return index + 1
                if isinstance(item, AnswerError):  # too long: no telling where the next begins
                    replies.append(item)
                    return index + 1  # the program is restarted for the next case
                else:
                    assert isinstance(item, bytes)
                    replies.append(_decode(item))
                index += 1
            return index
        finally:
            stop.set()
            _kill_group(process)
            for thread in threads:
                thread.join(timeout=GRACE)
            if not clean or any(t.is_alive() for t in threads):
                # a descendant outside the group may hold a pipe: find it by its marker
                kill_marked(run.token)
                for thread in threads:
                    thread.join(timeout=GRACE)
            # a thread still blocked on a pipe keeps it open (closing it under the thread
            # could hand its descriptor to another file); it ends with the pipe's last holder
            run.end(process, leftovers=False, close=not any(t.is_alive() for t in threads))


def _exchange(
    process: subprocess.Popen[bytes], data: bytes, timeout: float
) -> tuple[bytes, bytes, str]:
    """Write ``data`` to the program, read its output until it ends, within ``timeout``.

    Returns:
        ``(stdout, stderr tail, ending)``; ending is ``eof`` (the output was closed
        and the program exited), ``exited`` (it exited, a child kept the output
        open), ``timeout`` or ``too_long`` (the answer passed :data:`MAX_ANSWER_BYTES`).

    """
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    selector = selectors.DefaultSelector()
    out = bytearray()
    err = _Tail()
    stdin_fd = process.stdin.fileno()
    os.set_blocking(stdin_fd, False)
    pending = memoryview(data)
    selector.register(stdin_fd, selectors.EVENT_WRITE, "in")
    selector.register(process.stdout.fileno(), selectors.EVENT_READ, "out")
    selector.register(process.stderr.fileno(), selectors.EVENT_READ, "err")
    open_outputs = 2
    exited_at: float | None = None
    try:
        while True:
            now = time.monotonic()
            if open_outputs == 0:
                try:
                    process.wait(timeout=max(0.0, deadline - now))
                except subprocess.TimeoutExpired:
                    return bytes(out), err.data(), "timeout"
                return bytes(out), err.data(), "eof"
            if exited_at is None and process.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > GRACE:
                return bytes(out), err.data(), "exited"
            if now >= deadline:
                return bytes(out), err.data(), "timeout"
            for key, _ in selector.select(timeout=min(0.05, deadline - now)):
                fd = key.fd
                if key.data == "in":
                    try:
                        written = os.write(fd, pending)
                    except (BrokenPipeError, OSError):
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(fd)
                        process.stdin.close()
                    continue
                chunk = os.read(fd, _CHUNK)
                if not chunk:
                    selector.unregister(fd)
                    open_outputs -= 1
                elif key.data == "out":
                    out += chunk
                    if len(out) > MAX_ANSWER_BYTES + 2:
                        return bytes(out), err.data(), "too_long"
                else:
                    err.add(chunk)
    finally:
        selector.close()


class _Tail:
    """The last :data:`STDERR_KEPT` bytes of a stream."""

    def __init__(self) -> None:
        self._kept = bytearray()
        self._lock = threading.Lock()

    def add(self, chunk: bytes) -> None:
        with self._lock:
            self._kept += chunk
            if len(self._kept) > STDERR_KEPT:
                del self._kept[: len(self._kept) - STDERR_KEPT]

    def data(self) -> bytes:
        with self._lock:
            return bytes(self._kept)

    def drain(self, fd: int) -> None:
        """Read ``fd`` to its end, keeping the tail (a thread of a batch run)."""
        with contextlib.suppress(OSError):
            while chunk := os.read(fd, _CHUNK):
                self.add(chunk)


def _feed(stdin: object, cases: Sequence[str]) -> None:
    try:
        for case in cases:
            stdin.write(case.encode("utf-8") + b"\n")  # type: ignore[attr-defined]
        stdin.close()  # type: ignore[attr-defined]
    except (BrokenPipeError, OSError, ValueError):
        pass


def _put(lines: queue.Queue[object], item: object, stop: threading.Event) -> bool:
    """Put ``item`` unless the run stopped; the queue is bounded, so memory is too."""
    while not stop.is_set():
        try:
            lines.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _read_lines(fd: int, lines: queue.Queue[object], stop: threading.Event) -> None:
    """Split the program's output into answers, each at most MAX_ANSWER_BYTES (a thread)."""
    line = bytearray()
    skipping = False
    try:
        while chunk := os.read(fd, _CHUNK):
            start = 0
            while True:
                end = chunk.find(b"\n", start)
                piece = chunk[start:] if end < 0 else chunk[start:end]
                if not skipping:
                    line += piece
                    if len(line) > MAX_ANSWER_BYTES:
                        line.clear()
                        skipping = True
                        if not _put(lines, _too_long(), stop):
                            return
                if end < 0:
                    break
                if not skipping and not _put(lines, bytes(line), stop):
                    return
                line.clear()
                skipping = False
                start = end + 1
    except OSError:
        pass
    if line and not skipping:
        _put(lines, bytes(line), stop)
    _put(lines, _EOF, stop)
