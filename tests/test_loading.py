"""Loading a rule set from a path: what is proven is the rule set at that path."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from lbp_spec import GUIDELINE
from lbp_spec.cli import main
from lbp_spec.diff import compare
from lbp_spec.errors import RuleSetError
from lbp_spec.loading import load_ruleset

RULES_PACKAGE = Path(__file__).parents[1] / "src" / "lbp_spec" / "rules"

# The change the how-to walks through: LRS discourages mobilisation in profile 1 only.
BEFORE = """        when=flag("lrs") & TREATED,
        then=strength(Strength.PREFERABLY_NOT, M.MOBILISATION, M.MANIPULATION),"""
AFTER = BEFORE.replace("TREATED", "TREATED_PROFILE_1")
CHANGED_RULE = "PASSIVE.LRS.PREFERABLY_NO_MOBILISATION"


def _copy(where: Path, changed: bool) -> Path:
    """A copy of the rules package, with the how-to's change planted when ``changed``."""
    shutil.copytree(RULES_PACKAGE, where, ignore=shutil.ignore_patterns("__pycache__"))
    if changed:
        module = where / "passive_interventions.py"
        text = module.read_text(encoding="utf-8")
        assert 1 == text.count(BEFORE)
        module.write_text(text.replace(BEFORE, AFTER), encoding="utf-8")
    return where


def test_changed_copy_of_the_package_is_the_one_loaded(tmp_path: Path) -> None:
    """A change planted in a copied package's module is in the loaded rule set.

    The copy's ``__init__`` imports ``lbp_spec.rules.*``: those must be its own files.
    """
    loaded = load_ruleset(_copy(tmp_path / "rules", changed=True))
    report = compare(GUIDELINE, loaded)
    assert False is report.equivalent
    assert [("rule", CHANGED_RULE, "changed")] == [(c.kind, c.id, c.change) for c in report.changes]
    assert all(r is not b for r in loaded.rules for b in GUIDELINE.rules)


def test_cli_diff_and_verify_see_the_planted_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``diff builtin COPY`` differs (status 1); ``verify --rules COPY`` refutes the property."""
    copy = _copy(tmp_path / "rules", changed=True)
    assert 1 == main(["diff", "builtin", str(copy)])
    assert "interventions.mobilisation: differs" in capsys.readouterr().out
    status = main(
        ["verify", "--no-episodes", "--rules", str(copy), "--property",
         "interventions.lrs_no_passive_treatment"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert 1 == status
    assert "refuted" in out


def test_two_copies_in_one_process_are_kept_apart(tmp_path: Path) -> None:
    """``diff A B`` loads two copies in one process: neither sees the other's modules."""
    same = _copy(tmp_path / "same", changed=False)
    changed = _copy(tmp_path / "changed", changed=True)
    assert False is compare(load_ruleset(same), load_ruleset(changed)).equivalent
    assert True is compare(load_ruleset(changed), load_ruleset(changed)).equivalent
    assert True is compare(GUIDELINE, load_ruleset(same)).equivalent
    assert sys.modules["lbp_spec.rules"].GUIDELINE is GUIDELINE
    assert RULES_PACKAGE / "__init__.py" == Path(sys.modules["lbp_spec.rules"].__file__ or "")


