"""The concrete side of episodes: the pathway, the simulator and the timeline."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest
from hypothesis import given

from lbp_spec import Case, evaluate
from lbp_spec.episodes import (
    PATHWAY,
    Change,
    Episode,
    EpisodeEnd,
    EpisodeError,
    NextStep,
    Visit,
    next_step,
    problems,
    schedule,
    simulate,
)
from lbp_spec.episodes.pathway import horizon_day, max_consultations, week_of
from lbp_spec.episodes.properties import CATALOGUE
from lbp_spec.episodes.report import render_timeline
from lbp_spec.episodes.strategies import episodes
from lbp_spec.vocabulary import (
    AdviceWarning,
    EvaluationAction,
    FactorLevel,
    Improvement,
    PrognosticFactor,
    RedFlag,
)

INADEQUATE = {"improvement": Improvement.INADEQUATE}
ADEQUATE = {"improvement": Improvement.ADEQUATE}
ANSWERED = {"reevaluation_new_insights": True, "adjustment_expected_to_suffice": True}
NOTHING_NEW = {"reevaluation_new_insights": False, "adjustment_expected_to_suffice": False}
DOMINANT = {PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT}
NON_DOMINANT = {PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.NON_DOMINANT}


def _change(after_days: int | None = None, **findings: object) -> Change:
    return Change(after_days=after_days, findings={**INADEQUATE, **ANSWERED, **findings})


def _days(episode: Episode) -> list[int]:
    return [v.day for v in episode.visits]


# -- time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "week"), [(0, 0), (6, 0), (7, 1), (20, 2), (21, 3), (84, 12)])
def test_days_map_to_whole_weeks(day: int, week: int) -> None:
    """weeks_since_start is the number of whole weeks: day 20 is week 2, day 21 week 3."""
    assert week == week_of(day)


def test_bound_and_consultation_count() -> None:
    """The bound ends with its week; two days between consultations at the least."""
    assert (118, 60) == (horizon_day(16), max_consultations(16, PATHWAY, (_recheck(),)))
    assert (62, 32) == (horizon_day(8), max_consultations(8, PATHWAY, (_recheck(),)))


def _recheck() -> object:
    advice = evaluate(Case(lrs=True))
    assert advice.recheck_after_days is not None
    return advice.recheck_after_days


# -- the recheck after 2-4 days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "day"), [(0, 2), (1, 2), (2, 2), (3, 3), (4, 4), (5, 4), (30, 4)]
)
def test_recheck_comes_two_to_four_days_later(asked: int, day: int) -> None:
    """An LRS patient's next consultation is moved into days 2 to 4, both ends included."""
    episode = simulate(Case(lrs=True), [_change(asked)], bound_weeks=2)
    assert day == episode.visits[1].day


def test_lrs_without_improvement_is_rechecked_once_and_referred_in_week_6() -> None:
    """Checked once after 4 days, then weekly, an LRS patient is referred in week 6."""
    episode = simulate(Case(lrs=True), [_change(4)] * 20)
    assert [0, 4, 11, 18, 25, 32, 39, 46] == _days(episode)
    assert [True] + [False] * 7 == [v.advice.recheck_after_days is not None for v in episode.visits]
    last = episode.visits[-1]
    assert (6, EpisodeEnd.REFERRED) == (last.week, episode.end)
    assert "EVAL.LRS.PERSISTENT" in last.advice.fired


def test_lrs_evaluation_counts_the_weeks_of_complaints() -> None:
    """Complaints of 4 weeks at the start: the evaluation is due by week 8 of them (day 34)."""
    episode = simulate(Case(lrs=True, complaint_duration_weeks=4), [_change(3), _change(60)])
    assert [0, 3, 34] == _days(episode)
    last = episode.visits[-1]
    assert (8, EpisodeEnd.REFERRED) == (last.case.complaint_duration_weeks, episode.end)


def test_changes_running_out_keep_the_required_consultations() -> None:
    """Once the changes run out, the required consultations still come, findings unchanged."""
    episode = simulate(Case(lrs=True), [_change(3)])
    assert [0, 3, 10, 17] == _days(episode)[:4]
    assert EpisodeEnd.REFERRED is episode.end


# -- re-evaluation windows ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factors", "latest"), [(NON_DOMINANT, 48), (DOMINANT, 90)], ids=["profile 2", "profile 3"]
)
def test_window_end_is_a_deadline(
    factors: dict[PrognosticFactor, FactorLevel], latest: int
) -> None:
    """Profile 2 must be seen by the end of week 6 (day 48), profile 3 by week 12 (day 90)."""
    episode = simulate(Case(prognostic_factors=factors), [_change(200)])
    assert latest == episode.visits[1].day
    assert latest + 1 == horizon_day(episode.visits[1].week) + 1


