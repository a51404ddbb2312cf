"""CDS Hooks cards from an advice: one card per part of the advice, with its reasons.

Built generically from the advice document of the contract
(:func:`lbp_spec.contract.advice_to_json`) and its JSON Schema: every
normative field of the advice that says something (not null, not false, not
empty; an intervention only when it is not ``not_indicated``; the neurological
examination only when it is required) becomes a card. A field added to the
advice becomes a card without a change here.

Each card has (CDS Hooks 2.0, "Card Attributes"):

* ``uuid``: stable per card kind (a name-based UUID of the advice field), so a
  client can recognise "the referral card" across calls;
* ``summary``: under 140 characters, the field and its value in words;
* ``indicator``: ``critical`` for a referral whose urgency is ``immediate``,
  ``warning`` for any other referral (whatever its urgency; a referral is never
  shown as ``info``) and for the warnings, ``info`` otherwise;
* ``detail``: GitHub-flavoured markdown with the value, what the field means,
  and the exact guideline sentences of the rules that fired for it (from the
  advice's trace), with the resolutions that decided a collision on it;
* ``source``: the guideline and the version of this specification.

An urgency is always shown by its own value in words: an urgency the guideline
does not state is never rendered as "routine" or "not urgent".
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

from lbp_spec.contract import advice_schema
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import Strength

__all__ = ["SUMMARY_LIMIT", "advice_cards", "card_uuid", "source"]

SUMMARY_LIMIT: Final = 139
"""CDS Hooks 2.0: the summary is a "<140-character" message."""

_NOT_CARDS: Final = frozenset({"contract_version", "trace", "resolutions"})
_DEFAULT_STRENGTH: Final = Strength.NOT_INDICATED.value
_UUID_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:lbp-spec:cds-hooks:card")


def card_uuid(kind: str) -> str:
    """The stable UUID of the card for advice field ``kind``."""
    return str(uuid.uuid5(_UUID_NAMESPACE, kind))


def source() -> dict[str, Any]:
    """The ``source`` of every card: the guideline and this specification's version."""
    from lbp_spec import __version__
    from lbp_spec.contract import CONTRACT_VERSION

    return {
        "label": (
            f"KNGF guideline Low back pain and LRS (2021); lbp_spec {__version__}, "
            f"contract {CONTRACT_VERSION}"
        )
    }


def _words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(v is None or isinstance(v, int) for v in value)
    ):
        low, high = value
        return f"at least {low}" if high is None else f"{low} to {high}"
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{_words(k)} {_words(v)}" for k, v in value.items() if v not in (None, [], {})
        )
    return str(value).replace("_", " ")


def _urgency(value: object) -> str:
    """An urgency in words; one the guideline does not state is said to be unstated."""
    return "not stated by the guideline" if value is None else _words(value)


def _present(name: str, value: object) -> object:
    """The part of ``value`` worth a card (``None`` when there is nothing to say)."""
    if value is None or value is False or value == [] or value == {}:
        return None
    if isinstance(value, Mapping):
        if value.get("required") is False:
            return None
        if all(isinstance(v, Mapping) and "strength" in v for v in value.values()):
            shown = {k: v for k, v in value.items() if v.get("strength") != _DEFAULT_STRENGTH}
            return shown or None
    return value


def _summary(title: str, name: str, value: object) -> str:
    if isinstance(value, Mapping) and "urgency" in value:
        to = _words(value.get("to", ""))
        text = f"{title}: to the {to}, urgency {_urgency(value['urgency'])}"
        text += "".join(
            f", {_words(k)} {_words(v)}"
            for k, v in value.items()
            if k not in ("to", "urgency") and v not in (None, [], {})
        )
    elif value is True:
        text = title
    elif isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):
        text = f"{title}: " + ", ".join(
            f"{_words(k)} {_words(v.get('strength'))}" for k, v in value.items()
        )
    elif isinstance(value, Mapping):
        text = f"{title}: " + _words({k: v for k, v in value.items() if k != "required"})
    else:
        text = f"{title}: {_words(value)}"
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def _indicator(name: str, value: object) -> str:
    if isinstance(value, Mapping) and "urgency" in value:
        return "critical" if value["urgency"] == "immediate" else "warning"
    if name == "warnings":
        return "warning"
    return "info"


