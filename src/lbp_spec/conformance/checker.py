"""The checker: compare a vendor's answers with the suite, vector by vector.

For each vector the result is ``pass``, ``fail`` (the normative advice differs:
each differing field with the expected and the actual value, the rules that set
the expected value and the rules that would give the actual one), ``error``
(the vendor gave no usable answer: a crash, a timeout, invalid JSON, an advice
that breaks the schema, or no answer at all) or ``skip`` (listed in the skip
list, with its reason). The answers come from a program
(:func:`~lbp_spec.conformance.check_program`), from a file
(:func:`~lbp_spec.conformance.check_answers_file`) or from anywhere
(:func:`~lbp_spec.conformance.check_replies`).

Answers are compared in their canonical normative form
(:mod:`lbp_spec.conformance.answers`), so that checking is fast; the reference
evaluator is consulted only to explain a disagreement.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs

from lbp_spec.advice import Advice, Window
from lbp_spec.conformance.answers import (
    AnswerError,
    Canon,
    ErrorKind,
    agrees,
    agrees_parsed,
    canonical,
    differences,
    read_envelope,
)
from lbp_spec.conformance.fields import FieldKind, NormativeField
from lbp_spec.conformance.runner import Program
from lbp_spec.conformance.skips import SkipList
from lbp_spec.conformance.suite import Suite, Vector
from lbp_spec.contract import advice_to_json, case_from_json
from lbp_spec.contract.codec import read_lines
from lbp_spec.errors import InvalidCaseError
from lbp_spec.evaluator import evaluate
from lbp_spec.rule import SLOTS, Rule, SlotKind
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import Strength, Urgency

__all__ = [
    "Disagreement",
    "Outcome",
    "Report",
    "VectorResult",
    "check_answers_file",
    "check_program",
    "check_replies",
]


class Outcome(enum.Enum):
    """The result of one vector."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"


@attrs.frozen
class Disagreement:
    """One normative field where the vendor's advice differs from the guideline's.

    Attributes:
        path: The field, e.g. ``interventions.mobilisation.strength``.
        expected: The guideline's value (JSON).
        actual: The vendor's value (JSON).
        rules: The rules that set the expected value (empty: the field's
            default, because no rule applies).
        other_rules: The rules that would give the vendor's value, none of
            which applies to this case (or which a resolution sets aside).

    """

    path: str
    expected: Any
    actual: Any
    rules: tuple[str, ...] = ()
    other_rules: tuple[str, ...] = ()


@attrs.frozen
class VectorResult:
    """The result of one vector.

    Attributes:
        vector: The vector.
        outcome: Pass, fail, error or skip.
        disagreements: For a failure, every differing field.
        error: For an error, what went wrong.
        skip_reason: For a skip, the reason from the skip list.

    """

    vector: Vector
    outcome: Outcome
    disagreements: tuple[Disagreement, ...] = ()
    error: AnswerError | None = None
    skip_reason: str | None = None

    @property
    def id(self) -> str:
        """The vector id."""
        return self.vector.id