def test_follow_up_gap_is_at_least_a_week() -> None:
    """A follow-up that is not a recheck comes 7 days after the consultation before, not 6."""
    episode = simulate(Case(prognostic_factors=NON_DOMINANT), [_change(6)])
    assert [0, 7] == _days(episode)[:2]


def test_profile_1_window_has_no_deadline() -> None:
    """After a profile-1 initial consultation nothing is required: the episode may end."""
    episode = simulate(Case(), [Change(stop=True)])
    plan = schedule(PATHWAY, episode.visits[0])
    assert (1, EpisodeEnd.NOT_REQUIRED) == (len(episode.visits), episode.end)
    assert (False, None, NextStep.REEVALUATION) == (plan.required, plan.latest, plan.step)


def test_profile_2_deadline_holds_until_the_window_ends() -> None:
    """At week 5 the profile-2 deadline still stands; at week 6 it has passed."""
    start = Case(prognostic_factors=NON_DOMINANT)
    episode = simulate(start, [_change(35), _change(7), Change(stop=True)])
    week_5, week_6 = episode.visits[1], episode.visits[2]
    assert (5, True) == (week_5.week, schedule(PATHWAY, week_5).required)
    assert (6, False) == (week_6.week, schedule(PATHWAY, week_6).required)
    assert NextStep.NONE is next_step(week_6)


def test_adequate_improvement_lifts_the_deadline() -> None:
    """An adequately improving profile-3 patient may end the episode before week 12."""
    start = Case(prognostic_factors=DOMINANT)
    episode = simulate(start, [Change(after_days=14, findings=ADEQUATE), Change(stop=True)])
    assert (2, EpisodeEnd.NOT_REQUIRED) == (len(episode.visits), episode.end)
    assert NextStep.REEVALUATION is next_step(episode.visits[1])


def test_adequate_improvement_after_the_lrs_check_may_end_the_episode() -> None:
    """An LRS patient who improves adequately after the one check is not called back."""
    episode = simulate(Case(lrs=True), [Change(after_days=3, findings=ADEQUATE)], bound_weeks=1)
    plan = schedule(PATHWAY, episode.visits[1])
    assert (False, EpisodeEnd.NOT_REQUIRED) == (plan.required, episode.end)


def test_lrs_first_diagnosed_at_a_follow_up_gets_its_check() -> None:
    """LRS that becomes the working diagnosis at a follow-up is checked after 2-4 days."""
    change = Change(after_days=7, findings={**ADEQUATE, "lrs": True})
    episode = simulate(Case(), [change], bound_weeks=2)
    visit = episode.visits[1]
    plan = schedule(PATHWAY, visit)
    assert (False, True, NextStep.RECHECK) == (
        visit.case.lrs_diagnosed_earlier,
        plan.required,
        plan.step,
    )


def test_a_referral_alongside_treatment_does_not_end_the_episode() -> None:
    """Doubt about the medication refers alongside the treatment: the episode goes on."""
    doubt = _change(3, medication_dose_doubt=True)
    episode = simulate(Case(lrs=True), [doubt, _change(7)], bound_weeks=3)
    referral = episode.visits[1].advice.referral
    assert referral is not None
    assert ("alongside_treatment", 10) == (referral.mode.value, episode.visits[2].day)


# -- the end of an episode ------------------------------------------------------------------------


def test_red_flag_ends_the_episode() -> None:
    """A red flag at a follow-up refers the patient; nothing follows, whatever the changes."""
    flag = _change(3, red_flags=frozenset({RedFlag.FRACTURE}))
    episode = simulate(Case(lrs=True), [flag, _change(3), _change(3)])
    assert (2, EpisodeEnd.REFERRED) == (len(episode.visits), episode.end)


def test_episode_stops_at_the_bound() -> None:
    """An LRS patient who improves is rechecked until the next check would pass the bound."""
    episode = simulate(
        Case(lrs=True), [Change(after_days=4, findings=ADEQUATE)] * 40, bound_weeks=2
    )
    assert EpisodeEnd.BOUND is episode.end
    assert horizon_day(2) - 4 < episode.visits[-1].day <= horizon_day(2)


# -- what may change ------------------------------------------------------------------------------