def _rules_behind(name: str, fired: Sequence[str], rules: RuleSet) -> list[str]:
    out = []
    for rule_id in fired:
        try:
            rule = rules.rule(rule_id)
        except KeyError:
            continue
        if any(slot == name or slot.startswith(f"{name}.") for slot in rule.slots):
            out.append(rule_id)
    return out


def _quote_block(rule_ids: Sequence[str], rules: RuleSet) -> list[str]:
    lines = []
    for rule_id in rule_ids:
        try:
            rule = rules.rule(rule_id)
        except KeyError:
            lines.append(f"- **{rule_id}** (not in {rules.name})")
            continue
        lines.append(f"- **{rule.id}**: {rule.title} ({rule.section.value})")
        lines.extend(f"  > “{sentence}”" for sentence in rule.quote)
    return lines


def _detail(
    name: str,
    title: str,
    value: object,
    description: str,
    advice: Mapping[str, Any],
    rules: RuleSet,
) -> str:
    fired = [entry["rule"] for entry in advice.get("trace", [])]
    lines = []
    if isinstance(value, Mapping) and all(
        isinstance(v, Mapping) and "strength" in v for v in value.values()
    ):
        lines.append(f"**{title}**")
        lines.append("")
        for key, part in value.items():
            lines.append(f"- {_words(key)}: **{_words(part['strength'])}**")
        lines.append("")
        if description:
            lines.extend([description, ""])
        for key, part in value.items():
            ids = list(part.get("rules", ())) or _rules_behind(f"{name}.{key}", fired, rules)
            if ids:
                lines.append(f"Behind {_words(key)}:")
                lines.append("")
                lines.extend(_quote_block(ids, rules))
                lines.append("")
    else:
        lines.extend([f"**{title}**: {_words(value)}", ""])
        if description:
            lines.extend([description, ""])
        ids = _rules_behind(name, fired, rules)
        if ids:
            lines.append("The guideline sentences behind it:")
            lines.append("")
            lines.extend(_quote_block(ids, rules))
            lines.append("")
    declared = {r.id: r for r in rules.resolutions}
    for applied in advice.get("resolutions", []):
        slot = str(applied.get("slot", ""))
        if slot == name or slot.startswith(f"{name}."):
            resolution = declared.get(applied["resolution"])
            reason = "" if resolution is None else f": {resolution.reason}"
            lines.append(
                f"Collision resolved by **{applied['resolution']}** ({applied['winner']} over "
                f"{applied['loser']} on {slot}){reason}"
            )
            lines.append("")
    return "\n".join(lines).strip() + "\n"


@functools.cache
def _contract_properties() -> Mapping[str, Any]:
    """Titles and descriptions of the contract's advice fields (read once)."""
    return dict(advice_schema().get("properties", {}))


def advice_cards(
    advice: Mapping[str, Any],
    rules: RuleSet = GUIDELINE,
    schema: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The CDS Hooks cards of an advice document, in the order of its fields.

    Args:
        advice: An advice document (JSON) with its trace.
        rules: The rule set the advice came from (titles and quotes).
        schema: The advice JSON Schema (titles, descriptions); the contract's own
            unless given.

    """
    properties: Mapping[str, Any] = (
        _contract_properties() if schema is None else schema.get("properties", {})
    )
    cards = []
    for name, raw in advice.items():
        if name in _NOT_CARDS:
            continue
        value = _present(name, raw)
        if value is None:
            continue
        meta = properties.get(name, {})
        title = str(meta.get("title") or name.replace("_", " ").capitalize())
        description = str(meta.get("description") or "")
        cards.append(
            {
                "uuid": card_uuid(name),
                "summary": _summary(title, name, value),
                "detail": _detail(name, title, value, description, advice, rules),
                "indicator": _indicator(name, value),
                "source": source(),
            }
        )
    return cards
