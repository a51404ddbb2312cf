"""Declared resolutions of the collisions in the literal text, each with its reason.

``lbp-spec verify --literal`` shows the collisions these resolve; the resolved rule
set is proven to have none left.
"""

from __future__ import annotations

from lbp_spec.rule import Resolution, intervention_slot
from lbp_spec.vocabulary import Intervention

__all__ = ["RESOLUTIONS"]

_MOB = intervention_slot(Intervention.MOBILISATION)
_MAN = intervention_slot(Intervention.MANIPULATION)
_MASSAGE = intervention_slot(Intervention.MASSAGE)

RESOLUTIONS = (
    Resolution(
        id="RES.PROFILE_2_OVER_1",
        title="Non-dominant factors make profile 2, not profile 1",
        winners=["PROFILE.2"],
        losers=["PROFILE.1"],
        slots=["profile"],
        reason=(
            "Profile 1 literally requires only that no factor is dominant, which a patient "
            "with some non-dominant factors also meets. The profiles are graded by risk (low, "
            "moderate, high) and profile 2 names exactly this patient, so the more specific "
            "profile 2 wins."
        ),
        quotes=[
            "There are no dominant prognostic factors for delayed recovery present.",
            "There are some non-dominant prognostic factors for delayed recovery present.",
        ],
    ),
    Resolution(
        id="RES.PROFILE_3_OVER_2",
        title="Dominant factors make profile 3, even with non-dominant ones",
        winners=["PROFILE.3"],
        losers=["PROFILE.2"],
        slots=["profile"],
        reason=(
            "A patient with both dominant and non-dominant factors meets profiles 2 and 3 "
            "literally. The guideline asks for more intensive support for a higher risk, so "
            "the higher risk wins."
        ),
        quotes=[
            "There are dominant prognostic factors for delayed recovery present.",
            "Based on the treatment profiles, consider offering simpler and less intensive "
            "support to people who are likely to recovery quickly and more complex and "
            "intensive support to people with a higher risk of persistent complaints.",
        ],
    ),
    Resolution(
        id="RES.MOST_URGENT_REFERRAL",
        title="The most urgent referral wins",
        winners=["EMERGENCY.REFER", "EMERGENCY.REFER.SAFETY_NET_SIGNS"],
        losers=[
            "REDFLAG.REFER",
            "LRS.REFER.SEVERE",
            "EVAL.LRS.MEDICATION_DOUBT",
            "EVAL.LRS.PERSISTENT",
        ],
        slots=["referral", "referral_mode"],
        reason=(
            "A severe motor deficit (MRC at most 3) in LRS is both a reason for referral "
            "(LRS section) and a possible sign of a neurological emergency (red flags); a red "
            "flag, and the LRS referrals at a follow-up, can coincide with emergency signs too. "
            "An emergency cannot wait for a referral of no stated urgency, so the immediate "
            "referral wins, and with it its mode (instead of treatment). "
            "(The referrals of profiles 1 to 3 at a follow-up never coincide with an emergency: "
            "a profile requires that there is no reason to refer.)"
        ),
        quotes=[
            "Refer the patient with LRS and severe motor deficit (MRC score ≤ 3 out of 5), "
            "and/or severe pain (NPRS ≥ 8) to the general practitioner.",
            "Possible signs of a neurological emergency: urine retention, faecal or urinary "
            "incontinence, severe motor deficit (MCR score ≤ 3 out of 5) or widespread "
            "neurological symptoms (such as pyramidal signs).",
        ],
    ),
    Resolution(
        id="RES.LRS_EXERCISE",
        title="LRS: consider exercise therapy, rather than offer it",
        winners=["EXERCISE.LRS.CONSIDER"],
        losers=["EXERCISE.PROFILE_2_3.OFFER"],
        slots=[intervention_slot(Intervention.EXERCISE_THERAPY)],
        reason=(
            "For an LRS patient in profile 2 or 3 the profile row says 'offer' and the LRS row "
            "says 'consider'. The LRS row is the more specific one, as it is for massage and "
            "mobilisation, so it wins."
        ),
        quotes=[
            "Offer exercise therapy for patients with a moderate or high risk of persistent "
            "low back pain.",
            "Consider exercise therapy if there is a need for assistance related to "
            "limitations in activities of daily living and/or social participation based on "
            "movement-related functioning.",
        ],
    ),
    Resolution(
        id="RES.LRS_OVER_PROFILE_MOBILISATION",
        title="LRS: preferably no mobilisation or manipulation, even for a mechanical problem",
        winners=["PASSIVE.LRS.PREFERABLY_NO_MOBILISATION"],
        losers=["PASSIVE.PROFILE_2_3.MOBILISATION"],
        slots=[_MOB, _MAN],
        reason=(
            "Profiles 2 and 3 permit mobilisation and manipulation for a mechanical problem; "
            "the LRS row advises against them. The LRS row is the more specific, so it wins."
        ),
        quotes=[
            "For profiles 2 and 3, consider performing mobilisations and/or manipulations* on "
            "patients with low back pain as a supplement to exercise therapy if the problem is "
            "mechanical in nature due to disorders within the neuromusculoskeletal system.",
            "Preferably do not perform manipulations and mobilisations.",
        ],
    ),
    Resolution(
        id="RES.LRS_OVER_PROFILE_MASSAGE",
        title="LRS: no massage, even when its five conditions hold",
        winners=["PASSIVE.LRS.NO_MASSAGE_TENS"],
        losers=["PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET"],
        slots=[_MASSAGE],
        reason=(
            "Profiles 2 and 3 permit massage when its five conditions hold; the LRS row says "
            "do not apply massage. The LRS row is the more specific, so it wins."
        ),
        quotes=[
            "Only apply massage:",
            "Do not apply massage, TENS or interference.",
        ],
    ),
    Resolution(
        id="RES.PROFILE_1_OVER_LRS_MOBILISATION",
        title="LRS in profile 1: do not mobilise or manipulate",
        winners=["PASSIVE.PROFILE_1.DO_NOT"],
        losers=["PASSIVE.LRS.PREFERABLY_NO_MOBILISATION"],
        slots=[_MOB, _MAN],
        reason=(
            "For an LRS patient in profile 1, profile 1 says 'do not' and the LRS row "
            "'preferably not'. Both forbid; the categorical prohibition of profile 1 is kept, "
            "since the LRS row never permits what profile 1 forbids."
        ),
        quotes=[
            "Do not perform manipulations and mobilisations, massage, TENS or interference.",
            "Preferably do not perform manipulations and mobilisations.",
        ],
    ),
    Resolution(
        id="RES.COMPETENCY_LIMIT",
        title="Outside the exercise therapist's competency: do not",
        winners=["PASSIVE.COMPETENCY.EXERCISE_THERAPIST"],
        losers=[
            "PASSIVE.PROFILE_2_3.MOBILISATION",
            "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",
            "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
        ],
        slots=[_MOB, _MAN, _MASSAGE],
        reason=(
            "What the profile rows permit (or the LRS row only discourages) is still outside "
            "the competency profile of an exercise therapist without the additional "
            "competencies, so the competency limit wins."
        ),
        quotes=[
            "These non-exercise therapy interventions are outside the competency profile of "
            "the exercise therapist (Cesar/Mensendieck), unless the exercise therapist has "
            "been trained in the additional competencies.",
        ],
    ),
    Resolution(
        id="RES.REFERRAL_INSTEAD_OVER_ALONGSIDE",
        title="A referral instead of treatment wins over one alongside it",
        winners=[
            "REDFLAG.REFER",
            "LRS.REFER.SEVERE",
            "EVAL.PROFILE_1_2.REFER",
            "EVAL.PROFILE_3.REFER",
            "EVAL.LRS.PERSISTENT",
        ],
        losers=["EVAL.LRS.MEDICATION_DOUBT"],
        slots=["referral_mode"],
        reason=(
            "Doubt about the medication dose sends an LRS patient to the GP alongside the "
            "treatment; a red flag, severe LRS, or a treatment that has not helped enough "
            "sends the patient instead of treatment. When both hold, the patient is referred "
            "instead of treated, and the GP reviews the medication in the same referral: "
            "there is no treatment left for the referral to go alongside."
        ),
        quotes=[
            "Refer a patient with LRS to the general practitioner if there is doubt about "
            "whether the medication dosage is high enough.",
            "Refer a patient with LRS to the general practitioner if the complaints persist "
            "from six to eight weeks and if there is insufficient alleviation of pain and/or "
            "decrease of loss of function.",
        ],
    ),
    Resolution(
        id="RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",
        title="LRS: activity guided by the pain, not time-contingent",
        winners=["EDUCATION.LRS.MOVE_GUIDED_BY_PAIN", "EXERCISE.LRS.HIGH_RESPONSIVENESS"],
        losers=["EXERCISE.TYPE.GRADUAL"],
        slots=["exercise_guidance"],
        reason=(
            "For every treated patient the exercise row asks to resume activities 'preferably "
            "gradually and in a time-contingent manner'; for an LRS patient the LRS rows ask "
            "to move guided by the pain and, with high responsiveness, to focus on pain "
            "alleviation. Time-contingent and pain-contingent dosing exclude each other. The "
            "LRS rows are the more specific, as they are for massage, mobilisation and exercise, "
            "so they win: an LRS patient is not given the time-contingent guidance (the LRS "
            "advice keeps 'gradually increase physical activity')."
        ),
        quotes=[
            "Encourage the patient to resume or expand activities, preferably gradually and in "
            "a time-contingent manner.",
            "Advise the patient to move guided by the pain and to gradually increase physical "
            "activity.",
            "Focus on pain alleviation in the presence of high responsiveness.",
        ],
    ),
)