def test_copy_built_from_the_builtin_rules_is_refused(tmp_path: Path) -> None:
    """A copy whose rule set is made of built-in rule objects is not the copy: refused."""
    copy = _copy(tmp_path / "rules", changed=True)
    (copy / "__init__.py").write_text("from lbp_spec import GUIDELINE\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="did not create"):
        load_ruleset(copy)


def test_copy_missing_a_module_is_refused(tmp_path: Path) -> None:
    """A module the copy lacks is never taken from the built-in package."""
    copy = _copy(tmp_path / "rules", changed=False)
    (copy / "definitions.py").unlink()
    with pytest.raises(RuleSetError, match=r"has no definitions\.py"):
        load_ruleset(copy)
    assert sys.modules["lbp_spec.rules"].GUIDELINE is GUIDELINE


def test_single_module_beside_a_changed_sibling_is_refused(tmp_path: Path) -> None:
    """A one-module copy that imports a sibling the user changed beside it is refused.

    Its import of ``lbp_spec.rules.definitions`` would be the built-in module, not
    the edited file next to it.
    """
    copy = _copy(tmp_path / "rules", changed=False)
    definitions = copy / "definitions.py"
    definitions.write_text(definitions.read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    with pytest.raises(RuleSetError, match=r"changed definitions\.py lies beside it"):
        load_ruleset(copy / "passive_interventions.py")


def test_single_module_with_unchanged_siblings_loads(tmp_path: Path) -> None:
    """A one-module copy among unchanged siblings loads, with its own change."""
    copy = _copy(tmp_path / "rules", changed=True)
    report = compare(GUIDELINE, load_ruleset(copy / "passive_interventions.py"))
    assert [CHANGED_RULE] == [c.id for c in report.changes]


def test_relative_import_in_a_single_file_is_refused(tmp_path: Path) -> None:
    """A single file with a relative import cannot be resolved: a clear error."""
    path = tmp_path / "mine.py"
    path.write_text("from .definitions import PROFILE_1\nRULES = ()\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="relative import"):
        load_ruleset(path)


def test_stale_bytecode_cache_is_never_used(tmp_path: Path) -> None:
    """An edit is seen even when a cached .pyc of the old source has the same stamp."""
    copy = _copy(tmp_path / "rules", changed=False)
    assert True is compare(GUIDELINE, load_ruleset(copy)).equivalent
    module = copy / "passive_interventions.py"
    stat = module.stat()
    # Write a matching cache of the unchanged source, then change the source
    # keeping its size and modification time (what a pyc checks).
    import py_compile

    py_compile.compile(str(module), doraise=True)
    text = module.read_text(encoding="utf-8")
    changed = text.replace(BEFORE, AFTER)
    longer = len(changed) - len(text)  # take as much off the end of the docstring's first line
    end = changed.index('"""\n')
    changed = changed[: end - longer] + changed[end:]
    assert len(changed) == len(text)
    module.write_text(changed, encoding="utf-8")
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert False is compare(GUIDELINE, load_ruleset(copy)).equivalent


def test_file_changing_the_builtin_guideline_is_refused(tmp_path: Path) -> None:
    """A file that swaps the built-in guideline out is refused, and the guideline restored."""
    path = tmp_path / "evil.py"
    path.write_text(
        "import lbp_spec\nfrom lbp_spec.ruleset import RuleSet\n"
        "lbp_spec.GUIDELINE = RuleSet('x', lbp_spec.GUIDELINE.rules[:-1], ())\n"
        "RULES = ()\n",
        encoding="utf-8",
    )
    import lbp_spec

    try:
        with pytest.raises(RuleSetError, match="changed the built-in guideline"):
            load_ruleset(path)
    finally:
        lbp_spec.GUIDELINE = GUIDELINE  # type: ignore[misc]


def test_not_a_python_file_is_refused(tmp_path: Path) -> None:
    """A path that is neither a .py file nor a package directory: a clear error."""
    path = tmp_path / "rules.txt"
    path.write_text("RULES = ()\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"not a Python file \(\.py\)"):
        load_ruleset(path)


def test_copy_importing_machinery_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Machinery first imported by the copy would keep the copy as its rules: refused.

    The module is forgotten, so that a later import of it starts afresh.
    """
    monkeypatch.delitem(sys.modules, "lbp_spec.scaling", raising=False)
    copy = _copy(tmp_path / "rules", changed=False)
    init = copy / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\nimport lbp_spec.scaling\n", "utf-8")
    with pytest.raises(RuleSetError, match=r"imports lbp_spec\.scaling, which rules never import"):
        load_ruleset(copy)
    assert "lbp_spec.scaling" not in sys.modules
