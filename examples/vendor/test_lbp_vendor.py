"""A pytest example for Python vendors: test your implementation against the reference.

Run it with ``pytest examples/vendor/test_lbp_vendor.py`` (needs ``lbp-spec[strategies]``).
Replace ``lbp_vendor.advise`` with your own function: a case document (the parsed
JSON of the contract) in, an advice document out.
"""

from __future__ import annotations

import json

import lbp_vendor
from hypothesis import given, settings

from lbp_spec import advice_to_json, case_to_json, evaluate
from lbp_spec.conformance import assert_conforms, normative_json
from lbp_spec.conformance.answers import canonical
from lbp_spec.strategies import cases


def test_conforms_to_the_guideline() -> None:
    """The helper: Hypothesis cases, compared on every normative field, shrunk on failure."""
    assert_conforms(lbp_vendor.advise, max_examples=300)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_agrees_with_the_reference(case) -> None:  # type: ignore[no-untyped-def]
    """The same, written out with the strategies alone: compare the normative advice."""
    ours = lbp_vendor.advise(json.loads(json.dumps(case_to_json(case))))
    reference = normative_json(advice_to_json(evaluate(case)))
    assert canonical(reference) == canonical(ours)
