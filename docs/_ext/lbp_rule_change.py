"""Sphinx extension: the results of the how-to's rule change, from a real run at build time.

The how-to "Try a rule change before publishing it" says what ``lbp-spec verify
--rules examples/rule-change/passive_interventions.py`` finds. Those claims are not
typed: this extension loads the example, runs the verification, the rule health and
the episode proofs on it while the docs are built, and writes the fragment
``_generated/rule-change-results.md`` that the how-to includes.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from lbp_spec.episodes.verify import EpisodeReport, verify_episodes
from lbp_spec.health import HealthReport, check_health
from lbp_spec.loading import load_ruleset
from lbp_spec.verify import Report, Status, verify

logger = logging.getLogger(__name__)

EXAMPLE = "examples/rule-change/passive_interventions.py"
"""The example rule change, relative to the repository root."""

FRAGMENT = "_generated/rule-change-results.md"
"""Where the fragment is written, inside the docs source."""


def _names(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "none"


def results_fragment(report: Report, health: HealthReport, episodes: EpisodeReport) -> str:
    """The results of verifying the example rule change, in words (Markdown)."""
    refuted = [r.name for r in report.results if not r.property.finding and not r.passed]
    findings = [r.name for r in report.results if r.property.finding and r.status is Status.REFUTED]
    proven = [r.name for r in report.results if not r.property.finding and r.passed]
    ep_results = episodes.results
    ep_failed = [r.name for r in ep_results if not r.property.finding and not r.passed]
    ep_proven = [r.name for r in ep_results if not r.property.finding and r.passed]
    lines = [
        "```{note}",
        f"Generated while these pages were built, from a real run of `lbp-spec verify --rules "
        f"{EXAMPLE}`; not typed by hand.",
        "```",
        "",
        f"- **Requirements refuted** ({len(refuted)}): {_names(refuted)}; each with a "
        "counterexample patient.",
        f"- **Requirements still proven**: {len(proven)} of the "
        f"{len(proven) + len(refuted)} in the catalogue.",
        f"- **Findings refuted** (facts about the text, expected): {_names(findings)}.",
    ]
    shadowed = [(h.rule, h.set_aside_by) for h in health.shadowed]
    redundant = [h.rule for h in health.redundant]
    never = [h.rule for h in health.never_fire]
    lines.append(
        f"- **Rule health**: rules that never fire: {_names(never)}; redundant rules: "
        f"{_names(redundant)}; shadowed rules (they fire, but are always set aside): "
        + (
            "; ".join(f"`{rule}` (by {_names(list(by))})" for rule, by in shadowed)
            if shadowed
            else "none"
        )
        + "."
    )
    if ep_results:
        lines.append(
            f"- **Episode requirements**: {len(ep_proven)} of {len(ep_proven) + len(ep_failed)} "
            f"proven; not proven: {_names(ep_failed)}."
        )
    return "\n".join(lines) + "\n"


def generate(app: Sphinx) -> None:
    """Run the example rule change and write the fragment (where it changed)."""
    root = Path(app.srcdir).parent
    ruleset = load_ruleset(root / EXAMPLE)
    text = results_fragment(verify(ruleset), check_health(ruleset), verify_episodes(ruleset))
    path = Path(app.srcdir) / FRAGMENT
    path.parent.mkdir(exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        logger.info("lbp_rule_change: wrote %s", path)


def setup(app: Sphinx) -> dict[str, object]:
    """Register the generator with Sphinx."""
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
