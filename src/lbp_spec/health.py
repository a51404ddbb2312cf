"""Rule health: every rule fires, which rules never change the advice, which values occur.

:func:`check_health` asks Z3 three questions about a rule set, over valid cases:

1. **Firing.** For every rule, a *witness*: a valid case for which the rule
   fires, as close to the plain default patient as the optimiser finds (the
   fewest findings away from :class:`~lbp_spec.case.Case`; the soft constraints
   of :meth:`Encoding.plain <lbp_spec.symbolic.Encoding.plain>`). Witnesses are
   reused as conformance vectors. A rule that fires for no valid case is a
   defect: its condition contradicts itself or the validity of a case.
2. **Redundancy.** A rule is *redundant* when the rule set without it gives
   every valid case the same normative advice (:meth:`Advice.normative
   <lbp_spec.Advice.normative>`: the trace aside); the report says why
   (it never fires; whenever it fires another rule gives the same value; its
   effect is always set aside by a resolution). A rule is *shadowed* when it
   fires for some case but, on every slot it writes, a resolution sets its
   effect aside on every case where it fires. Redundancy is judged one rule at
   a time: two rules that duplicate each other are each redundant, not both
   together. A redundant rule may still be worth keeping: its quote documents
   the text, and the trace shows it.
3. **Reachability.** Every value of every advice slot (:data:`~lbp_spec.rule.SLOTS`):
   for a single slot each value of its scale (every strength for an
   intervention, profiles 1 to 3, both urgencies, each window and session limit
   a rule writes, both booleans) and *absent*; for a set slot each member of its
   vocabulary, present and absent. Each value comes with a minimal witness, or
   with the reason it cannot occur, computed from the rules ("no rule writes
   it", or which rules write it and why no valid case decides it). The
   ``unresolved_collision`` warning must be unreachable on a resolved rule set:
   reaching it is a defect.

Every witness is replayed through the evaluator (:func:`lbp_spec.evaluate`): the
evaluator's advice must equal the advice the encoding assigns to the model
(:meth:`Encoding.advice <lbp_spec.symbolic.Encoding.advice>`), and must show
what was asked (the rule fired, the slot has the value). Otherwise the answer is
an ``error``, never dropped. A solver that gives up answers ``unknown``, never
yes or no.

A rule is shown to be *needed* (not redundant) by the cheapest evidence at hand:
it alone writes a value that a witness's advice has (without the rule no advice
can have it); or a known witness gets another normative advice from the rule set
without it (both evaluated); or Z3 finds a valid case on which the two encodings
differ (:meth:`Encoding.differs <lbp_spec.symbolic.Encoding.differs>`), replayed
through both evaluators. *Redundant* is only ever Z3's proof (unsat).

One solver and one optimiser serve every question, with push and pop. Models
are pooled: a pooled model that meets a goal at the lowest cost any model can
have is reused as its minimal witness without asking the optimiser again.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

import attrs
import z3

from lbp_spec.advice import Advice, Window
from lbp_spec.case import Case
from lbp_spec.contract import CONTRACT_VERSION, advice_to_json, case_to_json
from lbp_spec.errors import InvalidCaseError, RuleSetError
from lbp_spec.evaluator import evaluate, evaluator_for
from lbp_spec.limits import check_timeout_ms
from lbp_spec.report import case_findings
from lbp_spec.rule import SLOTS, Rule, SlotKind, slot_value
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding, UntranslatableError
from lbp_spec.verify import DEFAULT_TIMEOUT_MS
from lbp_spec.vocabulary import AdviceWarning

__all__ = [
    "Cause",
    "HealthReport",
    "RuleHealth",
    "ValueHealth",
    "Verdict",
    "Witness",
    "check_health",
    "health_json",
    "render_health_text",
]

_PROFILES: Final = (1, 2, 3)
"""The scale of the ``profile`` slot (the contract's range)."""

_COLLISION: Final = AdviceWarning.UNRESOLVED_COLLISION


class Verdict(enum.Enum):
    """The answer to one yes-or-no question about a rule set.

    The question is in the name of the field that holds the verdict
    (``fires``, ``redundant``, ``shadowed``, ``reachable``).
    """

    YES = "yes"
    """Yes; where the question asks for a case, it comes with a replayed witness."""
    NO = "no"
    """No; where the question asks for a case, proven: no valid case exists."""
    UNKNOWN = "unknown"
    """The solver gave up (e.g. a timeout); never read as yes or no."""
    ERROR = "error"
    """The encoding failed, or a witness did not replay through the evaluator."""


class Cause(enum.Enum):
    """Why an advice value is unreachable."""

    NOT_WRITTEN = "not_written"
    """No rule writes the value (or adds the member)."""
    NOT_DECIDED = "not_decided"
    """Rules write it, but no valid case decides it (they never fire, or are set aside)."""
    ALWAYS_WRITTEN = "always_written"
    """Absent or the default: some rule writes the slot on every valid case."""
    NO_COLLISION = "no_collision"
    """The ``unresolved_collision`` warning: no two rules collide on a valid case."""


@attrs.frozen
class Witness:
    """A valid case that shows something, with the advice the evaluator gives it.

    Attributes:
        case: The case.
        advice: The evaluator's advice for it (equal to the encoding's).
        minimal: Whether the optimiser proved it the fewest findings away from
            the plain patient (``False`` when it gave up and a plain model was
            taken, and for a decisive case, which is not minimised).
    """

    case: Case
    advice: Advice
    minimal: bool = True


@attrs.frozen(kw_only=True)
class RuleHealth:
    """The health of one rule.

    Attributes:
        rule: The rule id.
        fires: Whether some valid case makes it fire (``NO`` is a defect).
        witness: A minimal valid case for which it fires.
        redundant: Whether every valid case gets the same normative advice
            without it (``NO`` comes with ``decisive``).
        decisive: A valid case whose advice changes without the rule: its
            firing witness when that shows it, else the smallest known witness
            that does, else a solver model (not minimised).
        without: The advice the rule set without the rule gives ``decisive``.
        shadowed: Whether it fires, but on every slot it writes a resolution
            sets its effect aside whenever it fires.
        set_aside_by: For a shadowed rule, the resolutions that set it aside.
        duplicated_by: For a redundant rule, the rules that give the same
            value whenever it fires.
        why: Why it is redundant, shadowed or needed, in words (computed from
            the rules: e.g. "it alone gives profile 2", "whenever it fires, X gives
            it too", "always set aside by RES.Y").
        message: Why a verdict is unknown or an error.
        seconds: Wall time of its checks.
    """

    rule: str
    fires: Verdict
    witness: Witness | None = None
    redundant: Verdict = Verdict.UNKNOWN
    decisive: Witness | None = None
    without: Advice | None = None
    shadowed: Verdict = Verdict.UNKNOWN
    set_aside_by: tuple[str, ...] = ()
    duplicated_by: tuple[str, ...] = ()
    why: str = ""
    message: str = ""
    seconds: float = 0.0

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Its three verdicts: fires, redundant, shadowed."""
        return (self.fires, self.redundant, self.shadowed)


@attrs.frozen(kw_only=True)
class ValueHealth:
    """Whether one value of one advice slot occurs in the advice of some valid case.

    Attributes:
        slot: The advice slot, e.g. ``profile`` or ``education``.
        value: The value of a single slot (``None``: absent), or the member of a
            set slot.
        present: For a set slot, whether the question is the member's presence
            (``True``) or its absence (``False``); ``True`` for a single slot.
        reachable: Whether some valid case's advice has it.
        witness: A minimal valid case whose advice has it.
        cause: Why it is unreachable.
        why: Why it is unreachable in words, naming the rules (computed); or
            why the verdict is unknown or an error.
        writers: The rules that write the value (or add the member).
        seconds: Wall time of its checks.
    """

    slot: str
    value: object
    present: bool = True
    reachable: Verdict
    witness: Witness | None = None
    cause: Cause | None = None
    why: str = ""
    writers: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def label(self) -> str:
        """The value in words: ``profile = 2``, ``referral = absent``, ``education has x``."""
        if SLOTS[self.slot].kind is SlotKind.SET:
            return f"{self.slot} {'has' if self.present else 'lacks'} {_show(self.value)}"
        return f"{self.slot} = {_show(self.value)}"


@attrs.frozen(kw_only=True)
class HealthReport:
    """The health of a rule set.

    Attributes:
        ruleset: Name of the rule set.
        rules: One record per rule, in rule-set order.
        values: One record per slot value, in :data:`~lbp_spec.rule.SLOTS` order.
        timings: Wall time of each phase, in order: encoding, firing,
            reachability, redundancy.
        seconds: Wall time of the whole check.
    """

    ruleset: str
    rules: tuple[RuleHealth, ...]
    values: tuple[ValueHealth, ...]
    timings: tuple[tuple[str, float], ...]
    seconds: float

    @property
    def never_fire(self) -> tuple[RuleHealth, ...]:
        """The rules that fire for no valid case (a defect)."""
        return tuple(r for r in self.rules if r.fires is Verdict.NO)

    @property
    def redundant(self) -> tuple[RuleHealth, ...]:
        """The rules without which no valid case's normative advice changes."""
        return tuple(r for r in self.rules if r.redundant is Verdict.YES)

    @property
    def shadowed(self) -> tuple[RuleHealth, ...]:
        """The rules that fire but whose effect is always set aside."""
        return tuple(r for r in self.rules if r.shadowed is Verdict.YES)

    @property
    def unreachable(self) -> tuple[ValueHealth, ...]:
        """The advice values no valid case has."""
        return tuple(v for v in self.values if v.reachable is Verdict.NO)

    @property
    def collision(self) -> ValueHealth | None:
        """The record of the ``unresolved_collision`` warning (``None`` if not checked)."""
        for v in self.values:
            if v.slot == "warnings" and v.value is _COLLISION and v.present:
                return v
        return None

    @property
    def mutual_duplicates(self) -> tuple[tuple[str, str], ...]:
        """Pairs of redundant rules that each duplicate the other: remove one, not both."""
        redundant = {r.rule: r for r in self.redundant}
        return tuple(
            (a.rule, b)
            for a in self.redundant
            for b in a.duplicated_by
            if b in redundant and a.rule in redundant[b].duplicated_by and a.rule < b
        )

    @property
    def witnesses(self) -> tuple[Witness, ...]:
        """The distinct witness cases (firing, then values): conformance vectors."""
        return _distinct([r.witness for r in self.rules] + [v.witness for v in self.values])

    @property
    def unknown(self) -> tuple[str, ...]:
        """Every check the solver gave up on, in words."""
        return tuple(self._problems(Verdict.UNKNOWN))

    @property
    def errors(self) -> tuple[str, ...]:
        """Every check that failed (an encoding problem or a replay disagreement)."""
        return tuple(self._problems(Verdict.ERROR))

    def _problems(self, verdict: Verdict) -> Iterator[str]:
        for r in self.rules:
            names = ("fires", "redundant", "shadowed")
            asked = [n for n, v in zip(names, r.verdicts, strict=True) if v is verdict]
            if asked:
                yield f"{r.rule} ({', '.join(asked)}): {r.message}"
        for v in self.values:
            if v.reachable is verdict:
                yield f"{v.label}: {v.why}"

    @property
    def ok(self) -> bool:
        """Every rule fires, nothing is unknown or in error, and no collision is reachable."""
        collision = self.collision
        return (
            all(r.fires is Verdict.YES for r in self.rules)
            and not self.unknown
            and not self.errors
            and (collision is None or collision.reachable is Verdict.NO)
        )


# -- helpers --------------------------------------------------------------------------------------


def _show(value: object) -> str:
    """A slot value for people: ``consider``, ``immediate``, ``3-6``, ``true``, ``absent``."""
    if value is None:
        return "absent"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Window):
        return [value.low, value.high]
    return value


