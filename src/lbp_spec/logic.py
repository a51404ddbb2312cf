"""The small typed expression language in which rule conditions are written.

A condition is a tree of frozen attrs nodes over the *variables* of a case (see
:data:`VARIABLES`) and over advice values decided by earlier rules
(:class:`AdviceIs`). The tree is data: the evaluator compiles it to Python
(:meth:`Expr.to_python`), :mod:`lbp_spec.symbolic` compiles it to Z3, and the docs
render it in words (:meth:`Expr.describe`). Nothing here knows Z3.

Conditions are built with the helpers at the bottom of this module and the
operators ``&``, ``|`` and ``~``::

    severe = flag("lrs") & (cmp("neurological_exam.mrc_lowest", "<=", 3) | cmp("nprs", ">=", 8))
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from typing import Final, Literal

import attrs

from lbp_spec.vocabulary import (
    Consultation,
    Discipline,
    EmergencySign,
    FactorLevel,
    Improvement,
    MassageCriterion,
    PrognosticFactor,
    RedFlag,
    Responsiveness,
)

__all__ = [
    "VARIABLES",
    "AdviceIs",
    "All",
    "AnyFactorAt",
    "AnyOf",
    "Cmp",
    "Const",
    "Expr",
    "FactorAt",
    "Flag",
    "Has",
    "Is",
    "Named",
    "Not",
    "Present",
    "Variable",
    "VariableKind",
    "cmp",
    "factor",
    "flag",
    "has",
    "is_",
    "present",
]


# -- variables of a case ------------------------------------------------------------------


class VariableKind(enum.Enum):
    """The sort of a case variable."""

    BOOL = "bool"
    INT = "int"
    REAL = "real"
    ENUM = "enum"
    SET = "set"
    FACTORS = "factors"
    OBJECT = "object"


@attrs.frozen
class Variable:
    """A field of the case that conditions may read.

    Attributes:
        path: Dotted path in the case, e.g. ``neurological_exam.mrc_lowest``.
        kind: Its sort.
        words: How the docs name it.
        enum: The vocabulary of an enum or set variable.
        low: Lowest valid value of a number.
        high: Highest valid value of a number, ``None`` if unbounded.
        optional: The value may be absent (``None``).
        parent: Path of the optional object this field belongs to, if any.

    """

    path: str
    kind: VariableKind
    words: str
    enum: type[enum.Enum] | None = None
    low: float | None = None
    high: float | None = None
    optional: bool = False
    parent: str | None = None

    @property
    def name(self) -> str:
        """Last component of the path."""
        return self.path.rsplit(".", 1)[-1]


def _v(path: str, kind: VariableKind, words: str, **kw: object) -> tuple[str, Variable]:
    return path, Variable(path, kind, words, **kw)  # type: ignore[arg-type]


B, INT, R, E, S = (
    VariableKind.BOOL,
    VariableKind.INT,
    VariableKind.REAL,
    VariableKind.ENUM,
    VariableKind.SET,
)
_EXAM = "neurological_exam"

VARIABLES: Final[dict[str, Variable]] = dict(
    [
        _v("consultation", E, "the consultation", enum=Consultation),
        _v("discipline", E, "the therapist's discipline", enum=Discipline),
        _v("additional_competencies", B, "the exercise therapist has additional competencies"),
        _v("need_for_assistance", B, "the patient has a need for assistance"),
        _v("red_flags", S, "red flags", enum=RedFlag),
        _v("neurological_emergency_signs", S, "neurological emergency signs", enum=EmergencySign),
        _v("lrs", B, "the working diagnosis is LRS"),
        _v("symptoms_below_knee", B, "symptoms below the knee"),
        _v(_EXAM, VariableKind.OBJECT, "a neurological examination was done", optional=True),
        _v(f"{_EXAM}.dermatomal_pain", B, "dermatomal pain", parent=_EXAM),
        _v(
            f"{_EXAM}.fingertip_floor_cm",
            R,
            "the fingertip-to-floor distance (cm)",
            low=0,
            high=200,
            optional=True,
            parent=_EXAM,
        ),
        _v(f"{_EXAM}.lasegue", B, "a positive Lasègue test", parent=_EXAM),
        _v(f"{_EXAM}.crossed_lasegue", B, "a positive crossed Lasègue test", parent=_EXAM),
        _v(f"{_EXAM}.reversed_lasegue", B, "a positive reversed Lasègue test", parent=_EXAM),
        _v(f"{_EXAM}.mrc_lowest", INT, "the lowest MRC grade", low=0, high=5, parent=_EXAM),
        _v(f"{_EXAM}.dermatomal_sensory_loss", B, "dermatomal sensory loss", parent=_EXAM),
        _v(
            f"{_EXAM}.diminished_tendon_reflexes",
            B,
            "diminished tendon reflexes (Achilles or knee)",
            parent=_EXAM,
        ),
        _v(
            f"{_EXAM}.extensor_plantar_response",
            B,
            "an extensor plantar response (Babinski sign)",
            parent=_EXAM,
        ),
        _v("nprs", INT, "the pain intensity (NPRS)", low=0, high=10),
        _v("prognostic_factors", VariableKind.FACTORS, "prognostic factors", enum=PrognosticFactor),
        _v("sbst", VariableKind.OBJECT, "an SBST score", optional=True),
        _v("sbst.total", INT, "the SBST total score", low=0, high=9, parent="sbst"),
        _v("sbst.psychosocial", INT, "the SBST psychosocial score", low=0, high=5, parent="sbst"),
        _v("mechanical_problem", B, "the problem is mechanical in nature"),
        _v("massage_criteria", S, "massage criteria", enum=MassageCriterion),
        _v("responsiveness", E, "the responsiveness", enum=Responsiveness, optional=True),
        _v(
            "complaint_duration_weeks",
            INT,
            "the weeks the complaints have lasted",
            low=0,
            optional=True,
        ),
        _v("pain_alleviation", E, "the alleviation of pain", enum=Improvement, optional=True),
        _v(
            "loss_of_function_decrease",
            E,
            "the decrease of loss of function",
            enum=Improvement,
            optional=True,
        ),
        _v("weeks_since_start", INT, "the weeks since the start", low=0, optional=True),
        _v("sessions_used", INT, "the sessions used", low=0, optional=True),
        _v("improvement", E, "the improvement", enum=Improvement, optional=True),
        _v("reevaluation_new_insights", B, "the re-evaluation yielded new insights", optional=True),
        _v(
            "adjustment_expected_to_suffice",
            B,
            "an adjustment is expected to suffice",
            optional=True,
        ),
        _v(
            "lrs_diagnosed_earlier",
            B,
            "LRS was diagnosed at an earlier consultation",
            optional=True,
        ),
        _v("medication_dose_doubt", B, "there is doubt about the medication dose", optional=True),
    ]
)
"""Every case variable a condition can read, by path."""


def _var(path: str, *kinds: VariableKind) -> Variable:
    try:
        var = VARIABLES[path]
    except KeyError:
        raise ValueError(f"no case variable {path!r}; known: {', '.join(VARIABLES)}") from None
    if var.kind not in kinds:
        expected = " or ".join(k.value for k in kinds)
        raise TypeError(f"{path} is a {var.kind.value} variable, not {expected}")
    return var


# -- compilation context for Python ---------------------------------------------------------


class PyContext:
    """Collects what the generated Python evaluator needs: constants and named terms.

    ``c`` is the case; ``a`` the dict of decided advice values; named
    definitions become locals computed once, in dependency order.
    """

    def __init__(self, advice_reader: Callable[[str, object], str]) -> None:
        self.constants: dict[str, object] = {}
        self.named: dict[str, str] = {}
        self._advice_reader = advice_reader

    def constant(self, value: object) -> str:
        """Name of a module-level constant holding ``value``."""
        for name, existing in self.constants.items():
            if existing is value:
                return name
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def read(self, var: Variable) -> str:
        """Python source reading a variable (its parent object is known present)."""
        if var.parent is None:
            return f"c.{var.path}"
        return f"c.{var.parent}.{var.name}"

    def guard(self, var: Variable) -> str | None:
        """Python source that is true when the variable's parent object is present."""
        return None if var.parent is None else f"c.{var.parent} is not None"

    def advice(self, slot: str, value: object) -> str:
        """Python source testing the decided value of an advice slot."""
        return self._advice_reader(slot, value)


