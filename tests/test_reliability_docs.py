"""The reliability page states the limits and exit codes the code enforces (no drift)."""

from __future__ import annotations

from pathlib import Path

from lbp_spec.cli import ExitCode
from lbp_spec.conformance.runner import MAX_ANSWER_BYTES, STDERR_KEPT
from lbp_spec.contract.codec import LIMITS, MAX_ID_LENGTH

PAGE = Path(__file__).resolve().parent.parent / "docs" / "explanation" / "reliability.md"


def test_every_limit_is_on_the_page() -> None:
    """Each document limit, the id length, the answer cap and the stderr tail appear as stated."""
    text = PAGE.read_text(encoding="utf-8")
    stated = [f"{value:,}" for value in LIMITS.values()]
    stated += [f"1 to {MAX_ID_LENGTH} characters", f"{MAX_ANSWER_BYTES:,} bytes"]
    stated.append(f"{STDERR_KEPT // 1024} KiB")
    assert [] == [s for s in stated if s not in text]


def test_every_exit_status_is_on_the_page() -> None:
    """Every exit status of lbp-spec has a row in the page's table."""
    text = PAGE.read_text(encoding="utf-8")
    assert [] == [int(code) for code in ExitCode if f"\n| {int(code)} |" not in text]
