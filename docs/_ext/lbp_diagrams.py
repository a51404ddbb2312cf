"""Diagrams of the guideline, generated from the rules and the pathway at build time.

* :func:`flowchart_dot`: the clinical flowchart of one consultation (need for
  assistance; red flags and emergency signs; suspected LRS and the neurological
  examination; severe LRS; prognostic factors to profile 1, 2 or 3; what each
  profile and LRS is offered; the follow-up evaluation and referral). Nodes come
  from the rules grouped by section and effect, edge conditions from the rule
  conditions in short words with the thresholds as the rules hold them, and
  every node links to its rules in the catalogue. Graphviz (``dot``, the Debian
  package) lays it out (:func:`render_svg`).
* :func:`stages_dot`: the secondary overview of the rule set's stages.
* :func:`timeline_svg`: the care pathway over time of one simulated episode
  (week 0 to the bound), from the simulator the episode proofs are tested
  against: consultations, checks, re-evaluation windows, GP contact, referral.

Nothing here names a rule id: a changed rule changes the pictures.
"""

from __future__ import annotations

import enum
import html
import re
import subprocess
import textwrap
from collections.abc import Iterable, Iterator, Sequence

import attrs

from lbp_spec.advice import Advice, Window
from lbp_spec.episodes.pathway import DAYS_PER_WEEK, Episode
from lbp_spec.logic import (
    AdviceIs,
    All,
    AnyFactorAt,
    AnyOf,
    Cmp,
    Const,
    Expr,
    Flag,
    Has,
    Is,
    Named,
    Not,
    Present,
)
from lbp_spec.rule import SLOTS, Rule
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import Section, Strength

__all__ = [
    "DiagramError",
    "compact",
    "flowchart_dot",
    "render_svg",
    "stages_dot",
    "timeline_svg",
]

FONT = "Helvetica,Arial,sans-serif"
NODE_FONT_SIZE = 14
EDGE_FONT_SIZE = 13


class DiagramError(RuntimeError):
    """Graphviz is missing or failed."""


# -- conditions in short words, thresholds as the rules hold them -------------------------------

_SHORT = {
    "lrs": "LRS",
    "nprs": "NPRS",
    "neurological_exam.mrc_lowest": "MRC",
    "neurological_exam.fingertip_floor_cm": "fingertip–floor",
    "symptoms_below_knee": "symptoms below the knee",
    "need_for_assistance": "need for assistance",
    "mechanical_problem": "mechanical problem",
    "medication_dose_doubt": "doubt about the medication dose",
    "reevaluation_new_insights": "new insights",
    "adjustment_expected_to_suffice": "adjustment expected to suffice",
    "sessions_used": "sessions used",
    "additional_competencies": "additional competencies",
}
_IS_SUFFIX = {"responsiveness": " responsiveness", "improvement": " decrease of complaints"}
_UNITS = {"neurological_exam.fingertip_floor_cm": " cm"}
_SYMBOLS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


