"""The answer for a partial case, as frozen values (nothing here knows Z3)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final

import attrs

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.partial_case import PartialCase
from lbp_spec.rule import SLOTS, SlotKind, slot_value

__all__ = [
    "FIELDS",
    "Ask",
    "FieldAnswer",
    "PartialAdvice",
    "Status",
    "Witness",
    "field_slot",
    "field_value",
]


def _fields() -> tuple[str, ...]:
    out: list[str] = []
    for slot, meta in SLOTS.items():
        if meta.kind is SlotKind.SINGLE:
            out.append(slot)
        else:
            out.extend(f"{slot}.{m.value}" for m in meta.value_type)  # type: ignore[attr-defined]
    return tuple(out)


FIELDS: Final = _fields()
"""The advice fields a partial answer speaks about, in advice order: every single
slot of :data:`lbp_spec.rule.SLOTS`, and every member of a set slot as a field of
its own (``education.stay_active_and_self_manage``: in the advice or not)."""


def field_slot(field: str) -> tuple[str, enum.Enum | None]:
    """The slot of an advice field, and the member when the field is one member of a set."""
    if field in SLOTS:
        return field, None
    slot, _, name = field.rpartition(".")
    for member in SLOTS[slot].value_type:  # type: ignore[attr-defined]
        if member.value == name:
            return slot, member
    raise KeyError(field)


def field_value(advice: Advice, field: str) -> object:
    """The value of one advice field (see :data:`~lbp_spec.partial.answer.FIELDS`) in an advice.

    A single slot reads as its value (the referral as its urgency, ``None`` when
    there is none); a member of a set as whether the advice holds it.
    """
    slot, member = field_slot(field)
    value: Any = slot_value(advice, slot)
    if member is not None:
        return member in value
    return value


class Status(enum.Enum):
    """What is known about one advice field for a partial case."""

    SETTLED = "settled"
    """The same value for every valid completion (proven)."""
    OPEN = "open"
    """Different completions give different values (each shown by a witness)."""
    UNDECIDED = "undecided"
    """The solver gave no answer (unknown, time limit): nothing is claimed."""


@attrs.frozen
class Witness:
    """A completion of the partial case and the advice the evaluator gives it.

    Attributes:
        fill: The value at each unknown path.
        case: The completed case.
        advice: ``evaluate(case)``.
        minimal: No completion closer to the plain patient gives the value it
            witnesses (false when the solver gave up during the search).

    """

    fill: Mapping[str, object]
    case: Case
    advice: Advice
    minimal: bool = True


@attrs.frozen(kw_only=True)
class FieldAnswer:
    """One advice field (see :data:`~lbp_spec.partial.answer.FIELDS`) for a partial case.

    Attributes:
        field: The field, e.g. ``referral``, ``interventions.massage`` or
            ``education.stay_active_and_self_manage``.
        status: Settled, open or undecided.
        value: The settled value (``None`` otherwise, or when that is the value).
        witness: For a settled field, a completion (replayed through the evaluator).
        values: For an open field, each value with a completion that produces it.
        exhaustive: For an open field, whether ``values`` is proven to be every
            value the field can take.

    """

    field: str
    status: Status
    value: object = None
    witness: Witness | None = None
    values: tuple[tuple[object, Witness], ...] = ()
    exhaustive: bool = True


@attrs.frozen(kw_only=True)
class Ask:
    """An unknown input and what knowing it can change.

    Attributes:
        input: The unknown input, by field path.
        changes: The advice fields it can change on its own (for some values of
            the other unknown inputs, held fixed), in advice order; empty: it
            changes nothing.
        complete: Whether ``changes`` is proven complete (the solver answered).
        referral_at: When it is the only unknown input, has few values and can
            change the referral: each valid value with the referral it gives.

    """

    input: str
    changes: tuple[str, ...]
    complete: bool = True
    referral_at: tuple[tuple[object, object], ...] = ()

    @property
    def changes_referral(self) -> bool:
        """Whether it can change whether the patient is referred, or how urgently."""
        return any(f == "referral" or f.startswith("referral.") for f in self.changes)


@attrs.frozen(kw_only=True)
class PartialAdvice:
    """What the guideline already says for a partial case; see :func:`lbp_spec.evaluate_partial`.

    Attributes:
        partial: The partial case.
        fields: Every advice field, in advice order.
        ask: The unknown inputs, most consequential first: those that can
            change a referral or its urgency, then by how many advice slots
            (a set counted once) they can change.
        seconds: Wall time.
        checks: Solver questions asked.

    """

    partial: PartialCase
    fields: tuple[FieldAnswer, ...]
    ask: tuple[Ask, ...]
    seconds: float = 0.0
    checks: int = 0

    def field(self, name: str) -> FieldAnswer:
        """The answer for the advice field ``name``."""
        for answer in self.fields:
            if answer.field == name:
                return answer
        raise KeyError(name)

    def settled(self) -> dict[str, object]:
        """The settled fields and their values."""
        return {a.field: a.value for a in self.fields if a.status is Status.SETTLED}
