"""Verification reports for people (text) and for machines (JSON).

A counterexample is shown as a patient: only the findings that differ from the
plain default patient (:class:`~lbp_spec.case.Case` with its defaults), then the
advice it gets and the rules that fired.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.contract import CONTRACT_VERSION, advice_to_json, case_to_json
from lbp_spec.properties import effective_rules
from lbp_spec.rule import SLOTS, SlotKind
from lbp_spec.ruleset import RuleSet
from lbp_spec.verify import PropertyResult, Report, Status

__all__ = ["case_findings", "report_json", "report_text"]

_PLAIN = Case()


def _show(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(_show(v) for v in value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{_show(k)}={_show(v)}" for k, v in value.items()) or "none"
    if attrs.has(type(value)):
        fields = attrs.asdict(value, recurse=False)  # type: ignore[arg-type]
        declared = attrs.fields_dict(type(value))  # type: ignore[arg-type]
        parts = []
        for name, item in fields.items():
            attribute = declared[name]
            if attribute.default is attrs.NOTHING or item != attribute.default:
                parts.append(f"{name}={_show(item)}")
        return "(" + ", ".join(parts) + ")"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def case_findings(case: Case) -> list[str]:
    """The fields of ``case`` that differ from the plain default patient, as text."""
    return [
        f"{name}: {_show(getattr(case, name))}"
        for name in attrs.fields_dict(Case)
        if getattr(case, name) != getattr(_PLAIN, name)
    ]


def _advice_lines(advice: Advice) -> list[str]:
    lines = [
        f"physiotherapy indicated: {_show(advice.physiotherapy_indicated)}",
        f"profile: {advice.profile if advice.profile is not None else 'none'}",
        "referral: "
        + (
            "none"
            if advice.referral is None
            else f"to the GP, urgency {advice.referral.urgency.value}, "
            f"{advice.referral.mode.value.replace('_', ' ')}"
        ),
    ]
    if advice.consult_general_practitioner:
        lines.append("consult the GP: yes")
    if advice.recheck_after_days is not None:
        lines.append(f"recheck after {advice.recheck_after_days} days")
    if advice.reevaluation_after_weeks is not None:
        lines.append(f"re-evaluate after {advice.reevaluation_after_weeks} weeks")
    if advice.lrs_evaluation_after_weeks is not None:
        lines.append(f"evaluate LRS in weeks {advice.lrs_evaluation_after_weeks} of complaints")
    graded = [
        f"{i.value}={a.strength.value}"
        for i, a in advice.interventions.items()
        if a.rules or a.strength.value != "not_indicated"
    ]
    if graded:
        lines.append("interventions: " + ", ".join(graded))
    if advice.warnings:
        lines.append("warnings: " + ", ".join(w.value for w in advice.warnings))
    lines.append("rules that fired: " + (", ".join(advice.fired) or "none"))
    return lines


def _result_lines(result: PropertyResult, ruleset: RuleSet | None = None) -> list[str]:
    kind = "finding" if result.property.finding else "requirement"
    lines = [f"{result.name}: {result.status.value} ({kind})", f"  {result.property.statement}"]
    if result.message:
        lines.append(f"  {result.message}")
    if result.property.finding and result.property.note:
        lines.append(f"  {result.property.note}")
    pairs = (
        ("counterexample patient", result.witness, result.witness_advice),
        ("the same patient with one finding worse", result.worse, result.worse_advice),
    )
    for title, case, advice in pairs:
        if case is not None:
            lines.append(f"  {title} (what differs from a plain patient):")
            lines.extend(f"    {line}" for line in case_findings(case) or ["(none)"])
        if advice is not None:
            lines.append("  advice it gets:")
            lines.extend(f"    {line}" for line in _advice_lines(advice))
    if result.witness_advice is not None and ruleset is not None:
        lines.extend(_collision_lines(ruleset, result.witness_advice))
    if result.concerns:
        lines.append("  rules concerned: " + ", ".join(result.concerns))
    return lines


def _collision_lines(ruleset: RuleSet, advice: Advice) -> list[str]:
    """For each advice field on which applying rules disagree: the rules and their quotes."""
    lines: list[str] = []
    for slot in ruleset.written_slots:
        if SLOTS[slot].kind is not SlotKind.SINGLE:
            continue
        pairs = effective_rules(ruleset, advice, slot)
        if len({value for _, value in pairs}) < 2:
            continue
        lines.append(f"  collision on {slot}:")
        for rule_id, value in pairs:
            rule = ruleset.rule(rule_id)
            shown = value.value if isinstance(value, enum.Enum) else value
            lines.append(f"    {rule_id} sets {shown}: {rule.title}")
            lines.extend(f'      "{quote}"' for quote in rule.quote)
    return lines


def _status_cell(result: PropertyResult) -> str:
    return f"{result.status.value}*" if result.property.finding else result.status.value


def report_text(report: Report, ruleset: RuleSet | None = None) -> str:
    """The report as a table, then the details of every property not proven.

    With ``ruleset`` (the rules verified), a counterexample to a consistency
    property also shows the colliding rules and their quotes. Findings (facts
    about the guideline expected to be refuted) are marked ``*`` and shown with
    their witness under their own heading.
    """
    width = max([len(r.name) for r in report.results] + [len("property")])
    lines = [
        f"Verifying {report.ruleset}: {len(report.results)} properties",
        "",
        f"{'property':<{width}}  {'result':<8}  time",
    ]
    for r in report.results:
        lines.append(f"{r.name:<{width}}  {_status_cell(r):<8}  {r.seconds:.3f} s")
    failed = [r for r in report.results if not r.passed]
    findings = [r for r in report.results if r.property.finding and r.passed]
    if findings:
        lines.append("")
        lines.append(
            "* a finding about the guideline's text, shown to the committee (not a failure)"
        )
    for r in failed:
        lines.append("")
        lines.extend(_result_lines(r, ruleset))
    if findings:
        lines.extend(
            ["", "Findings for the guideline committee", "------------------------------------"]
        )
        for r in findings:
            lines.append("")
            lines.extend(_result_lines(r, ruleset))
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in Status)
    verdict = "all requirements proven" if report.ok else "NOT all requirements proven"
    lines.extend(["", f"{counts} in {report.seconds:.2f} s: {verdict}"])
    return "\n".join(lines) + "\n"


def _case_json(case: Case | None) -> dict[str, Any] | None:
    return None if case is None else case_to_json(case)


def _advice_json(advice: Advice | None) -> dict[str, Any] | None:
    return None if advice is None else advice_to_json(advice)


def report_json(report: Report) -> dict[str, Any]:
    """The report as a JSON value (for committees' and vendors' CI)."""
    return {
        "contract_version": CONTRACT_VERSION,
        "ruleset": report.ruleset,
        "ok": report.ok,
        "seconds": round(report.seconds, 6),
        "summary": {s.value: report.count(s) for s in Status},
        "results": [
            {
                "name": r.name,
                "statement": r.property.statement,
                "kind": "finding" if r.property.finding else "requirement",
                "status": r.status.value,
                "passed": r.passed,
                "seconds": round(r.seconds, 6),
                "message": r.message,
                "note": r.property.note,
                "concerns": list(r.concerns),
                "witness": _case_json(r.witness),
                "witness_advice": _advice_json(r.witness_advice),
                "worse": _case_json(r.worse),
                "worse_advice": _advice_json(r.worse_advice),
            }
            for r in report.results
        ],
    }
