"""Sphinx extension: write the reference pages that come from the rules, at build time.

On ``builder-inited`` it renders, from :data:`lbp_spec.rules.GUIDELINE` and
:data:`lbp_spec.traceability.TRACEABILITY`, three Markdown pages into
``docs/_generated/`` (git-ignored):

* ``rules.md``: the rule catalogue, one section per guideline section;
* ``resolutions.md``: every declared resolution;
* ``traceability.md``: every sentence of the summary and the rules behind it;
* ``findings.md``: the collisions and gaps of the literal reading, each with its
  witness, rules, quotes and deciding resolution, and the proof that with the
  resolutions none remain (:func:`lbp_spec.findings.analyse`, as
  ``lbp-spec verify --literal`` prints it);
* ``cli-help.md``: the help text of ``lbp-spec`` and of each subcommand, as the
  command prints it (included by ``reference/cli.md``).

Nothing on these pages is written by hand: change a rule and the page follows.
A page is rewritten only when its text changes, so incremental builds stay quick.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs
from lbp_diagrams import flowchart_dot, render_svg, section_anchor, stages_dot, timeline_svg
from sphinx.application import Sphinx
from sphinx.util import logging

from lbp_spec.case import Case
from lbp_spec.episodes import Change, Episode, EpisodeEnd, EpisodeError, simulate
from lbp_spec.episodes.timing import TIMING_FINDINGS
from lbp_spec.episodes.verify import EpisodeReport, EpisodeResult, verify_episodes
from lbp_spec.errata import ERRATA, ErratumKind
from lbp_spec.findings import (
    Collision,
    CoverageCheck,
    FindingKind,
    LiteralReport,
    Status,
    advice_summary,
    analyse,
    winner_words,
)
from lbp_spec.health import Cause, HealthReport, check_health
from lbp_spec.logic import VARIABLES, Expr, Named
from lbp_spec.properties import CATALOGUE
from lbp_spec.report import case_findings
from lbp_spec.rule import SLOTS, Resolution, Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.traceability import TRACEABILITY, Coverage, Gap, TracedSentence
from lbp_spec.verify import Report, verify
from lbp_spec.verify import Status as ProofStatus
from lbp_spec.vocabulary import FactorLevel, Improvement, PrognosticFactor, Section

logger = logging.getLogger(__name__)
T = TypeVar("T")

GENERATED = "_generated"
"""Directory, inside the docs source, that receives the generated pages."""

_BANNER = (
    "```{{note}}\nThis page is generated from `{source}` each time the documentation is "
    "built. Do not edit it: change `{source}` instead.\n```\n"
)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|#{}$])")


# -- small Markdown helpers ----------------------------------------------------------------


def escape(text: str) -> str:
    """Escape the characters Markdown would read as markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def rule_label(rule_id: str) -> str:
    """Target name of a rule's entry in the catalogue."""
    return f"rule-{rule_id.lower()}"


def resolution_label(resolution_id: str) -> str:
    """Target name of a resolution's entry."""
    return f"resolution-{resolution_id.lower()}"


def section_label(section: Section) -> str:
    """Target name of a guideline section in the catalogue (the diagrams link to it)."""
    return section_anchor(section)


def rule_ref(rule_id: str) -> str:
    """A link to a rule's entry, showing its id."""
    return f"{{ref}}`{rule_id} <{rule_label(rule_id)}>`"


def table_ref(target_id: str, label: str) -> str:
    """A link to an entry, for a table cell: the id may break after a dot or underscore."""
    shown = target_id.replace(".", ".\u200b").replace("_", "_\u200b")
    return f"{{ref}}`{shown} <{label}>`"


def resolution_ref(resolution_id: str) -> str:
    """A link to a resolution's entry, showing its id."""
    return f"{{ref}}`{resolution_id} <{resolution_label(resolution_id)}>`"


def block_quote(text: str) -> str:
    """A Markdown block quote of ``text``."""
    return f"> {escape(text)}\n"


def slot_words(slot: str) -> str:
    """How a slot is named for people, with its name."""
    return f"{escape(SLOTS[slot].words)} (`{slot}`)"


def _joined(items: Iterable[str]) -> str:
    return ", ".join(items)


# -- the rule catalogue ------------------------------------------------------------------


def _definitions(rules: Iterable[Rule]) -> dict[str, Named]:
    found: dict[str, Named] = {}
    for rule in rules:
        for node in rule.when.walk():
            if isinstance(node, Named):
                found.setdefault(node.name, node)
    return found


def definition_label(name: str) -> str:
    """Target name of a named definition in the catalogue."""
    return f"definition-{name.replace('_', '-')}"


def _named_in(expr: Expr) -> Iterator[Named]:
    """The named definitions ``expr`` uses directly (not through another one)."""
    if isinstance(expr, Named):
        yield expr
        return
    for child in expr.children():
        yield from _named_in(child)


def _where_lines(rule: Rule) -> list[str]:
    seen: dict[str, Named] = {}
    for named in _named_in(rule.when):
        seen.setdefault(named.name, named)
    return [
        f"- *{escape(n.words)}* ({{ref}}`{n.name} <{definition_label(n.name)}>`): "
        f"{escape(n.expr.describe())}"
        for n in seen.values()
    ]


def _role_lines(ruleset: RuleSet, rule: Rule) -> Iterator[str]:
    for res in ruleset.resolutions:
        slots = [s for s in res.slots if s in rule.slots]
        if rule.id in res.winners:
            against = _joined(rule_ref(r) for r in res.losers)
            yield f"- wins {resolution_ref(res.id)} against {against}"
        if rule.id in res.losers:
            winners = _joined(rule_ref(r) for r in res.winners)
            on = _joined(f"`{s}`" for s in slots)
            yield f"- loses {resolution_ref(res.id)} to {winners}, on {on}"


def property_label(name: str) -> str:
    """The MyST target of a property entry."""
    return "property-" + name.replace("_", "-").replace(".", "-").lower()


_VECTORS: dict[str, list[str]] = {}


