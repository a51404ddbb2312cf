"""Mutation testing of the rule set: do the proofs, vectors and tests have teeth?

Each rule (and each resolution) is changed in turn in one small way, the way a
slip of the pen would change it, and every change (a *mutant*) is run against
what is meant to guard the rules:

* the **proofs**: :func:`lbp_spec.verify.verify` on the mutant; it is killed when
  a property's result differs from the original's (a requirement no longer
  proven, or a finding whose answer changes);
* the **regression vectors**: committed cases with the normative advice the
  reference gives them (``tests/data/regression_vectors.jsonl``); it is killed
  when the normative advice of any vector changes;
* the **hand-written tests** (optional, slow): ``tests/test_rules.py`` run in a
  subprocess with the mutant installed as the evaluator of the built-in
  guideline (this module is the pytest plugin that installs it, see
  :func:`pytest_sessionstart`).

A mutant that none of them kills is checked with Z3 for *equivalence* to the
original: no valid case gets a different normative advice. If so, the mutant
cannot be killed and is reported with the reason; if not, Z3 gives a minimal
case that tells them apart, which becomes a new regression vector.

The operators (:class:`Operator`) are ``DROP`` and ``NEGATE`` of a rule; for
each comparison in a condition (inside named definitions too, per rule)
``THRESHOLD+1`` and ``THRESHOLD-1``, and for a real-valued variable ``RELOP``
(strict and non-strict swapped, as ``> 25`` and ``>= 25``); for each effect
``WEAKEN`` and ``STRENGTHEN`` of an intervention's strength by one step of the
scale, ``SWAP_URGENCY`` and ``SWAP_REFERRAL_MODE`` of a referral,
``WINDOW+1``/``WINDOW-1`` of a time window and ``LIMIT+1``/``LIMIT-1`` of the
session limit; ``DROP_EFFECT`` of one effect of a rule with several; and
``DROP_RESOLUTION``.
"""

from __future__ import annotations

import enum
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Literal

import attrs
import z3

from lbp_spec.advice import Advice, Window
from lbp_spec.case import Case
from lbp_spec.contract import advice_from_json, advice_to_json, case_from_json, case_to_json
from lbp_spec.errors import RuleSetError
from lbp_spec.evaluator import _COMPILED, _build, _guideline, evaluate
from lbp_spec.limits import check_timeout_ms
from lbp_spec.logic import All, AnyOf, Cmp, Const, Expr, Named, Not, VariableKind
from lbp_spec.rule import SLOTS, Effect, Resolution, Rule, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.verify import Status, verify
from lbp_spec.vocabulary import ReferralMode, Strength, Urgency

__all__ = [
    "MUTANT_ENV",
    "Mutant",
    "MutationReport",
    "Operator",
    "Outcome",
    "Vector",
    "find_mutant",
    "installed",
    "load_vectors",
    "mutants",
    "pytest_sessionstart",
    "run",
    "run_tests",
    "seed_vectors",
    "vector",
    "vector_from_json",
    "vector_to_json",
    "write_vectors",
]

MUTANT_ENV: Final = "LBP_SPEC_MUTANT"
"""Environment variable naming the mutant the pytest plugin installs."""

DEFAULT_TIMEOUT_MS: Final = 20_000
"""Solver time limit per check, in milliseconds."""

_SUFFIX: Final = "__mutant"
"""Appended to the name of every named definition a mutation rewrites for one rule."""

_SHOWN_VECTORS: Final = 3
"""How many killing vectors an outcome names (the count is always kept)."""


# -- operators ------------------------------------------------------------------------------------


class Operator(enum.Enum):
    """A kind of small change to a rule set."""

    DROP = "DROP"
    NEGATE = "NEGATE"
    THRESHOLD_UP = "THRESHOLD+1"
    THRESHOLD_DOWN = "THRESHOLD-1"
    RELOP = "RELOP"
    WEAKEN = "WEAKEN"
    STRENGTHEN = "STRENGTHEN"
    SWAP_URGENCY = "SWAP_URGENCY"
    SWAP_REFERRAL_MODE = "SWAP_REFERRAL_MODE"
    WINDOW_LATER = "WINDOW+1"
    WINDOW_EARLIER = "WINDOW-1"
    LIMIT_UP = "LIMIT+1"
    LIMIT_DOWN = "LIMIT-1"
    DROP_EFFECT = "DROP_EFFECT"
    DROP_RESOLUTION = "DROP_RESOLUTION"


_CONDITION_OPERATORS: Final = frozenset(
    {Operator.NEGATE, Operator.THRESHOLD_UP, Operator.THRESHOLD_DOWN, Operator.RELOP}
)


@attrs.frozen
class Mutant:
    """One small change to a rule set.

    Attributes:
        id: Stable identifier, ``OPERATOR:TARGET[:WHERE]``, e.g.
            ``THRESHOLD+1:LRS.REFER.SEVERE:nprs>=8``.
        operator: The kind of change.
        target: The id of the rule or resolution changed.
        description: The change in words.
        ruleset: The mutated rule set; ``None`` when the change makes an
            invalid rule set.
        invalid: Why the rule set is invalid (the :class:`RuleSetError`), if it is.
        slot: The advice slot of an effect mutant, ``None`` otherwise.
    """

    id: str
    operator: Operator
    target: str
    description: str
    ruleset: RuleSet | None = attrs.field(default=None, eq=False, repr=False)
    invalid: str = ""
    slot: str | None = None


