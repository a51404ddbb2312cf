"""Shared helpers of the proof files: run a group, and build broken rule sets."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from lbp_spec import GUIDELINE
from lbp_spec.properties import CATALOGUE, Property
from lbp_spec.rule import Resolution, Rule
from lbp_spec.ruleset import RuleSet
from lbp_spec.verify import PropertyResult, Status, verify


def group(name: str) -> list[Property]:
    """The catalogued properties of one group."""
    return [p for p in CATALOGUE if p.group == name]


def check(prop: Property, ruleset: RuleSet = GUIDELINE) -> PropertyResult:
    """Verify one property on a rule set."""
    [result] = verify(ruleset, properties=[prop.name]).results
    return result


def assert_proven(prop: Property) -> None:
    """A requirement is proven on the built-in guideline, premise and sides reachable."""
    result = check(prop)
    assert (prop.name, Status.PROVEN, "") == (result.name, result.status, result.message)


def replace_rule(ruleset: RuleSet, rule_id: str, **changes: object) -> RuleSet:
    """A copy of ``ruleset`` with one rule changed (``attrs.evolve`` fields)."""
    rules = [attrs.evolve(r, **changes) if r.id == rule_id else r for r in ruleset.rules]
    return RuleSet(f"{ruleset.name}, {rule_id} changed", rules, ruleset.resolutions)


def without_resolutions(ruleset: RuleSet, ids: Iterable[str]) -> RuleSet:
    """A copy of ``ruleset`` without the named resolutions."""
    drop = set(ids)
    kept = [r for r in ruleset.resolutions if r.id not in drop]
    return RuleSet(f"{ruleset.name} without {', '.join(sorted(drop))}", ruleset.rules, kept)


def with_resolutions(ruleset: RuleSet, resolutions: Iterable[Resolution]) -> RuleSet:
    """A copy of ``ruleset`` with its resolutions replaced."""
    return RuleSet(f"{ruleset.name}, resolutions changed", ruleset.rules, list(resolutions))


def refuted(prop_name: str, ruleset: RuleSet) -> PropertyResult:
    """Verify and require a refutation with a replayed witness."""
    [result] = verify(ruleset, properties=[prop_name]).results
    assert (prop_name, Status.REFUTED) == (result.name, result.status), result.message
    assert result.witness is not None
    assert result.witness_advice is not None
    return result


__all__ = [
    "Rule",
    "assert_proven",
    "check",
    "group",
    "refuted",
    "replace_rule",
    "with_resolutions",
    "without_resolutions",
]
