"""The property catalogue, as data.

Each :class:`Property` states, over every *valid* case that meets its premise, a
claim about the advice. It has two faces that must agree: a symbolic one (Z3
terms over an :class:`~lbp_spec.symbolic.Encoding`, which the verifier proves)
and a concrete one (a check of one case and its evaluated advice, with which
every counterexample is replayed through the evaluator).

The ``proofs/`` directory mirrors this catalogue: one file per group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
import z3

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.rule import intervention_slot
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import Intervention, Strength

__all__ = ["CATALOGUE", "Property", "by_name", "effective_rules"]

SymbolicTerm = Callable[[Encoding], z3.BoolRef]
ConcreteCheck = Callable[[RuleSet, Case, Advice], bool]


@attrs.frozen(kw_only=True)
class Property:
    """A property of the rule set, proven over all valid cases.

    Attributes:
        name: Stable name, ``group.name``; public (CLI ``--property``).
        statement: The property in one plain sentence.
        premise: Which cases it speaks about (beyond validity), in Z3.
        claim: What must hold for them, in Z3.
        check: The same claim on one concrete case and its advice.
        concerns: Ids of the rules it concerns (given the rule set).
        reachable: Named conditions that must each be satisfiable together with
            the premise, so that the claim is not true for want of cases (e.g.
            "mobilisation is permitted for some case").
    """

    name: str
    statement: str
    premise: SymbolicTerm
    claim: SymbolicTerm
    check: ConcreteCheck
    concerns: Callable[[RuleSet], tuple[str, ...]]
    reachable: tuple[tuple[str, SymbolicTerm], ...] = ()

    @property
    def group(self) -> str:
        """The group (the part of the name before the first dot)."""
        return self.name.split(".", 1)[0]


def effective_rules(ruleset: RuleSet, advice: Advice, slot: str) -> tuple[tuple[str, object], ...]:
    """The (rule, value) pairs on ``slot`` that were not set aside, from an advice's trace."""
    fired = set(advice.fired)
    return tuple(
        (rule.id, value)
        for rule, value in ruleset.writers(slot)
        if rule.id in fired and not fired & set(ruleset.overriders(rule.id, slot))
    )


# -- 1. consistency: mobilisation and manipulation -----------------------------------------------

_MOB_MAN = (Intervention.MOBILISATION, Intervention.MANIPULATION)


def _graded(enc: Encoding, i: Intervention, test: Callable[[Strength], bool]) -> z3.BoolRef:
    slot = intervention_slot(i)
    terms = [enc.effective(r.id, slot) for r, v in enc.ruleset.writers(slot) if test(v)]  # type: ignore[arg-type]
    return z3.Or(*terms) if terms else z3.BoolVal(False)


def _permitted_and_forbidden(enc: Encoding, i: Intervention) -> z3.BoolRef:
    return z3.And(_graded(enc, i, lambda s: s.permits), _graded(enc, i, lambda s: s.forbids))


def _check_not_both(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    for i in _MOB_MAN:
        values = [v for _, v in effective_rules(ruleset, advice, intervention_slot(i))]
        if any(v.permits for v in values) and any(v.forbids for v in values):  # type: ignore[attr-defined]
            return False
    return True


def _mob_man_rules(ruleset: RuleSet) -> tuple[str, ...]:
    ids: list[str] = []
    for i in _MOB_MAN:
        for rule, _ in ruleset.writers(intervention_slot(i)):
            if rule.id not in ids:
                ids.append(rule.id)
    return tuple(ids)


CONSISTENCY_MOBILISATION = Property(
    name="consistency.mobilisation_manipulation",
    statement=(
        "For no valid case is mobilisation or manipulation both permitted and forbidden "
        "(after the declared resolutions)."
    ),
    premise=lambda enc: z3.BoolVal(True),
    claim=lambda enc: z3.Not(z3.Or(*(_permitted_and_forbidden(enc, i) for i in _MOB_MAN))),
    check=_check_not_both,
    concerns=_mob_man_rules,
    reachable=tuple(
        (f"{i.value} {word} for some case", term)
        for i in _MOB_MAN
        for word, term in (
            ("permitted", lambda enc, i=i: _graded(enc, i, lambda s: s.permits)),
            ("forbidden", lambda enc, i=i: _graded(enc, i, lambda s: s.forbids)),
        )
    ),
)


# -- 2. completeness: every LRS case has a next step -----------------------------------------------

_NEXT_STEP_SLOTS = (
    "referral",
    "consult_general_practitioner",
    "recheck_after_days",
    "reevaluation_after_weeks",
)


def _check_next_step(ruleset: RuleSet, case: Case, advice: Advice) -> bool:
    if not case.lrs:
        return True
    return bool(
        advice.referral is not None
        or advice.consult_general_practitioner
        or advice.recheck_after_days is not None
        or advice.reevaluation_after_weeks is not None
    )


def _next_step_rules(ruleset: RuleSet) -> tuple[str, ...]:
    ids: list[str] = []
    for slot in _NEXT_STEP_SLOTS:
        for rule, _ in ruleset.writers(slot):
            if rule.id not in ids:
                ids.append(rule.id)
    return tuple(ids)


COMPLETENESS_LRS = Property(
    name="completeness.lrs_next_step",
    statement=(
        "Every valid LRS case ends in a referral, a GP consultation, or a scheduled recheck "
        "or re-evaluation."
    ),
    premise=lambda enc: enc.value["lrs"],
    claim=lambda enc: z3.Or(*(enc.written(s) for s in _NEXT_STEP_SLOTS)),
    check=_check_next_step,
    concerns=_next_step_rules,
    reachable=(
        ("an LRS case is referred", lambda enc: enc.written("referral")),
        ("an LRS case is not referred", lambda enc: z3.Not(enc.written("referral"))),
    ),
)


CATALOGUE: Final[tuple[Property, ...]] = (CONSISTENCY_MOBILISATION, COMPLETENESS_LRS)
"""Every property, in the order the verifier runs and reports them."""


def by_name(name: str) -> Property:
    """The property called ``name``.

    Raises:
        KeyError: No such property; the message lists the known names.
    """
    for prop in CATALOGUE:
        if prop.name == name:
            return prop
    known = ", ".join(p.name for p in CATALOGUE)
    raise KeyError(f"no property {name!r}; known: {known}")
