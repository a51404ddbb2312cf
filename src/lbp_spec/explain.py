"""A readable account of an advice: what the guideline says, and the sentences behind it.

:func:`explain` renders an :class:`~lbp_spec.advice.Advice` as plain text for
therapists, students and auditors: the indication, referral and urgency,
profile, examination, time windows and session limit, each intervention with
its strength and the guideline sentence(s) of the rules that set it, the
education and safety-net topics, the guidance, the warnings, the rules that
fired and the resolutions applied with their reasons.

For the decided values that the advice does not attribute to rules itself (the
referral, profile, windows, topics, ...), "because" names the rules of the trace
that write that very value, read from the rule set; an advice without a trace
(e.g. a vendor's normative answer) is explained without them. Rule ids the rule
set does not know are shown as they are.
"""

from __future__ import annotations

import enum
import textwrap
from collections.abc import Iterable

from lbp_spec.advice import Advice, Window
from lbp_spec.rule import Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import Intervention

__all__ = ["explain"]

_WIDTH = 88


def _words(value: object) -> str:
    text = value.value if isinstance(value, enum.Enum) else value
    return str(text).replace("_", " ")


def _window(window: Window, unit: str) -> str:
    if window.high is None:
        return f"after at least {window.low} {unit}"
    return f"after {window.low} to {window.high} {unit}"