def value_words(value: object) -> str:
    """A value as people write it: no Python literals."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, Window):
        return f"{value.low}+" if value.high is None else f"{value.low}–{value.high}"
    if isinstance(value, tuple):
        return ", ".join(value_words(v) for v in value)
    if attrs.has(type(value)):
        return ", ".join(value_words(v) for v in attrs.astuple(value, recurse=False) if v)
    return str(value).replace("_", " ")


def _short(path: str, words: str) -> str:
    return _SHORT.get(path, words)


def _has_cmp(expr: Expr) -> bool:
    return any(isinstance(n, Cmp) for n in expr.walk())


def compact(expr: Expr) -> str:
    """The condition in short words, thresholds written as the rule holds them.

    A named definition is shown by its words unless it holds a comparison: then
    its body is shown, so that a changed threshold shows (``MRC ≤ 3``).
    """
    if isinstance(expr, Cmp):
        var = expr.variable
        bound = f"{expr.bound:g}"
        if expr.path == "weeks_since_start":
            return {">=": f"from week {bound}", ">": f"after week {bound}"}.get(
                expr.op, f"week {_SYMBOLS[expr.op]} {bound}"
            )
        return (
            f"{_short(expr.path, var.words)} {_SYMBOLS[expr.op]} {bound}{_UNITS.get(expr.path, '')}"
        )
    if isinstance(expr, Flag):
        return _short(expr.path, expr.variable.words)
    if isinstance(expr, Is):
        value = value_words(expr.value)
        if expr.path == "consultation":
            return "at a " + value.replace(" ", "-")
        return value + _IS_SUFFIX.get(expr.path, "")
    if isinstance(expr, Has):
        return value_words(expr.member)
    if isinstance(expr, AdviceIs):
        if expr.slot == "profile":
            return f"profile {expr.value}"
        slot = SLOTS[expr.slot].words if expr.slot in SLOTS else expr.slot.replace("_", " ")
        if expr.value is None:
            return f"no {slot}"
        return f"{slot}: {value_words(expr.value)}"
    if isinstance(expr, Named):
        return compact(expr.expr) if _has_cmp(expr.expr) else expr.words
    if isinstance(expr, Present):
        return f"{expr.variable.words} recorded"
    if isinstance(expr, AnyFactorAt):
        return expr.describe()
    if isinstance(expr, Const):
        return "always" if expr.value else "never"
    if isinstance(expr, Not):
        inner = expr.arg
        words = inner.words if isinstance(inner, Named) and not _has_cmp(inner) else None
        if words and words.startswith("at least one "):
            return "no " + words.removeprefix("at least one ")
        if words and words.startswith(("a ", "an ")):
            return "no " + words.split(" ", 1)[1]
        if isinstance(inner, Flag):
            return f"no {_short(inner.path, inner.variable.words)}"
        return f"not {_bracket(inner)}"
    if isinstance(expr, All):
        return " and ".join(_bracket(a) for a in _answered(expr.args))
    if isinstance(expr, AnyOf):
        return " or ".join(_bracket(a) for a in expr.args)
    return expr.describe()


def _answered(args: Sequence[Expr]) -> Iterator[Expr | _Answer]:
    """Fold ``recorded and not X`` into one ``X: no``."""
    present = {a.path for a in args if isinstance(a, Present)}
    denied = {a.arg.path for a in args if isinstance(a, Not) and isinstance(a.arg, Flag)} & present
    for a in args:
        if isinstance(a, Present) and a.path in denied:
            continue
        if isinstance(a, Not) and isinstance(a.arg, Flag) and a.arg.path in denied:
            yield _Answer(_short(a.arg.path, a.arg.variable.words))
            continue
        yield a


@attrs.frozen
class _Answer:
    words: str


def _bracket(expr: Expr | _Answer) -> str:
    if isinstance(expr, _Answer):
        return f"{expr.words}: no"
    text = compact(expr)
    inner = expr.expr if isinstance(expr, Named) and _has_cmp(expr.expr) else expr
    if isinstance(inner, AnyOf | All) and (" or " in text or " and " in text):
        return f"({text})"
    return text


def conjuncts(expr: Expr) -> tuple[Expr, ...]:
    """The top-level conjuncts of a condition."""
    return expr.args if isinstance(expr, All) else (expr,)


def without(expr: Expr, drop: Iterable[Expr]) -> Expr:
    """``expr`` without the top-level conjuncts in ``drop``."""
    dropped = set(drop)
    kept = tuple(c for c in conjuncts(expr) if c not in dropped)
    if not kept:
        return Const(True)
    return kept[0] if len(kept) == 1 else All(kept)


def _polar(expr: Expr, positive: bool = True) -> Iterator[tuple[Expr, bool]]:
    yield expr, positive
    if isinstance(expr, Not):
        yield from _polar(expr.arg, not positive)
        return
    for child in expr.children():
        yield from _polar(child, positive)


def profiles_of(rule: Rule) -> frozenset[int]:
    """The profiles a rule's condition asks for (positively)."""
    return frozenset(
        int(n.value)  # type: ignore[call-overload]
        for n, positive in _polar(rule.when)
        if positive and isinstance(n, AdviceIs) and n.slot == "profile" and n.value is not None
    )


def reads_positively(rule: Rule, path: str) -> bool:
    """The rule's condition asks for the boolean ``path`` to hold."""
    return any(
        positive and isinstance(n, Flag) and n.path == path for n, positive in _polar(rule.when)
    )


# -- DOT helpers ---------------------------------------------------------------------------------


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _edge_label(text: str, width: int = 24) -> str:
    return "\\n".join(line.replace('"', '\\"') for line in _wrap(text, width))


def _html_label(title: str, lines: Sequence[str], width: int = 26) -> str:
    rows = [f"<B>{html.escape(t)}</B>" for t in _wrap(title, width)]
    for line in lines:
        rows += [html.escape(t) for t in _wrap(line, width)]
    return "<" + '<BR ALIGN="LEFT"/>'.join(rows) + '<BR ALIGN="LEFT"/>>'


def rule_anchor(rule_id: str) -> str:
    """The HTML id of a rule's entry in the catalogue (as docutils writes its label)."""
    return "rule-" + re.sub(r"[^a-z0-9]+", "-", rule_id.lower()).strip("-")


def _href(rules_page: str, rule_ids: Sequence[str]) -> str:
    return f"{rules_page}#{rule_anchor(rule_ids[0])}" if rule_ids else rules_page


def section_anchor(section: Section) -> str:
    """The catalogue's target for a guideline section (as the docs extension names it)."""
    return "section-" + re.sub(r"[^a-z0-9]+", "-", section.name.lower()).strip("-")


