"""The how-to's claims about the example rule change come from a real run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lbp_spec.episodes.verify import verify_episodes
from lbp_spec.health import check_health
from lbp_spec.loading import load_ruleset
from lbp_spec.verify import verify

ROOT = Path(__file__).parents[1]
HOW_TO = ROOT / "docs" / "how-to" / "try-a-rule-change.md"
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from lbp_rule_change import EXAMPLE, results_fragment  # noqa: E402

RULE = "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION"


@pytest.fixture(scope="module")
def fragment() -> str:
    """The fragment the docs build writes, from a real run (one episode property, for time)."""
    ruleset = load_ruleset(ROOT / EXAMPLE)
    episodes = verify_episodes(ruleset, properties=["episodes.lrs_referred_by_week_8"])
    return results_fragment(verify(ruleset), check_health(ruleset), episodes)


def test_the_how_to_includes_the_generated_results_and_types_none() -> None:
    """The how-to includes the generated fragment and no hand-typed 'every other property'."""
    text = HOW_TO.read_text(encoding="utf-8")
    assert "```{include} ../_generated/rule-change-results.md" in text
    assert "every other property still holds" not in text
    assert EXAMPLE in text


def test_the_fragment_names_every_refuted_requirement(fragment: str) -> None:
    """Both refuted requirements are named, not only the one the change aimed at.

    The how-to says in words that the change refutes more than its target.
    """
    assert (
        "**Requirements refuted** (2): `interventions.lrs_no_passive_treatment`, "
        "`interventions.prohibitions_hold`" in fragment
    )


def test_the_fragment_names_the_shadowed_rule(fragment: str) -> None:
    """The rule health finds the changed rule always set aside, as the how-to says in words."""
    assert f"shadowed rules (they fire, but are always set aside): `{RULE}`" in fragment
