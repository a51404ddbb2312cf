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
  and column of its syntax error, not line by line.
* In a batch, the advices of the good records are written in input order, one
  compact JSON object per line; bad records are skipped there and reported on
  stderr as ``line N: <path>: <message>``, one line per problem.
* An empty input is a usage error (nothing to evaluate).
* A closed output pipe (``lbp-spec evaluate big.jsonl | head``) ends the run
  quietly with status 0; an interrupt (Ctrl-C) with status 130.
* Without arguments the help is printed and the status is 2 (usage).
"""

from __future__ import annotations

import argparse
import enum
import itertools
import json
import os
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Final, TextIO

import attrs

from lbp_spec._version import __version__
from lbp_spec.contract import (
    CONTRACT_VERSION,
    SCHEMA_NAMES,
    advice_to_json,
    load_case,
    parse_json,
    schema_text,
)
from lbp_spec.errors import InvalidCaseError, RuleSetError
from lbp_spec.evaluator import evaluate
from lbp_spec.explain import explain

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


EXIT_MEANINGS: Final = {
    ExitCode.OK: "success",
    ExitCode.CHECK_FAILED: (
        "the check failed: an invalid input record (evaluate), a refuted or vacuous "
        "requirement (verify), collisions in the literal reading (verify --literal)"
    ),
    ExitCode.USAGE: "usage error: bad arguments, unreadable file, empty input",
    ExitCode.UNKNOWN: "unknown: the solver gave up on a property (verify)",
    ExitCode.INTERNAL: "internal error (a bug in lbp_spec: please report it)",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
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


def _open(path: str) -> TextIO:
    if path == "-":
        if sys.stdin.isatty():
            _fail("reading cases from the terminal; end with Ctrl-D (see lbp-spec evaluate -h)")
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None


def _parses(text: str) -> object:
    """The parsed JSON value of ``text``, or :data:`_NOT_JSON`."""
    try:
        return parse_json(text)
    except InvalidCaseError:
        return _NOT_JSON


_NOT_JSON: Final = object()


def _split(stream: TextIO) -> tuple[str | None, Iterator[tuple[int, str]]]:
    """Decide between one document and JSON Lines (see the module docstring).

    Returns:
        ``(text, records)``: the whole text of a single document and no
        records, or ``None`` and the numbered lines of JSON Lines.

    """
    lines = iter(stream)
    head: list[str] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    else:
        raise UsageError("no input: expected a JSON case, or cases as JSON Lines")
    if _parses(head[-1]) is _NOT_JSON:
        head.extend(lines)
        text = "".join(head)
        if _parses(text) is _NOT_JSON and any(
            isinstance(_parses(line), dict) for line in head if line.strip()
        ):
            return None, enumerate(head, start=1)
        return text, iter(())
    for line in lines:
        head.append(line)
        if line.strip():
            return None, enumerate(itertools.chain(head, lines), start=1)
    return "".join(head), iter(())


def _write_advice(case_text: str, explained: bool, out: TextIO, compact: bool) -> None:
    advice = evaluate(load_case(case_text))
    if explained:
        out.write(explain(advice))
    elif compact:
        out.write(json.dumps(advice_to_json(advice), ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
    else:
        out.write(json.dumps(advice_to_json(advice), ensure_ascii=False, indent=2))
        out.write("\n")


def _run_evaluate(args: argparse.Namespace) -> ExitCode:
    stream = _open(args.file)
    try:
        return _evaluate(stream, args.explain)
    except UnicodeDecodeError as error:
        raise UsageError(f"cannot read {args.file}: not UTF-8 text ({error.reason})") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


def _evaluate(stream: TextIO, explained: bool) -> ExitCode:
    out, err = sys.stdout, sys.stderr
    text, records = _split(stream)
    if text is not None:
        try:
            _write_advice(text, explained, out, compact=False)
        except InvalidCaseError as error:
            for problem in error.problems:
                err.write(f"{problem}\n")
            return ExitCode.CHECK_FAILED
        return ExitCode.OK
    status = ExitCode.OK
    for number, line in records:
        if not line.strip():
            continue
        try:
            if explained:
                out.write(f"== line {number} ==\n")
            _write_advice(line, explained, out, compact=True)
        except InvalidCaseError as error:
            if explained:
                out.write("(invalid: see the errors)\n")
            for problem in error.problems:
                err.write(f"line {number}: {problem}\n")
            status = ExitCode.CHECK_FAILED
    return status


def _configure_evaluate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="a case as a JSON object, or cases as JSON Lines; '-' or nothing: standard input",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print a readable account (with the guideline sentences) instead of JSON",
    )


EVALUATE: Final = Command(
    name="evaluate",
    summary="give the guideline's advice for a case (or for each case of a JSON Lines file)",
    description=(
        "Read one case (a JSON object) or many (JSON Lines: one object per line) and write "
        "the advice as JSON: pretty-printed for one case, one compact object per line for "
        "JSON Lines (only for the valid records, in input order). Invalid records are "
        "reported on stderr as 'line N: <field path>: <problem>' and make the status 1; the "
        "others are still evaluated. The JSON contract is described by "
        "'lbp-spec schema case' and 'lbp-spec schema advice'."
    ),
    examples=(
        ("lbp-spec evaluate examples/profile1-initial.json", "advice for one case, as JSON"),
        ("lbp-spec evaluate --explain examples/lrs-recheck.json", "the advice, explained"),
        ("lbp-spec evaluate < examples/batch.jsonl", "one advice per line of JSON Lines"),
    ),
    configure=_configure_evaluate,
    run=_run_evaluate,
)


# -- schema -----------------------------------------------------------------------------------


def _run_schema(args: argparse.Namespace) -> ExitCode:
    sys.stdout.write(schema_text(args.document))
    return ExitCode.OK


def _configure_schema(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("document", choices=SCHEMA_NAMES, help="which document's schema")


SCHEMA: Final = Command(
    name="schema",
    summary="print the JSON Schema (draft 2020-12) of a case or an advice",
    description=(
        f"Print the JSON Schema of the contract (version {CONTRACT_VERSION}) for a case or "
        "an advice, as shipped with the package."
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

    report = analyse(_rules(args.rules), timeout_ms=int(args.timeout * 1000))
    if args.json:
        sys.stdout.write(json.dumps(literal_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(literal_text(report))
    return _literal_status(report)


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

    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
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
    timeout_ms = int(args.timeout * 1000)
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
    statuses: list[ExitCode] = []
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
    if report is not None:
        statuses.append(_verify_status(report))
    if health is not None:
        statuses.append(_health_status(health))
    if episodes is not None:
        statuses.append(ExitCode(episode_status(episodes)))
    return max(statuses, key=_severity)


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
        help="leave out the episode proofs (the single-consultation catalogue and the rule "
        "health alone take about two seconds)",
    )
    parser.add_argument(
        "--rules",
        default=BUILTIN,
        metavar="PATH",
        help="a changed rule set: a copy of the rules package, or of one module of it "
        "(see 'lbp-spec diff -h'); default: the built-in guideline",
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
        type=float,
        default=DEFAULT_TIMEOUT_MS / 1000,
        metavar="SECONDS",
        help=f"solver time limit per check; a timeout is 'unknown', never 'proven' "
        f"(default {DEFAULT_TIMEOUT_MS / 1000:g})",
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
        ("lbp-spec verify --rules my_rules.py", "prove the properties of a changed rule set"),
        ("lbp-spec verify --literal", "the literal reading's collisions, for the committee"),
    ),
    configure=_configure_verify,
    run=_run_verify,
)


# -- diff -------------------------------------------------------------------------------------


def _run_diff(args: argparse.Namespace) -> ExitCode:
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    from lbp_spec.diff import compare, diff_json, diff_text

    old, new = _rules(args.old), _rules(args.new)
    report = compare(old, new, timeout_ms=int(args.timeout * 1000))
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
        type=float,
        default=DEFAULT_TIMEOUT_MS / 1000,
        metavar="SECONDS",
        help="solver time limit per check; an undecided field is 'unknown'",
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
        ("lbp-spec diff builtin my_rules.py", "what my change does to the advice"),
        ("lbp-spec diff builtin my_rules.py --json > diff.json", "the same, as JSON"),
    ),
    configure=_configure_diff,
    run=_run_diff,
)


# -- the subcommand table ---------------------------------------------------------------------

from lbp_spec.cli_conformance import CONFORMANCE  # noqa: E402 - needs Command, defined above

COMMANDS: Final[tuple[Command, ...]] = (
    EVALUATE,
    VERIFY,
    DIFF,
    CONFORMANCE,
    SCHEMA,
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
    sys.stderr.write(f"{PROG}: {message}\n")


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
