"""What a rule is: an id, a section, a quote, a condition and its effects.

Also the *slots* of the advice that effects write, and the *resolutions* that
decide between rules that collide on a slot. These are plain values; the
machinery that walks them lives in :mod:`lbp_spec.ruleset`,
:mod:`lbp_spec.evaluator` and :mod:`lbp_spec.symbolic`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs

from lbp_spec.advice import Advice, Window
from lbp_spec.logic import Expr
from lbp_spec.vocabulary import (
    AdviceWarning,
    BehaviourGuidance,
    EducationTopic,
    EvaluationAction,
    ExamComponent,
    ExerciseGuidance,
    Intervention,
    ReferralMode,
    SafetyNetTopic,
    Section,
    Strength,
    Urgency,
)

__all__ = [
    "SLOTS",
    "Effect",
    "Resolution",
    "Rule",
    "Slot",
    "SlotKind",
    "add",
    "intervention_slot",
    "refer",
    "sets",
    "slot_value",
    "strength",
]


class SlotKind(enum.Enum):
    """Whether a slot holds one value (rules may collide) or a set (rules add up)."""

    SINGLE = "single"
    SET = "set"


@attrs.frozen
class Slot:
    """A place in the advice that rules write.

    Attributes:
        name: Dotted name, e.g. ``profile`` or ``interventions.massage``.
        kind: Single value or set of members.
        value_type: The type of a value (or a member).
        default: The value when no rule writes the slot (single slots).
        priority: Sort key over values; on an *unresolved* collision the
            evaluator keeps the value that sorts first (the most cautious one)
            and raises the ``unresolved_collision`` warning.
        words: How the docs name it.

    """

    name: str
    kind: SlotKind
    value_type: type
    words: str
    default: object = None
    priority: Callable[[object], object] = attrs.field(default=lambda v: 0, eq=False)


def _single(
    name: str, value_type: type, words: str, default: object, priority: Callable[[object], object]
) -> Slot:
    return Slot(name, SlotKind.SINGLE, value_type, words, default, priority)


def _set(name: str, member: type[enum.Enum], words: str) -> Slot:
    order = {m: i for i, m in enumerate(member)}
    return Slot(name, SlotKind.SET, member, words, (), order.__getitem__)  # type: ignore[arg-type]


def intervention_slot(intervention: Intervention) -> str:
    """Name of the slot holding the strength of ``intervention``."""
    return f"interventions.{intervention.value}"


def slot_value(advice: Advice, slot: str) -> Any:
    """The value of ``slot`` in a concrete advice (a tuple of members for a set slot).

    An intervention slot reads as its strength, ``referral`` as the urgency and
    ``referral_mode`` as the mode (``None`` when there is no referral), a
    ``neurological_examination.`` slot as that part of the examination.
    """
    if slot.startswith("interventions."):
        for intervention, given in advice.interventions.items():
            if intervention_slot(intervention) == slot:
                return given.strength
        raise KeyError(slot)
    if slot == "referral":
        return None if advice.referral is None else advice.referral.urgency
    if slot == "referral_mode":
        return None if advice.referral is None else advice.referral.mode
    if slot.startswith("neurological_examination."):
        return getattr(advice.neurological_examination, slot.split(".", 1)[1])
    return getattr(advice, slot)


_URGENCY_ORDER: Final = {Urgency.IMMEDIATE: 0, Urgency.NOT_STATED: 1}
_MODE_ORDER: Final = {ReferralMode.INSTEAD_OF_TREATMENT: 0, ReferralMode.ALONGSIDE_TREATMENT: 1}


def _window_key(v: object) -> object:
    assert isinstance(v, Window)
    return (v.low, v.high if v.high is not None else 10**9)


SLOTS: Final[dict[str, Slot]] = {
    s.name: s
    for s in (
        _single("physiotherapy_indicated", bool, "physiotherapy indicated", False, lambda v: 0),
        _single("referral", Urgency, "referral to the GP", None, _URGENCY_ORDER.__getitem__),  # type: ignore[arg-type]
        _single(
            "referral_mode",
            ReferralMode,
            "referral instead of or alongside treatment",
            None,
            _MODE_ORDER.__getitem__,  # type: ignore[arg-type]
        ),
        _single("consult_general_practitioner", bool, "GP consultation", False, lambda v: 0),
        _single("profile", int, "profile", None, lambda v: -v),  # type: ignore[operator]
        _single("recheck_after_days", Window, "recheck (days)", None, _window_key),
        _single("reevaluation_after_weeks", Window, "re-evaluation (weeks)", None, _window_key),
        _single(
            "lrs_evaluation_after_weeks",
            Window,
            "LRS evaluation (weeks of complaints)",
            None,
            _window_key,
        ),
        _single("session_limit", int, "session limit", None, lambda v: v),
        *(
            _single(
                intervention_slot(i),
                Strength,
                i.value.replace("_", " "),
                Strength.NOT_INDICATED,
                lambda v: v.rank,  # type: ignore[attr-defined]
            )
            for i in Intervention
        ),
        _set("neurological_examination.components", ExamComponent, "examination components"),
        _set("neurological_examination.positive_findings", ExamComponent, "positive exam findings"),
        _set("education", EducationTopic, "education"),
        _set("safety_net_advice", SafetyNetTopic, "safety-net advice"),
        _set("exercise_guidance", ExerciseGuidance, "exercise guidance"),
        _set("behaviour_guidance", BehaviourGuidance, "behaviour guidance"),
        _set("evaluation_actions", EvaluationAction, "evaluation actions"),
        _set("warnings", AdviceWarning, "warnings"),
    )
}
"""Every advice slot a rule can write, by name."""


@attrs.frozen
class Effect:
    """Write ``value`` into ``slot`` (a single slot is set; a set slot gains a member)."""

    slot: str
    value: object

    def __attrs_post_init__(self) -> None:
        try:
            slot = SLOTS[self.slot]
        except KeyError:
            raise ValueError(f"no advice slot {self.slot!r}; known: {', '.join(SLOTS)}") from None
        if not isinstance(self.value, slot.value_type) or (
            slot.value_type is int and isinstance(self.value, bool)
        ):
            raise TypeError(
                f"slot {self.slot} takes {slot.value_type.__name__}, not {self.value!r}"
            )

    def describe(self) -> str:
        """The effect in plain words."""
        value = self.value.value if isinstance(self.value, enum.Enum) else self.value
        value = ("yes" if value else "no") if isinstance(value, bool) else value
        value = str(value).replace("_", " ")
        slot = SLOTS[self.slot]
        if slot.kind is SlotKind.SET:
            return f"{slot.words}: add {value}"
        return f"{slot.words}: {value}"


def _effects(value: Iterable[Effect]) -> tuple[Effect, ...]:
    return tuple(value)


def _strings(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def sets(slot: str, value: object) -> Effect:
    """Effect: set single slot ``slot`` to ``value`` (or add it to a set slot)."""
    return Effect(slot, value)


def refer(urgency: Urgency, mode: ReferralMode) -> tuple[Effect, ...]:
    """Effects: refer to the GP with ``urgency``, instead of or alongside treatment."""
    return (Effect("referral", urgency), Effect("referral_mode", mode))


def strength(value: Strength, *interventions: Intervention) -> tuple[Effect, ...]:
    """Effects: give each of ``interventions`` the strength ``value``."""
    return tuple(Effect(intervention_slot(i), value) for i in interventions)


def add(slot: str, *members: enum.Enum) -> tuple[Effect, ...]:
    """Effects: add ``members`` to the set slot ``slot``."""
    return tuple(Effect(slot, m) for m in members)


@attrs.frozen(kw_only=True)
class Rule:
    """One recommendation of the guideline, as data.

    Attributes:
        id: Stable identifier, e.g. ``LRS.REFER.SEVERE``; public API.
        section: The guideline section it formalizes.
        quote: The exact sentence(s) from the guideline it formalizes.
        title: A short name for people.
        when: The condition over the case (and decided advice).
        then: Its effects.
        note: How the text was read where it needed reading.

    """

    id: str
    section: Section
    quote: tuple[str, ...] = attrs.field(converter=_strings)
    title: str
    when: Expr
    then: tuple[Effect, ...] = attrs.field(converter=_effects)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.then:
            raise ValueError(f"rule {self.id} has no effect")
        if not all(q.strip() for q in self.quote) or not self.quote:
            raise ValueError(f"rule {self.id} quotes nothing")

    def writes(self, slot: str) -> tuple[object, ...]:
        """The values this rule writes into ``slot``."""
        return tuple(e.value for e in self.then if e.slot == slot)

    @property
    def slots(self) -> frozenset[str]:
        """The slots this rule writes."""
        return frozenset(e.slot for e in self.then)


@attrs.frozen(kw_only=True)
class Resolution:
    """A declared decision between rules that collide on the literal text.

    Whenever a winner's condition holds, each loser's effect on the listed
    slots is set aside. On a single slot every winner writes the slot itself
    (so it is not left empty); on a set slot a winner may write another field:
    the loser's member is set aside because it excludes what the winner gives
    (:data:`~lbp_spec.vocabulary.EXCLUSIVE_GUIDANCE`).

    Attributes:
        id: Stable identifier, e.g. ``RES.LRS_OVER_PROFILE_MASSAGE``.
        title: A short name for people.
        winners: Rules whose effect is kept.
        losers: Rules whose effect on ``slots`` is set aside.
        slots: The contested advice slots.
        reason: Why, in words.
        quotes: The guideline sentences behind the decision.

    """

    id: str
    title: str
    winners: tuple[str, ...] = attrs.field(converter=_strings)
    losers: tuple[str, ...] = attrs.field(converter=_strings)
    slots: tuple[str, ...] = attrs.field(converter=_strings)
    reason: str
    quotes: tuple[str, ...] = attrs.field(converter=_strings, default=())