def _phrase(ids: Iterable[str]) -> str:
    items = list(ids)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _verb(ids: tuple[str, ...], one: str, many: str) -> str:
    return f"{_phrase(ids)} {one if len(ids) == 1 else many}"


def _scale(ruleset: RuleSet, slot: str) -> tuple[object, ...]:
    """Every value of a single slot that the health check asks about, ``None`` last."""
    meta = SLOTS[slot]
    if meta.value_type is bool:
        return (True, False)
    if issubclass(meta.value_type, enum.Enum):
        values: tuple[object, ...] = tuple(meta.value_type)
    elif slot == "profile":
        values = _PROFILES
    else:
        values = ruleset.domain(slot)
    if meta.default not in values:
        values += (meta.default,)
    return values


def _shows(advice: Advice, slot: str, value: object, present: bool) -> bool:
    if SLOTS[slot].kind is SlotKind.SET:
        return (value in slot_value(advice, slot)) == present
    return bool(slot_value(advice, slot) == value)


def _goal(enc: Encoding, slot: str, value: object, present: bool) -> z3.BoolRef:
    if SLOTS[slot].kind is SlotKind.SINGLE:
        return enc.decided(slot, value)
    has = enc.contains(slot, value)
    if slot == "warnings" and value is _COLLISION:
        has = z3.Or(has, enc.any_collision())
    return has if present else z3.Not(has)


