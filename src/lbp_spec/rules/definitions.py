"""Named definitions shared by several rules (each computed once, shown by name)."""

from __future__ import annotations

from lbp_spec.logic import AdviceIs, AnyFactorAt, Named, cmp, flag, has, is_
from lbp_spec.vocabulary import (
    Consultation,
    EmergencySign,
    FactorGroup,
    FactorLevel,
    Improvement,
    PrognosticFactor,
    RedFlag,
    ReferralMode,
)

__all__ = [
    "ANY_DOMINANT",
    "ANY_NON_DOMINANT",
    "ANY_RED_FLAG",
    "DOMINANT_PSYCHOSOCIAL",
    "EMERGENCY",
    "FOLLOW_UP_INADEQUATE",
    "INITIAL",
    "PROFILE_1",
    "PROFILE_2",
    "PROFILE_2_OR_3",
    "PROFILE_3",
    "REFERRED_INSTEAD_OF_TREATMENT",
    "SEVERE_LRS",
    "TREATABLE",
    "TREATED",
    "TREATED_PROFILE_1",
    "TREATED_PROFILE_2",
    "TREATED_PROFILE_2_OR_3",
    "TREATED_PROFILE_3",
    "profile_is",
]


ANY_RED_FLAG = Named(
    "any_red_flag",
    has("red_flags", *RedFlag),
    "a sign that could indicate a fracture, infection, tumour or inflammatory condition",
)

SEVERE_MOTOR_DEFICIT = Named(
    "severe_motor_deficit",
    cmp("neurological_exam.mrc_lowest", "<=", 3),
    "a severe motor deficit (MRC at most 3)",
)

EMERGENCY = Named(
    "emergency",
    has(
        "neurological_emergency_signs",
        EmergencySign.URINE_RETENTION,
        EmergencySign.FAECAL_INCONTINENCE,
        EmergencySign.URINARY_INCONTINENCE,
        EmergencySign.WIDESPREAD_NEUROLOGICAL_SYMPTOMS,
    )
    | SEVERE_MOTOR_DEFICIT
    | flag("neurological_exam.extensor_plantar_response"),
    "a possible sign of a neurological emergency listed under red flags (an extensor "
    "plantar response is a pyramidal sign)",
)

SEVERE_LRS = Named(
    "severe_lrs",
    flag("lrs") & (SEVERE_MOTOR_DEFICIT | cmp("nprs", ">=", 8)),
    "LRS with a severe motor deficit (MRC at most 3) or severe pain (NPRS at least 8)",
)

SAFETY_NET_SIGN = Named(
    "safety_net_sign",
    has(
        "neurological_emergency_signs",
        EmergencySign.SADDLE_NUMBNESS,
        EmergencySign.INCREASING_LEG_WEAKNESS,
    ),
    "saddle numbness or increasing loss of leg strength",
)

TREATABLE = Named(
    "treatable",
    flag("need_for_assistance") & ~ANY_RED_FLAG & ~EMERGENCY & ~SAFETY_NET_SIGN & ~SEVERE_LRS,
    "a need for assistance and no reason to refer (no red flag, emergency sign or severe LRS)",
)

ANY_DOMINANT = Named(
    "any_dominant",
    AnyFactorAt(FactorLevel.DOMINANT),
    "at least one dominant prognostic factor",
)

ANY_NON_DOMINANT = Named(
    "any_non_dominant",
    AnyFactorAt(FactorLevel.NON_DOMINANT),
    "at least one non-dominant prognostic factor",
)

ANY_FACTOR = Named(
    "any_factor",
    AnyFactorAt(None),
    "at least one prognostic factor",
)

DOMINANT_PSYCHOSOCIAL = Named(
    "dominant_psychosocial",
    AnyFactorAt(
        FactorLevel.DOMINANT,
        tuple(f for f in PrognosticFactor if f.group is FactorGroup.PSYCHOSOCIAL),
    ),
    "at least one dominant psychosocial prognostic factor",
)

INITIAL = is_("consultation", Consultation.INITIAL)
FOLLOW_UP = is_("consultation", Consultation.FOLLOW_UP)

FOLLOW_UP_INADEQUATE = Named(
    "follow_up_inadequate",
    FOLLOW_UP & is_("improvement", Improvement.INADEQUATE),
    "a follow-up with an inadequate decrease of complaints",
)


def profile_is(n: int) -> AdviceIs:
    """The decided profile is ``n``."""
    return AdviceIs("profile", n)


PROFILE_1 = profile_is(1)
PROFILE_2 = profile_is(2)
PROFILE_3 = profile_is(3)
PROFILE_1_OR_2 = Named("profile_1_or_2", PROFILE_1 | PROFILE_2, "profile 1 or 2")
PROFILE_2_OR_3 = Named("profile_2_or_3", PROFILE_2 | PROFILE_3, "profile 2 or 3")
HAS_PROFILE = Named("has_profile", PROFILE_1 | PROFILE_2 | PROFILE_3, "a profile is assigned")

REFERRED_INSTEAD_OF_TREATMENT = Named(
    "referred_instead_of_treatment",
    AdviceIs("referral_mode", ReferralMode.INSTEAD_OF_TREATMENT),
    "a referral that replaces the treatment",
)

TREATED = Named(
    "treated",
    HAS_PROFILE & ~REFERRED_INSTEAD_OF_TREATMENT,
    "a profile is assigned and no referral replaces the treatment",
)

TREATED_PROFILE_1 = Named(
    "treated_profile_1",
    PROFILE_1 & ~REFERRED_INSTEAD_OF_TREATMENT,
    "profile 1, and no referral replaces the treatment",
)
TREATED_PROFILE_2 = Named(
    "treated_profile_2",
    PROFILE_2 & ~REFERRED_INSTEAD_OF_TREATMENT,
    "profile 2, and no referral replaces the treatment",
)
TREATED_PROFILE_3 = Named(
    "treated_profile_3",
    PROFILE_3 & ~REFERRED_INSTEAD_OF_TREATMENT,
    "profile 3, and no referral replaces the treatment",
)
TREATED_PROFILE_2_OR_3 = Named(
    "treated_profile_2_or_3",
    PROFILE_2_OR_3 & ~REFERRED_INSTEAD_OF_TREATMENT,
    "profile 2 or 3, and no referral replaces the treatment",
)
