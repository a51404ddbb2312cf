"""Rules to fast Python: :func:`evaluate` gives the advice for a case.

A rule set is compiled once (on first use) into the source of one Python
function that computes every condition, decides every slot as described in
:mod:`lbp_spec.ruleset`, and builds the :class:`~lbp_spec.advice.Advice`. The
generated source can be read with :func:`evaluator_source`. Nothing here knows Z3.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any

from lbp_spec.advice import (
    Advice,
    AppliedResolution,
    InterventionAdvice,
    NeurologicalExamination,
    Referral,
    TraceEntry,
)
from lbp_spec.case import Case
from lbp_spec.logic import PyContext
from lbp_spec.rule import SLOTS, SlotKind, intervention_slot
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import AdviceWarning, Intervention, ReferralMode, Urgency

__all__ = ["evaluate", "evaluator_for", "evaluator_source"]

Evaluator = Callable[[Case], Advice]

_SET_FIELDS = {
    "neurological_examination.components": "components",
    "neurological_examination.positive_findings": "positive",
    "education": "education",
    "safety_net_advice": "safety_net_advice",
    "exercise_guidance": "exercise_guidance",
    "behaviour_guidance": "behaviour_guidance",
    "evaluation_actions": "evaluation_actions",
    "warnings": "warnings",
}


def _local(slot: str) -> str:
    return "d_" + slot.replace(".", "__")


class _Compiler:
    def __init__(self, ruleset: RuleSet) -> None:
        self.rs = ruleset
        self.ctx = PyContext(self._advice_reader)
        self.lines: list[str] = []
        self.decided: set[str] = set()
        self.index = {r.id: i for i, r in enumerate(ruleset.rules)}
        self.collision_flags: list[str] = []

    def _advice_reader(self, slot: str, value: object) -> str:
        return f"({_local(slot)} == {self.ctx.constant(value)})"

    def f(self, rule_id: str) -> str:
        return f"f{self.index[rule_id]}"

    def effective(self, rule_id: str, slot: str) -> str:
        winners = self.rs.overriders(rule_id, slot)
        if not winners:
            return self.f(rule_id)
        return f"({self.f(rule_id)} and not ({' or '.join(self.f(w) for w in winners)}))"

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def flush_named(self, emitted: set[str]) -> None:
        for local, source in self.ctx.named.items():
            if local not in emitted:
                emitted.add(local)
                self.emit(f"{local} = {source}")

    def decide(self, slot: str) -> None:
        if slot in self.decided:
            return
        self.decided.add(slot)
        meta = SLOTS[slot]
        if meta.kind is not SlotKind.SINGLE:
            return
        domain = self.rs.domain(slot)
        local = _local(slot)
        holds = []
        for k, value in enumerate(domain):
            terms = [self.effective(r.id, slot) for r, v in self.rs.writers(slot) if v == value]
            name = f"h_{local}_{k}"
            self.emit(f"{name} = {' or '.join(terms)}")
            holds.append((name, value))
        expr = self.ctx.constant(meta.default)
        for name, value in reversed(holds):
            expr = f"{self.ctx.constant(value)} if {name} else {expr}"
        self.emit(f"{local} = {expr}")
        if len(holds) > 1:
            flag = f"x_{local}"
            self.emit(f"{flag} = ({' + '.join(n for n, _ in holds)}) > 1")
            self.collision_flags.append(flag)

    def compile(self) -> str:
        rs = self.rs
        emitted: set[str] = set()
        for rule in rs.order:
            for slot in sorted(rs.reads(rule)):
                self.decide(slot)
            source = rule.when.to_python(self.ctx)
            self.flush_named(emitted)
            self.emit(f"{self.f(rule.id)} = {source}")
        for slot in SLOTS:
            self.decide(slot)
        self.flush_named(emitted)
        self._assemble()
        header = "def _evaluate(c):"
        return "\n".join([header, *self.lines])

    def _members(self, slot: str) -> str:
        member_terms: dict[object, list[str]] = {}
        for rule, member in self.rs.writers(slot):
            member_terms.setdefault(member, []).append(self.effective(rule.id, slot))
        if not member_terms:
            return "()"
        order = SLOTS[slot].priority
        members = sorted(member_terms, key=order)  # type: ignore[arg-type]
        names = self.ctx.constant(tuple(members))
        flags = ", ".join(" or ".join(member_terms[m]) for m in members)
        return f"tuple(_compress({names}, ({flags},)))"

    def _assemble(self) -> None:
        rs = self.rs
        k = self.ctx.constant
        for name, slot in _SET_FIELDS.items():
            self.emit(f"s_{slot} = {self._members(name)}")
        if self.collision_flags:
            self.emit(f"collision = {' or '.join(self.collision_flags)}")
            unresolved = k(AdviceWarning.UNRESOLVED_COLLISION)
            self.emit(f"if collision: s_warnings = s_warnings + ({unresolved},)")
        for i in Intervention:
            slot = intervention_slot(i)
            local = _local(slot)
            writers = rs.writers(slot)
            if writers:
                ids = k(tuple(r.id for r, _ in writers))
                flags = ", ".join(
                    f"({self.effective(r.id, slot)} and {local} is {k(v)})" for r, v in writers
                )
                self.emit(f"i_{i.value} = _ia({local}, tuple(_compress({ids}, ({flags},))))")
            else:
                self.emit(f"i_{i.value} = _ia({local}, ())")
        flags = ", ".join(f"f{j}" for j in range(len(rs.rules)))
        self.emit(f"trace = tuple(_compress(_TRACE, ({flags},)))")
        applied = []
        for res in rs.resolutions:
            for loser in res.losers:
                for slot in res.slots:
                    if slot not in rs.rule(loser).slots:
                        continue
                    for winner in res.winners:
                        applied.append(
                            (AppliedResolution(res.id, winner, loser, slot), winner, loser)
                        )
        self.applied = [a for a, _, _ in applied]
        if applied:
            terms = ", ".join(f"{self.f(w)} and {self.f(lo)}" for _, w, lo in applied)
            self.emit(f"resolutions = tuple(_compress(_APPLIED, ({terms},)))")
        else:
            self.emit("resolutions = ()")
        interventions = ", ".join(f"{k(i)}: i_{i.value}" for i in Intervention)
        self.emit(
            "return _Advice("
            f"physiotherapy_indicated={_local('physiotherapy_indicated')}, "
            f"referral=_REFERRAL[{_local('referral')}, {_local('referral_mode')}], "
            f"consult_general_practitioner={_local('consult_general_practitioner')}, "
            f"profile={_local('profile')}, "
            "neurological_examination=_exam(s_components, s_positive), "
            f"recheck_after_days={_local('recheck_after_days')}, "
            f"reevaluation_after_weeks={_local('reevaluation_after_weeks')}, "
            f"lrs_evaluation_after_weeks={_local('lrs_evaluation_after_weeks')}, "
            f"session_limit={_local('session_limit')}, "
            f"interventions={{{interventions}}}, "
            "education=s_education, safety_net_advice=s_safety_net_advice, "
            "exercise_guidance=s_exercise_guidance, behaviour_guidance=s_behaviour_guidance, "
            "evaluation_actions=s_evaluation_actions, warnings=s_warnings, "
            "trace=trace, resolutions=resolutions)"
        )


_NO_EXAM = NeurologicalExamination()


def _exam(components: tuple[Any, ...], positive: tuple[Any, ...]) -> NeurologicalExamination:
    if not components and not positive:
        return _NO_EXAM
    return NeurologicalExamination(components, positive)


_IA_CACHE: dict[tuple[Any, tuple[str, ...]], InterventionAdvice] = {}


def _ia(strength: Any, rules: tuple[str, ...]) -> InterventionAdvice:
    key = (strength, rules)
    found = _IA_CACHE.get(key)
    if found is None:
        found = _IA_CACHE[key] = InterventionAdvice(strength, rules)
    return found


_REFERRAL: dict[tuple[Urgency | None, ReferralMode | None], Referral | None] = {
    **{(None, m): None for m in (None, *ReferralMode)},
    **{(u, m): Referral(u, m) for u in Urgency for m in ReferralMode},
    **{(u, None): Referral(u, ReferralMode.INSTEAD_OF_TREATMENT) for u in Urgency},
}
"""The referral of a decided urgency and mode.

