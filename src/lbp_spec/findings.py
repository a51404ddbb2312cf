"""The literal reading of the guideline: its collisions and gaps, and what resolves them.

The committee's product (``lbp-spec verify --literal``). :func:`analyse` reads
the rules *without* their declared resolutions (:meth:`RuleSet.literal
<lbp_spec.RuleSet.literal>`) and reports

* every **collision**: a pair of rules that write different values into one
  single advice slot and whose conditions hold together for some valid case.
  There is one :class:`Collision` per pair of rules (the slots they contest
  grouped), typed by :class:`FindingKind`: a permit and a forbid on one
  intervention, two other strengths for one intervention, or two values of
  another field (two profiles, two referral urgencies, two windows);
* every **gap**: a valid case that a coverage expectation of the guideline
  (:data:`EXPECTATIONS`, e.g. "every LRS case gets a next step") finds
  uncovered;

each with a minimal witness case (the smallest departure from the plain patient
Z3's optimiser finds), replayed through the evaluator: the advice the Z3 model
assigns must equal the advice :func:`~lbp_spec.evaluate` gives the witness, and
the collision (both rules fired, the ``unresolved_collision`` warning) or the
gap must show in it. A replay that fails is an error of the encoding, reported
as such, never dropped.

It then reads the rules *with* their resolutions and proves, slot by slot, that
no valid case leaves a single slot holding two values; and lists each
resolution with its reason, its quotes and the collisions it decides.

Two facts of the semantics (:mod:`lbp_spec.ruleset`) shape the list:

* a rule that reads a slot (e.g. "the profile is 1") reads its *decided* value,
  so the consequences of one collision (two profiles, hence two re-evaluation
  windows) show as that one collision, not as a cascade;
* in the literal reading nothing is set aside, so a rule's effect is in force
  whenever it fires.

A solver answer other than sat or unsat is ``unknown``, never "none".
"""

from __future__ import annotations

import enum
import itertools
import textwrap
import time
from collections.abc import Callable, Iterator
from typing import Any, Final

import attrs
import z3

from lbp_spec.advice import Advice, Window
from lbp_spec.case import Case
from lbp_spec.contract import CONTRACT_VERSION, advice_to_json, case_to_json
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.limits import check_timeout_ms
from lbp_spec.report import case_findings
from lbp_spec.rule import SLOTS, Resolution, Rule, SlotKind, slot_value
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding, UntranslatableError
from lbp_spec.verify import DEFAULT_TIMEOUT_MS
from lbp_spec.vocabulary import EXCLUSIVE_GUIDANCE, AdviceWarning, ReferralMode, Strength

__all__ = [
    "EXPECTATIONS",
    "Collision",
    "Conflict",
    "CoverageCheck",
    "Expectation",
    "FindingKind",
    "LiteralReport",
    "ResolutionUse",
    "SlotCheck",
    "Status",
    "advice_summary",
    "analyse",
    "literal_json",
    "literal_text",
    "show_value",
    "summary_line",
    "winner_words",
]


class FindingKind(enum.Enum):
    """What kind of finding the literal reading yields."""

    PERMIT_AND_FORBID = "permit_and_forbid"
    """One rule permits an intervention (do, offer, consider), the other forbids it."""
    CONFLICTING_STRENGTHS = "conflicting_strengths"
    """Two different strengths for one intervention, not a permit and a forbid."""
    CONFLICTING_VALUES = "conflicting_values"
    """Two values for another advice field: profile, referral urgency, a window."""
    EXCLUDED_GUIDANCE = "excluded_guidance"
    """Two guidance values that exclude each other (vocabulary ``EXCLUSIVE_GUIDANCE``)."""
    GAP = "gap"
    """A case the guideline implies should be covered, and no rule covers."""

    @property
    def words(self) -> str:
        """The kind, as a heading for people."""
        return _KIND_WORDS[self]


_KIND_WORDS: Final = {
    FindingKind.PERMIT_AND_FORBID: "Permitted and forbidden",
    FindingKind.CONFLICTING_STRENGTHS: "Two strengths for one intervention",
    FindingKind.CONFLICTING_VALUES: "Two values for one advice field",
    FindingKind.EXCLUDED_GUIDANCE: "Guidance values that exclude each other",
    FindingKind.GAP: "Gaps",
}
_SEVERITY: Final = {
    FindingKind.PERMIT_AND_FORBID: 0,
    FindingKind.CONFLICTING_STRENGTHS: 1,
    FindingKind.CONFLICTING_VALUES: 2,
    FindingKind.EXCLUDED_GUIDANCE: 3,
}


def _excluded(first: object, second: object) -> bool:
    return any({first, second} == {a, b} for a, b, _ in EXCLUSIVE_GUIDANCE)


class Status(enum.Enum):
    """The outcome of one check."""

    FOUND = "found"
    """A collision or gap exists; it comes with a replayed witness."""
    CLEAR = "clear"
    """No valid case shows it, proven (covered; no collision remains)."""
    VACUOUS = "vacuous"
    """No valid case meets the premise of a coverage expectation."""
    UNKNOWN = "unknown"
    """The solver gave up (e.g. a timeout); never read as clear."""
    ERROR = "error"
    """The witness did not replay through the evaluator: a bug in the encoding."""


