"""A rule set: rules plus resolutions, checked, with the queries that all walkers share.

The evaluator, the Z3 encoding and the docs all read a rule set through these
queries.

The semantics, once, in words (the evaluator and :mod:`lbp_spec.symbolic` both
implement exactly this):

* a rule *fires* when its condition holds;
* a rule's effect on a slot is *set aside* when a winner of a resolution that
  names the rule as a loser on that slot fires;
* a single slot *holds* a value when a firing rule that is not set aside on the
  slot writes that value; a set slot holds every member such a rule adds;
* the *decided* value of a single slot is the value it holds; when it holds
  none, the slot's default; when it holds several (an unresolved collision), the
  value that sorts first by the slot's priority, and the advice carries the
  ``unresolved_collision`` warning;
* a condition that reads a slot (:class:`~lbp_spec.logic.AdviceIs`) reads its
  decided value, so rules that write a slot come before rules that read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property

import attrs

from lbp_spec.errors import RuleSetError
from lbp_spec.logic import AdviceIs, Expr, Named
from lbp_spec.rule import SLOTS, Resolution, Rule, SlotKind

__all__ = ["RuleSet"]


def _reads(expr: Expr) -> frozenset[str]:
    return frozenset(node.slot for node in expr.walk() if isinstance(node, AdviceIs))


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


def _resolutions(value: Iterable[Resolution]) -> tuple[Resolution, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class RuleSet:
    """An ordered, checked collection of rules and resolutions.

    Attributes:
        name: What the rule set is, for people.
        rules: The rules, in the order of the guideline.
        resolutions: Declared resolutions of literal collisions.

    Raises:
        RuleSetError: On duplicate ids, resolutions naming unknown rules or slots
            a loser does not write, reads of unknown slots, or a rule that
            (through other rules) reads a slot it helps decide.

    """

    name: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    resolutions: tuple[Resolution, ...] = attrs.field(converter=_resolutions, default=())

    def __attrs_post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise RuleSetError(
                f"rule set {self.name!r} is malformed:\n  - " + "\n  - ".join(problems)
            )
        self.order  # noqa: B018 - computes and checks the dependency order

    def _problems(self) -> Iterator[str]:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                yield f"duplicate rule id {rule.id}"
            seen.add(rule.id)
            for slot in _reads(rule.when):
                if slot not in SLOTS or SLOTS[slot].kind is not SlotKind.SINGLE:
                    yield f"{rule.id} reads {slot!r}, which is not a single advice slot"
            names: dict[str, Named] = {}
            for node in rule.when.walk():
                if isinstance(node, Named) and names.setdefault(node.name, node) != node:
                    yield f"{rule.id}: two different definitions named {node.name!r}"
        res_seen: set[str] = set()
        for res in self.resolutions:
            if res.id in res_seen:
                yield f"duplicate resolution id {res.id}"
            res_seen.add(res.id)
            for rid in (*res.winners, *res.losers):
                if rid not in seen:
                    yield f"{res.id} names unknown rule {rid}"
            if any(r not in seen for r in (*res.winners, *res.losers)):
                continue
            for slot in res.slots:
                if slot not in SLOTS:
                    yield f"{res.id} names unknown slot {slot!r}"
                elif not any(slot in self.rule(r).slots for r in res.losers):
                    yield f"{res.id}: no loser writes {slot}"
            for loser in res.losers:
                if not self.rule(loser).slots & set(res.slots):
                    yield f"{res.id}: loser {loser} writes none of {', '.join(res.slots)}"
            for winner in res.winners:
                missing = [
                    s
                    for s in res.slots
                    if s in SLOTS
                    and SLOTS[s].kind is SlotKind.SINGLE
                    and s not in self.rule(winner).slots
                ]
                if missing:
                    yield (
                        f"{res.id}: winner {winner} does not write {', '.join(missing)}, so it "
                        "would set the losers aside and leave the field empty"
                    )
            if set(res.winners) & set(res.losers):
                yield f"{res.id}: a rule cannot win against itself"

    # -- lookups -------------------------------------------------------------------------

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``.

        Raises:
            KeyError: No such rule.

        """
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise KeyError(f"no rule {rule_id!r} in {self.name}") from None

    def index(self, rule_id: str) -> int:
        """Position of a rule in :attr:`rules`."""
        return self.rules.index(self.rule(rule_id))

    @cached_property
    def _writers(self) -> dict[str, tuple[tuple[Rule, object], ...]]:
        out: dict[str, list[tuple[Rule, object]]] = defaultdict(list)
        for rule in self.rules:
            for effect in rule.then:
                out[effect.slot].append((rule, effect.value))
        return {slot: tuple(ws) for slot, ws in out.items()}

    def writers(self, slot: str) -> tuple[tuple[Rule, object], ...]:
        """Each (rule, value) that writes ``slot``, in rule order."""
        return self._writers.get(slot, ())

    @cached_property
    def _overriders(self) -> dict[tuple[str, str], tuple[str, ...]]:
        out: dict[tuple[str, str], list[str]] = defaultdict(list)
        for res in self.resolutions:
            for loser in res.losers:
                for slot in res.slots:
                    if slot in self.rule(loser).slots:
                        for winner in res.winners:
                            if winner not in out[loser, slot]:
                                out[loser, slot].append(winner)
        return {k: tuple(v) for k, v in out.items()}

    def overriders(self, rule_id: str, slot: str) -> tuple[str, ...]:
        """Rules whose firing sets aside the effect of ``rule_id`` on ``slot``."""
        return self._overriders.get((rule_id, slot), ())

    def resolutions_between(self, winner: str, loser: str, slot: str) -> tuple[Resolution, ...]:
        """The resolutions that let ``winner`` set aside ``loser`` on ``slot``."""
        return tuple(
            r
            for r in self.resolutions
            if winner in r.winners and loser in r.losers and slot in r.slots
        )

    def domain(self, slot: str) -> tuple[object, ...]:
        """The distinct values rules write into ``slot``, by the slot's priority."""
        values: list[object] = []
        for _, value in self.writers(slot):
            if value not in values:
                values.append(value)
        return tuple(sorted(values, key=SLOTS[slot].priority))  # type: ignore[arg-type]

    @property
    def written_slots(self) -> tuple[str, ...]:
        """Every slot some rule writes, in :data:`~lbp_spec.rule.SLOTS` order."""
        return tuple(s for s in SLOTS if s in self._writers)

    def reads(self, rule: Rule) -> frozenset[str]:
        """The advice slots the condition of ``rule`` reads."""
        return _reads(rule.when)

    # -- dependency order --------------------------------------------------------------------

    def slot_inputs(self, slot: str) -> tuple[str, ...]:
        """Ids of the rules whose firing decides ``slot``: writers and their overriders."""
        return self._slot_inputs.get(slot, ())

    @cached_property
    def _slot_inputs(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for slot in self._writers:
            ids: dict[str, None] = {}
            for rule, _ in self.writers(slot):
                ids[rule.id] = None
                ids.update(dict.fromkeys(self.overriders(rule.id, slot)))
            out[slot] = tuple(ids)
        return out

    @cached_property
    def order(self) -> tuple[Rule, ...]:
        """The rules in an order where every slot is decided before it is read.

        Rule-set order is kept wherever the dependencies allow.

        Raises:
            RuleSetError: When a rule depends on itself through the slots it reads.

        """
        deps = {
            rule.id: {rid for slot in self.reads(rule) for rid in self.slot_inputs(slot)}
            for rule in self.rules
        }
        done: list[Rule] = []
        placed: set[str] = set()
        pending = list(self.rules)
        while pending:
            ready = [r for r in pending if deps[r.id] <= placed]
            if not ready:
                cycle = ", ".join(r.id for r in pending)
                raise RuleSetError(
                    f"rule set {self.name!r}: these rules read slots they help decide: {cycle}"
                )
            for r in ready:
                placed.add(r.id)
                done.append(r)
            pending = [r for r in pending if r.id not in placed]
        return tuple(done)

    # -- variants ------------------------------------------------------------------------------

    def literal(self) -> RuleSet:
        """The same rules without any resolution: the guideline's literal reading."""
        return RuleSet(f"{self.name} (literal)", self.rules, ())

    def without(self, rule_ids: Iterable[str]) -> RuleSet:
        """A copy without the given rules (and resolutions that name them)."""
        drop = set(rule_ids)
        rules = tuple(r for r in self.rules if r.id not in drop)
        by_id = {r.id: r for r in rules}
        kept = []
        for res in self.resolutions:
            losers = [lo for lo in res.losers if lo not in drop]
            slots = [s for s in res.slots if any(s in by_id[lo].slots for lo in losers)]
            losers = [lo for lo in losers if by_id[lo].slots & set(slots)]
            winners = [w for w in res.winners if w not in drop]
            if winners and losers and slots:
                kept.append(attrs.evolve(res, winners=winners, losers=losers, slots=slots))
        return RuleSet(self.name, rules, kept)
