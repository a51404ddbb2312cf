"""The KNGF 2021 guideline as data: one module per section, plus the resolutions.

:data:`GUIDELINE` is the built-in rule set that the evaluator runs, the verifier
proves and the docs render.
"""

from __future__ import annotations

from typing import Final

from lbp_spec.rules import (
    behaviour,
    diagnosis,
    evaluation,
    exercise,
    information,
    passive_interventions,
    profiles,
)
from lbp_spec.rules.resolutions import RESOLUTIONS
from lbp_spec.ruleset import RuleSet

__all__ = ["GUIDELINE"]

GUIDELINE: Final = RuleSet(
    "KNGF 2021 low back pain and LRS",
    (
        *diagnosis.RULES,
        *profiles.RULES,
        *information.RULES,
        *exercise.RULES,
        *behaviour.RULES,
        *passive_interventions.RULES,
        *evaluation.RULES,
    ),
    RESOLUTIONS,
)
"""The built-in guideline, every rule of the summary with its declared resolutions."""
