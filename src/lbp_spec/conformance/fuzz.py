"""For Python vendors: property-test an implementation against the reference, with shrinking.

A vendor's function takes a case document (the parsed JSON of the contract) and
returns an advice document; :func:`~lbp_spec.conformance.find_disagreement` feeds it
valid cases drawn
by :func:`lbp_spec.strategies.cases` (Hypothesis, biased to the guideline's
thresholds) and compares its normative advice with :func:`lbp_spec.evaluate`.
When they disagree, Hypothesis shrinks the case, and then every finding that is
not needed for the disagreement is reset to that of a plain patient, one at a
time, so the case you get back is *minimal*: changing any one of its findings
back to the default makes the disagreement go away.

Use it from a test (requires ``pip install lbp-spec[strategies]``)::

    from lbp_spec.conformance import assert_conforms
    from my_system import advise_json

    def test_we_follow_the_guideline():
        assert_conforms(advise_json, max_examples=500)

A vendor function that raises, or returns something that is not a valid advice
document, disagrees too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from lbp_spec.case import FOLLOW_UP_FIELDS, Case, NeurologicalExam
from lbp_spec.conformance.answers import AnswerError, read_answer
from lbp_spec.conformance.checker import Disagreement, Outcome, _Judge
from lbp_spec.conformance.fields import normative_json
from lbp_spec.conformance.report import case_summary
from lbp_spec.conformance.suite import Vector
from lbp_spec.contract import advice_to_json, case_to_json
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import Consultation, FactorLevel

if TYPE_CHECKING:  # pragma: no cover
    import hypothesis.strategies

__all__ = [
    "Advise",
    "Counterexample",
    "NonConformanceError",
    "assert_conforms",
    "find_disagreement",
]

Advise = Callable[[dict[str, Any]], Mapping[str, Any]]
"""A vendor's implementation: a case document in, an advice document out."""


@attrs.frozen
class Counterexample:
    """A case on which the vendor's function and the guideline disagree.

    Attributes:
        case: The (minimal) case.
        expected: The guideline's normative advice, as JSON.
        actual: What the vendor's function returned (``None`` if it raised).
        disagreements: Every differing normative field, with the rules behind
            the expected value.
        error: Why the vendor's answer could not be compared (it raised, or
            returned an invalid advice), if so.

    """

    case: Case
    expected: dict[str, Any] = attrs.field(eq=False)
    actual: Any = attrs.field(eq=False)
    disagreements: tuple[Disagreement, ...] = ()
    error: str | None = None

    def __str__(self) -> str:
        lines = [
            "The implementation disagrees with the guideline on this case (minimal: resetting "
            "any one of its findings to the default makes the disagreement go away):",
            f"  case: {case_summary(case_to_json(self.case))}",
        ]
        if self.error is not None:
            lines.append(f"  {self.error}")
        for d in self.disagreements:
            lines.append(
                f"  {d.path}: expected {json.dumps(d.expected)}, got {json.dumps(d.actual)}"
            )
            for rule_id in d.rules:
                rule = GUIDELINE.rule(rule_id) if rule_id in _IDS else None
                quote = f": \u201c{' '.join(rule.quote)}\u201d" if rule is not None else ""
                lines.append(f"    set by {rule_id}{quote}")
        lines.append(f"  case document: {json.dumps(case_to_json(self.case))}")
        return "\n".join(lines)


_IDS = frozenset(r.id for r in GUIDELINE.rules)


class NonConformanceError(AssertionError):
    """Raised by ``assert_conforms``; carries the ``Counterexample``."""

    def __init__(self, counterexample: Counterexample) -> None:
        super().__init__(str(counterexample))
        self.counterexample = counterexample


def _compare(advise: Advise, case: Case, ruleset: RuleSet) -> Counterexample | None:
    case_json = case_to_json(case)
    expected = normative_json(advice_to_json(evaluate(case, ruleset)))
    vector = Vector("python", "python", (), (), case_json, expected)
    try:
        actual: Any = advise(json.loads(json.dumps(case_json)))
        text = json.dumps(actual, allow_nan=False)
    except Exception as error:  # the vendor's bug, reported as a disagreement
        return Counterexample(
            case, expected, None, (), f"the function raised {type(error).__name__}: {error}"
        )
    answer = read_answer(text)
    if isinstance(answer, AnswerError):
        problems = "; ".join(answer.problems)
        return Counterexample(
            case, expected, actual, (), f"{answer.kind.value}: {answer.message} {problems}".strip()
        )
    result = _Judge(ruleset).judge(vector, answer)
    if result.outcome is Outcome.PASS:
        return None
    return Counterexample(case, expected, actual, result.disagreements)


# -- shrinking by resetting findings --------------------------------------------------------------


def _evolve(case: Case, **changes: Any) -> Case | None:
    try:
        return attrs.evolve(case, **changes)
    except (InvalidCaseError, TypeError):
        return None


