"""Which advice fields are normative for conformance, and which are informative, as data.

Two implementations *conform* when, for every case, their advices agree on every
field of :data:`~lbp_spec.conformance.NORMATIVE_FIELDS`. The fields of
:data:`~lbp_spec.conformance.INFORMATIVE_FIELDS` (the
trace, the resolutions and the rules behind each intervention's strength) explain
an advice; a vendor may leave them out or fill them differently.

Each normative field names the advice *slot* (:data:`lbp_spec.rule.SLOTS`) the
rules write, so that a disagreement can be traced back to the rules and the
guideline sentences behind the expected value, and so that the guideline sections
behind each field can be listed (``field_sections``).

Comparison: a set-valued field is compared as a set (order does not matter); a
window ``[low, high]`` and every other value exactly; a referral as a whole
(``null`` or ``{"to": ..., "urgency": ..., "mode": ...}``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final

import attrs

from lbp_spec.advice import Window
from lbp_spec.logic import VARIABLES, AnyFactorAt, Cmp, FactorAt, Flag, Has, Is, Present
from lbp_spec.rule import SLOTS, intervention_slot
from lbp_spec.ruleset import RuleSet
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
    "INFORMATIVE_FIELDS",
    "NORMATIVE_FIELDS",
    "FieldKind",
    "NormativeField",
    "case_fields_table",
    "field",
    "field_sections",
    "field_values",
    "fields_table",
    "normative_json",
    "referrals_written",
]


class FieldKind(enum.Enum):
    """How a normative field is compared."""

    FLAG = "flag"
    """``true`` or ``false``."""
    NUMBER = "number"
    """A whole number, or ``null``."""
    CHOICE = "choice"
    """One value of a vocabulary."""
    REFERRAL = "referral"
    """``null`` or ``{"to": ..., "urgency": ..., "mode": ...}``, compared as a whole."""
    WINDOW = "window"
    """``null`` or ``[low, high]`` (``high`` may be ``null``)."""
    SET = "set"
    """An array of distinct vocabulary values, compared as a set."""


@attrs.frozen
class NormativeField:
    """One normative field of the advice.

    Attributes:
        path: Dotted path in the advice JSON, e.g. ``interventions.massage.strength``.
        kind: How it is compared.
        slot: The advice slot that rules write (:data:`lbp_spec.rule.SLOTS`).
        words: What it means, in a few words.
        vocabulary: The values of a choice or a set field.
        nullable: ``null`` is a valid value.

    """

    path: str
    kind: FieldKind
    slot: str
    words: str
    vocabulary: type[enum.Enum] | None = None
    nullable: bool = False


def _set(path: str, vocabulary: type[enum.Enum], words: str) -> NormativeField:
    return NormativeField(path, FieldKind.SET, path, words, vocabulary)


_EXAM = "neurological_examination"

NORMATIVE_FIELDS: Final[tuple[NormativeField, ...]] = (
    NormativeField(
        "physiotherapy_indicated",
        FieldKind.FLAG,
        "physiotherapy_indicated",
        "physical or exercise therapy is indicated",
    ),
    NormativeField(
        "referral",
        FieldKind.REFERRAL,
        "referral",
        "referral to the general practitioner, how urgent, and whether instead of treatment",
        Urgency,
        nullable=True,
    ),
    NormativeField(
        "consult_general_practitioner",
        FieldKind.FLAG,
        "consult_general_practitioner",
        "contact the general practitioner without referring",
    ),
    NormativeField(
        "profile", FieldKind.NUMBER, "profile", "treatment profile 1, 2 or 3", None, True
    ),
    NormativeField(
        f"{_EXAM}.required",
        FieldKind.FLAG,
        f"{_EXAM}.components",
        "the neurological examination is required",
    ),
    _set(f"{_EXAM}.components", ExamComponent, "components of the neurological examination"),
    _set(
        f"{_EXAM}.positive_findings",
        ExamComponent,
        "positive findings of the neurological examination",
    ),
    NormativeField(
        "recheck_after_days",
        FieldKind.WINDOW,
        "recheck_after_days",
        "when to check the patient again, in days",
        nullable=True,
    ),
    NormativeField(
        "reevaluation_after_weeks",
        FieldKind.WINDOW,
        "reevaluation_after_weeks",
        "when to re-evaluate, in weeks since the start",
        nullable=True,
    ),
    NormativeField(
        "lrs_evaluation_after_weeks",
        FieldKind.WINDOW,
        "lrs_evaluation_after_weeks",
        "when to evaluate persisting LRS, in weeks since the complaints began",
        nullable=True,
    ),
    NormativeField(
        "session_limit", FieldKind.NUMBER, "session_limit", "maximum number of sessions", None, True
    ),
    *(
        NormativeField(
            f"interventions.{i.value}.strength",
            FieldKind.CHOICE,
            intervention_slot(i),
            f"strength of the recommendation about {i.value.replace('_', ' ')}",
            Strength,
        )
        for i in Intervention
    ),
    _set("education", EducationTopic, "topics of information and (pain) education"),
    _set("safety_net_advice", SafetyNetTopic, "signs for which to contact the GP immediately"),
    _set("exercise_guidance", ExerciseGuidance, "how to shape exercise therapy"),
    _set("behaviour_guidance", BehaviourGuidance, "how to shape behaviour-oriented treatment"),
    _set("evaluation_actions", EvaluationAction, "what the evaluation asks of the therapist now"),
    _set("warnings", AdviceWarning, "signals to the therapist that are not advice in themselves"),
)
"""Every normative field of the advice, in the order of the advice document."""

INFORMATIVE_FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("trace", "the rules whose condition held, with their sections"),
    ("resolutions", "the declared resolutions that decided a collision"),
    ("interventions.*.rules", "the rules that set each intervention's strength"),
)
"""The informative parts of the advice (path, meaning): never compared."""

_BY_PATH: Final = {f.path: f for f in NORMATIVE_FIELDS}


def field(path: str) -> NormativeField:
    """The normative field at ``path``.

    Raises:
        KeyError: No normative field has that path.

    """
    try:
        return _BY_PATH[path]
    except KeyError:
        raise KeyError(f"no normative field {path!r}") from None


def _check_slots() -> None:
    missing = [f.slot for f in NORMATIVE_FIELDS if f.slot not in SLOTS]
    assert not missing, f"normative fields name unknown slots: {missing}"


_check_slots()


# -- values -------------------------------------------------------------------------------------


def _window_json(window: Window | None) -> list[int | None] | None:
    return None if window is None else [window.low, window.high]


def field_values(f: NormativeField, ruleset: RuleSet) -> tuple[object, ...]:
    """Every value of a normative field the suite must reach, as JSON.

    For a set field these are the members (each must be reached as *present*)
    and ``[]`` (the empty set). Numbers and windows take the values the rules
    write, and ``null``.

    Args:
        f: The field.
        ruleset: The rules whose written values count (windows, numbers).

    Returns:
        The values, in a stable order.

    """
    if f.kind is FieldKind.FLAG:
        return (True, False)
    if f.kind is FieldKind.REFERRAL:
        return (None, *(_referral_json(u, m) for u, m in referrals_written(ruleset)))
    if f.kind is FieldKind.CHOICE:
        assert f.vocabulary is not None
        return tuple(m.value for m in f.vocabulary)
    if f.kind is FieldKind.SET:
        assert f.vocabulary is not None
        return ([], *(m.value for m in f.vocabulary))
    written = ruleset.domain(f.slot)
    if f.kind is FieldKind.WINDOW:
        return (None, *(_window_json(w) for w in written))  # type: ignore[arg-type]
    if f.path == "profile":
        return (None, 1, 2, 3)
    return (None, *written)


def _referral_json(urgency: Urgency, mode: ReferralMode) -> dict[str, str]:
    return {
        "to": ReferralTarget.GENERAL_PRACTITIONER.value,
        "urgency": urgency.value,
        "mode": mode.value,
    }


def referrals_written(ruleset: RuleSet) -> tuple[tuple[Urgency, ReferralMode], ...]:
    """Each (urgency, mode) a referral rule writes, in the order of the rules."""
    out: dict[tuple[Urgency, ReferralMode], None] = {}
    for rule, urgency in ruleset.writers("referral"):
        for mode in rule.writes("referral_mode"):
            out[urgency, mode] = None  # type: ignore[index]
    return tuple(out)


def field_sections(f: NormativeField, ruleset: RuleSet) -> tuple[Section, ...]:
    """The guideline sections of the rules that write the field, in section order."""
    found = {rule.section for rule, _ in ruleset.writers(f.slot)}
    return tuple(s for s in Section if s in found)


# -- normative part of an advice document -------------------------------------------------------


def normative_json(advice: Mapping[str, Any]) -> dict[str, Any]:
    """The advice document without its informative parts (trace, resolutions, rules).

    Args:
        advice: An advice document (parsed JSON), e.g. from
            :func:`lbp_spec.advice_to_json`.

    Returns:
        A new document with ``contract_version`` and the normative fields only.

    Example:
        >>> from lbp_spec import Case, advice_to_json, evaluate
        >>> doc = normative_json(advice_to_json(evaluate(Case())))
        >>> "trace" in doc, doc["interventions"]["massage"]
        (False, {'strength': 'do_not'})

    """
    out = {k: v for k, v in advice.items() if k not in ("trace", "resolutions")}
    interventions = out.get("interventions")
    if isinstance(interventions, dict):
        out["interventions"] = {
            name: (
                {"strength": value["strength"]}
                if isinstance(value, dict) and "strength" in value
                else value
            )
            for name, value in interventions.items()
        }
    return out


def fields_table(ruleset: RuleSet) -> str:
    """The normative fields as a Markdown table: path, comparison, meaning, guideline sections.

    The how-to "Validate your implementation" shows this table; a test keeps it
    equal to what this function prints.
    """
    lines = [
        "| field | compared as | meaning | guideline sections |",
        "|---|---|---|---|",
    ]
    for f in NORMATIVE_FIELDS:
        sections = "; ".join(s.value for s in field_sections(f, ruleset)) or "(none)"
        lines.append(f"| `{f.path}` | {f.kind.value} | {f.words} | {sections} |")
    return "\n".join(lines) + "\n"


def _reads(ruleset: RuleSet) -> dict[str, set[Section]]:
    """For each case variable, the sections of the rules whose conditions read it."""
    out: dict[str, set[Section]] = {path: set() for path in VARIABLES}
    for rule in ruleset.rules:
        for node in rule.when.walk():
            if isinstance(node, Flag | Is | Has | Cmp | Present):
                path = node.path
            elif isinstance(node, FactorAt | AnyFactorAt):
                path = "prognostic_factors"
            else:
                continue
            out[path].add(rule.section)
            parent = VARIABLES[path].parent
            if parent is not None:
                out[parent].add(rule.section)
    return out


def case_fields_table(ruleset: RuleSet) -> str:
    """The fields of a case as a Markdown table: path, meaning, guideline sections that read it.

    The how-to "Validate your implementation" shows this table; a test keeps it
    equal to what this function prints.
    """
    reads = _reads(ruleset)
    lines = ["| field | meaning | read by rules of |", "|---|---|---|"]
    for path, var in VARIABLES.items():
        sections = "; ".join(s.value for s in Section if s in reads[path])
        lines.append(f"| `{path}` | {var.words} | {sections or '(no rule: context only)'} |")
    return "\n".join(lines) + "\n"