class _Graph:
    def __init__(self, rules_page: str, ruleset: RuleSet) -> None:
        self.rules_page = rules_page
        self.sections = {r.id: r.section for r in ruleset.rules}
        self.lines: list[str] = []

    def href(self, rules: Sequence[str]) -> str:
        """One rule: its entry; several of one section: the section; else the first rule."""
        sections = {self.sections.get(r) for r in rules}
        if len(rules) > 1 and len(sections) == 1 and None not in sections:
            (section,) = sections
            assert section is not None
            return f"{self.rules_page}#{section_anchor(section)}"
        return _href(self.rules_page, rules)

    def node(
        self,
        name: str,
        title: str,
        lines: Sequence[str] = (),
        rules: Sequence[str] = (),
        *,
        shape: str = "box",
        fill: str = "#eef4fb",
        colour: str = "#2b6cb0",
        width: int = 26,
    ) -> None:
        tooltip = ("rules: " + ", ".join(rules)) if rules else title
        self.lines.append(
            f"{name} [label={_html_label(title, lines, width)}, shape={shape}, "
            f'style="rounded,filled", fillcolor="{fill}", color="{colour}", '
            f"URL={_q(self.href(rules))}, tooltip={_q(tooltip)}, "
            'target="_top"];'
        )

    def edge(
        self,
        tail: str,
        head: str,
        label: str = "",
        rules: Sequence[str] = (),
        *,
        style: str = "solid",
        colour: str = "#444444",
        width: int = 24,
    ) -> None:
        attrs_ = [f'style="{style}"', f'color="{colour}"']
        if label:
            attrs_.append(f'label="{_edge_label(label, width)}"')
        if rules:
            attrs_.append(f"URL={_q(self.href(rules))}")
            attrs_.append(f"tooltip={_q('rules: ' + ', '.join(rules))}")
        self.lines.append(f"{tail} -> {head} [{', '.join(attrs_)}];")

    def text(self, title: str) -> str:
        head = [
            "digraph guideline {",
            f"  graph [rankdir=TB, nodesep=0.25, ranksep=0.4, fontname={_q(FONT)}, "
            f"tooltip={_q(title)}];",
            f'  node [fontname={_q(FONT)}, fontsize={NODE_FONT_SIZE}, margin="0.12,0.06"];',
            f"  edge [fontname={_q(FONT)}, fontsize={EDGE_FONT_SIZE}, arrowsize=0.8];",
        ]
        return "\n".join([*head, *("  " + line for line in self.lines), "}"]) + "\n"


# -- the clinical flowchart ----------------------------------------------------------------------

_DIAGNOSTIC = (
    Section.NEED_FOR_ASSISTANCE,
    Section.RED_FLAGS,
    Section.LRS,
    Section.NEUROLOGICAL_EXAMINATION,
    Section.PROGNOSTIC_FACTORS,
)
_TREATMENT = (
    Section.INFORMATION,
    Section.EXERCISE,
    Section.BEHAVIOUR,
    Section.PASSIVE,
    Section.PROFILES,
    Section.EVALUATION,
)
_NAMES = {
    "self_directed_exercise": "self-directed exercise",
    "behaviour_oriented_treatment": "behaviour-oriented treatment",
    "tens": "TENS",
}


def _intervention(slot: str) -> str:
    name = slot.split(".", 1)[1]
    return _NAMES.get(name, name.replace("_", " "))


def labelled(value: object) -> str:
    """A value with what it is: ``urgency: routine`` (an enum by its type's name)."""
    if isinstance(value, enum.Enum):
        kind = re.sub(r"(?<!^)(?=[A-Z])", " ", type(value).__name__).lower()
        return f"{kind}: {value_words(value)}"
    if isinstance(value, tuple):
        return "; ".join(labelled(v) for v in value)
    if attrs.has(type(value)):
        return "; ".join(
            f"{name.replace('_', ' ')}: {value_words(v)}"
            for name, v in attrs.asdict(value, recurse=False).items()  # type: ignore[arg-type]
            if v is not None
        )
    return value_words(value)


def _referral_node(value: object) -> tuple[str, str]:
    words = value_words(value)
    return "refer_" + re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_"), labelled(value)


def _referral_writers(rules: Iterable[Rule]) -> list[tuple[Rule, object]]:
    out: list[tuple[Rule, object]] = []
    for rule in rules:
        values = tuple(e.value for e in rule.then if _is_referral(e.slot))
        if values:
            out.append((rule, values[0] if len(values) == 1 else values))
    return out


def _is_referral(slot: str) -> bool:
    """The slot is the referral, or a part of it (its urgency, its mode)."""
    return slot == "referral" or slot.startswith("referral.")


def refers(rule: Rule) -> bool:
    """The rule writes the referral (or a part of it)."""
    return any(_is_referral(s) for s in rule.slots)


