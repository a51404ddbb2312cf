"""Timing findings: where the literal text's times collide, and how the spec resolves each.

Each :class:`TimingFinding` names the sentences whose times meet, what happens
when they do, and how the spec (its rules and its pathway) resolves it; the
episode properties named in ``properties`` show it on a concrete episode (a
refuted finding with its timeline, or a proven requirement).
``lbp-spec verify`` prints them after the episode properties; the
explanation page "Episodes: the care pathway over time" discusses them.
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["TIMING_FINDINGS", "TimingFinding"]


def _strings(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class TimingFinding:
    """A collision between times the guideline gives, and its resolution.

    Attributes:
        id: Stable identifier, e.g. ``TIMING.RECHECK_VS_SESSION_LIMIT``.
        title: A short name for people.
        quotes: The sentences whose times meet.
        collision: What happens when they do, in words.
        resolution: How the spec resolves it, and what is left to the committee.
        properties: Episode properties that show it.

    """

    id: str
    title: str
    quotes: tuple[str, ...] = attrs.field(converter=_strings)
    collision: str
    resolution: str
    properties: tuple[str, ...] = attrs.field(converter=_strings, default=())


_RECHECK = (
    "Check other patients with LRS after two to four days and act according to the "
    "recommendations in this guideline."
)
_LIMIT = "Limit the treatment to a maximum of three sessions."
_WINDOWS = (
    "Perform the re-evaluation at least after three weeks for profile 1, after three to six "
    "weeks for profile 2 and after six to 12 weeks for profile 3."
)
_LRS_REFER = (
    "Refer a patient with LRS to the general practitioner if the complaints persist from six "
    "to eight weeks and if there is insufficient alleviation of pain and/or decrease of loss of "
    "function."
)
_LRS_EXPLAIN = (
    "Explain that if the complaints have not sufficiently improved after six to eight weeks, "
    "a referral to the medical specialist/general practitioner will be provided."
)
_P3_CONTACT = (
    "Contact the general practitioner if there is an inadequate alleviation of complaints "
    "after six weeks."
)
_P3_REFER = (
    "Refer the patient to the general practitioner if there is an inadequate alleviation of "
    "complaints after 12 weeks, and consult about the next phase in the gradual approach."
)
_P12_REFER = (
    "If there is an inadequate alleviation of complaints, refer the patient to the general "
    "practitioner if the re-evaluation does not yield any new insights and you don't expect an "
    "adjustment of the treatment profile (or the treatment) to be sufficient."
)

TIMING_FINDINGS: Final[tuple[TimingFinding, ...]] = (
    TimingFinding(
        id="TIMING.RECHECK_VS_SESSION_LIMIT",
        title="The LRS check after 2-4 days against the three sessions of profile 1",
        quotes=(_RECHECK, _LIMIT, _WINDOWS),
        collision=(
            "An LRS patient in profile 1 has the initial consultation and the check after 2 to "
            "4 days; while the complaints persist, the evaluation in weeks 6 to 8 of the "
            "complaints is still due. Three sessions suffice only when the consultation after "
            "the check is that evaluation; any consultation in between is a fourth session. "
            "Even without LRS, three weekly sessions make the re-evaluation at week 3 a fourth."
        ),
        resolution=(
            "Not resolved by the text; the spec keeps both rules. The check is advised once "
            "(TIMING.RECHECK_ONCE), the evaluation window stays, and from the fourth session "
            "the advice carries the warning session_limit_exceeded "
            "(PROFILE.1.SESSION_LIMIT.EXCEEDED). The committee should say whether the LRS "
            "check and evaluation count against the limit."
        ),
        properties=("episodes.profile_1_session_limit",),
    ),
    TimingFinding(
        id="TIMING.RECHECK_ONCE",
        title="The LRS check after 2-4 days is one check, and the 6-8-week evaluation its own",
        quotes=(_RECHECK, _LRS_REFER, _LRS_EXPLAIN),
        collision=(
            "The text does not say how often the check is done. Advised at every consultation, "
            "an LRS patient would be seen every 2 to 4 days until referred, also when the "
            "complaints decrease adequately or there is no indication for therapy at all, and "
            "profile 1's three sessions would be gone in the first week. Advised once, nothing "
            "in the check itself brings a patient whose complaints persist back in weeks 6 to "
            "8, when the text promises a referral."
        ),
        resolution=(
            "The sentence closes the neurological examination row, so the spec reads it as one "
            "check after the examination that establishes LRS (LRS.RECHECK, "
            "lrs_diagnosed_earlier), proven once per episode (episodes.lrs_recheck_once). The "
            "promise of weeks 6 to 8 gets its own window, in weeks of complaints "
            "(EVAL.LRS.WINDOW), which the pathway keeps while the complaints persist: a "
            "follow-up in weeks 6-8 and the referral by week 8 are proven "
            "(episodes.lrs_evaluated_in_weeks_6_to_8, episodes.lrs_referred_by_week_8), and a "
            "patient who improves may end the episode (episodes.adequate_improvement_may_end)."
        ),
        properties=(
            "episodes.lrs_recheck_once",
            "episodes.lrs_evaluated_in_weeks_6_to_8",
            "episodes.lrs_referred_by_week_8",
            "episodes.adequate_improvement_may_end",
        ),
    ),
    TimingFinding(
        id="TIMING.LRS_SIX_TO_EIGHT_WEEKS",
        title="'From six to eight weeks' for the LRS referral",
        quotes=(_LRS_REFER,),
        collision=(
            "The text gives a range of two weeks, and counts them from the onset of the "
            "complaints, not from the start of treatment. A patient who starts treatment in "
            "week 4 of the complaints reaches week 6 after two weeks of treatment."
        ),
        resolution=(
            "The spec reads the range as a window: due from week 6 of the complaints, by week 8 "
            "at the latest (EVAL.LRS.WINDOW, EVAL.LRS.PERSISTENT), counted from "
            "complaint_duration_weeks (the weeks of treatment when it is not recorded). The "
            "referral by week 8 is proven; the latitude to week 8 is used "
            "(episodes.lrs_referred_in_week_6 is refuted)."
        ),
        properties=("episodes.lrs_referred_in_week_6", "episodes.lrs_referred_by_week_8"),
    ),
    TimingFinding(
        id="TIMING.LRS_VS_PROFILE_3",
        title="The LRS referral at six to eight weeks against the profile-3 path",
        quotes=(_LRS_REFER, _P3_CONTACT, _P3_REFER),
        collision=(
            "LRS patients often are in profile 3. The profile-3 path contacts the GP at week 6 "
            "and refers at week 12; the LRS row refers at week 6 to 8. For an LRS patient in "
            "profile 3 both apply: at week 6 the GP contact and the referral come at once, and "
            "the gradual profile-3 path never runs."
        ),
        resolution=(
            "Both rules write the same referral (instead of treatment, no urgency stated), so "
            "the advice needs no declared resolution: the earliest referral applies and ends "
            "the episode (the more specific LRS row, as elsewhere). The committee may want to "
            "say so in the text."
        ),
        properties=("episodes.lrs_profile_3_path",),
    ),
    TimingFinding(
        id="TIMING.PROFILE_3_CONTACT_VS_WINDOW",
        title="The profile-3 GP contact 'after six weeks' against the 6-12-week window",
        quotes=(_P3_CONTACT, _P3_REFER, _WINDOWS),
        collision=(
            "The window lets the re-evaluation of profile 3 come anywhere from week 6 to week "
            "12, and nothing else requires a consultation in week 6. The GP contact 'after six "
            "weeks' can therefore come as late as week 12, at the same consultation as the "
            "referral."
        ),
        resolution=(
            "The spec reads 'after six weeks' as 'from week 6 on' (EVAL.PROFILE_3.CONSULT_GP), "
            "and the pathway requires a consultation by the end of the window. So the referral "
            "by week 12 is proven (episodes.profile_3_referred_by_week_12), the contact by week "
            "6 is not. The committee should say whether the evaluation at week 6 is required."
        ),
        properties=(
            "episodes.profile_3_gp_contacted_by_week_6",
            "episodes.profile_3_referred_by_week_12",
        ),
    ),
    TimingFinding(
        id="TIMING.PROFILE_1_OPEN_WINDOW",
        title="Profile 1's re-evaluation 'at least after three weeks' has no latest week",
        quotes=(_WINDOWS, _P12_REFER),
        collision=(
            "Profiles 2 and 3 have a window with an end, which requires a consultation; "
            "profile 1 has only a start. Nothing requires a profile-1 patient to be seen again "
            "after the first consultation, so an inadequate decrease of complaints may never "
            "be judged, and the referral of profiles 1 and 2 never reached."
        ),
        resolution=(
            "The spec reads the window as open (EVAL.WINDOW.PROFILE_1) and sets no deadline; it "
            "does not invent one. The committee should give a latest week (for example 'after "
            "three to six weeks', as for profile 2)."
        ),
        properties=("episodes.profile_1_reevaluated",),
    ),
    TimingFinding(
        id="TIMING.NO_EVALUATION_AFTER_ADJUSTMENT",
        title="No further evaluation after a re-evaluation that adjusts the treatment",
        quotes=(_WINDOWS, _P12_REFER),
        collision=(
            "The windows count weeks since the start of treatment and come once. When a "
            "re-evaluation yields new insights, or an adjustment of the profile or treatment is "
            "expected to suffice, the patient is not referred, and no further evaluation is "
            "timed: from week 3 in profile 1 and from week 6 in profile 2 the patient is left "
            "without a next step. A profile adjusted at a re-evaluation may also land after "
            "its own window (profile 3 to profile 2 in week 8)."
        ),
        resolution=(
            "The spec does not invent a second window: the pathway requires no further "
            "consultation there. What is proven is that no patient is left without a next step "
            "up to the first re-evaluation (episodes.next_step_until_reevaluation). The "
            "committee should say when an adjusted treatment is evaluated again."
        ),
        properties=("episodes.next_step", "episodes.next_step_until_reevaluation"),
    ),
    TimingFinding(
        id="TIMING.DISCHARGE_NOT_TIMED",
        title="When an adequately improving patient is discharged",
        quotes=(
            "If there is an inadequate alleviation of complaints, repeat the evaluation of the "
            "risk of persistent complaints*.",
        ),
        collision=(
            "The text times what happens when complaints decrease inadequately, never when "
            "treatment ends for a patient who improves."
        ),
        resolution=(
            "A pathway decision, stated as such (Pathway.adequate_releases): at a follow-up "
            "with an adequate decrease of complaints (and, for LRS, of pain and loss of "
            "function) the windows no longer require a consultation, and the episode may end "
            "(continued self-management); the one LRS check, where LRS is first diagnosed, "
            "still requires one (TIMING.RECHECK_ONCE)."
        ),
        properties=("episodes.adequate_improvement_may_end",),
    ),
    TimingFinding(
        id="TIMING.SESSIONS_COUNT_FROM_START",
        title="The three sessions of profile 1 after a change of profile",
        quotes=(
            _LIMIT,
            "Consider adjusting the treatment profile (or the treatment) based on "
            "the re-evaluation.",
        ),
        collision=(
            "A patient moved to profile 1 at a re-evaluation has had sessions already. The text "
            "does not say whether the three sessions count from the start of treatment or from "
            "the new profile."
        ),
        resolution=(
            "The spec counts sessions from the start of treatment (sessions_used), so such a "
            "patient is warned at once; episodes.profile_1_session_limit speaks only of "
            "episodes that stay in profile 1, where the count is unambiguous."
        ),
        properties=(),
    ),
)
"""Every timing finding, in the order the report lists them."""