# -- the records ------------------------------------------------------------------------------


def _kind_of(first: object, second: object) -> FindingKind:
    if _excluded(first, second):
        return FindingKind.EXCLUDED_GUIDANCE
    if isinstance(first, Strength) and isinstance(second, Strength):
        if (first.permits and second.forbids) or (first.forbids and second.permits):
            return FindingKind.PERMIT_AND_FORBID
        return FindingKind.CONFLICTING_STRENGTHS
    return FindingKind.CONFLICTING_VALUES


@attrs.frozen
class Conflict:
    """Two rules write different values into one single slot, or excluded guidance values.

    Attributes:
        slot: The advice slot, e.g. ``interventions.massage``; for excluded
            guidance, the slot of the first value.
        first: The value the first rule writes.
        second: The value the second rule writes.
        other_slot: For excluded guidance, the slot of the second value.
    """

    slot: str
    first: object
    second: object
    other_slot: str = ""

    @property
    def kind(self) -> FindingKind:
        """Which kind of collision the two values make."""
        return _kind_of(self.first, self.second)

    def describe(self) -> str:
        """The conflict in words, e.g. ``mobilisation: consider vs preferably not``."""
        if self.other_slot:
            return (
                f"{SLOTS[self.slot].words}: {show_value(self.first)} excludes "
                f"{SLOTS[self.other_slot].words}: {show_value(self.second)}"
            )
        return f"{SLOTS[self.slot].words}: {show_value(self.first)} vs {show_value(self.second)}"


@attrs.frozen(kw_only=True)
class Collision:
    """Two rules of the literal reading that collide on one or more slots.

    Attributes:
        first: The rule that comes first in the rule set.
        second: The other rule.
        conflicts: The slots they contest, with both values.
        status: ``FOUND`` (replayed), ``UNKNOWN`` (the solver gave up on
            whether they can fire together) or ``ERROR`` (the replay failed).
        witness: A minimal valid case for which both rules fire.
        advice: The advice the literal evaluator gives the witness.
        resolutions: The declared resolutions that decide between the two
            rules on some contested slot, in rule-set order.
        undecided: The contested slots no declared resolution decides.
        after_resolution: Whether the two rules still take effect together on a
            contested slot with the resolutions: ``CLEAR`` (proven not),
            ``FOUND`` or ``UNKNOWN``.
        message: Why the status is unknown or an error.
    """

    first: Rule
    second: Rule
    conflicts: tuple[Conflict, ...]
    status: Status
    witness: Case | None = None
    advice: Advice | None = None
    resolutions: tuple[Resolution, ...] = ()
    undecided: tuple[str, ...] = ()
    after_resolution: Status = Status.UNKNOWN
    message: str = ""

    @property
    def kind(self) -> FindingKind:
        """The most serious kind among its conflicts (permit and forbid first)."""
        return min((c.kind for c in self.conflicts), key=_SEVERITY.__getitem__)

    @property
    def slots(self) -> tuple[str, ...]:
        """The contested slots."""
        return tuple(c.slot for c in self.conflicts)

    @property
    def rules(self) -> tuple[str, str]:
        """The ids of the two rules."""
        return (self.first.id, self.second.id)

    @property
    def key(self) -> str:
        """A stable name of the finding: ``FIRST vs SECOND``."""
        return f"{self.first.id} vs {self.second.id}"

    @property
    def unresolved(self) -> bool:
        """No declared resolution decides some contested slot, and the collision remains."""
        return bool(self.undecided) and self.after_resolution is not Status.CLEAR


@attrs.frozen(kw_only=True)
class Expectation:
    """A coverage the guideline implies: every valid case meeting a premise is covered.

    Attributes:
        name: Stable name, e.g. ``lrs_next_step``.
        statement: The expectation in one plain sentence.
        premise: Which cases it speaks about, in Z3 (over an encoding).
        covered: What covering them means, in Z3.
        check: The same on a concrete case and its advice: ``True`` when the
            case is covered or does not meet the premise.
    """

    name: str
    statement: str
    premise: Callable[[Encoding], z3.BoolRef]
    covered: Callable[[Encoding], z3.BoolRef]
    check: Callable[[Case, Advice], bool]


@attrs.frozen(kw_only=True)
class CoverageCheck:
    """The outcome of one coverage expectation.

    Attributes:
        expectation: The expectation checked.
        status: On the literal rules: ``FOUND`` (a gap), ``CLEAR`` (covered),
            ``VACUOUS``, ``UNKNOWN`` or ``ERROR``.
        resolved: The same check on the rules with their resolutions.
        witness: For a gap, a minimal valid case that is not covered.
        advice: The advice the literal evaluator gives the witness.
        message: Why the status is vacuous, unknown or an error.
    """

    expectation: Expectation
    status: Status
    resolved: Status
    witness: Case | None = None
    advice: Advice | None = None
    message: str = ""

    @property
    def kind(self) -> FindingKind:
        """Always :attr:`FindingKind.GAP`."""
        return FindingKind.GAP

    @property
    def name(self) -> str:
        """The expectation's name."""
        return self.expectation.name


