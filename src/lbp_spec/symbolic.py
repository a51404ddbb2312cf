"""Rules to Z3, and Z3 models back to typed cases and advice.

The only module that knows both worlds (pysmt's ``convert``/``back`` split):

* :class:`Encoding` declares one Z3 variable per case variable
  (:data:`lbp_spec.logic.VARIABLES`), states what a *valid* case is
  (:meth:`Encoding.valid`, mirroring :mod:`lbp_spec.case`), and compiles rule
  conditions and the rule-set semantics of :mod:`lbp_spec.ruleset` (fires, set
  aside, holds, decided) into Z3 terms;
* :meth:`Encoding.back` turns a model into a :class:`~lbp_spec.case.Case`, and
  :meth:`Encoding.advice` reads the :class:`~lbp_spec.advice.Advice` that the
  encoding assigns to the model, so that it can be compared with what
  :func:`lbp_spec.evaluate` says for the same case.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import singledispatchmethod
from typing import Any

import attrs
import z3

from lbp_spec.advice import (
    Advice,
    AppliedResolution,
    InterventionAdvice,
    NeurologicalExamination,
    Referral,
    TraceEntry,
)
from lbp_spec.case import FOLLOW_UP_FIELDS, REQUIRED_AT_FOLLOW_UP, Case, NeurologicalExam, Sbst
from lbp_spec.limits import check_timeout_ms
from lbp_spec.logic import (
    VARIABLES,
    AdviceIs,
    All,
    AnyFactorAt,
    AnyOf,
    Cmp,
    Const,
    Expr,
    FactorAt,
    Flag,
    Has,
    Is,
    Named,
    Not,
    Present,
    Variable,
    VariableKind,
)
from lbp_spec.rule import SLOTS, SlotKind, intervention_slot
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import (
    AdviceWarning,
    Consultation,
    Discipline,
    FactorLevel,
    Intervention,
    PrognosticFactor,
    ReferralMode,
)

__all__ = ["Encoding", "UntranslatableError", "and_", "implies", "not_", "or_"]

_FACTOR_CODE = {None: 0, FactorLevel.NON_DOMINANT: 1, FactorLevel.DOMINANT: 2}
_FACTOR_LEVEL = {v: k for k, v in _FACTOR_CODE.items()}
_FOLLOW_UP_ONLY = FOLLOW_UP_FIELDS
_REQUIRED_AT_FOLLOW_UP = REQUIRED_AT_FOLLOW_UP


# -- Boolean connectives through the C API ---------------------------------------------------
#
# z3.And, z3.Or, z3.Not and z3.Implies coerce and check every argument in Python, which
# costs far more than the term itself. For Z3 Boolean terms of one context these build
# the very same term (Z3 shares equal terms) with one C call; anything else goes to the
# z3 function, which handles (or rejects) it as before.


def _booleans(terms: Sequence[object]) -> z3.Context | None:
    """The context of ``terms`` when all are Z3 Boolean terms of one context."""
    if not terms:
        return None
    first = terms[0]
    if not isinstance(first, z3.BoolRef):
        return None
    ctx = first.ctx
    for term in terms:
        if not isinstance(term, z3.BoolRef) or term.ctx is not ctx:
            return None
    return ctx


def _array(terms: Sequence[z3.BoolRef]) -> Any:
    array = (z3.Ast * len(terms))()
    for i, term in enumerate(terms):
        array[i] = term.ast
    return array


def and_(*terms: z3.BoolRef) -> z3.BoolRef:
    """``z3.And(*terms)``, built with one C call."""
    ctx = _booleans(terms)
    if ctx is None:
        return z3.And(*terms)
    return z3.BoolRef(z3.Z3_mk_and(ctx.ref(), len(terms), _array(terms)), ctx)


def or_(*terms: z3.BoolRef) -> z3.BoolRef:
    """``z3.Or(*terms)``, built with one C call."""
    ctx = _booleans(terms)
    if ctx is None:
        return z3.Or(*terms)
    return z3.BoolRef(z3.Z3_mk_or(ctx.ref(), len(terms), _array(terms)), ctx)


def not_(term: z3.BoolRef) -> z3.BoolRef:
    """``z3.Not(term)``, built with one C call."""
    if not isinstance(term, z3.BoolRef):
        return z3.Not(term)
    ctx = term.ctx
    return z3.BoolRef(z3.Z3_mk_not(ctx.ref(), term.ast), ctx)


def implies(a: z3.BoolRef, b: z3.BoolRef) -> z3.BoolRef:
    """``z3.Implies(a, b)``, built with one C call."""
    if _booleans((a, b)) is None:
        return z3.Implies(a, b)
    ctx = a.ctx
    return z3.BoolRef(z3.Z3_mk_implies(ctx.ref(), a.ast, b.ast), ctx)


def _is_true(model: z3.ModelRef, term: z3.BoolRef) -> bool:
    """``z3.is_true(model.eval(term, model_completion=True))``, with two C calls.

    Anything else that evaluates terms as a model does (the bulk agreement check
    reads advice from bits, not from a Z3 model) is asked through its ``eval``.
    """
    if not isinstance(model, z3.ModelRef):
        return bool(z3.is_true(model.eval(term, model_completion=True)))
    ctx = term.ctx
    result = (z3.Ast * 1)()
    if not z3.Z3_model_eval(ctx.ref(), model.model, term.ast, True, result):
        return bool(z3.is_true(model.eval(term, model_completion=True)))
    return bool(z3.Z3_get_bool_value(ctx.ref(), result[0]) == z3.Z3_L_TRUE)


def _packed(terms: Sequence[z3.BoolRef]) -> z3.BitVecRef:
    """One bit-vector term whose bit ``len(terms) - 1 - i`` is 1 exactly when ``terms[i]`` holds.

    Reading many terms from a model one ``eval`` at a time walks their shared
    parts again on every call; the packed term is evaluated once.
    """
    ctx = terms[0].ctx
    ref = ctx.ref()
    one, zero = z3.BitVecVal(1, 1, ctx), z3.BitVecVal(0, 1, ctx)
    # Each new AST is wrapped at once: the wrapper holds the reference that keeps it alive.
    level = [z3.BitVecRef(z3.Z3_mk_ite(ref, t.ast, one.ast, zero.ast), ctx) for t in terms]
    while len(level) > 1:
        pairs = [
            z3.BitVecRef(z3.Z3_mk_concat(ref, a.ast, b.ast), ctx)
            for a, b in zip(level[::2], level[1::2], strict=False)
        ]
        if len(level) % 2:
            pairs.append(level[-1])
        level = pairs
    return level[0]


def _read_packed(
    model: z3.ModelRef, terms: Sequence[z3.BoolRef], packed: z3.BitVecRef
) -> dict[int, bool] | None:
    """The truth of each of ``terms`` in ``model`` (by AST id), or ``None`` if not a numeral."""
    ctx = packed.ctx
    result = (z3.Ast * 1)()
    if not z3.Z3_model_eval(ctx.ref(), model.model, packed.ast, True, result):
        return None
    value = z3.BitVecRef(result[0], ctx)  # holds the result's reference while it is read
    if not z3.Z3_is_numeral_ast(ctx.ref(), value.ast):
        return None
    bits = int(z3.Z3_get_numeral_string(ctx.ref(), value.ast))
    top = len(terms) - 1
    return {term.get_id(): bool(bits >> (top - i) & 1) for i, term in enumerate(terms)}


class UntranslatableError(TypeError):
    """A condition uses a construct the Z3 encoding cannot translate."""


_POINTS: dict[int, tuple[RuleSet, dict[str, frozenset[Fraction]]]] = {}
"""The comparison points of the last rule sets encoded, by identity (see below)."""


def _comparison_points(ruleset: RuleSet) -> dict[str, frozenset[Fraction]]:
    """The constants each variable is compared with in ``ruleset``'s conditions.

    Found once per rule set (an episode model encodes one rule set once per
    consultation); the last few rule sets seen are kept, by identity.
    """
    known = _POINTS.get(id(ruleset))
    if known is not None and known[0] is ruleset:
        return known[1]
    found: dict[str, set[Fraction]] = {}
    for rule in ruleset.rules:
        for node in rule.when.walk():
            if isinstance(node, Cmp):
                found.setdefault(node.path, set()).add(Fraction(node.bound))
    points = {path: frozenset(values) for path, values in found.items()}
    if len(_POINTS) >= 4:
        _POINTS.clear()
    _POINTS[id(ruleset)] = (ruleset, points)
    return points


def _ops(op: str) -> Callable[[Any, Any], Any]:
    return {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }[op]


_ADVICE_SINGLES: tuple[str, ...] = (
    "physiotherapy_indicated",
    "referral",
    "referral_mode",
    "consult_general_practitioner",
    "profile",
    "recheck_after_days",
    "reevaluation_after_weeks",
    "lrs_evaluation_after_weeks",
    "session_limit",
)
"""The single slots an advice is read from (besides the interventions')."""

_ADVICE_SETS: tuple[str, ...] = (
    "neurological_examination.components",
    "neurological_examination.positive_findings",
    "warnings",
    "education",
    "safety_net_advice",
    "exercise_guidance",
    "behaviour_guidance",
    "evaluation_actions",
)
"""The set slots an advice is read from."""


class Encoding:
    """The Z3 encoding of one rule set.

    Args:
        ruleset: The rules to encode.
        prefix: Prefix of every Z3 variable name, so that two independent
            encodings can live in one solver.
        share: Another encoding whose *case variables* this one uses, so that
            two rule sets (old and new, original and mutant) are compared on one
            and the same case (see :meth:`differs`).
    """

    def __init__(self, ruleset: RuleSet, prefix: str = "", share: Encoding | None = None) -> None:
        self.ruleset = ruleset
        self.prefix = prefix
        self._named: dict[str, z3.BoolRef] = {}
        self._fired: dict[str, z3.BoolRef] = {}
        self._terms: dict[tuple[object, ...], z3.BoolRef] = {}
        self._read_terms: tuple[list[z3.BoolRef], z3.BitVecRef | None] | None = None
        self.value: dict[str, Any]
        self.presence: dict[str, z3.BoolRef]
        self.members: dict[tuple[str, enum.Enum], z3.BoolRef]
        self.factors: dict[PrognosticFactor, z3.ArithRef]
        self._cmp_points: dict[str, set[Fraction]]
        if share is not None:
            self.value, self.presence = share.value, share.presence
            self.members, self.factors = share.members, share.factors
            self._cmp_points = share._cmp_points
        else:
            self.value, self.presence, self.members, self.factors = {}, {}, {}, {}
            self._cmp_points = {}
            self._declare()
        for path, points in _comparison_points(ruleset).items():
            self._cmp_points.setdefault(path, set()).update(points)

    # -- case variables -------------------------------------------------------------------

    def _declare(self) -> None:
        p = self.prefix
        for path, var in VARIABLES.items():
            if var.kind is VariableKind.BOOL:
                self.value[path] = z3.Bool(p + path)
            elif var.kind is VariableKind.INT or var.kind is VariableKind.ENUM:
                self.value[path] = z3.Int(p + path)
            elif var.kind is VariableKind.REAL:
                self.value[path] = z3.Real(p + path)
            elif var.kind is VariableKind.SET:
                assert var.enum is not None
                for member in var.enum:
                    self.members[path, member] = z3.Bool(f"{p}{path}[{member.value}]")
            elif var.kind is VariableKind.FACTORS:
                for f in PrognosticFactor:
                    self.factors[f] = z3.Int(f"{p}prognostic_factors.{f.value}")
            if var.optional:
                self.presence[path] = z3.Bool(f"{p}{path}?")

    def _present(self, var: Variable) -> z3.BoolRef | None:
        """Presence of a variable: its own (optional) and its parent's."""
        parts = []
        if var.parent is not None:
            parts.append(self.presence[var.parent])
        if var.optional:
            parts.append(self.presence[var.path])
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else and_(*parts)

    def _guard(self, var: Variable, term: z3.BoolRef) -> z3.BoolRef:
        present = self._present(var)
        return term if present is None else and_(present, term)

    def _enum_index(self, var: Variable, value: enum.Enum) -> int:
        assert var.enum is not None
        return list(var.enum).index(value)

    def valid(self) -> z3.BoolRef:
        """What a valid case is: ranges, presence and the contradictions of case.py."""
        return self._memoised(("valid",), self._valid)

    def _valid(self) -> z3.BoolRef:
        c: list[z3.BoolRef] = []
        for path, var in VARIABLES.items():
            x: Any = self.value.get(path)
            if var.kind in (VariableKind.INT, VariableKind.REAL):
                if var.low is not None:
                    c.append(x >= var.low)
                if var.high is not None:
                    c.append(x <= var.high)
            elif var.kind is VariableKind.ENUM:
                assert var.enum is not None
                c.append(and_(x >= 0, x < len(var.enum)))
        for term in self.factors.values():
            c.append(and_(term >= 0, term <= 2))
        cons = self.value["consultation"]
        initial = cons == self._enum_index(VARIABLES["consultation"], Consultation.INITIAL)
        for name in _FOLLOW_UP_ONLY:
            c.append(implies(initial, not_(self.presence[name])))
        for name in _REQUIRED_AT_FOLLOW_UP:
            c.append(implies(not_(initial), self.presence[name]))
        c.append(implies(not_(initial), self.value["sessions_used"] >= 1))
        c.append(
            implies(
                self.value["additional_competencies"],
                self.value["discipline"]
                == self._enum_index(VARIABLES["discipline"], Discipline.EXERCISE_THERAPIST),
            )
        )
        c.append(z3.Implies(self.presence["responsiveness"], self.value["lrs"]))
        c.append(
            self.presence["lrs_diagnosed_earlier"] == z3.And(z3.Not(initial), self.value["lrs"])
        )
        c.append(
            z3.Implies(
                z3.And(z3.Not(initial), self.presence["complaint_duration_weeks"]),
                self.value["complaint_duration_weeks"] >= self.value["weeks_since_start"],
            )
        )
        c.append(self.value["sbst.psychosocial"] <= self.value["sbst.total"])
        return and_(*c)

    # -- conditions ------------------------------------------------------------------------

    @singledispatchmethod
    def convert(self, expr: Expr) -> z3.BoolRef:
        """The Z3 term of a condition.

        Raises:
            UntranslatableError: For a node type the encoding does not know.
        """
        raise UntranslatableError(
            f"the Z3 encoding cannot translate {type(expr).__name__}: {expr!r}"
        )

    @convert.register
    def _(self, expr: Const) -> z3.BoolRef:
        return z3.BoolVal(expr.value)

    @convert.register
    def _(self, expr: Flag) -> z3.BoolRef:
        return self._guard(expr.variable, self.value[expr.path])

    @convert.register
    def _(self, expr: Is) -> z3.BoolRef:
        var = expr.variable
        return self._guard(var, self.value[expr.path] == self._enum_index(var, expr.value))

    @convert.register
    def _(self, expr: Has) -> z3.BoolRef:
        return self.members[expr.path, expr.member]

    @convert.register
    def _(self, expr: FactorAt) -> z3.BoolRef:
        term = self.factors[expr.factor]
        if expr.level is None:
            return term > 0
        return term == _FACTOR_CODE[expr.level]

    @convert.register
    def _(self, expr: AnyFactorAt) -> z3.BoolRef:
        return or_(*(self.convert(FactorAt(f, expr.level)) for f in expr.members))

    @convert.register
    def _(self, expr: Cmp) -> z3.BoolRef:
        var = expr.variable
        bound = z3.RealVal(str(Fraction(expr.bound))) if var.kind is VariableKind.REAL else None
        if bound is None:
            if isinstance(expr.bound, float) and not expr.bound.is_integer():
                raise UntranslatableError(f"{expr.path} is an integer; bound {expr.bound} is not")
            bound = z3.IntVal(int(expr.bound))
        return self._guard(var, _ops(expr.op)(self.value[expr.path], bound))

    @convert.register
    def _(self, expr: Present) -> z3.BoolRef:
        present = self._present(expr.variable)
        assert present is not None
        return present

    @convert.register
    def _(self, expr: Named) -> z3.BoolRef:
        found = self._named.get(expr.name)
        if found is None:
            found = self._named[expr.name] = self.convert(expr.expr)
        return found

    @convert.register
    def _(self, expr: All) -> z3.BoolRef:
        return and_(*(self.convert(a) for a in expr.args))

    @convert.register
    def _(self, expr: AnyOf) -> z3.BoolRef:
        return or_(*(self.convert(a) for a in expr.args))

    @convert.register
    def _(self, expr: Not) -> z3.BoolRef:
        return not_(self.convert(expr.arg))

    @convert.register
    def _(self, expr: AdviceIs) -> z3.BoolRef:
        return self.decided(expr.slot, expr.value)

    # -- rule-set semantics (see lbp_spec.ruleset) --------------------------------------------

    def fired(self, rule_id: str) -> z3.BoolRef:
        """The rule's condition holds."""
        found = self._fired.get(rule_id)
        if found is None:
            found = self._fired[rule_id] = self.convert(self.ruleset.rule(rule_id).when)
        return found

    def _memoised(self, key: tuple[object, ...], build: Callable[[], z3.BoolRef]) -> z3.BoolRef:
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = build()
        return found

    def effective(self, rule_id: str, slot: str) -> z3.BoolRef:
        """The rule fires and its effect on ``slot`` is not set aside."""
        return self._memoised(("effective", rule_id, slot), lambda: self._effective(rule_id, slot))

    def _effective(self, rule_id: str, slot: str) -> z3.BoolRef:
        winners = self.ruleset.overriders(rule_id, slot)
        if not winners:
            return self.fired(rule_id)
        return and_(self.fired(rule_id), not_(or_(*(self.fired(w) for w in winners))))

    def holds(self, slot: str, value: object) -> z3.BoolRef:
        """Some effective rule writes ``value`` into ``slot``."""
        return self._memoised(("holds", slot, value), lambda: self._holds(slot, value))

    def _holds(self, slot: str, value: object) -> z3.BoolRef:
        terms = [self.effective(r.id, slot) for r, v in self.ruleset.writers(slot) if v == value]
        return or_(*terms) if terms else z3.BoolVal(False)

    def written(self, slot: str) -> z3.BoolRef:
        """The slot holds some value (it is not left at its default)."""
        return or_(*(self.holds(slot, v) for v in self.ruleset.domain(slot)), z3.BoolVal(False))

    def decided(self, slot: str, value: object) -> z3.BoolRef:
        """The decided value of a single slot is ``value`` (by the slot's priority)."""
        return self._memoised(("decided", slot, value), lambda: self._decided(slot, value))

    def _decided(self, slot: str, value: object) -> z3.BoolRef:
        domain = self.ruleset.domain(slot)
        unwritten = not_(self.written(slot))
        is_default = value == SLOTS[slot].default
        if value not in domain:
            return unwritten if is_default else z3.BoolVal(False)
        k = domain.index(value)
        chosen = and_(self.holds(slot, value), *(not_(self.holds(slot, v)) for v in domain[:k]))
        # A rule may write the default itself (e.g. 'not indicated'): the slot then has
        # that value both when the rule decides it and when no rule writes the slot.
        return or_(chosen, unwritten) if is_default else chosen

    def collision(self, slot: str) -> z3.BoolRef:
        """The single slot holds two or more values (an unresolved collision)."""
        return self._memoised(("collision", slot), lambda: self._collision(slot))

    def _collision(self, slot: str) -> z3.BoolRef:
        domain = self.ruleset.domain(slot)
        pairs = [
            and_(self.holds(slot, a), self.holds(slot, b))
            for i, a in enumerate(domain)
            for b in domain[i + 1 :]
        ]
        return or_(*pairs) if pairs else z3.BoolVal(False)

    def any_collision(self) -> z3.BoolRef:
        """Some single slot has an unresolved collision."""
        slots = [s for s in self.ruleset.written_slots if SLOTS[s].kind is SlotKind.SINGLE]
        return self._memoised(
            ("any_collision",),
            lambda: or_(*(self.collision(s) for s in slots), z3.BoolVal(False)),
        )

    def contains(self, slot: str, member: object) -> z3.BoolRef:
        """The set slot holds ``member``."""
        return self._memoised(("contains", slot, member), lambda: self._contains(slot, member))

    def _contains(self, slot: str, member: object) -> z3.BoolRef:
        terms = [self.effective(r.id, slot) for r, m in self.ruleset.writers(slot) if m == member]
        return z3.Or(*terms) if terms else z3.BoolVal(False)

    def differs(self, other: Encoding) -> z3.BoolRef:
        """The normative advice of the two encodings differs for the (shared) case.

        Normative: every single slot's decided value and every set slot's
        members (warnings included); not the trace.
        """
        if other.value is not self.value:
            raise ValueError("differs() needs two encodings that share their case variables")
        terms: list[z3.BoolRef] = []
        for slot, meta in SLOTS.items():
            if meta.kind is SlotKind.SINGLE:
                values = list(self.ruleset.domain(slot))
                values += [v for v in other.ruleset.domain(slot) if v not in values]
                values.append(meta.default)
                terms.extend(self.decided(slot, v) != other.decided(slot, v) for v in values)
            else:
                for member in meta.value_type:  # type: ignore[attr-defined]
                    terms.append(self.contains(slot, member) != other.contains(slot, member))
        terms.append(self.any_collision() != other.any_collision())
        return or_(*terms)

    def plain(self) -> list[z3.BoolRef]:
        """One term per case variable: it has the value of the plain default patient.

        Used as soft constraints, so that a witness differs from a plain patient
        in as few findings as possible.
        """
        plain = Case()
        terms: list[z3.BoolRef] = []
        for path, var in VARIABLES.items():
            if var.kind is VariableKind.SET:
                terms.extend(not_(self.members[path, m]) for m in var.enum or ())
            elif var.kind is VariableKind.FACTORS:
                terms.extend(term == 0 for term in self.factors.values())
            elif var.kind is VariableKind.OBJECT or var.optional:
                terms.append(not_(self.presence[path]))
            elif var.parent is None:
                value = getattr(plain, path)
                x = self.value[path]
                if var.kind is VariableKind.ENUM:
                    terms.append(x == self._enum_index(var, value))
                else:
                    terms.append(x == value)
            else:
                default = attrs.fields_dict(
                    NeurologicalExam if var.parent == "neurological_exam" else Sbst
                )[var.name].default
                if default is not attrs.NOTHING and default is not None:
                    terms.append(self.value[path] == default)
        return terms

    def minimal_model(
        self,
        constraints: Sequence[z3.BoolRef],
        timeout_ms: int = 10_000,
        also: Sequence[Encoding] = (),
    ) -> z3.ModelRef | None:
        """A model of ``constraints`` as close to the plain patient as Z3 finds.

        Args:
            constraints: What the model must satisfy.
            timeout_ms: Optimiser time limit.
            also: Other encodings (with their own case variables) whose cases
                should be plain too, e.g. the worse case of a pair.

        Returns:
            The model, or ``None`` when the constraints are unsatisfiable or the
            optimiser gives up (callers then keep a model they already have).
        """
        opt = z3.Optimize()
        opt.set(timeout=check_timeout_ms(timeout_ms))
        opt.add(*constraints)
        for enc in (self, *also):
            for term in enc.plain():
                opt.add_soft(term)
        if opt.check() != z3.sat:
            return None
        return opt.model()

    # -- from concrete to symbolic ----------------------------------------------------------------

    def case_is(self, case: Case) -> z3.BoolRef:
        """The constraint that fixes every case variable to the values of ``case``."""
        c: list[z3.BoolRef] = []
        for path, var in VARIABLES.items():
            if var.kind is VariableKind.SET:
                value = _read(case, path)
                assert var.enum is not None
                for member in var.enum:
                    c.append(self.members[path, member] == (member in value))
                continue
            if var.kind is VariableKind.FACTORS:
                for f, term in self.factors.items():
                    c.append(term == _FACTOR_CODE[case.prognostic_factors.get(f)])
                continue
            if var.kind is VariableKind.OBJECT:
                c.append(self.presence[path] == (getattr(case, path) is not None))
                continue
            if var.parent is not None and getattr(case, var.parent) is None:
                continue
            value = _read(case, path)
            if var.optional:
                c.append(self.presence[path] == (value is not None))
                if value is None:
                    continue
            x = self.value[path]
            if var.kind is VariableKind.ENUM:
                c.append(x == self._enum_index(var, value))
            elif var.kind is VariableKind.REAL:
                c.append(x == z3.RealVal(str(Fraction(value))))
            else:
                c.append(x == value)
        return and_(*c)

    # -- from a model back to the concrete world ---------------------------------------------------

    def back(self, model: z3.ModelRef) -> Case:
        """The typed case a model describes.

        A real-valued variable is only ever compared with constants, so its
        value is replaced by a short decimal in the same interval between those
        constants (exactly representable as a float).
        """

        def get(term: Any) -> Any:
            return model.eval(term, model_completion=True)

        def present(path: str) -> bool:
            return bool(z3.is_true(get(self.presence[path])))

        def scalar(path: str) -> Any:
            var = VARIABLES[path]
            if var.optional and not present(path):
                return None
            x = get(self.value[path])
            if var.kind is VariableKind.BOOL:
                return z3.is_true(x)
            if var.kind is VariableKind.ENUM:
                assert var.enum is not None
                return list(var.enum)[x.as_long()]
            if var.kind is VariableKind.INT:
                return x.as_long()
            return self._representative(path, Fraction(x.as_fraction()))

        fields: dict[str, Any] = {}
        exam: NeurologicalExam | None = None
        sbst: Sbst | None = None
        for path, var in VARIABLES.items():
            if var.parent is not None:
                continue
            if var.kind is VariableKind.SET:
                assert var.enum is not None
                fields[path] = frozenset(
                    m for m in var.enum if z3.is_true(get(self.members[path, m]))
                )
            elif var.kind is VariableKind.FACTORS:
                factors = {}
                for f, term in self.factors.items():
                    level = _FACTOR_LEVEL[get(term).as_long()]
                    if level is not None:
                        factors[f] = level
                fields[path] = factors
            elif var.kind is VariableKind.OBJECT:
                if present(path):
                    children = {v.name: scalar(p) for p, v in VARIABLES.items() if v.parent == path}
                    if path == "neurological_exam":
                        exam = NeurologicalExam(**children)
                    else:
                        sbst = Sbst(**children)
            else:
                fields[path] = scalar(path)
        return Case(neurological_exam=exam, sbst=sbst, **fields)

    def _representative(self, path: str, x: Fraction) -> float:
        if Fraction(float(x)) == x:
            return float(x)
        var = VARIABLES[path]
        points = sorted(
            self._cmp_points.get(path, set())
            | {Fraction(var.low or 0)}
            | ({Fraction(var.high)} if var.high is not None else set())
        )
        below = max((p for p in points if p < x), default=x - 1)
        above = min((p for p in points if p > x), default=x + 1)
        return float((below + above) / 2)

    def _advice_terms(self) -> tuple[list[z3.BoolRef], z3.BitVecRef | None]:
        """Every term :meth:`advice` may read, and the same packed into one term (built once)."""
        if self._read_terms is None:
            rs = self.ruleset
            terms = [self.fired(r.id) for r in rs.rules]
            for slot in (*_ADVICE_SINGLES, *(intervention_slot(i) for i in Intervention)):
                terms.extend(self.decided(slot, v) for v in rs.domain(slot))
            for slot in _ADVICE_SETS:
                terms.extend(self.contains(slot, m) for m in SLOTS[slot].value_type)  # type: ignore[attr-defined]
            for i in Intervention:
                slot = intervention_slot(i)
                terms.extend(self.effective(r.id, slot) for r, _ in rs.writers(slot))
            terms.append(self.any_collision())
            terms = [t for t in terms if isinstance(t, z3.BoolRef)]
            self._read_terms = (terms, _packed(terms) if terms else None)
        return self._read_terms

    def _reader(self, model: z3.ModelRef) -> Callable[[z3.BoolRef], bool]:
        """Whether a term holds in ``model``: read in one evaluation when ``model`` is Z3's."""
        if isinstance(model, z3.ModelRef):
            terms, packed = self._advice_terms()
            values = None if packed is None else _read_packed(model, terms, packed)
            if values is not None:
                known = values

                def true(term: z3.BoolRef) -> bool:
                    found = known.get(term.get_id())
                    return _is_true(model, term) if found is None else found

                return true
        return lambda term: _is_true(model, term)

    def advice(self, model: z3.ModelRef) -> Advice:
        """The advice the encoding assigns to the case of ``model``."""
        rs = self.ruleset
        true = self._reader(model)
        fired = {r.id: true(self.fired(r.id)) for r in rs.rules}

        def single(slot: str) -> Any:
            for value in rs.domain(slot):
                if true(self.decided(slot, value)):
                    return value
            return SLOTS[slot].default

        def members(slot: str) -> tuple[Any, ...]:
            meta = SLOTS[slot]
            return tuple(m for m in meta.value_type if true(self.contains(slot, m)))  # type: ignore[attr-defined]

        interventions = {}
        for i in Intervention:
            slot = intervention_slot(i)
            chosen = single(slot)
            rules = tuple(
                r.id
                for r, v in rs.writers(slot)
                if v == chosen and true(self.effective(r.id, slot))
            )
            interventions[i] = InterventionAdvice(chosen, rules)
        warnings = members("warnings")
        if true(self.any_collision()):
            warnings = (*warnings, AdviceWarning.UNRESOLVED_COLLISION)
        applied = tuple(
            AppliedResolution(res.id, w, loser, slot)
            for res in rs.resolutions
            for loser in res.losers
            for slot in res.slots
            if slot in rs.rule(loser).slots
            for w in res.winners
            if fired[w] and fired[loser]
        )
        urgency = single("referral")
        return Advice(
            physiotherapy_indicated=single("physiotherapy_indicated"),
            referral=None
            if urgency is None
            else Referral(urgency, single("referral_mode") or ReferralMode.INSTEAD_OF_TREATMENT),
            consult_general_practitioner=single("consult_general_practitioner"),
            profile=single("profile"),
            neurological_examination=NeurologicalExamination(
                members("neurological_examination.components"),
                members("neurological_examination.positive_findings"),
            ),
            recheck_after_days=single("recheck_after_days"),
            reevaluation_after_weeks=single("reevaluation_after_weeks"),
            lrs_evaluation_after_weeks=single("lrs_evaluation_after_weeks"),
            session_limit=single("session_limit"),
            interventions=interventions,
            education=members("education"),
            safety_net_advice=members("safety_net_advice"),
            exercise_guidance=members("exercise_guidance"),
            behaviour_guidance=members("behaviour_guidance"),
            evaluation_actions=members("evaluation_actions"),
            warnings=warnings,
            trace=tuple(TraceEntry(r.id, r.section) for r in rs.rules if fired[r.id]),
            resolutions=applied,
        )


def _read(case: Case, path: str) -> Any:
    obj: Any = case
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj
