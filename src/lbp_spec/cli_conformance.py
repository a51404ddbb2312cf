"""``lbp-spec conformance``: generate the conformance suite, or check an implementation.

A thin shell over :mod:`lbp_spec.conformance` (argument parsing, files and
output only). ``generate --output DIR`` writes the suite; ``check SUITE`` runs a
vendor's program (``--command``, one case per run or ``--batch``) or reads a
file of answers (``--answers``) and prints the report, in words or ``--json``.
Status 0 when every vector not skipped passes, 1 when one fails or errs, 2 on a
usage error (a missing suite, a skip entry without a reason, a program that
cannot be started).

``lbp_spec.cli`` lists ``CONFORMANCE`` among its commands, and this module uses
the command types of ``lbp_spec.cli``. So that either module can be imported
first, this one imports ``lbp_spec.cli`` only when the command is built or run:
``CONFORMANCE`` is made on first access (PEP 562), by which time the command
types exist.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

from lbp_spec.terminal import safe_text

if TYPE_CHECKING:  # pragma: no cover
    from lbp_spec.cli import Command, ExitCode

__all__ = ["CONFORMANCE"]  # noqa: F822 - made on first access, see __getattr__


def _positive(kind: type[float] | type[int]) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


# -- generate -------------------------------------------------------------------------------------


def _run_generate(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.cli import ExitCode, UsageError
    from lbp_spec.conformance import existing_files, generate, write_suite

    started = time.perf_counter()
    suite = generate(seed=args.seed, random_size=args.random, jobs=args.jobs)
    try:
        replaced = existing_files(args.output)
        write_suite(suite, args.output)
        if args.format == "cds-hooks":
            from lbp_spec.service.suite import write_cds_hooks

            write_cds_hooks(list(suite.vectors), args.output)
    except OSError as error:
        raise UsageError(f"cannot write the suite to {args.output}: {error}") from None
    seconds = time.perf_counter() - started
    groups = ", ".join(f"{g} {n}" for g, n in suite.manifest["groups"].items())
    out = sys.stdout
    for note in replaced:
        out.write(safe_text(f"Replaced {note}.") + "\n")
    out.write(
        f"Wrote suite {suite.version} to {args.output}: {len(suite.vectors)} vectors "
        f"({groups}) in {seconds:.1f} s.\n"
    )
    not_covered = suite.manifest["not_covered"]
    unknown = [t for t in not_covered if t["status"] == "unknown"]
    out.write(
        f"{len(not_covered)} target(s) no valid case reaches (listed in manifest.json, "
        "not_covered).\n"
    )
    if unknown:
        sys.stderr.write(
            f"warning: the solver gave up on {len(unknown)} target(s); the suite may differ "
            "from run to run: " + ", ".join(t["target"] for t in unknown) + "\n"
        )
    return ExitCode.OK


def _configure_generate(parser: argparse.ArgumentParser) -> None:
    from lbp_spec.conformance.suite import DEFAULT_RANDOM, DEFAULT_SEED

    parser.add_argument(
        "--output", "-o", required=True, metavar="DIR", help="directory to write the suite to"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the random sample (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--random",
        type=_count,
        default=DEFAULT_RANDOM,
        metavar="N",
        help=f"size of the random sample (default {DEFAULT_RANDOM})",
    )
    parser.add_argument(
        "--jobs",
        type=_positive(int),
        default=os.cpu_count() or 1,
        metavar="N",
        help="search processes at once (the suite does not depend on it; default: CPUs)",
    )
    parser.add_argument(
        "--format",
        choices=("contract", "cds-hooks"),
        default="contract",
        help="cds-hooks: also write each vector as a CDS Hooks request with its expected "
        "cards (cds-hooks.jsonl; needs lbp-spec[fhir])",
    )


# -- check ----------------------------------------------------------------------------------------


class _Terminated(BaseException):
    """SIGTERM arrived during a check (a BaseException, so that no handler swallows it)."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