@attrs.frozen(kw_only=True)
class SlotCheck:
    """Whether a single slot can still hold two values with the resolutions.

    Attributes:
        slot: The advice slot.
        status: ``CLEAR`` (proven: none remains), ``FOUND``, ``UNKNOWN`` or ``ERROR``.
        witness: For ``FOUND``, a minimal valid case with the collision.
        advice: The advice the resolved evaluator gives the witness.
        rules: The rules whose effects on the slot are in force for the witness.
        message: Why the status is unknown or an error.
    """

    slot: str
    status: Status
    witness: Case | None = None
    advice: Advice | None = None
    rules: tuple[str, ...] = ()
    message: str = ""


@attrs.frozen(kw_only=True)
class ResolutionUse:
    """A declared resolution and the literal collisions it decides.

    Attributes:
        resolution: The resolution.
        decides: The keys (:attr:`Collision.key`) of the collisions it decides.
    """

    resolution: Resolution
    decides: tuple[str, ...]


@attrs.frozen(kw_only=True)
class LiteralReport:
    """The literal findings of a rule set, and the check that its resolutions settle them.

    Attributes:
        ruleset: Name of the rule set.
        pairs_checked: How many rule pairs write different values into one slot,
            or guidance values that exclude each other (each was asked whether
            both can fire for one valid case).
        collisions: The collisions found (and the pairs in error or unknown).
        coverage: One result per coverage expectation.
        resolved: One result per single slot of the rules with resolutions.
        resolutions: Each declared resolution with the collisions it decides.
        seconds: Wall time of the analysis.
    """

    ruleset: str
    pairs_checked: int
    collisions: tuple[Collision, ...]
    coverage: tuple[CoverageCheck, ...]
    resolved: tuple[SlotCheck, ...]
    resolutions: tuple[ResolutionUse, ...]
    seconds: float

    @property
    def gaps(self) -> tuple[CoverageCheck, ...]:
        """The coverage expectations with a gap in the literal rules."""
        return tuple(c for c in self.coverage if c.status is Status.FOUND)

    @property
    def findings(self) -> tuple[Collision | CoverageCheck, ...]:
        """Every literal finding: collisions (replayed or in error) and gaps."""
        shown = (Status.FOUND, Status.ERROR)
        return (*(c for c in self.collisions if c.status in shown), *self.gaps)

    def of_kind(self, kind: FindingKind) -> tuple[Collision | CoverageCheck, ...]:
        """The findings of one kind."""
        return tuple(f for f in self.findings if f.kind is kind)

    def _statuses(self) -> Iterator[Status]:
        yield from (c.status for c in self.collisions)
        yield from (c.after_resolution for c in self.collisions if c.status is Status.FOUND)
        yield from (c.status for c in self.coverage)
        yield from (c.resolved for c in self.coverage)
        yield from (s.status for s in self.resolved)

    @property
    def errors(self) -> int:
        """How many checks ended in an error (a witness that did not replay)."""
        return sum(s is Status.ERROR for s in self._statuses())

    @property
    def unknown(self) -> int:
        """How many checks the solver gave up on."""
        return sum(s is Status.UNKNOWN for s in self._statuses())

    @property
    def vacuous(self) -> tuple[CoverageCheck, ...]:
        """Expectations whose premise no valid case meets (nothing to cover)."""
        return tuple(c for c in self.coverage if Status.VACUOUS in (c.status, c.resolved))

    @property
    def none_remain(self) -> bool:
        """Whether it is proven that, with the resolutions, no single slot holds two values."""
        return all(s.status is Status.CLEAR for s in self.resolved)

    @property
    def remaining(self) -> tuple[SlotCheck, ...]:
        """The slots where a collision remains with the resolutions."""
        return tuple(s for s in self.resolved if s.status is Status.FOUND)

    @property
    def unresolved(self) -> tuple[Collision, ...]:
        """Literal collisions that no declared resolution settles."""
        return tuple(c for c in self.collisions if c.status is Status.FOUND and c.unresolved)


# -- coverage expectations ----------------------------------------------------------------


def _indicated(enc: Encoding) -> z3.BoolRef:
    return enc.decided("physiotherapy_indicated", True)


