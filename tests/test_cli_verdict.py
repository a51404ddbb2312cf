"""The last line of every ``verify`` run states the overall verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from lbp_spec.cli import ExitCode, main

RULE_CHANGE = Path(__file__).parents[1] / "examples" / "rule-change" / "passive_interventions.py"


def _last_line(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.rstrip("\n").splitlines()[-1]


def test_failing_properties_then_proven_episodes_end_on_the_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A refuted property, then proven episodes: the last line is not the episodes' 'proven'."""
    status = main([
        "verify", "--rules", str(RULE_CHANGE),
        "--property", "interventions.lrs_no_passive_treatment",
        "--property", "episodes.lrs_referred_by_week_8",
    ])  # fmt: skip
    assert ExitCode.CHECK_FAILED == status
    assert (
        "Overall: NOT all requirements proven (properties failed, episodes ok); exit status 1."
        == _last_line(capsys)
    )


def test_properties_and_health(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --property the rule health runs too, and the verdict names both sections."""
    assert ExitCode.CHECK_FAILED == main(["verify", "--no-episodes", "--rules", str(RULE_CHANGE)])
    last = _last_line(capsys)
    assert last.startswith("Overall: NOT all requirements proven (properties failed, rule health")
    assert last.endswith("exit status 1.")


def test_all_proven(capsys: pytest.CaptureFixture[str]) -> None:
    """A proven run ends by saying so, with status 0."""
    assert ExitCode.OK == main(["verify", "--property", "windows.well_formed"])
    assert "Overall: all requirements proven (properties ok); exit status 0." == _last_line(capsys)


def test_literal(capsys: pytest.CaptureFixture[str]) -> None:
    """--literal ends on its verdict too: findings for the committee, status 1."""
    assert ExitCode.CHECK_FAILED == main(["verify", "--literal"])
    assert (
        "Overall: the literal reading has findings for the committee; exit status 1."
        == _last_line(capsys)
    )