def _conformance_vectors() -> dict[str, list[str]]:
    """Rule id -> ids of the conformance vectors whose goals name the rule (built once)."""
    if not _VECTORS:
        from lbp_spec.conformance import generate

        for v in generate().vectors:
            for rule in GUIDELINE.rules:
                if any(f"rule {rule.id} " in c or f"rule {rule.id}:" in c for c in v.covers):
                    _VECTORS.setdefault(rule.id, []).append(v.id)
    return _VECTORS


def _vector_lines(rule: Rule) -> list[str]:
    ids = _conformance_vectors().get(rule.id, [])
    if not ids:
        return []
    shown = ", ".join(f"`{i}`" for i in ids[:6])
    more = f" and {len(ids) - 6} more" if len(ids) > 6 else ""
    return [f"**Conformance vectors** ({len(ids)}): {shown}{more}.", ""]


def _property_lines(rule: Rule) -> list[str]:
    props = [p for p in CATALOGUE if rule.id in p.concerns(GUIDELINE)]
    return [f"- {{ref}}`{p.name} <{property_label(p.name)}>`" for p in props]


def _traced_from(rule: Rule) -> list[TracedSentence]:
    return [t for t in TRACEABILITY if rule.id in t.rules]


def render_rule(ruleset: RuleSet, rule: Rule) -> str:
    """The catalogue entry of one rule."""
    out = [f"({rule_label(rule.id)})=", f"### `{rule.id}`: {escape(rule.title)}", ""]
    out.append("**The guideline says**\n")
    for quote in rule.quote:
        out.append(block_quote(quote))
    out.append(f"**When** {escape(rule.when.describe())}.\n")
    where = _where_lines(rule)
    if where:
        out += ["**Where**", "", *where, ""]
    out.append("**Then**\n")
    out.extend(f"- {escape(effect.describe())}" for effect in rule.then)
    out.append("")
    if rule.note:
        out.append(f"**Reading** {escape(rule.note)}\n")
    roles = list(_role_lines(ruleset, rule))
    if roles:
        out.append("**Resolutions**\n")
        out.extend(roles)
        out.append("")
    out.extend(_vector_lines(rule))
    props = _property_lines(rule)
    if props:
        out.append("**Properties it takes part in**\n")
        out.extend(props)
        out.append("")
    traced = _traced_from(rule)
    partial = [t for t in traced if t.coverage is Coverage.PARTIAL]
    sentences = "sentence" if len(traced) == 1 else "sentences"
    out.append(
        f"**Traceability** formalizes {len(traced)} {sentences} of the summary"
        + (f", {len(partial)} of them in part" if partial else "")
        + " (see {doc}`the traceability table </_generated/traceability>`).\n"
    )
    return "\n".join(out)


def rule_catalogue(ruleset: RuleSet) -> str:
    """The whole rule catalogue page."""
    out = [
        "# Rule catalogue",
        "",
        _BANNER.format(source="lbp_spec.rules.GUIDELINE"),
        f"The rule set *{escape(ruleset.name)}* holds {len(ruleset.rules)} rules and "
        f"{len(ruleset.resolutions)} declared resolutions "
        "(see {doc}`the resolutions </_generated/resolutions>`). Each rule below gives the "
        "sentences it quotes from the guideline summary, its condition and effects in plain "
        "words, how the text was read, and the resolutions it takes part in.",
        "",
        "Rules are grouped by the guideline section they formalize, in the order of the "
        "summary; within a section they keep the order of the rule set.",
        "",
    ]
    for section in Section:
        rules = [r for r in ruleset.rules if r.section is section]
        if not rules:
            continue
        out += [f"({section_label(section)})=", f"## {escape(section.value)}", ""]
        out += [render_rule(ruleset, rule) for rule in rules]
    definitions = _definitions(ruleset.rules)
    out += [
        "(rule-definitions)=",
        "## Named definitions",
        "",
        "Conditions above use these named terms; each is computed once, from the case and "
        "the advice decided so far.",
        "",
    ]
    for name in sorted(definitions):
        named = definitions[name]
        out += [
            f"({definition_label(name)})=",
            f"### `{name}`",
            "",
            f"*{escape(named.words)}*: {escape(named.expr.describe())}.",
            "",
        ]
    return "\n".join(out)


# -- resolutions -------------------------------------------------------------------------------


def render_resolution(resolution: Resolution) -> str:
    """The entry of one resolution."""
    out = [
        f"({resolution_label(resolution.id)})=",
        f"## `{resolution.id}`: {escape(resolution.title)}",
        "",
        f"**Winners** {_joined(rule_ref(r) for r in resolution.winners)}\n",
        f"**Losers** {_joined(rule_ref(r) for r in resolution.losers)}\n",
        f"**Slots** {_joined(slot_words(s) for s in resolution.slots)}\n",
        f"**Reason** {escape(resolution.reason)}\n",
    ]
    if resolution.quotes:
        out.append("**The guideline says**\n")
        out.extend(block_quote(q) for q in resolution.quotes)
    return "\n".join(out)


def resolutions_page(ruleset: RuleSet) -> str:
    """The resolutions page."""
    out = [
        "# Resolutions",
        "",
        _BANNER.format(source="lbp_spec.rules.resolutions.RESOLUTIONS"),
        "Read literally, some rules of the guideline collide: for one case and one advice "
        "slot they write different values. Each resolution below decides such a collision "
        "explicitly: whenever one of its winners fires, the effect of each loser on the "
        "listed slots is set aside. Without these resolutions (the literal reading) the "
        "verifier lists every collision with a witness case; with them, it proves that none "
        "is left.",
        "",
    ]
    out += [render_resolution(r) for r in ruleset.resolutions]
    return "\n".join(out)


# -- traceability -------------------------------------------------------------------------------


def _coverage_cell(record: TracedSentence) -> str:
    if record.gap is None:
        return record.coverage.value
    return f"{record.coverage.value}: {escape(record.gap.words)}"


def _rules_cell(record: TracedSentence) -> str:
    cells = [table_ref(r, rule_label(r)) for r in record.rules]
    cells += [table_ref(r, resolution_label(r)) for r in record.resolutions]
    return ", ".join(cells) if cells else "none"


