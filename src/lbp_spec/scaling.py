"""Synthetic rule sets, ``factor`` times larger, that keep the guideline's meaning.

Used to measure how verification grows with the number of rules
(``benchmarks/bench_verify.py``). A bigger rule set is only a fair load if the
properties stay provable: otherwise the timing measures a search for
counterexamples, not proofs. So :func:`scale` adds rules that are genuinely
different Z3 terms and yet never change the normative advice:

* every rule gets ``factor - 1`` copies ``<id>#1`` ... ``<id>#<factor-1>``, each
  writing the same effects under the original condition *and* one extra
  conjunct: a comparison of the fingertip-to-floor distance with a bound of
  its own (alternately ``<`` and ``>=``), which a valid case can make true or
  false. A copy fires only when its original fires, so it adds no value to any
  slot and no member to any set;
* every resolution gets ``factor - 1`` copies ``<id>#k`` that set aside the
  effect of the ``k``-th copy of each loser whenever an original winner or its
  ``k``-th copy fires. A loser's copy is thus set aside whenever the loser is,
  and no new unresolved collision arises. Each rule keeps the number of
  overriders it had (its copies twice that), so the encoding grows linearly
  with ``factor``; listing every copy of every winner in every resolution would
  make it grow with ``factor`` squared for no change in meaning, since a
  winner's copy fires only when the winner does.

The trace (which rules fired, which resolutions applied) names the copies too;
that is informative, not normative, and differs by design.
"""

from __future__ import annotations

from typing import Final

import attrs

from lbp_spec.logic import VARIABLES, Cmp, Expr
from lbp_spec.rule import Resolution, Rule
from lbp_spec.ruleset import RuleSet

__all__ = ["COPY_SEPARATOR", "EXTRA_VARIABLE", "copy_id", "scale"]

COPY_SEPARATOR: Final = "#"
"""Separates a rule's (or resolution's) id from the number of its copy."""

EXTRA_VARIABLE: Final = "neurological_exam.fingertip_floor_cm"
"""The numeric case variable that the extra conjunct of each copy compares."""


def _extra_range() -> tuple[float, float]:
    """The valid range of :data:`EXTRA_VARIABLE`; the bounds of the copies lie inside it."""
    var = VARIABLES[EXTRA_VARIABLE]
    if var.low is None or var.high is None:  # pragma: no cover - a change to VARIABLES
        raise AssertionError(f"{EXTRA_VARIABLE} needs a bounded range")
    return var.low, var.high


def copy_id(original: str, k: int) -> str:
    """The id of the ``k``-th copy of the rule or resolution ``original``."""
    return f"{original}{COPY_SEPARATOR}{k}"


def _extra(k: int, factor: int) -> Expr:
    """The extra conjunct of copy ``k`` of ``factor``: a bound of its own, inside the range."""
    low, high = _extra_range()
    bound = low + (high - low) * k / factor
    return Cmp(EXTRA_VARIABLE, "<" if k % 2 else ">=", bound)


def _copy_rule(rule: Rule, k: int, factor: int) -> Rule:
    return attrs.evolve(
        rule,
        id=copy_id(rule.id, k),
        title=f"{rule.title} (synthetic copy {k})",
        when=rule.when & _extra(k, factor),
        note="A synthetic copy for benchmarks; it fires only when the original does.",
    )


def _copy_resolution(res: Resolution, k: int) -> Resolution:
    return attrs.evolve(
        res,
        id=copy_id(res.id, k),
        winners=(*res.winners, *(copy_id(w, k) for w in res.winners)),
        losers=tuple(copy_id(loser, k) for loser in res.losers),
    )


def scale(ruleset: RuleSet, factor: int) -> RuleSet:
    """A rule set with ``factor`` times the rules of ``ruleset`` and the same advice.

    Each rule is followed by its copies; the resolutions come first as given,
    then their copies, copy by copy. The normative advice (see
    :meth:`lbp_spec.Advice.normative`) equals that of ``ruleset`` on every
    valid case.

    Args:
        ruleset: The rule set to scale up.
        factor: How many times the rules (and resolutions); 1 gives an equal
            rule set.

    Returns:
        The scaled rule set, named ``"<name> (scaled xN)"``.

    Raises:
        ValueError: ``factor`` is smaller than 1.

    Example:
        >>> from lbp_spec import GUIDELINE
        >>> from lbp_spec.scaling import scale
        >>> len(scale(GUIDELINE, 10).rules) == 10 * len(GUIDELINE.rules)
        True

    """
    if factor < 1:
        raise ValueError(f"factor must be at least 1, not {factor}")
    if factor == 1:
        return RuleSet(ruleset.name, ruleset.rules, ruleset.resolutions)
    copies = range(1, factor)
    rules = tuple(
        r for rule in ruleset.rules for r in (rule, *(_copy_rule(rule, k, factor) for k in copies))
    )
    resolutions = (
        *ruleset.resolutions,
        *(_copy_resolution(res, k) for k in copies for res in ruleset.resolutions),
    )
    return RuleSet(f"{ruleset.name} (scaled x{factor})", rules, resolutions)
