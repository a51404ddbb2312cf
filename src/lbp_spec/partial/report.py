"""The answer for a partial case in words and as a versioned JSON document (no Z3 here).

The questions are derived, not written: an unknown input is described by its
title and description in the case contract (the JSON Schema of a case,
generated from the case types), by the rules whose conditions read it, and by
the advice fields knowing it can change.
"""

from __future__ import annotations

import enum
import textwrap
from typing import Any, Final

from lbp_spec.advice import Window
from lbp_spec.contract import CONTRACT_VERSION, case_schema
from lbp_spec.contract.documents import CASE
from lbp_spec.contract.shape import Obj
from lbp_spec.logic import VARIABLES, AnyFactorAt, Expr, FactorAt, VariableKind
from lbp_spec.partial.answer import (
    FIELDS,
    Ask,
    FieldAnswer,
    PartialAdvice,
    Status,
    Witness,
    field_slot,
)
from lbp_spec.partial_case import unknown_target
from lbp_spec.rule import SLOTS, Rule, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet

__all__ = [
    "PARTIAL_ADVICE_VERSION",
    "partial_advice_schema",
    "partial_json",
    "partial_text",
    "question",
    "reading_rules",
]

PARTIAL_ADVICE_VERSION: Final = "1.0"
"""The version of the partial-advice JSON document (its own, beside the contract's)."""

_WIDTH: Final = 88


# -- values to JSON and words --------------------------------------------------------------


def value_json(value: object) -> Any:
    """An advice field's value as JSON: enums by value, windows as ``[low, high]``."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Window):
        return [value.low, value.high]
    if isinstance(value, tuple):
        return [value_json(v) for v in value]
    return value


def _words(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, Window):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_words(v) for v in value) + "]" if value else "nothing"
    return str(value)


def input_json(path: str, value: object) -> Any:
    """The value of an unknown input as the case contract writes it."""
    var, member = unknown_target(path)
    if member is not None:
        if var.kind is VariableKind.SET:
            return bool(value)
        return None if value is None else value.value  # type: ignore[attr-defined]
    if var.parent is None:
        return CASE.field(path).shape.dump(value)
    parent = CASE.field(var.parent).shape
    assert isinstance(parent, Obj)
    return parent.field(var.name).shape.dump(value)


def _fill_json(witness: Witness) -> dict[str, Any]:
    return {path: input_json(path, value) for path, value in witness.fill.items()}


def _fill_words(witness: Witness) -> str:
    return ", ".join(
        f"{path} = {_input_words(path, value)}" for path, value in witness.fill.items()
    )


def _input_words(path: str, value: object) -> str:
    shown = input_json(path, value)
    if shown is None:
        return "absent"
    if isinstance(shown, dict):
        return (
            "{" + ", ".join(f"{k}: {v}" for k, v in shown.items() if v not in (None, False)) + "}"
        )
    return _words(shown) if not isinstance(shown, list) else "[" + ", ".join(shown) + "]"


def field_words(field: str) -> str:
    """How the docs name an advice field: the slot's words, and the member of a set."""
    slot, member = field_slot(field)
    words = SLOTS[slot].words
    return words if member is None else f"{words}: {_words(member)}"


# -- questions -------------------------------------------------------------------------------


def _described(path: str) -> tuple[str, str]:
    """Title and description of a case variable in the case contract."""
    schema = case_schema()
    var = VARIABLES[path]
    if var.parent is None:
        prop = schema["properties"][path]
    else:
        prop = schema["$defs"][var.parent]["properties"][var.name]
    return str(prop.get("title", path)), str(prop.get("description", ""))


def _reads(expr: Expr, path: str) -> bool:
    var, member = unknown_target(path)
    for node in expr.walk():
        if var.kind is VariableKind.FACTORS:
            if isinstance(node, FactorAt) and member in (None, node.factor):
                return True
            if isinstance(node, AnyFactorAt) and (member is None or member in node.members):
                return True
            continue
        at = getattr(node, "path", None)
        if not isinstance(at, str):
            continue
        inside = at == var.path or at.startswith(var.path + ".")
        if inside and (member is None or getattr(node, "member", member) == member):
            return True
    return False


def reading_rules(path: str, rules: RuleSet = GUIDELINE) -> tuple[Rule, ...]:
    """The rules whose conditions read the unknown input ``path``."""
    return tuple(r for r in rules.rules if _reads(r.when, path))