def traceability_page(records: tuple[TracedSentence, ...]) -> str:
    """The traceability table, one table per guideline section."""
    counts = {c: sum(1 for r in records if r.coverage is c) for c in Coverage}
    out = [
        "# Traceability",
        "",
        _BANNER.format(source="lbp_spec.traceability.TRACEABILITY"),
        f"Every recommendation-bearing sentence or bullet of the guideline summary, from "
        f"*Diagnostic process* to the end, in text order: {len(records)} in all, "
        f"{counts[Coverage.FULL]} formalized in full, {counts[Coverage.PARTIAL]} in part and "
        f"{counts[Coverage.NONE]} not at all. Headings and table labels are left out. The "
        "test suite checks that every other segment of the summary is listed here, that each "
        "rule listed quotes the sentence, and that every rule is listed at least once.",
        "",
        "Why a sentence is not, or not wholly, formalized:",
        "",
    ]
    out += [f"- **{escape(g.words)}**: {escape(g.meaning)}" for g in Gap]
    out.append("")
    for section in Section:
        rows = [r for r in records if r.section is section]
        if not rows:
            continue
        out += [
            f"## {escape(section.value)}",
            "",
            "| Sentence | Rules and resolutions | Coverage | Why |",
            "| --- | --- | --- | --- |",
        ]
        out += [
            f"| {escape(r.sentence)} | {_rules_cell(r)} | {_coverage_cell(r)} | "
            f"{escape(r.explanation)} |"
            for r in rows
        ]
        out.append("")
    return "\n".join(out)


# -- literal findings ------------------------------------------------------------------------------


def finding_label(number: int) -> str:
    """Target name of a literal finding's entry."""
    return f"finding-{number}"


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {escape(line)}" for line in lines]


def _finding_entry(number: int, c: Collision) -> list[str]:
    out = [
        f"({finding_label(number)})=",
        f"### {number}. `{c.first.id}` and `{c.second.id}`",
        "",
        "**Contested** " + "; ".join(escape(x.describe()) for x in c.conflicts) + "\n",
    ]
    if c.status is not Status.FOUND:
        out.append(f"**{c.status.value.upper()}** {escape(c.message)}\n")
    for rule in (c.first, c.second):
        out.append(f"**{rule_ref(rule.id)}** ({escape(rule.title)}) says:\n")
        out.extend(block_quote(q) for q in rule.quote)
    if c.witness is not None:
        out += ["**Witness** (what differs from a plain patient):", ""]
        out += _bullets(case_findings(c.witness) or ["(a plain patient)"])
        out.append("")
    if c.advice is not None:
        out += ["**Literal advice** (a contested field keeps the value that sorts first):", ""]
        out += _bullets(advice_summary(c.advice, c.slots))
        out.append("")
    for res in c.resolutions:
        out.append(
            f"**Decided by** {resolution_ref(res.id)}: {escape(winner_words(c, res))}. "
            f"{escape(res.reason)}\n"
        )
    on = _joined(f"`{s}`" for s in c.undecided)
    if c.unresolved:
        out.append(f"**Unresolved** on {on}.\n")
    elif c.undecided:
        out.append(
            f"**Settled** on {on} without a resolution naming both rules: with the "
            "resolutions they never take effect together (proven).\n"
        )
    return out


_COVERAGE_CELL = {
    Status.FOUND: "**gap**",
    Status.CLEAR: "covered",
    Status.VACUOUS: "vacuous",
    Status.UNKNOWN: "unknown",
    Status.ERROR: "error",
}


def _gap_entry(check: CoverageCheck) -> list[str]:
    out = [f"### Gap: `{check.name}`", "", escape(check.expectation.statement), ""]
    if check.witness is not None:
        out += ["**Witness** (what differs from a plain patient):", ""]
        out += _bullets(case_findings(check.witness) or ["(a plain patient)"])
        out.append("")
    if check.advice is not None:
        out += ["**Literal advice**", "", *_bullets(advice_summary(check.advice)), ""]
    return out


