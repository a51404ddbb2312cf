"""Solver time limits: checked everywhere, so that a limit is never silently dropped."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from lbp_spec import GUIDELINE
from lbp_spec.cli import ExitCode, main
from lbp_spec.diff import compare
from lbp_spec.episodes.verify import verify_episodes
from lbp_spec.findings import analyse
from lbp_spec.health import check_health
from lbp_spec.limits import MAX_TIMEOUT_MS, check_timeout_ms, seconds_to_ms
from lbp_spec.mutation import seed_vectors
from lbp_spec.symbolic import Encoding
from lbp_spec.verify import verify

BAD_MS: tuple[object, ...] = (0, -1, 0.5, 1.0, math.nan, math.inf, True, "20", MAX_TIMEOUT_MS + 1)


@pytest.mark.parametrize("value", BAD_MS)
def test_bad_limits_in_milliseconds_are_refused(value: object) -> None:
    """0 (Z3: no limit), negatives, fractions, nan, inf, bools, text, > 32 bits: ValueError."""
    with pytest.raises(ValueError, match="timeout_ms"):
        check_timeout_ms(value)


def test_good_limits_pass_unchanged() -> None:
    """1 ms and the largest 32-bit limit are kept as given."""
    assert (1, MAX_TIMEOUT_MS) == (check_timeout_ms(1), check_timeout_ms(MAX_TIMEOUT_MS))


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0.001, 1), (0.0015, 2), (20.0, 20_000), (1, 1000)]
)
def test_seconds_convert_to_at_least_one_millisecond(seconds: float, expected: int) -> None:
    """A limit in seconds becomes milliseconds, never rounded down to 0 (no limit)."""
    assert expected == seconds_to_ms(seconds)


@pytest.mark.parametrize("seconds", [0.0004, 0.0, -1.0, math.nan, math.inf, -math.inf, 1e10])
def test_bad_limits_in_seconds_are_refused(seconds: float) -> None:
    """Below 1 ms, not finite, or too large for Z3: ValueError naming the limit."""
    with pytest.raises(ValueError, match="the limit"):
        seconds_to_ms(seconds, "the limit")


ENTRY_POINTS: dict[str, Callable[[int], object]] = {
    "verify": lambda ms: verify(GUIDELINE, properties=[], timeout_ms=ms),
    "compare": lambda ms: compare(GUIDELINE, GUIDELINE, timeout_ms=ms),
    "analyse": lambda ms: analyse(GUIDELINE, timeout_ms=ms),
    "check_health": lambda ms: check_health(GUIDELINE, timeout_ms=ms),
    "verify_episodes": lambda ms: verify_episodes(GUIDELINE, timeout_ms=ms),
    "seed_vectors": lambda ms: seed_vectors(GUIDELINE, timeout_ms=ms),
    "minimal_model": lambda ms: Encoding(GUIDELINE).minimal_model([], ms),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("value", [0, -5, 0.25])
def test_every_api_entry_point_refuses_a_dropped_limit(entry: str, value: int) -> None:
    """Each function that takes a solver limit refuses one Z3 would read as no limit."""
    with pytest.raises(ValueError, match="timeout_ms"):
        ENTRY_POINTS[entry](value)


@pytest.mark.parametrize("command", [["verify", "--no-episodes"], ["verify", "--literal"],
                                     ["diff", "builtin", "builtin"]])  # fmt: skip
@pytest.mark.parametrize("value", ["0.0004", "0", "-1", "nan", "inf", "-inf", "1e12", "x"])
def test_cli_timeout_is_a_usage_error(
    command: list[str], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad --timeout is a usage error (status 2) that names the option, not a crash."""
    assert ExitCode.USAGE == main([*command, "--timeout", value])
    assert "argument --timeout:" in capsys.readouterr().err


def test_cli_smallest_timeout_is_a_real_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """--timeout 0.001 runs with a 1 ms limit; the run finishes with a verdict."""
    status = main(["verify", "--no-episodes", "--property", "windows.well_formed",
                   "--timeout", "0.001"])  # fmt: skip
    assert status in (ExitCode.OK, ExitCode.UNKNOWN)
    assert "windows.well_formed" in capsys.readouterr().out
