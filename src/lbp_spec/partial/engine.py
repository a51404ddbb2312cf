"""What is certain for a partial case, proven with Z3 on the encoding of the rules.

One :class:`~lbp_spec.symbolic.Encoding` per rule set is built once and kept,
with the validity constraint and every advice-field value named by a marker
variable. Each call substitutes its known values into that one term (in Z3,
in one pass), simplifies what is left, and asks an incremental solver of its own
with assumptions: the solver only sees what the unknown inputs still decide.

The method, for the advice fields (:data:`lbp_spec.partial.answer.FIELDS`: the single
slots of :data:`lbp_spec.rule.SLOTS` and each member of a set slot):

1. *Cover.* Find a valid completion; replay it through the evaluator and note
   every field's value. Then ask for a completion in which *some* field takes a
   value not noted yet, until the solver answers ``unsat``: that answer proves
   that the noted values are all the values every field can take. A field with
   one value is *settled*, with more it is *open*. Each noted value is checked
   against the encoding on the model it came from (the evaluator and the
   encoding must agree, or the run stops with an error).
2. If the solver gives up (``unknown``, a time limit) on the joint question,
   each field is asked on its own; a field on which it gives up too is
   *undecided* (never settled), an open one is marked not exhaustive.
3. *Witnesses.* For every value of an open field, the completion closest to
   the plain patient that produces it: the lexicographically greatest over "each
   unknown at its plain value" (an optional part absent, then each finding at its
   default; each set member absent), then, for a whole number, "at the threshold
   nearest to its plain value", found by a greedy search. A witness found for one
   value is proven closest for the other values it gives in one question. Each
   witness is replayed through the evaluator.
4. *Ask.* For every unknown input, the open fields it can change on its own:
   two completions that agree on every other unknown and differ in the field
   (with one unknown, that is every open field).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final

import attrs
import z3

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.errors import InvalidCaseError, Problem
from lbp_spec.evaluator import evaluate
from lbp_spec.logic import VARIABLES, Cmp, FactorAt, Variable, VariableKind
from lbp_spec.partial.answer import (
    FIELDS,
    Ask,
    FieldAnswer,
    PartialAdvice,
    Status,
    Witness,
    field_slot,
    field_value,
)
from lbp_spec.partial_case import PartialCase, unknown_target
from lbp_spec.rule import SLOTS
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import AdviceWarning, FactorLevel

__all__ = ["DEFAULT_TIMEOUT_MS", "EncodingMismatchError", "evaluate_partial"]

DEFAULT_TIMEOUT_MS: Final = 10_000
"""Solver time limit per question, in milliseconds."""

_MAX_CACHED: Final = 100_000
"""Known-value constraints kept between calls, at most (then the cache starts over)."""

_MAX_MODELS: Final = 200
"""Completions looked at per cover before the fields are asked one by one."""


class EncodingMismatchError(AssertionError):
    """The evaluator and the Z3 encoding disagree on a completion (a bug in lbp_spec)."""


# -- values of advice fields -------------------------------------------------------------


# -- the encoding, built once ------------------------------------------------------------


class _Engine:
    """The encoding of one rule set, built once, with its advice fields as marked atoms.

    Every value of a single field and every member of a set field is an *atom*:
    a Z3 term of the encoding, named by a marker variable. A call substitutes the
    known values into the validity constraint and the atoms (one pass in Z3), so
    that its solver only sees what the unknown inputs still decide; the field
    values are then formulas over the markers.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.enc = Encoding(ruleset)
        self.fields: tuple[str, ...] = FIELDS
        self._points: dict[str, list[Fraction]] = {}
        for rule in ruleset.rules:
            for node in rule.when.walk():
                if isinstance(node, Cmp):
                    self._points.setdefault(node.path, []).append(Fraction(node.bound))
        self._soft: dict[str, tuple[list[z3.BoolRef], list[z3.BoolRef]]] = {}
        self._index: dict[tuple[str, object], int] = {}
        terms = [self.enc.valid()]
        for slot in self.fields:
            for atom in self._atoms(slot):
                self._index[slot, atom] = len(terms) - 1
                terms.append(self._atom_term(self.enc, slot, atom))
        self.markers = [z3.Bool(f"partial.atom.{i}") for i in range(len(terms) - 1)]
        self.body = z3.And(
            terms[0], *(m == t for m, t in zip(self.markers, terms[1:], strict=True))
        )
        self._values: dict[tuple[str, object], z3.BoolRef] = {}
        self._unseen: dict[tuple[str, frozenset[object]], z3.BoolRef] = {}
        self._fixes: dict[tuple[str, str, object], tuple[list[Any], list[Any], list[Any]]] = {}
        self._pair: tuple[Encoding, z3.BoolRef, list[z3.BoolRef]] | None = None

    def _atoms(self, field: str) -> list[object]:
        slot, member = field_slot(field)
        if member is not None:
            return [True]
        meta = SLOTS[slot]
        values = list(self.ruleset.domain(slot))
        if meta.default not in values:
            values.append(meta.default)
        return values

    def _atom_term(self, enc: Encoding, field: str, atom: object) -> z3.BoolRef:
        slot, member = field_slot(field)
        if member is not None:
            return self.member(enc, slot, member)
        return enc.decided(slot, atom)

    def marker(self, slot: str, atom: object) -> z3.BoolRef:
        index = self._index.get((slot, atom))
        return z3.BoolVal(False) if index is None else self.markers[index]

    def pair(self) -> tuple[Encoding, z3.BoolRef, list[z3.BoolRef]]:
        """A second copy of the case variables; the body over both copies, and its markers.

        The body states validity of both copies and, per field, that the field
        differs between them.
        """
        if self._pair is None:
            other = Encoding(self.ruleset, prefix="other.")
            markers = [z3.Bool(f"partial.differs.{slot}") for slot in self.fields]
            differs = [
                m == self.differs(s, other) for m, s in zip(markers, self.fields, strict=True)
            ]
            self._pair = (other, z3.And(self.enc.valid(), other.valid(), *differs), markers)
        return self._pair

    def solver(
        self,
        body: z3.BoolRef,
        fixed: tuple[list[tuple[Any, Any]], list[z3.BoolRef], list[z3.BoolRef]],
    ) -> z3.Solver:
        """A solver for ``body`` with the ``fixed`` values substituted and propagated.

        The fixed variables are also stated equal to their values, so that a
        model still shows them.
        """
        pairs, rest, eqs = fixed
        goal = z3.Goal()
        goal.add(z3.substitute(body, *pairs) if pairs else body, *rest)
        reduced = _REDUCE(goal)
        solver = z3.Solver()
        solver.add(*(formula for subgoal in reduced for formula in subgoal))
        solver.add(*eqs)
        return solver

    # value terms

    def member(self, enc: Encoding, slot: str, member: object) -> z3.BoolRef:
        term = enc.contains(slot, member)
        if slot == "warnings" and member is AdviceWarning.UNRESOLVED_COLLISION:
            term = z3.Or(term, enc.any_collision())
        return term

    def is_value(self, slot: str, value: object) -> z3.BoolRef:
        """The field ``slot`` has ``value`` (as :func:`slot_value` reads it)."""
        key = (slot, value)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self._is_value(slot, value)
        return found

    def unseen(self, field: str, seen: tuple[object, ...]) -> z3.BoolRef:
        """The field has none of the values ``seen`` (built once per field and values)."""
        key = (field, frozenset(seen))
        found = self._unseen.get(key)
        if found is None:
            terms = [self.is_value(field, v) for v in seen]
            found = z3.Not(terms[0]) if len(terms) == 1 else z3.Not(z3.Or(*terms))
            self._unseen[key] = found
        return found

    def _is_value(self, field: str, value: object) -> z3.BoolRef:
        _, member = field_slot(field)
        if member is not None:
            marker = self.marker(field, True)
            return marker if value else z3.Not(marker)
        return self.marker(field, value)

    def differs(self, field: str, other: Encoding) -> z3.BoolRef:
        """The field has different values in the two copies."""
        slot, member = field_slot(field)
        if member is not None:
            return self.member(self.enc, slot, member) != self.member(other, slot, member)
        values = self._atoms(field)
        terms = [self.enc.decided(slot, v) != other.decided(slot, v) for v in values]
        return z3.Or(*terms, z3.BoolVal(False))

    # case terms

    def equals(self, enc: Encoding, path: str, value: object) -> z3.BoolRef:
        """The case variable at ``path`` (or set member / factor path) has ``value``."""
        pairs, rest = self.fix(enc, path, value)
        return z3.And(*(var == constant for var, constant in pairs), *rest)

    def fixes(
        self, enc: Encoding, path: str, value: object
    ) -> tuple[list[tuple[Any, Any]], list[z3.BoolRef], list[z3.BoolRef]]:
        """:meth:`fix`, with the pairs also as equations; kept for the next call."""
        key = (enc.prefix, path, value)
        found = self._fixes.get(key)
        if found is None:
            if len(self._fixes) > _MAX_CACHED:
                self._fixes.clear()
            pairs, rest = self.fix(enc, path, value)
            found = self._fixes[key] = (pairs, rest, [var == c for var, c in pairs])
        return found

    def fix(
        self, enc: Encoding, path: str, value: object
    ) -> tuple[list[tuple[Any, Any]], list[z3.BoolRef]]:
        """``path`` has ``value``: as (variable, constant) pairs, and any other constraint."""
        var, member = unknown_target(path)
        if member is not None:
            if var.kind is VariableKind.SET:
                return [(enc.members[var.path, member], z3.BoolVal(bool(value)))], []
            if value is None:
                return [], [z3.Not(enc.convert(FactorAt(member)))]  # type: ignore[arg-type]
            term = enc.convert(FactorAt(member, value))  # type: ignore[arg-type]
            if z3.is_eq(term):
                return [(term.arg(0), term.arg(1))], []
            return [], [term]  # pragma: no cover - the encoding writes levels as equalities
        if var.kind is VariableKind.OBJECT:
            return [(enc.presence[path], z3.BoolVal(bool(value)))], []
        pairs: list[tuple[Any, Any]] = []
        rest: list[z3.BoolRef] = []
        if var.kind is VariableKind.SET or var.kind is VariableKind.FACTORS:
            assert var.enum is not None
            for m in var.enum:
                got = m in value if var.kind is VariableKind.SET else value.get(m)  # type: ignore[operator, attr-defined]
                more, other = self.fix(enc, f"{path}.{m.value}", got)
                pairs.extend(more)
                rest.extend(other)
            return pairs, rest
        if var.optional:
            pairs.append((enc.presence[path], z3.BoolVal(value is not None)))
            if value is None:
                return pairs, rest
        x = enc.value[path]
        if var.kind is VariableKind.ENUM:
            assert var.enum is not None
            pairs.append((x, z3.IntVal(list(var.enum).index(value))))  # type: ignore[arg-type]
        elif var.kind is VariableKind.REAL:
            pairs.append((x, z3.RealVal(str(Fraction(value)))))  # type: ignore[call-overload]
        elif var.kind is VariableKind.BOOL:
            pairs.append((x, z3.BoolVal(bool(value))))
        else:
            pairs.append((x, z3.IntVal(int(value))))  # type: ignore[call-overload]
        return pairs, rest

    def fixed(
        self, partial: PartialCase, enc: Encoding | None = None
    ) -> tuple[list[tuple[Any, Any]], list[z3.BoolRef], list[z3.BoolRef]]:
        """Every known input: substitutions (variable, constant), what remains, as equations."""
        enc = enc or self.enc
        pairs: list[tuple[Any, Any]] = []
        rest: list[z3.BoolRef] = []
        eqs: list[z3.BoolRef] = []
        for path, value in partial.known.items():
            var = VARIABLES[path]
            items: list[tuple[str, object]]
            if var.kind is VariableKind.SET or var.kind is VariableKind.FACTORS:
                assert var.enum is not None
                items = [
                    (
                        f"{path}.{m.value}",
                        m in value if var.kind is VariableKind.SET else value.get(m),  # type: ignore[operator, attr-defined]
                    )
                    for m in var.enum
                    if partial.known_member(f"{path}.{m.value}")
                ]
            else:
                items = [(path, value)]
            for sub, got in items:
                more, other, equations = self.fixes(enc, sub, got)
                pairs.extend(more)
                rest.extend(other)
                eqs.extend(equations)
        return pairs, rest, eqs

    def known(self, partial: PartialCase, enc: Encoding | None = None) -> list[z3.BoolRef]:
        """The constraints that fix every known input."""
        _, rest, eqs = self.fixed(partial, enc)
        return eqs + rest

    def same_input(self, path: str, other: Encoding) -> z3.BoolRef:
        """Both copies have the same value at the unknown input ``path``."""
        var, member = unknown_target(path)
        enc = self.enc
        if member is not None:
            if var.kind is VariableKind.SET:
                return enc.members[var.path, member] == other.members[var.path, member]
            return enc.factors[member] == other.factors[member]  # type: ignore[index]
        variables = [var, *(v for v in VARIABLES.values() if v.parent == path)]
        terms: list[z3.BoolRef] = []
        for v in variables:
            if v.path in enc.presence:
                terms.append(enc.presence[v.path] == other.presence[v.path])
            if v.path in enc.value:
                terms.append(enc.value[v.path] == other.value[v.path])
            if v.kind is VariableKind.SET:
                assert v.enum is not None
                terms.extend(enc.members[v.path, m] == other.members[v.path, m] for m in v.enum)
            if v.kind is VariableKind.FACTORS:
                terms.extend(enc.factors[f] == other.factors[f] for f in enc.factors)
        return z3.And(*terms)

    def soft(self, path: str) -> tuple[list[z3.BoolRef], list[z3.BoolRef]]:
        """The literals of :meth:`plain` and :meth:`nearest` for ``path``, built once."""
        found = self._soft.get(path)
        if found is None:
            found = self._soft[path] = (self.plain(path), self.nearest(path))
        return found

    def plain(self, path: str) -> list[z3.BoolRef]:
        """Soft literals: the unknown input has its plain-patient value, most wanted first.

        An optional part: absent, then each finding at its default; a set: each
        member absent; the prognostic factors: each factor absent.
        """
        var, member = unknown_target(path)
        enc = self.enc
        if member is not None:
            return [self.equals(enc, path, False if var.kind is VariableKind.SET else None)]
        if var.kind is VariableKind.OBJECT:
            children = [v.path for v in VARIABLES.values() if v.parent == path]
            return [z3.Not(enc.presence[path]), *(lit for c in children for lit in self.plain(c))]
        if var.kind is VariableKind.SET or var.kind is VariableKind.FACTORS:
            assert var.enum is not None
            return [lit for m in var.enum for lit in self.plain(f"{path}.{m.value}")]
        if var.optional:
            return [z3.Not(enc.presence[path])]
        if var.parent is not None:
            default = _plain_child(var)
            return [] if default is None else [self.equals(enc, path, default)]
        return [self.equals(enc, path, getattr(_PLAIN, path))]

    def nearest(self, path: str) -> list[z3.BoolRef]:
        """For a whole-number unknown: its thresholds, nearest to its plain value first."""
        var, member = unknown_target(path)
        if member is not None or var.kind is not VariableKind.INT:
            return []
        plain = _plain_child(var) if var.parent is not None else getattr(_PLAIN, path)
        if not isinstance(plain, int):
            return []
        points: set[int] = set()
        for p in self._points.get(path, ()):
            for q in (int(p) - 1, int(p), int(p) + 1):
                if (var.low is None or q >= var.low) and (var.high is None or q <= var.high):
                    points.add(q)
        ordered = sorted(points - {plain}, key=lambda q: (abs(q - plain), q))
        return [self.enc.value[path] == q for q in ordered]