def findings_page(report: LiteralReport) -> str:
    """The literal findings page: collisions by kind, gaps, and the resolved check."""
    found = [c for c in report.collisions if c.status is Status.FOUND]
    numbers = {c.key: n for n, c in enumerate(report.collisions, start=1)}
    resolved = (
        "with the declared resolutions, Z3 proves that none remains"
        if report.none_remain
        else "with the declared resolutions, it is **not** proven that none remains"
    )
    out = [
        "# Literal findings",
        "",
        _BANNER.format(source="lbp_spec.rules.GUIDELINE"),
        f"Read literally, without its {len(report.resolutions)} declared resolutions, the rule "
        f"set *{escape(report.ruleset)}* has {len(found)} collisions and {len(report.gaps)} "
        f"gaps; {resolved}. This is the list for the guideline committee, as "
        "`lbp-spec verify --literal` prints it.",
        "",
        f"A *collision* is a pair of rules that write different values into one advice field "
        f"and whose conditions hold together for some valid case ({report.pairs_checked} pairs "
        "of rules write different values into one field; those that can fire together are "
        "listed). Each comes with a *witness*: a valid patient, as close to the plain default "
        "patient as Z3's optimiser finds, replayed through the evaluator. A rule that reads a "
        "field (such as the profile) reads its decided value, so the consequences of one "
        "collision (two profiles, hence two re-evaluation windows) show as that one collision. "
        "A *gap* is a patient that a coverage the guideline implies leaves uncovered.",
        "",
        "| # | Kind | Rules | Decided by |",
        "| --- | --- | --- | --- |",
    ]
    for c in report.collisions:
        number = numbers[c.key]
        deciding = _joined(table_ref(r.id, resolution_label(r.id)) for r in c.resolutions) or (
            "**unresolved**" if c.unresolved else "settled without one"
        )
        out.append(
            f"| {{ref}}`{number} <{finding_label(number)}>` | {escape(c.kind.words)} | "
            f"{table_ref(c.first.id, rule_label(c.first.id))}, "
            f"{table_ref(c.second.id, rule_label(c.second.id))} | {deciding} |"
        )
    out.append("")
    for kind in FindingKind:
        group = [c for c in report.collisions if c.kind is kind]
        if kind is FindingKind.GAP or not group:
            continue
        out += [f"## {escape(kind.words)}", ""]
        for c in group:
            out += _finding_entry(numbers[c.key], c)
    out += [
        "## Gaps",
        "",
        "Coverage the guideline implies, checked on the literal rules and on the rules with "
        "their resolutions:",
        "",
        "| Expectation | Statement | Literal | With resolutions |",
        "| --- | --- | --- | --- |",
    ]
    out += [
        f"| `{c.name}` | {escape(c.expectation.statement)} | {_COVERAGE_CELL[c.status]} | "
        f"{_COVERAGE_CELL[c.resolved]} |"
        for c in report.coverage
    ]
    out.append("")
    for check in report.gaps:
        out += _gap_entry(check)
    cells = {Status.CLEAR: "none remains", Status.FOUND: "**a collision remains**"}
    out += [
        "## With the declared resolutions",
        "",
        "For each advice field that holds one value, Z3 is asked for a valid case for which it "
        "holds two with the resolutions in force:",
        "",
        "| Field | Result |",
        "| --- | --- |",
    ]
    out += [
        f"| {slot_words(s.slot)} | {cells.get(s.status, s.status.value)} |" for s in report.resolved
    ]
    out += [
        "",
        "Each resolution, and the collisions above it decides (its reason and quotes are on "
        "{doc}`the resolutions page </_generated/resolutions>`):",
        "",
        "| Resolution | Winners | Losers | Decides |",
        "| --- | --- | --- | --- |",
    ]
    for use in report.resolutions:
        res = use.resolution
        decides = _joined(
            f"{{ref}}`{numbers[k]} <{finding_label(numbers[k])}>`" for k in use.decides
        )
        out.append(
            f"| {table_ref(res.id, resolution_label(res.id))} | "
            f"{_joined(table_ref(r, rule_label(r)) for r in res.winners)} | "
            f"{_joined(table_ref(r, rule_label(r)) for r in res.losers)} | {decides or 'none'} |"
        )
    out.append("")
    return "\n".join(out)


def literal_findings() -> str:
    """The findings page of the built-in guideline; problems are logged as warnings."""
    report = literal_report()
    if report.errors or report.unknown:
        logger.warning(
            "lbp_docs: the literal analysis has %d errors and %d unknown results",
            report.errors,
            report.unknown,
        )
    return findings_page(report)


# -- property catalogue with live results ---------------------------------------------------------


def properties_page(report: Report) -> str:
    """The property catalogue with the results of running the proofs during the build."""
    out = [
        "# Property catalogue",
        "",
        _BANNER.format(source="lbp_spec.properties.CATALOGUE"),
        "Every property below was checked with Z3 while these pages were built, on the "
        "encoding derived from the very rules the evaluator runs. *Proven* means no valid "
        "case breaks it and valid cases meeting its premise (and each condition it speaks "
        "about) exist; a solver timeout would show as *unknown*, never as proven. A "
        "*finding* is a fact about the guideline's own text, expected to be refuted and "
        "shown with its witness for the committee.",
        "",
        f"Run: {len(report.results)} properties in {report.seconds:.2f} s; "
        + ", ".join(f"{report.count(s)} {s.value}" for s in ProofStatus if report.count(s))
        + ".",
        "",
        "| property | kind | result | time |",
        "|---|---|---|---|",
    ]
    for r in report.results:
        kind = "finding" if r.property.finding else "requirement"
        out.append(
            f"| {{ref}}`{r.name} <{property_label(r.name)}>` | {kind} | "
            f"**{r.status.value}** | {r.seconds:.3f} s |"
        )
    out.append("")
    for group in dict.fromkeys(p.group for p in CATALOGUE):
        out += [f"## {group.capitalize()}", ""]
        for r in (x for x in report.results if x.property.group == group):
            out += [f"({property_label(r.name)})=", f"### `{r.name}`", ""]
            out.append(f"{escape(r.property.statement)}\n")
            kind = "a finding for the committee" if r.property.finding else "a requirement"
            out.append(f"**Result** {r.status.value} ({kind}), in {r.seconds:.3f} s.\n")
            if r.message:
                out.append(f"{escape(r.message)}\n")
            if r.property.note:
                out.append(f"**Note** {escape(r.property.note)}\n")
            if r.witness is not None:
                out.append("**Counterexample patient** (what differs from a plain patient):\n")
                out += [f"- {escape(line)}" for line in case_findings(r.witness)]
                out.append("")
            if r.worse is not None:
                out.append("**The same patient with one finding worse**:\n")
                out += [f"- {escape(line)}" for line in case_findings(r.worse)]
                out.append("")
            if r.concerns:
                out.append(
                    "**Rules it concerns** " + _joined(rule_ref(c) for c in r.concerns) + "\n"
                )
            out.append(f"Proof file: `proofs/prove_{group}.py`.\n")
    return "\n".join(out)


def live_properties() -> str:
    """Run the catalogue on the built-in guideline; a failed requirement is a warning."""
    report = proof_report()
    if not report.ok:
        logger.warning("lbp_docs: not every requirement is proven on the built-in guideline")
    return properties_page(report)


# -- diagrams: the clinical flowchart, the stages, the pathway over time ------------------------

_RULES_FROM_GENERATED = "rules.html"


def _svg_block(svg: str, wide: bool = True) -> list[str]:
    css = "lbp-figure lbp-wide" if wide else "lbp-figure"
    return ["```{raw} html", f'<div class="{css}">{svg}</div>', "```", ""]


