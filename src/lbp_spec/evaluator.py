"""Rules to fast Python: :func:`evaluate` gives the advice for a case.

A rule set is compiled once (on first use) into the source of one Python
function that computes every condition, decides every slot as described in
:mod:`lbp_spec.ruleset`, and builds the :class:`~lbp_spec.advice.Advice`. The
generated source can be read with :func:`evaluator_source`. Nothing here knows Z3.
"""

from __future__ import annotations

import functools
import itertools
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs

from lbp_spec.advice import (
    Advice,
    AppliedResolution,
    InterventionAdvice,
    NeurologicalExamination,
    Referral,
    TraceEntry,
)
from lbp_spec.case import Case
from lbp_spec.logic import PyContext
from lbp_spec.rule import SLOTS, SlotKind, intervention_slot
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import AdviceWarning, Intervention, ReferralMode, Urgency

__all__ = ["evaluate", "evaluator_for", "evaluator_source"]

Evaluator = Callable[[Case], Advice]

_SET_FIELDS = {
    "neurological_examination.components": "components",
    "neurological_examination.positive_findings": "positive",
    "education": "education",
    "safety_net_advice": "safety_net_advice",
    "exercise_guidance": "exercise_guidance",
    "behaviour_guidance": "behaviour_guidance",
    "evaluation_actions": "evaluation_actions",
    "warnings": "warnings",
}


def _local(slot: str) -> str:
    return "d_" + slot.replace(".", "__")


class _Fired(Mapping[str, bool]):
    """Which rules fired, read from the bits of a table index (``rule id -> bit``)."""

    def __init__(self, mask: int, bits: Mapping[str, int]) -> None:
        self._mask, self._bits = mask, bits

    def __getitem__(self, rule_id: str) -> bool:
        return self._mask & self._bits[rule_id] != 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._bits)

    def __len__(self) -> int:
        return len(self._bits)


MAX_TABLE_INPUTS: Final = 8
"""The most rule flags an output part is tabulated over (a table of 2**8 entries).

A part of the advice (a set field, an intervention's advice, the referral, the
examination) depends only on whether the rules that write it, and the rules
that override those, fired. Over at most this many distinct flags the compiler
computes the part for every combination once and the evaluator looks it up by
index; over more (a large synthetic rule set) it is assembled case by case.
"""


