"""Evaluator and Z3 encoding agree: checked on many generated cases, in bulk.

Every proof rests on one claim: the Z3 encoding (:mod:`lbp_spec.symbolic`) gives
each valid case the advice the evaluator (:func:`lbp_spec.evaluate`) gives it. The
unit tests check it on a thousand Hypothesis cases and on every witness; this
module checks it on hundreds of thousands, cheaply enough for CI:

* **In bulk, no solver call per case.** Every Boolean term the advice is read
  from (each rule firing, each decided value, each set member, each effective
  writer, the collision flag, and the validity constraint itself) is packed into
  one bit-vector term. A case becomes a model (each case variable bound to its
  value) and that one term is evaluated under it: Z3's model evaluator, the
  substitution of the case into the encoding, with no search. The advice is read
  back from the bits with :meth:`~lbp_spec.symbolic.Encoding.advice`, the very
  reader the verifier uses, and compared with the evaluator's; the same bits give
  the same advice, so each bit pattern is read once. Every ``back_every``-th case
  also goes back from the model to a case (:meth:`~lbp_spec.symbolic.Encoding.back`)
  and must come back equal.
* **Biased where mistakes hide.** :func:`generated_cases` draws random valid
  cases, and perturbs seed cases (a minimal case on which each rule fires, both
  sides of each threshold, each resolution: the regression vectors; and every
  vector of a conformance suite, when given): one to three variables are
  redrawn, numbers preferably just below, at and just above every bound a rule
  compares them with.

A disagreement is reported with the case, both advices and the fields that
differ; :func:`check` never stops at the first.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import attrs
import z3

from lbp_spec.advice import Advice
from lbp_spec.case import Case, NeurologicalExam, Sbst
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.logic import VARIABLES, Cmp, VariableKind
from lbp_spec.rule import SLOTS, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import FactorLevel, PrognosticFactor

__all__ = ["Disagreement", "Outcome", "check", "generated_cases"]

_FACTOR_CODE = {None: 0, FactorLevel.NON_DOMINANT: 1, FactorLevel.DOMINANT: 2}


@attrs.frozen
class Disagreement:
    """A case the evaluator and the encoding advise differently (or read back differently).

    Attributes:
        case: The case.
        evaluator: The evaluator's advice.
        encoding: The advice the encoding assigns (``None`` when the case itself
            broke the encoding's validity constraint or did not come back).
        what: What differs, in words.
    """

    case: Case
    evaluator: Advice
    encoding: Advice | None
    what: str


@attrs.frozen
class Outcome:
    """The result of :func:`check`.

    Attributes:
        cases: How many cases were compared.
        round_trips: How many of them also went back from the model to a case.
        patterns: How many distinct encoded advices (bit patterns) they produced.
        disagreements: Every disagreement found.
    """

    cases: int
    round_trips: int
    patterns: int
    disagreements: tuple[Disagreement, ...]

    @property
    def agree(self) -> bool:
        """Whether no case was advised differently."""
        return not self.disagreements


class _Bulk:
    """One encoding, with every advice term packed into one bit-vector term."""

    def __init__(self, ruleset: RuleSet, encoding: Encoding | None) -> None:
        enc = encoding or Encoding(ruleset)
        self.enc = enc
        rs = enc.ruleset
        terms = [enc.valid(), enc.any_collision()]
        terms += [enc.fired(r.id) for r in rs.rules]
        for slot, meta in SLOTS.items():
            if meta.kind is SlotKind.SET:
                terms += [enc.contains(slot, m) for m in meta.value_type]  # type: ignore[attr-defined]
            else:
                terms += [enc.decided(slot, v) for v in rs.domain(slot)]
                terms += [enc.effective(r.id, slot) for r, _ in rs.writers(slot)]
        self.width = len(terms)
        self.index = {t.get_id(): i for i, t in enumerate(terms)}
        one, zero = z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)
        self.packed = z3.Concat(*[z3.If(t, one, zero) for t in terms])
        self.ctx = self.packed.ctx
        self.true, self.false = z3.BoolVal(True), z3.BoolVal(False)
        self._ints: dict[int, Any] = {}
        self._keep: list[z3.ExprRef] = []
        self._advice: dict[int, Advice] = {}
        self._steps = self._plan()

    def _int(self, value: int) -> Any:
        found = self._ints.get(value)
        if found is None:
            term = z3.IntVal(value)
            self._keep.append(term)  # the raw AST lives as long as its Python owner
            found = self._ints[value] = term.as_ast()
        return found

    def _decl(self, var: z3.ExprRef) -> Any:
        return var.decl().ast

    def _plan(self) -> list[tuple[str, Any, Any]]:
        """For each case variable: its path, how it is bound, and the declarations."""
        enc = self.enc
        plan: list[tuple[str, Any, Any]] = []
        for path, var in VARIABLES.items():
            if var.kind is VariableKind.SET:
                assert var.enum is not None
                members = [(m, self._decl(enc.members[path, m])) for m in var.enum]
                plan.append((path, var, members))
            elif var.kind is VariableKind.FACTORS:
                factors = [(f, self._decl(t)) for f, t in enc.factors.items()]
                plan.append((path, var, factors))
            else:
                presence = enc.presence.get(path)
                value = enc.value.get(path)
                decls = (
                    None if presence is None else self._decl(presence),
                    None if value is None else self._decl(value),
                )
                plan.append((path, var, decls))
        return plan

    def model(self, case: Case) -> z3.ModelRef:
        """The model that binds every case variable of the encoding to ``case``."""
        model = z3.Model(self.ctx)
        ctx, raw = self.ctx.ref(), model.model
        true, false = self.true.as_ast(), self.false.as_ast()
        add = z3.Z3_add_const_interp
        for path, var, decls in self._steps:
            kind = var.kind
            if kind is VariableKind.SET:
                chosen = _read(case, path)
                for member, decl in decls:
                    add(ctx, raw, decl, true if member in chosen else false)
                continue
            if kind is VariableKind.FACTORS:
                for f, decl in decls:
                    add(ctx, raw, decl, self._int(_FACTOR_CODE[case.prognostic_factors.get(f)]))
                continue
            presence, decl = decls
            if kind is VariableKind.OBJECT:
                add(ctx, raw, presence, true if getattr(case, path) is not None else false)
                continue
            if var.parent is not None and getattr(case, var.parent) is None:
                continue
            value = _read(case, path)
            if presence is not None:
                add(ctx, raw, presence, false if value is None else true)
                if value is None:
                    continue
            if kind is VariableKind.ENUM:
                assert var.enum is not None
                add(ctx, raw, decl, self._int(list(var.enum).index(value)))
            elif kind is VariableKind.REAL:
                add(ctx, raw, decl, z3.RealVal(str(Fraction(value))).as_ast())
            elif kind is VariableKind.BOOL:
                add(ctx, raw, decl, true if value else false)
            else:
                add(ctx, raw, decl, self._int(value))
        return model

    def bits(self, model: z3.ModelRef) -> int:
        """The packed advice terms, evaluated under ``model``."""
        value = model.eval(self.packed, model_completion=True)
        assert isinstance(value, z3.BitVecNumRef)
        return int(value.as_long())

    def valid(self, bits: int) -> bool:
        return bool(bits >> (self.width - 1) & 1)

    def advice(self, bits: int) -> Advice:
        """The advice the encoding assigns, read by the verifier's own reader."""
        found = self._advice.get(bits)
        if found is None:
            found = self._advice[bits] = self.enc.advice(_Bits(self, bits))
        return found


class _Bits:
    """Stands for a model in :meth:`Encoding.advice`: answers from the packed bits."""

    def __init__(self, bulk: _Bulk, bits: int) -> None:
        self.bulk, self.bits = bulk, bits

    def eval(self, term: z3.ExprRef, model_completion: bool = False) -> z3.BoolRef:
        i = self.bulk.index[term.get_id()]  # a term outside the packed ones is a bug here
        set_ = self.bits >> (self.bulk.width - 1 - i) & 1
        return self.bulk.true if set_ else self.bulk.false


def _read(case: Case, path: str) -> Any:
    obj: Any = case
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _differences(a: Advice, b: Advice) -> str:
    fields = [f.name for f in attrs.fields(Advice) if getattr(a, f.name) != getattr(b, f.name)]
    return "advice differs in " + ", ".join(fields)


def check(
    cases: Iterable[Case],
    *,
    ruleset: RuleSet = GUIDELINE,
    evaluator: Callable[[Case, RuleSet], Advice] = evaluate,
    encoding: Encoding | None = None,
    back_every: int = 25,
) -> Outcome:
    """Compare the evaluator and the encoding on every case.

    Args:
        cases: Valid cases.
        ruleset: The rules both sides run.
        evaluator: The concrete side (default :func:`lbp_spec.evaluate`).
        encoding: The symbolic side (default: the encoding of ``ruleset``).
        back_every: Also read every n-th case back from its model (0: never).

    Returns:
        The counts and every disagreement.
    """
    bulk = _Bulk(ruleset, encoding)
    found: list[Disagreement] = []
    count = round_trips = 0
    for case in cases:
        count += 1
        expected = evaluator(case, ruleset)
        model = bulk.model(case)
        bits = bulk.bits(model)
        if not bulk.valid(bits):
            found.append(Disagreement(case, expected, None, "the encoding finds the case invalid"))
            continue
        actual = bulk.advice(bits)
        if actual != expected:
            found.append(Disagreement(case, expected, actual, _differences(expected, actual)))
        if back_every and count % back_every == 0:
            round_trips += 1
            back = bulk.enc.back(model)
            if back != case:
                found.append(
                    Disagreement(case, expected, actual, f"the model reads back as {back!r}")
                )
    return Outcome(count, round_trips, len(bulk._advice), tuple(found))


# -- generating cases --------------------------------------------------------------------------


def _points(ruleset: RuleSet) -> dict[str, list[float]]:
    """For each numeric variable, the values just around every bound the rules compare."""
    out: dict[str, set[float]] = {}
    for rule in ruleset.rules:
        for node in rule.when.walk():
            if isinstance(node, Cmp):
                var = VARIABLES[node.path]
                step: float = 1 if var.kind is VariableKind.INT else 0.5
                around = {node.bound - step, node.bound, node.bound + step}
                out.setdefault(node.path, set()).update(around)
    return {p: sorted(v) for p, v in out.items()}


class _Drawer:
    """Draws values of case variables, numbers biased to the rules' bounds."""

    def __init__(self, rng: random.Random, points: dict[str, list[float]]) -> None:
        self.rng, self.points = rng, points

    def number(self, path: str) -> float | int:
        var = VARIABLES[path]
        low = var.low or 0
        high = var.high if var.high is not None else max(self.points.get(path, [0])) + 20
        near = [p for p in self.points.get(path, []) if low <= p <= high]
        rng = self.rng
        if near and rng.random() < 0.7:
            value: float = rng.choice(near)
        elif var.kind is VariableKind.INT:
            value = rng.randint(int(low), int(high))
        else:
            value = round(rng.uniform(low, high) * 2) / 2
        return int(value) if var.kind is VariableKind.INT else float(value)

    def value(self, path: str) -> Any:
        var, rng = VARIABLES[path], self.rng
        if var.kind is VariableKind.BOOL:
            value: Any = rng.random() < 0.5
        elif var.kind is VariableKind.ENUM:
            assert var.enum is not None
            value = rng.choice(list(var.enum))
        elif var.kind is VariableKind.SET:
            assert var.enum is not None
            p = rng.choice((0.0, 0.15, 0.5))
            value = frozenset(m for m in var.enum if rng.random() < p)
        elif var.kind is VariableKind.FACTORS:
            p = rng.choice((0.0, 0.1, 0.3))
            value = {
                f: rng.choice((FactorLevel.NON_DOMINANT, FactorLevel.DOMINANT))
                for f in PrognosticFactor
                if rng.random() < p
            }
        elif var.kind is VariableKind.OBJECT:
            value = rng.random() < 0.5
        else:
            value = self.number(path)
        if var.optional and var.kind is not VariableKind.OBJECT and rng.random() < 0.3:
            return None
        return value


def _flat(case: Case) -> dict[str, Any]:
    """The case as one value per variable path (objects: present or not)."""
    out: dict[str, Any] = {}
    for path, var in VARIABLES.items():
        if var.kind is VariableKind.OBJECT:
            out[path] = getattr(case, path) is not None
        elif var.parent is not None and getattr(case, var.parent) is None:
            out[path] = None
        else:
            out[path] = _read(case, path)
    return out


def _build(values: dict[str, Any]) -> Case:
    fields: dict[str, Any] = {}
    objects: dict[str, dict[str, Any]] = {}
    for path, var in VARIABLES.items():
        if var.parent is not None:
            objects.setdefault(var.parent, {})[var.name] = values[path]
        elif var.kind is not VariableKind.OBJECT:
            fields[path] = values[path]
    exam = NeurologicalExam(**objects["neurological_exam"]) if values["neurological_exam"] else None
    sbst = Sbst(**objects["sbst"]) if values["sbst"] else None
    return Case(neurological_exam=exam, sbst=sbst, **fields)


def _repaired(values: dict[str, Any], drawer: _Drawer, tries: int = 12) -> Case | None:
    """A valid case from ``values``: each field a problem names is redrawn or dropped."""
    for _ in range(tries):
        for path, var in VARIABLES.items():  # an object's fields when it is present
            present = var.parent is not None and values[var.parent]
            if present and values[path] is None and not var.optional:
                values[path] = drawer.value(path)
        try:
            return _build(values)
        except (InvalidCaseError, TypeError, ValueError) as error:
            problems = getattr(error, "problems", ())
            paths = [p.path for p in problems if p.path in values] or [
                drawer.rng.choice(list(values))
            ]
            for path in paths:
                var = VARIABLES[path]
                if values[path] is not None and var.optional and drawer.rng.random() < 0.5:
                    values[path] = None
                else:
                    values[path] = drawer.value(path)
    return None


def generated_cases(
    count: int,
    *,
    seeds: Sequence[Case] = (),
    ruleset: RuleSet = GUIDELINE,
    seed: int = 0,
    start_with_seeds: bool = True,
) -> Iterator[Case]:
    """``count`` valid cases: the seeds, then perturbed seeds and random cases.

    Args:
        count: How many cases (the seeds included).
        seeds: Cases to start from (each rule's firing region, each threshold).
        ruleset: The rules whose comparison bounds bias the numbers.
        seed: Seed of the random generator (the cases depend only on it).
        start_with_seeds: Yield the seeds themselves first (else only perturb them).

    Yields:
        Valid cases; about two in three are a seed with one to three variables
        redrawn, the others drawn afresh.
    """
    rng = random.Random(seed)
    drawer = _Drawer(rng, _points(ruleset))
    made = 0
    for case in seeds[:count] if start_with_seeds else ():
        made += 1
        yield case
    flats = [_flat(c) for c in seeds]
    paths = list(VARIABLES)
    while made < count:
        if flats and rng.random() < 2 / 3:
            values = dict(rng.choice(flats))
            for path in rng.sample(paths, rng.randint(1, 3)):
                values[path] = drawer.value(path)
        else:
            values = {path: drawer.value(path) for path in paths}
        repaired = _repaired(values, drawer)
        if repaired is not None:
            made += 1
            yield repaired