def _simpler_exam(exam: NeurologicalExam) -> Iterator[NeurologicalExam]:
    plain = NeurologicalExam()
    for a in attrs.fields(NeurologicalExam):
        value, default = getattr(exam, a.name), getattr(plain, a.name)
        if value == default:
            continue
        yield attrs.evolve(exam, **{a.name: default})
        if a.name == "mrc_lowest":
            yield attrs.evolve(exam, mrc_lowest=value + 1)


def _simpler(case: Case) -> Iterator[Case | None]:
    """Cases one step closer to a plain patient, in a fixed order."""
    plain = Case()
    if case.is_follow_up:
        yield _evolve(case, consultation=Consultation.INITIAL, **dict.fromkeys(FOLLOW_UP_FIELDS))
    for a in attrs.fields(Case):
        name = a.name
        value = getattr(case, name)
        if name in FOLLOW_UP_FIELDS or name == "consultation":
            if name in ("weeks_since_start", "sessions_used") and value is not None:
                floor = 1 if name == "sessions_used" else 0
                if value > floor:
                    yield _evolve(case, **{name: floor})
                    yield _evolve(case, **{name: value - 1})
            elif (
                name
                in (
                    "reevaluation_new_insights",
                    "adjustment_expected_to_suffice",
                    "medication_dose_doubt",
                )
                and value is not None
            ):
                yield _evolve(case, **{name: None})
            continue
        default = getattr(plain, name)
        if value == default:
            continue
        if isinstance(value, frozenset):
            for member in sorted(value, key=lambda m: m.value):
                yield _evolve(case, **{name: value - {member}})
        elif name == "prognostic_factors":
            yield _evolve(case, prognostic_factors={})
            for factor, level in sorted(value.items(), key=lambda kv: kv[0].value):
                rest = {f: v for f, v in value.items() if f is not factor}
                yield _evolve(case, prognostic_factors=rest)
                if level is FactorLevel.DOMINANT:
                    yield _evolve(
                        case, prognostic_factors={**rest, factor: FactorLevel.NON_DOMINANT}
                    )
        elif name == "neurological_exam":
            yield _evolve(case, neurological_exam=None)
            for exam in _simpler_exam(value):
                yield _evolve(case, neurological_exam=exam)
        else:
            yield _evolve(case, **{name: default})
            if isinstance(value, int) and not isinstance(value, bool) and value > default:
                yield _evolve(case, **{name: value - 1})


def minimise(case: Case, disagrees: Callable[[Case], bool]) -> Case:
    """Reset findings of ``case`` one at a time while ``disagrees`` stays true.

    Returns:
        A case on which ``disagrees`` holds, and on which it no longer holds
        after any one of the steps that reset one finding.

    """
    changed = True
    while changed:
        changed = False
        for candidate in _simpler(case):
            if candidate is not None and candidate != case and disagrees(candidate):
                case = candidate
                changed = True
                break
    return case


# -- the property test ----------------------------------------------------------------------------


class _Found(Exception):
    def __init__(self, counterexample: Counterexample) -> None:
        super().__init__("disagreement")
        self.counterexample = counterexample


def find_disagreement(
    advise: Advise,
    *,
    max_examples: int = 500,
    seed: int = 0,
    cases: hypothesis.strategies.SearchStrategy[Case] | None = None,
    ruleset: RuleSet = GUIDELINE,
) -> Counterexample | None:
    """Look for a case on which ``advise`` disagrees with the guideline.

    Args:
        advise: The vendor's function: a case document in, an advice document out.
        max_examples: How many cases Hypothesis tries.
        seed: Hypothesis's seed (the same seed tries the same cases).
        cases: The strategy of cases; :func:`lbp_spec.strategies.cases` unless given.
        ruleset: The reference rules; the built-in guideline unless given.

    Returns:
        A minimal counterexample, or ``None`` when every case tried agrees.

    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    from lbp_spec.strategies import cases as all_cases

    strategy = all_cases() if cases is None else cases

    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
    )
    @fixed_seed(seed)
    @given(strategy)
    def agrees(case: Case) -> None:
        found = _compare(advise, case, ruleset)
        if found is not None:
            raise _Found(found)

    try:
        agrees()
    except _Found as failure:
        first = failure.counterexample
    else:
        return None
    case = minimise(first.case, lambda c: _compare(advise, c, ruleset) is not None)
    final = _compare(advise, case, ruleset)
    return final if final is not None else first


def assert_conforms(advise: Advise, **options: Any) -> None:
    """Raise ``NonConformanceError`` with a minimal case if ``advise`` disagrees.

    Args:
        advise: The vendor's function: a case document in, an advice document out.
        **options: Passed to ``find_disagreement``.

    Raises:
        NonConformanceError: With the minimal counterexample and its disagreements.

    """
    found = find_disagreement(advise, **options)
    if found is not None:
        raise NonConformanceError(found)