def _legend(items: Iterable[tuple[str, str]]) -> list[str]:
    return ["| Mark | Meaning |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in items), ""]


def flow_page(ruleset: RuleSet) -> str:
    """The clinical flowchart of one consultation, and the stage overview, laid out by Graphviz."""
    chart = render_svg(
        flowchart_dot(ruleset, _RULES_FROM_GENERATED),
        "Clinical flowchart of the guideline, generated from the rules",
    )
    stages = render_svg(stages_dot(ruleset, _RULES_FROM_GENERATED), "Stages of the rule set")
    return "\n".join(
        [
            "# Clinical flowchart",
            "",
            _BANNER.format(source="lbp_spec.rules.GUIDELINE"),
            "The path a patient takes at a consultation, as the rules decide it: the need for "
            "assistance; red flags and signs of a neurological emergency; suspected LRS and the "
            "neurological examination; severe LRS; the prognostic factors that select profile "
            "1, 2 or 3; what each profile, and LRS, is offered; the follow-up evaluation and "
            "the referral. It is drawn from the rule conditions each time the documentation is "
            "built (Graphviz lays it out): the conditions on the arrows and the thresholds in "
            "them (MRC, NPRS, the fingertip-to-floor distance, the weeks) are those the rules "
            "hold, so a changed rule changes the picture. Click a box or a condition to open "
            "its rules in the {doc}`rule catalogue </_generated/rules>`.",
            "",
            *_svg_block(chart),
            "How to read it:",
            "",
            *_legend(
                [
                    ("blue box", "a step of the assessment"),
                    ("green box", "a treatment profile and what it is offered"),
                    (
                        "orange box",
                        "LRS: what the LRS rows add, in any profile (they win "
                        "over the profile where both speak)",
                    ),
                    ("yellow box", "what every profile is offered"),
                    ("red arrow and box", "a referral to the GP, with its urgency"),
                    ("dashed arrow", "LRS patients only"),
                    ("dotted arrow", "every profile also gets this"),
                    ("*offer*, *consider*", "recommended (permitted)"),
                    ("*preferably not*, *do not*", "advised against (forbidden)"),
                ]
            ),
            "The time course over the weeks that follow (checks, re-evaluation windows, GP "
            "contact, referral) is on {doc}`the care pathway over time </_generated/pathway>`.",
            "",
            "## The rule set in stages",
            "",
            "A secondary overview of how the rule set is organised: one box per stage with the "
            "number of its rules and the advice fields they decide; solid arrows in the order "
            "of the stages, dashed arrows where a stage's rules read a field decided two or "
            "more stages before (the treatment rules read the profile), red arrows where a "
            "stage refers.",
            "",
            *_svg_block(stages),
            *_legend(
                [
                    ("solid arrow", "the order of the stages"),
                    ("dashed arrow", "the later stage reads a field the earlier one decides"),
                    ("red arrow", "the stage can refer the patient to the GP"),
                ]
            ),
        ]
    )


# The patients the pathway pictures start from: a profile is chosen by the therapist's
# judgement of the prognostic factors, so each is a plain patient with that judgement.
_FACTOR = PrognosticFactor.PREVIOUS_EPISODES


def pathway_scenarios() -> list[tuple[str, Case]]:
    """(who, initial case) for each picture of the pathway page."""
    need = {"need_for_assistance": True}
    return [
        ("a patient without prognostic factors", Case(**need)),
        (
            "a patient with one non-dominant prognostic factor",
            Case(**need, prognostic_factors={_FACTOR: FactorLevel.NON_DOMINANT}),
        ),
        (
            "a patient with one dominant prognostic factor",
            Case(**need, prognostic_factors={_FACTOR: FactorLevel.DOMINANT}),
        ),
        ("a patient with LRS and no prognostic factors", Case(**need, lrs=True)),
        (
            "a patient with LRS and one dominant prognostic factor",
            Case(**need, lrs=True, prognostic_factors={_FACTOR: FactorLevel.DOMINANT}),
        ),
    ]


def pathway_title(episode: Episode) -> str:
    """The title of a pathway picture, from the advice at its first consultation."""
    first = episode.visits[0]
    profile = first.advice.profile
    who = f"Profile {profile}" if profile is not None else "No profile"
    if first.case.lrs:
        who = f"LRS, {who.lower()}" if profile is not None else "LRS"
    return f"{who}, without adequate improvement"


_NO_IMPROVEMENT = Change(
    findings={
        "improvement": Improvement.INADEQUATE,
        "reevaluation_new_insights": False,
        "adjustment_expected_to_suffice": False,
    }
)


def pathway_episode(start: Case, ruleset: RuleSet = GUIDELINE) -> Episode:
    """The episode of a patient who never improves adequately, each follow-up at the earliest."""
    return simulate(start, [_NO_IMPROVEMENT] * 80, ruleset=ruleset)


def _visits_words(episode: Episode) -> str:
    days = [v.day for v in episode.visits]
    last = episode.visits[-1]
    end = (
        f"referred to the GP on day {last.day} (week {last.week})"
        if last.advice.referral is not None
        else f"not referred by week {episode.bound_weeks}"
    )
    contact = next((v for v in episode.visits if v.advice.consult_general_practitioner), None)
    gp = f"; the GP is contacted on day {contact.day} (week {contact.week})" if contact else ""
    shown = ", ".join(str(d) for d in days[:12]) + (", ..." if len(days) > 12 else "")
    return f"{len(days)} consultations (days {shown}){gp}; {end}."


def pathway_page(ruleset: RuleSet) -> str:
    """The care pathway over time per profile and for LRS, from simulated episodes."""
    out = [
        "# The care pathway over time",
        "",
        _BANNER.format(source="lbp_spec.episodes.pathway"),
        "What happens over the weeks after the first consultation, for a patient whose "
        "complaints do not decrease adequately, per profile and for LRS. Each picture is an "
        "episode played by the simulator ({func}`lbp_spec.episodes.simulate`) on the rules and "
        "the pathway the episode proofs use: every consultation gets the rules' advice, and "
        "the pathway decides when the next one comes (at the earliest it allows). Week 0 is "
        "the initial consultation; the bars are the windows the advice plans (from the "
        "consultation that plans them), the marks the consultations. At each follow-up the "
        "patient reports an inadequate decrease of complaints, and a re-evaluation, when "
        "due, brings nothing new. Change a rule or the pathway and the pictures follow.",
        "",
        *_legend(
            [
                ("blue dot", "a consultation"),
                ("small grey dot", "a check after a number of days the advice asked for"),
                ("orange dot", "the GP is contacted"),
                ("red diamond", "referral to the GP: the episode ends"),
                ("coloured bar", "a window the advice plans, in weeks since the start"),
            ]
        ),
    ]
    for who, start in pathway_scenarios():
        try:
            episode = pathway_episode(start, ruleset)
        except (ValueError, EpisodeError) as error:  # a changed pathway may refuse the plan
            logger.warning("lbp_docs: no pathway picture for %s: %s", who, error)
            continue
        title = pathway_title(episode)
        out += [
            f"## {escape(title)}",
            "",
            *_svg_block(timeline_svg(episode, title)),
            f"For {who}: {escape(_visits_words(episode))} The episode properties and timing "
            "findings about this path are on {doc}`the committee page </_generated/committee>`.",
            "",
        ]
    return "\n".join(out)


# -- the committee's page ------------------------------------------------------------------------

_CACHE: dict[str, object] = {}


def _cached(key: str, make: Callable[[], T]) -> T:
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]  # type: ignore[return-value]