class _Compiler:
    def __init__(self, ruleset: RuleSet, *, tables: bool = True) -> None:
        self.rs = ruleset
        self.tables = tables
        self.ctx = PyContext(self._advice_reader)
        self.lines: list[str] = []
        self.decided: set[str] = set()
        self.index = {r.id: i for i, r in enumerate(ruleset.rules)}
        self.collision_flags: list[str] = []
        self.same: dict[str, str] = {}
        """Each local to the first local computed by the same source (so of the same value)."""
        self.sources: dict[str, str] = {}
        self.indexes: dict[str, str] = {}
        self.table_constants: dict[str, tuple[object, ...]] = {}
        self.trace_entries = tuple(TraceEntry(r.id, r.section) for r in ruleset.rules)

    def _advice_reader(self, slot: str, value: object) -> str:
        return f"({_local(slot)} == {self.ctx.constant(value)})"

    def f(self, rule_id: str) -> str:
        return f"f{self.index[rule_id]}"

    def effective(self, rule_id: str, slot: str) -> str:
        winners = self.rs.overriders(rule_id, slot)
        if not winners:
            return self.f(rule_id)
        return f"({self.f(rule_id)} and not ({' or '.join(self.f(w) for w in winners)}))"

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def assign(self, local: str, source: str) -> str:
        """Emit ``local = source`` once per distinct source; the name that holds its value."""
        first = self.sources.get(source)
        if first is not None:
            self.same[local] = first
            return first
        self.sources[source] = local
        self.emit(f"{local} = {source}")
        return local

    def flush_named(self, emitted: set[str]) -> None:
        for local, source in self.ctx.named.items():
            if local not in emitted:
                emitted.add(local)
                self.emit(f"{local} = {source}")

    def decide(self, slot: str) -> None:
        if slot in self.decided:
            return
        self.decided.add(slot)
        meta = SLOTS[slot]
        if meta.kind is not SlotKind.SINGLE:
            return
        domain = self.rs.domain(slot)
        local = _local(slot)
        holds = []
        for k, value in enumerate(domain):
            terms = [self.effective(r.id, slot) for r, v in self.rs.writers(slot) if v == value]
            name = self.assign(f"h_{local}_{k}", " or ".join(terms))
            holds.append((name, value))
        expr = self.ctx.constant(meta.default)
        for name, value in reversed(holds):
            expr = f"{self.ctx.constant(value)} if {name} else {expr}"
        held = self.assign(local, expr)
        if held != local:
            self.emit(f"{local} = {held}")
        if len(holds) > 1:
            flag = self.assign(f"x_{local}", f"({' + '.join(n for n, _ in holds)}) > 1")
            if flag not in self.collision_flags:
                self.collision_flags.append(flag)

    def compile(self) -> str:
        rs = self.rs
        emitted: set[str] = set()
        for rule in rs.order:
            for slot in sorted(rs.reads(rule)):
                self.decide(slot)
            source = rule.when.to_python(self.ctx)
            self.flush_named(emitted)
            self.emit(f"{self.f(rule.id)} = {source}")
            self.sources.setdefault(source, self.f(rule.id))
            self.same.setdefault(self.f(rule.id), self.sources[source])
        for slot in SLOTS:
            self.decide(slot)
        self.flush_named(emitted)
        self._assemble()
        header = "def _evaluate(c):"
        return "\n".join([header, *self.lines])

    # -- what a part of the advice is, given which rules fired ---------------------------------

    def _effective(self, fired: Mapping[str, bool], rule_id: str, slot: str) -> bool:
        winners = self.rs.overriders(rule_id, slot)
        return fired[rule_id] and not any(fired[w] for w in winners)

    def _value(self, fired: Mapping[str, bool], slot: str) -> object:
        """The decided value of a single slot: the first value of its domain some rule writes."""
        for value in self.rs.domain(slot):
            if any(
                self._effective(fired, r.id, slot) for r, v in self.rs.writers(slot) if v == value
            ):
                return value
        return SLOTS[slot].default

    def _set(self, fired: Mapping[str, bool], slot: str) -> tuple[object, ...]:
        """The members of a set slot that some effective writer adds, in priority order."""
        members = {m for r, m in self.rs.writers(slot) if self._effective(fired, r.id, slot)}
        return tuple(sorted(members, key=SLOTS[slot].priority))  # type: ignore[arg-type]

    def _intervention(self, fired: Mapping[str, bool], slot: str) -> InterventionAdvice:
        strength = self._value(fired, slot)
        rules = tuple(
            r.id
            for r, v in self.rs.writers(slot)
            if self._effective(fired, r.id, slot) and strength is v
        )
        return _ia(strength, rules)

    def _table(
        self, slots: Sequence[str], part: Callable[[Mapping[str, bool]], object]
    ) -> str | None:
        """Source looking ``part`` up by which of the rules deciding ``slots`` fired.

        ``None`` when tables are off or the part depends on more than
        :data:`MAX_TABLE_INPUTS` distinct flags (it is then assembled case by case).
        """
        return self._lookup([rid for slot in slots for rid in self.rs.slot_inputs(slot)], part)

    def _lookup(
        self, inputs: Sequence[str], part: Callable[[Mapping[str, bool]], object]
    ) -> str | None:
        """Source looking ``part`` up by which of the rules ``inputs`` fired (see ``_table``)."""
        flags, bits = self._bits(inputs)
        if not self.tables or len(flags) > MAX_TABLE_INPUTS:
            return None
        table = tuple(part(_Fired(mask, bits)) for mask in range(1 << len(flags)))
        return self._indexed(table, flags)

    def _bits(self, inputs: Sequence[str]) -> tuple[list[str], dict[str, int]]:
        """The distinct flags of the rules ``inputs``, and each rule's bit among them."""
        flags: list[str] = []
        bits: dict[str, int] = {}
        for rid in inputs:
            flag = self.same[self.f(rid)]
            if flag not in flags:
                flags.append(flag)
            bits[rid] = 1 << flags.index(flag)
        return flags, bits

    def _indexed(self, table: tuple[object, ...], flags: Sequence[str]) -> str:
        """Source of ``table`` indexed by the bits of ``flags`` (computed once per case)."""
        name = f"_T{len(self.table_constants)}"
        self.table_constants[name] = table
        if not flags:
            return f"{name}[0]"
        index = " + ".join(f"({1 << j} if {flag} else 0)" for j, flag in enumerate(flags))
        local = self.indexes.get(index)
        if local is None:
            local = self.indexes[index] = f"t{len(self.indexes)}"
            self.emit(f"{local} = {index}")
        return f"{name}[{local}]"

    def _selected(self, items: Sequence[tuple[object, tuple[str, ...]]]) -> str | None:
        """Source of the tuple of the ``items`` whose rules all fired, in their order.

        The items are cut into runs over at most :data:`MAX_TABLE_INPUTS` distinct
        flags, each looked up in its table; the runs' tuples are concatenated.
        """
        if not self.tables:
            return None
        runs: list[list[tuple[object, tuple[str, ...]]]] = [[]]
        flags: set[str] = set()
        for item, rule_ids in items:
            new = {self.same[self.f(r)] for r in rule_ids}
            if runs[-1] and len(flags | new) > MAX_TABLE_INPUTS:
                runs.append([])
                flags = set()
            runs[-1].append((item, rule_ids))
            flags |= new
        parts = []
        for run in runs:
            names, bits = self._bits([r for _, rule_ids in run for r in rule_ids])
            needs = [(item, sum({bits[r] for r in rule_ids})) for item, rule_ids in run]
            table = tuple(
                tuple(item for item, need in needs if mask & need == need)
                for mask in range(1 << len(names))
            )
            parts.append(self._indexed(table, names))
        return " + ".join(parts)

    # -- assembling the advice -----------------------------------------------------------------

    def _members(self, slot: str) -> str:
        tabled = self._table([slot], lambda fired: self._set(fired, slot))
        if tabled is not None:
            return tabled
        member_terms: dict[object, list[str]] = {}
        for rule, member in self.rs.writers(slot):
            member_terms.setdefault(member, []).append(self.effective(rule.id, slot))
        if not member_terms:
            return "()"
        order = SLOTS[slot].priority
        members = sorted(member_terms, key=order)  # type: ignore[arg-type]
        names = self.ctx.constant(tuple(members))
        flags = ", ".join(" or ".join(member_terms[m]) for m in members)
        return f"tuple(_compress({names}, ({flags},)))"

    def _exam(self) -> str:
        slots = (
            "neurological_examination.components",
            "neurological_examination.positive_findings",
        )
        tabled = self._table(
            slots, lambda fired: _exam(self._set(fired, slots[0]), self._set(fired, slots[1]))
        )
        if tabled is not None:
            return tabled
        return f"_exam({self._members(slots[0])}, {self._members(slots[1])})"

    def _referral(self) -> str:
        slots = ("referral", "referral_mode")
        tabled = self._table(
            slots,
            lambda fired: _REFERRAL[self._value(fired, slots[0]), self._value(fired, slots[1])],  # type: ignore[index]
        )
        if tabled is not None:
            return tabled
        return f"_REFERRAL[{_local('referral')}, {_local('referral_mode')}]"

    def _intervention_source(self, i: Intervention) -> str:
        k = self.ctx.constant
        slot = intervention_slot(i)
        tabled = self._table([slot], lambda fired: self._intervention(fired, slot))
        if tabled is not None:
            return tabled
        local = _local(slot)
        writers = self.rs.writers(slot)
        if not writers:
            return f"_ia({local}, ())"
        ids = k(tuple(r.id for r, _ in writers))
        flags = ", ".join(
            f"({self.effective(r.id, slot)} and {local} is {k(v)})" for r, v in writers
        )
        return f"_ia({local}, tuple(_compress({ids}, ({flags},))))"

    def _assemble(self) -> None:
        rs = self.rs
        k = self.ctx.constant
        sets = {slot: self._members(name) for name, slot in _SET_FIELDS.items() if "." not in name}
        if self.collision_flags:
            self.emit(f"s_warnings = {sets['warnings']}")
            self.emit(f"collision = {' or '.join(self.collision_flags)}")
            unresolved = k(AdviceWarning.UNRESOLVED_COLLISION)
            self.emit(f"if collision: s_warnings = s_warnings + ({unresolved},)")
            sets["warnings"] = "s_warnings"
        interventions = {i: self._intervention_source(i) for i in Intervention}
        flags = ", ".join(f"f{j}" for j in range(len(rs.rules)))
        trace = self._selected([(entry, (entry.rule,)) for entry in self.trace_entries])
        applied = []
        for res in rs.resolutions:
            for loser in res.losers:
                for slot in res.slots:
                    if slot not in rs.rule(loser).slots:
                        continue
                    for winner in res.winners:
                        applied.append(
                            (AppliedResolution(res.id, winner, loser, slot), winner, loser)
                        )
        self.applied = [a for a, _, _ in applied]
        resolutions = self._selected([(a, (w, lo)) for a, w, lo in applied])
        if resolutions is None and not applied:
            resolutions = "()"
        elif resolutions is None:
            terms = ", ".join(f"{self.f(w)} and {self.f(lo)}" for _, w, lo in applied)
            resolutions = f"tuple(_compress(_APPLIED, ({terms},)))"
        values = {
            "physiotherapy_indicated": _local("physiotherapy_indicated"),
            "referral": self._referral(),
            "consult_general_practitioner": _local("consult_general_practitioner"),
            "profile": _local("profile"),
            "neurological_examination": self._exam(),
            "recheck_after_days": _local("recheck_after_days"),
            "reevaluation_after_weeks": _local("reevaluation_after_weeks"),
            "lrs_evaluation_after_weeks": _local("lrs_evaluation_after_weeks"),
            "session_limit": _local("session_limit"),
            "interventions": "{"
            + ", ".join(f"{k(i)}: {s}" for i, s in interventions.items())
            + "}",
            **sets,
            "trace": trace or f"tuple(_compress(_TRACE, ({flags},)))",
            "resolutions": resolutions,
        }
        arguments = ", ".join(values[field.name] for field in attrs.fields(Advice))
        self.emit(f"return _Advice({arguments})")


