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

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

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
from lbp_spec.logic import Expr, Named
from lbp_spec.properties import CATALOGUE
from lbp_spec.report import case_findings
from lbp_spec.rule import SLOTS, Resolution, Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.traceability import TRACEABILITY, Coverage, Gap, TracedSentence
from lbp_spec.verify import Report, verify
from lbp_spec.verify import Status as ProofStatus
from lbp_spec.vocabulary import Section

logger = logging.getLogger(__name__)

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
    """Target name of a guideline section in the catalogue."""
    return "section-" + re.sub(r"[^a-z0-9]+", "-", section.name.lower()).strip("-")


def rule_ref(rule_id: str) -> str:
    """A link to a rule's entry, showing its id."""
    return f"{{ref}}`{rule_id} <{rule_label(rule_id)}>`"


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
    cells = [rule_ref(r) for r in record.rules]
    cells += [resolution_ref(r) for r in record.resolutions]
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
        deciding = _joined(resolution_ref(r.id) for r in c.resolutions) or (
            "**unresolved**" if c.unresolved else "settled without one"
        )
        out.append(
            f"| {{ref}}`{number} <{finding_label(number)}>` | {escape(c.kind.words)} | "
            f"{rule_ref(c.first.id)}, {rule_ref(c.second.id)} | {deciding} |"
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
            f"| {resolution_ref(res.id)} | {_joined(rule_ref(r) for r in res.winners)} | "
            f"{_joined(rule_ref(r) for r in res.losers)} | {decides or 'none'} |"
        )
    out.append("")
    return "\n".join(out)


def literal_findings() -> str:
    """The findings page of the built-in guideline; problems are logged as warnings."""
    report = analyse(GUIDELINE)
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
    report = verify(GUIDELINE)
    if not report.ok:
        logger.warning("lbp_docs: not every requirement is proven on the built-in guideline")
    return properties_page(report)


# -- decision flow diagram (SVG, generated from the rules; no network at build or view) ------

_STAGES: tuple[tuple[str, tuple[Section, ...]], ...] = (
    ("Intake", (Section.NEED_FOR_ASSISTANCE,)),
    ("Red flags and emergency", (Section.RED_FLAGS,)),
    ("LRS", (Section.LRS, Section.NEUROLOGICAL_EXAMINATION)),
    ("Profile", (Section.PROGNOSTIC_FACTORS, Section.PROFILES, Section.SBST)),
    ("Treatment", (Section.INFORMATION, Section.EXERCISE, Section.BEHAVIOUR, Section.PASSIVE)),
    ("Evaluation and referral", (Section.EVALUATION,)),
)


def _stage_of(rule: Rule) -> int:
    for i, (_, sections) in enumerate(_STAGES):
        if rule.section in sections:
            return i
    return len(_STAGES) - 1


def _svg_text(x: float, y: float, text: str, size: int = 12, weight: str = "normal") -> str:
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle" font-family="sans-serif">{safe}</text>'
    )


def flow_svg(ruleset: RuleSet) -> str:
    """The decision flow as an SVG, drawn from the rules.

    One box per stage, with its rules and the advice fields it decides; solid arrows
    for the order of the stages, dashed arrows where a stage's rules read a field
    another stage decides; a referral exit where a stage refers.
    """
    stages: list[list[Rule]] = [[] for _ in _STAGES]
    for rule in ruleset.rules:
        stages[_stage_of(rule)].append(rule)
    writers_stage = {
        slot: {_stage_of(r) for r, _ in ruleset.writers(slot)} for slot in ruleset.written_slots
    }
    reads: set[tuple[int, int]] = set()
    for rule in ruleset.rules:
        for slot in ruleset.reads(rule):
            for source in writers_stage.get(slot, ()):
                if source != _stage_of(rule):
                    reads.add((source, _stage_of(rule)))
    width, box_w, box_h, gap, top = 1180, 170, 170, 32, 60
    xs = [20 + i * (box_w + gap) for i in range(len(_STAGES))]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 420" role="img" '
        'aria-label="Decision flow of the guideline, generated from the rules">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
    ]
    for i, ((name, _), rules) in enumerate(zip(_STAGES, stages, strict=True)):
        x = xs[i]
        parts.append(
            f'<rect x="{x}" y="{top}" width="{box_w}" height="{box_h}" rx="10" '
            'fill="#eef4fb" stroke="#2b6cb0" stroke-width="1.5"/>'
        )
        parts.append(_svg_text(x + box_w / 2, top + 22, name, 13, "bold"))
        parts.append(_svg_text(x + box_w / 2, top + 42, f"{len(rules)} rules", 11))
        slots = sorted({s.split(".")[0] for r in rules for s in r.slots})
        for k, slot in enumerate(slots[:7]):
            parts.append(_svg_text(x + box_w / 2, top + 64 + 14 * k, slot.replace("_", " "), 10))
        if any("referral" in r.slots for r in rules):
            parts.append(
                f'<line x1="{x + box_w / 2}" y1="{top + box_h}" x2="{x + box_w / 2}" '
                f'y2="{top + box_h + 60}" stroke="#c53030" stroke-width="1.5" '
                'marker-end="url(#arrow)"/>'
            )
            parts.append(_svg_text(x + box_w / 2, top + box_h + 78, "refer to the GP", 11))
        if i + 1 < len(_STAGES):
            parts.append(
                f'<line x1="{x + box_w}" y1="{top + box_h / 2}" x2="{xs[i + 1]}" '
                f'y2="{top + box_h / 2}" stroke="#444" stroke-width="1.5" '
                'marker-end="url(#arrow)"/>'
            )
    for n, (source, target) in enumerate(sorted(reads)):
        x1 = xs[source] + box_w / 2
        x2 = xs[target] + box_w / 2
        lift = 18 + 9 * n
        parts.append(
            f'<path d="M {x1} {top} C {x1} {top - lift}, {x2} {top - lift}, {x2} {top}" '
            'fill="none" stroke="#718096" stroke-dasharray="5 4" marker-end="url(#arrow)"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def flow_page(ruleset: RuleSet) -> str:
    """The page with the decision flow diagram."""
    return "\n".join(
        [
            "# Decision flow",
            "",
            _BANNER.format(source="lbp_spec.rules.GUIDELINE"),
            "The guideline as a flow, drawn from the rules each time the documentation is "
            "built: one box per stage (with the number of its rules and the advice fields "
            "they decide), solid arrows in the order of the stages, dashed arrows where the "
            "rules of a stage read a field that another stage decides (for example the "
            "treatment rules read the profile), and a red exit where a stage refers the "
            "patient to the GP. The picture is inline SVG: it needs no network to build or "
            "to view.",
            "",
            "```{raw} html",
            flow_svg(ruleset),
            "```",
            "",
            "The rules of each stage are in the {doc}`rule catalogue </_generated/rules>`.",
            "",
        ]
    )


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