def _guarded(ctx: PyContext, var: Variable, test: str) -> str:
    guard = ctx.guard(var)
    return test if guard is None else f"({guard} and {test})"


# -- expressions -------------------------------------------------------------------------------


class Expr:
    """A boolean condition over a case. Subclasses are frozen attrs nodes."""

    def __and__(self, other: Expr) -> Expr:
        return All((self, other))

    def __or__(self, other: Expr) -> Expr:
        return AnyOf((self, other))

    def __invert__(self) -> Expr:
        return Not(self)

    def children(self) -> tuple[Expr, ...]:
        """Direct sub-expressions."""
        return ()

    def walk(self) -> Iterator[Expr]:
        """Yield this node and all below it, depth first (named definitions included)."""
        yield self
        for child in self.children():
            yield from child.walk()

    def to_python(self, ctx: PyContext) -> str:
        """Python source of this condition (reads ``c`` and ``a``)."""
        raise NotImplementedError(type(self).__name__)  # pragma: no cover - abstract

    def describe(self) -> str:
        """The condition in plain words."""
        raise NotImplementedError(type(self).__name__)  # pragma: no cover - abstract


@attrs.frozen
class Const(Expr):
    """A constant truth value."""

    value: bool

    def to_python(self, ctx: PyContext) -> str:
        return "True" if self.value else "False"

    def describe(self) -> str:
        return "always" if self.value else "never"