EXPECTATIONS: Final[tuple[Expectation, ...]] = (
    Expectation(
        name="indicated_has_profile",
        statement="Every valid case for which physiotherapy is indicated gets a profile.",
        premise=_indicated,
        covered=lambda enc: enc.written("profile"),
        check=lambda case, advice: not advice.physiotherapy_indicated or advice.profile is not None,
    ),
    Expectation(
        name="lrs_next_step",
        statement=(
            "Every valid LRS case, where LRS is diagnosed or while there is a need for "
            "assistance, gets a referral, a GP consultation, a recheck, a re-evaluation or an "
            "LRS evaluation."
        ),
        premise=lambda enc: z3.And(
            enc.value["lrs"],
            z3.Or(
                enc.value["need_for_assistance"],
                z3.Not(
                    z3.And(
                        enc.presence["lrs_diagnosed_earlier"], enc.value["lrs_diagnosed_earlier"]
                    )
                ),
            ),
        ),
        covered=lambda enc: z3.Or(
            enc.written("referral"),
            enc.decided("consult_general_practitioner", True),
            enc.written("recheck_after_days"),
            enc.written("reevaluation_after_weeks"),
            enc.written("lrs_evaluation_after_weeks"),
        ),
        check=lambda case, advice: (
            not case.lrs
            or not (case.need_for_assistance or case.lrs_diagnosed_earlier is not True)
            or advice.referral is not None
            or advice.consult_general_practitioner
            or advice.recheck_after_days is not None
            or advice.reevaluation_after_weeks is not None
            or advice.lrs_evaluation_after_weeks is not None
        ),
    ),
    Expectation(
        name="profile_has_reevaluation",
        statement=(
            "Every valid case with a profile, and no referral that replaces the treatment, gets "
            "a re-evaluation window."
        ),
        premise=lambda enc: z3.And(
            enc.written("profile"),
            z3.Not(enc.decided("referral_mode", ReferralMode.INSTEAD_OF_TREATMENT)),
        ),
        covered=lambda enc: enc.written("reevaluation_after_weeks"),
        check=lambda case, advice: (
            advice.profile is None
            or (
                advice.referral is not None
                and advice.referral.mode is ReferralMode.INSTEAD_OF_TREATMENT
            )
            or advice.reevaluation_after_weeks is not None
        ),
    ),
    Expectation(
        name="need_for_assistance_answered",
        statement=(
            "Every valid case with a need for assistance is either indicated for therapy "
            "or referred."
        ),
        premise=lambda enc: enc.value["need_for_assistance"],
        covered=lambda enc: z3.Or(_indicated(enc), enc.written("referral")),
        check=lambda case, advice: (
            not case.need_for_assistance
            or advice.physiotherapy_indicated
            or advice.referral is not None
        ),
    ),
)
"""What the guideline implies every case meets, checked on the literal rules for gaps."""


# -- the analysis ------------------------------------------------------------------------------


class _Replay(Exception):
    """A witness did not replay; carries the message and what was found."""

    def __init__(self, message: str, case: Case | None = None, advice: Advice | None = None):
        super().__init__(message)
        self.case = case
        self.advice = advice


class _Side:
    """One rule set, its encoding and a solver holding ``valid()``."""

    def __init__(self, ruleset: RuleSet, timeout_ms: int) -> None:
        self.ruleset = ruleset
        self.enc = Encoding(ruleset)
        self.valid = self.enc.valid()
        self.timeout_ms = timeout_ms
        self.solver = z3.Solver()
        self.solver.set(timeout=timeout_ms)
        self.solver.add(self.valid)

    def ask(self, *terms: z3.BoolRef) -> tuple[z3.CheckSatResult, z3.ModelRef | None, str]:
        """Check ``terms`` with validity; the model when sat, the reason when unknown."""
        self.solver.push()
        try:
            self.solver.add(*terms)
            outcome = self.solver.check()
            if outcome == z3.sat:
                return outcome, self.solver.model(), ""
            if outcome == z3.unsat:
                return outcome, None, ""
            return outcome, None, str(self.solver.reason_unknown())
        finally:
            self.solver.pop()

    def witness(self, model: z3.ModelRef, *terms: z3.BoolRef) -> tuple[z3.ModelRef, Case, Advice]:
        """A minimal model of ``terms`` (else ``model``), its case and the evaluator's advice.

        Raises:
            _Replay: The case is invalid, or the evaluator's advice is not the advice
                the encoding assigns to the model.
        """
        best = self.enc.minimal_model([self.valid, *terms], self.timeout_ms) or model
        try:
            case = self.enc.back(best)
        except InvalidCaseError as exc:
            raise _Replay(f"the encoding produced an invalid case: {exc}") from None
        advice = evaluate(case, self.ruleset)
        if advice != self.enc.advice(best):
            raise _Replay("the evaluator and the Z3 encoding disagree on the witness", case, advice)
        return best, case, advice


def _status(outcome: z3.CheckSatResult) -> Status:
    if outcome == z3.sat:
        return Status.FOUND
    if outcome == z3.unsat:
        return Status.CLEAR
    return Status.UNKNOWN


def _candidate_pairs(ruleset: RuleSet) -> dict[tuple[str, str], list[Conflict]]:
    """Every pair of rules writing different values into one single slot."""
    pairs: dict[tuple[str, str], list[Conflict]] = {}
    for slot in ruleset.written_slots:
        if SLOTS[slot].kind is not SlotKind.SINGLE:
            continue
        for (r1, v1), (r2, v2) in itertools.combinations(ruleset.writers(slot), 2):
            if r1.id == r2.id or v1 == v2:
                continue
            pairs.setdefault((r1.id, r2.id), []).append(Conflict(slot, v1, v2))
    order = {r.id: i for i, r in enumerate(ruleset.rules)}
    return dict(sorted(pairs.items(), key=lambda item: (order[item[0][0]], order[item[0][1]])))


