"""Load a changed rule set from a file, for committees trying a change.

A committee member copies the rule set, or one module of it, changes a rule, and
points ``lbp-spec verify --rules PATH`` or ``lbp-spec diff OLD NEW`` at the copy.
:func:`load_ruleset` accepts:

* ``builtin`` (or ``-``): the built-in guideline;
* a Python file that defines a :class:`~lbp_spec.ruleset.RuleSet` (a variable
  named ``GUIDELINE`` or ``RULESET``, or the only rule set in the file);
* a Python file that defines ``RULES`` (a sequence of rules), and optionally
  ``RESOLUTIONS``: a copy of one module of ``lbp_spec/rules/``. Its rules replace
  the built-in rules with the same ids and any new ones are added (after the
  rules of the same section); its resolutions replace those with the same ids;
  ids listed in an optional ``DROP`` are removed;
* a directory holding a copy of the whole ``lbp_spec/rules/`` package (its
  ``__init__.py`` defines ``GUIDELINE``).

The file is Python and is run as such: load only rule sets you trust.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

from lbp_spec.errors import RuleSetError
from lbp_spec.rule import Resolution, Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet

__all__ = ["BUILTIN", "load_ruleset", "merge"]

BUILTIN = "builtin"
"""The name that stands for the built-in guideline."""

_counter = itertools.count()


class RuleSetLoadError(RuleSetError):
    """A rule-set file could not be loaded; the message says why."""


def _import(path: Path) -> ModuleType:
    if path.is_dir():
        init = path / "__init__.py"
        if not init.exists():
            raise RuleSetLoadError(f"{path} is a directory without __init__.py")
        name = f"_lbp_spec_rules_{next(_counter)}"
        spec = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=[str(path)]
        )
    else:
        name = f"_lbp_spec_rules_{next(_counter)}"
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuleSetLoadError(f"{path} is not a Python file or package")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except RuleSetError:
        raise
    except Exception as error:
        raise RuleSetLoadError(
            f"{path}: running it failed: {type(error).__name__}: {error}"
        ) from error
    return module


def merge(
    base: RuleSet,
    rules: tuple[Rule, ...],
    resolutions: tuple[Resolution, ...] = (),
    drop: tuple[str, ...] = (),
    name: str | None = None,
) -> RuleSet:
    """``base`` with ``rules`` and ``resolutions`` replacing (or joining) its own.

    Args:
        base: The rule set changed.
        rules: Rules that replace those with the same id, or are added after the
            last rule of their section.
        resolutions: Resolutions that replace those with the same id, or are added.
        drop: Ids of rules or resolutions to remove.
        name: Name of the result.

    Returns:
        The changed rule set (checked for well-formedness).
    """
    new_rules = {r.id: r for r in rules}
    merged = [new_rules.pop(r.id, r) for r in base.rules if r.id not in drop]
    for rule in new_rules.values():
        positions = [i for i, r in enumerate(merged) if r.section is rule.section]
        merged.insert(positions[-1] + 1 if positions else len(merged), rule)
    new_res = {r.id: r for r in resolutions}
    merged_res = [new_res.pop(r.id, r) for r in base.resolutions if r.id not in drop]
    merged_res.extend(new_res.values())
    return RuleSet(name or f"{base.name} (changed)", merged, merged_res)


def load_ruleset(path: str | Path) -> RuleSet:
    """Load the rule set at ``path`` (see the module docstring for the forms).

    Raises:
        RuleSetError: The file does not exist, cannot be run, defines no rule set,
            or defines a malformed one.
    """
    if str(path) in (BUILTIN, "-"):
        return GUIDELINE
    where = Path(path)
    if not where.exists():
        raise RuleSetLoadError(f"no such rule-set file or directory: {where}")
    module = _import(where)
    for variable in ("GUIDELINE", "RULESET"):
        found = getattr(module, variable, None)
        if isinstance(found, RuleSet):
            return found
    if hasattr(module, "RULES"):
        rules = tuple(module.RULES)
        if not all(isinstance(r, Rule) for r in rules):
            raise RuleSetLoadError(f"{where}: RULES must hold Rule values only")
        resolutions = tuple(getattr(module, "RESOLUTIONS", ()))
        drop = tuple(getattr(module, "DROP", ()))
        return merge(GUIDELINE, rules, resolutions, drop, name=f"{GUIDELINE.name}, {where.name}")
    rulesets = [v for v in vars(module).values() if isinstance(v, RuleSet)]
    if len(rulesets) == 1:
        return rulesets[0]
    raise RuleSetLoadError(
        f"{where} defines no rule set: expected GUIDELINE or RULESET (a RuleSet), or RULES "
        "(rules replacing or joining the built-in ones)"
    )
