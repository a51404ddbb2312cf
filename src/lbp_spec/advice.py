"""The advice: what the guideline says for one case, as frozen attrs values.

An advice is produced by :func:`lbp_spec.evaluate` (and read back from a Z3 model
by :mod:`lbp_spec.symbolic`); it is trusted, so it is not re-validated.
Collections are tuples in the order of their vocabulary, so that two equal
advices are equal field by field and serialise to the same JSON.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from lbp_spec.vocabulary import (
    AdviceWarning,
    BehaviourGuidance,
    EducationTopic,
    EvaluationAction,
    ExamComponent,
    ExerciseGuidance,
    Intervention,
    ReferralMode,
    ReferralTarget,
    SafetyNetTopic,
    Section,
    Strength,
    Urgency,
)

__all__ = [
    "Advice",
    "AppliedResolution",
    "InterventionAdvice",
    "NeurologicalExamination",
    "Referral",
    "TraceEntry",
    "Window",
]


@attrs.frozen(order=True)
class Window:
    """A time window: from ``low`` to ``high`` units (``high=None``: open-ended).

    Attributes:
        low: Earliest moment.
        high: Latest moment, or ``None`` for "at least after ``low``".

    """

    low: int
    high: int | None

    def __str__(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


@attrs.frozen
class Referral:
    """A referral of the patient.

    Attributes:
        urgency: Immediate where the text makes it an emergency; otherwise
            ``not_stated``: the guideline states no urgency.
        mode: Whether the referral replaces the treatment (no treatment is
            then planned) or goes alongside it.
        to: To whom (always the general practitioner in this guideline).

    """

    urgency: Urgency
    mode: ReferralMode
    to: ReferralTarget = ReferralTarget.GENERAL_PRACTITIONER


@attrs.frozen
class NeurologicalExamination:
    """Whether the neurological examination is required, and what it found.

    Attributes:
        components: The components to perform; empty when not required.
        positive_findings: Components whose findings in the case are positive
            (e.g. a fingertip-to-floor distance above 25 cm).

    """

    components: tuple[ExamComponent, ...] = ()
    positive_findings: tuple[ExamComponent, ...] = ()

    @property
    def required(self) -> bool:
        """Whether the guideline asks for the examination."""
        return bool(self.components)


@attrs.frozen
class InterventionAdvice:
    """The strength given to one intervention, and the rules that set it.

    Attributes:
        strength: Position on the strength scale.
        rules: Ids of the rules that set this strength (empty: the default,
            ``not_indicated``, because no rule spoke).

    """

    strength: Strength = Strength.NOT_INDICATED
    rules: tuple[str, ...] = ()


@attrs.frozen
class TraceEntry:
    """A rule whose condition held for the case.

    Attributes:
        rule: The rule id.
        section: The guideline section it formalizes.

    """

    rule: str
    section: Section


@attrs.frozen
class AppliedResolution:
    """A declared resolution that decided a collision for this case.

    Attributes:
        resolution: The resolution id.
        winner: The rule whose effect was kept.
        loser: The rule whose effect was set aside.
        slot: The advice field they collided on.

    """

    resolution: str
    winner: str
    loser: str
    slot: str


@attrs.frozen(slots=False)
class Advice:
    """What the guideline says for one case.

    (Not slotted: the initializer of a frozen class with an instance dict
    stores the fields into it directly, where a slotted one calls
    ``object.__setattr__`` once per field; evaluation builds one per case.)

    Attributes:
        physiotherapy_indicated: Physical or exercise therapy is indicated.
        referral: Referral to the general practitioner, if any.
        consult_general_practitioner: Contact the GP (without referring).
        profile: Treatment profile 1, 2 or 3, if one is assigned.
        neurological_examination: The examination to perform and its findings.
        recheck_after_days: When to check the patient again, in days.
        reevaluation_after_weeks: When to re-evaluate, in weeks since the start.
        lrs_evaluation_after_weeks: When to evaluate whether an LRS patient's
            complaints persist, in weeks since the complaints began.
        session_limit: Maximum number of sessions, if limited.
        interventions: Every intervention with its strength.
        education: Topics of information and (pain) education.
        safety_net_advice: Signs for which to contact the GP immediately.
        exercise_guidance: How to shape exercise therapy.
        behaviour_guidance: How to shape behaviour-oriented treatment.
        evaluation_actions: What the evaluation asks of the therapist now.
        warnings: Signals that are not advice in themselves.
        trace: Rules whose condition held, in rule-set order.
        resolutions: Declared resolutions that decided a collision here.

    """

    physiotherapy_indicated: bool
    referral: Referral | None
    consult_general_practitioner: bool
    profile: int | None
    neurological_examination: NeurologicalExamination
    recheck_after_days: Window | None
    reevaluation_after_weeks: Window | None
    lrs_evaluation_after_weeks: Window | None
    session_limit: int | None
    interventions: Mapping[Intervention, InterventionAdvice]
    education: tuple[EducationTopic, ...] = ()
    safety_net_advice: tuple[SafetyNetTopic, ...] = ()
    exercise_guidance: tuple[ExerciseGuidance, ...] = ()
    behaviour_guidance: tuple[BehaviourGuidance, ...] = ()
    evaluation_actions: tuple[EvaluationAction, ...] = ()
    warnings: tuple[AdviceWarning, ...] = ()
    trace: tuple[TraceEntry, ...] = ()
    resolutions: tuple[AppliedResolution, ...] = ()

    def strength(self, intervention: Intervention) -> Strength:
        """The strength given to ``intervention``."""
        return self.interventions[intervention].strength

    @property
    def fired(self) -> tuple[str, ...]:
        """Ids of the rules in the trace."""
        return tuple(entry.rule for entry in self.trace)

    def normative(self) -> Advice:
        """Return the advice without its informative parts (trace, resolutions, rule ids).

        Two implementations conform when their normative advices are equal.
        """
        return attrs.evolve(
            self,
            interventions={
                k: InterventionAdvice(v.strength) for k, v in self.interventions.items()
            },
            trace=(),
            resolutions=(),
        )
