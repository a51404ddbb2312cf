"""The property catalogue, as data.

Each :class:`Property` states, over every *valid* case that meets its premise, a
claim about the advice. It has two faces that must agree: a symbolic one (Z3
terms over an :class:`~lbp_spec.symbolic.Encoding`, which the verifier proves)
and a concrete one (a check of one case and its evaluated advice, with which
every counterexample is replayed through the evaluator).

A *pair* property speaks about two cases at once (a case and the same case with
one finding made worse); its terms and check receive both.

Most properties are *requirements*: the built-in guideline must prove them.
A few are *findings*: facts about the guideline's own text that a committee
should see, expected to be refuted, shown with their witness. They never count
as failures; an error or an unknown answer on them still does.

The ``proofs/`` directory mirrors this catalogue: one file per group (the part
of the name before the dot).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs
import z3

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.rule import SLOTS, SlotKind, intervention_slot
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import (
    EXCLUSIVE_GUIDANCE,
    AdviceWarning,
    EmergencySign,
    Intervention,
    PrognosticFactor,
    RedFlag,
    ReferralMode,
    SafetyNetTopic,
    Strength,
    Urgency,
)

__all__ = ["CATALOGUE", "GROUPS", "Property", "by_name", "effective_rules"]

Term = Callable[..., z3.BoolRef]
"""A Z3 term builder: ``(enc) -> BoolRef``, or ``(enc, worse) -> BoolRef`` for pairs."""
Check = Callable[..., bool]
"""A concrete check: ``(ruleset, case, advice)``, or with ``case2, advice2`` for pairs."""


@attrs.frozen(kw_only=True)
class Property:
    """A property of the rule set, checked over all valid cases.

    Attributes:
        name: Stable name, ``group.name``; public (CLI ``--property``).
        statement: The property in one plain sentence.
        premise: Which cases it speaks about (beyond validity), in Z3.
        claim: What must hold for them, in Z3.
        check: The same claim on concrete cases and their advice.
        concerns: Ids of the rules it concerns (given the rule set).
        reachable: Named conditions that must each be satisfiable together with
            the premise, so that the claim is not true for want of cases.
        pair: The property speaks about a case and a worse copy of it.
        finding: A fact about the guideline's text expected to be refuted and
            shown to the committee, not a requirement.
        note: Why the property is stated as it is, where that needs saying.
    """

    name: str
    statement: str
    premise: Term
    claim: Term
    check: Check
    concerns: Callable[[RuleSet], tuple[str, ...]]
    reachable: tuple[tuple[str, Term], ...] = ()
    pair: bool = False
    finding: bool = False
    note: str = ""

    @property
    def group(self) -> str:
        """The group (the part of the name before the first dot)."""
        return self.name.split(".", 1)[0]


def effective_rules(ruleset: RuleSet, advice: Advice, slot: str) -> tuple[tuple[str, object], ...]:
    """The (rule, value) pairs on ``slot`` that were not set aside, from an advice's trace."""
    fired = set(advice.fired)
    return tuple(
        (rule.id, value)
        for rule, value in ruleset.writers(slot)
        if rule.id in fired and not fired & set(ruleset.overriders(rule.id, slot))
    )


# -- helpers --------------------------------------------------------------------------------------


def _true(enc: Encoding) -> z3.BoolRef:
    return z3.BoolVal(True)


def _writers_of(*slots: str) -> Callable[[RuleSet], tuple[str, ...]]:
    def concerns(ruleset: RuleSet) -> tuple[str, ...]:
        ids: list[str] = []
        for slot in slots:
            for rule, _ in ruleset.writers(slot):
                if rule.id not in ids:
                    ids.append(rule.id)
        return tuple(ids)

    return concerns


def _graded(enc: Encoding, i: Intervention, test: Callable[[Strength], bool]) -> z3.BoolRef:
    """Some effective rule gives ``i`` a strength that passes ``test``."""
    slot = intervention_slot(i)
    terms = [enc.effective(r.id, slot) for r, v in enc.ruleset.writers(slot) if test(v)]  # type: ignore[arg-type]
    return z3.Or(*terms) if terms else z3.BoolVal(False)


def _permitted(enc: Encoding, i: Intervention) -> z3.BoolRef:
    """The decided strength of ``i`` permits it."""
    slot = intervention_slot(i)
    terms = [enc.decided(slot, v) for v in enc.ruleset.domain(slot) if v.permits]  # type: ignore[attr-defined]
    return z3.Or(*terms) if terms else z3.BoolVal(False)


def _any_permitted(enc: Encoding, interventions: Iterable[Intervention]) -> z3.BoolRef:
    return z3.Or(*(_permitted(enc, i) for i in interventions))


def _set(enc: Encoding, path: str, members: Iterable[Any]) -> z3.BoolRef:
    return z3.Or(*(enc.members[path, m] for m in members))


def _emergency(enc: Encoding) -> z3.BoolRef:
    """An emergency sign in the case (reported; MRC at most 3 or a Babinski sign found)."""
    exam = z3.And(
        enc.presence["neurological_exam"],
        z3.Or(
            enc.value["neurological_exam.mrc_lowest"] <= 3,
            enc.value["neurological_exam.extensor_plantar_response"],
        ),
    )
    return z3.Or(_set(enc, "neurological_emergency_signs", EmergencySign), exam)


def _red_flag(enc: Encoding) -> z3.BoolRef:
    return _set(enc, "red_flags", RedFlag)


def _case_emergency(case: Case) -> bool:
    exam = case.neurological_exam
    return bool(case.neurological_emergency_signs) or (
        exam is not None and (exam.mrc_lowest <= 3 or exam.extensor_plantar_response)
    )


def _profile_present(enc: Encoding) -> z3.BoolRef:
    return enc.written("profile")


def _instead(enc: Encoding) -> z3.BoolRef:
    """The advice refers the patient instead of treating."""
    return enc.decided("referral_mode", ReferralMode.INSTEAD_OF_TREATMENT)


def _case_instead(advice: Advice) -> bool:
    referral = advice.referral
    return referral is not None and referral.mode is ReferralMode.INSTEAD_OF_TREATMENT


def _treated(enc: Encoding) -> z3.BoolRef:
    """A profile is assigned and no referral replaces the treatment."""
    return z3.And(_profile_present(enc), z3.Not(_instead(enc)))


def _case_treated(advice: Advice) -> bool:
    return advice.profile is not None and not _case_instead(advice)


