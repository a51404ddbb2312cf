"""The ``lbp-spec`` command: a thin shell over the library (I/O and formatting only).

Subcommands are listed in :data:`COMMANDS`, each with its summary, an example
for the help, its arguments and the function that runs it. Every run ends in
an :class:`ExitCode`; errors are reported in one line on stderr, never as a
traceback (set ``LBP_SPEC_DEBUG=1`` to see it).

Decisions:

* ``evaluate`` reads one case (a JSON object, pretty-printed or not) or many (JSON
  Lines: one object per line). The input is one case when it is one JSON
  document as a whole, otherwise JSON Lines. Concretely: when its first
  non-blank line is a complete JSON value on its own, the input is JSON Lines
  unless no other non-blank line follows (and is then streamed); otherwise the
  whole input is read, and it is JSON Lines only if it does not parse as a
  whole and some line of it is a JSON object on its own (so a file of records
  whose first line is broken is still read record by record). Otherwise it is
  one document, and a broken pretty-printed case is reported once, with the line
  and column of its syntax error, not line by line. No more than the contract's
  document limit is held to decide: a longer input is JSON Lines if one of its
  first lines is an object, else one document too long to read.
* Input is read as bytes by the contract's one JSON Lines reader
  (:func:`lbp_spec.contract.codec.raw_lines`), for a file and standard input
  alike: lines end at a line feed only and each is decoded on its own.
* In a batch, each non-blank input line gets one compact output line, in input
  order: ``{"line": N, "id": ID, "advice": {...}}`` or, in place of an invalid
  record, ``{"line": N, "id": ID, "error": {"problems": [...]}}`` (the ``batch``
  schema); the problems also go to stderr as ``line N: <path>: <message>``, one
  line per problem, with control characters escaped.
* ``evaluate --partial`` reads partial cases the same way: one document, or JSON
  Lines answered line by line as a batch (:mod:`lbp_spec.partial.batch`), with
  status 1 if any record is invalid, else 3 if any field is undecided (a fault
  in the input before a limit of the solver). Ctrl-C stops it inside a solver
  check too, where Z3 alone would leave the field undecided and go on.
* An empty input is a usage error (nothing to evaluate).
* A closed output pipe (``lbp-spec evaluate big.jsonl | head``) ends the run
  quietly with status 0; an interrupt (Ctrl-C) with status 130.
* Without arguments the help is printed and the status is 2 (usage).
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import itertools
import json
import os
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO, Final, TextIO

import attrs

from lbp_spec._version import __version__
from lbp_spec.advice import Advice
from lbp_spec.contract import (
    CONTRACT_VERSION,
    SCHEMA_NAMES,
    advice_to_json,
    case_from_json,
    case_id,
    load_case,
    load_partial_case,
    parse_json,
    schema_text,
)
from lbp_spec.contract.codec import (
    MAX_DOCUMENT_BYTES,
    batch_line_text,
    decode_line,
    raw_lines,
)
from lbp_spec.errata import append_errata, errata_json
from lbp_spec.errors import InvalidCaseError, RuleSetError
from lbp_spec.evaluator import evaluate
from lbp_spec.explain import explain
from lbp_spec.limits import seconds_to_ms
from lbp_spec.terminal import safe_text

if TYPE_CHECKING:  # pragma: no cover - the subcommands import what they run when they run
    from lbp_spec.episodes.verify import EpisodeResult
    from lbp_spec.findings import LiteralReport
    from lbp_spec.health import HealthReport
    from lbp_spec.ruleset import RuleSet
    from lbp_spec.verify import PropertyResult, Report

__all__ = ["COMMANDS", "EXIT_MEANINGS", "Command", "ExitCode", "build_parser", "main"]

PROG: Final = "lbp-spec"
DEBUG_VARIABLE: Final = "LBP_SPEC_DEBUG"


class ExitCode(enum.IntEnum):
    """Exit status of ``lbp-spec``; :data:`EXIT_MEANINGS` says what each means."""

    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    UNKNOWN = 3
    INTERNAL = 4
    INTERRUPTED = 130
    TERMINATED = 143


EXIT_MEANINGS: Final = {
    ExitCode.OK: "success",
    ExitCode.CHECK_FAILED: (
        "the check failed: an invalid input record (evaluate), a refuted or vacuous "
        "requirement (verify), collisions in the literal reading (verify --literal)"
    ),
    ExitCode.USAGE: "usage error: bad arguments, unreadable file, empty input",
    ExitCode.UNKNOWN: (
        "unknown: the solver gave up on a property (verify) or left an advice field "
        "undecided (evaluate --partial)"
    ),
    ExitCode.INTERNAL: "internal error (a bug in lbp_spec: please report it)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
    ExitCode.TERMINATED: "terminated (SIGTERM) during a conformance check; its processes stopped",
}
"""What each exit status means; printed in the help."""


class UsageError(Exception):
    """A mistake in how the command was called; reported in one line, status 2."""


@attrs.frozen
class Command:
    """One subcommand of ``lbp-spec``.

    Attributes:
        name: The subcommand.
        summary: One line for the list of subcommands.
        description: What it does, for its own help (or a function that says it, when
            saying it needs imports the other subcommands should not pay for).
        examples: Example command lines with a comment, for the help.
        configure: Adds its arguments to its parser.
        run: Runs it on the parsed arguments.

    """

    name: str
    summary: str
    description: str | Callable[[], str]
    examples: tuple[tuple[str, str], ...]
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], ExitCode]


# -- evaluate ---------------------------------------------------------------------------------


def _open(path: str) -> BinaryIO:
    if path == "-":
        if sys.stdin.isatty():
            _fail("reading cases from the terminal; end with Ctrl-D (see lbp-spec evaluate -h)")
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None


def _parses(raw: bytes | int) -> object:
    """The parsed JSON value of one line, or :data:`_NOT_JSON`."""
    text = decode_line(raw)
    if isinstance(text, InvalidCaseError):
        return _NOT_JSON
    try:
        return parse_json(text)
    except InvalidCaseError:
        return _NOT_JSON


_NOT_JSON: Final = object()


def _blank(raw: bytes | int) -> bool:
    return isinstance(raw, bytes) and not raw.strip()


def _split(stream: BinaryIO) -> tuple[bytes | int | None, Iterator[tuple[int, bytes | int]]]:
    """Decide between one document and JSON Lines (see the module docstring).

    Lines are read by the one bounded JSON Lines reader
    (:func:`lbp_spec.contract.codec.raw_lines`); no more than
    :data:`~lbp_spec.contract.codec.MAX_DOCUMENT_BYTES` is held to decide: a
    longer input is not one document.

    Returns:
        ``(data, records)``: the whole bytes of a single document (its size
        so far when it is too long to read) and no records, or ``None`` and the
        numbered lines of JSON Lines.

    """
    lines = raw_lines(stream)
    head: list[bytes | int] = []
    for line in lines:
        head.append(line)
        if not _blank(line):
            break
    else:
        raise UsageError("no input: expected a JSON case, or cases as JSON Lines")
    if _parses(head[-1]) is _NOT_JSON:
        size = sum(len(x) if isinstance(x, bytes) else x for x in head)
        for line in lines:
            head.append(line)
            size += len(line) if isinstance(line, bytes) else line
            if size > MAX_DOCUMENT_BYTES:  # too long for one document: JSON Lines, or too long
                if any(isinstance(_parses(line), dict) for line in head if not _blank(line)):
                    return None, enumerate(itertools.chain(head, lines), start=1)
                return size, iter(())  # the rest is left unread
        data = b"".join(x for x in head if isinstance(x, bytes))
        if _parses(data) is _NOT_JSON and any(
            isinstance(_parses(line), dict) for line in head if not _blank(line)
        ):
            return None, enumerate(head, start=1)
        return data, iter(())
    for line in lines:
        head.append(line)
        if not _blank(line):
            return None, enumerate(itertools.chain(head, lines), start=1)
    return b"".join(x for x in head if isinstance(x, bytes)), iter(())


def _write_partial(text: str, explained: bool, out: TextIO) -> ExitCode:
    """Write the partial answer for one partial case; UNKNOWN when a field is undecided."""
    from lbp_spec.interrupt import interruptible
    from lbp_spec.partial import evaluate_partial, partial_json, partial_text
    from lbp_spec.partial.batch import undecided

    partial = load_partial_case(text)
    with interruptible():  # Ctrl-C stops the run (Z3 alone would leave a field undecided)
        answer = evaluate_partial(partial)
    if explained:
        out.write(partial_text(answer))
    else:
        out.write(json.dumps(partial_json(answer), ensure_ascii=False, indent=2) + "\n")
    return ExitCode.UNKNOWN if undecided(answer) else ExitCode.OK


def _run_evaluate(args: argparse.Namespace) -> ExitCode:
    stream = _open(args.file)
    try:
        return _evaluate(stream, args.explain, args.partial)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _single(data: bytes | int, explained: bool, partial: bool = False) -> ExitCode:
    out, err = sys.stdout, sys.stderr
    text = decode_line(data)
    try:
        if isinstance(text, InvalidCaseError):
            raise text
        if partial:
            return _write_partial(text, explained, out)
        advice = evaluate(load_case(text))
    except InvalidCaseError as error:
        for problem in error.problems:
            err.write(f"{safe_text(str(problem))}\n")
        return ExitCode.CHECK_FAILED
    if explained:
        out.write(explain(advice))
    else:
        out.write(json.dumps(advice_to_json(advice), ensure_ascii=False, indent=2) + "\n")
    return ExitCode.OK


def _record(raw: bytes | int) -> tuple[str | None, Advice | InvalidCaseError]:
    """The id and the advice of one batch record, or its id (if readable) and its problems."""
    text = decode_line(raw)
    if isinstance(text, InvalidCaseError):
        return None, text
    try:
        obj = parse_json(text)
    except InvalidCaseError as error:
        return None, error
    try:
        return case_id(obj), evaluate(case_from_json(obj))
    except InvalidCaseError as error:
        return case_id(obj), error


def _evaluate(stream: BinaryIO, explained: bool, partial: bool = False) -> ExitCode:
    out, err = sys.stdout, sys.stderr
    data, records = _split(stream)
    if data is not None:
        return _single(data, explained, partial)
    if partial:
        return _evaluate_partial(records, explained, _interactive(stream))
    status = ExitCode.OK
    for number, raw in records:
        if _blank(raw):
            continue
        record_id, result = _record(raw)
        if isinstance(result, InvalidCaseError):
            status = ExitCode.CHECK_FAILED
            for problem in result.problems:
                err.write(f"line {number}: {safe_text(str(problem))}\n")
        if explained:
            out.write(f"== line {number} ==\n")
            if isinstance(result, InvalidCaseError):
                out.write("(invalid: see the errors)\n")
            else:
                out.write(explain(result))
            continue
        out.write(_one_line(batch_line_text(number, record_id, result)))
    return status


def _interactive(stream: BinaryIO) -> bool:
    """Whether ``stream`` is a terminal (someone types the input)."""
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def _evaluate_partial(
    records: Iterator[tuple[int, bytes | int]], explained: bool, interactive: bool = False
) -> ExitCode:
    """A batch of partial cases: one answer per non-blank line, as the ordinary batch.

    Status 1 if any record is invalid, else 3 if any answer has an undecided field.
    Ctrl-C stops the run inside a solver check too (:func:`lbp_spec.interrupt.interruptible`).
    The whole run is one such block, except when the input is typed at a terminal:
    then each record is, so that Ctrl-C also ends a wait for input (entering and
    leaving a block costs some 50 ms, which a batch from a file does not pay).
    """
    from lbp_spec.interrupt import interruptible
    from lbp_spec.partial import partial_text
    from lbp_spec.partial.batch import answer_record, partial_batch_line_text, undecided

    whole = contextlib.nullcontext() if interactive else interruptible()
    each = interruptible if interactive else contextlib.nullcontext
    out, err = sys.stdout, sys.stderr
    invalid = unknown = False
    with whole:
        for number, raw in records:
            if _blank(raw):
                continue
            with each():
                record_id, result = answer_record(raw)
            if isinstance(result, InvalidCaseError):
                invalid = True
                for problem in result.problems:
                    err.write(f"line {number}: {safe_text(str(problem))}\n")
            else:
                unknown = unknown or undecided(result)
            if explained:
                out.write(f"== line {number} ==\n")
                if isinstance(result, InvalidCaseError):
                    out.write("(invalid: see the errors)\n")
                else:
                    out.write(partial_text(result))
                continue
            out.write(_one_line(partial_batch_line_text(number, record_id, result)))
    if invalid:
        return ExitCode.CHECK_FAILED
    return ExitCode.UNKNOWN if unknown else ExitCode.OK


def _one_line(text: str) -> str:
    """A batch output line, U+2028 and U+2029 escaped: readers that split on them stay in step."""
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text + "\n"


def _configure_evaluate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="a case as a JSON object, or cases as JSON Lines; '-' or nothing: standard input",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--explain",
        action="store_true",
        help="print a readable account (with the guideline sentences) instead of JSON",
    )
    shown.add_argument("--json", action="store_true", help="print JSON (the default)")
    parser.add_argument(
        "--partial",
        action="store_true",
        help=(
            "the case names its unknown inputs ('unknown': field paths): print what is "
            "settled for every valid completion, what is open (each value with a completion), "
            "and which unknown input to ask about first ('lbp-spec schema partial_case'). On "
            'JSON Lines, one line per record as in a batch: {"line": N, "id": ID, '
            '"partial_advice": {...}} or the same error line (\'lbp-spec schema '
            "partial_batch'). Status 1 if any record is invalid, else 3 if any field is "
            "undecided, else 0"
        ),
    )


EVALUATE: Final = Command(
    name="evaluate",
    summary="give the guideline's advice for a case (or for each case of a JSON Lines file)",
    description=(
        "Read one case (a JSON object) or many (JSON Lines: one object per line) and write "
        "the advice as JSON. One case: the advice, pretty-printed. JSON Lines: one compact "
        'line per non-blank input line, in input order: {"line": N, "id": ID, "advice": '
        '{...}} for a valid record, {"line": N, "id": ID, "error": {"problems": [...]}} in '
        "place of an invalid one ('lbp-spec schema batch'); ID is the record's own 'id', or "
        "null. Problems are also reported on stderr as 'line N: <field path>: <problem>', "
        "and make the status 1. A document longer than 1,000,000 bytes or nested deeper than "
        "64 levels is not read; at most 100 problems are listed per document. The JSON "
        "contract is described by 'lbp-spec schema case' and 'lbp-spec schema advice'."
    ),
    examples=(
        ("lbp-spec evaluate examples/profile1-initial.json", "advice for one case, as JSON"),
        ("lbp-spec evaluate --explain examples/lrs-recheck.json", "the advice, explained"),
        ("lbp-spec evaluate < examples/batch.jsonl", "one answer per line of JSON Lines"),
        (
            "lbp-spec evaluate --partial --explain examples/partial/mrc-unknown.json",
            "what is already certain while the MRC grade is not measured",
        ),
        (
            "lbp-spec evaluate --partial examples/partial/batch.jsonl",
            "one partial answer per line of JSON Lines",
        ),
    ),
    configure=_configure_evaluate,
    run=_run_evaluate,
)


# -- schema -----------------------------------------------------------------------------------


def _run_schema(args: argparse.Namespace) -> ExitCode:
    if args.document == PARTIAL_ADVICE:
        from lbp_spec.partial.report import partial_advice_schema

        sys.stdout.write(json.dumps(partial_advice_schema(), indent=2, ensure_ascii=False) + "\n")
        return ExitCode.OK
    if args.document == PARTIAL_BATCH:
        from lbp_spec.partial.batch import partial_batch_schema

        sys.stdout.write(json.dumps(partial_batch_schema(), indent=2, ensure_ascii=False) + "\n")
        return ExitCode.OK
    sys.stdout.write(schema_text(args.document))
    return ExitCode.OK


PARTIAL_ADVICE: Final = "partial_advice"
"""The answer of ``evaluate --partial``: its schema is versioned apart from the contract."""
PARTIAL_BATCH: Final = "partial_batch"
"""One line of ``evaluate --partial`` on JSON Lines (see :mod:`lbp_spec.partial.batch`)."""


def _configure_schema(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document",
        choices=(*SCHEMA_NAMES, PARTIAL_ADVICE, PARTIAL_BATCH),
        help="which document's schema",
    )


SCHEMA: Final = Command(
    name="schema",
    summary="print the JSON Schema (draft 2020-12) of a contract document",
    description=(
        f"Print the JSON Schema of the contract (version {CONTRACT_VERSION}) for a case, "
        "an advice, a partial case (a case naming its unknown inputs), or one line of batch "
        "output (evaluate on JSON Lines), as shipped with the package; 'partial_advice' is "
        "the answer of 'evaluate --partial', whose document has its own version, and "
        "'partial_batch' one line of its output on JSON Lines (the same partial advice "
        "document in an envelope)."
    ),
    examples=(("lbp-spec schema case > case.schema.json", "the schema of a case document"),),
    configure=_configure_schema,
    run=_run_schema,
)


# -- verify -----------------------------------------------------------------------------------


def _verify_status(report: Report) -> ExitCode:
    """Errors first (a bug), then a failed requirement (refuted or vacuous), then unknown.

    Findings (facts about the guideline expected to be refuted) count only when
    vacuous, unknown or in error.
    """
    from lbp_spec.verify import Status

    if report.count(Status.ERROR):
        return ExitCode.INTERNAL
    if any(not r.passed and r.status is not Status.UNKNOWN for r in report.results):
        return ExitCode.CHECK_FAILED
    if report.count(Status.UNKNOWN):
        return ExitCode.UNKNOWN
    return ExitCode.OK


def _literal_status(report: LiteralReport) -> ExitCode:
    """Errors first (a replay that failed), then findings (the committee's list), then unknown."""
    if report.errors:
        return ExitCode.INTERNAL
    if report.findings or report.remaining or report.vacuous:
        return ExitCode.CHECK_FAILED
    if report.unknown:
        return ExitCode.UNKNOWN
    return ExitCode.OK


def _run_verify_literal(args: argparse.Namespace) -> ExitCode:
    if args.property:
        raise UsageError("--literal checks the collisions and gaps, not --property")
    from lbp_spec.findings import analyse, literal_json, literal_text

    report = analyse(_rules(args.rules), timeout_ms=args.timeout)
    if args.json:
        data = {**literal_json(report), "errata": errata_json()}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(append_errata(literal_text(report)))
        sys.stdout.write(_verdict([("literal reading", _literal_status(report))], literal=True))
    return _literal_status(report)


def _stoppable(run: Callable[[argparse.Namespace], ExitCode]) -> Callable[..., ExitCode]:
    """``run``, stopped by Ctrl-C even inside a solver check (Z3 would answer unknown)."""

    def stoppable(args: argparse.Namespace) -> ExitCode:
        from lbp_spec.interrupt import interruptible

        try:
            with interruptible():
                return run(args)
        except KeyboardInterrupt:
            if sys.stderr.isatty():  # clear the progress line before 'interrupted'
                sys.stderr.write("\r\033[K")
            raise

    return stoppable


def _timeout(text: str) -> int:
    """A ``--timeout`` in seconds, as the solver's milliseconds (never 0, which is no limit)."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    try:
        return seconds_to_ms(seconds, "the time limit")
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _rules(path: str) -> RuleSet:
    """The rule set at ``path`` (``builtin``: the guideline); a bad file is a usage error."""
    from lbp_spec.loading import load_ruleset

    try:
        return load_ruleset(path)
    except RuleSetError as error:
        raise UsageError(str(error)) from None


def _run_verify(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.episodes.properties import CATALOGUE as EPISODE_CATALOGUE
    from lbp_spec.episodes.report import episodes_json, render_episodes_text
    from lbp_spec.episodes.verify import exit_status as episode_status
    from lbp_spec.episodes.verify import verify_episodes
    from lbp_spec.health import check_health, health_json, render_health_text
    from lbp_spec.properties import CATALOGUE
    from lbp_spec.report import report_json, report_text
    from lbp_spec.verify import verify

    if args.episode_bound < 1:
        raise UsageError("--episode-bound must be at least 1 week")
    if args.literal:
        return _run_verify_literal(args)
    names = args.property or None
    episode_names: list[str] | None = None
    if names is not None:
        episode_known = {p.name for p in EPISODE_CATALOGUE}
        known = {p.name for p in CATALOGUE} | episode_known
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UsageError(f"no property {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        episode_names = [n for n in names if n in episode_known]
        names = [n for n in names if n not in episode_known]
    err = sys.stderr
    progress = err.isatty() and not args.json

    def on_result(result: PropertyResult | EpisodeResult) -> None:
        if progress:
            err.write(f"\r\033[K{result.name}: {result.status.value}")
            err.flush()

    ruleset = _rules(args.rules)
    timeout_ms: int = args.timeout
    report = None
    if names is None or names:
        report = verify(ruleset, properties=names, timeout_ms=timeout_ms, on_result=on_result)
    health = None if args.property else check_health(ruleset, timeout_ms=timeout_ms)
    episodes = None
    if not args.no_episodes and (args.property is None or episode_names):
        episodes = verify_episodes(
            ruleset,
            bound_weeks=args.episode_bound,
            timeout_ms=timeout_ms,
            properties=episode_names or None,
            on_result=on_result,
        )
    if progress:
        err.write("\r\033[K")
        err.flush()
    sections: list[tuple[str, ExitCode]] = []
    if report is not None:
        sections.append(("properties", _verify_status(report)))
    if health is not None:
        sections.append(("rule health", _health_status(health)))
    if episodes is not None:
        sections.append(("episodes", ExitCode(episode_status(episodes))))
    if args.json:
        data: dict[str, object] = report_json(report) if report is not None else {}
        if health is not None:
            data["health"] = health_json(health)
        if episodes is not None:
            data["episodes"] = episodes_json(episodes)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        parts = []
        if report is not None:
            parts.append(report_text(report, ruleset))
        if health is not None:
            parts.append(render_health_text(health))
        if episodes is not None:
            parts.append(render_episodes_text(episodes))
        sys.stdout.write("\n".join(parts))
        sys.stdout.write(_verdict(sections))
    return max((status for _, status in sections), key=_severity)


_SECTION_WORDS: Final = {
    ExitCode.OK: "ok",
    ExitCode.CHECK_FAILED: "failed",
    ExitCode.UNKNOWN: "unknown",
    ExitCode.INTERNAL: "error",
}


def _verdict(sections: Sequence[tuple[str, ExitCode]], literal: bool = False) -> str:
    """The last line of a ``verify`` run: the overall verdict, each section's, the status.

    Whatever sections ran, the reader of the last line knows whether everything
    was proven, without scrolling back to the properties' summary.
    """
    status = max((s for _, s in sections), key=_severity)
    if literal:
        headline = {
            ExitCode.OK: "no collision or gap in the literal reading",
            ExitCode.CHECK_FAILED: "the literal reading has findings for the committee",
            ExitCode.UNKNOWN: "undecided: the solver gave up on some checks",
            ExitCode.INTERNAL: "ERROR: a witness did not replay",
        }[status]
        return f"\nOverall: {headline}; exit status {int(status)}.\n"
    headline = {
        ExitCode.OK: "all requirements proven",
        ExitCode.CHECK_FAILED: "NOT all requirements proven",
        ExitCode.UNKNOWN: "NOT all requirements proven, the solver gave up on some",
        ExitCode.INTERNAL: "ERROR, NOT all requirements proven",
    }[status]
    each = ", ".join(f"{name} {_SECTION_WORDS[s]}" for name, s in sections)
    return f"\nOverall: {headline} ({each}); exit status {int(status)}.\n"


def _severity(code: ExitCode) -> int:
    """How bad an exit status is: internal error, then a failed check, then unknown."""
    return {ExitCode.INTERNAL: 3, ExitCode.CHECK_FAILED: 2, ExitCode.UNKNOWN: 1}.get(code, 0)


def _health_status(health: HealthReport) -> ExitCode:
    """The exit status the rule health calls for.

    A replay error is internal; a rule that never fires or a reachable collision
    fails the check; an undecided check is unknown. Redundant rules and unreachable
    values are facts for the reader, not failures.
    """
    from lbp_spec.health import Verdict

    if health.errors:
        return ExitCode.INTERNAL
    collision = health.collision
    never = health.never_fire
    if never or (collision is not None and collision.reachable is Verdict.YES):
        return ExitCode.CHECK_FAILED
    if health.unknown:
        return ExitCode.UNKNOWN
    return ExitCode.OK


def _configure_verify(parser: argparse.ArgumentParser) -> None:
    from lbp_spec.episodes.verify import DEFAULT_BOUND_WEEKS
    from lbp_spec.loading import BUILTIN
    from lbp_spec.verify import DEFAULT_TIMEOUT_MS

    parser.add_argument(
        "--episode-bound",
        type=int,
        default=DEFAULT_BOUND_WEEKS,
        metavar="WEEKS",
        help="the horizon of the episode (care pathway) proofs, in weeks "
        f"(default {DEFAULT_BOUND_WEEKS}); a property that needs a later week is 'unknown'",
    )
    parser.add_argument(
        "--no-episodes",
        action="store_true",
        help="leave out the episode proofs, the longest part of the run (the "
        "single-consultation catalogue and the rule health are still checked)",
    )
    parser.add_argument(
        "--rules",
        default=BUILTIN,
        metavar="PATH",
        help="a changed rule set: a copy of the rules package, or of one module of it "
        "(see 'lbp-spec diff -h'); default: the built-in guideline. The file is Python and "
        "is run: load only rule sets you trust",
    )
    parser.add_argument(
        "--property",
        action="append",
        metavar="NAME",
        help="check only this property (repeatable); default: all",
    )
    parser.add_argument(
        "--json", action="store_true", help="write a machine-readable report (JSON) to stdout"
    )
    parser.add_argument(
        "--literal",
        action="store_true",
        help="list the collisions and gaps of the rules read literally (without the "
        "resolutions), each with a witness patient, the two rules' quotes and the resolution "
        "that decides it; then prove that with the resolutions none remain. Status 1 while "
        "findings exist, so 1 on the built-in guideline, whose literal text has collisions",
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT_MS,
        metavar="SECONDS",
        help=f"solver time limit per check, at least 0.001; a timeout is 'unknown', never "
        f"'proven' (default {DEFAULT_TIMEOUT_MS / 1000:g})",
    )


def _verify_description() -> str:
    from lbp_spec.properties import CATALOGUE

    return (
        "Prove each property of the catalogue on the Z3 encoding of the very rules the "
        "evaluator runs, and print a table (property, result, time). A property is proven "
        "only when Z3 finds no valid case that breaks it AND valid cases meeting its premise "
        "exist (otherwise it is 'vacuous', a failure). A refuted property is shown with a "
        "counterexample patient, replayed through the evaluator, and the advice it gets. A "
        "solver timeout is 'unknown', never 'proven'. Findings (facts about the guideline's "
        "text, marked *) are shown to the committee and are no failure. Status 0 only "
        "when every requirement is proven. With --literal: the collisions and gaps of the "
        "rules read without their resolutions, each with a minimal witness, the two rules "
        "and their quotes, and the resolution that decides it; status 1 while collisions "
        "exist (so 1 on the built-in guideline). Without --property, the rule health follows: "
        "every rule fires (with a witness), redundant rules, and unreachable advice values "
        "with the reason; a rule that never fires fails the check. Then the episode "
        "properties: whole care pathways over time (bounded to --episode-bound weeks), "
        "each proven or refuted with a readable timeline, and the timing findings. "
        f"Properties: {', '.join(p.name for p in CATALOGUE)}."
    )


VERIFY: Final = Command(
    name="verify",
    summary="prove the properties of the built-in guideline with Z3",
    description=_verify_description,
    examples=(
        ("lbp-spec verify", "prove every property; a table"),
        ("lbp-spec verify --json > report.json", "a machine-readable report"),
        ("lbp-spec verify --property completeness.lrs_next_step", "one property"),
        (
            "lbp-spec verify --rules examples/rule-change/passive_interventions.py",
            "prove the properties of a changed rule set (runs that Python file)",
        ),
        ("lbp-spec verify --literal", "the literal reading's collisions, for the committee"),
    ),
    configure=_configure_verify,
    run=_stoppable(_run_verify),
)


# -- diff -------------------------------------------------------------------------------------


def _run_diff(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.diff import compare, diff_json, diff_text

    old, new = _rules(args.old), _rules(args.new)
    report = compare(old, new, timeout_ms=args.timeout)
    if args.json:
        sys.stdout.write(json.dumps(diff_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(diff_text(report))
    if report.unknown:
        return ExitCode.UNKNOWN
    return ExitCode.OK if report.equivalent else ExitCode.CHECK_FAILED


def _configure_diff(parser: argparse.ArgumentParser) -> None:
    from lbp_spec.verify import DEFAULT_TIMEOUT_MS

    parser.add_argument("old", metavar="OLD", help="the rule set before the change ('builtin')")
    parser.add_argument("new", metavar="NEW", help="the rule set after the change")
    parser.add_argument("--json", action="store_true", help="write the diff as JSON")
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT_MS,
        metavar="SECONDS",
        help=f"solver time limit per check, at least 0.001; an undecided field is 'unknown' "
        f"(default {DEFAULT_TIMEOUT_MS / 1000:g})",
    )


DIFF: Final = Command(
    name="diff",
    summary="show which patients get different advice under a changed rule set",
    description=(
        "Prove two rule sets equivalent (no valid case gets a different advice), or list, "
        "per advice field, who is affected (a region in words, proven to hold for every "
        "affected patient), a minimal example patient with the old and new value, and the "
        "rules behind the difference. A rule set is 'builtin', a Python file defining "
        "GUIDELINE (a RuleSet) or RULES (rules that replace built-in rules with the same id "
        "or join them; optional RESOLUTIONS and DROP), or a directory holding a copy of "
        "the lbp_spec/rules package. Rule-set files are Python: load only files you trust. "
        "Status 0 when equivalent, 1 when they differ, 3 when undecided."
    ),
    examples=(
        (
            "lbp-spec diff builtin examples/rule-change/passive_interventions.py",
            "what a change does to the advice (runs that Python file)",
        ),
        ("lbp-spec diff builtin my-rules/ --json > diff.json", "a copied rules package, as JSON"),
    ),
    configure=_configure_diff,
    run=_stoppable(_run_diff),
)


# -- the subcommand table ---------------------------------------------------------------------

from lbp_spec.cli_conformance import CONFORMANCE  # noqa: E402 - needs Command, defined above
from lbp_spec.fhir.command import FHIR  # noqa: E402 - needs Command, defined above
from lbp_spec.service.command import SERVE  # noqa: E402 - needs Command, defined above

COMMANDS: Final[tuple[Command, ...]] = (
    EVALUATE,
    VERIFY,
    DIFF,
    CONFORMANCE,
    SCHEMA,
    FHIR,
    SERVE,
)
"""Every subcommand, in the order the help lists them."""


# -- main -------------------------------------------------------------------------------------


def _epilog() -> str:
    lines = ["examples:"]
    for command in COMMANDS:
        for example, comment in command.examples:
            lines.append(f"  {example}")
            lines.append(f"      {comment}")
    lines.append("")
    lines.append("exit status:")
    for code, meaning in EXIT_MEANINGS.items():
        lines.append(f"  {code.value:<4}{meaning}")
    lines.append("")
    lines.append(f"Set {DEBUG_VARIABLE}=1 to see the traceback of an internal error.")
    return "\n".join(lines)


def _fill(text: str) -> str:
    return textwrap.fill(text, width=_HELP_WIDTH)


_HELP_WIDTH: Final = 79


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``lbp-spec``, with one sub-parser per :data:`COMMANDS` entry."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_fill(
            "The KNGF 2021 physiotherapy guideline on low back pain and lumbosacral radicular "
            "syndrome (LRS), as a formal, executable specification. Give it a patient case in "
            "JSON and it answers with the guideline's advice: referral, profile, "
            "interventions and their strength, education, and the rules behind them."
        ),
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__} (JSON contract {CONTRACT_VERSION})",
    )
    sub = parser.add_subparsers(
        dest="command", title="subcommands", metavar="COMMAND", parser_class=_CommandParser
    )
    for command in COMMANDS:
        examples = "\n".join(f"  {ex}\n      {comment}" for ex, comment in command.examples)
        child = sub.add_parser(
            command.name,
            help=command.summary,
            epilog=f"examples:\n{examples}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        child.command = command
    return parser


class _CommandParser(argparse.ArgumentParser):
    """A subcommand's parser, configured when first used (to parse, or for its help).

    So a subcommand's imports (Z3 for ``verify``) wait until it runs or its help is
    asked for: ``lbp-spec evaluate`` does not pay for the others.
    """

    command: Command | None = None

    def _configure(self) -> None:
        command, self.command = self.command, None
        if command is not None:
            described = command.description
            self.description = _fill(described if isinstance(described, str) else described())
            command.configure(self)
            self.set_defaults(run=command.run)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._configure()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._configure()
        return super().format_usage()

    def format_help(self) -> str:
        self._configure()
        return super().format_help()


def _fail(message: str) -> None:
    sys.stderr.write(f"{PROG}: {safe_text(message)}\n")


def _quiet_stdout() -> None:
    """After a broken pipe: send the rest of stdout to /dev/null so that exit stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under pytest)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``lbp-spec`` with ``argv`` (default: the process arguments).

    Returns:
        The :class:`ExitCode`, as an int.

    """
    parser = build_parser()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if not args_list:
            parser.print_help(sys.stdout)
            return ExitCode.USAGE
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exit_:  # --help, --version, or a usage error argparse reported
            return int(exit_.code) if isinstance(exit_.code, int) else ExitCode.USAGE
        if args.command is None:
            parser.print_help(sys.stdout)
            return ExitCode.USAGE
        status: ExitCode = args.run(args)
        sys.stdout.flush()
        return status
    except UsageError as error:
        _fail(str(error))
        return ExitCode.USAGE
    except BrokenPipeError:
        _quiet_stdout()
        return ExitCode.OK
    except KeyboardInterrupt:
        _fail("interrupted")
        return ExitCode.INTERRUPTED
    except Exception as error:
        if os.environ.get(DEBUG_VARIABLE) == "1":
            traceback.print_exc()
        _fail(
            f"internal error: {type(error).__name__}: {error} "
            f"(set {DEBUG_VARIABLE}=1 for the traceback)"
        )
        return ExitCode.INTERNAL
