"""What the generated conformance suite covers, as plain data: one *target* per test goal.

The targets are derived from the rule set alone:

* ``rules``: every rule, once firing and once not, on two cases that differ in as
  few findings as possible and where the difference changes the advice;
* ``conditions``: MC/DC over every atomic condition of every rule (inside named
  definitions once per definition): the atom flips, the rule flips with it, and
  the advice changes;
* ``thresholds``: both sides of every numeric bound of every rule (and the
  midpoint of a real-valued one), in a case where only that number decides;
* ``resolutions``: every declared resolution, with winner and loser both firing;
* ``values``: every value of every normative field (sets: every member, and
  empty).

A target is JSON-able (``spec``), so that the Z3 search can run in a fresh
process (:mod:`lbp_spec.conformance.search`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any, Final

import attrs

from lbp_spec.conformance.fields import NORMATIVE_FIELDS, FieldKind, field_values
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
    VariableKind,
)
from lbp_spec.rule import Rule
from lbp_spec.ruleset import RuleSet

__all__ = ["GROUPS", "Target", "atom_label", "atoms", "targets", "threshold_values"]

GROUPS: Final = ("rules", "conditions", "thresholds", "resolutions", "values", "random")
"""The groups of a suite, in the order vectors are written."""


@attrs.frozen
class Target:
    """One goal of the suite.

    Attributes:
        group: One of ``GROUPS``.
        name: The vector name without the group (``LRS.REFER.SEVERE``); a
            target that yields several cases adds a label per case.
        purpose: The goal in words; becomes a line of the vector's ``covers``.
            ``{label}`` stands for the label of each case (see :meth:`describe`).
        spec: JSON-able parameters of the search (see :mod:`lbp_spec.conformance.search`).

    """

    group: str
    name: str
    purpose: str
    spec: dict[str, Any]

    def describe(self, label: str) -> str:
        """The goal met by the case labelled ``label`` (``""`` for a single case)."""
        return self.purpose.replace("{label}", label.replace("-", " "))


# -- atoms ---------------------------------------------------------------------------------------


def _leaves(expr: Expr, named: str | None) -> Iterator[tuple[Expr, str | None]]:
    if isinstance(expr, All | AnyOf):
        for arg in expr.args:
            yield from _leaves(arg, named)
    elif isinstance(expr, Not):
        yield from _leaves(expr.arg, named)
    elif isinstance(expr, Named):
        yield from _leaves(expr.expr, expr.name)
    elif not isinstance(expr, Const):
        yield expr, named


def atoms(rule: Rule) -> tuple[tuple[Expr, str | None], ...]:
    """The atomic conditions of a rule, each with the named definition it sits in.

    In order of first appearance, each once.
    """
    seen: list[tuple[Expr, str | None]] = []
    for leaf in _leaves(rule.when, None):
        if leaf not in seen:
            seen.append(leaf)
    return tuple(seen)


_SLUG: Final = re.compile(r"[^A-Za-z0-9._-]+")
_OPS: Final = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}


def _value(value: object) -> str:
    text = getattr(value, "value", value)
    return "null" if text is None else str(text)


def _number(value: float) -> str:
    return f"{value:g}"


def atom_label(atom: Expr) -> str:
    """A short, stable, file-name-safe label of an atomic condition."""
    if isinstance(atom, Flag):
        label = atom.path
    elif isinstance(atom, Is):
        label = f"{atom.path}-is-{_value(atom.value)}"
    elif isinstance(atom, Has):
        label = f"{atom.path}-has-{_value(atom.member)}"
    elif isinstance(atom, Cmp):
        label = f"{atom.path}-{_OPS[atom.op]}-{_number(atom.bound)}"
    elif isinstance(atom, FactorAt):
        label = f"factor-{atom.factor.value}-{_value(atom.level) if atom.level else 'any'}"
    elif isinstance(atom, AnyFactorAt):
        which = "any" if not atom.factors else "-".join(f.value for f in atom.factors)
        label = f"factors-{which}-{_value(atom.level) if atom.level else 'present'}"
    elif isinstance(atom, Present):
        label = f"{atom.path}-present"
    elif isinstance(atom, AdviceIs):
        label = f"{atom.slot}-is-{_value(atom.value)}"
    else:  # pragma: no cover - every leaf kind is listed above
        label = type(atom).__name__
    return _SLUG.sub("-", label)


# -- thresholds ----------------------------------------------------------------------------------


def threshold_values(cmp: Cmp) -> tuple[tuple[float, bool], ...]:
    """The values on both sides of a bound, each with whether the comparison holds there.

    Whole numbers: the last value on one side and the first on the other (NPRS
    7 and 8 for ``>= 8``). Real numbers: the bound, its neighbours one unit away,
    and the midpoint on the strict side (25, 25.5 and 26 for ``> 25``). Values
    outside the variable's range are left out.
    """
    var = VARIABLES[cmp.path]
    b = cmp.bound
    if var.kind is VariableKind.INT:
        points: list[float] = {
            ">=": [b - 1, b],
            ">": [b, b + 1],
            "<=": [b, b + 1],
            "<": [b - 1, b],
            "==": [b - 1, b, b + 1],
            "!=": [b - 1, b, b + 1],
        }[cmp.op]
    else:
        points = {
            ">": [b, b + 0.5, b + 1],
            ">=": [b - 1, b - 0.5, b],
            "<": [b - 1, b - 0.5, b],
            "<=": [b, b + 0.5, b + 1],
            "==": [b - 0.5, b, b + 0.5],
            "!=": [b - 0.5, b, b + 0.5],
        }[cmp.op]
    low = var.low if var.low is not None else float("-inf")
    high = var.high if var.high is not None else float("inf")
    out = []
    for p in points:
        if low <= p <= high:
            holds = _holds(cmp.op, Fraction(p), Fraction(b))
            value = int(p) if var.kind is VariableKind.INT else float(p)
            out.append((value, holds))
    return tuple(out)


def _holds(op: str, x: Fraction, b: Fraction) -> bool:
    return {
        "<": x < b,
        "<=": x <= b,
        ">": x > b,
        ">=": x >= b,
        "==": x == b,
        "!=": x != b,
    }[op]


# -- the targets ---------------------------------------------------------------------------------


def _rule_targets(ruleset: RuleSet) -> Iterator[Target]:
    for rule in ruleset.rules:
        yield Target(
            "rules",
            rule.id,
            f"rule {rule.id} {{label}}",
            {"kind": "rule", "rule": rule.id},
        )


def _condition_targets(ruleset: RuleSet) -> Iterator[Target]:
    done: set[tuple[str, Expr]] = set()
    for rule in ruleset.rules:
        for index, (atom, named) in enumerate(atoms(rule)):
            key = (named or rule.id, atom)
            if named is not None and key in done:
                continue
            done.add(key)
            where = f" (in '{named}')" if named else ""
            yield Target(
                "conditions",
                f"{rule.id}/{atom_label(atom)}",
                f"MC/DC of rule {rule.id}: '{atom.describe()}'{where} is {{label}}",
                {"kind": "condition", "rule": rule.id, "atom": index},
            )


def _threshold_targets(ruleset: RuleSet) -> Iterator[Target]:
    for rule in ruleset.rules:
        seen: set[tuple[str, str, float]] = set()
        for atom, _ in atoms(rule):
            if not isinstance(atom, Cmp):
                continue
            key = (atom.path, atom.op, atom.bound)
            if key in seen:
                continue
            seen.add(key)
            points = threshold_values(atom)
            if not any(h for _, h in points) or all(h for _, h in points):
                continue
            yield Target(
                "thresholds",
                f"{rule.id}/{atom_label(atom)}",
                f"threshold of rule {rule.id}: {atom.describe()}; at {{label}}",
                {
                    "kind": "threshold",
                    "rule": rule.id,
                    "path": atom.path,
                    "op": atom.op,
                    "bound": atom.bound,
                    "values": [[v, h] for v, h in points],
                },
            )


def _resolution_targets(ruleset: RuleSet) -> Iterator[Target]:
    for res in ruleset.resolutions:
        for loser in res.losers:
            for winner in res.winners:
                yield Target(
                    "resolutions",
                    f"{res.id}/{winner}-over-{loser}",
                    f"resolution {res.id}: {winner} and {loser} both fire, {winner} wins",
                    {"kind": "resolution", "resolution": res.id, "winner": winner, "loser": loser},
                )


def _value_name(value: object) -> str:
    if value == []:
        return "empty"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return str(value["urgency"])
    if isinstance(value, list):
        return "-".join("null" if v is None else str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _value_targets(ruleset: RuleSet) -> Iterator[Target]:
    for f in NORMATIVE_FIELDS:
        for value in field_values(f, ruleset):
            if f.kind is FieldKind.SET:
                words = "is empty" if value == [] else f"contains {value}"
            else:
                words = f"is {_value_name(value)}"
            yield Target(
                "values",
                f"{f.path}/{_value_name(value)}",
                f"value: {f.path} {words}",
                {"kind": "value", "field": f.path, "value": value},
            )


def targets(ruleset: RuleSet) -> tuple[Target, ...]:
    """Every target of the suite for ``ruleset``, group by group, in a stable order."""
    return (
        *_rule_targets(ruleset),
        *_condition_targets(ruleset),
        *_threshold_targets(ruleset),
        *_resolution_targets(ruleset),
        *_value_targets(ruleset),
    )
