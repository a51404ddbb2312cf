"""Ctrl-C during a proof stops the run (instead of turning the check into ``unknown``).

Z3 installs its own SIGINT handler while it checks: an interrupt then only
cancels the running check, which answers ``unknown``, and the run goes on with
the next one; Python never hears of it. :func:`interruptible` keeps SIGINT away
from Z3's handler: the signal is blocked in the calling (main) thread and taken
by a watcher thread with :func:`signal.sigtimedwait`, which then cancels the
running check (:meth:`z3.Context.interrupt`, repeatedly until the block is left,
so that a check started just after is cancelled too) and raises
:exc:`KeyboardInterrupt` in the main thread. The run stops there; nothing it had
not finished is reported.

Python would only print (and then drop) an exception raised inside a ``__del__``
method, which Z3's objects run often; there the exception is held back and raised
a moment later, outside it. Should it be lost anyway, an exception raised in the
block after the interrupt (a Z3 call cancelled outside a check raises one), or
the block's normal end, becomes :exc:`KeyboardInterrupt`: an interrupted run never
ends as if it had finished, nor as an internal error.

Where signals cannot be blocked (not the main thread, no ``pthread_sigmask``), or
SIGINT is ignored (a background job), the context does nothing.
"""

from __future__ import annotations

import _thread
import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

import z3

__all__ = ["interruptible"]

_POLL_SECONDS = 0.05


def _usable() -> bool:
    return (
        hasattr(signal, "pthread_sigmask")
        and hasattr(signal, "sigtimedwait")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, None)
    )


def _in_finaliser(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside a ``__del__`` (where exceptions are dropped)."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, Ctrl-C (SIGINT) stops the solver and raises KeyboardInterrupt.

    Raises:
        KeyboardInterrupt: SIGINT arrived while the block ran.
    """
    if not _usable():
        yield
        return
    stop = threading.Event()
    interrupted = threading.Event()
    held_back = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if _in_finaliser(frame):
            held_back.set()
            return
        raise KeyboardInterrupt

    def watch() -> None:
        while not stop.is_set():
            if signal.sigtimedwait({signal.SIGINT}, _POLL_SECONDS) is not None:
                break
        else:
            return
        interrupted.set()
        _thread.interrupt_main(signal.SIGINT)
        while not stop.wait(_POLL_SECONDS / 5):  # until the main thread has left the block
            context.interrupt()
            if held_back.is_set():
                held_back.clear()
                _thread.interrupt_main(signal.SIGINT)

    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous_handler = signal.signal(signal.SIGINT, on_sigint)
    context = z3.main_ctx()  # created with SIGINT blocked: never half-made by Ctrl-C
    watcher = threading.Thread(target=watch, name="lbp-spec-interrupt", daemon=True)
    watcher.start()
    try:
        yield
    except BaseException:
        if interrupted.is_set():
            raise KeyboardInterrupt from None
        raise
    finally:
        stop.set()
        watcher.join()
        signal.signal(signal.SIGINT, previous_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
    if interrupted.is_set():
        raise KeyboardInterrupt
