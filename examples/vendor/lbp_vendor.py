#!/usr/bin/env python3
"""An example vendor implementation of the KNGF 2021 guideline on low back pain and LRS.

Written the way a vendor would write it: plain Python, from the guideline summary,
the JSON contract (``lbp-spec schema case`` / ``lbp-spec schema advice``) and the
interpretation notes of the rule catalogue, without importing ``lbp_spec``. It is
the subject of the conformance demonstration (``examples/vendor/README.md``).

Usage::

    python lbp_vendor.py < case.json                 # one case in, one advice out
    python lbp_vendor.py --batch < cases.jsonl       # JSON Lines in, JSON Lines out
    python lbp_vendor.py --fault nprs-threshold ...  # inject one named fault
    LBP_VENDOR_FAULT=nprs-threshold python lbp_vendor.py ...
    python lbp_vendor.py --list-faults

The faults (:data:`FAULTS`) are the mistakes an implementer plausibly makes; the
mutation run (``run_mutants.py``) injects them one at a time and shows that the
generated conformance suite catches every one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

CONTRACT_VERSION = "2.0"

FAULTS = {
    "nprs-threshold": "severe LRS pain from NPRS 9 instead of 8 (threshold off by one)",
    "mrc-threshold": "severe motor deficit at MRC 2 or less instead of 3 (off by one)",
    "fingertip-threshold": "fingertip-to-floor positive from 25 cm instead of above 25 cm",
    "lrs-massage-exception": "missing LRS exception: massage allowed for LRS in profiles 2-3",
    "lrs-mobilisation-exception": "missing LRS exception: mobilisation considered for LRS",
    "swapped-exercise-strength": "profile 1 is offered exercise, profiles 2-3 only consider it",
    "missing-severe-lrs-referral": "no referral for LRS with severe pain or motor deficit",
    "missing-red-flag-referral": "no referral for a sign of an inflammatory condition",
    "emergency-not-immediate": "neurological emergencies referred with no urgency stated",
    "profile-3-window": "profile 3 re-evaluated after 6-8 weeks instead of 6-12",
    "no-session-limit": "profile 1 without its limit of three sessions",
    "mixed-factors-profile-2": "dominant and non-dominant factors together give profile 2",
    "competency-ignored": "exercise therapists without additional competencies may mobilise",
    "profile-3-referral-late": "profile 3 referred only after more than 12 weeks",
    "recheck-when-referred": "the 2-4 day LRS recheck also for referred patients",
    "safety-net-only-treated": "LRS safety-net advice only for patients in treatment",
    "sbst-decides-profile": "the SBST risk group decides the profile when it is given",
    "session-warning-late": "the session-limit warning only after more than three sessions",
    "lrs-persistent-week-8": "LRS referral for persisting complaints from week 8, not 6",
    "missing-imaging-education": "LRS education leaves out who decides about imaging",
    "recheck-every-consultation": "the 2-4 day LRS check at every consultation, not once",
    "treatment-beside-referral": "the treatment plan kept beside a referral that replaces it",
    "lrs-weeks-of-treatment": "LRS persisting complaints counted in weeks of treatment",
    "lrs-pain-and-function": "LRS referral only when pain and loss of function both persist",
    "babinski-not-emergency": "an extensor plantar response is not treated as an emergency",
}
"""Named faults: each changes one decision the way an implementer might get it wrong."""

FAULT = os.environ.get("LBP_VENDOR_FAULT", "")

# -- the vocabulary of the contract -----------------------------------------------------------

EXAM_COMPONENTS = [
    "pain_distribution",
    "fingertip_floor_distance",
    "lasegue_tests",
    "muscle_strength",
    "sensibility",
    "reflexes",
]
INTERVENTIONS = [
    "self_directed_exercise",
    "exercise_therapy",
    "behaviour_oriented_treatment",
    "mobilisation",
    "manipulation",
    "massage",
    "tens",
    "interference",
]
PASSIVE = ["mobilisation", "manipulation", "massage", "tens", "interference"]
MASSAGE_CRITERIA = {
    "tension_linked_to_complaints",
    "tension_reduction_needed_for_active_approach",
    "to_gain_acceptance_of_active_approach",
    "part_of_wider_active_approach",
    "brief_period",
}
PSYCHOSOCIAL = {
    "psychological_stress",
    "fear_of_movement",
    "depressive_symptoms",
    "passive_coping",
    "negative_recovery_expectations",
}
EMERGENCY_SIGNS = {
    "urine_retention",
    "faecal_incontinence",
    "urinary_incontinence",
    "widespread_neurological_symptoms",
}
SAFETY_NET_SIGNS = {"saddle_numbness", "increasing_leg_weakness"}
GENERAL_EDUCATION = [
    "unclear_origin",
    "no_underlying_rare_condition",
    "frequent_and_recurring",
    "half_recovered_after_three_months",
    "stay_active_and_self_manage",
]
LRS_EDUCATION = [
    "lrs_nerve_root_and_disc",
    "lrs_recovers_in_three_months",
    "lrs_imaging_decided_by_gp",
    "lrs_conservative_first_three_months",
    "lrs_move_guided_by_pain",
    "lrs_referral_if_no_improvement",
]
WINDOWS = {1: [3, None], 2: [3, 6], 3: [6, 12]}


def fault(name: str) -> bool:
    """Whether fault ``name`` is injected in this run."""
    return FAULT == name


# -- the guideline ----------------------------------------------------------------------------


def positive_findings(exam: dict[str, Any] | None) -> list[str]:
    """The components of the neurological examination whose findings are positive."""
    if not exam:
        return []
    found = []
    if exam.get("dermatomal_pain"):
        found.append("pain_distribution")
    distance = exam.get("fingertip_floor_cm")
    if distance is not None and (distance >= 25 if fault("fingertip-threshold") else distance > 25):
        found.append("fingertip_floor_distance")
    if exam.get("lasegue") or exam.get("crossed_lasegue") or exam.get("reversed_lasegue"):
        found.append("lasegue_tests")
    if exam.get("mrc_lowest", 5) <= 4:
        found.append("muscle_strength")
    if exam.get("dermatomal_sensory_loss"):
        found.append("sensibility")
    if exam.get("diminished_tendon_reflexes") or exam.get("extensor_plantar_response"):
        found.append("reflexes")
    return found


def sbst_profile(sbst: dict[str, int]) -> int:
    """The profile the SBST risk group points to (published scoring: low, medium, high)."""
    if sbst["total"] <= 3:
        return 1
    if sbst["psychosocial"] >= 4:
        return 3
    return 2


def advise(case: dict[str, Any]) -> dict[str, Any]:
    """The advice for one case document of the contract."""
    follow_up = case["consultation"] == "follow_up"
    lrs = case["lrs"]
    nprs = case["nprs"]
    exam = case.get("neurological_exam")
    mrc = exam.get("mrc_lowest", 5) if exam else 5
    signs = set(case.get("neurological_emergency_signs", []))
    red_flags = case.get("red_flags", [])
    if fault("missing-red-flag-referral"):
        red_flags = [f for f in red_flags if f != "inflammatory_condition"]
    factors = case.get("prognostic_factors", {})
    weeks = case.get("weeks_since_start")
    inadequate = follow_up and case.get("improvement") == "inadequate"

    # Diagnostic process: red flags, neurological emergencies, severe LRS. Each
    # referral has an urgency ("immediate", or "not_stated": the guideline gives
    # none) and a mode: instead of the treatment, or alongside it.
    severe_motor_deficit = exam is not None and (mrc <= 2 if fault("mrc-threshold") else mrc <= 3)
    babinski = bool(exam and exam.get("extensor_plantar_response"))
    pyramidal = babinski and not fault("babinski-not-emergency")
    emergency = bool(signs & EMERGENCY_SIGNS) or severe_motor_deficit or pyramidal
    safety_net_sign = bool(signs & SAFETY_NET_SIGNS)
    severe_pain = nprs >= 9 if fault("nprs-threshold") else nprs >= 8
    severe_lrs = lrs and (severe_motor_deficit or severe_pain)
    if fault("missing-severe-lrs-referral"):
        severe_lrs = False
    reasons = []  # (urgency, mode) of each reason to refer
    if emergency or safety_net_sign:
        urgency = "not_stated" if fault("emergency-not-immediate") else "immediate"
        reasons.append((urgency, "instead_of_treatment"))
    if red_flags or severe_lrs:
        reasons.append(("not_stated", "instead_of_treatment"))
    treatable = case.get("need_for_assistance", True) and not reasons

    # Treatment profile, from the prognostic factors (the SBST only supports).
    profile = None
    if treatable:
        levels = set(factors.values())
        if "dominant" in levels and not (
            fault("mixed-factors-profile-2") and "non_dominant" in levels
        ):
            profile = 3
        elif levels:
            profile = 2
        else:
            profile = 1
        if fault("sbst-decides-profile") and case.get("sbst"):
            profile = sbst_profile(case["sbst"])

    # Evaluation: referrals for a treatment that has not helped replace it.
    consult = False
    actions = []
    nothing_new = False
    if inadequate and profile in (1, 2) and weeks >= 3:
        actions.append("repeat_risk_evaluation")
        # Both questions must be answered "no": an unanswered one (null) means the
        # re-evaluation has not been done (rule note of EVAL.PROFILE_1_2.REFER).
        nothing_new = case.get("reevaluation_new_insights") is False and (
            case.get("adjustment_expected_to_suffice") is False
        )
        if nothing_new:
            reasons.append(("not_stated", "instead_of_treatment"))
    if inadequate and profile == 3 and weeks >= 6:
        actions.append("repeat_risk_evaluation")
        consult = True
        if weeks > 12 if fault("profile-3-referral-late") else weeks >= 12:
            reasons.append(("not_stated", "instead_of_treatment"))
            actions.append("discuss_next_phase_with_gp")
    if lrs and case.get("medication_dose_doubt"):
        reasons.append(("not_stated", "alongside_treatment"))
    # "Persist from six to eight weeks": weeks of complaints (the weeks of treatment
    # when the duration is not given); "pain and/or loss of function": either one.
    duration = case.get("complaint_duration_weeks")
    lasted = [w for w in (duration, weeks) if w is not None]
    if fault("lrs-weeks-of-treatment"):
        lasted = [weeks] if weeks is not None else []
    judged = [case.get("pain_alleviation"), case.get("loss_of_function_decrease")]
    if fault("lrs-pain-and-function"):
        insufficient = all(j == "inadequate" for j in judged) or inadequate
    else:
        insufficient = "inadequate" in judged or inadequate
    if (
        lrs
        and insufficient
        and any(w >= (8 if fault("lrs-persistent-week-8") else 6) for w in lasted)
    ):
        reasons.append(("not_stated", "instead_of_treatment"))
    referral = None
    if reasons:
        urgency = "immediate" if any(u == "immediate" for u, _ in reasons) else "not_stated"
        instead = any(m == "instead_of_treatment" for _, m in reasons)
        mode = "instead_of_treatment" if instead else "alongside_treatment"
        referral = {"to": "general_practitioner", "urgency": urgency, "mode": mode}
    replaced = referral is not None and referral["mode"] == "instead_of_treatment"
    if fault("treatment-beside-referral") and profile is not None:
        replaced = False
    treated = profile is not None and not replaced
    if profile in (1, 2) and inadequate and weeks >= 3 and not replaced:
        actions.append("consider_adjusting_profile")

    # Interventions, for a patient who is treated.
    strength = dict.fromkeys(INTERVENTIONS, "not_indicated")
    if treated and profile == 1:
        strength["self_directed_exercise"] = (
            "offer" if fault("swapped-exercise-strength") else "consider"
        )
        for name in PASSIVE:
            strength[name] = "do_not"
    elif treated and profile in (2, 3):
        strength["exercise_therapy"] = "consider" if fault("swapped-exercise-strength") else "offer"
        if case.get("mechanical_problem"):
            strength["mobilisation"] = strength["manipulation"] = "consider"
        all_criteria = MASSAGE_CRITERIA <= set(case.get("massage_criteria", []))
        strength["massage"] = "consider" if all_criteria else "do_not"
        strength["tens"] = strength["interference"] = "do_not"
    if treated and profile == 3:
        strength["behaviour_oriented_treatment"] = "consider"
    if treated and lrs:
        # "Consider exercise therapy" for every treated LRS patient, profile 1 included
        # (rule note of EXERCISE.LRS.CONSIDER).
        strength["exercise_therapy"] = "consider"
        if profile in (2, 3) and not fault("lrs-mobilisation-exception"):
            strength["mobilisation"] = strength["manipulation"] = "preferably_not"
        for name in ("massage", "tens", "interference"):
            if not (name == "massage" and fault("lrs-massage-exception")):
                strength[name] = "do_not"
    if (
        treated
        and case["discipline"] == "exercise_therapist"
        and not case.get("additional_competencies")
        and not fault("competency-ignored")
    ):
        for name in PASSIVE:
            strength[name] = "do_not"

    # Information (for every patient in a profile), exercise and behaviour guidance.
    education: list[str] = []
    exercise: list[str] = []
    behaviour: list[str] = []
    if profile is not None:
        education += GENERAL_EDUCATION
        if factors:
            education.append("prognostic_factors_slow_recovery")
        if profile in (1, 2):
            education.append("biopsychosocial_model")
        if lrs:
            education += [
                t
                for t in LRS_EDUCATION
                if not (t == "lrs_imaging_decided_by_gp" and fault("missing-imaging-education"))
            ]
    if treated:
        exercise.append("tailor_to_patient")
        # An LRS patient moves guided by the pain: no time-contingent guidance.
        if not lrs:
            exercise.append("gradual_time_contingent")
        if profile in (2, 3):
            exercise.append("scale_back_guidance")
        if lrs and case.get("responsiveness") == "high":
            exercise.append("pain_alleviation_focus")
        if lrs and case.get("responsiveness") == "moderate":
            exercise.append("short_pain_increase_acceptable")
        if lrs and follow_up and case.get("improvement") == "adequate":
            exercise.append("expand_to_prior_level_in_6_to_12_weeks")
        if profile == 3:
            if any(factors.get(f) == "dominant" for f in PSYCHOSOCIAL):
                behaviour.append("personalise_to_psychosocial_factors")
            behaviour.append("align_with_patient_and_own_skills")
    safety_net = []
    if lrs and (profile is not None or not fault("safety-net-only-treated")):
        safety_net = [
            "saddle_numbness",
            "loss_of_bladder_or_bowel_control",
            "increasing_leg_weakness",
        ]

    # Warnings.
    warnings = []
    if case.get("sbst") and profile is not None and sbst_profile(case["sbst"]) != profile:
        warnings.append("sbst_disagrees_with_profile")
    sessions = case.get("sessions_used") or 0
    if (
        treated
        and profile == 1
        and follow_up
        and (sessions > 3 if fault("session-warning-late") else sessions >= 3)
    ):
        warnings.append("session_limit_exceeded")
    leg_symptoms = case.get("symptoms_below_knee") or bool(exam and exam.get("dermatomal_pain"))
    loss_of_function = bool(
        exam
        and (
            exam.get("dermatomal_sensory_loss")
            or exam.get("diminished_tendon_reflexes")
            or mrc <= 4
        )
    )
    if not lrs and leg_symptoms and loss_of_function:
        warnings.append("findings_suggest_lrs")
    # The recorded findings and factors disagree: warn, never change the profile.
    if profile is not None and nprs >= 8 and "high_pain_intensity" not in factors:
        warnings.append("severe_pain_without_pain_factor")
    if profile is not None and lrs and "leg_pain" not in factors:
        warnings.append("lrs_without_leg_pain_factor")

    # The neurological examination and the LRS check.
    suspected = lrs or case.get("symptoms_below_knee", False)
    components = EXAM_COMPONENTS if suspected else []
    # Positive findings are reported whenever examination findings are given, even
    # when the examination was not asked for (the contract: "components whose
    # findings in the case are positive").
    findings = positive_findings(exam)
    recheck = None
    # Once, where LRS becomes the working diagnosis (rule note of LRS.RECHECK), for
    # a patient not referred instead of treatment.
    first = not case.get("lrs_diagnosed_earlier") or fault("recheck-every-consultation")
    if lrs and first and (not replaced or fault("recheck-when-referred")):
        recheck = [2, 4]

    session_limit = None if fault("no-session-limit") else 3
    window = WINDOWS.get(profile) if treated and profile else None
    if window and profile == 3 and fault("profile-3-window"):
        window = [6, 8]
    return {
        "contract_version": CONTRACT_VERSION,
        "physiotherapy_indicated": treated,
        "referral": referral,
        "consult_general_practitioner": consult,
        "profile": profile,
        "neurological_examination": {
            "required": bool(components),
            "components": components,
            "positive_findings": findings,
        },
        "recheck_after_days": recheck,
        "reevaluation_after_weeks": window,
        "lrs_evaluation_after_weeks": [6, 8] if treated and lrs else None,
        "session_limit": session_limit if treated and profile == 1 else None,
        "interventions": {name: {"strength": strength[name]} for name in INTERVENTIONS},
        "education": education,
        "safety_net_advice": safety_net,
        "exercise_guidance": exercise,
        "behaviour_guidance": behaviour,
        "evaluation_actions": actions,
        "warnings": warnings,
    }


# -- the command line ---------------------------------------------------------------------------


def _answer(line: str) -> str:
    try:
        advice = advise(json.loads(line))
    except (ValueError, KeyError, TypeError) as error:
        advice = {"error": f"{type(error).__name__}: {error}"}
    return json.dumps(advice, separators=(",", ":"))


def main(argv: list[str] | None = None) -> int:
    """Read a case (or, with ``--batch``, JSON Lines of cases) and write the advice."""
    global FAULT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", action="store_true", help="JSON Lines in, JSON Lines out")
    parser.add_argument("--fault", choices=sorted(FAULTS), help="inject one named fault")
    parser.add_argument("--list-faults", action="store_true", help="list the faults and exit")
    args = parser.parse_args(argv)
    if args.list_faults:
        for name, what in FAULTS.items():
            print(f"{name:28} {what}")
        return 0
    if args.fault:
        FAULT = args.fault
    if args.batch:
        for line in sys.stdin:
            if line.strip():
                sys.stdout.write(_answer(line) + "\n")
                sys.stdout.flush()
        return 0
    sys.stdout.write(_answer(sys.stdin.read()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
