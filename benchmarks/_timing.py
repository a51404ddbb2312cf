"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import z3


class SolverClock:
    """Adds up the time spent inside Z3's ``check`` (Solver and Optimize) while active."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Time every ``check`` call made inside the ``with`` block."""
        originals = {cls: cls.check for cls in (z3.Solver, z3.Optimize)}

        def timed(original: Callable[..., Any]) -> Callable[..., Any]:
            def check(solver: Any, *args: Any) -> Any:
                start = time.perf_counter()
                try:
                    return original(solver, *args)
                finally:
                    self.seconds += time.perf_counter() - start

            return check

        for cls, original in originals.items():
            cls.check = timed(original)
        try:
            yield
        finally:
            for cls, original in originals.items():
                cls.check = original