@contextlib.contextmanager
def _sigterm_stops() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Terminated`, so that the runner's clean-up runs on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_check(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.cli import ExitCode, UsageError
    from lbp_spec.conformance import (
        Program,
        ProgramError,
        SkipListError,
        SuiteError,
        check_answers_file,
        check_program,
        load_skips,
        load_suite,
        report_json,
        report_text,
    )

    try:
        suite = load_suite(args.suite)
        skips = load_skips(args.skip) if args.skip else None
        if args.program is not None:
            program = Program(args.program, args.timeout, args.batch, args.jobs)
            try:
                with _sigterm_stops():
                    report = check_program(suite, program, skips=skips)
            except _Terminated:
                sys.stderr.write(
                    "lbp-spec: terminated (SIGTERM); every process the check started was stopped\n"
                )
                return ExitCode.TERMINATED
        else:
            if args.batch:
                raise UsageError("--batch goes with --command, not with --answers")
            report = check_answers_file(suite, args.answers, skips=skips)
    except (SuiteError, SkipListError, ProgramError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot read {error.filename}: {error.strerror or error}") from None
    if args.json:
        sys.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(report_text(report, limit=args.limit))
    return ExitCode.OK if report.passed else ExitCode.CHECK_FAILED


def _configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("suite", metavar="SUITE", help="the suite directory (from generate)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--command",
        dest="program",
        metavar="CMD",
        help="the program to check: reads a case (JSON) on stdin, writes the advice (JSON) on "
        "stdout; split like a shell command line",
    )
    source.add_argument(
        "--answers",
        metavar="FILE",
        help='a file of answers: JSON Lines, {"id": ..., "advice": ...} per line, or one '
        "advice per line in the order of the suite's cases.jsonl",
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="start the program once and send every case as JSON Lines; it answers one line "
        "per case, in order",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=10.0,
        metavar="SECONDS",
        help="time limit per answer (default 10)",
    )
    parser.add_argument(
        "--jobs",
        type=_positive(int),
        default=os.cpu_count() or 1,
        metavar="N",
        help="runs at once, one case per run (default: CPUs; batch mode runs one)",
    )
    parser.add_argument(
        "--skip",
        metavar="FILE",
        help="vectors to skip: one 'ID-or-pattern reason' per line; a reason is required",
    )
    parser.add_argument("--json", action="store_true", help="write the report as JSON")
    parser.add_argument(
        "--limit",
        type=_count,
        default=50,
        metavar="N",
        help="show at most N vectors not passed in detail (default 50)",
    )


# -- the command ----------------------------------------------------------------------------------

_ACTIONS: Final = {"generate": _run_generate, "check": _run_check}


def _configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    generate_parser = actions.add_parser(
        "generate",
        help="write the conformance suite to a directory",
        description="Generate the conformance suite (manifest.json, vectors.jsonl, cases.jsonl) "
        "into DIR. The same version of lbp_spec gives the same bytes.",
    )
    _configure_generate(generate_parser)
    check_parser = actions.add_parser(
        "check",
        help="check a program, or a file of answers, against a suite",
        description="Check a vendor's implementation against a suite: each vector passes, "
        "fails (with the fields, values and rules behind the difference), errs (crash, "
        "timeout, invalid JSON, an advice breaking the schema) or is skipped (with its "
        "reason). Status 0 when nothing fails or errs.",
    )
    _configure_check(check_parser)


def _run(args: argparse.Namespace) -> ExitCode:
    return _ACTIONS[args.action](args)


_BUILT: list[Command] = []


def _build() -> Command:
    """The ``conformance`` command (made once)."""
    from lbp_spec.cli import Command

    if _BUILT:
        return _BUILT[0]
    command = Command(
        name="conformance",
        summary="generate the conformance suite, or check an implementation against it",
        description=(
            "For vendors: 'generate --output DIR' writes a versioned suite of test vectors (a case "
            "and the normative advice the guideline gives it) covering every rule firing and not "
            "firing, both sides of every threshold, every resolution, every value of every "
            "normative field and a seeded random sample. 'check SUITE' runs your program "
            "(--command, one case per run or --batch JSON Lines) or reads your answers "
            "(--answers) and reports each disagreement with the rules and quotes behind it. See "
            "the how-to 'Validate your implementation'."
        ),
        examples=(
            ("lbp-spec conformance generate --output suite", "write the conformance suite"),
            (
                "lbp-spec conformance check suite --batch "
                "--command 'python examples/vendor/lbp_vendor.py --batch'",
                "check a program that answers JSON Lines",
            ),
            (
                "lbp-spec conformance check suite --answers answers.jsonl --json",
                "check a file of answers; a report for CI",
            ),
        ),
        configure=_configure,
        run=_run,
    )
    _BUILT.append(command)
    return command


def __getattr__(name: str) -> Command:
    """``CONFORMANCE``: the ``conformance`` subcommand, for ``lbp_spec.cli.COMMANDS``."""
    if name == "CONFORMANCE":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
