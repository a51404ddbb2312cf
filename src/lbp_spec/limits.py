"""Solver time limits: checked once, so that a limit is never silently dropped.

Z3 reads a time limit of 0 as *no limit*, and keeps only the low 32 bits of a
larger one, so an unchecked conversion (``int(0.0004 * 1000) == 0``) turns "give
up at once" into "never give up" and a run meant to stop proves everything. Every
entry point that takes a limit (:func:`lbp_spec.verify.verify`,
:func:`lbp_spec.diff.compare`, :func:`lbp_spec.findings.analyse`,
:func:`lbp_spec.health.check_health`, :func:`lbp_spec.episodes.verify.verify_episodes`,
the mutation run, the minimal-witness searches) checks it with
:func:`check_timeout_ms`; the command line converts seconds with
:func:`seconds_to_ms`.
"""

from __future__ import annotations

import math
from typing import Final

__all__ = ["MAX_TIMEOUT_MS", "MIN_TIMEOUT_SECONDS", "check_timeout_ms", "seconds_to_ms"]

MAX_TIMEOUT_MS: Final = 2**32 - 1
"""The largest limit Z3 keeps as given (about 49 days), in milliseconds."""

MIN_TIMEOUT_SECONDS: Final = 0.001
"""The smallest limit, in seconds: one millisecond, Z3's unit."""


def check_timeout_ms(value: object, name: str = "timeout_ms") -> int:
    """``value`` if it is a usable solver time limit in milliseconds.

    Args:
        value: The limit.
        name: How the caller calls it, for the message.

    Returns:
        The limit, unchanged.

    Raises:
        ValueError: Not a whole number, below 1 ms (0 would be no limit at all to
            Z3), or above :data:`MAX_TIMEOUT_MS`.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number of milliseconds, got {value!r}")
    if value < 1:
        raise ValueError(
            f"{name} must be at least 1 ms, got {value} (Z3 would read 0 as no limit at all)"
        )
    if value > MAX_TIMEOUT_MS:
        raise ValueError(f"{name} must be at most {MAX_TIMEOUT_MS} ms, got {value}")
    return value


def seconds_to_ms(seconds: float, name: str = "timeout") -> int:
    """A limit given in seconds, as Z3's milliseconds; never rounded to 0.

    Raises:
        ValueError: Not a finite number, below :data:`MIN_TIMEOUT_SECONDS`, or
            above :data:`MAX_TIMEOUT_MS` once converted.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"{name} must be a number of seconds, got {seconds!r}")
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be a finite number of seconds, got {seconds}")
    if seconds < MIN_TIMEOUT_SECONDS:
        raise ValueError(
            f"{name} must be at least {MIN_TIMEOUT_SECONDS:g} seconds (1 ms), got {seconds:g}"
        )
    if seconds * 1000 > MAX_TIMEOUT_MS:
        raise ValueError(
            f"{name} must be at most {MAX_TIMEOUT_MS / 1000:g} seconds, got {seconds:g}"
        )
    return check_timeout_ms(max(1, round(seconds * 1000)), name)