def literal_report() -> LiteralReport:
    """The literal analysis of the built-in guideline, run once per build."""
    return _cached("literal", lambda: analyse(GUIDELINE))


def proof_report() -> Report:
    """The property catalogue run on the built-in guideline, once per build."""
    return _cached("verify", lambda: verify(GUIDELINE))


def _words_of(path: str, value: object) -> str:
    if path == "consultation":
        return f"at a {_plain(value).replace(' ', '-')} consultation"
    if path == "weeks_since_start":
        return f"in week {_plain(value)} since the start of treatment"
    if path == "improvement":
        return f"an {_plain(value)} decrease of complaints"
    if path == "sessions_used":
        return f"{_plain(value)} {'session' if value == 1 else 'sessions'} used"
    var = VARIABLES.get(path)
    words = var.words if var is not None else path.replace("_", " ")
    if isinstance(value, bool):
        return words if value else f"{words}: no"
    if isinstance(value, frozenset | set | tuple):
        return f"{words}: " + ", ".join(sorted(_plain(v) for v in value))
    if isinstance(value, dict):
        parts = [f"{_plain(k)} ({_plain(v)})" for k, v in value.items()]
        return f"{words}: " + ", ".join(parts)
    return f"{words}: {_plain(value)}"


def _plain(value: object) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("_", " ").replace("-", "-")


def _default_of(before: object, value: object, field: attrs.Attribute[object]) -> object:
    """What a part of a finding was before (in ``before``), or its default."""
    if type(before) is type(value):
        return getattr(before, field.name)
    return None if field.default is attrs.NOTHING else field.default


def patient_words(case: Case, base: Case | None = None) -> str:
    """What sets ``case`` apart from ``base`` (a plain patient), in words (no field names)."""
    plain = Case() if base is None else base
    parts: list[str] = []
    for field in attrs.fields(Case):
        value, default = getattr(case, field.name), getattr(plain, field.name)
        if value == default:
            continue
        if attrs.has(type(value)):
            parts += [
                _words_of(f"{field.name}.{f.name}", getattr(value, f.name))
                for f in attrs.fields(type(value))
                if getattr(value, f.name) != _default_of(default, value, f)
            ] or [VARIABLES[field.name].words if field.name in VARIABLES else field.name]
        else:
            parts.append(_words_of(field.name, value))
    return (
        "; ".join(parts)
        if parts
        else "a plain patient (a first consultation, a need for assistance, no findings)"
    )


def _collision_paragraphs(report: LiteralReport) -> list[str]:
    numbers = {c.key: n for n, c in enumerate(report.collisions, start=1)}
    out = []
    for c in report.collisions:
        if c.status is not Status.FOUND:
            continue
        n = numbers[c.key]
        contested = "; ".join(x.describe() for x in c.conflicts)
        text = (
            f"**{n}. {escape(c.kind.words)}.** "
            f"**{escape(c.first.title)}** ({rule_ref(c.first.id)}) against "
            f"**{escape(c.second.title)}** ({rule_ref(c.second.id)}): "
            f"{escape(contested)}."
        )
        if c.witness is not None:
            text += f" *Witness:* {escape(patient_words(c.witness))}."
        for res in c.resolutions:
            text += f" *Decided by* {resolution_ref(res.id)}: {escape(winner_words(c, res))}."
        if c.unresolved:
            text += " **Unresolved.**"
        text += f" ({{ref}}`details <{finding_label(n)}>`)"
        out += [text, ""]
    return out


def _gap_paragraphs(report: LiteralReport) -> list[str]:
    """Coverage the guideline implies that a patient escapes, and what remains resolved."""
    out = []
    for check in report.gaps:
        text = f"**Gap: {escape(check.expectation.statement)}** (`{check.name}`)."
        if check.witness is not None:
            text += f" *Witness:* {escape(patient_words(check.witness))}."
        out += [text + " ({doc}`details </_generated/findings>`)", ""]
    for slot in report.remaining:
        text = f"**Still two values for {escape(SLOTS[slot.slot].words)}** with the resolutions."
        if slot.witness is not None:
            text += f" *Witness:* {escape(patient_words(slot.witness))}."
        out += [text + " ({doc}`details </_generated/findings>`)", ""]
    return out


def _enum_words(text: str) -> str:
    """``text`` with the values of how an episode ends in words (``not_required``)."""
    for end in EpisodeEnd:
        text = re.sub(rf"\b{end.value}\b", end.value.replace("_", " "), text)
    return text


def _episode_witness(result: EpisodeResult) -> str:
    episode = result.episode
    if episode is None:
        return ""
    visits = episode.visits
    last = visits[-1]
    where = ""
    if result.violation is not None and result.violation.visit is not None:
        v = visits[result.violation.visit]
        where = f"; at day {v.day} (week {v.week}): "
    elif result.violation is not None:
        where = "; "
    start = patient_words(visits[0].case)
    seen = "once" if len(visits) == 1 else f"{len(visits)} times"
    return f"{start}, seen {seen} up to day {last.day} (week {last.week})" + (
        where + _enum_words(result.violation.message) if result.violation is not None else ""
    )