def _common(rules: Sequence[Rule]) -> set[Expr]:
    if len(rules) < 2:
        return set()
    sets = [set(conjuncts(r.when)) for r in rules]
    return set.intersection(*sets)


def _offer_lines(rules: Sequence[Rule], context: set[Expr], width: int) -> list[str]:
    """What the rules offer, grouped by strength, with the extra condition if short."""
    groups: dict[tuple[Strength, str], list[str]] = {}
    for rule in rules:
        extra = without(rule.when, context)
        condition = "" if isinstance(extra, Const) else "if " + compact(extra)
        if len(condition) > width * 2:
            condition = "otherwise" if isinstance(extra, Not) else "under conditions"
        for effect in rule.then:
            if effect.slot.startswith("interventions.") and isinstance(effect.value, Strength):
                if effect.value is Strength.NOT_INDICATED:
                    continue
                key = (effect.value, condition)
                names = groups.setdefault(key, [])
                if _intervention(effect.slot) not in names:
                    names.append(_intervention(effect.slot))
    order = sorted(groups, key=lambda k: (-k[0].rank, k[1]))
    out = []
    for strength, condition in order:
        verb = strength.value.replace("_", " ")
        line = f"{verb}: {', '.join(groups[(strength, condition)])}"
        out.append(line + (f" ({condition})" if condition else ""))
    return out


def _plans_window(rule: Rule) -> bool:
    return any(isinstance(e.value, Window) for e in rule.then)


def _plan_lines(rules: Sequence[Rule]) -> list[str]:
    """Session limit, checks and windows the rules plan, in words."""
    out = []
    for rule in rules:
        for effect in rule.then:
            if effect.slot == "session_limit":
                out.append(f"at most {value_words(effect.value)} sessions")
            elif isinstance(effect.value, Window) and SLOTS[effect.slot].kind.value == "single":
                unit = "days" if "days" in effect.slot else "weeks"
                what = SLOTS[effect.slot].words.split(" (")[0]
                out.append(f"{what} after {value_words(effect.value)} {unit}")
    return list(dict.fromkeys(out))


_NOT_LISTED = frozenset({"warnings", "evaluation_actions"})


def _set_lines(rules: Sequence[Rule]) -> list[str]:
    """Set slots the rules add to, with how many members."""
    counts: dict[str, dict[object, None]] = {}
    for rule in rules:
        for effect in rule.then:
            if SLOTS[effect.slot].kind.value == "set" and effect.slot not in _NOT_LISTED:
                counts.setdefault(SLOTS[effect.slot].words, {})[effect.value] = None
    out = []
    for words, members in counts.items():
        listed = ", ".join(value_words(m) for m in members)
        out.append(f"{words}: {listed if len(listed) <= 48 else _count(len(members), words)}")
    return out


def _count(n: int, words: str) -> str:
    noun = {"education": "topic", "safety-net advice": "sign"}.get(words, "point")
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _when_assessed(rules: Sequence[Rule]) -> str:
    """At which consultations the rules apply, from what their conditions read."""
    kinds = {
        value_words(n.value)
        for r in rules
        for n in r.when.walk()
        if isinstance(n, Is) and n.path == "consultation"
    }
    if not kinds:
        return "assess at every consultation"
    return "assess at the " + " and ".join(sorted(kinds)) + " consultation"


