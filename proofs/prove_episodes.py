"""Episodes: path properties of the care pathway, over every episode up to 16 weeks.

Mirrors :mod:`lbp_spec.episodes.properties`: each requirement is proven on the
built-in guideline, each finding refuted with an episode replayed through the
simulator; and each check has teeth: a rule set (or pathway) that breaks a
requirement is refuted, and the changes a committee might make to answer a
finding are shown to answer it, at the price they cost.
"""

from __future__ import annotations

import attrs
import pytest

from _support import replace_rule
from lbp_spec import GUIDELINE
from lbp_spec.advice import Window
from lbp_spec.episodes import PATHWAY, problems
from lbp_spec.episodes.properties import CATALOGUE, EpisodeProperty
from lbp_spec.episodes.verify import EpisodeReport, EpisodeResult, verify_episodes
from lbp_spec.logic import AdviceIs, flag
from lbp_spec.rule import refer, sets
from lbp_spec.ruleset import RuleSet
from lbp_spec.verify import Status
from lbp_spec.vocabulary import ReferralMode, Urgency

pytestmark = pytest.mark.slow

REQUIREMENTS = [p for p in CATALOGUE if not p.finding]
FINDINGS = [p for p in CATALOGUE if p.finding]


@pytest.fixture
def report(episode_report: EpisodeReport) -> EpisodeReport:
    """Every episode property of the built-in guideline, bound 16 weeks (conftest.py)."""
    return episode_report


def _result(report: EpisodeReport, prop: EpisodeProperty) -> EpisodeResult:
    [result] = [r for r in report.results if r.name == prop.name]
    return result


def _one(name: str, ruleset: RuleSet = GUIDELINE, **kw: object) -> EpisodeResult:
    [result] = verify_episodes(ruleset, properties=[name], **kw).results  # type: ignore[arg-type]
    return result


@pytest.mark.parametrize("prop", REQUIREMENTS, ids=lambda p: p.name)
def test_requirement_proven(report: EpisodeReport, prop: EpisodeProperty) -> None:
    """Every episode requirement is proven, its premise and reachable conditions satisfiable."""
    result = _result(report, prop)
    assert (Status.PROVEN, "") == (result.status, result.message)


@pytest.mark.parametrize("prop", FINDINGS, ids=lambda p: p.name)
def test_finding_refuted_with_a_replayed_episode(
    report: EpisodeReport, prop: EpisodeProperty
) -> None:
    """Every timing finding is refuted by an episode that follows the pathway."""
    result = _result(report, prop)
    assert Status.REFUTED is result.status, result.message
    assert result.episode is not None
    assert result.violation is not None
    assert [] == problems(result.episode)
    assert result.violation == prop.check(result.episode)


# -- teeth: a broken rule set or pathway is caught ------------------------------------------------


def test_without_the_lrs_referral_an_lrs_patient_is_not_referred() -> None:
    """Dropping EVAL.LRS.PERSISTENT leaves an LRS episode unreferred by week 8."""
    rules = GUIDELINE.without(["EVAL.LRS.PERSISTENT"])
    result = _one("episodes.lrs_referred_by_week_8", rules)
    assert Status.REFUTED is result.status
    assert result.episode is not None
    assert all(v.case.lrs for v in result.episode.visits)


def test_without_the_week_12_referral_profile_3_goes_on() -> None:
    """Dropping EVAL.PROFILE_3.REFER leaves a profile-3 episode unreferred by week 12."""
    result = _one(
        "episodes.profile_3_referred_by_week_12", GUIDELINE.without(["EVAL.PROFILE_3.REFER"])
    )
    assert Status.REFUTED is result.status


def test_without_window_deadlines_profile_3_may_stop() -> None:
    """If windows required no consultation, a profile-3 episode could stop unreferred."""
    pathway = attrs.evolve(PATHWAY, window_deadline=False)
    result = _one("episodes.profile_3_referred_by_week_12", pathway=pathway)
    assert Status.REFUTED is result.status
    assert result.episode is not None
    assert result.episode.visits[-1].advice.referral is None


def test_a_routine_emergency_referral_is_caught() -> None:
    """If the emergency rule gave no urgency, the episode requirement fails."""
    weakened = replace_rule(
        GUIDELINE,
        "EMERGENCY.REFER",
        then=refer(Urgency.NOT_STATED, ReferralMode.INSTEAD_OF_TREATMENT),
    )
    result = _one("episodes.emergency_refers_immediately", weakened)
    assert Status.REFUTED is result.status
    assert result.violation is not None


# -- what a committee might change, and what it costs ---------------------------------------------


def _recheck_always() -> RuleSet:
    """LRS.RECHECK read the old way: at every consultation of an LRS patient not referred."""
    always = flag("lrs") & ~AdviceIs("referral_mode", ReferralMode.INSTEAD_OF_TREATMENT)
    return replace_rule(GUIDELINE, "LRS.RECHECK", when=always)


def test_a_check_at_every_consultation_is_caught() -> None:
    """Read as a check at every consultation, the LRS check comes again and again."""
    result = _one("episodes.lrs_recheck_once", _recheck_always())
    assert Status.REFUTED is result.status
    assert result.episode is not None
    assert 2 <= sum(1 for v in result.episode.visits if v.advice.recheck_after_days)


def test_a_check_at_every_consultation_keeps_a_recovered_patient_coming() -> None:
    """Read as a check at every consultation, an LRS patient who recovers is called back."""
    result = _one("episodes.adequate_improvement_may_end", _recheck_always())
    assert Status.REFUTED is result.status


def test_without_the_lrs_window_persisting_lrs_is_not_evaluated() -> None:
    """Without EVAL.LRS.WINDOW, nothing brings a persisting LRS patient in by week 8."""
    rules = GUIDELINE.without(["EVAL.LRS.WINDOW"])
    result = _one("episodes.lrs_evaluated_in_weeks_6_to_8", rules)
    assert Status.REFUTED is result.status
    assert result.episode is not None
    assert result.episode.visits[-1].advice.referral is None
    assert Status.REFUTED is _one("episodes.lrs_referred_by_week_8", rules).status


def test_a_profile_1_window_with_an_end_answers_the_open_window() -> None:
    """Given a latest week (3 to 6, as profile 2), profile 1 reaches its re-evaluation."""
    rules = replace_rule(
        GUIDELINE, "EVAL.WINDOW.PROFILE_1", then=[sets("reevaluation_after_weeks", Window(3, 6))]
    )
    assert Status.PROVEN is _one("episodes.profile_1_reevaluated", rules).status