def _exercise_therapist_without_competencies(enc: Encoding) -> z3.BoolRef:
    from lbp_spec.logic import VARIABLES
    from lbp_spec.vocabulary import Discipline

    index = list(VARIABLES["discipline"].enum or ()).index(Discipline.EXERCISE_THERAPIST)
    return z3.And(enc.value["discipline"] == index, z3.Not(enc.value["additional_competencies"]))


_NON_EXERCISE_PERMISSION = (
    Intervention.MOBILISATION,
    Intervention.MANIPULATION,
    Intervention.MASSAGE,
)
_ALL = tuple(Intervention)


# -- consistency ----------------------------------------------------------------------------------


def _permit_and_forbid(enc: Encoding, interventions: Iterable[Intervention]) -> z3.BoolRef:
    return z3.Or(
        *(
            z3.And(_graded(enc, i, lambda s: s.permits), _graded(enc, i, lambda s: s.forbids))
            for i in interventions
        )
    )


def _check_not_both(interventions: tuple[Intervention, ...]) -> Check:
    def check(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
        for i in interventions:
            values = [v for _, v in effective_rules(ruleset, advice, intervention_slot(i))]
            if any(v.permits for v in values) and any(v.forbids for v in values):  # type: ignore[attr-defined]
                return False
        return True

    return check


def _both_sides(interventions: tuple[Intervention, ...]) -> tuple[tuple[str, Term], ...]:
    return tuple(
        (f"{i.value} {word} for some case", term)
        for i in interventions
        for word, term in (
            ("permitted", lambda enc, i=i: _graded(enc, i, lambda s: s.permits)),
            ("forbidden", lambda enc, i=i: _graded(enc, i, lambda s: s.forbids)),
        )
    )


_MOB_MAN = (Intervention.MOBILISATION, Intervention.MANIPULATION)
_GRADED_BOTH_WAYS = (
    Intervention.MOBILISATION,
    Intervention.MANIPULATION,
    Intervention.MASSAGE,
)

CONSISTENCY_MOBILISATION = Property(
    name="consistency.mobilisation_manipulation",
    statement=(
        "For no valid case is mobilisation or manipulation both permitted and forbidden "
        "(after the declared resolutions)."
    ),
    premise=_true,
    claim=lambda enc: z3.Not(_permit_and_forbid(enc, _MOB_MAN)),
    check=_check_not_both(_MOB_MAN),
    concerns=_writers_of(*(intervention_slot(i) for i in _MOB_MAN)),
    reachable=_both_sides(_MOB_MAN),
)

CONSISTENCY_ALL = Property(
    name="consistency.no_permit_and_forbid",
    statement=(
        "For no valid case is any intervention both permitted and forbidden by rules that "
        "apply (after the declared resolutions)."
    ),
    premise=_true,
    claim=lambda enc: z3.Not(_permit_and_forbid(enc, _ALL)),
    check=_check_not_both(_ALL),
    concerns=_writers_of(*(intervention_slot(i) for i in _ALL)),
    reachable=_both_sides(_GRADED_BOTH_WAYS),
    note=(
        "The interventions that rules both permit and forbid (mobilisation, manipulation, "
        "massage) must each be reachable on both sides; the others are only forbidden, or "
        "only permitted, by the text."
    ),
)


def _check_no_collision(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return AdviceWarning.UNRESOLVED_COLLISION not in advice.warnings


CONSISTENCY_SINGLE_VALUE = Property(
    name="consistency.one_value_per_field",
    statement=(
        "For no valid case do two applying rules give one advice field two different values "
        "(two profiles, two urgencies, two windows, two strengths) without a resolution."
    ),
    premise=_true,
    claim=lambda enc: z3.Not(enc.any_collision()),
    check=_check_no_collision,
    concerns=lambda rs: tuple(
        r.id
        for r in rs.rules
        if any(SLOTS[s].kind is SlotKind.SINGLE and len(rs.domain(s)) > 1 for s in r.slots)
    ),
    reachable=(("two profile rules apply together", lambda enc: _two_profiles(enc)),),
)


def _two_profiles(enc: Encoding) -> z3.BoolRef:
    fired = [enc.fired(r.id) for r, _ in enc.ruleset.writers("profile")]
    return z3.AtLeast(*fired, 2) if len(fired) > 1 else z3.BoolVal(False)


# -- completeness ---------------------------------------------------------------------------------

_NEXT_STEP_SLOTS = (
    "referral",
    "consult_general_practitioner",
    "recheck_after_days",
    "reevaluation_after_weeks",
    "lrs_evaluation_after_weeks",
)


def _check_next_step(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not case.lrs or not (case.need_for_assistance or case.lrs_diagnosed_earlier is not True):
        return True
    return bool(
        advice.referral is not None
        or advice.consult_general_practitioner
        or advice.recheck_after_days is not None
        or advice.reevaluation_after_weeks is not None
        or advice.lrs_evaluation_after_weeks is not None
    )


def _lrs_needing_a_step(enc: Encoding) -> z3.BoolRef:
    """LRS, diagnosed at this consultation or with a need for assistance."""
    known = z3.And(enc.presence["lrs_diagnosed_earlier"], enc.value["lrs_diagnosed_earlier"])
    return z3.And(enc.value["lrs"], z3.Or(enc.value["need_for_assistance"], z3.Not(known)))


COMPLETENESS_LRS = Property(
    name="completeness.lrs_next_step",
    statement=(
        "Every valid LRS case, at the consultation where LRS is diagnosed or while there is a "
        "need for assistance, ends in a referral, a GP consultation, or a scheduled recheck, "
        "re-evaluation or LRS evaluation."
    ),
    note=(
        "An LRS patient diagnosed earlier who no longer has a need for assistance has no "
        "indication for therapy: the check after two to four days was advised once, where LRS "
        "was diagnosed, and is not repeated."
    ),
    premise=_lrs_needing_a_step,
    claim=lambda enc: z3.Or(*(enc.written(s) for s in _NEXT_STEP_SLOTS)),
    check=_check_next_step,
    concerns=_writers_of(*_NEXT_STEP_SLOTS),
    reachable=(
        ("an LRS case is referred", lambda enc: enc.written("referral")),
        ("an LRS case is not referred", lambda enc: z3.Not(enc.written("referral"))),
    ),
)


def _check_need_answered(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not case.need_for_assistance:
        return True
    return advice.physiotherapy_indicated or advice.referral is not None


COMPLETENESS_NEED = Property(
    name="completeness.need_for_assistance_answered",
    statement=(
        "Every valid case with a need for assistance is either indicated for therapy or "
        "referred to the GP."
    ),
    premise=lambda enc: enc.value["need_for_assistance"],
    claim=lambda enc: z3.Or(enc.written("physiotherapy_indicated"), enc.written("referral")),
    check=_check_need_answered,
    concerns=_writers_of("physiotherapy_indicated", "referral"),
    reachable=(
        ("a patient with a need for assistance is referred", lambda enc: enc.written("referral")),
    ),
)


def _check_profile_window(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return not _case_treated(advice) or advice.reevaluation_after_weeks is not None


COMPLETENESS_REEVALUATION = Property(
    name="completeness.profile_has_reevaluation",
    statement=(
        "Every valid case with a treatment profile, and no referral that replaces the "
        "treatment, gets a re-evaluation window."
    ),
    premise=_treated,
    claim=lambda enc: enc.written("reevaluation_after_weeks"),
    check=_check_profile_window,
    concerns=_writers_of("profile", "reevaluation_after_weeks"),
)


# -- safety ---------------------------------------------------------------------------------------


def _no_treatment(enc: Encoding) -> z3.BoolRef:
    return z3.And(
        z3.Not(enc.written("physiotherapy_indicated")),
        z3.Not(_profile_present(enc)),
        z3.Not(_any_permitted(enc, _ALL)),
    )


def _check_referred_untreated(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not (case.red_flags or _case_emergency(case)):
        return True
    return (
        advice.referral is not None
        and not advice.physiotherapy_indicated
        and advice.profile is None
        and not any(a.strength.permits for a in advice.interventions.values())
    )


SAFETY_REFERRED = Property(
    name="safety.red_flag_or_emergency_referred",
    statement=(
        "Every valid case with a red flag or a neurological emergency sign (MRC at most 3 or an "
        "extensor plantar response "
        "included) is referred to the GP, and no treatment is advised for it."
    ),
    premise=lambda enc: z3.Or(_red_flag(enc), _emergency(enc)),
    claim=lambda enc: z3.And(enc.written("referral"), _no_treatment(enc)),
    check=_check_referred_untreated,
    concerns=_writers_of("referral", "physiotherapy_indicated", "profile"),
    reachable=(
        ("a red flag without an emergency sign", lambda enc: z3.Not(_emergency(enc))),
        ("an emergency sign without a red flag", lambda enc: z3.Not(_red_flag(enc))),
    ),
)


def _check_immediate(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not _case_emergency(case):
        return True
    return advice.referral is not None and advice.referral.urgency is Urgency.IMMEDIATE


SAFETY_IMMEDIATE = Property(
    name="safety.emergency_refers_immediately",
    statement=(
        "Every valid case with a neurological emergency sign (MRC at most 3 or an extensor "
        "plantar response included) is "
        "referred immediately, whatever else applies."
    ),
    premise=_emergency,
    claim=lambda enc: enc.decided("referral", Urgency.IMMEDIATE),
    check=_check_immediate,
    concerns=_writers_of("referral"),
    reachable=(
        (
            "an emergency sign in an LRS case with severe pain",
            lambda enc: z3.And(enc.value["lrs"], enc.value["nprs"] >= 8),
        ),
    ),
)


def _immediate_rules_fire(enc: Encoding) -> z3.BoolRef:
    terms = [enc.fired(r.id) for r, v in enc.ruleset.writers("referral") if v is Urgency.IMMEDIATE]
    return z3.Or(*terms) if terms else z3.BoolVal(False)


def _check_never_weakened(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    fired = set(advice.fired)
    immediate = any(r.id in fired for r, v in ruleset.writers("referral") if v is Urgency.IMMEDIATE)
    return not immediate or (
        advice.referral is not None and advice.referral.urgency is Urgency.IMMEDIATE
    )


SAFETY_URGENCY = Property(
    name="safety.urgency_never_weakened",
    statement=(
        "Whenever a rule calls for an immediate referral, the advice refers immediately: no "
        "other rule or resolution weakens the urgency."
    ),
    premise=_immediate_rules_fire,
    claim=lambda enc: enc.decided("referral", Urgency.IMMEDIATE),
    check=_check_never_weakened,
    concerns=_writers_of("referral"),
    reachable=(
        (
            "a referral rule of no stated urgency applies as well",
            lambda enc: z3.Or(
                *(
                    enc.fired(r.id)
                    for r, v in enc.ruleset.writers("referral")
                    if v is Urgency.NOT_STATED
                ),
                z3.BoolVal(False),
            ),
        ),
    ),
)


def _check_safety_net(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return not case.lrs or set(advice.safety_net_advice) == set(SafetyNetTopic)


SAFETY_NET = Property(
    name="safety.lrs_safety_net_advice",
    statement=(
        "Every valid LRS case, referred or not, gets the safety-net advice on all three signs "
        "(saddle numbness, loss of bladder or bowel control, increasing leg weakness)."
    ),
    premise=lambda enc: enc.value["lrs"],
    claim=lambda enc: z3.And(*(enc.contains("safety_net_advice", t) for t in SafetyNetTopic)),
    check=_check_safety_net,
    concerns=_writers_of("safety_net_advice"),
)


# -- profiles -------------------------------------------------------------------------------------


def _check_one_profile(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    values = {v for _, v in effective_rules(ruleset, advice, "profile")}
    return _case_treated(advice) == advice.physiotherapy_indicated and len(values) <= 1


PROFILES_EXACTLY_ONE = Property(
    name="profiles.indicated_has_exactly_one_profile",
    statement=(
        "Every valid case for which therapy is indicated gets exactly one profile; a case "
        "with a profile is indicated for therapy unless a referral replaces the treatment."
    ),
    premise=_true,
    claim=lambda enc: z3.And(
        enc.written("physiotherapy_indicated") == _treated(enc),
        z3.Not(enc.collision("profile")),
    ),
    check=_check_one_profile,
    concerns=_writers_of("profile", "physiotherapy_indicated"),
    reachable=tuple(
        (f"profile {n}", lambda enc, n=n: enc.decided("profile", n)) for n in (1, 2, 3)
    ),
)


def _check_profile_1(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if advice.profile != 1 or _case_instead(advice):
        return True
    return advice.session_limit == 3 and not any(
        advice.strength(i).permits for i in _NON_EXERCISE_PERMISSION
    )


PROFILES_PROFILE_1 = Property(
    name="profiles.profile_1_limits",
    statement=(
        "Profile 1 never gets mobilisation, manipulation or massage, and always gets a limit of "
        "three sessions (unless a referral replaces the treatment)."
    ),
    premise=lambda enc: z3.And(enc.decided("profile", 1), z3.Not(_instead(enc))),
    claim=lambda enc: z3.And(
        z3.Not(_any_permitted(enc, _NON_EXERCISE_PERMISSION)), enc.decided("session_limit", 3)
    ),
    check=_check_profile_1,
    concerns=_writers_of(
        "session_limit", *(intervention_slot(i) for i in _NON_EXERCISE_PERMISSION)
    ),
)


def _check_limit_only_profile_1(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return advice.session_limit is None or advice.profile == 1


PROFILES_LIMIT_ONLY_1 = Property(
    name="profiles.session_limit_only_in_profile_1",
    statement="Only profile 1 gets a session limit.",
    premise=lambda enc: enc.written("session_limit"),
    claim=lambda enc: enc.decided("profile", 1),
    check=_check_limit_only_profile_1,
    concerns=_writers_of("session_limit"),
)


# -- interventions --------------------------------------------------------------------------------


def _never_permitted(interventions: tuple[Intervention, ...]) -> Check:
    def check(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
        return not any(advice.strength(i).permits for i in interventions)

    return check


_TENS = (Intervention.TENS, Intervention.INTERFERENCE)

INTERVENTIONS_TENS = Property(
    name="interventions.no_tens_or_interference",
    statement="TENS and interference are never permitted.",
    premise=_true,
    claim=lambda enc: z3.Not(_any_permitted(enc, _TENS)),
    check=_never_permitted(_TENS),
    concerns=_writers_of(*(intervention_slot(i) for i in _TENS)),
    reachable=(
        (
            "TENS is advised against for some case",
            lambda enc: _graded(enc, Intervention.TENS, lambda s: s.forbids),
        ),
    ),
)

_LRS_FORBIDDEN = (Intervention.MASSAGE, Intervention.TENS, Intervention.INTERFERENCE)
_LRS_DISCOURAGED = (Intervention.MOBILISATION, Intervention.MANIPULATION)


def _check_lrs(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not case.lrs:
        return True
    return not any(advice.strength(i).permits for i in _LRS_FORBIDDEN + _LRS_DISCOURAGED)


INTERVENTIONS_LRS = Property(
    name="interventions.lrs_no_passive_treatment",
    statement=(
        "An LRS patient is never advised massage, TENS, interference, mobilisation or "
        "manipulation (not even for a mechanical problem with every massage criterion met)."
    ),
    premise=lambda enc: enc.value["lrs"],
    claim=lambda enc: z3.Not(_any_permitted(enc, _LRS_FORBIDDEN + _LRS_DISCOURAGED)),
    check=_check_lrs,
    concerns=_writers_of(*(intervention_slot(i) for i in _LRS_FORBIDDEN + _LRS_DISCOURAGED)),
    reachable=(
        (
            "an LRS patient in profile 2 or 3 with a mechanical problem",
            lambda enc: z3.And(
                enc.value["mechanical_problem"],
                z3.Or(enc.decided("profile", 2), enc.decided("profile", 3)),
            ),
        ),
    ),
)


def _check_untreated(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return advice.physiotherapy_indicated or not any(
        a.strength.permits for a in advice.interventions.values()
    )


INTERVENTIONS_ONLY_WHEN_INDICATED = Property(
    name="interventions.only_when_indicated",
    statement="No intervention is permitted for a case for which therapy is not indicated.",
    premise=lambda enc: z3.Not(enc.written("physiotherapy_indicated")),
    claim=lambda enc: z3.Not(_any_permitted(enc, _ALL)),
    check=_check_untreated,
    concerns=_writers_of("physiotherapy_indicated", *(intervention_slot(i) for i in _ALL)),
)


# -- competency -----------------------------------------------------------------------------------


def _check_competency(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    from lbp_spec.vocabulary import Discipline

    if case.discipline is not Discipline.EXERCISE_THERAPIST or case.additional_competencies:
        return True
    return not any(advice.strength(i).permits for i in _NON_EXERCISE_PERMISSION)


COMPETENCY = Property(
    name="competency.exercise_therapist_limit",
    statement=(
        "An exercise therapist without the additional competencies is never advised "
        "mobilisation, manipulation or massage."
    ),
    premise=_exercise_therapist_without_competencies,
    claim=lambda enc: z3.Not(_any_permitted(enc, _NON_EXERCISE_PERMISSION)),
    check=_check_competency,
    concerns=_writers_of(*(intervention_slot(i) for i in _NON_EXERCISE_PERMISSION)),
    reachable=(
        (
            "a mechanical problem in profile 2 or 3 with every massage criterion",
            lambda enc: z3.And(
                enc.value["mechanical_problem"],
                z3.Or(enc.decided("profile", 2), enc.decided("profile", 3)),
            ),
        ),
    ),
)


# -- information ----------------------------------------------------------------------------------


def _check_education(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return advice.profile is None or bool(advice.education)


INFORMATION_EDUCATION = Property(
    name="information.treated_patients_educated",
    statement="Every valid case with a treatment profile gets information and education.",
    premise=_profile_present,
    claim=lambda enc: z3.Or(
        *(enc.contains("education", t) for t in SLOTS["education"].value_type),  # type: ignore[attr-defined]
    ),
    check=_check_education,
    concerns=_writers_of("education"),
)


def _check_exam(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return not (case.lrs or case.symptoms_below_knee) or advice.neurological_examination.required


INFORMATION_EXAM = Property(
    name="information.suspected_lrs_examined",
    statement=(
        "Every valid case with suspected LRS (the working diagnosis, or symptoms below the "
        "knee) is asked for the neurological examination."
    ),
    premise=lambda enc: z3.Or(enc.value["lrs"], enc.value["symptoms_below_knee"]),
    claim=lambda enc: z3.Or(
        *(
            enc.contains("neurological_examination.components", c)
            for c in SLOTS["neurological_examination.components"].value_type  # type: ignore[attr-defined]
        )
    ),
    check=_check_exam,
    concerns=_writers_of("neurological_examination.components"),
)


# -- windows --------------------------------------------------------------------------------------

_WINDOW_SLOTS = ("recheck_after_days", "reevaluation_after_weeks", "lrs_evaluation_after_weeks")


def _ill_formed_window(enc: Encoding) -> z3.BoolRef:
    terms = [
        enc.decided(slot, w)
        for slot in _WINDOW_SLOTS
        for w in enc.ruleset.domain(slot)
        if w.low < 0 or (w.high is not None and w.high < w.low)  # type: ignore[attr-defined]
    ]
    return z3.Or(*terms) if terms else z3.BoolVal(False)


def _check_windows(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    for window in (
        advice.recheck_after_days,
        advice.reevaluation_after_weeks,
        advice.lrs_evaluation_after_weeks,
    ):
        if window is not None and (
            window.low < 0 or (window.high is not None and window.high < window.low)
        ):
            return False
    return True


WINDOWS_ORDERED = Property(
    name="windows.well_formed",
    statement=(
        "Every recheck, re-evaluation and LRS evaluation window advised is non-empty and "
        "ordered: it starts "
        "at or after zero and ends no earlier than it starts."
    ),
    premise=_true,
    claim=lambda enc: z3.Not(_ill_formed_window(enc)),
    check=_check_windows,
    concerns=_writers_of(*_WINDOW_SLOTS),
    reachable=(
        ("a recheck is advised", lambda enc: enc.written("recheck_after_days")),
        ("a re-evaluation is advised", lambda enc: enc.written("reevaluation_after_weeks")),
        ("an LRS evaluation is advised", lambda enc: enc.written("lrs_evaluation_after_weeks")),
    ),
)


# -- monotonicity (pairs: a case and the same case with one finding made worse) -------------------


def _worse_by_one_finding(enc: Encoding, worse: Encoding) -> z3.BoolRef:
    """``worse`` is ``enc`` with exactly one finding made worse, everything else equal."""
    from lbp_spec.logic import VARIABLES

    made: dict[tuple[object, ...], z3.BoolRef] = {}

    def equal(key: tuple[object, ...], a: z3.ExprRef, b: z3.ExprRef) -> z3.BoolRef:
        # Each equality is made once, where it is first needed, and reused by later steps.
        found = made.get(key)
        if found is None:
            found = made[key] = a == b
        return found

    def equal_except(skip: set[str], skip_factor: PrognosticFactor | None) -> list[z3.BoolRef]:
        eqs: list[z3.BoolRef] = []
        for path in VARIABLES:
            if path in skip:
                continue
            if path in enc.value:
                eqs.append(equal(("value", path), enc.value[path], worse.value[path]))
            if path in enc.presence:
                eqs.append(equal(("presence", path), enc.presence[path], worse.presence[path]))
        for (path, member), term in enc.members.items():
            if path not in skip:
                eqs.append(equal(("member", path, member), term, worse.members[path, member]))
        for f, term in enc.factors.items():
            if f is not skip_factor:
                eqs.append(equal(("factor", f), term, worse.factors[f]))
        return eqs

    steps: list[z3.BoolRef] = []
    for f in PrognosticFactor:
        steps.append(z3.And(*equal_except(set(), f), worse.factors[f] > enc.factors[f]))
    mrc = "neurological_exam.mrc_lowest"
    steps.append(
        z3.And(
            *equal_except({mrc}, None),
            enc.presence["neurological_exam"],
            worse.value[mrc] < enc.value[mrc],
        )
    )
    steps.append(z3.And(*equal_except({"nprs"}, None), worse.value["nprs"] > enc.value["nprs"]))
    babinski = "neurological_exam.extensor_plantar_response"
    steps.append(
        z3.And(
            *equal_except({babinski}, None),
            enc.presence["neurological_exam"],
            z3.Not(enc.value[babinski]),
            worse.value[babinski],
        )
    )
    duration = "complaint_duration_weeks"
    steps.append(
        z3.And(
            *equal_except({duration}, None),
            enc.presence[duration],
            worse.presence[duration],
            worse.value[duration] > enc.value[duration],
        )
    )
    for path in ("pain_alleviation", "loss_of_function_decrease"):
        steps.append(
            z3.And(
                *equal_except({path}, None),
                z3.Not(_is_inadequate(enc, path)),
                _is_inadequate(worse, path),
            )
        )
    for path in ("red_flags", "neurological_emergency_signs"):
        var = VARIABLES[path]
        for member in var.enum or ():
            others = [
                enc.members[path, m] == worse.members[path, m]
                for m in var.enum or ()
                if m is not member
            ]
            steps.append(
                z3.And(
                    *equal_except({path}, None),
                    *others,
                    z3.Not(enc.members[path, member]),
                    worse.members[path, member],
                )
            )
    return z3.Or(*steps)


_SAFETY_REFERRAL_RULES = (
    "REDFLAG.REFER",
    "EMERGENCY.REFER",
    "EMERGENCY.REFER.SAFETY_NET_SIGNS",
    "LRS.REFER.SEVERE",
)


def _safety_referred(enc: Encoding) -> z3.BoolRef:
    ids = [r.id for r in enc.ruleset.rules if r.id in _SAFETY_REFERRAL_RULES]
    return z3.Or(*(enc.fired(i) for i in ids), z3.BoolVal(False))


def _profile_at_least(enc: Encoding, worse: Encoding) -> z3.BoolRef:
    return z3.And(
        *(
            z3.Implies(
                enc.decided("profile", n),
                z3.Or(*(worse.decided("profile", m) for m in (1, 2, 3) if m >= n)),
            )
            for n in (1, 2, 3)
        )
    )


def _monotone_claim(enc: Encoding, worse: Encoding) -> z3.BoolRef:
    unreferred = z3.And(z3.Not(enc.written("referral")), z3.Not(worse.written("referral")))
    return z3.And(
        z3.Implies(_safety_referred(enc), worse.written("referral")),
        z3.Implies(
            enc.decided("referral", Urgency.IMMEDIATE), worse.decided("referral", Urgency.IMMEDIATE)
        ),
        z3.Implies(unreferred, _profile_at_least(enc, worse)),
    )


def _check_monotone(
    ruleset: RuleSet, case: Case, advice: Advice, case2: Case, advice2: Advice
) -> bool:
    if set(advice.fired) & set(_SAFETY_REFERRAL_RULES) and advice2.referral is None:
        return False
    if (
        advice.referral is not None
        and advice.referral.urgency is Urgency.IMMEDIATE
        and (advice2.referral is None or advice2.referral.urgency is not Urgency.IMMEDIATE)
    ):
        return False
    return not (
        advice.referral is None
        and advice2.referral is None
        and advice.profile is not None
        and (advice2.profile is None or advice2.profile < advice.profile)
    )


MONOTONE_SAFETY = Property(
    name="monotonicity.worse_finding_never_de_escalates",
    statement=(
        "A worse finding (a prognostic factor added or made dominant, a lower MRC grade, a "
        "higher NPRS, a new red flag or emergency sign, an extensor plantar response, longer "
        "complaints, pain or loss of function judged not enough decreased) never removes a "
        "referral for a red "
        "flag, an emergency sign or severe LRS, never weakens an immediate referral, and "
        "never lowers the profile of a patient who stays unreferred."
    ),
    premise=_worse_by_one_finding,
    claim=_monotone_claim,
    check=_check_monotone,
    concerns=lambda rs: (
        tuple(r.id for r, _ in rs.writers("profile"))
        + tuple(r.id for r in rs.rules if r.id in _SAFETY_REFERRAL_RULES)
    ),
    reachable=(
        ("the worse case is referred", lambda enc, worse: worse.written("referral")),
        (
            "the worse case gets a higher profile",
            lambda enc, worse: z3.And(enc.decided("profile", 2), worse.decided("profile", 3)),
        ),
    ),
    pair=True,
)


def _check_any_referral_kept(
    ruleset: RuleSet, case: Case, advice: Advice, case2: Case, advice2: Advice
) -> bool:
    return advice.referral is None or advice2.referral is not None


FINDING_FOLLOW_UP_REFERRAL = Property(
    name="monotonicity.follow_up_referral_kept",
    statement=(
        "A worse finding never removes a referral, including the referrals at a follow-up "
        "for an inadequate decrease of complaints."
    ),
    premise=_worse_by_one_finding,
    claim=lambda enc, worse: z3.Implies(enc.written("referral"), worse.written("referral")),
    check=_check_any_referral_kept,
    concerns=_writers_of("referral", "profile"),
    pair=True,
    finding=True,
    note=(
        "Expected to be refuted: a finding for the committee, not a defect of the spec. At a "
        "follow-up in week 3 to 5 with an inadequate decrease of complaints and nothing new "
        "from the re-evaluation, a profile 1 or 2 patient is referred, but the same patient "
        "with one prognostic factor dominant is in profile 3, which contacts the GP only at "
        "week 6 and refers at week 12. The text gives higher-risk patients a longer course "
        "before referral, so a worse finding can postpone a referral."
    ),
)


# -- prohibitions, exercise and escalation (added after the mutation run showed gaps) ----------


def _strength_is(enc: Encoding, i: Intervention, *allowed: Strength) -> z3.BoolRef:
    return z3.Or(*(enc.decided(intervention_slot(i), s) for s in allowed))


def _prohibitions(enc: Encoding) -> z3.BoolRef:
    from lbp_spec.logic import VARIABLES
    from lbp_spec.vocabulary import Discipline

    dn, pn = Strength.DO_NOT, Strength.PREFERABLY_NOT
    lrs = enc.value["lrs"]
    kept = z3.Not(_instead(enc))
    p1 = z3.And(enc.decided("profile", 1), kept)
    p23 = z3.And(z3.Or(enc.decided("profile", 2), enc.decided("profile", 3)), kept)
    treated = z3.Or(p1, p23)
    et = z3.And(
        enc.value["discipline"]
        == list(VARIABLES["discipline"].enum or ()).index(Discipline.EXERCISE_THERAPIST),
        z3.Not(enc.value["additional_competencies"]),
    )
    passive = (*_NON_EXERCISE_PERMISSION, *_TENS)
    return z3.And(
        z3.Implies(p1, z3.And(*(_strength_is(enc, i, dn) for i in passive))),
        z3.Implies(p23, z3.And(*(_strength_is(enc, i, dn) for i in _TENS))),
        z3.Implies(
            z3.And(lrs, treated), z3.And(*(_strength_is(enc, i, dn) for i in _LRS_FORBIDDEN))
        ),
        z3.Implies(
            z3.And(lrs, treated), z3.And(*(_strength_is(enc, i, dn, pn) for i in _LRS_DISCOURAGED))
        ),
        z3.Implies(
            z3.And(et, treated),
            z3.And(*(_strength_is(enc, i, dn) for i in _NON_EXERCISE_PERMISSION)),
        ),
    )


def _check_prohibitions(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    from lbp_spec.vocabulary import Discipline

    dn, pn = Strength.DO_NOT, Strength.PREFERABLY_NOT
    passive = (*_NON_EXERCISE_PERMISSION, *_TENS)
    treated = _case_treated(advice)
    checks = []
    if treated and advice.profile == 1:
        checks += [advice.strength(i) is dn for i in passive]
    if treated and advice.profile in (2, 3):
        checks += [advice.strength(i) is dn for i in _TENS]
    if case.lrs and treated:
        checks += [advice.strength(i) is dn for i in _LRS_FORBIDDEN]
        checks += [advice.strength(i) in (dn, pn) for i in _LRS_DISCOURAGED]
    if (
        case.discipline is Discipline.EXERCISE_THERAPIST
        and not case.additional_competencies
        and treated
    ):
        checks += [advice.strength(i) is dn for i in _NON_EXERCISE_PERMISSION]
    return all(checks)


INTERVENTIONS_PROHIBITIONS = Property(
    name="interventions.prohibitions_hold",
    statement=(
        "Where the text says 'do not' the advice says do not, and where it says 'preferably "
        "not' the advice forbids: passive interventions in profile 1; TENS and interference "
        "in profiles 2 and 3; massage, TENS and interference for LRS (mobilisation and "
        "manipulation at least preferably not); mobilisation, manipulation and massage for an "
        "exercise therapist without the additional competencies; each for a patient who is "
        "treated (a referral instead of treatment plans no intervention at all)."
    ),
    premise=_true,
    claim=_prohibitions,
    check=_check_prohibitions,
    concerns=_writers_of(*(intervention_slot(i) for i in _ALL)),
    reachable=(
        (
            "an LRS patient in profile 2 or 3",
            lambda enc: z3.And(
                enc.value["lrs"], z3.Or(enc.decided("profile", 2), enc.decided("profile", 3))
            ),
        ),
        (
            "an exercise therapist treats",
            lambda enc: z3.And(
                _exercise_therapist_without_competencies(enc), enc.written("profile")
            ),
        ),
    ),
    note=(
        "Stronger than 'never permitted': it pins the forbidding strength, so that a rule "
        "that stopped forbidding (and left the intervention merely not indicated) is caught."
    ),
)

_EXERCISE = (Intervention.SELF_DIRECTED_EXERCISE, Intervention.EXERCISE_THERAPY)


def _check_exercise(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    return not _case_treated(advice) or any(advice.strength(i).permits for i in _EXERCISE)


TREATMENT_EXERCISE = Property(
    name="interventions.exercise_for_every_profile",
    statement=(
        "Every valid case with a treatment profile, and no referral that replaces the "
        "treatment, is advised exercise: self-directed exercise in profile 1, exercise therapy "
        "in profiles 2 and 3 (considered for LRS)."
    ),
    premise=_treated,
    claim=lambda enc: z3.And(
        z3.Implies(enc.decided("profile", 1), _permitted(enc, Intervention.SELF_DIRECTED_EXERCISE)),
        z3.Implies(
            z3.Or(enc.decided("profile", 2), enc.decided("profile", 3)),
            _permitted(enc, Intervention.EXERCISE_THERAPY),
        ),
    ),
    check=_check_exercise,
    concerns=_writers_of(*(intervention_slot(i) for i in _EXERCISE)),
    reachable=tuple(
        (f"profile {n}", lambda enc, n=n: enc.decided("profile", n)) for n in (1, 2, 3)
    ),
)


def _follow_up_inadequate(enc: Encoding, weeks: int) -> z3.BoolRef:
    from lbp_spec.logic import VARIABLES
    from lbp_spec.vocabulary import Consultation, Improvement

    follow_up = enc.value["consultation"] == list(VARIABLES["consultation"].enum or ()).index(
        Consultation.FOLLOW_UP
    )
    inadequate = z3.And(
        enc.presence["improvement"],
        enc.value["improvement"]
        == list(VARIABLES["improvement"].enum or ()).index(Improvement.INADEQUATE),
    )
    return z3.And(
        follow_up,
        inadequate,
        enc.presence["weeks_since_start"],
        enc.value["weeks_since_start"] >= weeks,
    )


def _case_inadequate(case: Case, weeks: int) -> bool:
    from lbp_spec.vocabulary import Improvement

    return (
        case.is_follow_up
        and case.improvement is Improvement.INADEQUATE
        and case.weeks_since_start is not None
        and case.weeks_since_start >= weeks
    )


def _check_profile_3_escalation(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if advice.profile != 3:
        return True
    if _case_inadequate(case, 12) and advice.referral is None:
        return False
    return not (_case_inadequate(case, 6) and not advice.consult_general_practitioner)


EVALUATION_PROFILE_3 = Property(
    name="evaluation.profile_3_escalates",
    statement=(
        "In profile 3, an inadequate decrease of complaints at a follow-up leads to contact "
        "with the GP from week 6 and to a referral from week 12."
    ),
    premise=lambda enc: z3.And(enc.decided("profile", 3), _follow_up_inadequate(enc, 6)),
    claim=lambda enc: z3.And(
        enc.written("consult_general_practitioner"),
        z3.Implies(_follow_up_inadequate(enc, 12), enc.written("referral")),
    ),
    check=_check_profile_3_escalation,
    concerns=_writers_of("consult_general_practitioner", "referral"),
    reachable=(("week 12 or later", lambda enc: _follow_up_inadequate(enc, 12)),),
)


def _index_of(path: str, value: enum.Enum) -> int:
    from lbp_spec.logic import VARIABLES

    return list(VARIABLES[path].enum or ()).index(value)


def _is_inadequate(enc: Encoding, path: str) -> z3.BoolRef:
    from lbp_spec.vocabulary import Improvement

    return z3.And(enc.presence[path], enc.value[path] == _index_of(path, Improvement.INADEQUATE))


def _lrs_persisting(enc: Encoding) -> z3.BoolRef:
    """Complaints of six weeks or more, with pain or loss of function not enough decreased."""
    lasted = z3.Or(
        z3.And(
            enc.presence["complaint_duration_weeks"], enc.value["complaint_duration_weeks"] >= 6
        ),
        z3.And(enc.presence["weeks_since_start"], enc.value["weeks_since_start"] >= 6),
    )
    insufficient = z3.Or(
        _is_inadequate(enc, "pain_alleviation"),
        _is_inadequate(enc, "loss_of_function_decrease"),
        _is_inadequate(enc, "improvement"),
    )
    return z3.And(enc.value["lrs"], lasted, insufficient)


def _case_lrs_persisting(case: Case) -> bool:
    from lbp_spec.vocabulary import Improvement

    weeks = [w for w in (case.complaint_duration_weeks, case.weeks_since_start) if w is not None]
    judged = (case.pain_alleviation, case.loss_of_function_decrease, case.improvement)
    return case.lrs and any(w >= 6 for w in weeks) and Improvement.INADEQUATE in judged


def _dose_doubt(enc: Encoding) -> z3.BoolRef:
    return z3.And(enc.presence["medication_dose_doubt"], enc.value["medication_dose_doubt"])


def _check_lrs_escalation(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not case.lrs:
        return True
    if case.medication_dose_doubt is True and advice.referral is None:
        return False
    return not (_case_lrs_persisting(case) and advice.referral is None)


EVALUATION_LRS = Property(
    name="evaluation.lrs_refers_when_persisting_or_dose_in_doubt",
    statement=(
        "An LRS patient is referred to the GP when the complaints have lasted six weeks or "
        "more with insufficient alleviation of pain and/or decrease of loss of function (either "
        "one suffices), or when the medication dose is in doubt, at any consultation."
    ),
    premise=lambda enc: z3.And(enc.value["lrs"], z3.Or(_lrs_persisting(enc), _dose_doubt(enc))),
    claim=lambda enc: enc.written("referral"),
    check=_check_lrs_escalation,
    concerns=_writers_of("referral"),
    reachable=(
        ("only the medication is in doubt", lambda enc: z3.Not(_lrs_persisting(enc))),
        ("only the complaints persist", lambda enc: z3.Not(_dose_doubt(enc))),
        (
            "only the loss of function persists, the pain and complaints improve",
            lambda enc: z3.And(
                z3.Not(_is_inadequate(enc, "pain_alleviation")),
                z3.Not(_is_inadequate(enc, "improvement")),
                z3.Not(_dose_doubt(enc)),
            ),
        ),
        (
            "the complaints lasted six weeks, treatment began less than six weeks ago",
            lambda enc: z3.And(
                enc.presence["weeks_since_start"],
                enc.value["weeks_since_start"] < 6,
                z3.Not(_dose_doubt(enc)),
            ),
        ),
    ),
)


# -- referral -------------------------------------------------------------------------------------


def _check_referral_mode(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if advice.referral is None:
        return True
    modes = {v for _, v in effective_rules(ruleset, advice, "referral_mode")}
    return modes == {advice.referral.mode}


REFERRAL_HAS_MODE = Property(
    name="referral.every_referral_has_one_mode",
    statement=(
        "Every referral says whether it replaces the treatment or goes alongside it, and "
        "exactly one of the two."
    ),
    premise=lambda enc: enc.written("referral"),
    claim=lambda enc: z3.And(enc.written("referral_mode"), z3.Not(enc.collision("referral_mode"))),
    check=_check_referral_mode,
    concerns=_writers_of("referral", "referral_mode"),
    reachable=(
        ("a referral instead of treatment", _instead),
        (
            "a referral alongside treatment",
            lambda enc: enc.decided("referral_mode", ReferralMode.ALONGSIDE_TREATMENT),
        ),
    ),
    note=(
        "Structural: every referral rule writes an urgency and a mode together, and the "
        "resolutions leave one mode. On a concrete advice the check compares the mode with "
        "the rules that set it."
    ),
)

_PLAN_WINDOWS = ("session_limit", *_WINDOW_SLOTS)


def _check_no_plan(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not _case_instead(advice):
        return True
    return (
        not advice.physiotherapy_indicated
        and not any(a.strength.permits for a in advice.interventions.values())
        and advice.session_limit is None
        and advice.recheck_after_days is None
        and advice.reevaluation_after_weeks is None
        and advice.lrs_evaluation_after_weeks is None
    )


REFERRAL_INSTEAD_PLANS_NO_TREATMENT = Property(
    name="referral.instead_of_treatment_plans_no_treatment",
    statement=(
        "A referral that replaces the treatment comes with no treatment: therapy is not "
        "indicated, no intervention is permitted, and no session limit, recheck, re-evaluation "
        "or LRS evaluation is planned."
    ),
    premise=_instead,
    claim=lambda enc: z3.And(
        z3.Not(enc.written("physiotherapy_indicated")),
        z3.Not(_any_permitted(enc, _ALL)),
        *(z3.Not(enc.written(slot)) for slot in _PLAN_WINDOWS),
    ),
    check=_check_no_plan,
    concerns=_writers_of(
        "physiotherapy_indicated", *_PLAN_WINDOWS, *(intervention_slot(i) for i in _ALL)
    ),
    reachable=(
        ("a treated profile is referred at a follow-up", _profile_present),
        ("an LRS patient is referred", lambda enc: enc.value["lrs"]),
    ),
)


# -- guidance -------------------------------------------------------------------------------------


def _guidance_slot(member: object) -> str:
    """The set slot whose members are of the vocabulary of ``member``."""
    for name, slot in SLOTS.items():
        if slot.kind is SlotKind.SET and isinstance(member, slot.value_type):
            return name
    raise KeyError(f"no advice field holds {member!r}")  # pragma: no cover


def _excluded_pair(enc: Encoding) -> z3.BoolRef:
    terms = [
        z3.And(enc.contains(_guidance_slot(a), a), enc.contains(_guidance_slot(b), b))
        for a, b, _ in EXCLUSIVE_GUIDANCE
    ]
    return z3.Or(*terms) if terms else z3.BoolVal(False)


def _check_no_excluded_pair(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    given = {*advice.exercise_guidance, *advice.education, *advice.behaviour_guidance}
    return not any(a in given and b in given for a, b, _ in EXCLUSIVE_GUIDANCE)


CONSISTENCY_GUIDANCE = Property(
    name="consistency.no_excluded_guidance_pair",
    statement=(
        "No advice carries two guidance values that exclude each other (such as time-contingent "
        "and pain-guided activity), as listed in the vocabulary."
    ),
    premise=_true,
    claim=lambda enc: z3.Not(_excluded_pair(enc)),
    check=_check_no_excluded_pair,
    concerns=lambda rs: tuple(
        dict.fromkeys(
            r.id
            for a, b, _ in EXCLUSIVE_GUIDANCE
            for m in (a, b)
            for r, v in rs.writers(_guidance_slot(m))
            if v == m
        )
    ),
    reachable=tuple(
        (
            f"{m.value} is given",
            lambda enc, m=m: enc.contains(_guidance_slot(m), m),
        )
        for a, b, _ in EXCLUSIVE_GUIDANCE
        for m in (a, b)
    ),
)


def _nothing_new(enc: Encoding) -> z3.BoolRef:
    return z3.And(
        *(
            z3.And(enc.presence[f], z3.Not(enc.value[f]))
            for f in ("reevaluation_new_insights", "adjustment_expected_to_suffice")
        )
    )


def _check_profile_1_2_referral(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    nothing_new = (
        case.reevaluation_new_insights is False and case.adjustment_expected_to_suffice is False
    )
    if advice.profile in (1, 2) and _case_inadequate(case, 3) and nothing_new:
        return advice.referral is not None
    return True


EVALUATION_PROFILE_1_2 = Property(
    name="evaluation.profile_1_2_refers_when_nothing_new",
    statement=(
        "In profiles 1 and 2, an inadequate decrease of complaints from week 3, when the "
        "re-evaluation brings nothing new and no adjustment is expected to suffice, leads to "
        "a referral to the GP."
    ),
    premise=lambda enc: z3.And(
        z3.Or(enc.decided("profile", 1), enc.decided("profile", 2)),
        _follow_up_inadequate(enc, 3),
        _nothing_new(enc),
    ),
    claim=lambda enc: enc.written("referral"),
    check=_check_profile_1_2_referral,
    concerns=_writers_of("referral"),
    reachable=tuple((f"profile {n}", lambda enc, n=n: enc.decided("profile", n)) for n in (1, 2)),
)


CATALOGUE: Final[tuple[Property, ...]] = (
    CONSISTENCY_MOBILISATION,
    CONSISTENCY_ALL,
    CONSISTENCY_SINGLE_VALUE,
    CONSISTENCY_GUIDANCE,
    COMPLETENESS_LRS,
    COMPLETENESS_NEED,
    COMPLETENESS_REEVALUATION,
    SAFETY_REFERRED,
    SAFETY_IMMEDIATE,
    SAFETY_URGENCY,
    SAFETY_NET,
    PROFILES_EXACTLY_ONE,
    PROFILES_PROFILE_1,
    PROFILES_LIMIT_ONLY_1,
    INTERVENTIONS_TENS,
    INTERVENTIONS_LRS,
    INTERVENTIONS_ONLY_WHEN_INDICATED,
    INTERVENTIONS_PROHIBITIONS,
    TREATMENT_EXERCISE,
    COMPETENCY,
    INFORMATION_EDUCATION,
    INFORMATION_EXAM,
    WINDOWS_ORDERED,
    EVALUATION_PROFILE_1_2,
    EVALUATION_PROFILE_3,
    EVALUATION_LRS,
    REFERRAL_HAS_MODE,
    REFERRAL_INSTEAD_PLANS_NO_TREATMENT,
    MONOTONE_SAFETY,
    FINDING_FOLLOW_UP_REFERRAL,
)
"""Every property, in the order the verifier runs and reports them."""

GROUPS: Final[tuple[str, ...]] = tuple(dict.fromkeys(p.group for p in CATALOGUE))
"""The property groups, in catalogue order (one proofs/ file each)."""


def by_name(name: str) -> Property:
    """The property called ``name``.

    Raises:
        KeyError: No such property; the message lists the known names.
    """
    for prop in CATALOGUE:
        if prop.name == name:
            return prop
    known = ", ".join(p.name for p in CATALOGUE)
    raise KeyError(f"no property {name!r}; known: {known}")