def flowchart_dot(ruleset: RuleSet, rules_page: str = "rules.html") -> str:
    """The clinical flowchart of one consultation, as Graphviz DOT, from ``ruleset``.

    Args:
        ruleset: The rules to draw.
        rules_page: The rule catalogue's address, relative to the page that
            shows the chart; nodes link to ``<rules_page>#rule-<id>``.

    """
    g = _Graph(rules_page, ruleset)
    rules = ruleset.rules
    by_section = {s: [r for r in rules if r.section is s] for s in Section}

    # Need for assistance.
    indication = [r for r in rules if "physiotherapy_indicated" in r.slots]
    g.node(
        "start",
        "Patient with low back pain",
        ["at the initial consultation"],
        shape="box",
        fill="#ffffff",
        colour="#444444",
    )
    g.node("need", "Need for assistance?", [], [r.id for r in indication], shape="box")
    g.node(
        "no_indication",
        "No indication for therapy",
        [],
        [r.id for r in indication],
        fill="#f7f7f7",
        colour="#888888",
    )
    g.edge("start", "need")
    g.edge("need", "no_indication", "no")

    # Referral targets, one per value written.
    referral_values: dict[str, str] = {}
    for _, value in _referral_writers(rules):
        name, words = _referral_node(value)
        referral_values[name] = words

    # Red flags and emergency signs, then LRS and the neurological examination.
    diagnostic_referrals = [
        (r, v)
        for r, v in _referral_writers(rules)
        if r.section in _DIAGNOSTIC and not profiles_of(r)
    ]
    flags = [(r, v) for r, v in diagnostic_referrals if r.section is Section.RED_FLAGS]
    neuro = [(r, v) for r, v in diagnostic_referrals if r.section is not Section.RED_FLAGS]
    g.node(
        "red_flags",
        "Red flags and signs of a neurological emergency",
        [_when_assessed([r for r, _ in flags])],
        [r.id for r, _ in flags],
    )
    g.edge("need", "red_flags", "yes")
    exam_rules = [r for r in rules if any(s.endswith(".components") for s in r.slots)]
    finding_rules = [r for r in rules if any(s.endswith(".positive_findings") for s in r.slots)]
    measured = [compact(r.when) for r in finding_rules if _has_cmp(r.when)]
    others = len(finding_rules) - len(measured)
    findings = measured + ([f"{others} other signs"] if others else [])
    g.node(
        "exam",
        "Suspected LRS: neurological examination",
        ["positive: " + "; ".join(findings)] if findings else [],
        [r.id for r in exam_rules + finding_rules],
        width=30,
    )
    exam_when = " or ".join(compact(r.when) for r in exam_rules) or "suspected LRS"
    g.edge("red_flags", "exam", "none, and " + exam_when, [r.id for r in exam_rules])
    used: set[str] = set()
    for rule, value in flags:
        name, _ = _referral_node(value)
        used.add(name)
        g.edge("red_flags", name, compact(rule.when), [rule.id], colour="#c53030", width=20)
    for rule, value in neuro:
        name, _ = _referral_node(value)
        used.add(name)
        g.edge("exam", name, compact(rule.when), [rule.id], colour="#c53030", width=20)

    # Prognostic factors and the profiles.
    profile_rules = [r for r in rules if "profile" in r.slots]
    g.node(
        "factors",
        "Prognostic factors: risk of persistent complaints",
        ["assessed by the therapist, each present or not, dominant or not"],
        [r.id for r in profile_rules],
        width=30,
    )
    g.edge("exam", "factors", "no reason to refer")
    g.lines.append("factors [ordering=out];")
    context = _common(profile_rules)
    profiles = sorted({int(v) for r in profile_rules for v in r.writes("profile")})  # type: ignore[call-overload]
    treatment = [r for r in rules if r.section in _TREATMENT and "profile" not in r.slots]
    treatment = [r for r in treatment if r.section is not Section.EVALUATION]
    every = [
        r
        for r in treatment
        if profiles_of(r) == frozenset(profiles) and not reads_positively(r, "lrs")
    ]
    lrs_rules = [r for r in rules if reads_positively(r, "lrs") and profiles_of(r)]
    lrs_any = [
        r
        for r in rules
        if reads_positively(r, "lrs")
        and not profiles_of(r)
        and not refers(r)
        and (r.section is not Section.EVALUATION or _plans_window(r))
        and not any(s.startswith("neurological_examination.") for s in r.slots)
    ]
    for n in profiles:
        writer = [r for r in profile_rules if n in r.writes("profile")]
        title = writer[0].title if writer else f"Profile {n}"
        own = [
            r
            for r in treatment
            if n in profiles_of(r) and r not in every and not reads_positively(r, "lrs")
        ]
        own_context = {c for r in own for c in conjuncts(r.when) if profiles_of_expr(c) == {n}}
        own_context |= {c for r in own for c in conjuncts(r.when) if profiles_of_expr(c) >= {n}}
        lines = _offer_lines(own, own_context, 26) + _plan_lines(own)
        g.node(
            f"profile_{n}",
            title,
            lines,
            [r.id for r in writer + own],
            fill="#f0fff4",
            colour="#2f855a",
        )
        edge_rules = [r.id for r in writer]
        label = " or ".join(compact(without(r.when, context)) for r in writer)
        g.edge("factors", f"profile_{n}", label, edge_rules)

    # What every profile is told, and the LRS row.
    if every:
        every_context = {c for r in every for c in conjuncts(r.when) if profiles_of_expr(c)}
        lines = _set_lines(every) + _offer_lines(every, every_context, 26)
        g.node(
            "every",
            "Every profile",
            lines,
            [r.id for r in every],
            fill="#fffff0",
            colour="#b7791f",
            width=30,
        )
        for n in profiles:
            g.edge(f"profile_{n}", "every", style="dotted", colour="#b7791f")
        g.lines.append("{rank=same; every; evaluation;}")
    if lrs_rules or lrs_any:
        lrs_context = {
            c
            for r in lrs_rules
            for c in conjuncts(r.when)
            if profiles_of_expr(c) or (isinstance(c, Flag) and c.path == "lrs")
        }
        lines = (
            _offer_lines(lrs_rules, lrs_context, 26)
            + _plan_lines(lrs_any + lrs_rules)
            + _set_lines(lrs_any + lrs_rules)
        )
        g.node(
            "lrs",
            "LRS, in any profile (the LRS row wins)",
            lines,
            [r.id for r in lrs_any + lrs_rules],
            fill="#fff5f5",
            colour="#c05621",
            width=30,
        )
        g.edge(
            "exam",
            "lrs",
            "LRS, not referred",
            [r.id for r in lrs_any],
            style="dashed",
            colour="#c05621",
        )

    # Follow-up evaluation and referral.
    evaluation = [
        r
        for r in by_section[Section.EVALUATION]
        if refers(r) or "consult_general_practitioner" in r.slots
    ]
    windows = [r for r in rules if "reevaluation_after_weeks" in r.slots]
    frequency: dict[Expr, int] = {}
    for rule in evaluation:
        for c in conjuncts(rule.when):
            frequency[c] = frequency.get(c, 0) + 1
    shared = max(frequency, key=lambda c: frequency[c], default=None)
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for rule in evaluation:
        outcome = [f"refer to the GP ({labelled(v)})" for r, v in _referral_writers([rule])]
        if rule.writes("consult_general_practitioner"):
            outcome.append("contact the GP")
        inside = shared is not None and frequency[shared] > 1 and shared in conjuncts(rule.when)
        head = (
            compact(shared) + ", and:" if inside and shared is not None else "at any consultation:"
        )
        condition = compact(without(rule.when, [shared] if inside and shared else []))
        groups.setdefault(head, []).append((rule.id, condition, " and ".join(outcome)))
    g.lines.append(_evaluation_wrapper(_evaluation_node(groups, rules_page)))
    for n in profiles:
        window = [
            value_words(v)
            for r in windows
            if n in profiles_of(r)
            for v in r.writes("reevaluation_after_weeks")
        ]
        label = f"re-evaluate after {window[0]} weeks" if window else ""
        g.edge(f"profile_{n}", "evaluation", label, [r.id for r in windows if n in profiles_of(r)])
    if lrs_rules or lrs_any:
        g.edge("lrs", "evaluation", "at a follow-up", style="dashed", colour="#c05621")

    for name, words in referral_values.items():
        immediate = "immediate" in words
        g.node(
            name,
            "Refer to the GP" + (" immediately" if immediate else ""),
            [] if immediate else [words],
            [r.id for r, v in _referral_writers(rules) if _referral_node(v)[0] == name],
            fill="#fff5f5" if immediate else "#fffaf0",
            colour="#c53030",
        )
    if used:
        g.lines.append("{rank=same; " + "; ".join(sorted(used)) + ";}")
    g.lines.append("{rank=same; need; no_indication;}")
    return g.text("Clinical flowchart of the guideline, generated from the rules")