@attrs.frozen
class Flag(Expr):
    """A boolean case variable is true (an absent optional one reads as false)."""

    path: str

    def __attrs_post_init__(self) -> None:
        _var(self.path, VariableKind.BOOL)

    @property
    def variable(self) -> Variable:
        """The variable read."""
        return VARIABLES[self.path]

    def to_python(self, ctx: PyContext) -> str:
        return _guarded(ctx, self.variable, f"{ctx.read(self.variable)} is True")

    def describe(self) -> str:
        return self.variable.words


@attrs.frozen
class Is(Expr):
    """An enum case variable has a value (an absent optional one has none)."""

    path: str
    value: enum.Enum

    def __attrs_post_init__(self) -> None:
        var = _var(self.path, VariableKind.ENUM)
        if not isinstance(self.value, var.enum):  # type: ignore[arg-type]
            raise TypeError(f"{self.path} takes {var.enum}, not {self.value!r}")

    @property
    def variable(self) -> Variable:
        """The variable read."""
        return VARIABLES[self.path]

    def to_python(self, ctx: PyContext) -> str:
        return f"{ctx.read(self.variable)} is {ctx.constant(self.value)}"

    def describe(self) -> str:
        return f"{self.variable.words} is {self.value.value.replace('_', ' ')}"


@attrs.frozen
class Has(Expr):
    """A set-valued case variable contains a member."""

    path: str
    member: enum.Enum

    def __attrs_post_init__(self) -> None:
        var = _var(self.path, VariableKind.SET)
        if not isinstance(self.member, var.enum):  # type: ignore[arg-type]
            raise TypeError(f"{self.path} holds {var.enum}, not {self.member!r}")

    @property
    def variable(self) -> Variable:
        """The variable read."""
        return VARIABLES[self.path]

    def to_python(self, ctx: PyContext) -> str:
        return f"{ctx.constant(self.member)} in {ctx.read(self.variable)}"

    def describe(self) -> str:
        return f"{self.member.value.replace('_', ' ')} among the {self.variable.words}"


