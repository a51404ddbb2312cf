"""The bounded episode model in Z3: one encoding per consultation, and the pathway.

Consultation ``k`` of an episode is one :class:`~lbp_spec.symbolic.Encoding`
of the rule set, with its own case variables (prefix ``c{k}.``); the advice at
each consultation is therefore the rules' own. Between consecutive
consultations, :meth:`EpisodeModel.constraints` states the pathway of
:mod:`lbp_spec.episodes.pathway` in Z3: which consultations take place
(``on``), on which day, what stays the same, and what the advice requires of
the next one. By default the model is unrolled to the most consultations an
episode can have up to the bound
(:func:`~lbp_spec.episodes.pathway.max_consultations`), so a proof covers
*every* episode up to the bound, not a prefix of some; the verifier unrolls
fewer only where it has proven that no episode has more.

:meth:`EpisodeModel.back` turns a Z3 model into a concrete
:class:`~lbp_spec.episodes.pathway.Episode` (the advice from the evaluator),
and :meth:`EpisodeModel.advices` reads the advice the encodings assign, so that
the two can be compared; :meth:`EpisodeModel.episode_is` does the converse and
fixes the model to a concrete episode.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

import z3

from lbp_spec.advice import Advice, Window
from lbp_spec.episodes.pathway import (
    DAYS_PER_WEEK,
    PATHWAY,
    Episode,
    Pathway,
    Visit,
    horizon_day,
    max_consultations,
)
from lbp_spec.evaluator import evaluate
from lbp_spec.limits import check_timeout_ms
from lbp_spec.logic import VARIABLES, VariableKind
from lbp_spec.ruleset import RuleSet
from lbp_spec.symbolic import Encoding, and_, implies, not_, or_
from lbp_spec.vocabulary import (
    Consultation,
    EmergencySign,
    EvaluationAction,
    Improvement,
    RedFlag,
    ReferralMode,
    Urgency,
)

__all__ = ["EpisodeModel"]

Step = Callable[[int], z3.BoolRef]
"""A condition on consultation ``k`` of the model."""

_REPEAT = EvaluationAction.REPEAT_RISK_EVALUATION
_STABLE = {"lrs": 30, "need_for_assistance": 30}
"""Findings a readable witness keeps from one consultation to the next (soft weights)."""


def _index(path: str, value: enum.Enum) -> int:
    kind = VARIABLES[path].enum
    assert kind is not None
    return list(kind).index(value)


class EpisodeModel:
    """Every episode of a rule set up to a bound, as Z3 terms.

    Args:
        ruleset: The rules that give the advice at each consultation.
        bound_weeks: The last week followed; consultations happen on days
            ``0`` to :func:`~lbp_spec.episodes.pathway.horizon_day`.
        pathway: The pathway between consultations.
        size: The number of consultations to unroll; by default the most an
            episode can have up to the bound
            (:func:`~lbp_spec.episodes.pathway.max_consultations`). With fewer,
            the model holds the first ``size`` consultations of every episode
            (whole episodes only where no episode is longer: see
            :mod:`lbp_spec.episodes.verify`, which proves that before it uses one).

    Attributes:
        size: The number of consultations unrolled.
        steps: One encoding per consultation.
        on: Whether consultation ``k`` takes place.
        day: Its day since the start of treatment.

    """

    def __init__(
        self,
        ruleset: RuleSet,
        *,
        bound_weeks: int,
        pathway: Pathway = PATHWAY,
        size: int | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.bound_weeks = bound_weeks
        self.pathway = pathway
        self.rechecks: tuple[Window, ...] = tuple(
            w  # type: ignore[misc]
            for w in ruleset.domain("recheck_after_days")
        )
        self.windows: tuple[Window, ...] = tuple(
            w  # type: ignore[misc]
            for w in ruleset.domain("reevaluation_after_weeks")
        )
        self.lrs_windows: tuple[Window, ...] = tuple(
            w  # type: ignore[misc]
            for w in ruleset.domain("lrs_evaluation_after_weeks")
        )
        most = max_consultations(bound_weeks, pathway, self.rechecks)
        if size is not None and not 1 <= size <= most:
            raise ValueError(f"size must be from 1 to {most}, got {size}")
        self.size = most if size is None else size
        self.horizon = horizon_day(bound_weeks)
        self.steps = tuple(Encoding(ruleset, prefix=f"c{k}.") for k in range(self.size))
        self.on = tuple(z3.Bool(f"c{k}.on") for k in range(self.size))
        self.day = tuple(z3.Int(f"c{k}.day") for k in range(self.size))
        self._constraints: list[z3.BoolRef] | None = None
        self._built: dict[tuple[object, ...], Any] = {}

    def _once(self, key: tuple[object, ...], build: Callable[[], Any]) -> Any:
        """``build()``, made once per ``key``.

        Only for terms that the episode solver holds for the whole run (the
        constraints of each consultation): rebuilding those finds the same Z3
        terms. Keeping other terms alive would change the ids Z3 gives the terms
        made later, and with them which of several equally readable witnesses
        the solver finds.
        """
        if key not in self._built:
            self._built[key] = build()
        return self._built[key]

    # -- per consultation ---------------------------------------------------------------------

    def week(self, k: int) -> Any:
        """Whole weeks since the start at consultation ``k`` (0 at the initial one)."""
        return z3.IntVal(0) if k == 0 else self.steps[k].value["weeks_since_start"]

    def sessions(self, k: int) -> Any:
        """Sessions held before consultation ``k`` (0 before the initial one)."""
        return z3.IntVal(0) if k == 0 else self.steps[k].value["sessions_used"]

    def referred(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` refers the patient (instead of or alongside treatment)."""
        return self.steps[k].written("referral")

    def ends(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` refers the patient instead of treatment: the episode ends."""
        return self.steps[k].decided("referral_mode", ReferralMode.INSTEAD_OF_TREATMENT)

    def complaint_weeks(self, k: int) -> Any:
        """Weeks the complaints have lasted at ``k``; the weeks of treatment when not recorded."""
        enc = self.steps[k]
        return z3.If(
            enc.presence["complaint_duration_weeks"],
            enc.value["complaint_duration_weeks"],
            self.week(k),
        )

    def immediate(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` refers the patient immediately."""
        return self.steps[k].decided("referral", Urgency.IMMEDIATE)

    def profile(self, k: int, n: int) -> z3.BoolRef:
        """The profile at consultation ``k`` is ``n``."""
        return self.steps[k].decided("profile", n)

    def consults_gp(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` contacts the GP (without referring)."""
        return self.steps[k].decided("consult_general_practitioner", True)

    def repeats_evaluation(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` repeats the risk evaluation (a re-evaluation)."""
        return self.steps[k].contains("evaluation_actions", _REPEAT)

    def lrs(self, k: int) -> z3.BoolRef:
        """The working diagnosis at consultation ``k`` is LRS."""
        return self.steps[k].value["lrs"]

    def improvement(self, k: int, value: Improvement) -> z3.BoolRef:
        """Consultation ``k`` is a follow-up that judges the improvement ``value``."""
        if k == 0:
            return z3.BoolVal(False)
        enc = self.steps[k]
        return and_(
            enc.presence["improvement"],
            enc.value["improvement"] == _index("improvement", value),
        )

    def adequate(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` is a follow-up with an adequate decrease of complaints."""
        return self.improvement(k, Improvement.ADEQUATE)

    def answered_no(self, k: int, path: str) -> z3.BoolRef:
        """At consultation ``k`` the yes/no question ``path`` was answered no."""
        enc = self.steps[k]
        return and_(enc.presence[path], not_(enc.value[path]))

    def emergency(self, k: int) -> z3.BoolRef:
        """An emergency sign at ``k`` (a listed sign, MRC at most 3, or a Babinski sign)."""
        enc = self.steps[k]
        signs = [enc.members["neurological_emergency_signs", s] for s in EmergencySign]
        mrc = and_(
            enc.presence["neurological_exam"],
            or_(
                enc.value["neurological_exam.mrc_lowest"] <= 3,
                enc.value["neurological_exam.extensor_plantar_response"],
            ),
        )
        return or_(*signs, mrc)

    def red_flag(self, k: int) -> z3.BoolRef:
        """A red flag at consultation ``k``."""
        enc = self.steps[k]
        return or_(*(enc.members["red_flags", f] for f in RedFlag))

    def severe_lrs(self, k: int) -> z3.BoolRef:
        """LRS with a severe motor deficit (MRC at most 3) or severe pain (NPRS at least 8)."""
        enc = self.steps[k]
        mrc = and_(
            enc.presence["neurological_exam"], enc.value["neurological_exam.mrc_lowest"] <= 3
        )
        return and_(enc.value["lrs"], or_(mrc, enc.value["nprs"] >= 8))

    def _recheck(self, k: int) -> z3.BoolRef:
        return self.steps[k].written("recheck_after_days")

    def _lrs_released(self, k: int) -> z3.BoolRef:
        """At ``k`` the complaints, the pain and the loss of function all decrease adequately."""
        if not self.pathway.adequate_releases:
            return z3.BoolVal(False)
        enc = self.steps[k]
        parts = [
            not_(
                and_(
                    enc.presence[path],
                    enc.value[path] == _index(path, Improvement.INADEQUATE),
                )
            )
            for path in ("pain_alleviation", "loss_of_function_decrease")
        ]
        return and_(self.adequate(k), *parts)

    def lrs_deadline(self, k: int, window: Window) -> z3.BoolRef:
        """The LRS window advised at ``k`` requires a consultation by its end (complaint weeks)."""
        if not self.pathway.window_deadline or window.high is None:
            return z3.BoolVal(False)
        enc = self.steps[k]
        return and_(
            not_(self._recheck(k)),
            enc.decided("lrs_evaluation_after_weeks", window),
            self.complaint_weeks(k) < window.high,
            not_(self._lrs_released(k)),
        )

    def _deadline(self, k: int, window: Window) -> z3.BoolRef:
        """The window advised at ``k`` requires a consultation by its end."""
        if not self.pathway.window_deadline or window.high is None:
            return z3.BoolVal(False)
        enc = self.steps[k]
        release = self.adequate(k) if self.pathway.adequate_releases else z3.BoolVal(False)
        return and_(
            not_(self._recheck(k)),
            enc.decided("reevaluation_after_weeks", window),
            self.week(k) < window.high,
            not_(release),
        )

    def required(self, k: int) -> z3.BoolRef:
        """The advice at consultation ``k`` requires a next consultation."""
        deadlines = [self._deadline(k, w) for w in self.windows]
        deadlines += [self.lrs_deadline(k, w) for w in self.lrs_windows]
        return and_(not_(self.ends(k)), or_(self._recheck(k), *deadlines, z3.BoolVal(False)))

    def reevaluation_ahead(self, k: int) -> z3.BoolRef:
        """A window advised at ``k`` lies ahead, or has not yet ended."""
        enc = self.steps[k]
        terms = []
        for w in self.windows:
            ahead = self.week(k) < w.low
            if w.high is not None:
                ahead = or_(ahead, self.week(k) < w.high)
            terms.append(and_(enc.decided("reevaluation_after_weeks", w), ahead))
        for w in self.lrs_windows:
            ahead = self.complaint_weeks(k) < (w.high if w.high is not None else w.low)
            terms.append(and_(enc.decided("lrs_evaluation_after_weeks", w), ahead))
        return or_(*terms, z3.BoolVal(False))

    def without_next_step(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` leaves the patient without a next step.

        That is :attr:`~lbp_spec.episodes.pathway.NextStep.NONE`.
        """
        enc = self.steps[k]
        return and_(
            not_(self.ends(k)),
            not_(self._recheck(k)),
            not_(self.reevaluation_ahead(k)),
            not_(self.adequate(k)),
            enc.value["need_for_assistance"],
        )

    # -- quantifiers over the episode ------------------------------------------------------------

    def every(self, condition: Step, start: int = 0) -> z3.BoolRef:
        """``condition`` holds at every consultation from ``start`` that takes place."""
        return and_(
            *(implies(self.on[k], condition(k)) for k in range(start, self.size)),
            z3.BoolVal(True),
        )

    def some(self, condition: Step, start: int = 0) -> z3.BoolRef:
        """``condition`` holds at some consultation from ``start`` that takes place."""
        return or_(
            *(and_(self.on[k], condition(k)) for k in range(start, self.size)),
            z3.BoolVal(False),
        )

    def minimal(self) -> z3.BoolRef:
        """Only the consultations the advice requires, one session each."""
        return and_(
            *(
                implies(
                    self.on[k],
                    and_(self.required(k - 1), self.steps[k].value["sessions_used"] == k),
                )
                for k in range(1, self.size)
            ),
            z3.BoolVal(True),
        )

    # -- the pathway ----------------------------------------------------------------------------

    def constraints(self) -> list[z3.BoolRef]:
        """What an episode is: valid cases, linked by the pathway (built once)."""
        if self._constraints is None:
            self._constraints = self._build()
        return self._constraints

    def _build(self) -> list[z3.BoolRef]:
        out: list[z3.BoolRef] = [self.on[0], self.day[0] == 0]
        for k in range(self.size):
            out.extend(self._at(k))
            if k > 0:
                out.append(self._must_follow(k))
        return out

    def _at(self, k: int) -> list[z3.BoolRef]:
        """The constraints of consultation ``k``: a valid case, linked to ``k - 1``."""
        return list(self._once(("at", k), lambda: self._build_at(k)))

    def _build_at(self, k: int) -> list[z3.BoolRef]:
        enc = self.steps[k]
        kind = Consultation.INITIAL if k == 0 else Consultation.FOLLOW_UP
        out = [enc.valid(), enc.value["consultation"] == _index("consultation", kind)]
        if k > 0:
            week = enc.value["weeks_since_start"]
            out.append(DAYS_PER_WEEK * week <= self.day[k])
            out.append(self.day[k] <= DAYS_PER_WEEK * week + DAYS_PER_WEEK - 1)
            out.append(implies(self.on[k], and_(*self._step(k))))
            out.extend(self._history(k))
        if self.pathway.answers_when_due:
            out.append(
                implies(
                    and_(self.on[k], enc.contains("evaluation_actions", _REPEAT)),
                    and_(
                        enc.presence["reevaluation_new_insights"],
                        enc.presence["adjustment_expected_to_suffice"],
                    ),
                )
            )
        return out

    def _history(self, k: int) -> list[z3.BoolRef]:
        """What consultation ``k`` records of the episode before it (pathway decisions).

        LRS was diagnosed earlier exactly when an earlier consultation had it; the
        complaints, when their duration is recorded at the start, are recorded at
        every consultation and have lasted that long plus the weeks of treatment.
        """
        enc, first = self.steps[k], self.steps[0]
        earlier = or_(*(self.steps[j].value["lrs"] for j in range(k)))
        duration = "complaint_duration_weeks"
        return [
            implies(enc.value["lrs"], enc.value["lrs_diagnosed_earlier"] == earlier),
            enc.presence[duration] == first.presence[duration],
            implies(
                enc.presence[duration],
                enc.value[duration] == first.value[duration] + self.week(k),
            ),
        ]

    def constraints_upto(self, n: int) -> list[z3.BoolRef]:
        """The constraints of episodes with at most ``n`` consultations (a smaller problem).

        Equivalent to :meth:`constraints` with ``on[k]`` false from ``k = n``.
        """
        if n >= self.size:
            return self.constraints()
        out: list[z3.BoolRef] = [self.on[0], self.day[0] == 0]
        for k in range(n):
            out.extend(self._at(k))
            if k > 0:
                out.append(self._must_follow(k))
        out.append(self._must_follow(n))
        out.extend(not_(self.on[k]) for k in range(n, self.size))
        return out

    def _step(self, k: int) -> list[z3.BoolRef]:
        """What holds of consultation ``k`` (when it takes place) given consultation ``k - 1``."""
        p = k - 1
        enc, prev = self.steps[k], self.steps[p]
        out: list[z3.BoolRef] = [
            self.on[p],
            not_(self.ends(p)),
            self.day[k] <= self.horizon,
            enc.value["sessions_used"] >= self.sessions(p) + 1,
            enc.value["sessions_used"] <= self.day[k],
        ]
        for name in self.pathway.identity:
            out.extend(_same_variable(enc, prev, name))
        for w in self.rechecks:
            assert w.high is not None
            due = prev.decided("recheck_after_days", w)
            out.append(
                implies(
                    due,
                    and_(self.day[k] >= self.day[p] + w.low, self.day[k] <= self.day[p] + w.high),
                )
            )
        out.append(
            implies(
                not_(self._recheck(p)),
                self.day[k] >= self.day[p] + self.pathway.follow_up_gap_days,
            )
        )
        for w in self.windows:
            if w.high is not None:
                out.append(implies(self._deadline(p, w), self.week(k) <= w.high))
        for w in self.lrs_windows:
            if w.high is not None:
                out.append(implies(self.lrs_deadline(p, w), self.complaint_weeks(k) <= w.high))
        if self.pathway.reassess_at_reevaluation_only:
            due = [
                and_(prev.decided("reevaluation_after_weeks", w), self.week(k) >= w.low)
                for w in self.windows
            ]
            allowed = or_(
                not_(prev.written("reevaluation_after_weeks")),
                and_(self.improvement(k, Improvement.INADEQUATE), or_(*due, z3.BoolVal(False))),
            )
            out.append(or_(allowed, and_(*_same_variable(enc, prev, "prognostic_factors"))))
        return out

    def _must_follow(self, k: int) -> z3.BoolRef:
        """Consultation ``k`` takes place when ``k - 1`` requires it within the bound."""
        term: z3.BoolRef = self._once(("must_follow", k), lambda: self._build_must_follow(k))
        return term

    def _build_must_follow(self, k: int) -> z3.BoolRef:
        p = k - 1
        prev = self.steps[p]
        due: list[z3.BoolRef] = []
        for w in self.rechecks:
            assert w.high is not None
            due.append(
                and_(prev.decided("recheck_after_days", w), self.day[p] + w.high <= self.horizon)
            )
        for w in self.windows:
            if w.high is not None and horizon_day(w.high) <= self.horizon:
                due.append(self._deadline(p, w))
        for w in self.lrs_windows:
            if w.high is not None:
                # the window ends in week high - (complaint weeks - treatment weeks) of treatment
                start = self.complaint_weeks(p) - self.week(p)
                ends_by = DAYS_PER_WEEK * (w.high - start) + DAYS_PER_WEEK - 1
                due.append(and_(self.lrs_deadline(p, w), ends_by <= self.horizon))
        condition = and_(self.on[p], not_(self.ends(p)), or_(*due, z3.BoolVal(False)))
        return implies(condition, self.on[k])

    # -- concrete and symbolic -------------------------------------------------------------------

    def count(self, model: z3.ModelRef) -> int:
        """How many consultations take place in ``model``."""
        return sum(1 for on in self.on if z3.is_true(model.eval(on, model_completion=True)))

    def back(self, model: z3.ModelRef) -> Episode:
        """The concrete episode of ``model``, with the evaluator's advice at each consultation."""
        visits = []
        for k in range(self.count(model)):
            case = self.steps[k].back(model)
            day = model.eval(self.day[k], model_completion=True).as_long()
            visits.append(Visit(day, case, evaluate(case, self.ruleset)))
        return Episode(tuple(visits), self.bound_weeks, self.pathway)

    def advices(self, model: z3.ModelRef) -> list[Advice]:
        """The advice the encodings assign to each consultation of ``model``."""
        return [self.steps[k].advice(model) for k in range(self.count(model))]

    def episode_is(self, episode: Episode) -> z3.BoolRef:
        """The constraint that fixes the model to ``episode`` (days and cases).

        Raises:
            ValueError: The episode has more consultations than the model unrolls.

        """
        n = len(episode.visits)
        if n > self.size:
            raise ValueError(f"{n} consultations; the model unrolls {self.size}")
        terms = [not_(self.on[n])] if n < self.size else []
        for k, visit in enumerate(episode.visits):
            terms.extend((self.on[k], self.day[k] == visit.day, self.steps[k].case_is(visit.case)))
        return and_(*terms)

    def calm(self) -> z3.BoolRef:
        """No reason to refer arises, and the diagnosis and the need for assistance stay.

        A refuting episode that meets this reads best: a witness is first looked
        for among such episodes (see :mod:`lbp_spec.episodes.verify`).
        """
        terms = []
        for k in range(self.size):
            enc = self.steps[k]
            doubt = and_(enc.presence["medication_dose_doubt"], enc.value["medication_dose_doubt"])
            quiet = [not_(t) for t in (self.red_flag(k), self.emergency(k), self.severe_lrs(k))]
            if k > 0:
                prev = self.steps[k - 1]
                quiet.extend(enc.value[p] == prev.value[p] for p in _STABLE)
            terms.append(implies(self.on[k], and_(*quiet, not_(doubt))))
        return and_(*terms)

    def plain(self, n: int | None = None) -> list[tuple[z3.BoolRef, int]]:
        """Soft terms (with weights) for a readable witness of at most ``n`` consultations.

        In order of weight: no reason to refer that the property does not need
        (a red flag, an emergency sign, severe LRS, doubt about the medication);
        the working diagnosis and the need for assistance kept from one
        consultation to the next; few consultations; a plain patient at the
        first; at each later one the same findings as at the one before, each
        as early as the pathway allows, with no sessions besides the
        consultations and the re-evaluation questions answered only when due.
        """
        n = self.size if n is None else min(n, self.size)
        soft: list[tuple[z3.BoolRef, int]] = [(not_(on), 2) for on in self.on[1:n]]
        soft.extend((t, 1) for t in self.steps[0].plain())
        for k in range(n):
            enc = self.steps[k]
            doubt = and_(enc.presence["medication_dose_doubt"], enc.value["medication_dose_doubt"])
            calm = (self.red_flag(k), self.emergency(k), self.severe_lrs(k), doubt)
            soft.extend((not_(t), 50) for t in calm)
        for k in range(1, n):
            enc, prev = self.steps[k], self.steps[k - 1]
            for path in VARIABLES:
                if path in ("consultation", "weeks_since_start", "sessions_used"):
                    continue
                weight = _STABLE.get(path, 1)
                same = _same_variable(enc, prev, path)
                soft.extend((implies(self.on[k], t), weight) for t in same)
            for path in ("reevaluation_new_insights", "adjustment_expected_to_suffice"):
                soft.append((not_(enc.presence[path]), 1))
            soft.append((implies(self.on[k], enc.value["sessions_used"] == k), 1))
            gap = self.pathway.follow_up_gap_days
            soft.append((self.day[k] <= self.day[k - 1] + gap, 1))
        return soft

    def minimal_model(
        self, terms: Sequence[z3.BoolRef], timeout_ms: int, found: z3.ModelRef
    ) -> z3.ModelRef | None:
        """A readable episode that meets ``terms``, no longer than the one ``found`` has.

        Args:
            terms: What the episode must meet besides being one (premise, broken claim).
            timeout_ms: Optimiser time limit.
            found: A model that meets them; its length bounds the search.

        Returns:
            The model, or ``None`` when the optimiser gives up (keep ``found``).

        """
        n = self.count(found)
        opt = z3.Optimize()
        opt.set(timeout=check_timeout_ms(timeout_ms))
        opt.add(*self.constraints_upto(n), *terms)
        for term, weight in self.plain(n):
            opt.add_soft(term, weight)
        if opt.check() != z3.sat:
            return None
        return opt.model()


def _same_variable(a: Encoding, b: Encoding, path: str) -> list[z3.BoolRef]:
    """Terms saying that case variable ``path`` has the same value in ``a`` and ``b``."""
    var = VARIABLES[path]
    if var.kind is VariableKind.SET:
        return [a.members[path, m] == b.members[path, m] for m in var.enum or ()]
    if var.kind is VariableKind.FACTORS:
        return [a.factors[f] == b.factors[f] for f in a.factors]
    out = []
    if path in a.presence:
        out.append(a.presence[path] == b.presence[path])
    if path in a.value:
        out.append(a.value[path] == b.value[path])
    return out