def profiles_of_expr(expr: Expr) -> set[int]:
    """The profiles an expression asks for (positively)."""
    return {
        int(n.value)  # type: ignore[call-overload]
        for n, positive in _polar(expr)
        if positive and isinstance(n, AdviceIs) and n.slot == "profile" and n.value is not None
    }


def _evaluation_node(groups: dict[str, list[tuple[str, str, str]]], rules_page: str) -> str:
    title = "Follow-up evaluation and referral"
    cells = [f'<TR><TD COLSPAN="2" ALIGN="LEFT" BORDER="0"><B>{title}</B></TD></TR>']
    rows: list[tuple[str, str, str]] = []
    for head, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        wrapped = '<BR ALIGN="LEFT"/>'.join(html.escape(t) for t in _wrap(head, 48))
        cells.append(
            f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT" BORDER="0"><I>{wrapped}</I>'
            '<BR ALIGN="LEFT"/></TD></TR>'
        )
        rows = members
        cells.extend(_evaluation_rows(rows, rules_page))
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" '
        f'COLOR="#a0aec0">{"".join(cells)}</TABLE>>'
    )


def _evaluation_rows(rows: Sequence[tuple[str, str, str]], rules_page: str) -> list[str]:
    cells = []
    for rule_id, condition, outcome in rows:
        href = html.escape(_href(rules_page, [rule_id]))
        cond = '<BR ALIGN="LEFT"/>'.join(html.escape(t) for t in _wrap(condition, 30))
        out = '<BR ALIGN="LEFT"/>'.join(html.escape(t) for t in _wrap(outcome, 18))
        cells.append(
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" HREF="{href}" TITLE="rule {rule_id}" '
            f'TARGET="_top">{cond}<BR ALIGN="LEFT"/></TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT" HREF="{href}" TITLE="rule {rule_id}" '
            f'TARGET="_top"><FONT COLOR="#9b2c2c">{out}</FONT><BR ALIGN="LEFT"/></TD></TR>'
        )
    return cells


def _evaluation_wrapper(table: str) -> str:
    return (
        f'evaluation [label={table}, shape=box, style="rounded,filled", '
        'fillcolor="#f7fafc", color="#4a5568", margin="0.05"];'
    )


