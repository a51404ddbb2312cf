"""The runnable rule change of the README tour, and the tour itself."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from lbp_spec import GUIDELINE
from lbp_spec.diff import compare
from lbp_spec.loading import load_ruleset

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "rule-change" / "passive_interventions.py"
BUILTIN = ROOT / "src" / "lbp_spec" / "rules" / "passive_interventions.py"
README = ROOT / "README.md"


def _code(path: Path) -> list[str]:
    """The lines of a module after its docstring."""
    text = path.read_text(encoding="utf-8")
    return text[text.index('"""', 3) + 3 :].splitlines()


def test_example_is_the_builtin_module_with_one_change() -> None:
    """Word for word the built-in module, but for the one condition the README names."""
    changed = [
        line
        for line in difflib.unified_diff(_code(BUILTIN), _code(EXAMPLE), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert [
        '-        when=flag("lrs") & TREATED,',
        '+        when=flag("lrs") & TREATED_PROFILE_1,',
    ] == changed


def test_example_changes_the_advice_of_exactly_one_rule() -> None:
    """Diffed against the guideline, the example changes one rule, and the advice differs."""
    report = compare(GUIDELINE, load_ruleset(EXAMPLE))
    assert [("rule", "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION", "changed")] == [
        (c.kind, c.id, c.change) for c in report.changes
    ]
    assert ["interventions.mobilisation", "interventions.manipulation"] == [
        f.field for f in report.fields
    ]


def _tour_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if "lbp-spec" in line]


def test_tour_uses_files_that_exist() -> None:
    """Every file of the repository a tour command names exists (no my_rules.py to guess)."""
    named = {p for line in _tour_commands() for p in re.findall(r"examples/[\w./-]+", line)}
    assert named
    assert [] == sorted(p for p in named if not (ROOT / p).exists())


def test_tour_commands_that_fail_by_design_say_so() -> None:
    """A tour command that exits non-zero on purpose carries a comment saying so."""
    by_design = ("evaluate examples/batch.jsonl", "verify --literal", "diff builtin", "--rules")
    for line in _tour_commands():
        if any(marker in line for marker in by_design):
            assert "# exits 1" in line, line


def test_tour_writes_nothing_into_the_repository() -> None:
    """The suite the tour generates goes to a temporary directory, not ./suite."""
    generate = [line for line in _tour_commands() if "conformance generate" in line]
    assert generate
    assert all('--output "$suite"' in line for line in generate)
    assert 'suite="$(mktemp -d)/suite"' in README.read_text(encoding="utf-8")


def test_licence_file_matches_the_metadata() -> None:
    """LICENSE exists and is the MIT licence the package metadata names."""
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_readme_and_help_warn_that_rules_runs_python() -> None:
    """The README and 'verify -h' both say that --rules runs the given Python file."""
    from lbp_spec.cli import build_parser

    assert "`lbp-spec` runs it: load only rule sets you trust" in README.read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    help_text = sub.choices["verify"].format_help()  # type: ignore[attr-defined]
    assert "is run: load only rule sets you trust" in " ".join(help_text.split())