@attrs.frozen
class FactorAt(Expr):
    """A prognostic factor is present at a level (``None``: at any level)."""

    factor: PrognosticFactor
    level: FactorLevel | None = None

    def to_python(self, ctx: PyContext) -> str:
        f = ctx.constant(self.factor)
        if self.level is None:
            return f"{f} in c.prognostic_factors"
        return f"c.prognostic_factors.get({f}) is {ctx.constant(self.level)}"

    def describe(self) -> str:
        name = self.factor.value.replace("_", " ")
        if self.level is None:
            return f"prognostic factor '{name}' present"
        return f"prognostic factor '{name}' {self.level.value.replace('_', '-')}"


@attrs.frozen
class AnyFactorAt(Expr):
    """At least one of ``factors`` (all factors when empty) is present at ``level``."""

    level: FactorLevel | None
    factors: tuple[PrognosticFactor, ...] = ()

    @property
    def members(self) -> tuple[PrognosticFactor, ...]:
        """The factors looked at."""
        return self.factors or tuple(PrognosticFactor)

    def to_python(self, ctx: PyContext) -> str:
        if not self.factors:
            if self.level is None:
                return "bool(c.prognostic_factors)"
            return f"{ctx.constant(self.level)} in c.prognostic_factors.values()"
        return "(" + " or ".join(FactorAt(f, self.level).to_python(ctx) for f in self.factors) + ")"

    def describe(self) -> str:
        which = (
            "prognostic factor"
            if not self.factors
            else "of " + ", ".join(f.value.replace("_", " ") for f in self.factors)
        )
        level = "" if self.level is None else f" ({self.level.value.replace('_', '-')})"
        return f"at least one {which}{level}"


_Op = Literal["<", "<=", ">", ">=", "==", "!="]
_OPS: Final = ("<", "<=", ">", ">=", "==", "!=")
_OP_WORDS: Final = {
    "<": "below",
    "<=": "at most",
    ">": "above",
    ">=": "at least",
    "==": "equal to",
    "!=": "other than",
}


@attrs.frozen
class Cmp(Expr):
    """A numeric case variable compared with a constant (false when absent)."""

    path: str
    op: _Op
    bound: int | float

    def __attrs_post_init__(self) -> None:
        _var(self.path, VariableKind.INT, VariableKind.REAL)
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}")

    @property
    def variable(self) -> Variable:
        """The variable read."""
        return VARIABLES[self.path]

    def to_python(self, ctx: PyContext) -> str:
        var = self.variable
        value = ctx.read(var)
        test = f"{value} {self.op} {self.bound!r}"
        if var.optional:
            test = f"({value} is not None and {test})"
        return _guarded(ctx, var, test)

    def describe(self) -> str:
        return f"{self.variable.words} is {_OP_WORDS[self.op]} {self.bound:g}"


@attrs.frozen
class Present(Expr):
    """An optional case variable or object is present."""

    path: str

    def __attrs_post_init__(self) -> None:
        if not _var(self.path, *VariableKind).optional:
            raise TypeError(f"{self.path} is never absent")

    @property
    def variable(self) -> Variable:
        """The variable read."""
        return VARIABLES[self.path]

    def to_python(self, ctx: PyContext) -> str:
        return _guarded(ctx, self.variable, f"{ctx.read(self.variable)} is not None")

    def describe(self) -> str:
        return f"{self.variable.words} (recorded)"