def _guidance_slot(member: object) -> str:
    """The set slot whose vocabulary ``member`` belongs to."""
    for name, slot in SLOTS.items():
        if slot.kind is SlotKind.SET and isinstance(member, slot.value_type):
            return name
    raise KeyError(f"no advice field holds {member!r}")  # pragma: no cover


def _candidate_exclusions(ruleset: RuleSet) -> dict[tuple[str, str], list[Conflict]]:
    """Every pair of rules that give two guidance values excluding each other."""
    pairs: dict[tuple[str, str], list[Conflict]] = {}
    order = {r.id: i for i, r in enumerate(ruleset.rules)}
    for a, b, _ in EXCLUSIVE_GUIDANCE:
        slot_a, slot_b = _guidance_slot(a), _guidance_slot(b)
        for ra, va in ruleset.writers(slot_a):
            for rb, vb in ruleset.writers(slot_b):
                if va != a or vb != b or ra.id == rb.id:
                    continue
                if order[ra.id] <= order[rb.id]:
                    key, conflict = (ra.id, rb.id), Conflict(slot_a, a, b, slot_b)
                else:
                    key, conflict = (rb.id, ra.id), Conflict(slot_b, b, a, slot_a)
                pairs.setdefault(key, []).append(conflict)
    return dict(sorted(pairs.items(), key=lambda item: (order[item[0][0]], order[item[0][1]])))


def _deciding(ruleset: RuleSet, a: str, b: str, slot: str) -> tuple[Resolution, ...]:
    return ruleset.resolutions_between(a, b, slot) + ruleset.resolutions_between(b, a, slot)


def _collision(
    pair: tuple[str, str],
    conflicts: list[Conflict],
    literal: _Side,
    resolved: _Side,
) -> Collision | None:
    a, b = pair
    rs = resolved.ruleset
    base: dict[str, Any] = {
        "first": rs.rule(a),
        "second": rs.rule(b),
        "conflicts": tuple(conflicts),
    }
    both = (literal.enc.fired(a), literal.enc.fired(b))
    try:
        outcome, model, why = literal.ask(*both)
        if outcome == z3.unsat:
            return None
        if model is None:
            return Collision(status=Status.UNKNOWN, message=f"solver: {why}", **base)
        deciding: list[Resolution] = []
        undecided: list[str] = []
        for conflict in conflicts:
            found = _deciding(rs, a, b, conflict.slot)
            if conflict.other_slot:
                found += _deciding(rs, a, b, conflict.other_slot)
            deciding.extend(r for r in found if r not in deciding)
            if not found:
                undecided.append(conflict.slot)
        base["resolutions"] = tuple(r for r in rs.resolutions if r in deciding)
        base["undecided"] = tuple(undecided)
        together = z3.Or(
            *(
                z3.And(
                    resolved.enc.effective(a, c.slot),
                    resolved.enc.effective(b, c.other_slot or c.slot),
                )
                for c in conflicts
            )
        )
        base["after_resolution"] = _status(resolved.ask(together)[0])
        _, case, advice = literal.witness(model, *both)
    except UntranslatableError as exc:
        return Collision(status=Status.ERROR, message=str(exc), **base)
    except _Replay as exc:
        return Collision(
            status=Status.ERROR, message=str(exc), witness=exc.case, advice=exc.advice, **base
        )
    missing = [r for r in pair if r not in advice.fired]
    exclusion = all(c.other_slot for c in conflicts)
    if missing:
        message = f"replayed, {' and '.join(missing)} did not fire"
    elif exclusion:
        given = {*advice.exercise_guidance, *advice.education, *advice.behaviour_guidance}
        if all({c.first, c.second} <= given for c in conflicts):
            return Collision(status=Status.FOUND, witness=case, advice=advice, **base)
        message = "replayed, the advice lacks one of the two excluded values"
    elif AdviceWarning.UNRESOLVED_COLLISION not in advice.warnings:
        message = "replayed, the advice lacks the unresolved_collision warning"
    else:
        return Collision(status=Status.FOUND, witness=case, advice=advice, **base)
    return Collision(status=Status.ERROR, message=message, witness=case, advice=advice, **base)


def _coverage_on(side: _Side, expectation: Expectation) -> CoverageCheck:
    """The expectation on one side; ``resolved`` is left for the caller to fill."""

    def result(status: Status, message: str = "", **kw: Any) -> CoverageCheck:
        return CoverageCheck(
            expectation=expectation, status=status, resolved=status, message=message, **kw
        )

    try:
        premise = expectation.premise(side.enc)
        outcome, _, why = side.ask(premise)
        if outcome == z3.unsat:
            return result(Status.VACUOUS, "no valid case meets the premise")
        if outcome != z3.sat:
            return result(Status.UNKNOWN, f"premise check: {why}")
        gap = z3.Not(expectation.covered(side.enc))
        outcome, model, why = side.ask(premise, gap)
        if model is None:
            return result(_status(outcome), f"solver: {why}" if why else "")
        _, case, advice = side.witness(model, premise, gap)
    except UntranslatableError as exc:
        return result(Status.ERROR, str(exc))
    except _Replay as exc:
        return result(Status.ERROR, str(exc), witness=exc.case, advice=exc.advice)
    if expectation.check(case, advice):
        return result(
            Status.ERROR,
            "the witness is covered when replayed through the evaluator",
            witness=case,
            advice=advice,
        )
    return result(Status.FOUND, witness=case, advice=advice)