def _without(ruleset: RuleSet, rule_id: str) -> RuleSet:
    """The rule set without one rule; its resolutions keep only what still applies.

    Unlike :meth:`RuleSet.without`, a resolution also drops the slots that no
    remaining loser writes (and the losers left writing none of its slots), so
    that removing a loser never makes the rule set malformed.
    """
    rules = tuple(r for r in ruleset.rules if r.id != rule_id)
    writes = {r.id: r.slots for r in rules}
    kept = []
    for res in ruleset.resolutions:
        winners = [w for w in res.winners if w != rule_id]
        losers = [lo for lo in res.losers if lo != rule_id]
        slots = [s for s in res.slots if any(s in writes[lo] for lo in losers)]
        losers = [lo for lo in losers if writes[lo] & set(slots)]
        if winners and losers and slots:
            kept.append(attrs.evolve(res, winners=winners, losers=losers, slots=slots))
    return RuleSet(ruleset.name, rules, kept)


# -- the encoding, with its terms built once ------------------------------------------------------


class _Terms(Encoding):
    """An :class:`Encoding` that builds each slot term once, and decides defaults fully.

    :meth:`Encoding.advice` builds the terms of every slot afresh for each model;
    the health check reads the advice of a hundred models, so the terms are
    cached here (they depend only on the rule set, not on the model).

    :meth:`Encoding.decided` misses one case: when a rule writes a slot's
    default value, the slot also has that value when no rule writes it at all.
    :meth:`decided` here adds that case, so that :meth:`Encoding.differs` does
    not see a difference where both advices have the default.
    """

    def __init__(self, ruleset: RuleSet, share: Encoding | None = None) -> None:
        super().__init__(ruleset, share=share)
        self._memo: dict[tuple[str, str, object], z3.BoolRef] = {}

    def _cached(
        self, kind: str, slot: str, value: object, build: Callable[[], z3.BoolRef]
    ) -> z3.BoolRef:
        key = (kind, slot, value)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = build()
        return found

    def effective(self, rule_id: str, slot: str) -> z3.BoolRef:
        """See :meth:`Encoding.effective`."""
        return self._cached(
            "effective", slot, rule_id, lambda: super(_Terms, self).effective(rule_id, slot)
        )

    def holds(self, slot: str, value: object) -> z3.BoolRef:
        """See :meth:`Encoding.holds`."""
        return self._cached("holds", slot, value, lambda: super(_Terms, self).holds(slot, value))

    def written(self, slot: str) -> z3.BoolRef:
        """See :meth:`Encoding.written`."""
        return self._cached("written", slot, None, lambda: super(_Terms, self).written(slot))

    def decided(self, slot: str, value: object) -> z3.BoolRef:
        """See :meth:`Encoding.decided`; a default some rule writes is also decided unwritten."""

        def build() -> z3.BoolRef:
            term = super(_Terms, self).decided(slot, value)
            if value == SLOTS[slot].default and value in self.ruleset.domain(slot):
                term = z3.Or(term, z3.Not(self.written(slot)))
            return term

        return self._cached("decided", slot, value, build)

    def collision(self, slot: str) -> z3.BoolRef:
        """See :meth:`Encoding.collision`."""
        return self._cached("collision", slot, None, lambda: super(_Terms, self).collision(slot))

    def any_collision(self) -> z3.BoolRef:
        """See :meth:`Encoding.any_collision`."""
        return self._cached("any_collision", "", None, lambda: super(_Terms, self).any_collision())

    def contains(self, slot: str, member: object) -> z3.BoolRef:
        """See :meth:`Encoding.contains`."""
        return self._cached(
            "contains", slot, member, lambda: super(_Terms, self).contains(slot, member)
        )