_STEP: Final = {s.rank: s for s in Strength}
_Strict = Literal["<", "<=", ">", ">="]
_RELOP: Final[dict[str, _Strict]] = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}


def _format(bound: float) -> str:
    return f"{bound:g}"


def _label(node: Cmp) -> str:
    return f"{node.path}{node.op}{_format(node.bound)}"


@attrs.frozen
class _Site:
    """A comparison in a rule's condition: where it is and its name in mutant ids."""

    path: tuple[int, ...]
    chain: tuple[str, ...]
    node: Cmp
    where: str = ""


def _sites(expr: Expr) -> list[_Site]:
    """Every comparison in ``expr`` (inside named definitions too), with a unique name."""
    found: list[_Site] = []

    def walk(node: Expr, path: tuple[int, ...], chain: tuple[str, ...]) -> None:
        if isinstance(node, Cmp):
            found.append(_Site(path, chain, node))
        inner = (*chain, node.name) if isinstance(node, Named) else chain
        for i, child in enumerate(node.children()):
            walk(child, (*path, i), inner)

    walk(expr, (), ())
    labels = Counter(_label(s.node) for s in found)

    def qualified(site: _Site) -> str:
        label = _label(site.node)
        if labels[label] == 1 or not site.chain:
            return label
        return f"{label}@{'/'.join(site.chain)}"

    counts = Counter(qualified(s) for s in found)
    seen: Counter[str] = Counter()
    named: list[_Site] = []
    for site in found:
        where = qualified(site)
        if counts[where] > 1:
            seen[where] += 1
            where = f"{where}#{seen[where]}"
        named.append(attrs.evolve(site, where=where))
    return named


def _replace(expr: Expr, path: tuple[int, ...], new: Expr, suffix: str = _SUFFIX) -> Expr:
    """``expr`` with the node at ``path`` replaced by ``new``.

    Every named definition on the way down is renamed (``suffix`` appended), so
    that the rewritten definition never shares its name, and with it the
    evaluator's and the encoding's cache of named terms, with the original one
    that other rules still use.

    Raises:
        TypeError: A node on the path whose children this function cannot rebuild.
    """
    if not path:
        return new
    i, rest = path[0], path[1:]
    if isinstance(expr, Named):
        return attrs.evolve(
            expr, name=expr.name + suffix, expr=_replace(expr.expr, rest, new, suffix)
        )
    if isinstance(expr, All | AnyOf):
        args = list(expr.args)
        args[i] = _replace(args[i], rest, new, suffix)
        return attrs.evolve(expr, args=tuple(args))
    if isinstance(expr, Not):
        return Not(_replace(expr.arg, rest, new, suffix))
    raise TypeError(f"cannot rebuild {type(expr).__name__} nodes")  # pragma: no cover


def _effect_name(effect: Effect) -> str:
    value = effect.value.value if isinstance(effect.value, enum.Enum) else effect.value
    if SLOTS[effect.slot].kind is SlotKind.SET:
        return f"{effect.slot}={value}"
    return effect.slot


def _value_words(value: object) -> str:
    return str(value.value) if isinstance(value, enum.Enum) else str(value)


def _tidy(rules: Sequence[Rule], resolutions: Iterable[Resolution]) -> list[Resolution]:
    """The resolutions, cut down to what the (changed) rules still write.

    A rule left out, or an effect dropped, leaves resolutions that name a rule
    that is gone or a slot no loser writes any more; a rule-set author making
    that change would cut those parts too, so the mutant does. A resolution
    left without winners, losers or slots goes.
    """
    by_id = {r.id: r for r in rules}
    out: list[Resolution] = []
    for res in resolutions:
        winners = [w for w in res.winners if w in by_id]
        losers = [lo for lo in res.losers if lo in by_id]
        slots = [s for s in res.slots if any(s in by_id[lo].slots for lo in losers)]
        losers = [lo for lo in losers if by_id[lo].slots & set(slots)]
        if winners and losers and slots:
            out.append(attrs.evolve(res, winners=winners, losers=losers, slots=slots))
    return out


