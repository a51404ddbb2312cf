"""User-facing text speaks of the guideline and the spec, not of how the work is organised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lbp_spec.cli import COMMANDS, build_parser
from lbp_spec.episodes.timing import TIMING_FINDINGS

ROOT = Path(__file__).parents[1]
# "the issue asked", "this ticket", ...: the work's organisation. A vendor's own ticket
# in an example skip list ("ticket PT-12") is the vendor's, and allowed.
FORBIDDEN = re.compile(r"\b(the|this|that|an?) (issue|ticket)s?\b|\bissue's\b", re.IGNORECASE)


def _texts() -> list[Path]:
    paths = [ROOT / "README.md", ROOT / "CHANGELOG.md"]
    for folder in ("src", "docs", "examples"):
        paths += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.suffix in (".py", ".md", ".txt")
            and "_build" not in p.parts
            and "data" not in p.parts
        ]
    return paths


@pytest.mark.parametrize("path", _texts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_issue_or_ticket_wording(path: Path) -> None:
    """No file a user reads speaks of 'the issue' or 'the ticket'."""
    text = path.read_text(encoding="utf-8")
    assert [] == FORBIDDEN.findall(text)


def test_cli_help_and_timing_findings_have_no_such_wording() -> None:
    """The help of every subcommand and the timing findings' text neither."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    texts = [parser.format_help()]
    texts += [sub.choices[c.name].format_help() for c in COMMANDS]  # type: ignore[attr-defined]
    texts += [repr(finding) for finding in TIMING_FINDINGS]
    assert [] == [t for t in texts if FORBIDDEN.search(t)]