Every referral rule of the guideline writes both (a property proves it); a rule
set whose referral rule writes no mode (a test or a mutant) gets the cautious
reading, instead of treatment, as :meth:`lbp_spec.symbolic.Encoding.advice` does.
"""


def _build(ruleset: RuleSet) -> tuple[str, Evaluator]:
    compiler = _Compiler(ruleset)
    source = compiler.compile()
    namespace: dict[str, Any] = {
        **compiler.ctx.constants,
        "_Advice": Advice,
        "_REFERRAL": _REFERRAL,
        "_exam": _exam,
        "_ia": _ia,
        "_compress": itertools.compress,
        "_TRACE": tuple(TraceEntry(r.id, r.section) for r in ruleset.rules),
        "_APPLIED": tuple(compiler.applied),
    }
    code = compile(source, f"<lbp_spec evaluator for {ruleset.name}>", "exec")
    exec(code, namespace)
    evaluator: Evaluator = namespace["_evaluate"]
    return source, evaluator


_COMPILED: weakref.WeakKeyDictionary[RuleSet, tuple[str, Evaluator]] = weakref.WeakKeyDictionary()


def _compiled(ruleset: RuleSet) -> tuple[str, Evaluator]:
    found = _COMPILED.get(ruleset)
    if found is None:
        found = _COMPILED[ruleset] = _build(ruleset)
    return found


def evaluator_for(ruleset: RuleSet) -> Evaluator:
    """The compiled evaluator of ``ruleset`` (compiled once, then cached)."""
    return _compiled(ruleset)[1]


def evaluator_source(ruleset: RuleSet = GUIDELINE) -> str:
    """The generated Python source of the evaluator of ``ruleset``, for reading."""
    return _compiled(ruleset)[0]


def evaluate(case: Case, rules: RuleSet = GUIDELINE) -> Advice:
    """The advice the guideline gives for ``case``.

    Pure, total on every valid case and deterministic. The advice carries the
    trace of the rules that fired and the resolutions that decided collisions.

    Args:
        case: A valid case (construction validated it).
        rules: The rule set; the built-in guideline unless given.

    Returns:
        The advice.

    Example:
        >>> from lbp_spec import Case, evaluate
        >>> evaluate(Case(lrs=True, nprs=9)).referral.urgency.value
        'not_stated'

    """
    return evaluator_for(rules)(case)