class _Builder:
    """Builds the mutants of one rule set."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.rs = ruleset

    def make(
        self,
        operator: Operator,
        target: str,
        where: str,
        description: str,
        build: Callable[[str], RuleSet],
        slot: str | None = None,
    ) -> Mutant:
        mutant_id = f"{operator.value}:{target}" + (f":{where}" if where else "")
        name = f"{self.rs.name} [mutant {mutant_id}]"
        try:
            ruleset = build(name)
        except RuleSetError as exc:
            return Mutant(mutant_id, operator, target, description, None, str(exc), slot)
        return Mutant(mutant_id, operator, target, description, ruleset, "", slot)

    def replacing(self, rule: Rule, new: Rule, tidy: bool = False) -> Callable[[str], RuleSet]:
        def build(name: str) -> RuleSet:
            rules = [new if r.id == rule.id else r for r in self.rs.rules]
            resolutions = self.rs.resolutions
            return RuleSet(name, rules, _tidy(rules, resolutions) if tidy else resolutions)

        return build

    def dropping(self, rule: Rule) -> Callable[[str], RuleSet]:
        def build(name: str) -> RuleSet:
            rules = [r for r in self.rs.rules if r.id != rule.id]
            return RuleSet(name, rules, _tidy(rules, self.rs.resolutions))

        return build

    def rule_mutants(self, rule: Rule) -> Iterator[Mutant]:
        rid = rule.id
        yield self.make(Operator.DROP, rid, "", f"{rid} is left out", self.dropping(rule))
        yield self.make(
            Operator.NEGATE,
            rid,
            "",
            f"{rid} fires exactly when its condition does not hold",
            self.replacing(rule, attrs.evolve(rule, when=Not(rule.when))),
        )
        for site in _sites(rule.when):
            yield from self.site_mutants(rule, site)
        for k, effect in enumerate(rule.then):
            yield from self.effect_mutants(rule, k, effect)

    def site_mutants(self, rule: Rule, site: _Site) -> Iterator[Mutant]:
        node = site.node
        inside = f" (inside the definition '{site.chain[-1]}')" if site.chain else ""
        changes: list[tuple[Operator, Cmp]] = [
            (Operator.THRESHOLD_UP, attrs.evolve(node, bound=node.bound + 1)),
            (Operator.THRESHOLD_DOWN, attrs.evolve(node, bound=node.bound - 1)),
        ]
        if node.variable.kind is VariableKind.REAL and node.op in _RELOP:
            changes.append((Operator.RELOP, attrs.evolve(node, op=_RELOP[node.op])))
        for operator, new in changes:
            when = _replace(rule.when, site.path, new)
            yield self.make(
                operator,
                rule.id,
                site.where,
                f"{rule.id}: '{node.describe()}' becomes '{new.describe()}'{inside}",
                self.replacing(rule, attrs.evolve(rule, when=when)),
            )

    def effect_mutants(self, rule: Rule, k: int, effect: Effect) -> Iterator[Mutant]:
        where = _effect_name(effect)
        value = effect.value
        changes: list[tuple[Operator, object]] = []
        if isinstance(value, Strength):
            if value.rank - 1 in _STEP:
                changes.append((Operator.WEAKEN, _STEP[value.rank - 1]))
            if value.rank + 1 in _STEP:
                changes.append((Operator.STRENGTHEN, _STEP[value.rank + 1]))
        elif isinstance(value, Urgency):
            other = Urgency.NOT_STATED if value is Urgency.IMMEDIATE else Urgency.IMMEDIATE
            changes.append((Operator.SWAP_URGENCY, other))
        elif isinstance(value, ReferralMode):
            mode = (
                ReferralMode.ALONGSIDE_TREATMENT
                if value is ReferralMode.INSTEAD_OF_TREATMENT
                else ReferralMode.INSTEAD_OF_TREATMENT
            )
            changes.append((Operator.SWAP_REFERRAL_MODE, mode))
        elif isinstance(value, Window):
            for operator, step in ((Operator.WINDOW_LATER, 1), (Operator.WINDOW_EARLIER, -1)):
                high = None if value.high is None else value.high + step
                changes.append((operator, Window(value.low + step, high)))
        elif effect.slot == "session_limit" and isinstance(value, int):
            changes.append((Operator.LIMIT_UP, value + 1))
            changes.append((Operator.LIMIT_DOWN, value - 1))
        slot_words = SLOTS[effect.slot].words
        for operator, new_value in changes:
            then = list(rule.then)
            then[k] = Effect(effect.slot, new_value)
            yield self.make(
                operator,
                rule.id,
                where,
                f"{rule.id}: {slot_words} {_value_words(value)} becomes {_value_words(new_value)}",
                self.replacing(rule, attrs.evolve(rule, then=then)),
                effect.slot,
            )
        if len(rule.then) > 1:
            then = [e for j, e in enumerate(rule.then) if j != k]
            yield self.make(
                Operator.DROP_EFFECT,
                rule.id,
                where,
                f"{rule.id} no longer gives {effect.describe()}",
                self.replacing(rule, attrs.evolve(rule, then=then), tidy=True),
                effect.slot,
            )

    def resolution_mutant(self, res_id: str) -> Mutant:
        def build(name: str) -> RuleSet:
            kept = [r for r in self.rs.resolutions if r.id != res_id]
            return RuleSet(name, self.rs.rules, kept)

        return self.make(
            Operator.DROP_RESOLUTION, res_id, "", f"the resolution {res_id} is left out", build
        )


def mutants(ruleset: RuleSet = GUIDELINE) -> tuple[Mutant, ...]:
    """Every mutant of ``ruleset``, rule by rule in rule-set order, then the resolutions.

    Mutants whose change makes an invalid rule set are included, with
    :attr:`Mutant.invalid` saying why and no rule set.

    Args:
        ruleset: The rules to mutate; the built-in guideline unless given.

    Returns:
        The mutants, with unique ids.
    """
    builder = _Builder(ruleset)
    out = [m for rule in ruleset.rules for m in builder.rule_mutants(rule)]
    out.extend(builder.resolution_mutant(res.id) for res in ruleset.resolutions)
    return tuple(out)


def find_mutant(ruleset: RuleSet, mutant_id: str) -> Mutant:
    """The mutant of ``ruleset`` with id ``mutant_id`` (only its target's mutants are built).

    Raises:
        KeyError: No such mutant.
    """
    parts = mutant_id.split(":", 2)
    builder = _Builder(ruleset)
    candidates: Iterable[Mutant] = ()
    if len(parts) >= 2:
        target = parts[1]
        if parts[0] == Operator.DROP_RESOLUTION.value:
            if any(r.id == target for r in ruleset.resolutions):
                candidates = (builder.resolution_mutant(target),)
        elif any(r.id == target for r in ruleset.rules):
            candidates = builder.rule_mutants(ruleset.rule(target))
    for candidate in candidates:
        if candidate.id == mutant_id:
            return candidate
    raise KeyError(f"no mutant {mutant_id!r} of {ruleset.name}")


# -- installing a mutant as the evaluator of the guideline (the pytest plugin) ---------------------


@contextmanager
def installed(mutant: RuleSet, ruleset: RuleSet = GUIDELINE) -> Iterator[None]:
    """Make :func:`lbp_spec.evaluate` on ``ruleset`` run the rules of ``mutant`` for a while.

    The compiled evaluators of ``ruleset`` (with and without tables) are replaced
    in the evaluator's cache and restored on exit, so code that calls
    ``evaluate(case)`` unchanged (the hand-written tests), or replays a
    counterexample as the verifier does, evaluates the mutant.
    """
    before = {tables: cache.get(ruleset) for tables, cache in _COMPILED.items()}
    _install(mutant, ruleset)
    try:
        yield
    finally:
        for tables, cache in _COMPILED.items():
            if before[tables] is None:
                cache.pop(ruleset, None)
            else:
                cache[ruleset] = before[tables]  # type: ignore[assignment]
        _guideline.cache_clear()


def _install(mutant: RuleSet, ruleset: RuleSet) -> None:
    """Compile ``mutant`` as the evaluator of ``ruleset``, with and without tables."""
    for tables, cache in _COMPILED.items():
        cache[ruleset] = _build(mutant, tables=tables)
    _guideline.cache_clear()  # evaluate() keeps the guideline's evaluator at hand


def pytest_sessionstart(session: object) -> None:
    """Pytest hook (``-p lbp_spec.mutation``): install the mutant named by ``LBP_SPEC_MUTANT``.

    Only for the built-in guideline, and only when the variable is set; the
    mutant stays installed for the whole session of the subprocess.

    Raises:
        KeyError: The variable names no mutant of the guideline.
        ValueError: It names an invalid mutant.
    """
    mutant_id = os.environ.get(MUTANT_ENV)
    if not mutant_id:
        return
    mutant = find_mutant(GUIDELINE, mutant_id)
    if mutant.ruleset is None:
        raise ValueError(f"mutant {mutant_id} is invalid: {mutant.invalid}")
    _install(mutant.ruleset, GUIDELINE)


def run_tests(
    mutant_id: str, paths: Sequence[str | Path], timeout: float = 600.0
) -> tuple[bool, str]:
    """Run pytest on ``paths`` in a subprocess with a mutant of the guideline installed.

    The subprocess runs in a temporary directory, so that Hypothesis keeps no
    example database in the tree.

    Args:
        mutant_id: The id of a valid mutant of :data:`~lbp_spec.rules.GUIDELINE`.
        paths: Test files (absolute paths).
        timeout: Seconds before the run is given up.

    Returns:
        Whether a test failed (the mutant is killed), and the first failing test.

    Raises:
        RuntimeError: Pytest ended with neither success nor test failures (an
            error of the harness, not a kill).
    """
    command = [
        sys.executable,
        "-m",
        "pytest",
        *(str(Path(p).resolve()) for p in paths),
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "lbp_spec.mutation",
        "-rf",
    ]
    env = {**os.environ, MUTANT_ENV: mutant_id}
    with tempfile.TemporaryDirectory(prefix="lbp-mutant-") as tmp:
        proc = subprocess.run(
            command, cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    if proc.returncode == 0:
        return False, ""
    if proc.returncode != 1:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
        raise RuntimeError(f"pytest on {mutant_id} exited {proc.returncode}: {' | '.join(tail)}")
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED ")]
    first = failed[0].removeprefix("FAILED ").split(" - ")[0] if failed else "a test failed"
    return True, first.rsplit("/", 1)[-1]


# -- regression vectors ------------------------------------------------------------------------


@attrs.frozen
class Vector:
    """A named case and the normative advice the reference gave it when it was committed.

    Attributes:
        name: Unique name saying where the case comes from, e.g.
            ``fires:LRS.RECHECK`` or ``threshold:LRS.REFER.SEVERE:nprs>=8:7``.
        case: The case.
        expected: Its normative advice (:meth:`Advice.normative`).
    """

    name: str
    case: Case
    expected: Advice


def vector(name: str, case: Case, ruleset: RuleSet = GUIDELINE) -> Vector:
    """A vector whose expected advice is what ``ruleset`` gives ``case`` now."""
    return Vector(name, case, evaluate(case, ruleset).normative())


def vector_to_json(v: Vector) -> dict[str, Any]:
    """The JSON object of one vector: its name, case and expected normative advice."""
    return {"name": v.name, "case": case_to_json(v.case), "expected": advice_to_json(v.expected)}


def vector_from_json(obj: Mapping[str, Any]) -> Vector:
    """Read one vector (validating the case and the advice against the contract)."""
    return Vector(str(obj["name"]), case_from_json(obj["case"]), advice_from_json(obj["expected"]))


def load_vectors(path: str | Path) -> tuple[Vector, ...]:
    """Read vectors from a JSON Lines file, one vector a line.

    Raises:
        ValueError: Two vectors share a name.
    """
    out: list[Vector] = []
    names: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        v = vector_from_json(json.loads(line))
        if v.name in names:
            raise ValueError(f"{path}: two vectors named {v.name!r}")
        names.add(v.name)
        out.append(v)
    return tuple(out)


def write_vectors(path: str | Path, vectors: Iterable[Vector]) -> None:
    """Write vectors as JSON Lines (compact, keys in contract order), one a line."""
    lines = [json.dumps(vector_to_json(v), separators=(",", ":")) for v in vectors]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _case_key(case: Case) -> str:
    return json.dumps(case_to_json(case), sort_keys=True)


def _sides(node: Cmp) -> tuple[float, ...]:
    """The values just inside and just outside a comparison's edge (in the variable's range)."""
    var = node.variable
    step: float = 1 if var.kind is VariableKind.INT else 0.5
    b = node.bound
    if node.op in (">", "<="):
        values: tuple[float, ...] = (b, b + step)
    elif node.op in (">=", "<"):
        values = (b - step, b)
    else:
        values = (b - step, b, b + step)
    low = var.low if var.low is not None else float("-inf")
    high = var.high if var.high is not None else float("inf")
    return tuple(v for v in values if low <= v <= high)


def seed_vectors(
    ruleset: RuleSet = GUIDELINE,
    examples: Iterable[tuple[str, Case]] = (),
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> list[Vector]:
    """The seed regression vectors of a rule set, each case once.

    1. ``fires:RULE``: for every rule, a minimal valid case on which it fires;
    2. ``example:...``: the given hand-written cases;
    3. ``threshold:RULE:COMPARISON:VALUE``: for every comparison in every
       condition, a minimal valid case with the variable just inside and one
       just outside the edge, where the comparison decides whether the rule
       fires;
    4. ``resolution:RES:WINNER>LOSER``: for every resolution, a minimal valid
       case on which a winner and a loser it sets aside fire together.

    Args:
        ruleset: The reference rules; their advice is the expected value.
        examples: Named hand-written cases.
        timeout_ms: Optimiser time limit per case.

    Returns:
        The vectors; a case already taken under an earlier name is skipped.

    Raises:
        ValueError: A time limit below 1 ms or not a whole number of milliseconds.
    """
    check_timeout_ms(timeout_ms)
    enc = Encoding(ruleset)
    valid = enc.valid()
    seen: set[str] = set()
    out: list[Vector] = []

    def take(name: str, case: Case) -> None:
        key = _case_key(case)
        if key not in seen:
            seen.add(key)
            out.append(vector(name, case, ruleset))

    for rule in ruleset.rules:
        model = enc.minimal_model([valid, enc.fired(rule.id)], timeout_ms)
        if model is not None:
            take(f"fires:{rule.id}", enc.back(model))
    for name, case in examples:
        take(name, case)
    for rule in ruleset.rules:
        for site in _sites(rule.when):
            local = Encoding(ruleset, share=enc)
            decisive = local.convert(
                _replace(rule.when, site.path, Const(True), "__true")
            ) != local.convert(_replace(rule.when, site.path, Const(False), "__false"))
            for side in _sides(site.node):
                at = local.convert(Cmp(site.node.path, "==", side))
                model = enc.minimal_model([valid, decisive, at], timeout_ms)
                if model is not None:
                    take(f"threshold:{rule.id}:{site.where}:{_format(side)}", enc.back(model))
    for res in ruleset.resolutions:
        for loser in res.losers:
            if not set(res.slots) & ruleset.rule(loser).slots:
                continue
            for winner in res.winners:
                both = [valid, enc.fired(winner), enc.fired(loser)]
                model = enc.minimal_model(both, timeout_ms)
                if model is not None:
                    take(f"resolution:{res.id}:{winner}>{loser}", enc.back(model))
    return out


# -- running ------------------------------------------------------------------------------------


@attrs.frozen
class Outcome:
    """What happened to one mutant.

    Attributes:
        mutant: The mutant's id.
        operator: Its operator.
        target: The rule or resolution it changes.
        description: The change in words.
        invalid: Why its rule set is invalid (then nothing else was run).
        proofs: The properties whose result changed, as ``name: old -> new``.
        vectors_changed: How many vectors' normative advice changed.
        vectors: The names of the first few of those vectors.
        tests: Whether the hand-written tests failed; ``None`` when not run.
        test_failure: The first failing test.
        equivalent: For a mutant nothing killed: ``True`` when Z3 proved no valid
            case tells it apart from the original, ``False`` when it found one,
            ``None`` when not checked or the solver gave up.
        reason: Why it is equivalent, or what the solver said.
        witness: For a non-equivalent survivor, a minimal case telling it apart,
            with the original's normative advice (a new regression vector).
        error: An error of the harness while running this mutant.
        seconds: Wall time spent on it.
    """

    mutant: str
    operator: Operator
    target: str
    description: str
    invalid: str = ""
    proofs: tuple[str, ...] = ()
    vectors_changed: int = 0
    vectors: tuple[str, ...] = ()
    tests: bool | None = None
    test_failure: str = ""
    equivalent: bool | None = None
    reason: str = ""
    witness: Vector | None = None
    error: str = ""
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        """Killed by the proofs, the vectors or the tests."""
        return bool(self.proofs) or self.vectors_changed > 0 or self.tests is True

    @property
    def status(self) -> str:
        """``invalid``, ``error``, ``killed``, ``equivalent``, ``survived`` or ``unknown``."""
        if self.invalid:
            return "invalid"
        if self.error:
            return "error"
        if self.killed:
            return "killed"
        if self.equivalent is True:
            return "equivalent"
        if self.equivalent is False:
            return "survived"
        return "unknown"

    def to_json(self) -> dict[str, Any]:
        """The outcome as a JSON object."""
        return {
            "mutant": self.mutant,
            "operator": self.operator.value,
            "target": self.target,
            "description": self.description,
            "status": self.status,
            "invalid": self.invalid,
            "proofs": list(self.proofs),
            "vectors_changed": self.vectors_changed,
            "vectors": list(self.vectors),
            "tests": self.tests,
            "test_failure": self.test_failure,
            "equivalent": self.equivalent,
            "reason": self.reason,
            "witness": None if self.witness is None else vector_to_json(self.witness),
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


_COLUMNS: Final = (
    "mutants",
    "invalid",
    "proofs",
    "vectors",
    "tests",
    "killed",
    "equivalent",
    "survived",
    "unknown",
    "errors",
)


def _counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    c = dict.fromkeys(_COLUMNS, 0)
    for o in outcomes:
        c["mutants"] += 1
        c["invalid"] += o.status == "invalid"
        c["proofs"] += bool(o.proofs)
        c["vectors"] += o.vectors_changed > 0
        c["tests"] += o.tests is True
        c["killed"] += o.status == "killed"
        c["equivalent"] += o.status == "equivalent"
        c["survived"] += o.status == "survived"
        c["unknown"] += o.status == "unknown"
        c["errors"] += o.status == "error"
    return c


def _score(c: Mapping[str, int]) -> float | None:
    live = c["mutants"] - c["equivalent"] - c["invalid"]
    return None if live == 0 else c["killed"] / live


@attrs.frozen
class MutationReport:
    """The outcome of a mutation run.

    Attributes:
        ruleset: The name of the rule set mutated.
        outcomes: One per mutant run, in mutant order.
        total: How many mutants the rule set has (more than ``outcomes`` when sampled).
        tests_run: Whether the hand-written tests were a kill criterion.
        proofs_run: Whether the proofs were a kill criterion.
        vectors: How many regression vectors were used.
        stale_vectors: Vectors whose expected advice the original no longer gives.
        seconds: Wall time of the run.
        jobs: Worker processes used.
    """

    ruleset: str
    outcomes: tuple[Outcome, ...]
    total: int
    tests_run: bool
    proofs_run: bool
    vectors: int
    stale_vectors: tuple[str, ...]
    seconds: float
    jobs: int

    def counts(self, operator: Operator | None = None) -> dict[str, int]:
        """The counts of the table's columns, for one operator or overall."""
        return _counts(o for o in self.outcomes if operator is None or o.operator is operator)

    @property
    def score(self) -> float | None:
        """Killed / (mutants - equivalent - invalid); ``None`` when nothing could be killed."""
        return _score(self.counts())

    @property
    def ok(self) -> bool:
        """No survivor, no unknown, no harness error and no stale vector."""
        c = self.counts()
        return (
            c["survived"] == 0 and c["unknown"] == 0 and c["errors"] == 0 and not self.stale_vectors
        )

    def by_property(self) -> dict[str, int]:
        """How many mutants each property killed, most first."""
        kills: Counter[str] = Counter()
        for o in self.outcomes:
            for entry in o.proofs:
                kills[entry.split(":", 1)[0]] += 1
        return dict(kills.most_common())

    def new_vectors(self) -> tuple[Vector, ...]:
        """The distinguishing cases of the non-equivalent survivors, as vectors to commit."""
        return tuple(o.witness for o in self.outcomes if o.witness is not None)

    def table(self) -> str:
        """The per-operator table and the overall row, as text (``-``: not run)."""
        width = max(16, *(len(op.value) + 2 for op in Operator))
        head = f"{'operator':<{width}}" + "".join(f"{c:>11}" for c in _COLUMNS) + f"{'score':>9}"
        rule = "-" * len(head)
        skipped = {
            c for c, ran in (("tests", self.tests_run), ("proofs", self.proofs_run)) if not ran
        }
        present = [op for op in Operator if any(o.operator is op for o in self.outcomes)]
        rows = [(op.value, self.counts(op)) for op in present]
        lines = [head, rule]
        for label, counts in [*rows, ("all", self.counts())]:
            if label == "all":
                lines.append(rule)
            cells = "".join(f"{'-' if c in skipped else counts[c]:>11}" for c in _COLUMNS)
            score = _score(counts)
            shown = "-" if score is None else f"{100 * score:.1f}%"
            lines.append(f"{label:<{width}}{cells}{shown:>9}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        score = self.score
        return {
            "ruleset": self.ruleset,
            "mutants_total": self.total,
            "mutants_run": len(self.outcomes),
            "proofs_run": self.proofs_run,
            "tests_run": self.tests_run,
            "vectors": self.vectors,
            "stale_vectors": list(self.stale_vectors),
            "seconds": round(self.seconds, 1),
            "jobs": self.jobs,
            "score": None if score is None else round(score, 4),
            "totals": self.counts(),
            "operators": {
                op.value: self.counts(op)
                for op in Operator
                if any(o.operator is op for o in self.outcomes)
            },
            "kills_by_property": self.by_property(),
            "outcomes": [o.to_json() for o in self.outcomes],
        }


@attrs.frozen
class _Options:
    proofs: bool
    properties: tuple[str, ...] | None
    tests: tuple[str, ...]
    equivalence: bool
    timeout_ms: int


class _Worker:
    """Runs mutants of one rule set against one set of vectors (in one process)."""

    def __init__(self, ruleset: RuleSet, vectors: Sequence[Vector], options: _Options) -> None:
        self.rs = ruleset
        self.vectors = tuple(vectors)
        self.options = options
        self.mutants = mutants(ruleset)
        self.original = tuple(evaluate(v.case, ruleset).normative() for v in self.vectors)
        self.baseline: dict[str, Status] = {}
        if options.proofs:
            report = verify(ruleset, properties=options.properties, timeout_ms=options.timeout_ms)
            self.baseline = {r.name: r.status for r in report.results}

    def run(self, index: int) -> Outcome:
        start = time.perf_counter()
        m = self.mutants[index]
        base = Outcome(m.id, m.operator, m.target, m.description)
        if m.ruleset is None:
            return attrs.evolve(base, invalid=m.invalid)
        try:
            outcome = self._run(m, m.ruleset, base)
        except Exception as exc:  # the run goes on; the report shows the error
            outcome = attrs.evolve(base, error=f"{type(exc).__name__}: {exc}")
        return attrs.evolve(outcome, seconds=time.perf_counter() - start)

    def _run(self, m: Mutant, mutant: RuleSet, out: Outcome) -> Outcome:
        evaluator = _build(mutant)[1]
        changed = [
            v.name
            for v, expected in zip(self.vectors, self.original, strict=True)
            if evaluator(v.case).normative() != expected
        ]
        out = attrs.evolve(
            out, vectors_changed=len(changed), vectors=tuple(changed[:_SHOWN_VECTORS])
        )
        if self.options.proofs:
            report = verify(
                mutant, properties=self.options.properties, timeout_ms=self.options.timeout_ms
            )
            caught = tuple(
                f"{r.name}: {self.baseline[r.name].value} -> {r.status.value}"
                for r in report.results
                if r.status is not self.baseline[r.name]
            )
            out = attrs.evolve(out, proofs=caught)
        if self.options.tests:
            failed, first = run_tests(m.id, self.options.tests)
            out = attrs.evolve(out, tests=failed, test_failure=first)
        if out.killed or not self.options.equivalence:
            return out
        return self._equivalence(m, mutant, out)

    def _equivalence(self, m: Mutant, mutant: RuleSet, out: Outcome) -> Outcome:
        timeout = self.options.timeout_ms
        enc = Encoding(self.rs)
        other = Encoding(mutant, share=enc)
        valid = enc.valid()
        differs = enc.differs(other)
        solver = z3.Solver()
        solver.set(timeout=timeout)
        solver.add(valid, differs)
        answer = solver.check()
        if answer == z3.unsat:
            return attrs.evolve(out, equivalent=True, reason=_explain(m, self.rs, mutant, timeout))
        if answer != z3.sat:
            return attrs.evolve(out, reason=f"solver: {solver.reason_unknown()}")
        model = enc.minimal_model([valid, differs], timeout) or solver.model()
        case = enc.back(model)
        expected = evaluate(case, self.rs).normative()
        if evaluate(case, mutant).normative() == expected:
            return attrs.evolve(
                out,
                error="Z3 found a case that tells the mutant apart, but the evaluator gives "
                "both the same advice: the encoding and the evaluator disagree",
            )
        return attrs.evolve(
            out,
            equivalent=False,
            reason="a valid case tells it apart (a new regression vector)",
            witness=Vector(f"survivor:{m.id}", case, expected),
        )


def _sat(timeout_ms: int, *terms: z3.BoolRef) -> bool | None:
    solver = z3.Solver()
    solver.set(timeout=timeout_ms)
    solver.add(*terms)
    answer = solver.check()
    if answer == z3.unknown:
        return None
    return bool(answer == z3.sat)


def _explain(m: Mutant, original: RuleSet, mutant: RuleSet, timeout_ms: int) -> str:
    """Why an equivalent mutant changes no advice, inferred with a few more Z3 queries."""
    enc = Encoding(original)
    other = Encoding(mutant, share=enc)
    valid = enc.valid()
    if m.operator is Operator.DROP_RESOLUTION:
        res = next(r for r in original.resolutions if r.id == m.target)
        pairs = [
            z3.And(enc.fired(w), enc.fired(lo))
            for w in res.winners
            for lo in res.losers
            if set(res.slots) & original.rule(lo).slots
        ]
        if _sat(timeout_ms, valid, z3.Or(*pairs, z3.BoolVal(False))) is False:
            return "no valid case fires a winner together with a loser: it is never applied"
        return (
            "where a winner and a loser fire together, the loser's value would not be "
            "decided anyway (another rule decides the slot or gives the same value)"
        )
    rid = m.target
    fires = _sat(timeout_ms, valid, enc.fired(rid))
    if fires is False:
        return f"{rid} fires for no valid case"
    if m.operator is Operator.DROP:
        return (
            f"wherever {rid} fires, its effects are given by other rules too, or set aside "
            "by a resolution"
        )
    if m.operator in _CONDITION_OPERATORS:
        if _sat(timeout_ms, valid, enc.fired(rid) != other.fired(rid)) is False:
            if m.operator is Operator.NEGATE:
                return f"{rid} fires for every valid case"
            return (
                f"the change never alters when {rid} fires: the bound moves across no value "
                "at which the comparison decides the condition for a valid case"
            )
        return (
            f"{rid} fires for other cases, but where it does its effects are given by other "
            "rules too, or set aside by a resolution"
        )
    slot = m.slot or ""
    default = SLOTS[slot].default
    if m.operator is Operator.DROP_EFFECT and default in original.rule(rid).writes(slot):
        return (
            f"the dropped effect writes {_value_words(default)}, the value {slot} has anyway "
            "when no other rule decides it"
        )
    if SLOTS[slot].kind is SlotKind.SET:
        return f"whenever {rid} fires, another rule adds the same member to {slot}"
    if _sat(timeout_ms, valid, enc.effective(rid, slot)) is False:
        return f"the effect of {rid} on {slot} is always set aside by a resolution"
    return (
        f"whenever {rid} writes {slot}, another rule decides the same value, or a value "
        "that takes precedence"
    )


_WORKER: _Worker | None = None


def _init_worker(ruleset: RuleSet, vectors: Sequence[Vector], options: _Options) -> None:
    global _WORKER
    _WORKER = _Worker(ruleset, vectors, options)


def _run_one(index: int) -> Outcome:
    assert _WORKER is not None
    return _WORKER.run(index)


def run(
    ruleset: RuleSet = GUIDELINE,
    vectors: Sequence[Vector] = (),
    *,
    proofs: bool = True,
    properties: Iterable[str] | None = None,
    tests: Sequence[str | Path] = (),
    equivalence: bool = True,
    sample: int | None = None,
    seed: int = 0,
    jobs: int = 1,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> MutationReport:
    """Run every mutant (or a sample) of ``ruleset`` against the kill criteria.

    Args:
        ruleset: The rules to mutate; the built-in guideline unless given.
        vectors: The regression vectors; the original's advice on them is the
            reference the mutants' advice is compared with.
        proofs: Verify each mutant (a changed property result kills it).
        properties: The properties to verify; all when ``None``.
        tests: Test files to run against each mutant in a subprocess (only
            for the built-in guideline); none when empty.
        equivalence: Check the survivors for equivalence with Z3.
        sample: Run only this many mutants, drawn with ``seed``, each operator
            in proportion (all when ``None``).
        seed: The seed of the sample.
        jobs: Worker processes (1: in this process).
        timeout_ms: Solver time limit per check.
        on_outcome: Called with each outcome as it is known (progress).

    Returns:
        The report.

    Raises:
        ValueError: ``tests`` given for a rule set other than the built-in guideline,
            or a time limit below 1 ms or not a whole number of milliseconds.
    """
    check_timeout_ms(timeout_ms)
    if tests and ruleset is not GUIDELINE:
        raise ValueError("the hand-written tests can only be run against the built-in guideline")
    start = time.perf_counter()
    options = _Options(
        proofs=proofs,
        properties=None if properties is None else tuple(properties),
        tests=tuple(str(Path(t).resolve()) for t in tests),
        equivalence=equivalence,
        timeout_ms=timeout_ms,
    )
    every = mutants(ruleset)
    indices = list(range(len(every)))
    if sample is not None and sample < len(every):
        indices = _stratified(every, sample, seed)
    stale = tuple(v.name for v in vectors if evaluate(v.case, ruleset).normative() != v.expected)
    outcomes: list[Outcome] = []
    if jobs <= 1:
        worker = _Worker(ruleset, vectors, options)
        for i in indices:
            outcomes.append(worker.run(i))
            if on_outcome is not None:
                on_outcome(outcomes[-1])
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(ruleset, tuple(vectors), options),
        ) as pool:
            for outcome in pool.map(_run_one, indices):
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
    return MutationReport(
        ruleset=ruleset.name,
        outcomes=tuple(outcomes),
        total=len(every),
        tests_run=bool(tests),
        proofs_run=proofs,
        vectors=len(vectors),
        stale_vectors=stale,
        seconds=time.perf_counter() - start,
        jobs=max(1, jobs),
    )


def _stratified(every: Sequence[Mutant], sample: int, seed: int) -> list[int]:
    """``sample`` indices of ``every``, each operator in proportion (at least one each)."""
    rng = random.Random(seed)
    groups: dict[Operator, list[int]] = {}
    for i, m in enumerate(every):
        groups.setdefault(m.operator, []).append(i)
    chosen: list[int] = []
    for members in groups.values():
        k = max(1, round(sample * len(members) / len(every)))
        chosen.extend(rng.sample(members, min(k, len(members))))
    return sorted(chosen)