# -- the search: one solver and one optimiser, with push and pop ----------------------------------


_Replay = tuple[Case | None, Advice | None, str]
"""A model's case, the evaluator's advice for it, and what went wrong (``""``: nothing)."""


@attrs.frozen
class _Found:
    verdict: Verdict
    model: z3.ModelRef | None = None
    minimal: bool = True
    message: str = ""


class _Search:
    """One solver and one optimiser over the valid cases of an encoding.

    The optimiser holds the plain-patient soft constraints once; every goal is
    pushed and popped. Models found are pooled with their cost (how many soft
    constraints they break): a pooled model that meets a goal at the lowest
    cost any model can have (0 for the plain patient; 1 when the plain patient
    does not meet it) is minimal without asking the optimiser again.
    """

    def __init__(self, enc: Encoding, timeout_ms: int) -> None:
        self.enc = enc
        self.solver = z3.Solver()
        self.solver.set(timeout=timeout_ms)
        self.solver.add(enc.valid())
        self.opt = z3.Optimize()
        # wmax is exact like the default (maxres), and twice as fast on these goals.
        self.opt.set(timeout=timeout_ms, maxsat_engine="wmax")
        self.opt.add(enc.valid())
        self.soft = enc.plain()
        for term in self.soft:
            self.opt.add_soft(term)
        self.pool: list[tuple[z3.ModelRef, int]] = []
        self.replays: dict[int, tuple[z3.ModelRef, _Replay]] = {}

    def check(self, *terms: z3.BoolRef) -> tuple[z3.CheckSatResult, z3.ModelRef | None]:
        """Satisfiability of ``terms`` over valid cases, with a model when sat."""
        self.solver.push()
        try:
            self.solver.add(*terms)
            outcome = self.solver.check()
            model = self.solver.model() if outcome == z3.sat else None
            return outcome, model
        finally:
            self.solver.pop()

    def why_unknown(self) -> str:
        return str(self.solver.reason_unknown())

    def exists(self, *terms: z3.BoolRef) -> Verdict:
        """``YES`` when some valid case meets ``terms``, ``NO`` when none does."""
        outcome, _ = self.check(*terms)
        return _verdict(outcome)

    def _cost(self, model: z3.ModelRef) -> int:
        return sum(not z3.is_true(model.eval(t, model_completion=True)) for t in self.soft)

    def _true(self, model: z3.ModelRef, term: z3.BoolRef) -> bool:
        return bool(z3.is_true(model.eval(term, model_completion=True)))

    def seed(self, case: Case) -> None:
        """Pool the model of ``case`` (the plain patient: cost 0)."""
        outcome, model = self.check(self.enc.case_is(case))
        if model is not None and outcome == z3.sat:
            self.pool.append((model, self._cost(model)))

    def minimal(self, goal: z3.BoolRef) -> _Found:
        """A valid case meeting ``goal``, the fewest findings away from the plain patient."""
        bound = 0
        for model, cost in self.pool:
            if cost == 0 and not self._true(model, goal):
                bound = 1
        for model, cost in self.pool:
            if cost <= bound and self._true(model, goal):
                return _Found(Verdict.YES, model)
        self.opt.push()
        try:
            self.opt.add(goal)
            outcome = self.opt.check()
            if outcome == z3.sat:
                model = self.opt.model()
                self.pool.append((model, self._cost(model)))
                return _Found(Verdict.YES, model)
        finally:
            self.opt.pop()
        if outcome == z3.unsat:
            return _Found(Verdict.NO)
        outcome, model = self.check(goal)
        if outcome == z3.sat:
            return _Found(Verdict.YES, model, minimal=False, message="the optimiser gave up")
        if outcome == z3.unsat:
            return _Found(Verdict.NO)
        return _Found(Verdict.UNKNOWN, message=self.why_unknown())

    def replay(self, model: z3.ModelRef) -> _Replay:
        """The model's case, the evaluator's advice, and a disagreement (``""`` if none).

        Replayed once per model (the cache keeps the model, so its id stays its own).
        """
        found = self.replays.get(id(model))
        if found is None:
            found = self.replays[id(model)] = (model, self._replay(model))
        return found[1]

    def _replay(self, model: z3.ModelRef) -> _Replay:
        try:
            case = self.enc.back(model)
        except InvalidCaseError as exc:
            return None, None, f"the encoding produced an invalid case: {exc}"
        advice = evaluate(case, self.enc.ruleset)
        if advice != self.enc.advice(model):
            return case, advice, "the evaluator and the Z3 encoding disagree on the witness"
        return case, advice, ""


def _verdict(outcome: z3.CheckSatResult) -> Verdict:
    if outcome == z3.sat:
        return Verdict.YES
    if outcome == z3.unsat:
        return Verdict.NO
    return Verdict.UNKNOWN


def _witness(
    search: _Search, found: _Found, shows: Callable[[Advice], bool], what: str
) -> tuple[Verdict, Witness | None, str]:
    """Replay a found model: the verdict, the witness and a message."""
    if found.model is None:
        return found.verdict, None, found.message
    case, advice, problem = search.replay(found.model)
    if case is None or advice is None:
        return Verdict.ERROR, None, problem
    witness = Witness(case, advice, minimal=found.minimal)
    if problem:
        return Verdict.ERROR, witness, problem
    if not shows(advice):
        return Verdict.ERROR, witness, f"the witness does not show {what} when replayed"
    return Verdict.YES, witness, found.message