class _Writer:
    def __init__(self, advice: Advice, rules: RuleSet) -> None:
        self.advice = advice
        self.rules = rules
        self.fired = set(advice.fired)
        self.lines: list[str] = []

    # -- helpers ----------------------------------------------------------------------

    def rule(self, rule_id: str) -> Rule | None:
        try:
            return self.rules.rule(rule_id)
        except KeyError:
            return None

    def out(self, text: str = "", indent: int = 0) -> None:
        if not text:
            self.lines.append("")
            return
        pad = " " * indent
        self.lines.extend(
            textwrap.wrap(
                text,
                width=_WIDTH,
                initial_indent=pad,
                subsequent_indent=pad + "  ",
                break_on_hyphens=False,
            )
        )

    def heading(self, text: str) -> None:
        if self.lines:
            self.out()
        self.out(text)
        self.out("-" * len(text))

    def behind(self, slot: str, value: object) -> list[str]:
        """Fired rules of the rule set that write ``value`` into ``slot``."""
        return [
            rule.id
            for rule in self.rules.rules
            if rule.id in self.fired and value in rule.writes(slot)
        ]

    def because(self, slot: str, value: object, indent: int = 2) -> None:
        ids = self.behind(slot, value)
        if ids:
            self.out("because: " + ", ".join(self.titled(i) for i in ids), indent)

    def titled(self, rule_id: str) -> str:
        rule = self.rule(rule_id)
        return rule_id if rule is None else f"{rule_id} ({rule.title})"

    def quotes(self, rule_ids: Iterable[str], indent: int) -> None:
        for rule_id in rule_ids:
            rule = self.rule(rule_id)
            if rule is None:
                self.out(f"{rule_id} (not in {self.rules.name})", indent)
                continue
            self.out(f"{rule.id}: {rule.title}", indent)
            for sentence in rule.quote:
                self.out(f"“{sentence}”", indent + 4)

    def items(self, title: str, values: tuple[enum.Enum, ...], slot: str) -> None:
        self.heading(title)
        if not values:
            self.out("none", 2)
        for value in values:
            ids = self.behind(slot, value)
            suffix = f" ({', '.join(ids)})" if ids else ""
            self.out(f"- {_words(value)}{suffix}", 2)

    # -- sections ---------------------------------------------------------------------

    def summary(self) -> None:
        a = self.advice
        self.heading("Advice")
        indicated = "indicated" if a.physiotherapy_indicated else "not indicated"
        self.out(f"Physical or exercise therapy: {indicated}")
        if a.physiotherapy_indicated:
            self.because("physiotherapy_indicated", True)
        if a.referral is None:
            self.out("Referral: none")
        else:
            urgency, mode = a.referral.urgency, a.referral.mode
            self.out(
                f"Referral: to the {_words(a.referral.to)}, urgency {_words(urgency)}, "
                f"{_words(mode)}"
            )
            self.because("referral", urgency)
        if a.consult_general_practitioner:
            self.out("Consult the general practitioner (without referring): yes")
            self.because("consult_general_practitioner", True)
        self.out(f"Profile: {'none' if a.profile is None else a.profile}")
        if a.profile is not None:
            self.because("profile", a.profile)
        exam = a.neurological_examination
        if exam.required:
            components = ", ".join(_words(c) for c in exam.components)
            self.out(f"Neurological examination: required ({components})")
            self.because("neurological_examination.components", exam.components[0])
        else:
            self.out("Neurological examination: not required")
        if exam.positive_findings:
            found = ", ".join(_words(c) for c in exam.positive_findings)
            self.out(f"Positive findings: {found}", 2)
        if a.recheck_after_days is None:
            self.out("Recheck: none")
        else:
            self.out(f"Recheck: {_window(a.recheck_after_days, 'days')}")
            self.because("recheck_after_days", a.recheck_after_days)
        if a.reevaluation_after_weeks is None:
            self.out("Re-evaluation: none")
        else:
            self.out(
                "Re-evaluation: "
                f"{_window(a.reevaluation_after_weeks, 'weeks')} from the start of treatment"
            )
            self.because("reevaluation_after_weeks", a.reevaluation_after_weeks)
        if a.lrs_evaluation_after_weeks is not None:
            self.out(
                "LRS evaluation: "
                f"{_window(a.lrs_evaluation_after_weeks, 'weeks')} since the complaints began"
            )
            self.because("lrs_evaluation_after_weeks", a.lrs_evaluation_after_weeks)
        if a.session_limit is None:
            self.out("Session limit: none")
        else:
            self.out(f"Session limit: {a.session_limit} sessions")
            self.because("session_limit", a.session_limit)

    def interventions(self) -> None:
        self.heading("Interventions")
        for intervention in Intervention:
            advice = self.advice.interventions.get(intervention)
            if advice is None:
                continue
            self.out(f"{_words(intervention)}: {_words(advice.strength)}")
            if advice.rules:
                self.quotes(advice.rules, 4)
            elif self.advice.trace:
                self.out("no rule speaks about it (the default)", 4)
            else:
                self.out("the advice does not name the rules behind it", 4)

    def trace(self) -> None:
        self.heading(f"Rules that fired ({len(self.advice.trace)})")
        if not self.advice.trace:
            self.out("none (the advice carries no trace)", 2)
        for entry in self.advice.trace:
            rule = self.rule(entry.rule)
            title = "" if rule is None else f": {rule.title}"
            self.out(f"{entry.rule}{title} [{entry.section.value}]", 2)

    def resolutions(self) -> None:
        self.heading(f"Resolutions applied ({len(self.advice.resolutions)})")
        declared = {r.id: r for r in self.rules.resolutions}
        if not self.advice.resolutions:
            self.out("none", 2)
        for applied in self.advice.resolutions:
            self.out(
                f"{applied.resolution}: {applied.winner} over {applied.loser} on {applied.slot}",
                2,
            )
            resolution = declared.get(applied.resolution)
            if resolution is not None:
                self.out(f"{resolution.title}. {resolution.reason}", 4)

    def write(self) -> str:
        a = self.advice
        self.summary()
        self.interventions()
        self.items("Education", a.education, "education")
        self.items(
            "Safety-net advice (contact the GP immediately on)",
            a.safety_net_advice,
            "safety_net_advice",
        )
        self.items("Exercise guidance", a.exercise_guidance, "exercise_guidance")
        self.items("Behaviour guidance", a.behaviour_guidance, "behaviour_guidance")
        self.items("Evaluation actions", a.evaluation_actions, "evaluation_actions")
        self.items("Warnings", a.warnings, "warnings")
        self.trace()
        self.resolutions()
        return "\n".join(self.lines) + "\n"


def explain(advice: Advice, rules: RuleSet = GUIDELINE) -> str:
    """A readable, plain-text account of ``advice``, with the guideline sentences behind it.

    Args:
        advice: The advice, e.g. from :func:`lbp_spec.evaluate`.
        rules: The rule set the advice came from, for titles, quotes and
            resolution reasons; the built-in guideline unless given.

    Returns:
        Text of lines at most 88 characters wide, ending in a newline.

    Example:
        >>> from lbp_spec import Case, evaluate
        >>> text = explain(evaluate(Case(nprs=3)))
        >>> print(*[line for line in text.splitlines() if line.startswith("Profile")])
        Profile: 1

    """
    return _Writer(advice, rules).write()