def _slot_check(side: _Side, slot: str) -> SlotCheck:
    enc = side.enc
    try:
        term = enc.collision(slot)
        outcome, model, why = side.ask(term)
        if model is None:
            return SlotCheck(slot=slot, status=_status(outcome), message=why)
        best, case, advice = side.witness(model, term)
    except UntranslatableError as exc:
        return SlotCheck(slot=slot, status=Status.ERROR, message=str(exc))
    except _Replay as exc:
        return SlotCheck(
            slot=slot, status=Status.ERROR, message=str(exc), witness=exc.case, advice=exc.advice
        )
    rules = tuple(
        r.id
        for r, _ in side.ruleset.writers(slot)
        if z3.is_true(best.eval(enc.effective(r.id, slot), model_completion=True))
    )
    if AdviceWarning.UNRESOLVED_COLLISION not in advice.warnings:
        return SlotCheck(
            slot=slot,
            status=Status.ERROR,
            message="replayed, the advice lacks the unresolved_collision warning",
            witness=case,
            advice=advice,
            rules=rules,
        )
    return SlotCheck(slot=slot, status=Status.FOUND, witness=case, advice=advice, rules=rules)


def analyse(
    ruleset: RuleSet = GUIDELINE,
    *,
    expectations: tuple[Expectation, ...] = EXPECTATIONS,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> LiteralReport:
    """The literal findings of ``ruleset`` and the check that its resolutions settle them.

    Args:
        ruleset: The rules with their resolutions; the built-in guideline unless given.
        expectations: The coverage expectations to check for gaps.
        timeout_ms: Solver time limit per check.

    Returns:
        The report: collisions and gaps of the literal reading, each with a
        replayed minimal witness; per slot, whether a collision remains with the
        resolutions; and each resolution with the collisions it decides.

    Raises:
        ValueError: A time limit below 1 ms or not a whole number of milliseconds.
    """
    check_timeout_ms(timeout_ms)
    start = time.perf_counter()
    literal = _Side(ruleset.literal(), timeout_ms)
    resolved = _Side(ruleset, timeout_ms)
    pairs = {**_candidate_pairs(literal.ruleset), **_candidate_exclusions(literal.ruleset)}
    found = [
        collision
        for pair, conflicts in pairs.items()
        if (collision := _collision(pair, conflicts, literal, resolved)) is not None
    ]
    # By kind (the most serious first), then in rule order: the order they are shown in.
    collisions = tuple(sorted(found, key=lambda c: _SEVERITY[c.kind]))
    coverage = tuple(
        attrs.evolve(
            _coverage_on(literal, expectation),
            resolved=_coverage_on(resolved, expectation).status,
        )
        for expectation in expectations
    )
    slots = [s for s in ruleset.written_slots if SLOTS[s].kind is SlotKind.SINGLE]
    uses = tuple(
        ResolutionUse(
            resolution=res,
            decides=tuple(
                c.key for c in collisions if c.status is not Status.UNKNOWN and res in c.resolutions
            ),
        )
        for res in ruleset.resolutions
    )
    return LiteralReport(
        ruleset=ruleset.name,
        pairs_checked=len(pairs),
        collisions=collisions,
        coverage=coverage,
        resolved=tuple(_slot_check(resolved, s) for s in slots),
        resolutions=uses,
        seconds=time.perf_counter() - start,
    )


# -- text -----------------------------------------------------------------------------------------

_WIDTH: Final = 88


def _wrap(text: str, indent: str, hang: str = "  ") -> list[str]:
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    )


def show_value(value: object) -> str:
    """A slot value for people: ``consider``, ``not stated``, ``3-6``, ``2``, ``none``."""
    if value is None:
        return "none"
    if isinstance(value, enum.Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(show_value(v) for v in value) or "none"
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Window):
        return [value.low, value.high]
    return value


def advice_summary(advice: Advice, slots: tuple[str, ...] = ()) -> list[str]:
    """The key parts of an advice, one line each; the contested ``slots`` first.

    Args:
        advice: The advice.
        slots: Single slots to show first, with the value the advice keeps.

    Returns:
        Lines: the contested slots, the profile, the referral, the warnings and
        the rules that fired.
    """
    lines = [f"{SLOTS[slot].words}: {show_value(slot_value(advice, slot))}" for slot in slots]
    if "profile" not in slots:
        lines.append(f"profile: {show_value(advice.profile)}")
    if "referral" not in slots:
        referral = advice.referral
        lines.append(f"referral: {'none' if referral is None else show_value(referral.urgency)}")
    if advice.warnings:
        lines.append("warnings: " + ", ".join(w.value for w in advice.warnings))
    lines.append("rules that fired: " + (", ".join(advice.fired) or "none"))
    return lines