# -- firing ---------------------------------------------------------------------------------------


def _firing(search: _Search, rule: Rule) -> RuleHealth:
    start = time.perf_counter()
    try:
        found = search.minimal(search.enc.fired(rule.id))
    except UntranslatableError as exc:
        return RuleHealth(rule=rule.id, fires=Verdict.ERROR, message=str(exc))
    verdict, witness, message = _witness(
        search, found, lambda advice: rule.id in advice.fired, "the rule firing"
    )
    return RuleHealth(
        rule=rule.id,
        fires=verdict,
        witness=witness,
        message=message,
        seconds=time.perf_counter() - start,
    )


# -- reachability ---------------------------------------------------------------------------------


def _questions(ruleset: RuleSet) -> Iterator[tuple[str, object, bool]]:
    for slot, meta in SLOTS.items():
        if meta.kind is SlotKind.SINGLE:
            for value in _scale(ruleset, slot):
                yield slot, value, True
        else:
            for member in meta.value_type:  # type: ignore[attr-defined]
                yield slot, member, True
                yield slot, member, False


def _reach(search: _Search, slot: str, value: object, present: bool) -> ValueHealth:
    start = time.perf_counter()
    rs = search.enc.ruleset
    writers = tuple(r.id for r, v in rs.writers(slot) if v == value)
    collision = slot == "warnings" and value is _COLLISION

    def record(verdict: Verdict, **kw: Any) -> ValueHealth:
        return ValueHealth(
            slot=slot,
            value=value,
            present=present,
            reachable=verdict,
            writers=writers,
            seconds=time.perf_counter() - start,
            **kw,
        )

    if not writers and not collision and present and value != SLOTS[slot].default:
        return record(Verdict.NO, cause=Cause.NOT_WRITTEN, why="no rule writes it")
    try:
        found = search.minimal(_goal(search.enc, slot, value, present))
        verdict, witness, why = _witness(
            search,
            found,
            lambda advice: _shows(advice, slot, value, present),
            f"{slot} {'with' if present else 'without'} {_show(value)}",
        )
        if verdict is Verdict.NO:
            cause, why = _why_unreachable(search, slot, value, present, writers)
            return record(verdict, cause=cause, why=why)
    except UntranslatableError as exc:
        return record(Verdict.ERROR, why=str(exc))
    return record(verdict, witness=witness, why=why)


def _writes(writers: tuple[str, ...], verb: str) -> str:
    """``R writes it`` / ``R and S write it`` (verb in the singular)."""
    return f"{_phrase(writers)} {verb if len(writers) == 1 else verb.removesuffix('s')} it"


def _why_unreachable(
    search: _Search, slot: str, value: object, present: bool, writers: tuple[str, ...]
) -> tuple[Cause, str]:
    enc = search.enc
    meta = SLOTS[slot]
    one = len(writers) == 1
    if slot == "warnings" and value is _COLLISION:
        return Cause.NO_COLLISION, "no valid case has an unresolved collision"
    if meta.kind is SlotKind.SET and not present:
        if one:
            return Cause.ALWAYS_WRITTEN, f"{_writes(writers, 'adds')} on every valid case"
        return Cause.ALWAYS_WRITTEN, f"on every valid case one of {_phrase(writers)} adds it"
    if value == meta.default:
        others = tuple(dict.fromkeys(r.id for r, v in enc.ruleset.writers(slot) if v != value))
        return Cause.ALWAYS_WRITTEN, f"every valid case gets another value from {_phrase(others)}"
    verb = "writes" if meta.kind is SlotKind.SINGLE else "adds"
    if search.exists(z3.Or(*(enc.fired(w) for w in writers))) is Verdict.NO:
        never = "it never fires" if one else "none of them fires"
        return Cause.NOT_DECIDED, f"{_writes(writers, verb)}, but {never}"
    if meta.kind is SlotKind.SINGLE:
        in_force = z3.Or(*(enc.effective(w, slot) for w in writers))
        if search.exists(in_force) is Verdict.NO:
            aside = "it is" if one else "they are"
            why = f"{_writes(writers, verb)}, but {aside} always set aside by a resolution"
            return Cause.NOT_DECIDED, why
        why = f"{_writes(writers, verb)}, but a value that ranks first always holds with it"
        return Cause.NOT_DECIDED, why + " (an unresolved collision)"
    return Cause.NOT_DECIDED, f"{_writes(writers, verb)}, but no valid case decides it"


# -- redundancy and shadowing ---------------------------------------------------------------------


def _shadowing(search: _Search, rule: Rule) -> tuple[Verdict, tuple[str, ...], str]:
    """Whether the rule fires but its effect on every slot it writes is always set aside."""
    rs = search.enc.ruleset
    slots = sorted(rule.slots)
    if any(SLOTS[s].kind is SlotKind.SET or not rs.overriders(rule.id, s) for s in slots):
        return Verdict.NO, (), ""
    resolutions: dict[str, None] = {}
    for slot in slots:
        outcome = search.exists(search.enc.effective(rule.id, slot))
        if outcome is Verdict.YES:
            return Verdict.NO, (), ""
        if outcome is Verdict.UNKNOWN:
            return Verdict.UNKNOWN, (), f"shadowing: {search.why_unknown()}"
        resolutions.update(dict.fromkeys(_setting_aside(search.enc, rule, slot)))
    return Verdict.YES, tuple(resolutions), ""


