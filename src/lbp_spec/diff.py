"""Semantic diff of two rule sets: which patients get different advice, and why.

:func:`compare` proves two rule sets equivalent (no valid case gets a different
normative advice) or lists, for each advice field, how they differ:

* a minimal witness patient, with the old and the new value of the field side by
  side (the whole advice of both is kept for reports);
* the *region* of affected patients described in words: the descriptions from a
  fixed vocabulary (LRS, profile 2 or 3, a mechanical problem, an exercise
  therapist, a follow-up, ...) that hold for *every* valid case whose advice
  differs on that field, proven with Z3, the most specific one of each kind kept;
* the rules responsible: the changed rules and resolutions, and the rules that
  set the field differently on the witness.

A solver ``unknown`` is reported as such, never as "equivalent".
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import Any

import attrs
import z3

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.evaluator import evaluate
from lbp_spec.limits import check_timeout_ms
from lbp_spec.logic import VARIABLES
from lbp_spec.properties import effective_rules
from lbp_spec.rule import SLOTS, SlotKind, slot_value
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding
from lbp_spec.vocabulary import (
    Consultation,
    Discipline,
    EmergencySign,
    Improvement,
    MassageCriterion,
    RedFlag,
    Responsiveness,
)

__all__ = ["DiffReport", "FieldDiff", "RuleChange", "compare"]

DEFAULT_TIMEOUT_MS = 20_000


@attrs.frozen
class RuleChange:
    """A rule or resolution that differs between the two rule sets, as data.

    Attributes:
        kind: ``rule`` or ``resolution``.
        id: Its id.
        change: ``added``, ``removed`` or ``changed``.
    """

    kind: str
    id: str
    change: str


@attrs.frozen(kw_only=True)
class FieldDiff:
    """How one advice field differs between the rule sets.

    Attributes:
        field: The advice field (slot), e.g. ``interventions.mobilisation``.
        status: ``differs``, ``same`` (proven) or ``unknown``.
        region: Descriptions that hold for every affected patient.
        witness: A minimal affected patient.
        old: The field's value under the old rules, on the witness.
        new: The field's value under the new rules, on the witness.
        old_advice: The whole old advice of the witness.
        new_advice: The whole new advice of the witness.
        rules: Rules that set the field differently on the witness.
    """

    field: str
    status: str
    region: tuple[str, ...] = ()
    witness: Case | None = None
    old: object = None
    new: object = None
    old_advice: Advice | None = None
    new_advice: Advice | None = None
    rules: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DiffReport:
    """The outcome of :func:`compare`.

    Attributes:
        old: Name of the old rule set.
        new: Name of the new rule set.
        changes: Rules and resolutions that differ as data.
        fields: One entry per advice field that differs or could not be decided.
        seconds: Wall time.
    """

    old: str
    new: str
    changes: tuple[RuleChange, ...]
    fields: tuple[FieldDiff, ...]
    seconds: float

    @property
    def equivalent(self) -> bool:
        """Whether it is proven that no valid case gets a different normative advice."""
        return not self.fields

    @property
    def unknown(self) -> bool:
        """Some field could not be decided by the solver."""
        return any(f.status == "unknown" for f in self.fields)


def _changes(old: RuleSet, new: RuleSet) -> tuple[RuleChange, ...]:
    out: list[RuleChange] = []
    for kind, a, b in (
        ("rule", {r.id: r for r in old.rules}, {r.id: r for r in new.rules}),
        ("resolution", {r.id: r for r in old.resolutions}, {r.id: r for r in new.resolutions}),
    ):
        for rid in a:
            if rid not in b:
                out.append(RuleChange(kind, rid, "removed"))
            elif a[rid] != b[rid]:
                out.append(RuleChange(kind, rid, "changed"))
        out.extend(RuleChange(kind, rid, "added") for rid in b if rid not in a)
    return tuple(out)


def _field_differs(old: Encoding, new: Encoding, slot: str) -> z3.BoolRef:
    meta = SLOTS[slot]
    terms: list[z3.BoolRef] = []
    if meta.kind is SlotKind.SINGLE:
        values = list(old.ruleset.domain(slot))
        values += [v for v in new.ruleset.domain(slot) if v not in values]
        values.append(meta.default)
        terms = [old.decided(slot, v) != new.decided(slot, v) for v in values]
    else:
        terms = [
            old.contains(slot, m) != new.contains(slot, m)
            for m in meta.value_type  # type: ignore[attr-defined]
        ]
        if slot == "warnings":
            terms.append(old.any_collision() != new.any_collision())
    return z3.Or(*terms, z3.BoolVal(False))


def _index(path: str, value: enum.Enum) -> int:
    return list(VARIABLES[path].enum or ()).index(value)


Region = Callable[[Encoding], z3.BoolRef]


def _regions() -> tuple[tuple[tuple[str, Region], ...], ...]:
    """Groups of descriptions, most specific first; one kept per group."""

    def eq(path: str, value: enum.Enum) -> Region:
        return lambda e: z3.And(
            *([e.presence[path]] if path in e.presence else []),
            e.value[path] == _index(path, value),
        )

    def profile(*ns: int) -> Region:
        return lambda e: z3.Or(*(e.decided("profile", n) for n in ns))

    def any_member(path: str, kind: type[enum.Enum]) -> Region:
        return lambda e: z3.Or(*(e.members[path, m] for m in kind))

    def not_(region: Region) -> Region:
        return lambda e: z3.Not(region(e))

    red = any_member("red_flags", RedFlag)
    sign = any_member("neurological_emergency_signs", EmergencySign)
    all_massage: Region = lambda e: z3.And(  # noqa: E731
        *(e.members["massage_criteria", m] for m in MassageCriterion)
    )
    return (
        (("LRS", lambda e: e.value["lrs"]), ("no LRS", lambda e: z3.Not(e.value["lrs"]))),
        (
            ("profile 1", profile(1)),
            ("profile 2", profile(2)),
            ("profile 3", profile(3)),
            ("profile 1 or 2", profile(1, 2)),
            ("profile 2 or 3", profile(2, 3)),
            ("a profile", profile(1, 2, 3)),
            ("no profile", not_(profile(1, 2, 3))),
        ),
        (
            ("an initial consultation", eq("consultation", Consultation.INITIAL)),
            ("a follow-up", eq("consultation", Consultation.FOLLOW_UP)),
        ),
        (
            (
                "an exercise therapist without additional competencies",
                lambda e: z3.And(
                    eq("discipline", Discipline.EXERCISE_THERAPIST)(e),
                    z3.Not(e.value["additional_competencies"]),
                ),
            ),
            ("an exercise therapist", eq("discipline", Discipline.EXERCISE_THERAPIST)),
            ("a physical therapist", eq("discipline", Discipline.PHYSICAL_THERAPIST)),
            (
                "a physical therapist or a trained exercise therapist",
                lambda e: z3.Or(
                    eq("discipline", Discipline.PHYSICAL_THERAPIST)(e),
                    e.value["additional_competencies"],
                ),
            ),
        ),
        (
            ("a need for assistance", lambda e: e.value["need_for_assistance"]),
            ("no need for assistance", lambda e: z3.Not(e.value["need_for_assistance"])),
        ),
        (("a red flag", red), ("no red flag", not_(red))),
        (("an emergency sign", sign), ("no reported emergency sign", not_(sign))),
        (
            ("a mechanical problem", lambda e: e.value["mechanical_problem"]),
            ("no mechanical problem", lambda e: z3.Not(e.value["mechanical_problem"])),
        ),
        (
            ("every massage criterion met", all_massage),
            ("a massage criterion unmet", not_(all_massage)),
        ),
        (
            ("an inadequate decrease of complaints", eq("improvement", Improvement.INADEQUATE)),
            ("an adequate decrease of complaints", eq("improvement", Improvement.ADEQUATE)),
        ),
        (
            ("high responsiveness", eq("responsiveness", Responsiveness.HIGH)),
            ("moderate responsiveness", eq("responsiveness", Responsiveness.MODERATE)),
        ),
        (("symptoms below the knee", lambda e: e.value["symptoms_below_knee"]),),
        (
            ("referred (old rules)", lambda e: e.written("referral")),
            ("not referred (old rules)", lambda e: z3.Not(e.written("referral"))),
        ),
    )


def _region(solver: z3.Solver, old: Encoding, timeout_ms: int) -> tuple[str, ...]:
    """The descriptions implied by the constraints on ``solver`` (one per group)."""
    words: list[str] = []
    for group in _regions():
        for description, region in group:
            solver.push()
            solver.add(z3.Not(region(old)))
            outcome = solver.check()
            solver.pop()
            if outcome == z3.unsat:
                words.append(description)
                break
    return tuple(words)


def compare(old: RuleSet, new: RuleSet, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> DiffReport:
    """Prove ``old`` and ``new`` equivalent, or show how they differ, field by field.

    Args:
        old: The rule set before the change.
        new: The rule set after the change.
        timeout_ms: Solver time limit per check.

    Returns:
        The report; ``report.equivalent`` when no valid case is advised differently.

    Raises:
        ValueError: A time limit below 1 ms or not a whole number of milliseconds.
    """
    check_timeout_ms(timeout_ms)
    start = time.perf_counter()
    enc_old = Encoding(old)
    enc_new = Encoding(new, share=enc_old)
    valid = enc_old.valid()
    fields: list[FieldDiff] = []
    for slot in SLOTS:
        differs = _field_differs(enc_old, enc_new, slot)
        solver = z3.Solver()
        solver.set(timeout=timeout_ms)
        solver.add(valid, differs)
        outcome = solver.check()
        if outcome == z3.unsat:
            continue
        if outcome != z3.sat:
            fields.append(FieldDiff(field=slot, status="unknown"))
            continue
        region = _region(solver, enc_old, timeout_ms)
        model = enc_old.minimal_model([valid, differs], timeout_ms) or solver.model()
        case = enc_old.back(model)
        old_advice, new_advice = evaluate(case, old), evaluate(case, new)
        rules = {r for r, _ in effective_rules(old, old_advice, slot)} ^ {
            r for r, _ in effective_rules(new, new_advice, slot)
        }
        fields.append(
            FieldDiff(
                field=slot,
                status="differs",
                region=region,
                witness=case,
                old=slot_value(old_advice, slot),
                new=slot_value(new_advice, slot),
                old_advice=old_advice,
                new_advice=new_advice,
                rules=tuple(sorted(rules)),
            )
        )
    return DiffReport(
        old=old.name,
        new=new.name,
        changes=_changes(old, new),
        fields=tuple(fields),
        seconds=time.perf_counter() - start,
    )


def _show(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return "none" if value is None else str(value)


def diff_text(report: DiffReport) -> str:
    """The diff for people."""
    from lbp_spec.report import case_findings

    lines = [f"old: {report.old}", f"new: {report.new}", ""]
    if report.changes:
        lines.append("changed as data:")
        lines.extend(f"  {c.kind} {c.id}: {c.change}" for c in report.changes)
        lines.append("")
    if report.equivalent:
        lines.append("Equivalent: no valid case gets a different advice (proven).")
    for f in report.fields:
        lines.append(f"{f.field}: {f.status}")
        if f.status != "differs":
            continue
        lines.append("  who is affected: " + (", ".join(f.region) or "(no simple description)"))
        lines.append(f"  old: {_show(f.old)}    new: {_show(f.new)}")
        if f.witness is not None:
            lines.append("  for example (what differs from a plain patient):")
            lines.extend(f"    {line}" for line in case_findings(f.witness) or ["(none)"])
        if f.rules:
            lines.append("  rules behind the difference: " + ", ".join(f.rules))
        lines.append("")
    lines.append(
        f"{len([f for f in report.fields if f.status == 'differs'])} field(s) differ, "
        f"{len([f for f in report.fields if f.status == 'unknown'])} unknown, "
        f"in {report.seconds:.2f} s"
    )
    return "\n".join(lines) + "\n"


def diff_json(report: DiffReport) -> dict[str, Any]:
    """The diff as a JSON value."""
    from lbp_spec.contract import advice_to_json, case_to_json

    def value(v: object) -> Any:
        if isinstance(v, enum.Enum):
            return v.value
        if isinstance(v, tuple):
            return [value(x) for x in v]
        if attrs.has(type(v)):
            return str(v)
        return v

    return {
        "old": report.old,
        "new": report.new,
        "equivalent": report.equivalent,
        "seconds": round(report.seconds, 6),
        "changes": [attrs.asdict(c) for c in report.changes],
        "fields": [
            {
                "field": f.field,
                "status": f.status,
                "region": list(f.region),
                "old": value(f.old),
                "new": value(f.new),
                "rules": list(f.rules),
                "witness": None if f.witness is None else case_to_json(f.witness),
                "old_advice": None if f.old_advice is None else advice_to_json(f.old_advice),
                "new_advice": None if f.new_advice is None else advice_to_json(f.new_advice),
            }
            for f in report.fields
        ],
    }