_NO_EXAM = NeurologicalExamination()


def _exam(components: tuple[Any, ...], positive: tuple[Any, ...]) -> NeurologicalExamination:
    if not components and not positive:
        return _NO_EXAM
    return NeurologicalExamination(components, positive)


_IA_CACHE: dict[tuple[Any, tuple[str, ...]], InterventionAdvice] = {}


def _ia(strength: Any, rules: tuple[str, ...]) -> InterventionAdvice:
    key = (strength, rules)
    found = _IA_CACHE.get(key)
    if found is None:
        found = _IA_CACHE[key] = InterventionAdvice(strength, rules)
    return found


_REFERRAL: dict[tuple[Urgency | None, ReferralMode | None], Referral | None] = {
    **{(None, m): None for m in (None, *ReferralMode)},
    **{(u, m): Referral(u, m) for u in Urgency for m in ReferralMode},
    **{(u, None): Referral(u, ReferralMode.INSTEAD_OF_TREATMENT) for u in Urgency},
}
"""The referral of a decided urgency and mode.

Every referral rule of the guideline writes both (a property proves it); a rule
set whose referral rule writes no mode (a test or a mutant) gets the cautious
reading, instead of treatment, as :meth:`lbp_spec.symbolic.Encoding.advice` does.
"""


def _build(ruleset: RuleSet, *, tables: bool = True) -> tuple[str, Evaluator]:
    """Compile ``ruleset``; ``tables=False`` assembles every part case by case (for tests)."""
    compiler = _Compiler(ruleset, tables=tables)
    source = compiler.compile()
    namespace: dict[str, Any] = {
        **compiler.ctx.constants,
        **compiler.table_constants,
        "_Advice": Advice,
        "_REFERRAL": _REFERRAL,
        "_exam": _exam,
        "_ia": _ia,
        "_compress": itertools.compress,
        "_TRACE": compiler.trace_entries,
        "_APPLIED": tuple(compiler.applied),
    }
    code = compile(source, f"<lbp_spec evaluator for {ruleset.name}>", "exec")
    exec(code, namespace)
    evaluator: Evaluator = namespace["_evaluate"]
    return source, evaluator


