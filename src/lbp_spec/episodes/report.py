"""Episode reports for people (a timeline per refuting episode) and machines (JSON).

A refuting episode is shown as a timeline: for each consultation its day and
week, the findings that differ from the consultation before (from a plain
patient, at the first), the advice (referral, profile, recheck, re-evaluation
window, session limit, GP contact, evaluation actions, warnings), the rules
behind it that the property concerns, and what the pathway asks next; the
consultation that went wrong is marked.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from lbp_spec.advice import Advice
from lbp_spec.case import Case
from lbp_spec.contract import CONTRACT_VERSION, advice_to_json, case_to_json
from lbp_spec.episodes.pathway import Episode, EpisodeEnd, Visit, next_step, schedule
from lbp_spec.episodes.properties import Violation
from lbp_spec.episodes.timing import TIMING_FINDINGS
from lbp_spec.episodes.verify import EpisodeReport, EpisodeResult
from lbp_spec.report import case_findings
from lbp_spec.verify import Status

__all__ = ["episodes_json", "render_episodes_text", "render_timeline"]

_SET_BY_PATHWAY = ("consultation", "weeks_since_start", "sessions_used")
_ENDS = {
    EpisodeEnd.REFERRED: "the patient is referred: the episode ends",
    EpisodeEnd.NOT_REQUIRED: "the advice requires no further consultation, and none follows",
    EpisodeEnd.BOUND: "the next consultation would fall after the bound",
}


def _show(value: object) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(_show(v) for v in value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{_show(k)}={_show(v)}" for k, v in value.items()) or "none"
    if value is None:
        return "none"
    if attrs.has(type(value)):
        return "(" + ", ".join(_fields_shown(value)) + ")"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def _fields_shown(value: Any) -> list[str]:
    """The fields of an attrs value that differ from their defaults, as ``name=value``."""
    out = []
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.default is attrs.NOTHING or item != field.default:
            out.append(f"{field.name}={_show(item)}")
    return out


def _changes(before: Case, after: Case) -> list[str]:
    return [
        f"{name}: {_show(getattr(after, name))}"
        for name in attrs.fields_dict(Case)
        if name not in _SET_BY_PATHWAY and getattr(after, name) != getattr(before, name)
    ]


def _advice_words(advice: Advice) -> list[str]:
    words = []
    if advice.referral is not None:
        referral = advice.referral
        mode = referral.mode.value.replace("_", " ")
        words.append(f"refer to the GP ({referral.urgency.value.replace('_', ' ')}, {mode})")
    words.append(f"profile {advice.profile}" if advice.profile is not None else "no profile")
    if advice.consult_general_practitioner:
        words.append("contact the GP")
    if advice.recheck_after_days is not None:
        words.append(f"recheck after {advice.recheck_after_days} days")
    if advice.reevaluation_after_weeks is not None:
        words.append(f"re-evaluate after {advice.reevaluation_after_weeks} weeks")
    if advice.lrs_evaluation_after_weeks is not None:
        words.append(f"evaluate LRS in weeks {advice.lrs_evaluation_after_weeks} of complaints")
    if advice.session_limit is not None:
        words.append(f"at most {advice.session_limit} sessions")
    words.extend(a.value.replace("_", " ") for a in advice.evaluation_actions)
    words.extend(f"warning: {w.value}" for w in advice.warnings)
    return words


def _next_words(episode: Episode, visit: Visit) -> str:
    if visit.advice.referral is not None:
        return "none (referred)"
    plan = schedule(episode.pathway, visit)
    step = next_step(visit).value.replace("_", " ")
    if plan.required:
        return f"{step}: a consultation on day {plan.earliest} to {plan.latest} (required)"
    return f"{step}: a consultation from day {plan.earliest} may follow (not required)"


def render_timeline(
    episode: Episode,
    *,
    concerns: tuple[str, ...] = (),
    violation: Violation | None = None,
    indent: str = "  ",
) -> list[str]:
    """An episode as a timeline, one block per consultation.

    Consecutive consultations at which nothing changed and the advice stayed
    the same (a run of rechecks, say) are shown as one line.

    Args:
        episode: The episode.
        concerns: Ids of the rules to show where they fire (all when empty).
        violation: Where the episode breaks a property; that consultation is marked.
        indent: Prefix of every line.

    Returns:
        The lines of the timeline.

    """
    lines: list[str] = []
    visits = episode.visits
    marked = None if violation is None else violation.visit
    k = 0
    while k < len(visits):
        run = k
        while run < len(visits) and run != marked and _repeats_before(visits, run):
            run += 1
        if run - k >= 2:
            first, last = visits[k], visits[run - 1]
            weeks = (
                f"week {first.week}"
                if first.week == last.week
                else f"weeks {first.week}-{last.week}"
            )
            lines.append(
                f"{indent}day {first.day} to day {last.day} ({weeks}): {run - k} follow-ups "
                "as the one before (nothing changed, the same advice)"
            )
            lines.append(f"{indent}  next: " + _next_words(episode, last))
            k = run
            continue
        lines.extend(_visit_lines(episode, k, concerns, marked, violation, indent))
        k += 1
    lines.append(f"{indent}end: {_ENDS[episode.end]}")
    if violation is not None and violation.visit is None:
        lines.append(f"{indent}>>> {violation.message}")
    return lines


def _repeats_before(visits: tuple[Visit, ...], k: int) -> bool:
    """Visit ``k`` changes nothing and gets the advice of visit ``k - 1``."""
    before, visit = visits[k - 1], visits[k]
    return (
        k > 1
        and not _changes(before.case, visit.case)
        and _advice_words(before.advice) == _advice_words(visit.advice)
        and before.advice.fired == visit.advice.fired
    )


def _visit_lines(
    episode: Episode,
    k: int,
    concerns: tuple[str, ...],
    marked: int | None,
    violation: Violation | None,
    indent: str,
) -> list[str]:
    visit = episode.visits[k]
    kind = "initial consultation" if k == 0 else "follow-up"
    lines = [f"{indent}day {visit.day} (week {visit.week}): {kind}, session {visit.session}"]
    if k == 0:
        found = case_findings(visit.case)
        lines.append(f"{indent}  findings: " + ("; ".join(found) or "a plain patient"))
    else:
        changed = _changes(episode.visits[k - 1].case, visit.case)
        lines.append(f"{indent}  changed: " + ("; ".join(changed) or "nothing"))
    lines.append(f"{indent}  advice: " + "; ".join(_advice_words(visit.advice)))
    fired = [r for r in visit.advice.fired if not concerns or r in concerns]
    if fired:
        lines.append(f"{indent}  rules: " + ", ".join(fired))
    lines.append(f"{indent}  next: " + _next_words(episode, visit))
    if violation is not None and marked == k:
        lines.append(f"{indent}  >>> {violation.message}")
    return lines


def _result_lines(result: EpisodeResult) -> list[str]:
    kind = "finding" if result.property.finding else "requirement"
    lines = [f"{result.name}: {result.status.value} ({kind})", f"  {result.property.statement}"]
    if result.message:
        lines.append(f"  {result.message}")
    if result.property.note and (result.property.finding or result.status is not Status.PROVEN):
        lines.append(f"  {result.property.note}")
    if result.episode is not None:
        n = len(result.episode.visits)
        lines.append(f"  refuting episode ({n} consultation{'s' if n != 1 else ''}):")
        lines.extend(
            render_timeline(
                result.episode, concerns=result.concerns, violation=result.violation, indent="    "
            )
        )
    if result.concerns:
        lines.append("  rules concerned: " + ", ".join(result.concerns))
    return lines


def _timing_lines(report: EpisodeReport) -> list[str]:
    status = {r.name: r.status.value for r in report.results}
    lines = [
        "",
        "Timing findings of the literal text, and how the spec resolves them",
        "-------------------------------------------------------------------",
    ]
    for finding in TIMING_FINDINGS:
        lines.extend(["", f"{finding.id}: {finding.title}"])
        lines.append(f"  collision: {finding.collision}")
        lines.append(f"  resolution: {finding.resolution}")
        shown = [f"{name} ({status.get(name, 'not checked')})" for name in finding.properties]
        if shown:
            lines.append("  shown by: " + ", ".join(shown))
    return lines


def render_episodes_text(report: EpisodeReport) -> str:
    """The report for people.

    A table of the properties; the details of every property not passed; the
    findings with their timelines; the timing findings with their resolutions.
    """
    width = max([len(r.name) for r in report.results] + [len("episode property")])
    lines = [
        f"Episodes of {report.ruleset}: {len(report.results)} path properties over every "
        f"episode up to week {report.bound_weeks} (at most {report.consultations} "
        "consultations)",
        "",
        f"{'episode property':<{width}}  {'result':<9}  time",
    ]
    for r in report.results:
        cell = f"{r.status.value}*" if r.property.finding else r.status.value
        lines.append(f"{r.name:<{width}}  {cell:<9}  {r.seconds:.3f} s")
    failed = [r for r in report.results if not r.passed]
    findings = [r for r in report.results if r.property.finding and r.passed]
    if findings:
        lines.extend(["", "* a finding about the guideline's timing (not a failure)"])
    for r in failed:
        lines.append("")
        lines.extend(_result_lines(r))
    if findings:
        lines.extend(["", "Episode findings for the guideline committee", "-" * 44])
        for r in findings:
            lines.append("")
            lines.extend(_result_lines(r))
    lines.extend(_timing_lines(report))
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in Status)
    verdict = "all requirements proven" if report.ok else "NOT all requirements proven"
    lines.extend(["", f"episodes: {counts} in {report.seconds:.2f} s: {verdict}"])
    return "\n".join(lines) + "\n"


def _episode_json(episode: Episode | None) -> dict[str, Any] | None:
    if episode is None:
        return None
    return {
        "bound_weeks": episode.bound_weeks,
        "end": episode.end.value,
        "visits": [
            {
                "day": v.day,
                "week": v.week,
                "next_step": next_step(v).value,
                "case": case_to_json(v.case),
                "advice": advice_to_json(v.advice),
            }
            for v in episode.visits
        ],
    }


def episodes_json(report: EpisodeReport) -> dict[str, Any]:
    """The report as a JSON value."""
    return {
        "contract_version": CONTRACT_VERSION,
        "ruleset": report.ruleset,
        "bound_weeks": report.bound_weeks,
        "consultations": report.consultations,
        "pathway": attrs.asdict(report.pathway),
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
                "horizon_weeks": r.property.horizon_weeks,
                "concerns": list(r.concerns),
                "violation": None
                if r.violation is None
                else {"visit": r.violation.visit, "message": r.violation.message},
                "episode": _episode_json(r.episode),
            }
            for r in report.results
        ],
        "timing_findings": [
            {
                "id": f.id,
                "title": f.title,
                "quotes": list(f.quotes),
                "collision": f.collision,
                "resolution": f.resolution,
                "properties": list(f.properties),
            }
            for f in TIMING_FINDINGS
        ],
    }
