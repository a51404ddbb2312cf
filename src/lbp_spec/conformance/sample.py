"""A seeded random sample of valid cases, the same on every machine.

The suite's ``random`` group is drawn here rather than with Hypothesis
(:mod:`lbp_spec.strategies`): what Hypothesis draws depends on its version and on
the modules it finds around it (it mines "local" source files for constants),
so the same seed would not give the same suite byte for byte everywhere. This
sampler uses only ``random.Random``, whose sequence for a given seed is
stable across Python versions and platforms. Its numbers are biased towards
the same thresholds as the Hypothesis strategies (MRC 3/4, NPRS 7/8,
25/26 cm, weeks 2/3, 5/6, 11/12, three sessions).
"""

from __future__ import annotations

import json
import random
from typing import Any, Final

from lbp_spec.case import Case, NeurologicalExam, Sbst
from lbp_spec.contract import case_to_json
from lbp_spec.vocabulary import (
    Consultation,
    Discipline,
    EmergencySign,
    FactorLevel,
    Improvement,
    MassageCriterion,
    PrognosticFactor,
    RedFlag,
    Responsiveness,
)

__all__ = ["random_cases"]

_FINGERTIP: Final = (0.0, 10.0, 24.0, 25.0, 25.5, 26.0, 40.0)
_WEEKS_NEAR: Final = tuple(sorted({p + d for p in (3, 6, 8, 12) for d in (-1, 0, 1)}))


def _subset(rng: random.Random, members: list[Any]) -> frozenset[Any]:
    return frozenset(m for m in members if rng.random() < 0.5)


def _maybe_bool(rng: random.Random) -> bool | None:
    return rng.choice((None, True, False))


def _exam(rng: random.Random) -> NeurologicalExam:
    pick = rng.random()
    if pick < 0.3:
        fingertip: float | None = None
    elif pick < 0.7:
        fingertip = rng.choice(_FINGERTIP)
    else:
        fingertip = float(rng.randint(0, 200))
    mrc = rng.choice((3, 4, 5, 5, 5)) if rng.random() < 0.6 else rng.randint(0, 5)
    return NeurologicalExam(
        dermatomal_pain=rng.random() < 0.5,
        fingertip_floor_cm=fingertip,
        lasegue=rng.random() < 0.5,
        crossed_lasegue=rng.random() < 0.5,
        reversed_lasegue=rng.random() < 0.5,
        mrc_lowest=mrc,
        dermatomal_sensory_loss=rng.random() < 0.5,
        diminished_tendon_reflexes=rng.random() < 0.5,
        extensor_plantar_response=rng.random() < 0.15,
    )


def _case(rng: random.Random) -> Case:
    consultation = rng.choice(list(Consultation))
    discipline = rng.choice(list(Discipline))
    lrs = rng.random() < 0.5
    follow_up: dict[str, Any] = {}
    if consultation is Consultation.FOLLOW_UP:
        weeks = rng.choice(_WEEKS_NEAR) if rng.random() < 0.6 else rng.randint(0, 60)
        sessions = rng.choice((2, 3, 4)) if rng.random() < 0.5 else rng.randint(1, 30)
        follow_up = {
            "weeks_since_start": weeks,
            "sessions_used": sessions,
            "improvement": rng.choice(list(Improvement)),
            "reevaluation_new_insights": _maybe_bool(rng),
            "adjustment_expected_to_suffice": _maybe_bool(rng),
            "lrs_diagnosed_earlier": rng.random() < 0.5 if lrs else None,
        }
    weeks = follow_up.get("weeks_since_start", 0)
    pick = rng.random()
    duration = (
        None
        if pick < 0.3
        else max(weeks, rng.choice(_WEEKS_NEAR))
        if pick < 0.7
        else weeks + rng.randint(0, 30)
    )
    factors = {
        f: rng.choice(list(FactorLevel))
        for f in rng.sample(list(PrognosticFactor), rng.randint(0, 5))
    }
    total = rng.randint(0, 9)
    return Case(
        consultation=consultation,
        discipline=discipline,
        additional_competencies=(
            rng.random() < 0.5 if discipline is Discipline.EXERCISE_THERAPIST else False
        ),
        need_for_assistance=rng.random() < 0.75,
        red_flags=_subset(rng, list(RedFlag)) if rng.random() < 1 / 6 else frozenset(),
        neurological_emergency_signs=(
            _subset(rng, list(EmergencySign)) if rng.random() < 1 / 6 else frozenset()
        ),
        lrs=lrs,
        symptoms_below_knee=rng.random() < 0.5,
        neurological_exam=_exam(rng) if rng.random() < 0.5 else None,
        nprs=rng.choice((7, 8, 9)) if rng.random() < 0.4 else rng.randint(0, 10),
        prognostic_factors=factors,
        sbst=(
            Sbst(total=total, psychosocial=rng.randint(0, min(5, total)))
            if rng.random() < 0.5
            else None
        ),
        mechanical_problem=rng.random() < 0.5,
        massage_criteria=(
            frozenset(MassageCriterion)
            if rng.random() < 0.5
            else _subset(rng, list(MassageCriterion))
        ),
        responsiveness=(rng.choice((None, *Responsiveness)) if lrs else None),
        complaint_duration_weeks=duration,
        pain_alleviation=rng.choice((None, *Improvement)),
        loss_of_function_decrease=rng.choice((None, *Improvement)),
        medication_dose_doubt=_maybe_bool(rng),
        **follow_up,
    )


def random_cases(n: int, seed: int) -> list[Case]:
    """``n`` distinct valid cases drawn with ``random.Random(seed)``.

    Args:
        n: How many.
        seed: The seed; the same seed gives the same cases everywhere.

    Returns:
        The cases, in the order drawn.

    Example:
        >>> [c.nprs for c in random_cases(3, seed=1)] == [c.nprs for c in random_cases(3, seed=1)]
        True

    """
    rng = random.Random(seed)
    out: list[Case] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < n and attempts < 50 * n:
        attempts += 1
        case = _case(rng)
        key = json.dumps(case_to_json(case), sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(case)
    return out