_PLAIN: Final = Case()
_REDUCE: Final = z3.Then("simplify", "propagate-values")
"""Simplifies what the known values leave; keeps every marker and unknown variable."""


def _plain_child(var: Variable) -> object:
    from lbp_spec.partial_case import _default, _part_class

    assert var.parent is not None
    import attrs

    value = _default(_part_class(var.parent), var.name)
    return None if value is attrs.NOTHING else value


_ENGINES: weakref.WeakKeyDictionary[RuleSet, _Engine] = weakref.WeakKeyDictionary()


def _engine(ruleset: RuleSet) -> _Engine:
    found = _ENGINES.get(ruleset)
    if found is None:
        found = _ENGINES[ruleset] = _Engine(ruleset)
    return found


# -- one evaluation ----------------------------------------------------------------------


def _fill(partial: PartialCase, case: Case) -> dict[str, object]:
    """The values of ``case`` at the unknown paths of ``partial``."""
    out: dict[str, object] = {}
    for path in partial.unknown:
        var, member = unknown_target(path)
        if member is not None:
            container = getattr(case, var.path)
            if var.kind is VariableKind.SET:
                out[path] = member in container
            else:
                out[path] = container.get(member)
            continue
        obj: Any = case
        for part in path.split("."):
            obj = getattr(obj, part)
        out[path] = obj
    return out


