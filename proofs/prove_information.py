"""Information: treated patients are educated; suspected LRS is examined."""

from __future__ import annotations

import pytest

from _support import assert_proven, group, refuted
from lbp_spec import GUIDELINE
from lbp_spec.properties import Property

GROUP = group("information")


@pytest.mark.parametrize("prop", GROUP, ids=lambda p: p.name)
def test_proven_on_the_guideline(prop: Property) -> None:
    """Every information property is proven on the built-in guideline."""
    assert_proven(prop)


def test_without_the_examination_rule_suspected_lrs_is_not_examined() -> None:
    """Dropping NEURO.EXAM is caught."""
    result = refuted("information.suspected_lrs_examined", GUIDELINE.without(["NEURO.EXAM"]))
    assert result.witness_advice is not None
    assert not result.witness_advice.neurological_examination.required


def test_without_general_education_a_treated_patient_learns_nothing() -> None:
    """Dropping every general education rule leaves a profile-1 patient without education."""
    general = [r.id for r in GUIDELINE.rules if r.id.startswith("EDUCATION.")]
    behaviour = ["BEHAVIOUR.PROFILE_1_2.EXPLANATION"]
    result = refuted(
        "information.treated_patients_educated", GUIDELINE.without(general + behaviour)
    )
    assert result.witness_advice is not None
    assert () == result.witness_advice.education