# -- the stage overview --------------------------------------------------------------------------

STAGES: tuple[tuple[str, tuple[Section, ...]], ...] = (
    ("Need for assistance", (Section.NEED_FOR_ASSISTANCE,)),
    ("Red flags and emergency signs", (Section.RED_FLAGS,)),
    ("LRS and the neurological examination", (Section.LRS, Section.NEUROLOGICAL_EXAMINATION)),
    ("Profile", (Section.PROGNOSTIC_FACTORS, Section.PROFILES, Section.SBST)),
    ("Treatment", (Section.INFORMATION, Section.EXERCISE, Section.BEHAVIOUR, Section.PASSIVE)),
    ("Evaluation and referral", (Section.EVALUATION,)),
)
"""The stages of the overview, each the guideline sections it covers."""


def _stage_of(rule: Rule) -> int:
    for i, (_, sections) in enumerate(STAGES):
        if rule.section in sections:
            return i
    return len(STAGES) - 1


def stages_dot(ruleset: RuleSet, rules_page: str = "rules.html") -> str:
    """The overview of the rule set's stages, as Graphviz DOT.

    One box per stage (its number of rules, the advice fields they decide);
    solid arrows in stage order, dashed arrows where a stage's rules read a
    field another stage decides, red arrows to a referral.
    """
    g = _Graph(rules_page, ruleset)
    stages: list[list[Rule]] = [[] for _ in STAGES]
    for rule in ruleset.rules:
        stages[_stage_of(rule)].append(rule)
    for i, ((name, _sections), members) in enumerate(zip(STAGES, stages, strict=True)):
        fields = sorted(
            {
                SLOTS[s].words.split(" (")[0]
                for r in members
                for s in r.slots
                if not s.startswith("interventions.")
            }
        )
        if any(s.startswith("interventions.") for r in members for s in r.slots):
            fields.append("interventions")
        count = f"{len(members)} {'rule' if len(members) == 1 else 'rules'}"
        g.node(
            f"s{i}",
            name,
            [count, "decides: " + ", ".join(fields)] if fields else [count],
            [r.id for r in members][:1] and [members[0].id],
            width=30,
        )
        if i:
            g.edge(f"s{i - 1}", f"s{i}")
        if any(refers(r) for r in members):
            g.edge(f"s{i}", "refer", colour="#c53030")
    reads: set[tuple[int, int, str]] = set()
    writers = {
        slot: {_stage_of(r) for r, _ in ruleset.writers(slot)} for slot in ruleset.written_slots
    }
    for rule in ruleset.rules:
        for slot in ruleset.reads(rule):
            for source in writers.get(slot, ()):
                if source < _stage_of(rule) - 1:
                    reads.add((source, _stage_of(rule), SLOTS[slot].words.split(" (")[0]))
    merged: dict[tuple[int, int], list[str]] = {}
    for source, target, words in sorted(reads):
        merged.setdefault((source, target), []).append(words)
    for (source, target), words in merged.items():
        g.edge(
            f"s{source}",
            f"s{target}",
            "reads " + ", ".join(dict.fromkeys(words)),
            style="dashed",
            colour="#718096",
        )
    g.node("refer", "Refer to the GP", [], fill="#fff5f5", colour="#c53030")
    return g.text("Stages of the rule set")


# -- rendering -----------------------------------------------------------------------------------

