"""Indications and treatment profiles, the SBST, and the profile-1 session limit."""

from __future__ import annotations

from lbp_spec.logic import AdviceIs, All, AnyOf, Expr, cmp, factor, flag, is_, present
from lbp_spec.rule import Rule, add, sets
from lbp_spec.rules.definitions import (
    ANY_DOMINANT,
    ANY_NON_DOMINANT,
    HAS_PROFILE,
    TREATABLE,
    TREATED_PROFILE_1,
)
from lbp_spec.vocabulary import AdviceWarning, Consultation, PrognosticFactor, Section

__all__ = ["RULES"]

_SELECT = (
    "Evaluate the risk of persistent complaints upon initial contact with the patient by "
    "assessing whether there are prognostic factors for persistent low back pain complaints. "
    "Then select among the following profiles:"
)

# SBST risk groups by the tool's published scoring (Hill et al., 2008): not in the summary.
_SBST_LOW = cmp("sbst.total", "<=", 3)
_SBST_HIGH = cmp("sbst.psychosocial", ">=", 4)
_SBST_MEDIUM = cmp("sbst.total", ">=", 4) & cmp("sbst.psychosocial", "<=", 3)


def _disagrees(profile: int, sbst_group: Expr) -> Expr:
    return All((AdviceIs("profile", profile), present("sbst"), ~sbst_group))