def _patient(case: Case | None, indent: str) -> list[str]:
    if case is None:
        return []
    lines: list[str] = []
    for finding in case_findings(case) or ["(a plain patient)"]:
        lines.extend(_wrap(finding, indent))
    return lines


def winner_words(collision: Collision, resolution: Resolution) -> str:
    """Who wins ``resolution`` between the two rules of ``collision``, in words."""
    winners = [r for r in collision.rules if r in resolution.winners]
    losers = [r for r in collision.rules if r in resolution.losers]
    if winners and losers:
        return f"{winners[0]} wins over {losers[0]}"
    return f"{', '.join(resolution.winners)} win over {', '.join(resolution.losers)}"


def _collision_lines(number: int, c: Collision) -> list[str]:
    status = "" if c.status is Status.FOUND else f" ({c.status.value.upper()})"
    lines = [f"[{number}] {c.key}{status}"]
    lines.extend(f"    {conflict.describe()}" for conflict in c.conflicts)
    if c.message:
        lines.extend(_wrap(c.message, "    "))
    for rule in (c.first, c.second):
        lines.extend(_wrap(f"{rule.id} ({rule.title}) says:", "  "))
        for quote in rule.quote:
            lines.extend(_wrap(f'"{quote}"', "    "))
    if c.witness is not None:
        lines.append("  witness patient (what differs from a plain patient):")
        lines.extend(_patient(c.witness, "    "))
    if c.advice is not None:
        lines.append("  literal advice (a contested field keeps the value that sorts first):")
        for line in advice_summary(c.advice, c.slots):
            lines.extend(_wrap(line, "    "))
    for res in c.resolutions:
        lines.extend(_wrap(f"decided by {res.id}: {res.title}", "  "))
        lines.append(f"    {winner_words(c, res)}")
        lines.extend(_wrap(res.reason, "    ", ""))
    if c.undecided and c.after_resolution is Status.CLEAR:
        lines.extend(
            _wrap(
                "no resolution names both rules on "
                + ", ".join(c.undecided)
                + ", yet with the resolutions they never take effect together (proven)",
                "  ",
            )
        )
    elif c.unresolved:
        lines.append("  UNRESOLVED: no declared resolution decides " + ", ".join(c.undecided))
    return lines


_COVERAGE_WORDS: Final = {
    Status.FOUND: "GAP",
    Status.CLEAR: "covered",
    Status.VACUOUS: "VACUOUS (no case meets the premise)",
    Status.UNKNOWN: "UNKNOWN",
    Status.ERROR: "ERROR",
}
_SLOT_WORDS: Final = {
    Status.FOUND: "COLLISION REMAINS",
    Status.CLEAR: "none remains",
    Status.UNKNOWN: "UNKNOWN",
    Status.ERROR: "ERROR",
}


def _coverage_lines(check: CoverageCheck) -> list[str]:
    lines = [
        f"{check.name}: {_COVERAGE_WORDS[check.status]} "
        f"(with the resolutions: {_COVERAGE_WORDS[check.resolved]})",
        *_wrap(check.expectation.statement, "  "),
    ]
    if check.message:
        lines.extend(_wrap(check.message, "  "))
    if check.witness is not None:
        lines.append("  witness patient (what differs from a plain patient):")
        lines.extend(_patient(check.witness, "    "))
    if check.advice is not None:
        lines.append("  literal advice:")
        for line in advice_summary(check.advice):
            lines.extend(_wrap(line, "    "))
    return lines


def _slot_lines(check: SlotCheck) -> list[str]:
    lines = [f"  {check.slot}: {_SLOT_WORDS[check.status]}"]
    if check.message:
        lines.extend(_wrap(check.message, "    "))
    if check.rules:
        lines.extend(_wrap("rules in force together: " + ", ".join(check.rules), "    "))
    if check.witness is not None:
        lines.append("    witness patient:")
        lines.extend(_patient(check.witness, "      "))
    return lines


def summary_line(report: LiteralReport) -> str:
    """One line: the findings, whether the resolutions settle them, how long it took."""
    found = [c for c in report.collisions if c.status is Status.FOUND]
    counts = ", ".join(
        f"{sum(c.kind is k for c in found)} {k.value.replace('_', ' ')}"
        for k in FindingKind
        if k is not FindingKind.GAP
    )
    if report.none_remain:
        after = "with the resolutions none remain"
    elif report.remaining:
        after = f"with the resolutions a collision REMAINS on {len(report.remaining)} field(s)"
    else:
        after = "with the resolutions: NOT proven that none remain"
    return (
        f"{len(found)} collisions ({counts}) and {len(report.gaps)} gaps in the literal "
        f"reading; {after}; {report.unknown} unknown, {report.errors} errors "
        f"in {report.seconds:.2f} s"
    )