_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def render_svg(dot: str, label: str) -> str:
    """Lay out ``dot`` with Graphviz and return inline SVG (1 unit is 1 CSS pixel).

    Raises:
        DiagramError: ``dot`` is not installed or fails.

    """
    try:
        done = subprocess.run(
            ["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError:
        raise DiagramError(
            "Graphviz is not installed: apt-get install -y graphviz (it lays out the diagrams)"
        ) from None
    if done.returncode != 0:
        raise DiagramError(f"dot failed: {done.stderr.strip()}")
    svg = done.stdout[done.stdout.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    match = _SIZE.search(svg)
    if match is None:  # pragma: no cover - dot always writes both
        raise DiagramError("dot wrote an SVG without a size")
    width, height = (float(x) for x in match.groups())
    svg = _SIZE.sub(
        f'<svg width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-label="{html.escape(label)}" class="lbp-diagram"',
        svg,
        count=1,
    )
    return svg.strip()


# -- the care pathway over time ------------------------------------------------------------------

_W, _LEFT, _RIGHT = 680, 16, 16


def _x(day: float, bound_weeks: int) -> float:
    span = DAYS_PER_WEEK * (bound_weeks + 1)
    return _LEFT + (_W - _LEFT - _RIGHT) * day / span


def _text(
    x: float,
    y: float,
    text: str,
    size: int = 13,
    anchor: str = "middle",
    weight: str = "normal",
    fill: str = "#1a202c",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="{anchor}" fill="{fill}" font-family="{FONT}">{html.escape(text)}</text>'
    )


def _windows(advice: Advice) -> Iterator[tuple[str, Window]]:
    """Every window in weeks the advice plans (a new one shows by itself)."""
    for field in attrs.fields(Advice):
        value = getattr(advice, field.name)
        if isinstance(value, Window) and field.name.endswith("_weeks"):
            yield field.name, value


def timeline_svg(episode: Episode, title: str) -> str:
    """One episode on a time axis, week 0 to its bound, as inline SVG.

    Shows each consultation (a check after days as a small mark), each window
    in weeks the advice plans (from the consultation that plans it), the GP
    contact and the referral.
    """
    bound = episode.bound_weeks
    bands: dict[tuple[str, Window], int] = {}
    for visit in episode.visits:
        for name, window in _windows(visit.advice):
            bands.setdefault((name, window), visit.day)
    band_h, top = 22, 4
    axis = top + 8 + band_h * max(1, len(bands)) + 26
    height = axis + 40
    parts = [
        f'<svg width="{_W}" height="{height}" viewBox="0 0 {_W} {height}" role="img" '
        f'class="lbp-diagram lbp-timeline" aria-label="{html.escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
    ]
    colours = ["#bee3f8", "#fbd38d", "#c6f6d5", "#e9d8fd"]
    for k, ((name, window), start) in enumerate(bands.items()):
        y = top + 8 + band_h * k
        low = max(DAYS_PER_WEEK * window.low, start)
        high = DAYS_PER_WEEK * (window.high + 1) if window.high is not None else None
        x1 = _x(low, bound)
        x2 = _x(high, bound) if high is not None else _x(DAYS_PER_WEEK * (bound + 1), bound)
        slot = SLOTS.get(name)
        what = slot.words.split(" (")[0] if slot else name.removesuffix("_after_weeks")
        what = what.replace("_", " ")
        words = f"{what} window, weeks {value_words(window)}"
        if high is None:
            words += " (no end)"
        parts.append(
            f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 2):.1f}" height="{band_h - 4}" '
            f'fill="{colours[k % len(colours)]}" rx="3"><title>{html.escape(words)}</title></rect>'
        )
        parts.append(_text(min(x1 + 4, _W - 200), y + 13, words, 12, "start"))
    # Axis with weeks.
    end = _x(DAYS_PER_WEEK * (bound + 1), bound)
    parts.append(
        f'<line x1="{_x(0, bound):.1f}" y1="{axis}" x2="{end:.1f}" '
        f'y2="{axis}" stroke="#4a5568" stroke-width="1"/>'
    )
    for week in range(0, bound + 1, 2):
        x = _x(DAYS_PER_WEEK * week, bound)
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis - 4}" x2="{x:.1f}" y2="{axis + 4}" stroke="#4a5568"/>'
        )
        label = f"week {week}" if week == 0 else str(week)
        parts.append(
            _text(
                x - 4 if week == 0 else x, axis + 18, label, 12, "start" if week == 0 else "middle"
            )
        )
    previous: Advice | None = None
    for visit in episode.visits:
        x = _x(visit.day, bound)
        advice = visit.advice
        check = previous is not None and previous.recheck_after_days is not None
        referred = advice.referral is not None
        words = f"day {visit.day} (week {visit.week})"
        if referred:
            words += ": referred to the GP"
            colour, r = "#c53030", 7
        elif advice.consult_general_practitioner:
            words += ": contact the GP"
            colour, r = "#b7791f", 6
        elif check:
            words += ": check after days"
            colour, r = "#4a5568", 3.5
        else:
            words += ": consultation"
            colour, r = "#2b6cb0", 5
        shape = (
            f'<rect x="{x - r:.1f}" y="{axis - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
            f'fill="{colour}" transform="rotate(45 {x:.1f} {axis})">'
            if referred
            else f'<circle cx="{x:.1f}" cy="{axis}" r="{r}" fill="{colour}">'
        )
        parts.append(
            f"{shape}<title>{html.escape(words)}</title>{'</rect>' if referred else '</circle>'}"
        )
        previous = advice
    last = episode.visits[-1]
    if last.advice.referral is not None:
        parts.append(
            _text(
                min(_x(last.day, bound), _W - 120),
                axis + 34,
                f"referred in week {last.week}",
                12,
                "middle",
                "bold",
                "#9b2c2c",
            )
        )
    contacts = [v for v in episode.visits if v.advice.consult_general_practitioner]
    if contacts and contacts[0] is not last:
        parts.append(
            _text(
                _x(contacts[0].day, bound),
                axis + 34,
                f"GP contacted in week {contacts[0].week}",
                12,
                "middle",
                "normal",
                "#975a16",
            )
        )
    parts.append("</svg>")
    return "".join(parts)