def _timing_paragraphs(report: EpisodeReport) -> list[str]:
    results = {r.name: r for r in report.results}
    out = []
    for finding in TIMING_FINDINGS:
        text = (
            f"**{escape(finding.title)}** (`{finding.id}`). {escape(finding.collision)} "
            f"*The spec:* {escape(finding.resolution)}"
        )
        for name in finding.properties:
            result = results.get(name)
            if result is None:
                continue
            text += f" `{name}` is **{result.status.value}**"
            witness = _episode_witness(result) if result.status is ProofStatus.REFUTED else ""
            text += f"; *witness:* {escape(witness)}." if witness else "."
        text += " ({doc}`details </explanation/episodes>`)"
        out += [text, ""]
    return out


def _errata_paragraphs() -> list[str]:
    out = []
    for item in ERRATA:
        label = "Should say" if item.kind is ErratumKind.ERRATUM else "Ambiguous"
        rules = (" " + _joined(rule_ref(r) for r in item.rules)) if item.rules else ""
        out += [
            f"({errata_label(item.id)})=",
            f"**{item.kind.value.capitalize()}, line {item.line}** ({escape(item.section)}), "
            f"`{item.id}`: “{escape(item.text)}”. *{label}:* {escape(item.reading)} "
            f"*The spec:* {escape(item.spec)}{rules}",
            "",
        ]
    return out


def errata_label(item_id: str) -> str:
    """Target name of an erratum's paragraph."""
    return "erratum-" + item_id.lower().replace(".", "-").replace("_", "-")


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _unreachable_paragraphs(health: HealthReport) -> list[str]:
    never: dict[str, list[str]] = {}
    out: list[str] = []
    for v in health.unreachable:
        if v.cause is Cause.NOT_WRITTEN:
            never.setdefault(SLOTS[v.slot].words, []).append(_plain(v.value))
        elif v.cause is not Cause.NO_COLLISION:
            out += [
                f"**{escape(SLOTS[v.slot].words)}: {escape(_plain(v.value))}.** {escape(v.why)}.",
                "",
            ]
    if never:
        listed = "; ".join(f"{escape(k)}: never {escape(_or(vs))}" for k, vs in never.items())
        out += [
            "**Values of the scale no rule gives.** The advice can never say: "
            f"{listed}. These are facts of the text (it never recommends TENS, for "
            "example), listed so that a committee can see that each is intended. (The rule "
            "health in {doc}`the first verification </tutorial/first-verification>` lists them "
            "with `lbp-spec verify`.)",
            "",
        ]
    return out


def _property_paragraphs(report: Report) -> list[str]:
    out = []
    for r in report.results:
        if not r.property.finding:
            continue
        text = f"**{escape(r.property.statement)}** `{r.name}` is **{r.status.value}**."
        if r.witness is not None:
            text += f" *Witness:* {escape(patient_words(r.witness))}"
            if r.worse is not None:
                text += f"; made worse: {escape(patient_words(r.worse, r.witness))}"
            text += "."
        if r.property.note:
            text += f" {escape(r.property.note)}"
        text += f" ({{ref}}`details <{property_label(r.name)}>`)"
        out += [text, ""]
    return out


def committee_page() -> str:
    """What a guideline committee must decide, in one printable page."""
    literal = literal_report()
    episodes = _cached("episodes", lambda: verify_episodes(GUIDELINE))
    health = _cached("health", lambda: check_health(GUIDELINE))
    found = [c for c in literal.collisions if c.status is Status.FOUND]
    errata = sum(e.kind is ErratumKind.ERRATUM for e in ERRATA)
    out = [
        "# For the guideline committee",
        "",
        _BANNER.format(source="lbp_spec.rules.GUIDELINE"),
        "```{raw} html",
        '<p class="lbp-print-hint">This page prints as a handout (use the browser\'s print; '
        "the menus and sidebars are left out).</p>",
        "```",
        "",
        "Everything the formalization found that the committee must decide, each in one "
        "paragraph with a patient that shows it (the *witness*: what sets the patient apart "
        "from a plain patient, who comes for a first consultation with a need for assistance "
        "and no findings) and a link to the details. All of it is computed from the rules "
        "each time these pages are built.",
        "",
        f"- {len(found)} places where the rules, read literally, collide, and how the spec "
        "resolves each;",
        f"- {len(TIMING_FINDINGS)} places where the times the text gives collide over an episode;",
        f"- {errata} errata and {len(ERRATA) - errata} ambiguities of the text itself;",
        "- the values the advice can never take;",
        "- other facts about the text that the proofs show.",
        "",
        "## Literal collisions and their resolutions",
        "",
        "Two rules whose conditions hold together for a patient and that write different "
        "values into one part of the advice. The spec decides each by a declared resolution "
        "({doc}`all resolutions </_generated/resolutions>`; {doc}`full findings "
        "</_generated/findings>`).",
        "",
        *_collision_paragraphs(literal),
        *_gap_paragraphs(literal),
        "## Timing findings",
        "",
        "Where the times the text gives collide when a patient is followed over weeks "
        "(episodes of up to "
        f"{episodes.bound_weeks} weeks, proven or refuted with Z3; see also "
        "{doc}`the care pathway over time </_generated/pathway>`).",
        "",
        *_timing_paragraphs(episodes),
        "(errata-and-ambiguities)=",
        "## Errata and ambiguities of the text",
        "",
        "Places in the summary that should be corrected (errata) or that can be read in more "
        "than one way (ambiguities), with their line in the shipped text. `lbp-spec verify "
        "--literal` prints the same list ({data}`lbp_spec.errata.ERRATA`).",
        "",
        *_errata_paragraphs(),
        "## Values the advice never takes",
        "",
        *_unreachable_paragraphs(health),
        "## Other findings of the proofs",
        "",
        "Properties that state a fact of the text rather than a requirement: the committee "
        "should know they are refuted, and by whom.",
        "",
        *_property_paragraphs(proof_report()),
    ]
    return "\n".join(out)