def _solve(solver: z3.Solver, *assumptions: z3.BoolRef) -> z3.CheckSatResult:
    """Every solver question of a call goes through here (tests force ``unknown`` here)."""
    return solver.check(*assumptions)


class _Run:
    def __init__(self, engine: _Engine, partial: PartialCase, timeout_ms: int) -> None:
        self.engine = engine
        self.partial = partial
        self.solver = engine.solver(engine.body, engine.fixed(partial))
        self.solver.set(timeout=timeout_ms)
        self.timeout_ms = timeout_ms
        self.values: dict[str, dict[object, Witness]] = {f: {} for f in engine.fields}
        self.found: list[tuple[Witness, tuple[bool, ...]]] = []
        self.open: list[tuple[str, object]] = []
        self.proven: dict[tuple[str, object], Witness] = {}
        self.checks = 0

    def check(self, *assumptions: z3.BoolRef, solver: z3.Solver | None = None) -> z3.CheckSatResult:
        self.checks += 1
        return _solve(solver or self.solver, *assumptions)

    def replay(self, model: z3.ModelRef) -> tuple[Witness, Advice]:
        """The completion of ``model``, its advice, checked against the encoding."""
        fill = _fill(self.partial, self.engine.enc.back(model))
        case = self.partial.complete(fill)
        advice = evaluate(case, self.engine.ruleset)
        return Witness(fill=fill, case=case, advice=advice), advice

    def note(self, model: z3.ModelRef) -> bool:
        """Note the values of every field on ``model``; whether any was new."""
        witness, advice = self.replay(model)
        new = False
        for slot in self.engine.fields:
            value = field_value(advice, slot)
            term = self.engine.is_value(slot, value)
            if not z3.is_true(model.eval(term, model_completion=True)):
                raise EncodingMismatchError(
                    f"the evaluator gives {slot} = {value!r} for {witness.case!r}, "
                    "the encoding does not"
                )
            if value not in self.values[slot]:
                self.values[slot][value] = witness
                new = True
        return new

    def unseen(self, slot: str) -> z3.BoolRef:
        return self.engine.unseen(slot, tuple(self.values[slot]))

    def cover(self, slots: Sequence[str]) -> bool:
        """Note values until no field of ``slots`` can take another; False if the solver gave up."""
        for _ in range(_MAX_MODELS):
            query = z3.Or(*(self.unseen(s) for s in slots), z3.BoolVal(False))
            outcome = self.check(query)
            if outcome == z3.unsat:
                return True
            if outcome != z3.sat:
                return False
            if not self.note(self.solver.model()):
                raise EncodingMismatchError(
                    f"the solver found a new value of {', '.join(slots)} that the evaluator "
                    "does not give"
                )
        return False

    def soft(self) -> list[z3.BoolRef]:
        """Every unknown input at its plain value."""
        return [lit for path in self.partial.unknown for lit in self.engine.soft(path)[0]]

    def order(self) -> list[tuple[z3.BoolRef, int]]:
        """The literals a witness should satisfy, most wanted first, each with its group.

        First every unknown input at its plain value, then, for each whole-number
        input, its thresholds nearest to the plain value (one group per input: at
        most one of them holds).
        """
        found = [(lit, -1) for lit in self.soft()]
        for i, path in enumerate(self.partial.unknown):
            found.extend((lit, i) for lit in self.engine.soft(path)[1])
        return found

    def vector(self, model: z3.ModelRef) -> tuple[bool, ...]:
        return tuple(
            bool(z3.is_true(model.eval(lit, model_completion=True))) for lit, _ in self.order()
        )

    def greater(self, vector: tuple[bool, ...]) -> z3.BoolRef:
        """Some completion satisfies a lexicographically greater vector of literals."""
        lits = [lit for lit, _ in self.order()]
        terms = []
        for i, bit in enumerate(vector):
            if not bit:
                same = [lits[j] if vector[j] else z3.Not(lits[j]) for j in range(i)]
                terms.append(z3.And(lits[i], *same))
        return z3.Or(*terms, z3.BoolVal(False))

    def plain_witness(self) -> None:
        """Note the completion with every unknown input at its plain value, if it is valid."""
        if self.check(*self.soft()) == z3.sat:
            model = self.solver.model()
            self.found.append((self.replay(model)[0], self.vector(model)))

    def witness(self, slot: str, value: object) -> Witness:
        """The completion giving ``slot`` the ``value`` that is closest to the plain patient.

        Closest: the greatest vector of :meth:`order` (lexicographically), found
        by a greedy search; a witness found before is reused when the solver
        proves that nothing closer gives the value.
        """
        known = self.proven.get((slot, value))
        if known is not None:
            return known
        target = self.engine.is_value(slot, value)
        best = self.best(slot, value)
        if best is not None:
            plain = [
                bit for bit, (_, group) in zip(best[1], self.order(), strict=True) if group < 0
            ]
            if all(plain) or self.check(target, self.greater(best[1])) == z3.unsat:
                return best[0]
        kept: list[z3.BoolRef] = []
        minimal = True
        done: set[int] = set()
        for lit, group in self.order():
            if group in done:
                continue
            outcome = self.check(target, *kept, lit)
            if outcome == z3.sat:
                kept.append(lit)
                if group >= 0:
                    done.add(group)
            elif outcome != z3.unsat:
                minimal = False
        outcome = self.check(target, *kept)
        if outcome != z3.sat:
            return attrs.evolve(self.values[slot][value], minimal=False)
        model = self.solver.model()
        found, advice = self.replay(model)
        if field_value(advice, slot) != value:
            raise EncodingMismatchError(
                f"the witness for {slot} = {value!r} gets {field_value(advice, slot)!r} "
                "from the evaluator"
            )
        if not minimal:
            return attrs.evolve(found, minimal=False)
        vector = self.vector(model)
        self.found.append((found, vector))
        self.share(found, vector)
        return found

    def best(self, slot: str, value: object) -> tuple[Witness, tuple[bool, ...]] | None:
        """The witness found so far that gives the value and is closest to the plain patient."""
        return max(
            (f for f in self.found if field_value(f[0].advice, slot) == value),
            key=lambda f: f[1],
            default=None,
        )

    def share(self, witness: Witness, vector: tuple[bool, ...]) -> None:
        """Prove in one question that ``witness`` is the closest for every open value it gives."""
        pending = [
            (slot, value)
            for slot, value in self.open
            if (slot, value) not in self.proven
            and field_value(witness.advice, slot) == value
            and (best := self.best(slot, value)) is not None
            and best[0] is witness
        ]
        greater = self.greater(vector)
        while pending:
            targets = z3.Or(*(self.engine.is_value(slot, value) for slot, value in pending))
            outcome = self.check(targets, greater)
            if outcome == z3.unsat:
                for key in pending:
                    self.proven[key] = witness
                return
            if outcome != z3.sat:
                return
            model = self.solver.model()
            pending = [
                (slot, value)
                for slot, value in pending
                if not z3.is_true(model.eval(self.engine.is_value(slot, value), True))
            ]