def test_identity_cannot_change() -> None:
    """The discipline stays the same throughout an episode."""
    from lbp_spec.vocabulary import Discipline

    change = _change(3, discipline=Discipline.EXERCISE_THERAPIST)
    with pytest.raises(EpisodeError, match="discipline"):
        simulate(Case(lrs=True), [change])


@pytest.mark.parametrize("field", ["weeks_since_start", "sessions_used", "prognostic_factors"])
def test_pathway_fields_cannot_be_set(field: str) -> None:
    """The pathway sets weeks and sessions; factors change through reassess only."""
    with pytest.raises(EpisodeError, match=field):
        simulate(
            Case(lrs=True), [_change(3, **{field: 2 if field != "prognostic_factors" else {}})]
        )


def test_factors_are_reassessed_only_at_a_due_reevaluation() -> None:
    """A re-assessment at week 1 is left aside; at the week-3 re-evaluation it counts."""
    early = Change(after_days=7, findings={**INADEQUATE, **ANSWERED}, reassess=DOMINANT)
    due = Change(after_days=14, findings={**INADEQUATE, **ANSWERED}, reassess=DOMINANT)
    episode = simulate(Case(), [early, due], bound_weeks=3)
    assert [1, 1, 3] == [v.advice.profile for v in episode.visits]
    assert [0, 1, 3] == [v.week for v in episode.visits]


def test_due_reevaluation_needs_its_answers() -> None:
    """At a due re-evaluation both questions must be answered."""
    with pytest.raises(EpisodeError, match="re-evaluation is due"):
        simulate(Case(), [Change(after_days=21, findings=INADEQUATE)])


def test_first_follow_up_needs_its_improvement() -> None:
    """The first follow-up cannot carry over an improvement the initial consultation lacks."""
    with pytest.raises(EpisodeError, match="improvement"):
        simulate(Case(lrs=True), [Change(after_days=3)])


def test_start_must_be_initial() -> None:
    """An episode starts with an initial consultation."""
    follow_up = simulate(Case(lrs=True), [_change(3)]).visits[1].case
    with pytest.raises(EpisodeError, match="initial"):
        simulate(follow_up)


def test_sessions_grow_by_one_a_consultation_and_the_extra_sessions() -> None:
    """sessions_used counts the consultations before and the sessions between them."""
    extra = Change(after_days=7, findings={**INADEQUATE, **ANSWERED}, extra_sessions=2)
    episode = simulate(Case(prognostic_factors=DOMINANT), [extra, extra])
    assert [None, 3, 6] == [v.case.sessions_used for v in episode.visits[:3]]


def test_profile_1_fourth_session_is_warned() -> None:
    """The fourth session of an LRS patient in profile 1 carries the limit warning (day 16)."""
    episode = simulate(Case(lrs=True, prognostic_factors={}), [_change(2)] * 3)
    exceeded = AdviceWarning.SESSION_LIMIT_EXCEEDED
    warned = [v.day for v in episode.visits if exceeded in v.advice.warnings]
    assert [0, 2, 9, 16] == _days(episode)[:4]
    assert 16 == warned[0]


# -- problems: the pathway check rejects what it should -------------------------------------------


def _lrs_episode() -> Episode:
    return simulate(Case(lrs=True), [_change(3), _change(3)], bound_weeks=1)


def _with_visit(episode: Episode, k: int, **changes: object) -> Episode:
    visit = episode.visits[k]
    day = changes.pop("day", visit.day)
    case = attrs.evolve(visit.case, **changes) if changes else visit.case
    visits = list(episode.visits)
    visits[k] = Visit(day, case, evaluate(case))  # type: ignore[arg-type]
    return attrs.evolve(episode, visits=visits)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"day": 1}, "earliest"),
        ({"day": 5}, "latest"),
        ({"sessions_used": 9}, "at most one session a day"),
        ({"weeks_since_start": 1}, "weeks_since_start"),
        ({"prognostic_factors": DOMINANT}, "prognostic factors"),
    ],
)
def test_problems_name_each_departure(change: dict[str, object], words: str) -> None:
    """Each departure from the pathway is reported (the simulated episode has none)."""
    episode = _lrs_episode()
    assert [] == problems(episode)
    assert any(words in p for p in problems(_with_visit(episode, 1, **change)))


def test_problems_find_a_missing_required_consultation() -> None:
    """An LRS episode cut after its first consultation misses its recheck."""
    episode = _lrs_episode()
    cut = attrs.evolve(episode, visits=episode.visits[:1])
    assert ["requires a next consultation"] == [
        "requires a next consultation" for p in problems(cut) if "requires" in p
    ]


def test_problems_find_a_consultation_after_a_referral() -> None:
    """Nothing may follow a referral."""
    episode = _lrs_episode()
    referred = _with_visit(episode, 1, red_flags=frozenset({RedFlag.TUMOUR}))
    assert any("follows a referral" in p for p in problems(referred))


def test_problems_find_unanswered_reevaluation() -> None:
    """A due re-evaluation without its answers departs from the pathway."""
    episode = simulate(Case(), [_change(21), Change(stop=True)])
    due = episode.visits[1]
    assert EvaluationAction.REPEAT_RISK_EVALUATION in due.advice.evaluation_actions
    unanswered = _with_visit(
        episode, 1, reevaluation_new_insights=None, adjustment_expected_to_suffice=None
    )
    assert any("not answered" in p for p in problems(unanswered))


# -- the timeline ---------------------------------------------------------------------------------


def test_timeline_shows_days_changes_advice_and_rules() -> None:
    """The timeline names each day, what changed, the advice, the rules, and the end."""
    from lbp_spec.episodes.properties import Violation

    episode = simulate(Case(lrs=True), [_change(4)] * 20)
    text = "\n".join(render_timeline(episode, violation=Violation(0, "marked here")))
    assert "day 0 (week 0): initial consultation, session 1" in text
    assert "changed: improvement: inadequate" in text
    assert "recheck after 2-4 days" in text
    assert "follow-ups as the one before" in text
    assert "EVAL.LRS.PERSISTENT" in text
    assert ">>> marked here" in text
    assert text.endswith("the patient is referred: the episode ends")


def test_docs_page_lists_every_property_and_timing_finding() -> None:
    """The explanation page names every episode property and every timing finding."""
    from pathlib import Path

    from lbp_spec.episodes.timing import TIMING_FINDINGS

    page = Path(__file__).parents[1] / "docs" / "explanation" / "episodes.md"
    text = page.read_text(encoding="utf-8")
    names = [p.name for p in CATALOGUE] + [f.id for f in TIMING_FINDINGS]
    assert [] == [name for name in names if f"`{name}`" not in text]


def test_concrete_side_does_not_import_z3() -> None:
    """Simulating episodes never imports Z3."""
    code = (
        "import sys; import lbp_spec.episodes, lbp_spec.episodes.simulate, "
        "lbp_spec.episodes.timing; print('z3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "False" == out.stdout.strip()


# -- generated episodes ---------------------------------------------------------------------------

REQUIREMENTS = [p for p in CATALOGUE if not p.finding]


@given(episodes())
def test_generated_episodes_follow_the_pathway(episode: Episode) -> None:
    """Every simulated episode follows its pathway and carries the rules' advice."""
    assert [] == problems(episode)
    assert [evaluate(v.case) for v in episode.visits] == [v.advice for v in episode.visits]


@given(episodes())
def test_generated_episodes_meet_the_requirements(episode: Episode) -> None:
    """Every proven path property holds on every simulated episode (bound 16 weeks)."""
    assert [] == [(p.name, p.check(episode)) for p in REQUIREMENTS if p.check(episode)]


@given(episodes(lrs=True, improvement=Improvement.INADEQUATE, flags=False))
def test_generated_lrs_episodes_are_checked_once_and_referred_by_week_8(episode: Episode) -> None:
    """A simulated LRS episode is checked once; with persisting complaints, referred by week 8.

    Persisting: a need for assistance throughout and complaints of under 8 weeks at the start.
    """
    rechecks = [k for k, v in enumerate(episode.visits) if v.advice.recheck_after_days]
    assert rechecks in ([], [0])
    start = episode.visits[0].case
    weeks = start.complaint_duration_weeks or 0
    if all(v.case.need_for_assistance for v in episode.visits) and weeks <= 7:
        last = episode.visits[-1]
        duration = last.case.complaint_duration_weeks
        assert (EpisodeEnd.REFERRED, True) == (
            episode.end,
            (last.week if duration is None else duration) <= 8,
        )


def test_lrs_that_returns_is_not_checked_again() -> None:
    """LRS dropped and diagnosed again later was diagnosed earlier: no second check."""
    gone = _change(3, lrs=False)
    back = _change(7, lrs=True)
    episode = simulate(Case(lrs=True), [gone, back], bound_weeks=3)
    visit = episode.visits[2]
    assert (True, True, None) == (
        visit.case.lrs,
        visit.case.lrs_diagnosed_earlier,
        visit.advice.recheck_after_days,
    )
