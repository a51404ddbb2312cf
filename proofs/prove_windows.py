"""Windows: every recheck and re-evaluation window is non-empty and ordered."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted, replace_rule
from lbp_spec import GUIDELINE, Window
from lbp_spec.properties import Property
from lbp_spec.rule import sets

GROUP = group("windows")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """The windows property is proven on the built-in guideline."""
    assert_proven(prop)


def test_a_reversed_window_is_caught() -> None:
    """A re-evaluation 'after six to three weeks' is refuted with a profile-2 witness."""
    broken = replace_rule(
        GUIDELINE,
        "EVAL.WINDOW.PROFILE_2",
        then=[sets("reevaluation_after_weeks", Window(6, 3))],
    )
    result = refuted("windows.well_formed", broken)
    assert result.witness_advice is not None
    assert Window(6, 3) == result.witness_advice.reevaluation_after_weeks