@attrs.frozen
class Report:
    """The result of a check.

    Attributes:
        suite: The suite's manifest.
        source: What was checked (the program, or the answers file).
        results: One result per vector, in suite order.
        notes: Remarks about the answers that belong to no vector (for
            example answers for unknown vector ids).

    """

    suite: dict[str, Any] = attrs.field(eq=False)
    source: str
    results: tuple[VectorResult, ...]
    notes: tuple[str, ...] = ()

    def count(self, outcome: Outcome) -> int:
        """How many vectors had ``outcome``."""
        return sum(1 for r in self.results if r.outcome is outcome)

    @property
    def passed(self) -> bool:
        """No vector failed or erred (skipped ones do not count)."""
        return all(r.outcome in (Outcome.PASS, Outcome.SKIP) for r in self.results)

    def by_group(self) -> dict[str, dict[Outcome, int]]:
        """Outcome counts per group (every outcome, zeros included), in suite order."""
        out: dict[str, dict[Outcome, int]] = {}
        for r in self.results:
            counts = out.setdefault(r.vector.group, dict.fromkeys(Outcome, 0))
            counts[r.outcome] += 1
        return out

    def by_rule(self, ruleset: RuleSet = GUIDELINE) -> dict[str, dict[str, int]]:
        """Per rule, in rule-set order: how the answers fared where it matters.

        ``vectors``: the vectors exercising the rule; ``failed``: those of them
        not passed; ``missed``: disagreements on a value the rule sets;
        ``misapplied``: disagreements where the answer's value can only come
        from the rule, which does not apply to the case.
        """
        out = {
            r.id: {"vectors": 0, "failed": 0, "missed": 0, "misapplied": 0} for r in ruleset.rules
        }
        for result in self.results:
            for rule in result.vector.rules:
                if rule in out:
                    out[rule]["vectors"] += 1
                    if result.outcome in (Outcome.FAIL, Outcome.ERROR):
                        out[rule]["failed"] += 1
            for d in result.disagreements:
                for rule in d.rules:
                    if rule in out:
                        out[rule]["missed"] += 1
                if len(d.other_rules) == 1 and d.other_rules[0] in out:
                    out[d.other_rules[0]]["misapplied"] += 1
        return out


# -- judging one answer -------------------------------------------------------------------------


class _Judge:
    """Judges answers against vectors; explains disagreements with the reference rules."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.rs = ruleset
        self._expected: dict[int, Canon] = {}

    def expected(self, vector: Vector) -> Canon:
        key = id(vector.expected)
        found = self._expected.get(key)
        if found is None:
            found = self._expected[key] = canonical(vector.expected)
        return found

    def judge(self, vector: Vector, reply: Canon | AnswerError | None) -> VectorResult:
        """The result of ``vector`` given an answer already read (``None``: agrees)."""
        if reply is None:
            return VectorResult(vector, Outcome.PASS)
        if isinstance(reply, AnswerError):
            return VectorResult(vector, Outcome.ERROR, error=reply)
        expected = self.expected(vector)
        if reply == expected:
            return VectorResult(vector, Outcome.PASS)
        return VectorResult(vector, Outcome.FAIL, self._explain(vector, expected, reply))

    def judge_text(self, vector: Vector, text: str | AnswerError) -> VectorResult:
        """The result of ``vector`` given the vendor's text (or why there is none)."""
        if isinstance(text, AnswerError):
            return VectorResult(vector, Outcome.ERROR, error=text)
        return self.judge(vector, agrees(text, vector.expected))

    def _explain(self, vector: Vector, expected: Canon, actual: Canon) -> tuple[Disagreement, ...]:
        advice = evaluate(case_from_json(vector.case), self.rs)
        known = canonical(advice_to_json(advice)) == expected
        out = []
        for path, f, want, got in differences(expected, actual):
            if not known:  # the suite was made by other rules: no sources to give
                out.append(Disagreement(path, want, got))
                continue
            rules, others = _sources(self.rs, advice, f, want, got)
            out.append(Disagreement(path, want, got, rules, others))
        return tuple(out)


def _slot_json(kind: FieldKind, value: object) -> Any:
    """A value rules write, as the field's JSON value (for matching)."""
    if isinstance(value, Urgency):
        return value.value
    if isinstance(value, Window):
        return [value.low, value.high]
    if isinstance(value, Strength):
        return value.value
    return value


