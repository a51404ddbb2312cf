"""CDS Hooks cards for a case with inputs not known: what is certain, and what to ask.

From the answer of :func:`lbp_spec.evaluate_partial`:

* the **settled** parts of the advice, as the usual cards
  (:func:`lbp_spec.service.cards.advice_cards`): they hold for every valid
  completion of the unknown inputs (proven), so they are advice. An advice part
  that is open or undecided is left out of them (a set keeps only its settled
  members; a part of the advice no advice field covers is left out unless
  every field of its part is settled);
* one card of its own kind (:data:`UNKNOWN_CARD`) that names the inputs not
  known, says what is already certain, lists what is still open (never as
  advice) and what is undecided (the solver gave no answer: never shown as
  settled), and asks the questions in the order of the answer's ``ask`` list,
  in words, with the guideline sentences of the rules that read each input. Its
  indicator is ``warning`` when an unknown input can change whether the patient
  is referred or how urgently (or when that is undecided), ``info`` otherwise.

Everything is derived from the advice fields (:data:`lbp_spec.partial.FIELDS`)
and the rules; nothing here names a case or advice field.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Final

from lbp_spec.contract import advice_to_json
from lbp_spec.partial import (
    FIELDS,
    FieldAnswer,
    PartialAdvice,
    Status,
    evaluate_partial,
    field_slot,
    field_value,
    question,
)
from lbp_spec.partial.report import field_words, reading_rules, value_json
from lbp_spec.partial_case import PartialCase, unknown_target
from lbp_spec.rule import SLOTS, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.service.cards import SUMMARY_LIMIT, advice_cards, card_uuid, source

__all__ = ["UNKNOWN_CARD", "advise_partial", "partial_cards", "settled_document", "unknown_card"]

UNKNOWN_CARD: Final = "inputs_not_known"
"""The kind of the card about the inputs not known (its ``uuid`` is ``card_uuid`` of it)."""

_KEEP: Final = frozenset({"contract_version", "trace", "resolutions"})
_LOCK: Final = threading.Lock()


def advise_partial(partial: PartialCase, rules: RuleSet = GUIDELINE) -> PartialAdvice:
    """:func:`lbp_spec.evaluate_partial`, one call at a time (the solver's state is shared)."""
    with _LOCK:
        return evaluate_partial(partial, rules)


def _settled(answer: PartialAdvice) -> dict[str, FieldAnswer]:
    return {a.field: a for a in answer.fields if a.status is Status.SETTLED}


def _base(answer: PartialAdvice) -> Any:
    """The advice of one completion (every settled field has its settled value there)."""
    for a in answer.fields:
        if a.witness is not None:
            return a.witness.advice
        for _, witness in a.values:
            return witness.advice
    return None


def _under(prefix: str) -> list[str]:
    return [f for f in FIELDS if f == prefix or f.startswith(prefix + ".")]


def _mask(value: Any, key: str, settled: Mapping[str, FieldAnswer]) -> Any:
    """``value`` (the advice part at ``key``) with what is not settled left out."""
    if key in FIELDS:
        return value if key in settled else None
    fields = _under(key)
    if not fields:
        return None  # no advice field covers it: nothing proven about it
    if isinstance(value, list):
        kept = []
        for member in value:
            known = settled.get(f"{key}.{member}")
            if known is not None and known.value is True:
                kept.append(member)
        return kept
    if isinstance(value, Mapping):
        every = all(f in settled for f in fields)
        out = {}
        for sub, part in value.items():
            inner = f"{key}.{sub}"
            if _under(inner):
                masked = _mask(part, inner, settled)
                if masked is not None:
                    out[sub] = masked
            elif every:
                out[sub] = part
        return out
    return value if all(f in settled for f in fields) else None


def _writes_settled(rule_id: str, rules: RuleSet, settled: Mapping[str, FieldAnswer]) -> bool:
    try:
        rule = rules.rule(rule_id)
    except KeyError:
        return False
    for effect in rule.then:
        meta = SLOTS.get(effect.slot)
        member = getattr(effect.value, "value", effect.value)
        field = (
            effect.slot
            if meta is None or meta.kind is SlotKind.SINGLE
            else (f"{effect.slot}.{member}")
        )
        if field in settled:
            return True
    return False


def settled_document(answer: PartialAdvice, rules: RuleSet = GUIDELINE) -> dict[str, Any] | None:
    """The advice document of the settled fields only (``None``: no completion found).

    Raises:
        RuntimeError: The completion disagrees with a settled value (a bug).

    """
    advice = _base(answer)
    if advice is None:
        return None
    settled = _settled(answer)
    for name, a in settled.items():
        if value_json(a.value) != value_json(field_value(advice, name)):
            raise RuntimeError(f"a completion disagrees with the settled {name}")
    base = advice_to_json(advice)
    out: dict[str, Any] = {}
    for key, value in base.items():
        out[key] = value if key in _KEEP else _mask(value, key, settled)
    out["trace"] = [t for t in base.get("trace", []) if _writes_settled(t["rule"], rules, settled)]
    out["resolutions"] = [
        r for r in base.get("resolutions", []) if any(f in settled for f in _under(r["slot"]))
    ]
    return out


def _value_words(value: object) -> str:
    shown = value_json(value)
    if shown is None:
        return "none"
    if isinstance(shown, bool):
        return "yes" if shown else "no"
    if isinstance(shown, list) and len(shown) == 2:
        low, high = shown
        return f"at least {low}" if high is None else f"{low} to {high}"
    return str(shown).replace("_", " ")


def _certain_lines(answer: PartialAdvice) -> list[str]:
    lines = []
    groups: dict[str, list[str]] = {}
    for a in answer.fields:
        if a.status is not Status.SETTLED:
            continue
        slot, member = field_slot(a.field)
        if member is None:
            lines.append(f"- {SLOTS[slot].words}: {_value_words(a.value)}")
        elif a.value is True:
            groups.setdefault(slot, []).append(str(member.value).replace("_", " "))
    for slot, members in groups.items():
        lines.append(f"- {SLOTS[slot].words}: {', '.join(members)}")
    return lines


def _open_lines(answer: PartialAdvice) -> list[str]:
    lines = []
    members: dict[str, list[str]] = {}
    for a in answer.fields:
        if a.status is not Status.OPEN:
            continue
        more = "" if a.exhaustive else " (possibly more: the solver gave up)"
        slot, member = field_slot(a.field)
        if member is not None:
            members.setdefault(slot, []).append(str(member.value).replace("_", " ") + more)
            continue
        values = " or ".join(_value_words(v) for v, _ in a.values)
        if a.exhaustive and all(v is not None for v, _ in a.values):
            values += " (never none)"
        lines.append(f"- {field_words(a.field)}: {values}{more}")
    for slot, names in members.items():
        lines.append(f"- {SLOTS[slot].words}, whether it holds: {', '.join(names)}")
    return lines


def _quote_lines(rule_ids: Sequence[str], rules: RuleSet) -> list[str]:
    lines = []
    for rule_id in rule_ids:
        rule = rules.rule(rule_id)
        lines.append(f"   - **{rule.id}**: {rule.title} ({rule.section.value})")
        lines.extend(f"     > “{sentence}”" for sentence in rule.quote)
    return lines


def _title(path: str) -> str:
    """The input's name in words: its field's title, and the member or factor it names."""
    var, member = unknown_target(path)
    title = question(var.path).split("?")[0]
    return title if member is None else f"{title}: {str(member.value).replace('_', ' ')}"


def _changes_referral_undecided(answer: PartialAdvice) -> bool:
    return any(
        a.status is Status.UNDECIDED and field_slot(a.field)[0] == "referral" for a in answer.fields
    )


def _summary(answer: PartialAdvice) -> str:
    unknown = answer.partial.unknown
    head = (
        f"Not known: {_title(unknown[0])}"
        if len(unknown) == 1
        else (f"{len(unknown)} inputs not known")
    )
    asks = answer.ask
    if asks and all(not a.changes and a.complete for a in asks):
        them = "it" if len(unknown) == 1 else "them"
        text = f"{head}. Knowing {them} changes nothing in the advice"
    elif asks:
        text = f"{head}. Ask first: {_title(asks[0].input)}"
        if asks[0].changes_referral:
            text += " (it can change the referral)"
    else:
        text = head
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def unknown_card(
    answer: PartialAdvice,
    reasons: Mapping[str, str] | None = None,
    rules: RuleSet = GUIDELINE,
) -> dict[str, Any]:
    """The card about the inputs not known (see the module docstring).

    Args:
        answer: The answer of :func:`lbp_spec.evaluate_partial`.
        reasons: Why each input is not known (e.g. a DataAbsentReason code), by path.
        rules: The rule set the answer came from.

    """
    reasons = reasons or {}
    lines = ["**Not known**:", ""]
    for path in answer.partial.unknown:
        why = f", {reasons[path].replace('-', ' ')}" if path in reasons else ""
        lines.append(f"- {_title(path)} (`{path}`{why})")
    lines.append("")
    certain = _certain_lines(answer)
    lines.append(
        "**Already certain**, whatever they turn out to be (proven for every valid case "
        "that completes what is known; the parts that say something are shown as their "
        "own cards):"
    )
    lines.append("")
    lines.extend(certain or ["- nothing yet"])
    lines.append("")
    opened = _open_lines(answer)
    if opened:
        lines.append("**Still open**, until the questions below are answered (not advice):")
        lines.append("")
        lines.extend(opened)
        lines.append("")
    undecided = [field_words(a.field) for a in answer.fields if a.status is Status.UNDECIDED]
    if undecided:
        lines.append(
            "**Undecided**: the solver gave no answer in time, so nothing is claimed about "
            + ", ".join(undecided)
            + "."
        )
        lines.append("")
    lines.extend(["**What to ask**, most consequential first:", ""])
    for i, ask in enumerate(answer.ask, start=1):
        text = question(ask.input, ask, answer)
        if not ask.changes and not ask.complete:
            text += " (The solver gave no answer on what it changes: undecided.)"
        elif not ask.complete:
            text += " (Possibly more: the solver gave up.)"
        lines.append(f"{i}. {text}")
        slots = {field_slot(f)[0] for f in ask.changes}
        behind = [
            r.id for r in reading_rules(ask.input, rules) if any(e.slot in slots for e in r.then)
        ]
        if behind:
            lines.append("")
            lines.append("   The guideline sentences that read it:")
            lines.append("")
            lines.extend(_quote_lines(behind, rules))
        lines.append("")
    warning = any(a.changes_referral for a in answer.ask) or _changes_referral_undecided(answer)
    return {
        "uuid": card_uuid(UNKNOWN_CARD),
        "summary": _summary(answer),
        "detail": "\n".join(lines).strip() + "\n",
        "indicator": "warning" if warning else "info",
        "source": source(),
    }


def partial_cards(
    answer: PartialAdvice,
    reasons: Mapping[str, str] | None = None,
    rules: RuleSet = GUIDELINE,
) -> list[dict[str, Any]]:
    """The cards for a partial case: the card about the inputs not known, then the settled ones.

    Args:
        answer: The answer of :func:`lbp_spec.evaluate_partial`.
        reasons: Why each input is not known, by path (shown in the card).
        rules: The rule set the answer came from.

    """
    cards = [unknown_card(answer, reasons, rules)]
    document = settled_document(answer, rules)
    if document is not None:
        for card in advice_cards(document, rules):
            card["detail"] += "\nCertain whatever the inputs not known turn out to be (proven).\n"
            cards.append(card)
    return cards