_COMPILED: dict[bool, weakref.WeakKeyDictionary[RuleSet, tuple[str, Evaluator]]] = {
    True: weakref.WeakKeyDictionary(),
    False: weakref.WeakKeyDictionary(),
}


def _compiled(ruleset: RuleSet, tables: bool = True) -> tuple[str, Evaluator]:
    cache = _COMPILED[tables]
    found = cache.get(ruleset)
    if found is None:
        found = cache[ruleset] = _build(ruleset, tables=tables)
    return found


def evaluator_for(ruleset: RuleSet, *, tables: bool = True) -> Evaluator:
    """The compiled evaluator of ``ruleset`` (compiled once, then cached).

    ``tables=False`` gives the same advice from an evaluator that compiles in
    about a third of the time and runs a case more slowly: for a rule set that
    evaluates few cases (a rule set with one rule taken out, say).
    """
    return _compiled(ruleset, tables)[1]


def evaluator_source(ruleset: RuleSet = GUIDELINE) -> str:
    """The generated Python source of the evaluator of ``ruleset``, for reading."""
    return _compiled(ruleset)[0]


def evaluate(case: Case, rules: RuleSet = GUIDELINE) -> Advice:
    """The advice the guideline gives for ``case``.

    Pure, total on every valid case and deterministic. The advice carries the
    trace of the rules that fired and the resolutions that decided collisions.

    Args:
        case: A valid case (construction validated it).
        rules: The rule set; the built-in guideline unless given.

    Returns:
        The advice.

    Example:
        >>> from lbp_spec import Case, evaluate
        >>> evaluate(Case(lrs=True, nprs=9)).referral.urgency.value
        'not_stated'

    """
    return (_guideline() if rules is GUIDELINE else evaluator_for(rules))(case)


@functools.cache
def _guideline() -> Evaluator:
    """The evaluator of the built-in guideline, reached without a weak-reference look-up."""
    return evaluator_for(GUIDELINE)