def _setting_aside(enc: Encoding, rule: Rule, slot: str) -> tuple[str, ...]:
    """The ids of the resolutions that set aside the effect of ``rule`` on ``slot``."""
    rs = enc.ruleset
    ids = (
        res.id
        for winner in rs.overriders(rule.id, slot)
        for res in rs.resolutions_between(winner, rule.id, slot)
    )
    return tuple(dict.fromkeys(ids))


def _same(enc: Encoding, rule: Rule, slot: str, value: object) -> tuple[str, ...]:
    return tuple(r.id for r, v in enc.ruleset.writers(slot) if v == value and r.id != rule.id)


def _in_force(enc: Encoding, rule_id: str, slot: str) -> z3.BoolRef:
    if SLOTS[slot].kind is SlotKind.SET:
        return enc.fired(rule_id)
    return enc.effective(rule_id, slot)


def _why_redundant(search: _Search, rule: Rule) -> tuple[str, tuple[str, ...]]:
    """Why a redundant rule changes nothing, slot by slot; and the rules that duplicate it."""
    enc = search.enc
    reasons: list[str] = []
    duplicates: list[str] = []
    for effect in rule.then:
        slot, value = effect.slot, effect.value
        mine = _in_force(enc, rule.id, slot)
        said = f"{slot} {_show(value)}"
        if search.exists(mine) is Verdict.NO:
            reasons.append(
                f"{said}: always set aside by {_phrase(_setting_aside(enc, rule, slot))}"
            )
            continue
        others = _same(enc, rule, slot, value)
        covered = z3.Or(*(_in_force(enc, o, slot) for o in others), z3.BoolVal(False))
        if search.exists(mine, z3.Not(covered)) is Verdict.NO:
            together = tuple(
                o for o in others if search.exists(mine, _in_force(enc, o, slot)) is Verdict.YES
            )
            duplicates.extend(o for o in together if o not in duplicates)
            reasons.append(f"{said}: whenever it fires, {_verb(together, 'gives', 'give')} it too")
            continue
        if value == SLOTS[slot].default:
            reasons.append(f"{said}: the slot's default, which it has without the rule")
            continue
        reasons.append(f"{said}: never decides the slot")
    return "; ".join(reasons), tuple(duplicates)


def _redundancy(
    search: _Search,
    rule: Rule,
    health: RuleHealth,
    cases: list[tuple[Case, Advice]],
    reached: dict[tuple[str, object, bool], ValueHealth],
) -> RuleHealth:
    start = time.perf_counter()
    if health.fires is Verdict.NO:
        return attrs.evolve(
            health, redundant=Verdict.YES, shadowed=Verdict.NO, why="it never fires"
        )
    messages = [health.message] if health.message else []
    try:
        shadowed, set_aside_by, message = _shadowing(search, rule)
    except UntranslatableError as exc:
        shadowed, set_aside_by, message = Verdict.ERROR, (), str(exc)
    if shadowed is Verdict.YES and health.fires is not Verdict.YES:
        shadowed, set_aside_by = health.fires, ()  # set aside whenever it fires, if it fires
    if message:
        messages.append(message)
    duplicated_by: tuple[str, ...] = ()
    try:
        found = _sole(search.enc.ruleset, rule, health, reached)
        if found is None:
            reduced = _without(search.enc.ruleset, rule.id)
            found = _decisive(reduced, cases) or _decisive_by_solver(search, reduced)
        redundant, decisive, other, why = found
        if redundant is Verdict.YES and shadowed is not Verdict.YES:
            why, duplicated_by = _why_redundant(search, rule)
    except (UntranslatableError, RuleSetError) as exc:
        redundant, decisive, other, why = Verdict.ERROR, None, None, str(exc)
    if redundant in (Verdict.UNKNOWN, Verdict.ERROR):
        messages.append(why)
        why = ""
    if shadowed is Verdict.YES:
        why = f"always set aside by {_phrase(set_aside_by)}"
        if redundant is Verdict.NO:
            why += ", yet needed: it wins a resolution that changes the advice"
    return attrs.evolve(
        health,
        redundant=redundant,
        decisive=decisive,
        without=other,
        shadowed=shadowed,
        set_aside_by=set_aside_by,
        duplicated_by=duplicated_by,
        why=why,
        message="; ".join(messages),
        seconds=health.seconds + time.perf_counter() - start,
    )


_Decision = tuple[Verdict, Witness | None, Advice | None, str]
"""Redundant?, a decisive case, its advice without the rule, why (or what went wrong)."""


def _sole(
    ruleset: RuleSet,
    rule: Rule,
    health: RuleHealth,
    reached: dict[tuple[str, object, bool], ValueHealth],
) -> _Decision | None:
    """Needed, when it alone writes a value that a valid case's advice has.

    Without the rule no rule writes the value, so no advice has it; the value's
    witness (or the rule's own, when it shows the value) is the decisive case.
    Not for the default of a single slot, which the slot has without any rule.
    """
    for effect in rule.then:
        slot, value = effect.slot, effect.value
        if SLOTS[slot].kind is SlotKind.SINGLE and value == SLOTS[slot].default:
            continue
        if any(r.id != rule.id for r, v in ruleset.writers(slot) if v == value):
            continue
        record = reached.get((slot, value, True))
        if record is None or record.reachable is not Verdict.YES or record.witness is None:
            continue
        witness = record.witness
        own = health.witness
        if own is not None and _shows(own.advice, slot, value, present=True):
            witness = own
        why = f"it alone gives {slot} {_show(value)}"
        return Verdict.NO, attrs.evolve(witness, minimal=False), None, why
    return None