def question(path: str, ask: Ask | None = None, answer: PartialAdvice | None = None) -> str:
    """The question to ask about an unknown input, in words.

    Args:
        path: The unknown input.
        ask: What knowing it can change; adds the consequences.
        answer: The whole answer; adds, where the input is the only unknown,
            the value of the input behind each possible referral.

    """
    var, member = unknown_target(path)
    title, description = _described(var.path)
    if member is not None:
        if var.kind is VariableKind.SET:
            text = f"{title}: is '{_words(member)}' among them? {description}"
        else:
            text = f"{title}: is '{_words(member)}' absent, non-dominant or dominant? {description}"
    else:
        text = f"{title}? {description}"
    if ask is None:
        return text.strip()
    if not ask.changes:
        return f"{text.strip()} Knowing it changes nothing in the advice."
    parts: list[str] = []
    for field in ask.changes:
        slot, _ = field_slot(field)
        words = SLOTS[slot].words
        if field == "referral" and ask.referral_at:
            words += f" ({_runs(path, ask.referral_at)})"
        elif answer is not None and len(answer.partial.unknown) == 1 and field == "referral":
            found = answer.field(field)
            words += (
                " ("
                + "; ".join(
                    f"{_words(v)} with {_input_words(path, w.fill[path])}" for v, w in found.values
                )
                + ")"
            )
        if words not in parts:
            parts.append(words)
    return f"{text.strip()} Knowing it can change: {', '.join(parts)}."


def _runs(path: str, pairs: tuple[tuple[object, object], ...]) -> str:
    """'immediate at 0 to 3; none at 4 to 5': runs of input values with the same referral."""
    runs: list[tuple[list[object], object]] = []
    for value, referral in pairs:
        if runs and runs[-1][1] == referral:
            runs[-1][0].append(value)
        else:
            runs.append(([value], referral))
    parts = []
    for values, referral in runs:
        first, last = _input_words(path, values[0]), _input_words(path, values[-1])
        at = first if len(values) == 1 else f"{first} to {last}"
        if len(values) > 2 and not all(isinstance(v, int) for v in values):
            at = ", ".join(_input_words(path, v) for v in values)
        word = "at" if all(isinstance(v, int) and not isinstance(v, bool) for v in values) else "if"
        parts.append(f"{_words(referral)} {word} {at}")
    return "; ".join(parts)


# -- JSON ------------------------------------------------------------------------------------


def _field_json(answer: FieldAnswer) -> dict[str, Any]:
    out: dict[str, Any] = {"field": answer.field, "status": answer.status.value}
    if answer.status is Status.SETTLED:
        out["value"] = value_json(answer.value)
    elif answer.status is Status.OPEN:
        out["exhaustive"] = answer.exhaustive
        out["values"] = [
            {"value": value_json(v), "completion": _fill_json(w), "closest": w.minimal}
            for v, w in answer.values
        ]
    return out


def partial_json(answer: PartialAdvice) -> dict[str, Any]:
    """The answer as a JSON document (see :func:`partial_advice_schema`)."""
    return {
        "partial_advice_version": PARTIAL_ADVICE_VERSION,
        "contract_version": CONTRACT_VERSION,
        "unknown": list(answer.partial.unknown),
        "fields": [_field_json(f) for f in answer.fields],
        "ask": [
            {
                "input": a.input,
                "question": question(a.input, a, answer),
                "changes": list(a.changes),
                "changes_referral": a.changes_referral,
                "changes_nothing": not a.changes and a.complete,
                "complete": a.complete,
            }
            for a in answer.ask
        ],
    }