def _sources(
    rs: RuleSet, advice: Advice, f: NormativeField, want: Any, got: Any
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rules behind the expected value, and those that would give the actual one."""
    fired = set(advice.fired)

    def effective(rule_id: str) -> bool:
        return rule_id in fired and not any(w in fired for w in rs.overriders(rule_id, f.slot))

    writers = rs.writers(f.slot)
    if f.kind is FieldKind.SET or f.path == "neurological_examination.required":
        if f.kind is FieldKind.SET:
            missing = {m for m in want if m not in got}
            extra = {m for m in got if m not in want}
        else:  # required: the components decide it
            missing = {_member_value(v) for _, v in writers} if want else set()
            extra = {_member_value(v) for _, v in writers} if got else set()
        rules = [r.id for r, v in writers if _member_value(v) in missing and r.id in fired]
        others = [r.id for r, v in writers if _member_value(v) in extra and r.id not in fired]
        return _unique(rules), _unique(others)
    if SLOTS[f.slot].kind is not SlotKind.SINGLE:  # pragma: no cover - every field is listed
        return (), ()

    def matches(rule: Rule, value: object, target: Any) -> bool:
        if f.kind is not FieldKind.REFERRAL:
            return bool(_slot_json(f.kind, value) == target)
        urgency = _slot_json(f.kind, value)
        modes = [getattr(m, "value", m) for m in rule.writes("referral_mode")]
        if isinstance(target, dict):  # the whole referral
            return urgency == target.get("urgency") and target.get("mode") in modes
        return target == urgency or target in modes  # one part: referral.urgency or .mode

    rules = [r.id for r, v in writers if matches(r, v, want) and effective(r.id)]
    others = [r.id for r, v in writers if matches(r, v, got) and not effective(r.id)]
    return _unique(rules), _unique(others)


def _member_value(value: object) -> object:
    return getattr(value, "value", value)


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


# -- checking -----------------------------------------------------------------------------------


_MISSING: Final = AnswerError(ErrorKind.MISSING, "no answer")


def _skip_or_none(vector: Vector, skips: SkipList | None) -> VectorResult | None:
    if skips is None:
        return None
    reason = skips.reason(vector.id)
    if reason is None:
        return None
    return VectorResult(vector, Outcome.SKIP, skip_reason=reason)


def check_replies(
    suite: Suite,
    replies: Iterable[str | AnswerError],
    *,
    skips: SkipList | None = None,
    source: str = "replies",
    ruleset: RuleSet = GUIDELINE,
) -> Report:
    """Check one reply per vector that is not skipped, in suite order.

    Args:
        suite: The suite.
        replies: The advice text (or the error) for each vector not skipped.
        skips: Vectors to skip, each with its reason.
        source: What produced the replies, for the report.
        ruleset: The reference rules, to explain disagreements.

    Returns:
        The report.

    """
    if skips is not None:
        skips.check_against(v.id for v in suite.vectors)
    judge = _Judge(ruleset)
    iterator = iter(replies)
    results = []
    for vector in suite.vectors:
        skipped = _skip_or_none(vector, skips)
        if skipped is not None:
            results.append(skipped)
            continue
        reply = next(iterator, None)
        results.append(judge.judge_text(vector, _MISSING if reply is None else reply))
    return Report(suite.manifest, source, tuple(results))


def check_program(
    suite: Suite,
    program: Program,
    *,
    skips: SkipList | None = None,
    ruleset: RuleSet = GUIDELINE,
) -> Report:
    """Run ``program`` on every vector not skipped and check its answers.

    Raises:
        ProgramError: The program cannot be started.
        SkipListError: A skip entry matches no vector.

    """
    if skips is not None:
        skips.check_against(v.id for v in suite.vectors)
    cases = [_compact(v.case) for v in suite.vectors if skips is None or skips.reason(v.id) is None]
    replies = program.replies(cases)
    try:
        return check_replies(
            suite, replies, skips=skips, source=program.describe(), ruleset=ruleset
        )
    finally:
        replies.close()  # every process the program started is gone, whatever happened


def _compact(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def _is_envelope(line: str | AnswerError) -> bool:
    """Whether the first line of an answers file is ``{"id": ..., "advice": ...}``."""
    if isinstance(line, AnswerError):
        return False
    try:
        doc = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and "id" in doc and "advice" in doc


def _answer_lines(stream: BinaryIO) -> Iterator[str | AnswerError]:
    """The non-blank lines of an answers file (the contract's one JSON Lines reader).

    A line that is not UTF-8, or longer than the contract's limit, is an error
    for that line (``invalid_json``) and keeps its place.
    """
    for _, line in read_lines(stream):
        if isinstance(line, InvalidCaseError):
            yield AnswerError(ErrorKind.INVALID_JSON, line.problems[0].message)
        else:
            yield line.strip()


def check_answers_file(
    suite: Suite,
    path: Path | str,
    *,
    skips: SkipList | None = None,
    ruleset: RuleSet = GUIDELINE,
) -> Report:
    """Check a file of answers.

    The file is JSON Lines, in one of two forms (told apart by its first
    non-blank line):

    * **keyed**: ``{"id": "<vector id>", "advice": {...}}`` per line, in any
      order; a vector without an answer is an error (``missing``), one answered
      twice too (``duplicate``), and answers for unknown ids are noted;
    * **positional**: one advice document per line, line *k* answering the
      *k*-th vector of the suite (the order of ``cases.jsonl``), skipped
      vectors included.

    Raises:
        OSError: The file cannot be read.
        SkipListError: A skip entry matches no vector.

    """
    if skips is not None:
        skips.check_against(v.id for v in suite.vectors)
    with open(path, "rb") as stream:
        lines = _answer_lines(stream)
        first = next(lines, None)
        if first is not None and _is_envelope(first):
            return _check_keyed(suite, _chain(first, lines), skips, ruleset, str(path))
        judge = _Judge(ruleset)
        results = []
        replies = _chain(first, lines) if first is not None else iter(())
        for index, vector in enumerate(suite.vectors, start=1):
            line = next(replies, None)
            skipped = _skip_or_none(vector, skips)
            if skipped is not None:
                results.append(skipped)
                continue
            reply = (
                AnswerError(ErrorKind.MISSING, f"the file has no answer number {index}")
                if line is None
                else line
            )
            results.append(judge.judge_text(vector, reply))
        extra = sum(1 for _ in replies)
    notes = []
    if first is None:
        notes.append("the answers file is empty")
    if extra:
        notes.append(
            f"the file has {extra} answer(s) more than the suite's {len(suite.vectors)} "
            "vectors; they were ignored"
        )
    return Report(suite.manifest, f"answers file {path} (positional)", tuple(results), tuple(notes))


def _chain(
    first: str | AnswerError, rest: Iterator[str | AnswerError]
) -> Iterator[str | AnswerError]:
    yield first
    yield from rest


def _check_keyed(
    suite: Suite,
    lines: Iterable[str | AnswerError],
    skips: SkipList | None,
    ruleset: RuleSet,
    path: str,
) -> Report:
    judge = _Judge(ruleset)
    vectors = {v.id: v for v in suite.vectors}
    results: dict[str, VectorResult] = {}
    duplicates: set[str] = set()
    unknown: list[str] = []
    unreadable = 0
    for line in lines:
        if isinstance(line, AnswerError):
            unreadable += 1
            continue
        vector_id, doc = read_envelope(line)
        if vector_id is None:
            unreadable += 1
            continue
        vector = vectors.get(vector_id)
        if vector is None:
            unknown.append(vector_id)
        elif vector_id in results:
            duplicates.add(vector_id)
        else:
            results[vector_id] = judge.judge(vector, agrees_parsed(line, doc, vector.expected, 2))
    out = []
    for vector in suite.vectors:
        skipped = _skip_or_none(vector, skips)
        if skipped is not None:
            out.append(skipped)
        elif vector.id in duplicates:
            error = AnswerError(
                ErrorKind.DUPLICATE, "the answers file answers this vector more than once"
            )
            out.append(judge.judge(vector, error))
        else:
            out.append(results.get(vector.id) or judge.judge(vector, _MISSING))
    notes = []
    if unknown:
        shown = ", ".join(unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        notes.append(f"{len(unknown)} answer(s) for vector ids not in the suite: {shown}")
    if unreadable:
        notes.append(f"{unreadable} line(s) without a readable vector id were ignored")
    source = f"answers file {path} (keyed by vector id)"
    return Report(suite.manifest, source, tuple(out), tuple(notes))