def _decisive(reduced: RuleSet, cases: list[tuple[Case, Advice]]) -> _Decision | None:
    """The first known case whose normative advice changes without the rule, if any."""
    run = evaluator_for(reduced, tables=False)  # few cases: the quicker compile pays
    for case, advice in cases:
        other = run(case)
        if other.normative() != advice.normative():
            return Verdict.NO, Witness(case, advice, minimal=False), other, _change(advice, other)
    return None


def _change(advice: Advice, other: Advice) -> str:
    """What changes in the decisive case without the rule: the first slot that differs."""
    for slot, meta in SLOTS.items():
        before, after = slot_value(advice, slot), slot_value(other, slot)
        if before == after:
            continue
        if meta.kind is SlotKind.SINGLE:
            return f"without it, {slot} goes from {_show(before)} to {_show(after)}"
        lost = [m for m in before if m not in after]
        if lost:
            return f"without it, {slot} loses {_show(lost[0])}"
        return f"without it, {slot} gains {_show(next(m for m in after if m not in before))}"
    return "without it, the warnings of the decisive case change"


def _decisive_by_solver(search: _Search, reduced: RuleSet) -> _Decision:
    try:
        other = _Terms(reduced, share=search.enc)
        outcome, model = search.check(search.enc.differs(other))
    except UntranslatableError as exc:
        return Verdict.ERROR, None, None, str(exc)
    if outcome == z3.unsat:
        return Verdict.YES, None, None, ""
    if model is None:
        return Verdict.UNKNOWN, None, None, f"redundancy: {search.why_unknown()}"
    case, advice, problem = search.replay(model)
    if case is None or advice is None:
        return Verdict.ERROR, None, None, problem
    witness = Witness(case, advice, minimal=False)
    changed = evaluator_for(reduced, tables=False)(case)
    if problem:
        return Verdict.ERROR, witness, changed, problem
    if changed != other.advice(model):
        problem = "the evaluator and the Z3 encoding disagree on the rule set without the rule"
        return Verdict.ERROR, witness, changed, problem
    if changed.normative() == advice.normative():
        problem = "Z3 says the advice changes without the rule; the evaluator says it does not"
        return Verdict.ERROR, witness, changed, problem
    return Verdict.NO, witness, changed, _change(advice, changed)


# -- the check ------------------------------------------------------------------------------------


def check_health(
    ruleset: RuleSet = GUIDELINE, *, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> HealthReport:
    """Check that every rule fires, find redundant rules, and check every advice value.

    Args:
        ruleset: The rules; the built-in guideline unless given.
        timeout_ms: Solver time limit per check.

    Returns:
        The report: one record per rule and one per advice value.

    Raises:
        ValueError: A time limit below 1 ms or not a whole number of milliseconds.
    """
    check_timeout_ms(timeout_ms)
    start = time.perf_counter()
    timings: list[tuple[str, float]] = []

    def lap(phase: str) -> None:
        timings.append((phase, time.perf_counter() - start - sum(s for _, s in timings)))

    search = _Search(_Terms(ruleset), timeout_ms)
    search.seed(Case())
    lap("encoding")
    firing = [_firing(search, rule) for rule in ruleset.rules]
    lap("firing")
    values = tuple(_reach(search, *q) for q in _questions(ruleset))
    lap("reachability")
    known = _distinct([r.witness for r in firing] + [v.witness for v in values])
    cases = sorted(((w.case, w.advice) for w in known), key=lambda c: len(case_findings(c[0])))
    reached = {(v.slot, v.value, v.present): v for v in values}
    rules = tuple(
        _redundancy(search, rule, health, _first(health, cases), reached)
        for rule, health in zip(ruleset.rules, firing, strict=True)
    )
    lap("redundancy")
    return HealthReport(
        ruleset=ruleset.name,
        rules=rules,
        values=values,
        timings=tuple(timings),
        seconds=time.perf_counter() - start,
    )


def _distinct(witnesses: Iterable[Witness | None]) -> tuple[Witness, ...]:
    """The witnesses with distinct cases, in order."""
    seen: dict[str, Witness] = {}
    for w in witnesses:
        if w is not None:
            seen.setdefault(repr(w.case), w)
    return tuple(seen.values())


def _first(health: RuleHealth, cases: list[tuple[Case, Advice]]) -> list[tuple[Case, Advice]]:
    """The known cases with the rule's own firing witness first."""
    if health.witness is None or health.fires is not Verdict.YES:
        return cases
    own = (health.witness.case, health.witness.advice)
    return [own, *(c for c in cases if c[0] != own[0])]


# -- text and JSON --------------------------------------------------------------------------------


def _unreachable_lines(report: HealthReport) -> list[str]:
    """One line per slot for the values no rule writes, one line per other unreachable value."""
    unwritten: dict[tuple[str, bool], list[str]] = {}
    for v in report.unreachable:
        if v.cause is Cause.NOT_WRITTEN:
            unwritten.setdefault((v.slot, v.present), []).append(_show(v.value))
    lines: list[str] = []
    for v in report.unreachable:
        if v.cause is Cause.NOT_WRITTEN:
            names = unwritten.pop((v.slot, v.present), None)
            if names is not None:
                head = f"{v.slot} has" if SLOTS[v.slot].kind is SlotKind.SET else f"{v.slot} ="
                pronoun = "it" if len(names) == 1 else "them"
                lines.append(f"  {head} {' | '.join(names)}: no rule writes {pronoun}")
        elif v.cause is not Cause.NO_COLLISION:
            lines.append(f"  {v.label}: {v.why}")
    return lines


def _rule_lines(report: HealthReport) -> list[str]:
    n = len(report.rules)
    never = report.never_fire
    fire_line = f"rules: {n}; "
    if never:
        verb = "fires" if len(never) == 1 else "fire"
        fire_line += f"{len(never)} never {verb} (a defect: no valid case meets the condition):"
    elif all(r.fires is Verdict.YES for r in report.rules):
        fire_line += "every rule fires (a minimal witness each, replayed through the evaluator)"
    else:
        fire_line += "not every rule is shown to fire (see below)"
    lines = [fire_line, *(f"  {r.rule}" for r in never)]
    redundant = report.redundant
    if redundant:
        lines.append(
            f"redundant rules: {len(redundant)} (taking one out changes no valid case's advice; "
            "its quote and trace may still be worth keeping):"
        )
        lines.extend(f"  {r.rule}: {r.why}" for r in redundant)
        for a, b in report.mutual_duplicates:
            lines.append(f"  {a} and {b} duplicate each other: remove one, not both")
    else:
        lines.append("redundant rules: none (taking any one out changes some valid case's advice)")
    shadowed = report.shadowed
    if shadowed:
        lines.append(f"shadowed rules: {len(shadowed)} (they fire, but are always set aside):")
        lines.extend(f"  {r.rule}: {r.why}" for r in shadowed)
    else:
        lines.append("shadowed rules: none")
    return lines


def render_health_text(report: HealthReport) -> str:
    """The health report as a compact section, to follow the property table."""
    title = f"Rule health of {report.ruleset}"
    lines = [title, "-" * len(title), *_rule_lines(report)]
    total = len(report.values)
    unreachable = report.unreachable
    reached = sum(v.reachable is Verdict.YES for v in report.values)
    head = f"advice values: {reached} of {total} reachable (a minimal witness each)"
    lines.append(head + (", not reachable:" if unreachable else ""))
    lines.extend(_unreachable_lines(report))
    lines.append(f"witnesses: {len(report.witnesses)} distinct cases (conformance vectors)")
    collision = report.collision
    if collision is not None:
        if collision.reachable is Verdict.NO:
            lines.append(
                "unresolved_collision warning: unreachable, as expected (no two rules collide)"
            )
        elif collision.reachable is Verdict.YES:
            lines.append(
                "unresolved_collision warning: REACHABLE, a defect: two rules collide for "
                "some valid case and no resolution decides"
            )
            if collision.witness is not None:
                lines.append("  a witness (what differs from a plain patient):")
                lines.extend(f"    {f}" for f in case_findings(collision.witness.case))
    for title_, items in (
        ("unknown (the solver gave up; not a success)", report.unknown),
        (
            "errors (the evaluator and the encoding disagree, or the encoding failed)",
            report.errors,
        ),
    ):
        if items:
            lines.append(f"{title_}:")
            lines.extend(f"  {item}" for item in items)
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.timings)
    verdict = "ok" if report.ok else "NOT ok"
    lines.append(f"health: {verdict} in {report.seconds:.2f} s ({phases})")
    return "\n".join(lines) + "\n"