RULES = (
    Rule(
        id="PROFILE.1",
        section=Section.PROFILES,
        title="Profile 1: low risk of persistent complaints",
        quote=(
            _SELECT,
            "Profile 1 Low risk of persistent complaints",
            "There are no dominant prognostic factors for delayed recovery present.",
        ),
        when=TREATABLE & ~ANY_DOMINANT,
        then=[sets("profile", 1)],
        note=(
            "A profile is selected for every patient with an indication for therapy, at every "
            "consultation, from the prognostic factors as (re-)assessed then. Literally, 'no "
            "dominant factors' also holds when non-dominant factors are present, which is "
            "profile 2: see RES.PROFILE_2_OVER_1."
        ),
    ),
    Rule(
        id="PROFILE.2",
        section=Section.PROFILES,
        title="Profile 2: moderate risk of persistent low back pain",
        quote=(
            _SELECT,
            "Profile 2 Moderate risk of persistent low back pain",
            "There are some non-dominant prognostic factors for delayed recovery present.",
        ),
        when=TREATABLE & ANY_NON_DOMINANT,
        then=[sets("profile", 2)],
        note=(
            "'Some' is read as 'at least one': the text gives no number, and the therapist "
            "judges which factors are present and whether each is dominant. Literally, a "
            "patient with dominant and non-dominant factors fits profiles 2 and 3: see "
            "RES.PROFILE_3_OVER_2."
        ),
    ),
    Rule(
        id="PROFILE.3",
        section=Section.PROFILES,
        title="Profile 3: high risk of persistent low back pain",
        quote=(
            _SELECT,
            "Profile 3 High risk of persistent low back pain",
            "There are dominant prognostic factors for delayed recovery present.",
            "Dominant/non-dominant: a dominant presence is when the factor greatly contributes "
            "to perpetuating the pain and/or limitations in physical functioning.",
        ),
        when=TREATABLE & ANY_DOMINANT,
        then=[sets("profile", 3)],
        note="Whether a factor is dominant is the therapist's judgement, given in the case.",
    ),
    Rule(
        id="PROFILE.1.SESSION_LIMIT",
        section=Section.PROFILES,
        title="Profile 1: at most three sessions",
        quote=("Limit the treatment to a maximum of three sessions.",),
        when=TREATED_PROFILE_1,
        then=[sets("session_limit", 3)],
        note="Not when a referral replaces the treatment: no sessions are then planned.",
    ),
    Rule(
        id="PROFILE.1.SESSION_LIMIT.EXCEEDED",
        section=Section.PROFILES,
        title="Profile 1: the session limit is used up",
        quote=("Limit the treatment to a maximum of three sessions.",),
        when=TREATED_PROFILE_1
        & is_("consultation", Consultation.FOLLOW_UP)
        & cmp("sessions_used", ">=", 3),
        then=add("warnings", AdviceWarning.SESSION_LIMIT_EXCEEDED),
        note=(
            "sessions_used counts the sessions held before this consultation; with three "
            "used, this consultation would be the fourth."
        ),
    ),
    Rule(
        id="SBST.SUPPORT_ONLY",
        section=Section.SBST,
        title="The SBST supports but never decides the profile",
        quote=(
            "Consider using the StarT Back Screening Tool (SBST) to support the evaluation of "
            "the risk of persistent complaints.",
            "Never base the evaluation solely on the SBST.",
        ),
        when=AnyOf(
            (
                _disagrees(1, _SBST_LOW),
                _disagrees(2, _SBST_MEDIUM),
                _disagrees(3, _SBST_HIGH),
            )
        ),
        then=add("warnings", AdviceWarning.SBST_DISAGREES_WITH_PROFILE),
        note=(
            "The profile is decided by the prognostic factors only; the SBST never changes it. "
            "When the SBST risk group differs from the profile, the advice warns, so that the "
            "therapist reconsiders the factors. The SBST groups follow the tool's published "
            "scoring, which the summary does not give: low when the total is at most 3; high "
            "when the psychosocial subscore is at least 4; medium otherwise. Low maps to "
            "profile 1, medium to 2, high to 3."
        ),
    ),
    Rule(
        id="FACTORS.SEVERE_PAIN_UNRECORDED",
        section=Section.PROGNOSTIC_FACTORS,
        title="Severe pain recorded, but not the factor high intensity of pain",
        quote=(
            "Assess the following prognostic factors for persistent low back pain and LRS:",
            "high intensity of pain",
            "Refer the patient with LRS and severe motor deficit (MRC score ≤ 3 out of 5), "
            "and/or severe pain (NPRS ≥ 8) to the general practitioner.",
        ),
        when=HAS_PROFILE & cmp("nprs", ">=", 8) & ~factor(PrognosticFactor.HIGH_PAIN_INTENSITY),
        then=add("warnings", AdviceWarning.SEVERE_PAIN_WITHOUT_PAIN_FACTOR),
        note=(
            "The findings and the factors the therapist recorded disagree: the advice warns and "
            "never changes the profile (the factors, and whether each is dominant, stay the "
            "therapist's judgement). The threshold is the guideline's own: NPRS 8 or more is "
            "what it calls severe pain, which is certainly a high intensity of pain. Below 8 "
            "the text gives no threshold for 'high', so the spec does not warn."
        ),
    ),
    Rule(
        id="FACTORS.LRS_LEG_PAIN_UNRECORDED",
        section=Section.PROFILES,
        title="LRS recorded, but not the factor pain in the leg",
        quote=(
            "Because LRS is often associated with a high degree of limitations in activities, "
            "pain in the leg and high intensity of pain, these patients have a greater chance "
            "of being assigned to profile 3.",
            "LRS is characterised by pain in the buttocks and/or sciatica into the leg, "
            "accompanied by one or more complaints or symptoms that are suggestive of a "
            "condigion of a specifica sumbosacral nerve root, such as tingling sensations "
            "(paraesthesia) and neurological loss of function (hypoesthesia/hypalgesia, "
            "paresis, diminished reflexes).",
        ),
        when=HAS_PROFILE & flag("lrs") & ~factor(PrognosticFactor.LEG_PAIN),
        then=add("warnings", AdviceWarning.LRS_WITHOUT_LEG_PAIN_FACTOR),
        note=(
            "LRS is characterised by sciatica into the leg (or pain in the buttocks) and is "
            "'often associated' with pain in the leg, a prognostic factor. An LRS patient "
            "without the factor leg pain is possible ('often', 'and/or'), so the advice "
            "warns, to make the therapist reconsider the factors; it never changes the "
            "profile."
        ),
    ),
)
