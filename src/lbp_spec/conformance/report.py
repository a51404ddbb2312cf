"""A check report in words (for people) and as JSON (for a vendor's CI).

The text lists every vector that did not pass: its id, what it covers, the case
(only the findings that differ from a plain patient), and for each disagreement
the field, the expected and the actual value, and the rules behind the expected
value with their guideline sentences; then the counts by group and by rule,
and one result line. The JSON holds every vector, passed ones included.
"""

from __future__ import annotations

import json
from typing import Any, Final

from lbp_spec.case import Case
from lbp_spec.conformance.checker import Disagreement, Outcome, Report, VectorResult
from lbp_spec.contract import case_to_json
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.terminal import safe_text

__all__ = ["case_summary", "report_json", "report_text"]

_PLAIN: Final = case_to_json(Case())
REPORT_FORMAT: Final = 1
_COVERS_SHOWN: Final = 3
_MISAPPLIED_SHOWN: Final = 5


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def case_summary(case: dict[str, Any]) -> str:
    """The findings of a case document that differ from a plain patient, in one line.

    Example:
        >>> from lbp_spec import Case, case_to_json
        >>> case_summary(case_to_json(Case(lrs=True, nprs=8)))
        'lrs=true, nprs=8'

    """
    parts = []
    for key, value in case.items():
        plain = _PLAIN.get(key)
        if key == "contract_version" or value == plain:
            continue
        if key == "neurological_exam" and isinstance(value, dict):
            plain_exam = {
                "dermatomal_pain": False,
                "fingertip_floor_cm": None,
                "lasegue": False,
                "crossed_lasegue": False,
                "reversed_lasegue": False,
                "mrc_lowest": 5,
                "dermatomal_sensory_loss": False,
                "diminished_tendon_reflexes": False,
                "extensor_plantar_response": False,
            }
            inner = [f"{k}={_show(v)}" for k, v in value.items() if plain_exam.get(k) != v]
            parts.append(f"neurological_exam{{{', '.join(inner)}}}")
            continue
        parts.append(f"{key}={_show(value)}")
    return ", ".join(parts) or "a plain patient (every field at its default)"


def _rule_lines(rule_ids: tuple[str, ...], ruleset: RuleSet, seen: set[str]) -> list[str]:
    lines = []
    for rule_id in rule_ids:
        try:
            rule = ruleset.rule(rule_id)
        except KeyError:
            lines.append(f"      set by {rule_id}")
            continue
        lines.append(f"      set by {rule.id} ({rule.section.value}): {rule.title}")
        if rule_id not in seen:
            seen.add(rule_id)
            lines.extend(f"        \u201c{q}\u201d" for q in rule.quote)
    return lines


def _disagreement_lines(d: Disagreement, ruleset: RuleSet, seen: set[str]) -> list[str]:
    lines = [f"    {d.path}: expected {_show(d.expected)}, got {_show(d.actual)}"]
    lines.extend(_rule_lines(d.rules, ruleset, seen))
    if not d.rules:
        lines.append("      the default: no rule sets it for this case")
    if len(d.other_rules) == 1:
        lines.append(
            f"      the value given would come from {d.other_rules[0]}, which does not apply here"
        )
    elif d.other_rules:
        lines.append(
            f"      the value given would come from one of {', '.join(d.other_rules)}; "
            "none applies here"
        )
    return lines


def _result_lines(result: VectorResult, ruleset: RuleSet) -> list[str]:
    vector = result.vector
    lines = [f"{result.outcome.value.upper()} {vector.id}"]
    lines.extend(f"  covers: {c}" for c in vector.covers[:_COVERS_SHOWN])
    if len(vector.covers) > _COVERS_SHOWN:
        lines.append(f"  (and {len(vector.covers) - _COVERS_SHOWN} more goals)")
    lines.append(f"  case: {case_summary(vector.case)}")
    if result.error is not None:
        lines.append(f"  {result.error.kind.value}: {result.error.message}")
        lines.extend(f"    {p}" for p in result.error.problems)
    seen: set[str] = set()
    # What the guideline asks for first; then the fields that should have kept their default.
    for d in sorted(result.disagreements, key=lambda d: not d.rules):
        lines.extend(_disagreement_lines(d, ruleset, seen))
    return lines