# -- command-line help ----------------------------------------------------------------------


def cli_help_page() -> str:
    """The help of ``lbp-spec`` and of each subcommand, as printed at 88 columns."""
    import argparse
    import os

    from lbp_spec.cli import COMMANDS, build_parser

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        parser = build_parser()
        texts = [("lbp-spec --help", parser.format_help())]
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        for command in COMMANDS:
            child = subparsers.choices[command.name]
            texts.append((f"lbp-spec {command.name} --help", child.format_help()))
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    out: list[str] = []
    for title, text in texts:
        out += [f"### `{title}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(out)


# -- FHIR mapping ----------------------------------------------------------------------------------


def fhir_mapping_page() -> str:
    """The intake Questionnaire item by item, and the standard codes with their sources."""
    from lbp_spec.fhir.absent import (
        ABSENT_REASONS,
        DATA_ABSENT_REASON_SYSTEM,
        DATA_ABSENT_REASON_URL,
    )
    from lbp_spec.fhir.codes import OBSERVATION_CODES
    from lbp_spec.fhir.fields import Kind, case_questions, walk
    from lbp_spec.fhir.questionnaire import QUESTIONNAIRE_URL, answer_system

    types = {
        Kind.BOOLEAN: "boolean",
        Kind.INTEGER: "integer",
        Kind.DECIMAL: "decimal",
        Kind.CHOICE: "choice",
        Kind.STRING: "string",
        Kind.GROUP: "group",
        Kind.MAP: "group",
    }
    lines = [
        "# FHIR mapping",
        "",
        _BANNER.format(source="lbp_spec.fhir"),
        f"The intake Questionnaire `{QUESTIONNAIRE_URL}` (`lbp-spec fhir questionnaire`) has "
        "one item per field of the case, generated from the case JSON Schema: its `linkId` is "
        "the field's path, a choice's answers are `valueCoding`s in the code system "
        f"`{answer_system('<linkId>')}` with the contract's value as the code, and each item "
        "has a `display` child with the field's description as help text. A "
        "QuestionnaireResponse to it reads into a case, and a case writes back to one.",
        "",
        "## Standard codes",
        "",
        "Where a standard code exists, the item carries it (`item.code`) and a standalone "
        "`Observation` with that code gives the field (as `valueQuantity` with unit "
        "`{score}`, or `valueInteger`; status final, amended or corrected). Each code was "
        "checked against its publisher:",
        "",
        "| case field | system | code | meaning | method | source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for code in OBSERVATION_CODES:
        lines.append(
            f"| `{code.path}` | `{code.system}` | `{code.code}` | {escape(code.display)} | "
            f"{code.method or ''} | {escape(code.source)} |"
        )
    lines += [
        "",
        "The service and `lbp-spec fhir case` read the SNOMED CT pain score only with the "
        "method `NRS`: the same code also carries VAS scores, which are not an NPRS. "
        "Observations are written with the LOINC codes.",
        "",
        "## Inputs not known",
        "",
        "A record system says that a field is not known (rather than leaving it out, which "
        "keeps the meaning it has in the contract) with the standard FHIR R4 elements:",
        "",
        f"- an item of the QuestionnaireResponse (any `linkId` below) with no answer and the "
        f"extension `{DATA_ABSENT_REASON_URL}` "
        "([R4](https://hl7.org/fhir/R4/extension-data-absent-reason.html): context Element, "
        "`valueCode` bound to DataAbsentReason);",
        "- a coded Observation with no `value[x]` and `dataAbsentReason` "
        "([R4](https://hl7.org/fhir/R4/observation-definitions.html#Observation.dataAbsentReason),"
        " invariant obs-6) with a coding from the same code system.",
        "",
        "The field is then an unknown input of the partial case, by the item's `linkId`. "
        "Every code of the code system "
        f"`{DATA_ABSENT_REASON_SYSTEM}` "
        "([R4](https://hl7.org/fhir/R4/codesystem-data-absent-reason.html)) reads as not "
        "known:",
        "",
        "| code | display |",
        "| --- | --- |",
        *(f"| `{code}` | {escape(display)} |" for code, display in ABSENT_REASONS.items()),
        "",
        "## The items",
        "",
        "| linkId | type | required | answers | code |",
        "| --- | --- | --- | --- | --- |",
    ]
    for question in walk(case_questions()):
        answers = ", ".join(f"`{o}`" for o in question.options)
        if question.repeats:
            answers += " (any number)"
        if question.minimum is not None or question.maximum is not None:
            low = "" if question.minimum is None else f"{question.minimum:g}"
            high = "" if question.maximum is None else f"{question.maximum:g}"
            answers = f"{low} to {high}" if high else f"{low} or more"
        codes = ", ".join(
            f"{c.code}" for c in OBSERVATION_CODES if c.path == question.path and c.written
        )
        lines.append(
            f"| `{question.path}` | {types[question.kind]} | "
            f"{'yes' if question.required else ''} | {answers} | {codes} |"
        )
    lines.append("")
    return "\n".join(lines)


# -- Sphinx hook -----------------------------------------------------------------------------------


def pages() -> dict[str, str]:
    """Every generated page, by file name."""
    return {
        "rules.md": rule_catalogue(GUIDELINE),
        "resolutions.md": resolutions_page(GUIDELINE),
        "traceability.md": traceability_page(TRACEABILITY),
        "findings.md": literal_findings(),
        "properties.md": live_properties(),
        "flow.md": flow_page(GUIDELINE),
        "pathway.md": pathway_page(GUIDELINE),
        "committee.md": committee_page(),
        "cli-help.md": cli_help_page(),
        "fhir-mapping.md": fhir_mapping_page(),
    }


def generate(app: Sphinx) -> None:
    """Write the generated pages into ``<srcdir>/_generated``, where changed."""
    target = Path(app.srcdir) / GENERATED
    target.mkdir(exist_ok=True)
    for name, text in pages().items():
        path = target / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            logger.info("lbp_docs: wrote %s", path)


def setup(app: Sphinx) -> dict[str, object]:
    """Register the generator with Sphinx."""
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
