"""Find the cases of the suite's targets with Z3 (the only part of conformance that knows Z3).

Every case is *minimal*: Z3's optimiser keeps it as close to a plain patient as
it can (:meth:`lbp_spec.symbolic.Encoding.plain`), and a pair of cases (a rule
firing and not firing; an atomic condition true and false) as close to each
other as it can, so that a vendor reading a failing vector sees the few findings
that matter. Every case found is replayed through the evaluator, which must
agree with what the search asked for.

Z3's answers depend on what the solver did before in the same process, so the
suite is searched in fresh processes (``python -m lbp_spec.conformance.search``,
a fixed partition of the targets into ``CHUNKS`` chunks): the same rules
give the same cases, whatever ran before and however many run at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import z3

from lbp_spec.advice import Window
from lbp_spec.case import Case
from lbp_spec.conformance.fields import FieldKind, field
from lbp_spec.conformance.targets import atoms
from lbp_spec.contract import case_from_json, case_to_json
from lbp_spec.evaluator import evaluate
from lbp_spec.logic import VARIABLES, Variable, VariableKind
from lbp_spec.rule import SLOTS, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import AdviceWarning, ReferralMode, Strength, Urgency

__all__ = ["CHUNKS", "Found", "Searcher", "search", "search_isolated"]

CHUNKS: Final = 2
"""How many fresh processes the targets are split over (round robin); part of the suite."""

SAME_WEIGHT: Final = 8
"""Weight of "the two cases of a pair agree on this variable", against 1 for plainness."""

Found = dict[str, Any]
"""A search result: ``{"status": "ok", "cases": [[label, case JSON], ...], "note": str}``,
or ``{"status": "unsat" | "unknown", "note": str}``."""


def _unsat(note: str) -> Found:
    return {"status": "unsat", "note": note}


class Searcher:
    """Answers target specs for one rule set (see :mod:`lbp_spec.conformance.targets`).

    Args:
        ruleset: The rules.
        timeout_ms: Solver time limit per target.

    """

    def __init__(self, ruleset: RuleSet, timeout_ms: int = 20_000) -> None:
        self.rs = ruleset
        self.timeout_ms = timeout_ms
        self.a = Encoding(ruleset)
        self.valid_a = self.a.valid()
        self._b: Encoding | None = None
        self._valid_b: z3.BoolRef | None = None
        self._plain = self.a.plain()
        self._same: list[z3.BoolRef] = []

    @property
    def b(self) -> Encoding:
        """A second, independent encoding: the other case of a pair."""
        if self._b is None:
            self._b = Encoding(self.rs, prefix="b:")
            self._valid_b = self._b.valid()
            self._same = [x == y for x, y in self._pairs()]
        return self._b

    # -- helpers ---------------------------------------------------------------------------------

    def _pairs(self) -> list[tuple[Any, Any]]:
        """Each case variable of A with the same variable of B (in a fixed order)."""
        a, b = self.a, self.b
        out: list[tuple[Any, Any]] = []
        out.extend((a.value[p], b.value[p]) for p in a.value)
        out.extend((a.presence[p], b.presence[p]) for p in a.presence)
        out.extend((a.members[k], b.members[k]) for k in a.members)
        out.extend((a.factors[f], b.factors[f]) for f in a.factors)
        return out

    def _optimize(self, hard: Sequence[z3.BoolRef], pair: bool) -> z3.ModelRef | str:
        opt = z3.Optimize()
        opt.set(timeout=self.timeout_ms)
        opt.add(*hard)
        for term in self._plain:
            opt.add_soft(term, 1)
        if pair:
            assert self._valid_b is not None
            opt.add(self._valid_b)
            for term in self._same:
                opt.add_soft(term, SAME_WEIGHT)
        result = opt.check()
        if result == z3.sat:
            return opt.model()
        return "unknown" if result == z3.unknown else "unsat"

    def _differs(self, slots: Sequence[tuple[str, object | None]]) -> z3.BoolRef:
        """The advice of A and B differ on these slots (a set slot: on that member)."""
        a, b = self.a, self.b
        terms: list[z3.BoolRef] = []
        for slot, member in slots:
            meta = SLOTS[slot]
            if meta.kind is SlotKind.SINGLE:
                values = list(self.rs.domain(slot))
                if meta.default not in values:
                    values.append(meta.default)
                terms.extend(a.decided(slot, v) != b.decided(slot, v) for v in values)
            else:
                members = [member] if member is not None else list(meta.value_type)  # type: ignore[call-overload]
                terms.extend(a.contains(slot, m) != b.contains(slot, m) for m in members)
        return z3.Or(*terms) if terms else z3.BoolVal(False)

    def _all_slots(self) -> list[tuple[str, object | None]]:
        return [(slot, None) for slot in SLOTS]

    def _rule_slots(self, rule_id: str) -> list[tuple[str, object | None]]:
        out: list[tuple[str, object | None]] = []
        for effect in self.rs.rule(rule_id).then:
            if SLOTS[effect.slot].kind is SlotKind.SINGLE:
                item: tuple[str, object | None] = (effect.slot, None)
            else:
                item = (effect.slot, effect.value)
            if item not in out:
                out.append(item)
        return out

    def _pair(self, hard: Sequence[z3.BoolRef], rule_id: str) -> tuple[z3.ModelRef | str, str]:
        """A pair (A, B) meeting ``hard`` whose advice differs, where it matters most."""
        levels = (
            (self._differs(self._rule_slots(rule_id)), ""),
            (
                self._differs(self._all_slots()),
                "the rule's own effect is never visible here; the advice differs elsewhere",
            ),
        )
        status = "unsat"
        for extra, note in levels:
            model = self._optimize([*hard, extra], pair=True)
            if not isinstance(model, str):
                return model, note
            status = model if model == "unknown" else status
        return status, "no pair changes the advice"

    def _cases(self, model: z3.ModelRef) -> tuple[Case, Case]:
        return self.a.back(model), self.b.back(model)

    # -- the target kinds -------------------------------------------------------------------------

    def solve(self, spec: dict[str, Any]) -> Found:
        """Find the cases of one target spec."""
        kind = spec["kind"]
        if kind == "rule":
            return self._rule(spec["rule"])
        if kind == "condition":
            return self._condition(spec["rule"], spec["atom"])
        if kind == "threshold":
            return self._threshold(spec)
        if kind == "resolution":
            return self._resolution(spec["winner"], spec["loser"])
        if kind == "value":
            return self._value(spec["field"], spec["value"])
        raise ValueError(f"unknown target kind {kind!r}")

    def _rule(self, rule_id: str) -> Found:
        a, b = self.a, self.b
        hard = [self.valid_a, a.fired(rule_id), z3.Not(b.fired(rule_id))]
        model, note = self._pair(hard, rule_id)
        if isinstance(model, str):
            return {"status": model, "note": note}
        fires, silent = self._cases(model)
        _expect(rule_id in evaluate(fires, self.rs).fired, f"{rule_id} fires")
        _expect(rule_id not in evaluate(silent, self.rs).fired, f"{rule_id} does not fire")
        return _ok([("fires", fires), ("does-not-fire", silent)], note)

    def _condition(self, rule_id: str, index: int) -> Found:
        a, b = self.a, self.b
        atom, _ = atoms(self.rs.rule(rule_id))[index]
        hard = [
            self.valid_a,
            a.convert(atom),
            z3.Not(b.convert(atom)),
            a.fired(rule_id) != b.fired(rule_id),
        ]
        model, note = self._pair(hard, rule_id)
        if isinstance(model, str):
            return {"status": model, "note": note}
        true, false = self._cases(model)
        _expect(
            (rule_id in evaluate(true, self.rs).fired)
            != (rule_id in evaluate(false, self.rs).fired),
            f"{rule_id} flips with its condition",
        )
        return _ok([("true", true), ("false", false)], note)

    def _threshold(self, spec: dict[str, Any]) -> Found:
        a, b = self.a, self.b
        rule_id, path = spec["rule"], spec["path"]
        var = VARIABLES[path]
        values = [(v, bool(h)) for v, h in spec["values"]]
        v_true = next(v for v, h in values if h)
        v_false = next(v for v, h in reversed(values) if not h)
        hard = [
            self.valid_a,
            *self._present(a, var),
            a.value[path] == _num(var, v_true),
            b.value[path] == _num(var, v_false),
            a.fired(rule_id) != b.fired(rule_id),
        ]
        hard.extend(x == y for x, y in self._pairs() if x is not a.value[path])
        model, note = self._pair(hard, rule_id)
        if isinstance(model, str):
            return {"status": model, "note": note}
        context = case_to_json(self.a.back(model))
        cases = [(value, holds, _with(context, path, value)) for value, holds in values]
        fires_when_true = (rule_id in evaluate(cases[0][2], self.rs).fired) == cases[0][1]
        for value, holds, case in cases:
            fired = rule_id in evaluate(case, self.rs).fired
            _expect(
                fired == (holds == fires_when_true),
                f"{rule_id} to flip exactly at the bound ({path} = {value})",
            )
        return _ok([(_label(value), case) for value, _, case in cases], note)

    def _present(self, enc: Encoding, var: Variable) -> list[z3.BoolRef]:
        out = []
        if var.parent is not None:
            out.append(enc.presence[var.parent])
        if var.optional:
            out.append(enc.presence[var.path])
        return out

    def _resolution(self, winner: str, loser: str) -> Found:
        a = self.a
        model = self._optimize([self.valid_a, a.fired(winner), a.fired(loser)], pair=False)
        if isinstance(model, str):
            return _unsat(f"{winner} and {loser} never fire together") | {"status": model}
        case = a.back(model)
        fired = evaluate(case, self.rs).fired
        _expect(winner in fired and loser in fired, f"{winner} and {loser} both fire")
        return _ok([("", case)], "")

    def _value(self, path: str, value: object) -> Found:
        term = self._value_term(path, value)
        model = self._optimize([self.valid_a, term], pair=False)
        if isinstance(model, str):
            return {"status": model, "note": "no valid case reaches this value"}
        return _ok([("", self.a.back(model))], "")

    def _value_term(self, path: str, value: object) -> z3.BoolRef:
        a = self.a
        f = field(path)
        if f.kind is FieldKind.SET:
            meta = SLOTS[f.slot]
            members = list(meta.value_type)  # type: ignore[call-overload]
            if value == []:
                terms = [z3.Not(a.contains(f.slot, m)) for m in members]
                if f.slot == "warnings":
                    terms.append(z3.Not(a.any_collision()))
                return z3.And(*terms)
            member = next(m for m in members if m.value == value)
            if member is AdviceWarning.UNRESOLVED_COLLISION:
                return a.any_collision()
            return a.contains(f.slot, member)
        if path == "neurological_examination.required":
            members = list(SLOTS[f.slot].value_type)  # type: ignore[call-overload]
            some = z3.Or(*(a.contains(f.slot, m) for m in members))
            return some if value else z3.Not(some)
        if f.kind is FieldKind.REFERRAL and isinstance(value, dict):
            return z3.And(
                a.decided(f.slot, Urgency(value["urgency"])),
                a.decided("referral_mode", ReferralMode(value["mode"])),
            )
        return a.decided(f.slot, _slot_value(f.kind, value))


def _slot_value(kind: FieldKind, value: Any) -> object:
    """A JSON value of a single-slot field as the value rules write."""
    if value is None:
        return None
    if kind is FieldKind.REFERRAL:
        return Urgency(value["urgency"])
    if kind is FieldKind.WINDOW:
        return Window(value[0], value[1])
    if kind is FieldKind.CHOICE:
        return Strength(value)
    return value


def _num(var: Variable, value: float) -> Any:
    if var.kind is VariableKind.REAL:
        return z3.RealVal(str(value))
    return z3.IntVal(int(value))


def _label(value: float) -> str:
    return f"{value:g}"


def _with(case_json: dict[str, Any], path: str, value: float) -> Case:
    doc = json.loads(json.dumps(case_json))
    head, _, rest = path.partition(".")
    if rest:
        doc[head][rest] = value
    else:
        doc[head] = value
    return case_from_json(doc)


def _ok(cases: Sequence[tuple[str, Case]], note: str) -> Found:
    return {
        "status": "ok",
        "cases": [[label, case_to_json(case)] for label, case in cases],
        "note": note,
    }


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(f"the evaluator disagrees with the Z3 search: expected {what}")


# -- running the search -------------------------------------------------------------------------


def search(specs: Sequence[dict[str, Any]], ruleset: RuleSet, timeout_ms: int) -> list[Found]:
    """Answer ``specs`` in this process, in order.

    Z3's answers then depend on what the solver did before in this process; use
    ``search_isolated`` for reproducible cases.
    """
    searcher = Searcher(ruleset, timeout_ms)
    return [searcher.solve(spec) for spec in specs]


def _run_chunk(specs: Sequence[dict[str, Any]], timeout_ms: int) -> list[Found]:
    payload = json.dumps({"timeout_ms": timeout_ms, "specs": list(specs)})
    done = subprocess.run(
        [sys.executable, "-m", "lbp_spec.conformance.search"],
        input=payload,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"the conformance search process failed (status {done.returncode}):\n{done.stderr}"
        )
    results: list[Found] = json.loads(done.stdout)
    return results


def search_isolated(specs: Sequence[dict[str, Any]], timeout_ms: int, jobs: int = 2) -> list[Found]:
    """Answer ``specs`` for the built-in guideline in ``CHUNKS`` fresh processes.

    Target ``i`` goes to chunk ``i % CHUNKS``; each chunk runs its targets in
    order in a fresh interpreter, at most ``jobs`` at a time. The answers are the
    same on every run, whatever ``jobs`` is.
    """
    chunks = [list(specs[k::CHUNKS]) for k in range(CHUNKS)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        answered = list(pool.map(lambda chunk: _run_chunk(chunk, timeout_ms), chunks))
    out: list[Found] = [{}] * len(specs)
    for k, results in enumerate(answered):
        for j, result in enumerate(results):
            out[k + j * CHUNKS] = result
    return out


def main() -> int:
    """Worker entry point: specs as JSON on stdin, results as JSON on stdout."""
    request = json.loads(sys.stdin.read())
    results = search(request["specs"], GUIDELINE, int(request["timeout_ms"]))
    sys.stdout.write(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