def partial_advice_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the partial-advice document."""
    value: dict[str, Any] = {
        "description": "An advice field's value: as in an advice document (a referral "
        "by its urgency, null: none; a window as [low, high]); for one member of a set, "
        "whether the advice holds it."
    }
    completion = {
        "type": "object",
        "description": "The value of each unknown input in this completion, by field path, "
        "as the case contract writes it (a set member or a factor as true/false or its level).",
        "propertyNames": {"enum": list(_input_paths())},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:lbp-spec:partial-advice:{PARTIAL_ADVICE_VERSION}",
        "title": "lbp_spec partial advice (KNGF 2021 low back pain guideline)",
        "description": (
            "What the guideline already says for a case with unknown inputs: every advice "
            "field settled (the same for every valid completion, proven), open (each value "
            "with a completion that produces it) or undecided (the solver gave no answer), "
            "and the unknown inputs ranked by what knowing them can change."
        ),
        "type": "object",
        "properties": {
            "partial_advice_version": {"const": PARTIAL_ADVICE_VERSION},
            "contract_version": {"type": "string"},
            "unknown": {
                "type": "array",
                "items": {"enum": list(_input_paths())},
                "uniqueItems": True,
            },
            "fields": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {"enum": list(FIELDS)},
                        "status": {"enum": [s.value for s in Status]},
                        "value": value,
                        "exhaustive": {"type": "boolean"},
                        "values": {
                            "type": "array",
                            "minItems": 2,
                            "items": {
                                "type": "object",
                                "properties": {
                                    "value": value,
                                    "completion": completion,
                                    "closest": {
                                        "type": "boolean",
                                        "description": "No completion closer to the plain "
                                        "patient gives the value (false: the solver gave up "
                                        "while looking).",
                                    },
                                },
                                "required": ["value", "completion", "closest"],
                                "additionalProperties": False,
                            },
                        },
                    },
                    "required": ["field", "status"],
                    "additionalProperties": False,
                    "allOf": [
                        {
                            "if": {"properties": {"status": {"const": "settled"}}},
                            "then": {"required": ["value"]},
                        },
                        {
                            "if": {"properties": {"status": {"const": "open"}}},
                            "then": {"required": ["values", "exhaustive"]},
                        },
                    ],
                },
            },
            "ask": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "input": {"enum": list(_input_paths())},
                        "question": {"type": "string", "minLength": 1},
                        "changes": {"type": "array", "items": {"enum": list(FIELDS)}},
                        "changes_referral": {"type": "boolean"},
                        "changes_nothing": {"type": "boolean"},
                        "complete": {"type": "boolean"},
                    },
                    "required": [
                        "input",
                        "question",
                        "changes",
                        "changes_referral",
                        "changes_nothing",
                        "complete",
                    ],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["partial_advice_version", "contract_version", "unknown", "fields", "ask"],
        "additionalProperties": False,
    }


def _input_paths() -> tuple[str, ...]:
    from lbp_spec.partial_case import UNKNOWN_PATHS

    return UNKNOWN_PATHS


# -- words -----------------------------------------------------------------------------------


def _rules_for(witness: Witness, field: str, rules: RuleSet) -> list[Rule]:
    slot, member = field_slot(field)
    fired = set(witness.advice.fired)
    return [
        rule
        for rule, value in rules.writers(slot)
        if rule.id in fired
        and not fired & set(rules.overriders(rule.id, slot))
        and (member is None or value == member)
    ]


class _Text:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.lines: list[str] = []
        self.quoted: set[str] = set()

    def out(self, text: str, indent: int = 0) -> None:
        pad = " " * indent
        self.lines.extend(
            textwrap.wrap(text, _WIDTH, initial_indent=pad, subsequent_indent=pad + "  ") or [""]
        )

    def because(self, rules: list[Rule], indent: int) -> None:
        for rule in rules:
            if rule.id in self.quoted:
                self.out(f"- {rule.id} (quoted above)", indent)
                continue
            self.quoted.add(rule.id)
            self.out(f'- {rule.id} ({rule.section.value}): "{" ".join(rule.quote)}"', indent)


def partial_text(answer: PartialAdvice, rules: RuleSet = GUIDELINE) -> str:
    """The answer in words, with the guideline sentences behind each value."""
    t = _Text(rules)
    unknown = answer.partial.unknown
    t.out(f"Unknown inputs: {', '.join(unknown) if unknown else 'none'}")
    t.lines.append("")
    settled = [a for a in answer.fields if a.status is Status.SETTLED]
    open_ = [a for a in answer.fields if a.status is Status.OPEN]
    undecided = [a for a in answer.fields if a.status is Status.UNDECIDED]
    t.out("Already certain, whatever the unknown inputs turn out to be (proven):")
    groups: dict[str, list[FieldAnswer]] = {}
    for a in settled:
        slot, member = field_slot(a.field)
        if member is None:
            groups[a.field] = [a]
        elif a.value:
            groups.setdefault(slot, []).append(a)
    for slot, items in groups.items():
        if SLOTS[slot].kind is SlotKind.SET:
            members = ", ".join(_words(field_slot(a.field)[1]) for a in items)
            t.out(f"{SLOTS[slot].words}: {members}", 2)
        else:
            t.out(f"{SLOTS[slot].words}: {_words(items[0].value)}", 2)
        behind: list[Rule] = []
        for a in items:
            assert a.witness is not None
            behind.extend(r for r in _rules_for(a.witness, a.field, rules) if r not in behind)
        t.because(behind, 4)
    t.lines.append("")
    if open_:
        t.out("Depends on the unknown inputs:")
        for a in open_:
            more = "" if a.exhaustive else " (possibly more values: the solver gave up)"
            t.out(f"{field_words(a.field)}{more}:", 2)
            for value, w in a.values:
                t.out(f"{_words(value)}, e.g. with {_fill_words(w)}", 4)
                t.because(_rules_for(w, a.field, rules), 6)
        t.lines.append("")
    if undecided:
        t.out(
            "Undecided (the solver gave no answer in time; nothing is claimed): "
            + ", ".join(field_words(a.field) for a in undecided)
        )
        t.lines.append("")
    if answer.ask:
        t.out("What to find out, most consequential first:")
        for i, ask in enumerate(answer.ask, start=1):
            t.out(f"{i}. {ask.input}: {question(ask.input, ask, answer)}", 2)
            reading = reading_rules(ask.input, rules)
            if reading and ask.changes:
                t.out("read by: " + ", ".join(r.id for r in reading), 5)
    return "\n".join(t.lines).rstrip() + "\n"