@attrs.frozen
class AdviceIs(Expr):
    """The *decided* value of an advice slot is ``value`` (e.g. the profile is 2).

    The rule set orders rules so that every slot is decided before a condition
    reads it. A condition reads the decided value, the same one the advice
    reports: in the literal reading (no resolutions), where two rules may give a
    slot two values, that is the value that sorts first by the slot's priority
    (see :mod:`lbp_spec.ruleset`). So a collision on a slot that others read is
    reported once, where it arises, and does not cascade.
    """

    slot: str
    value: object

    def to_python(self, ctx: PyContext) -> str:
        return ctx.advice(self.slot, self.value)

    def describe(self) -> str:
        slot = self.slot.replace("_", " ")
        if self.value is None:
            return f"there is no {slot}"
        if isinstance(self.value, bool):
            return f"the {slot} is {'yes' if self.value else 'no'}"
        value = self.value.value if isinstance(self.value, enum.Enum) else self.value
        return f"the {slot} is {str(value).replace('_', ' ')}"


@attrs.frozen
class Named(Expr):
    """A named definition, computed once and shown by name in the docs."""

    name: str
    expr: Expr
    words: str

    def children(self) -> tuple[Expr, ...]:
        return (self.expr,)

    def to_python(self, ctx: PyContext) -> str:
        local = f"n_{self.name}"
        if local not in ctx.named:
            # Compiling the body first registers the definitions it uses, so the
            # generated locals come out in dependency order.
            source = self.expr.to_python(ctx)
            ctx.named[local] = source
        return local

    def describe(self) -> str:
        return self.words


@attrs.frozen
class All(Expr):
    """Every operand holds."""

    args: tuple[Expr, ...]

    def __attrs_post_init__(self) -> None:
        if not self.args:
            raise ValueError("All() of nothing: write Const(True)")

    def __and__(self, other: Expr) -> Expr:
        return All((*self.args, other))

    def children(self) -> tuple[Expr, ...]:
        return self.args

    def to_python(self, ctx: PyContext) -> str:
        return "(" + " and ".join(a.to_python(ctx) for a in self.args) + ")"

    def describe(self) -> str:
        return " and ".join(_words(a) for a in self.args)


@attrs.frozen
class AnyOf(Expr):
    """At least one operand holds."""

    args: tuple[Expr, ...]

    def __attrs_post_init__(self) -> None:
        if not self.args:
            raise ValueError("AnyOf() of nothing: write Const(False)")

    def __or__(self, other: Expr) -> Expr:
        return AnyOf((*self.args, other))

    def children(self) -> tuple[Expr, ...]:
        return self.args

    def to_python(self, ctx: PyContext) -> str:
        return "(" + " or ".join(a.to_python(ctx) for a in self.args) + ")"

    def describe(self) -> str:
        return "either " + " or ".join(_words(a) for a in self.args)


@attrs.frozen
class Not(Expr):
    """The operand does not hold."""

    arg: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def to_python(self, ctx: PyContext) -> str:
        return f"(not {self.arg.to_python(ctx)})"

    def describe(self) -> str:
        return f"not ({self.arg.describe()})"


def _words(expr: Expr) -> str:
    text = expr.describe()
    return f"({text})" if isinstance(expr, AnyOf | All) else text


# -- helpers for writing rules ---------------------------------------------------------------


def flag(path: str) -> Flag:
    """The boolean case variable at ``path`` is true."""
    return Flag(path)


def is_(path: str, value: enum.Enum) -> Is:
    """The enum case variable at ``path`` equals ``value``."""
    return Is(path, value)


def has(path: str, *members: enum.Enum) -> Expr:
    """The set variable at ``path`` holds any of ``members``."""
    if len(members) == 1:
        return Has(path, members[0])
    return AnyOf(tuple(Has(path, m) for m in members))


def cmp(path: str, op: _Op, bound: float) -> Cmp:
    """The numeric case variable at ``path`` compares with ``bound``."""
    return Cmp(path, op, bound)


def present(path: str) -> Present:
    """The optional case variable or object at ``path`` is present."""
    return Present(path)


def factor(f: PrognosticFactor, level: FactorLevel | None = None) -> FactorAt:
    """Prognostic factor ``f`` is present (at ``level``, if given)."""
    return FactorAt(f, level)
