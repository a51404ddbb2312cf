"""For Python vendors: property tests against the reference that shrink to a minimal case."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from lbp_spec import Case, advice_to_json, case_from_json, evaluate
from lbp_spec.conformance import NonConformanceError, assert_conforms, find_disagreement
from lbp_spec.conformance.fuzz import _compare, _simpler
from lbp_spec.rules import GUIDELINE


def reference(case: dict[str, Any]) -> dict[str, Any]:
    """A vendor function that is the reference itself."""
    return advice_to_json(evaluate(case_from_json(case)))


def late_severe_pain(case: dict[str, Any]) -> dict[str, Any]:
    """The reference, but with a planted bug: severe pain from NPRS 9 instead of 8."""
    if case["lrs"] and case["nprs"] == 8:
        case = {**case, "nprs": 7}
    return reference(case)


def test_a_conforming_function_has_no_counterexample() -> None:
    """The reference agrees with itself on every case tried."""
    assert find_disagreement(reference, max_examples=100) is None


def test_a_planted_disagreement_shrinks_to_a_minimal_case() -> None:
    """The planted bug is found and shrunk to LRS with NPRS 8, every other finding plain."""
    found = find_disagreement(late_severe_pain, max_examples=300, seed=3)
    assert found is not None
    assert Case(lrs=True, nprs=8) == found.case
    assert "referral" in [d.path for d in found.disagreements]
    (referral,) = [d for d in found.disagreements if d.path == "referral"]
    assert ("LRS.REFER.SEVERE",) == referral.rules


def test_the_counterexample_is_locally_minimal() -> None:
    """No single simplification of the shrunk case keeps the disagreement."""
    found = find_disagreement(late_severe_pain, max_examples=300, seed=3)
    assert found is not None
    simpler = [c for c in _simpler(found.case) if c is not None and c != found.case]
    assert simpler  # there is something to try
    assert all(_compare(late_severe_pain, c, GUIDELINE) is None for c in simpler)


def test_a_function_that_raises_disagrees() -> None:
    """An exception in the vendor's function is a counterexample, reported with its type."""

    def broken(case: dict[str, Any]) -> dict[str, Any]:
        if case["red_flags"]:
            raise KeyError("red_flags")
        return reference(case)

    found = find_disagreement(broken, max_examples=300)
    assert found is not None
    assert found.error is not None and "KeyError" in found.error
    assert 1 == len(found.case.red_flags)
    assert attrs.evolve(found.case, red_flags=frozenset()) == Case()


def test_assert_conforms_raises_with_a_readable_message() -> None:
    """assert_conforms raises NonConformanceError naming the case, the field and the quote."""
    with pytest.raises(NonConformanceError) as raised:
        assert_conforms(late_severe_pain, max_examples=300, seed=3)
    message = str(raised.value)
    assert "case: lrs=true, nprs=8" in message
    assert "Refer the patient with LRS and severe motor deficit" in message
    assert Case(lrs=True, nprs=8) == raised.value.counterexample.case
