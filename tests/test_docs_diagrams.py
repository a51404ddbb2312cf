"""The diagrams of the docs follow the rules: a planted change shows in the drawing."""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from lbp_spec import GUIDELINE, Case
from lbp_spec.advice import Window
from lbp_spec.episodes import Change, simulate
from lbp_spec.logic import All, AnyOf, Cmp, Expr, Named, Not
from lbp_spec.rule import Effect, Rule
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import FactorLevel, Improvement, PrognosticFactor

SCRIPT = Path(__file__).parents[1] / "docs" / "_ext" / "lbp_diagrams.py"


def _diagrams() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lbp_diagrams", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lbp_diagrams"] = module
    spec.loader.exec_module(module)
    return module


D = _diagrams()


def _words(dot: str) -> str:
    """The text a reader sees in a DOT graph: line breaks and markup removed."""
    text = re.sub(r"<BR[^>]*/>", " ", dot).replace("\\n", " ")
    text = re.sub(r"<[^<>]*>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text))


def _rebound(expr: Expr, path: str, bound: float) -> Expr:
    """``expr`` with every comparison of ``path`` moved to ``bound``."""
    if isinstance(expr, Cmp):
        return attrs.evolve(expr, bound=bound) if expr.path == path else expr
    if isinstance(expr, All | AnyOf):
        return attrs.evolve(expr, args=tuple(_rebound(a, path, bound) for a in expr.args))
    if isinstance(expr, Not):
        return attrs.evolve(expr, arg=_rebound(expr.arg, path, bound))
    if isinstance(expr, Named):
        return attrs.evolve(expr, expr=_rebound(expr.expr, path, bound))
    return expr


def _planted(rule_id: str, change: object) -> RuleSet:
    """The guideline with one rule changed by ``change`` (a function of the rule)."""
    rules = [change(r) if r.id == rule_id else r for r in GUIDELINE.rules]  # type: ignore[operator]
    return RuleSet("planted", rules, GUIDELINE.resolutions)


def _compares(rule: Rule, path: str) -> bool:
    """The rule's condition compares ``path`` with a threshold."""
    return any(isinstance(n, Cmp) and n.path == path for n in rule.when.walk())


def _severe_lrs_rule() -> Rule:
    """The rule that refers LRS with severe pain (found by what it reads, not by its id)."""
    return next(
        r
        for r in GUIDELINE.rules
        if "referral" in r.slots
        and any(isinstance(n, Cmp) and n.path == "nprs" for n in r.when.walk())
    )


def test_the_guideline_thresholds_are_drawn() -> None:
    """MRC <= 3, NPRS >= 8 and > 25 cm appear in the flowchart because the rules hold them."""
    dot = _words(D.flowchart_dot(GUIDELINE))
    assert "MRC ≤ 3" in dot
    assert "NPRS ≥ 8" in dot
    assert "fingertip–floor > 25 cm" in dot
    assert "from week 12" in dot


def test_a_planted_threshold_change_shows_in_the_flowchart() -> None:
    """Severe pain at NPRS >= 7 instead of 8: the drawn flowchart says NPRS >= 7."""
    rule = _severe_lrs_rule()
    planted = _planted(rule.id, lambda r: attrs.evolve(r, when=_rebound(r.when, "nprs", 7)))
    dot = _words(D.flowchart_dot(planted))
    assert "NPRS ≥ 7" in dot
    assert "NPRS ≥ 8" not in dot


def test_a_planted_distance_change_shows_in_the_flowchart() -> None:
    """A fingertip-to-floor threshold of 30 cm is drawn as > 30 cm."""
    path = "neurological_exam.fingertip_floor_cm"
    rule = next(
        r
        for r in GUIDELINE.rules
        if any(isinstance(n, Cmp) and n.path == path for n in r.when.walk())
    )
    planted = _planted(rule.id, lambda r: attrs.evolve(r, when=_rebound(r.when, path, 30)))
    dot = _words(D.flowchart_dot(planted))
    assert "> 30 cm" in dot
    assert "> 25 cm" not in dot


def test_a_planted_window_change_shows_on_its_edge() -> None:
    """A profile-2 window of 4-6 weeks is drawn on the arrow to the evaluation."""
    rule = next(
        r for r in GUIDELINE.rules if r.writes("reevaluation_after_weeks") == (Window(3, 6),)
    )

    def change(r: Rule) -> Rule:
        return attrs.evolve(r, then=(Effect("reevaluation_after_weeks", Window(4, 6)),))

    dot = _words(D.flowchart_dot(_planted(rule.id, change)))
    assert "re-evaluate after 4–6 weeks" in dot
    assert "re-evaluate after 3–6 weeks" not in dot


def test_every_link_names_a_rule_of_the_set() -> None:
    """Each node and edge links to a rule entry of the catalogue that exists."""
    dot = D.flowchart_dot(GUIDELINE, "rules.html")
    anchors = set(re.findall(r"rules\.html#(rule-[a-z0-9-]+)", dot))
    known = {D.rule_anchor(r.id) for r in GUIDELINE.rules}
    assert "rule-lrs-refer-severe" == D.rule_anchor("LRS.REFER.SEVERE")
    assert anchors
    assert set() == anchors - known
    sections = set(re.findall(r"rules\.html#(section-[a-z0-9-]+)", dot))
    assert sections
    assert set() == sections - {D.section_anchor(r.section) for r in GUIDELINE.rules}
    for stage in ("need for assistance", "red flags", "neurological examination", "profile 3"):
        assert stage in _words(dot).lower()


def test_no_python_literal_is_drawn() -> None:
    """Conditions and effects are in words: no True, False or None in the drawing."""
    dot = _words(D.flowchart_dot(GUIDELINE) + D.stages_dot(GUIDELINE))
    assert [] == re.findall(r"\b(True|False|None)\b", dot)


def test_compact_folds_an_answered_no() -> None:
    """'recorded and not X' reads 'X: no'; a negated 'at least one' reads 'no'."""
    rule = next(r for r in GUIDELINE.rules if r.id == "EVAL.PROFILE_1_2.REFER")
    assert "new insights: no" in D.compact(rule.when)
    profile_1 = next(r for r in GUIDELINE.rules if r.writes("profile") == (1,))
    assert "no dominant prognostic factor" in D.compact(profile_1.when)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")
def test_render_svg_keeps_the_planted_threshold_and_sizes_in_pixels() -> None:
    """Graphviz lays out the planted chart; the SVG has the text and a size in CSS pixels."""
    rule = _severe_lrs_rule()
    planted = _planted(rule.id, lambda r: attrs.evolve(r, when=_rebound(r.when, "nprs", 7)))
    svg = D.render_svg(D.flowchart_dot(planted), "chart")
    assert svg.startswith("<svg ")
    assert "NPRS ≥ 7" in svg
    assert re.match(r'<svg width="\d+" height="\d+"', svg)


def test_render_svg_without_graphviz_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing dot is a clear error naming the package."""
    monkeypatch.setenv("PATH", "")
    with pytest.raises(D.DiagramError, match="apt-get install -y graphviz"):
        D.render_svg("digraph { a }", "x")


def test_timeline_shows_the_referral_and_the_window_of_the_episode() -> None:
    """Profile 3 without improvement: the 6-12-week window, the GP contact, the referral."""
    start = Case(prognostic_factors={PrognosticFactor.PREVIOUS_EPISODES: FactorLevel.DOMINANT})
    worse = Change(
        findings={
            "improvement": Improvement.INADEQUATE,
            "reevaluation_new_insights": False,
            "adjustment_expected_to_suffice": False,
        }
    )
    episode = simulate(start, [worse] * 40)
    svg = D.timeline_svg(episode, "profile 3")
    assert f"referred in week {episode.visits[-1].week}" in svg
    assert "re-evaluation window, weeks 6–12" in svg
    assert "GP contacted in week 6" in svg
    assert len(episode.visits) == svg.count("<circle") + svg.count("<rect x=") - 1