def health_json(report: HealthReport) -> dict[str, Any]:
    """The health report as a JSON value.

    Every distinct witness case is listed once, under ``witnesses``, as a contract
    case with the advice the evaluator gives it (conformance vectors); records
    point into that list by index (``witness``, ``decisive``), with
    ``witness_minimal`` saying whether the witness is proven minimal.
    """
    collision = report.collision
    decisive = [r.decisive for r in report.rules]
    listed = _distinct([*report.witnesses, *decisive])
    index = {repr(w.case): i for i, w in enumerate(listed)}

    def ref(witness: Witness | None) -> int | None:
        return None if witness is None else index[repr(witness.case)]

    def minimal(witness: Witness | None) -> bool | None:
        return None if witness is None else witness.minimal

    return {
        "contract_version": CONTRACT_VERSION,
        "ruleset": report.ruleset,
        "ok": report.ok,
        "seconds": round(report.seconds, 6),
        "timings": {name: round(seconds, 6) for name, seconds in report.timings},
        "summary": {
            "rules": len(report.rules),
            "never_fire": [r.rule for r in report.never_fire],
            "redundant": [r.rule for r in report.redundant],
            "shadowed": [r.rule for r in report.shadowed],
            "values": len(report.values),
            "unreachable": len(report.unreachable),
            "unresolved_collision": None if collision is None else collision.reachable.value,
            "unknown": list(report.unknown),
            "errors": list(report.errors),
        },
        "rules": [
            {
                "rule": r.rule,
                "fires": r.fires.value,
                "redundant": r.redundant.value,
                "shadowed": r.shadowed.value,
                "set_aside_by": list(r.set_aside_by),
                "duplicated_by": list(r.duplicated_by),
                "why": r.why,
                "message": r.message,
                "seconds": round(r.seconds, 6),
                "witness": ref(r.witness),
                "witness_minimal": minimal(r.witness),
                "decisive": ref(r.decisive),
                "without": None if r.without is None else advice_to_json(r.without),
            }
            for r in report.rules
        ],
        "values": [
            {
                "slot": v.slot,
                "value": _json_value(v.value),
                "present": v.present,
                "reachable": v.reachable.value,
                "cause": None if v.cause is None else v.cause.value,
                "why": v.why,
                "writers": list(v.writers),
                "seconds": round(v.seconds, 6),
                "witness": ref(v.witness),
                "witness_minimal": minimal(v.witness),
            }
            for v in report.values
        ],
        "witnesses": [
            {"case": case_to_json(w.case), "advice": advice_to_json(w.advice)} for w in listed
        ],
    }