def _heading(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def literal_text(report: LiteralReport) -> str:
    """The report for people: collisions by kind, gaps, the resolved check, the resolutions."""
    lines = _wrap(
        f"Literal reading of {report.ruleset}: the rules without their declared "
        f"resolutions ({len(report.resolutions)}). {report.pairs_checked} pairs of "
        "rules write different values into one advice field; each pair whose conditions "
        "hold together for some valid case is a collision, shown with a minimal witness "
        "patient replayed through the evaluator.",
        "",
        "",
    )
    numbers = {c.key: n for n, c in enumerate(report.collisions, start=1)}
    for kind in FindingKind:
        group = [c for c in report.collisions if c.kind is kind]
        if kind is FindingKind.GAP or not group:
            continue
        lines.extend(_heading(f"{kind.words} ({len(group)})"))
        for c in group:
            lines.append("")
            lines.extend(_collision_lines(numbers[c.key], c))
    lines.extend(_heading(f"{FindingKind.GAP.words} ({len(report.gaps)})"))
    for expected in report.coverage:
        lines.append("")
        lines.extend(_coverage_lines(expected))
    lines.extend(_heading("With the declared resolutions"))
    lines.append("")
    lines.append(
        "proven: no single advice field holds two values for any valid case"
        if report.none_remain
        else "NOT proven that no collision remains:"
    )
    for check in report.resolved:
        lines.extend(_slot_lines(check))
    for use in report.resolutions:
        res = use.resolution
        lines.append("")
        lines.append(f"{res.id}: {res.title}")
        lines.extend(_wrap(f"winners: {', '.join(res.winners)}", "  "))
        lines.extend(_wrap(f"losers: {', '.join(res.losers)}", "  "))
        lines.extend(_wrap(f"fields: {', '.join(res.slots)}", "  "))
        lines.extend(_wrap(f"reason: {res.reason}", "  "))
        for quote in res.quotes:
            lines.extend(_wrap(f'"{quote}"', "  "))
        decides = ", ".join(f"[{numbers[k]}]" for k in use.decides) or "no literal collision"
        lines.append(f"  decides: {decides}")
    lines.extend(["", summary_line(report)])
    return "\n".join(lines) + "\n"


# -- JSON -------------------------------------------------------------------------------------


def _case_json(case: Case | None) -> dict[str, Any] | None:
    return None if case is None else case_to_json(case)


def _advice_json(advice: Advice | None) -> dict[str, Any] | None:
    return None if advice is None else advice_to_json(advice)


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "section": rule.section.value,
        "quote": list(rule.quote),
    }


def _collision_json(c: Collision) -> dict[str, Any]:
    return {
        "key": c.key,
        "kind": c.kind.value,
        "status": c.status.value,
        "message": c.message,
        "rules": [_rule_json(c.first), _rule_json(c.second)],
        "conflicts": [
            {
                "slot": x.slot,
                "kind": x.kind.value,
                "values": [_json_value(x.first), _json_value(x.second)],
                **({"other_slot": x.other_slot} if x.other_slot else {}),
            }
            for x in c.conflicts
        ],
        "witness": _case_json(c.witness),
        "witness_findings": case_findings(c.witness) if c.witness is not None else [],
        "advice": _advice_json(c.advice),
        "resolutions": [r.id for r in c.resolutions],
        "undecided": list(c.undecided),
        "after_resolution": c.after_resolution.value,
        "unresolved": c.unresolved,
    }


def literal_json(report: LiteralReport) -> dict[str, Any]:
    """The report as a JSON value (for committees' CI and the docs)."""
    found = [c for c in report.collisions if c.status is Status.FOUND]
    return {
        "contract_version": CONTRACT_VERSION,
        "ruleset": report.ruleset,
        "reading": "literal",
        "seconds": round(report.seconds, 6),
        "summary": {
            "pairs_checked": report.pairs_checked,
            "collisions": len(found),
            **{
                k.value: sum(c.kind is k for c in found)
                for k in FindingKind
                if k is not FindingKind.GAP
            },
            "gaps": len(report.gaps),
            "unresolved": len(report.unresolved),
            "none_remain": report.none_remain,
            "unknown": report.unknown,
            "errors": report.errors,
        },
        "findings": [_collision_json(c) for c in report.collisions],
        "coverage": [
            {
                "name": c.name,
                "kind": c.kind.value,
                "statement": c.expectation.statement,
                "status": c.status.value,
                "resolved": c.resolved.value,
                "message": c.message,
                "witness": _case_json(c.witness),
                "witness_findings": case_findings(c.witness) if c.witness is not None else [],
                "advice": _advice_json(c.advice),
            }
            for c in report.coverage
        ],
        "resolved": [
            {
                "slot": s.slot,
                "status": s.status.value,
                "message": s.message,
                "rules": list(s.rules),
                "witness": _case_json(s.witness),
                "advice": _advice_json(s.advice),
            }
            for s in report.resolved
        ],
        "resolutions": [
            {
                "id": u.resolution.id,
                "title": u.resolution.title,
                "winners": list(u.resolution.winners),
                "losers": list(u.resolution.losers),
                "slots": list(u.resolution.slots),
                "reason": u.resolution.reason,
                "quotes": list(u.resolution.quotes),
                "decides": list(u.decides),
            }
            for u in report.resolutions
        ],
    }
