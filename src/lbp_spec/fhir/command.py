"""``lbp-spec fhir``: publish the intake Questionnaire, or read a FHIR Bundle into a case.

A thin shell over :mod:`lbp_spec.fhir` (arguments, files and output only).
``lbp_spec.cli`` lists ``FHIR`` among its commands; this module imports
``lbp_spec.cli`` only when the command is built (PEP 562), as
``lbp_spec.cli_conformance`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from lbp_spec.cli import Command, ExitCode

__all__ = ["FHIR"]  # noqa: F822 - made on first access, see __getattr__


def _run_questionnaire(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.cli import ExitCode
    from lbp_spec.fhir.questionnaire import questionnaire

    json.dump(questionnaire(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return ExitCode.OK


def _run_case(args: argparse.Namespace) -> ExitCode:
    from lbp_spec.cli import ExitCode, UsageError
    from lbp_spec.contract import case_to_json, parse_json, partial_case_to_json
    from lbp_spec.errors import InvalidCaseError
    from lbp_spec.fhir.bundle import read_bundle
    from lbp_spec.fhir.models import MissingExtraError

    try:
        with open(args.bundle, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise UsageError(f"cannot read {args.bundle}: {error.strerror}") from None
    try:
        data = parse_json(text)
    except InvalidCaseError as error:
        sys.stderr.write(f"Bundle: {error.problems[0].message}\n")
        return ExitCode.CHECK_FAILED
    try:
        reading = read_bundle(data)
    except MissingExtraError as error:
        raise UsageError(str(error)) from None
    if reading.partial is not None:
        json.dump(partial_case_to_json(reading.partial), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    if reading.case is None:
        for problem in reading.problems:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(f"{len(reading.problems)} problem(s); no case\n")
        return ExitCode.CHECK_FAILED
    json.dump(case_to_json(reading.case), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return ExitCode.OK


def _configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser(
        "questionnaire",
        help="print the intake Questionnaire (FHIR R4 JSON), generated from the case vocabulary",
    )
    case = actions.add_parser(
        "case",
        help="read a FHIR Bundle (intake QuestionnaireResponse, coded Observations) into a case",
        description=(
            "Print the case as contract JSON, or every problem with the FHIR path of the "
            "element at fault (status 1). When the Bundle marks inputs as not known (an item "
            "without an answer carrying the data-absent-reason extension, or an Observation "
            "with dataAbsentReason), print the partial case, with those inputs in its "
            "'unknown' list."
        ),
    )
    case.add_argument("bundle", metavar="BUNDLE", help="a FHIR R4 Bundle, as JSON")


def _run(args: argparse.Namespace) -> ExitCode:
    run = _run_questionnaire if args.action == "questionnaire" else _run_case
    return run(args)


_BUILT: list[Command] = []


def _build() -> Command:
    from lbp_spec.cli import Command

    if not _BUILT:
        _BUILT.append(
            Command(
                name="fhir",
                summary="FHIR R4: the intake Questionnaire; a Bundle read into a case",
                description=(
                    "'questionnaire' prints the intake Questionnaire, one item per case field, "
                    "generated from the case vocabulary (answer options from the enumerations, "
                    "help text from the field descriptions, standard codes where they exist). "
                    "'case BUNDLE' reads a FHIR Bundle holding a QuestionnaireResponse to it and "
                    "Observations with standard codes (NPRS LOINC 72514-3 or SNOMED CT 225908003 "
                    "with method NRS, STarT Back LOINC 91351-7 and 91350-9) and prints the case, "
                    "or every problem with its FHIR path (status 1). Reading FHIR needs "
                    "pip install 'lbp-spec[fhir]'."
                ),
                examples=(
                    ("lbp-spec fhir questionnaire > intake.json", "publish the intake"),
                    ("lbp-spec fhir case bundle.json", "the case a Bundle describes"),
                ),
                configure=_configure,
                run=_run,
            )
        )
    return _BUILT[0]


def __getattr__(name: str) -> Command:
    """``FHIR``: the ``fhir`` subcommand, for ``lbp_spec.cli.COMMANDS``."""
    if name == "FHIR":
        return _build()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
