"""The bounded model agrees with the simulator and the pathway check, both ways."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
import z3
from hypothesis import HealthCheck, given, settings

from lbp_spec import GUIDELINE, Case, evaluate
from lbp_spec.episodes import PATHWAY, Change, Episode, Visit, problems, simulate
from lbp_spec.episodes.model import EpisodeModel
from lbp_spec.episodes.pathway import horizon_day
from lbp_spec.episodes.strategies import episodes
from lbp_spec.vocabulary import FactorLevel, Improvement, PrognosticFactor, RedFlag

BOUND = 4
CHANGE = Change(
    after_days=3,
    findings={
        "improvement": Improvement.INADEQUATE,
        "reevaluation_new_insights": True,
        "adjustment_expected_to_suffice": True,
    },
)


@pytest.fixture(scope="module")
def model() -> EpisodeModel:
    """The bounded model of the guideline, four weeks."""
    return EpisodeModel(GUIDELINE, bound_weeks=BOUND)


@pytest.fixture(scope="module")
def solver(model: EpisodeModel) -> z3.Solver:
    """A solver holding the model's constraints."""
    s = z3.Solver()
    s.add(*model.constraints())
    return s


def _accepts(solver: z3.Solver, model: EpisodeModel, episode: Episode) -> z3.ModelRef | None:
    solver.push()
    try:
        solver.add(model.episode_is(episode))
        return solver.model() if solver.check() == z3.sat else None
    finally:
        solver.pop()


def test_model_unrolls_every_consultation_that_fits(model: EpisodeModel, solver: z3.Solver) -> None:
    """No episode up to the bound has more consultations than the model unrolls.

    The size allows a recheck (two days) between every two consultations, so it
    holds for any rule set; the guideline advises the check once, so its episodes
    are shorter: weekly consultations after the check fill the bound.
    """
    assert horizon_day(BOUND) // 2 + 1 == model.size
    weekly = 2 + (model.horizon - 2) // 7  # the initial one, the check, then weekly
    solver.push()
    try:
        solver.add(model.on[weekly - 1])
        assert z3.sat == solver.check()
        solver.add(model.on[weekly])
        assert z3.unsat == solver.check()
    finally:
        solver.pop()


@pytest.mark.slow
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(episodes(bound_weeks=BOUND))
def test_simulated_episode_is_accepted_with_the_same_advice(
    model: EpisodeModel, solver: z3.Solver, episode: Episode
) -> None:
    """A simulated episode, encoded as constraints, is a model episode with the same advice."""
    found = _accepts(solver, model, episode)
    assert found is not None
    assert [v.advice for v in episode.visits] == model.advices(found)


def _models(model: EpisodeModel, solver: z3.Solver, count: int) -> Iterator[z3.ModelRef]:
    """Distinct model episodes (distinct days or length), with LRS so that they are long."""
    solver.push()
    solver.add(model.lrs(0), model.on[3])
    try:
        for _ in range(count):
            assert z3.sat == solver.check()
            found = solver.model()
            yield found
            n = model.count(found)
            same = [model.on[k] for k in range(n)] + [
                model.day[k] == found.eval(model.day[k]) for k in range(n)
            ]
            solver.add(z3.Not(z3.And(*same)))
    finally:
        solver.pop()


@pytest.mark.slow
def test_model_episodes_follow_the_pathway(model: EpisodeModel, solver: z3.Solver) -> None:
    """Every model episode read back is a concrete episode that follows the pathway."""
    for found in _models(model, solver, 8):
        episode = model.back(found)
        assert ([], model.advices(found)) == (problems(episode), [v.advice for v in episode.visits])


def _lrs_episode() -> Episode:
    return simulate(Case(lrs=True), [CHANGE, CHANGE], bound_weeks=BOUND)


def _with_visit(episode: Episode, k: int, **changes: object) -> Episode:
    visit = episode.visits[k]
    day = changes.pop("day", visit.day)
    case = attrs.evolve(visit.case, **changes) if changes else visit.case
    visits = list(episode.visits)
    visits[k] = Visit(day, case, evaluate(case))  # type: ignore[arg-type]
    return attrs.evolve(episode, visits=visits)


BROKEN = {
    "too early": {"day": 1},
    "too late": {"day": 5},
    "more sessions than days": {"sessions_used": 9},
    "weeks do not match the day": {"weeks_since_start": 1},
    "factors changed outside a re-evaluation": {
        "prognostic_factors": {PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT}
    },
    "a consultation after a referral": {"red_flags": frozenset({RedFlag.FRACTURE})},
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_model_rejects_what_the_pathway_check_rejects(
    model: EpisodeModel, solver: z3.Solver, change: dict[str, object]
) -> None:
    """An episode that breaks the pathway is no model episode either (and the simulated one is)."""
    episode = _lrs_episode()
    broken = _with_visit(episode, 1, **change)
    assert _accepts(solver, model, episode) is not None
    assert problems(broken)
    assert _accepts(solver, model, broken) is None


def test_model_requires_the_recheck(model: EpisodeModel, solver: z3.Solver) -> None:
    """An LRS episode that stops after its first consultation is no model episode."""
    episode = _lrs_episode()
    cut = attrs.evolve(episode, visits=episode.visits[:1])
    assert problems(cut)
    assert _accepts(solver, model, cut) is None


def test_episode_longer_than_the_model_is_refused(model: EpisodeModel) -> None:
    """Fixing the model to an episode with too many consultations is an error."""
    episode = _lrs_episode()
    long = attrs.evolve(episode, visits=episode.visits * model.size)
    with pytest.raises(ValueError, match="unrolls"):
        model.episode_is(long)


VARIANTS = {
    "no window deadlines": {"window_deadline": False},
    "deadline kept at adequate improvement": {"adequate_releases": False},
    "factors re-assessed at any consultation": {"reassess_at_reevaluation_only": False},
    "follow-ups three days apart": {"follow_up_gap_days": 3},
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_pathway_variants_agree(variant: dict[str, object]) -> None:
    """Changed pathways mean the same on both sides: simulated episodes are model episodes."""
    pathway = attrs.evolve(PATHWAY, **variant)
    model = EpisodeModel(GUIDELINE, bound_weeks=BOUND, pathway=pathway)
    solver = z3.Solver()
    solver.add(*model.constraints())

    @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
    @given(episodes(bound_weeks=BOUND, pathway=pathway))
    def agree(episode: Episode) -> None:
        assert [] == problems(episode)
        found = _accepts(solver, model, episode)
        assert found is not None
        assert [v.advice for v in episode.visits] == model.advices(found)

    agree()