def report_text(report: Report, ruleset: RuleSet = GUIDELINE, *, limit: int = 50) -> str:
    """The report for people (control characters from the input shown escaped, never raw).

    Args:
        report: The report.
        ruleset: The rules, for titles and quotes.
        limit: At most this many vectors are shown in detail.

    """
    suite = report.suite
    lines = [
        f"Conformance check against suite {suite.get('suite_version')} "
        f"({suite.get('vectors')} vectors, contract {suite.get('contract_version')}, "
        f"{suite.get('guideline')})",
        f"Checked: {report.source}",
        "",
    ]
    bad = [r for r in report.results if r.outcome in (Outcome.FAIL, Outcome.ERROR)]
    for result in bad[:limit]:
        lines.extend(_result_lines(result, ruleset))
        lines.append("")
    if len(bad) > limit:
        lines.append(f"... and {len(bad) - limit} more vector(s) not passed (see --json)")
        lines.append("")
    skipped = [r for r in report.results if r.outcome is Outcome.SKIP]
    if skipped:
        lines.append(f"Skipped ({len(skipped)}):")
        lines.extend(f"  {r.id}: {r.skip_reason}" for r in skipped)
        lines.append("")
    lines.append("By group:")
    lines.append(f"  {'group':<12} {'vectors':>7} {'pass':>6} {'fail':>6} {'error':>6} {'skip':>6}")
    for group, counts in report.by_group().items():
        total = sum(counts.values())
        lines.append(
            f"  {group:<12} {total:>7} {counts[Outcome.PASS]:>6} {counts[Outcome.FAIL]:>6} "
            f"{counts[Outcome.ERROR]:>6} {counts[Outcome.SKIP]:>6}"
        )
    lines.append("")
    by_rule = report.by_rule(ruleset)
    missed = [k for k, v in by_rule.items() if v["missed"]]
    misapplied = sorted(
        (k for k, v in by_rule.items() if v["misapplied"] and not v["missed"]),
        key=lambda k: -by_rule[k]["misapplied"],
    )
    shown = [*missed, *misapplied[:_MISAPPLIED_SHOWN]]
    if shown:
        lines.append("By rule (rules behind a disagreement):")
        width = max(len(k) for k in shown)
        lines.append(f"  {'rule':<{width}} {'vectors':>7} {'missed':>7} {'misapplied':>10}")
        for rule_id in shown:
            row = by_rule[rule_id]
            lines.append(
                f"  {rule_id:<{width}} {row['vectors']:>7} {row['missed']:>7} "
                f"{row['misapplied']:>10}"
            )
        if len(misapplied) > _MISAPPLIED_SHOWN:
            lines.append(
                f"  ... and {len(misapplied) - _MISAPPLIED_SHOWN} more misapplied (see --json)"
            )
        lines.append(
            "  missed: the rule sets the expected value and the answer differs; misapplied: "
            "the answer's value would come from the rule, which does not apply to the case"
        )
    else:
        lines.append(f"By rule: no disagreement involves any of the {len(by_rule)} rules")
    lines.append("")
    lines.extend(f"Note: {note}" for note in report.notes)
    verdict = "PASSED" if report.passed else "FAILED"
    lines.append(
        f"Result: {verdict}: {report.count(Outcome.PASS)} passed, "
        f"{report.count(Outcome.FAIL)} failed, {report.count(Outcome.ERROR)} errors, "
        f"{report.count(Outcome.SKIP)} skipped, of {len(report.results)} vectors."
    )
    # vector ids, case keys, vendor stderr and notes come from outside: escape them all
    return "\n".join(safe_text(line) for line in lines) + "\n"


def _rules_json(rule_ids: tuple[str, ...], ruleset: RuleSet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rule_id in rule_ids:
        try:
            rule = ruleset.rule(rule_id)
        except KeyError:
            out.append({"id": rule_id})
            continue
        out.append(
            {
                "id": rule.id,
                "section": rule.section.value,
                "title": rule.title,
                "quote": list(rule.quote),
            }
        )
    return out


def _vector_json(result: VectorResult, ruleset: RuleSet) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": result.id,
        "group": result.vector.group,
        "outcome": result.outcome.value,
        "rules": list(result.vector.rules),
    }
    if result.outcome is not Outcome.PASS:
        out["covers"] = list(result.vector.covers)
    if result.disagreements:
        out["disagreements"] = [
            {
                "field": d.path,
                "expected": d.expected,
                "actual": d.actual,
                "rules": _rules_json(d.rules, ruleset),
                "other_rules": _rules_json(d.other_rules, ruleset),
            }
            for d in result.disagreements
        ]
    if result.error is not None:
        out["error"] = {
            "kind": result.error.kind.value,
            "message": result.error.message,
            "problems": list(result.error.problems),
        }
    if result.skip_reason is not None:
        out["skip_reason"] = result.skip_reason
    return out


def report_json(report: Report, ruleset: RuleSet = GUIDELINE) -> dict[str, Any]:
    """The report as a JSON value, for a vendor's CI."""
    return {
        "report_format": REPORT_FORMAT,
        "suite": {
            k: report.suite.get(k)
            for k in ("suite_version", "contract_version", "guideline", "vectors")
        },
        "source": report.source,
        "passed": report.passed,
        "counts": {o.value: report.count(o) for o in Outcome},
        "by_group": {
            group: {o.value: counts[o] for o in Outcome}
            for group, counts in report.by_group().items()
        },
        "by_rule": report.by_rule(ruleset),
        "notes": list(report.notes),
        "vectors": [_vector_json(r, ruleset) for r in report.results],
    }