def _unsat_problems(engine: _Engine, partial: PartialCase, timeout_ms: int) -> list[Problem]:
    """No valid case completes ``partial``: a problem at each known field that takes part."""
    solver = z3.Solver()
    solver.set(timeout=timeout_ms)
    solver.add(engine.enc.valid())
    for i, (path, value) in enumerate(partial.known.items()):
        terms = engine.known(PartialCase({path: value}, partial.unknown))
        solver.assert_and_track(z3.And(*terms), z3.Bool(f"known.{i}.{path}"))
    names: list[str] = []
    if solver.check() == z3.unsat:
        names = sorted({str(c).split(".", 2)[2] for c in solver.unsat_core()})
    unknown = ", ".join(partial.unknown)
    message = (
        f"no valid case completes the unknown inputs ({unknown}) with the known values of "
        + (", ".join(names) if names else "this case")
    )
    return [Problem(name, message) for name in names] or [Problem("unknown", message)]


def evaluate_partial(
    partial: PartialCase,
    rules: RuleSet = GUIDELINE,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> PartialAdvice:
    """What the guideline already says for a case with unknown inputs, and what to ask.

    Args:
        partial: The partial case (see :class:`~lbp_spec.PartialCase`).
        rules: The rule set; the built-in guideline unless given.
        timeout_ms: Solver time limit per question. A question the solver does
            not answer in time leaves its field ``undecided``.

    Returns:
        Every advice field settled, open (each value with a witness completion)
        or undecided, and the unknown inputs ranked by what they can change.

    Raises:
        InvalidCaseError: No valid case completes the known values.

    Example:
        >>> from lbp_spec import Case, NeurologicalExam, PartialCase, evaluate_partial
        >>> exam = NeurologicalExam(lasegue=True, dermatomal_pain=True)
        >>> p = PartialCase.of(Case(lrs=True, neurological_exam=exam),
        ...                    ["neurological_exam.mrc_lowest"])
        >>> answer = evaluate_partial(p)
        >>> answer.field("referral").status.value
        'open'
        >>> answer.field("consult_general_practitioner").status.value
        'settled'

    """
    start = time.perf_counter()
    engine = _engine(rules)
    run = _Run(engine, partial, timeout_ms)
    first = run.check()
    if first == z3.unsat:
        raise InvalidCaseError(_unsat_problems(engine, partial, timeout_ms))
    if first != z3.sat:
        fields = tuple(FieldAnswer(field=f, status=Status.UNDECIDED) for f in engine.fields)
        asks = tuple(Ask(input=path, changes=(), complete=False) for path in partial.unknown)
        return PartialAdvice(
            partial=partial,
            fields=fields,
            ask=asks,
            seconds=time.perf_counter() - start,
            checks=run.checks,
        )
    run.note(run.solver.model())
    exhaustive = dict.fromkeys(engine.fields, True)
    if not run.cover(engine.fields):
        for slot in engine.fields:
            exhaustive[slot] = run.cover([slot])
    answers = []
    run.open = [(s, v) for s in engine.fields if len(run.values[s]) > 1 for v in run.values[s]]
    if run.open:
        run.plain_witness()
    for slot in engine.fields:
        values = run.values[slot]
        if len(values) == 1 and exhaustive[slot]:
            ((value, witness),) = values.items()
            answers.append(
                FieldAnswer(field=slot, status=Status.SETTLED, value=value, witness=witness)
            )
        elif len(values) == 1:
            answers.append(FieldAnswer(field=slot, status=Status.UNDECIDED))
        else:
            witnesses = tuple((v, run.witness(slot, v)) for v in values)
            answers.append(
                FieldAnswer(
                    field=slot,
                    status=Status.OPEN,
                    values=witnesses,
                    exhaustive=exhaustive[slot],
                )
            )
    ask = _ask(run, answers)
    return PartialAdvice(
        partial=partial,
        fields=tuple(answers),
        ask=ask,
        seconds=time.perf_counter() - start,
        checks=run.checks,
    )


def _is_referral(slot: str) -> bool:
    return slot == "referral" or slot.startswith("referral.")


def _ask(run: _Run, answers: list[FieldAnswer]) -> tuple[Ask, ...]:
    engine, partial = run.engine, run.partial
    moving = [a.field for a in answers if a.status is not Status.SETTLED]
    changes: dict[str, tuple[str, ...]] = {}
    decided: dict[str, bool] = {}
    referral_at: dict[str, tuple[tuple[object, object], ...]] = {}
    if len(partial.unknown) == 1:
        path = partial.unknown[0]
        changes[path] = tuple(a.field for a in answers if a.status is Status.OPEN)
        decided[path] = all(a.status is not Status.UNDECIDED for a in answers)
        if any(_is_referral(f) for f in changes[path]):
            referral_at[path] = _referral_at(run, path)
    else:
        other, body, markers = engine.pair()
        pairs, rest, eqs = engine.fixed(partial)
        pairs_b, rest_b, eqs_b = engine.fixed(partial, other)
        solver = engine.solver(body, (pairs + pairs_b, rest + rest_b, eqs + eqs_b))
        solver.set(timeout=run.timeout_ms)
        differs = dict(zip(engine.fields, markers, strict=True))
        seen = _seen_changes(run, moving)
        for path in partial.unknown:
            found, complete = _changed_by(run, solver, other, path, moving, differs, seen[path])
            changes[path] = found
            decided[path] = complete
    asks = [
        Ask(
            input=path,
            changes=changes[path],
            complete=decided[path],
            referral_at=referral_at.get(path, ()),
        )
        for path in partial.unknown
    ]
    order = {path: i for i, path in enumerate(partial.unknown)}
    return tuple(
        sorted(
            asks,
            key=lambda a: (
                not any(_is_referral(f) for f in a.changes),
                -len({field_slot(f)[0] for f in a.changes}),
                order[a.input],
            ),
        )
    )


_FEW: Final = 21
"""An input with at most this many values has the referral shown for each value."""


def _values_of(path: str) -> list[object] | None:
    """Every value of an input with few values (a flag, a choice, a small number)."""
    var, member = unknown_target(path)
    if member is not None:
        return [False, True] if var.kind is VariableKind.SET else [None, *FactorLevel]
    if var.kind is VariableKind.BOOL:
        values: list[object] = [False, True]
    elif var.kind is VariableKind.ENUM:
        assert var.enum is not None
        values = list(var.enum)
    elif var.kind is VariableKind.INT and var.low is not None and var.high is not None:
        if var.high - var.low + 1 > _FEW:
            return None
        values = list(range(int(var.low), int(var.high) + 1))
    else:
        return None
    return [None, *values] if var.optional else values


def _referral_at(run: _Run, path: str) -> tuple[tuple[object, object], ...]:
    """For the only unknown input, the referral at each of its valid values (when few)."""
    values = _values_of(path)
    if values is None:
        return ()
    out = []
    for value in values:
        outcome = run.check(run.engine.equals(run.engine.enc, path, value))
        if outcome == z3.unsat:
            continue  # not a valid completion
        if outcome != z3.sat:
            return ()
        _, advice = run.replay(run.solver.model())
        out.append((value, field_value(advice, "referral")))
    return tuple(out)


def _seen_changes(run: _Run, moving: list[str]) -> dict[str, set[str]]:
    """Fields already seen to change with one unknown input alone, from the witnesses found.

    Two completions found so far that differ in one unknown input only, and in a
    field, show that the input can change the field on its own; the solver need
    not be asked about it again.
    """
    witnesses: dict[int, Witness] = {}
    for values in run.values.values():
        for witness in values.values():
            witnesses[id(witness)] = witness
    for witness, _ in run.found:
        witnesses[id(witness)] = witness
    found: dict[str, set[str]] = {path: set() for path in run.partial.unknown}
    items = list(witnesses.values())
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            different = [p for p in run.partial.unknown if a.fill[p] != b.fill[p]]
            if len(different) != 1:
                continue
            changed = found[different[0]]
            changed.update(
                f for f in moving if field_value(a.advice, f) != field_value(b.advice, f)
            )
    return found


def _changed_by(
    run: _Run,
    solver: z3.Solver,
    other: Encoding,
    path: str,
    moving: list[str],
    differs: dict[str, z3.BoolRef],
    seen: set[str],
) -> tuple[tuple[str, ...], bool]:
    """The fields ``path`` can change on its own, starting from those ``seen`` to change."""
    engine = run.engine
    solver.push()
    try:
        for rest in run.partial.unknown:
            if rest != path:
                solver.add(engine.same_input(rest, other))
        found: list[str] = [f for f in moving if f in seen]
        while True:
            left = [f for f in moving if f not in found]
            if not left:
                return tuple(f for f in engine.fields if f in found), True
            outcome = run.check(z3.Or(*(differs[f] for f in left)), solver=solver)
            if outcome == z3.unsat:
                return tuple(f for f in engine.fields if f in found), True
            if outcome != z3.sat:
                return tuple(f for f in engine.fields if f in found), False
            model = solver.model()
            a = evaluate(engine.enc.back(model), engine.ruleset)
            b = evaluate(other.back(model), engine.ruleset)
            new = [f for f in left if field_value(a, f) != field_value(b, f)]
            if not new:
                raise EncodingMismatchError(
                    f"two completions differing in {path} differ for the encoding only"
                )
            found.extend(new)
    finally:
        solver.pop()
