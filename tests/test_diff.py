"""What-if for committees: load a changed rule set, diff it, verify it."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from lbp_spec import GUIDELINE
from lbp_spec.cli import main
from lbp_spec.diff import compare, diff_json, diff_text
from lbp_spec.errors import RuleSetError
from lbp_spec.loading import load_ruleset
from lbp_spec.vocabulary import Intervention, Strength

RULES_PACKAGE = Path(__file__).parents[1] / "src" / "lbp_spec" / "rules"

# The change the how-to walks through: LRS advises against mobilisation only in profile 1.
WHAT_IF = textwrap.dedent(
    '''
    """What if mobilisation were allowed for LRS patients in profiles 2 and 3?"""
    from lbp_spec.logic import flag
    from lbp_spec.rule import Rule, strength
    from lbp_spec.rules.definitions import TREATED_PROFILE_1
    from lbp_spec.vocabulary import Intervention, Section, Strength

    RULES = (
        Rule(
            id="PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
            section=Section.PASSIVE,
            title="LRS: preferably no mobilisation or manipulation, in profile 1 only",
            quote=("Preferably do not perform manipulations and mobilisations.",),
            when=flag("lrs") & TREATED_PROFILE_1,
            then=strength(
                Strength.PREFERABLY_NOT, Intervention.MOBILISATION, Intervention.MANIPULATION
            ),
        ),
    )
    '''
)


@pytest.fixture
def what_if(tmp_path: Path) -> Path:
    """A one-module copy with the planted change."""
    path = tmp_path / "passive.py"
    path.write_text(WHAT_IF, encoding="utf-8")
    return path


def test_planted_change_is_found_with_region_and_witness(what_if: Path) -> None:
    """The diff names both interventions, the region and a witness, as planted.

    Region: LRS in profile 2 or 3; old strength preferably_not, new not_indicated.
    """
    report = compare(GUIDELINE, load_ruleset(what_if))
    assert ["interventions.mobilisation", "interventions.manipulation"] == [
        f.field for f in report.fields
    ]
    for f in report.fields:
        assert "differs" == f.status
        assert {"LRS", "profile 2 or 3"} <= set(f.region)
        assert f.witness is not None
        assert f.witness.lrs is True
        assert (Strength.PREFERABLY_NOT, Strength.NOT_INDICATED) == (f.old, f.new)
        assert ("PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",) == f.rules
    assert [("rule", "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION", "changed")] == [
        (c.kind, c.id, c.change) for c in report.changes
    ]


def test_unchanged_copy_of_the_rules_package_is_equivalent(tmp_path: Path) -> None:
    """A verbatim copy of the rules package is proven equivalent to the built-in guideline."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES_PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    report = compare(GUIDELINE, load_ruleset(copy))
    assert (True, (), ()) == (report.equivalent, report.fields, report.changes)


def test_dropping_a_rule_is_found() -> None:
    """Without the safety-net rule, LRS patients lose the safety-net advice."""
    report = compare(GUIDELINE, GUIDELINE.without(["LRS.SAFETY_NET"]))
    [field] = report.fields
    assert "safety_net_advice" == field.field
    assert "LRS" in field.region


def test_text_and_json_render(what_if: Path) -> None:
    """The text names who is affected; the JSON carries the witness and both advices."""
    report = compare(GUIDELINE, load_ruleset(what_if))
    text = diff_text(report)
    assert "who is affected: LRS" in text
    data = json.loads(json.dumps(diff_json(report)))
    assert False is data["equivalent"]
    assert "preferably_not" == data["fields"][0]["old"]
    assert "not_indicated" == data["fields"][0]["new"]
    assert True is data["fields"][0]["witness"]["lrs"]


def test_cli_diff_and_verify_rules(what_if: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Diff exits 1 on a difference and 0 on equivalence; verify --rules checks the copy."""
    assert 1 == main(["diff", "builtin", str(what_if)])
    assert "interventions.mobilisation" in capsys.readouterr().out
    assert 0 == main(["diff", "builtin", "builtin"])
    assert "Equivalent" in capsys.readouterr().out
    assert 1 == main(["verify", "--no-episodes", "--rules", str(what_if)])
    out = capsys.readouterr().out
    assert "interventions.lrs_no_passive_treatment" in out
    assert "NOT all requirements proven" in out


def test_load_errors_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file, a file that fails, or one without rules: a clear one-line error."""
    missing = tmp_path / "nope.py"
    with pytest.raises(RuleSetError, match="no such rule-set file"):
        load_ruleset(missing)
    broken = tmp_path / "broken.py"
    broken.write_text("raise ValueError('oops')\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="oops"):
        load_ruleset(broken)
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="defines no rule set"):
        load_ruleset(empty)
    assert 2 == main(["verify", "--rules", str(missing)])
    assert "no such rule-set file" in capsys.readouterr().err
    assert 2 == main(["diff", "builtin", str(empty)])


def test_rules_module_can_add_and_drop(tmp_path: Path) -> None:
    """RULES adds new rules after their section; DROP removes rules by id."""
    path = tmp_path / "extra.py"
    path.write_text(
        textwrap.dedent(
            """
            from lbp_spec.logic import flag
            from lbp_spec.rule import Rule, strength
            from lbp_spec.vocabulary import Intervention, Section, Strength

            RULES = (
                Rule(
                    id="PASSIVE.EXTRA.NO_MASSAGE",
                    section=Section.PASSIVE,
                    title="extra",
                    quote=("Do not apply TENS or interference.",),
                    when=flag("lrs"),
                    then=strength(Strength.DO_NOT, Intervention.MASSAGE),
                ),
            )
            DROP = ("LRS.SAFETY_NET",)
            """
        ),
        encoding="utf-8",
    )
    loaded = load_ruleset(path)
    ids = [r.id for r in loaded.rules]
    assert "PASSIVE.EXTRA.NO_MASSAGE" in ids
    assert "LRS.SAFETY_NET" not in ids
    assert len(GUIDELINE.rules) == len(ids)
    passive = [
        r.id
        for r in loaded.rules
        if r.section is GUIDELINE.rule("PASSIVE.LRS.NO_MASSAGE_TENS").section
    ]
    assert "PASSIVE.EXTRA.NO_MASSAGE" == passive[-1]
    assert Intervention.MASSAGE in {
        Intervention(s.split(".")[1]) for s in loaded.rule("PASSIVE.EXTRA.NO_MASSAGE").slots
    }
