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

What is loaded is the rule set at the path, and nothing else:

* A directory copy is run *as* the rules package: while it loads, every import of
  ``lbp_spec.rules`` or ``lbp_spec.rules.<module>`` (absolute, as in the shipped
  ``__init__.py``, or relative) is served from the files of the copy, never from
  the built-in package; a module the copy lacks is an error. Afterwards the
  built-in package is put back, so two loads in one process (``diff A B``) never
  see each other's modules. Then every rule and resolution of the result must be
  one that the copy's own files created: a rule set holding a built-in rule
  object is refused. A copy that imports machinery (a module other than the
  vocabulary, logic, rule, rule-set and advice modules rules are written with)
  not imported before is refused too, and that module forgotten: it would have
  been set up with the copy standing in for the built-in rules, for good.
* A single file is run on its own; its imports of ``lbp_spec.rules.<module>``
  are the built-in modules. If a changed file of that name lies beside it (the
  user edited a sibling, and meant the copy), the load is refused rather than
  silently using the built-in module; a relative import is refused too.
* Sources are compiled from the files themselves, never from a ``__pycache__``
  (a stale cache cannot stand in for an edited file), and nothing is written
  beside them.
* The built-in guideline must be unchanged by the load; a file that changes it
  is refused.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import itertools
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import lbp_spec
from lbp_spec import rules as _builtin_package
from lbp_spec.errors import RuleSetError
from lbp_spec.rule import Resolution, Rule
from lbp_spec.rules import GUIDELINE
from lbp_spec.ruleset import RuleSet

__all__ = ["BUILTIN", "RuleSetLoadError", "load_ruleset", "merge"]

BUILTIN = "builtin"
"""The name that stands for the built-in guideline."""

_PACKAGE = "lbp_spec.rules"
_BUILTIN_DIR = Path(_builtin_package.__file__ or "").resolve().parent

_counter = itertools.count()


class RuleSetLoadError(RuleSetError):
    """A rule-set file could not be loaded; the message says why."""


class _SourceLoader(importlib.abc.Loader):
    """Runs a module from its source file: no bytecode cache read or written."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        source = self.file.read_bytes()
        code = compile(source, str(self.file), "exec", dont_inherit=True)
        exec(code, module.__dict__)  # running the rule set is the point


def _spec(name: str, file: Path, package: bool) -> importlib.machinery.ModuleSpec:
    spec = importlib.util.spec_from_file_location(
        name,
        file,
        loader=_SourceLoader(file),
        submodule_search_locations=[str(file.parent)] if package else None,
    )
    if spec is None:  # pragma: no cover - a path with a loader always gives a spec
        raise RuleSetLoadError(f"{file} is not a Python file")
    return spec


class _CopyFinder(importlib.abc.MetaPathFinder):
    """Serves ``lbp_spec.rules`` and its modules from the files of a copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.served: list[ModuleType] = []

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _PACKAGE and not fullname.startswith(_PACKAGE + "."):
            return None
        parts = fullname.split(".")[2:]
        base = self.root.joinpath(*parts)
        if (base / "__init__.py").is_file():
            return _spec(fullname, base / "__init__.py", package=True)
        module = base.with_suffix(".py") if parts else base / "__init__.py"
        if module.is_file():
            return _spec(fullname, module, package=False)
        raise RuleSetLoadError(
            f"{self.root}: the copy imports {fullname}, but has no "
            f"{'/'.join(parts) or '__init__'}.py: a directory must hold a copy of the whole "
            "rules package (the built-in module is never used in its place)"
        )


def _under(name: str) -> bool:
    return name == _PACKAGE or name.startswith(_PACKAGE + ".")


def _import_package(root: Path) -> tuple[ModuleType, list[ModuleType]]:
    """Run the copy at ``root`` as ``lbp_spec.rules``; returns it and all its modules."""
    if not (root / "__init__.py").is_file():
        raise RuleSetLoadError(f"{root} is a directory without __init__.py")
    saved = {n: m for n, m in sys.modules.items() if _under(n)}
    before = set(sys.modules)
    for name in saved:
        del sys.modules[name]
    finder = _CopyFinder(root)
    sys.meta_path.insert(0, finder)
    loaded: dict[str, ModuleType] = {}
    try:
        module = importlib.import_module(_PACKAGE)
    finally:
        sys.meta_path.remove(finder)
        loaded = {n: sys.modules.pop(n) for n in [n for n in sys.modules if _under(n)]}
        sys.modules.update(saved)
        lbp_spec.rules = _builtin_package
        # Machinery first imported while the copy stood in for the rules package
        # would keep the copy for good: forget it (a later import starts afresh).
        machinery = sorted(n for n in set(sys.modules) - before if n.startswith("lbp_spec."))
        for name in machinery:
            del sys.modules[name]
    if machinery:
        raise RuleSetLoadError(
            f"{root}: the copy imports {', '.join(machinery)}, which rules never import "
            "(only the vocabulary, logic, rule, ruleset and advice modules); refused"
        )
    return module, list(loaded.values())


def _sibling_imports(file: Path, tree: ast.Module) -> Iterator[str]:
    """The modules of ``lbp_spec.rules`` that ``tree`` imports by name."""
    modules = {p.stem for p in _BUILTIN_DIR.glob("*.py") if p.stem != "__init__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                raise RuleSetLoadError(
                    f"{file}: a relative import ('from {'.' * node.level}{node.module or ''} "
                    "import ...') cannot be resolved in a single file: point at the directory "
                    "holding the whole copy of the rules package"
                )
            if node.module == _PACKAGE:
                yield from (a.name for a in node.names if a.name in modules)
            elif node.module and node.module.startswith(_PACKAGE + "."):
                yield node.module.split(".")[2]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(_PACKAGE + "."):
                    yield alias.name.split(".")[2]


def _check_siblings(file: Path) -> None:
    """Refuse a file whose built-in imports have changed copies beside it."""
    try:
        tree = ast.parse(file.read_bytes(), filename=str(file))
    except SyntaxError as error:
        raise RuleSetLoadError(f"{file}: not valid Python: {error}") from None
    for name in sorted(set(_sibling_imports(file, tree))):
        sibling = file.parent / f"{name}.py"
        builtin = _BUILTIN_DIR / f"{name}.py"
        if sibling.resolve() == builtin.resolve() or not sibling.is_file():
            continue
        if sibling.read_bytes() != builtin.read_bytes():
            raise RuleSetLoadError(
                f"{file} imports {_PACKAGE}.{name}, which is the built-in module, but a changed "
                f"{sibling.name} lies beside it, and would be ignored: point at the directory "
                "holding the whole copy of the rules package instead"
            )


def _import_file(file: Path) -> ModuleType:
    if file.suffix != ".py":
        raise RuleSetLoadError(f"{file} is not a Python file (.py) or a rules package directory")
    _check_siblings(file)
    name = f"_lbp_spec_rules_{next(_counter)}"
    spec = _spec(name, file, package=False)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        _SourceLoader(file).exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def _run(where: Path) -> tuple[ModuleType, list[ModuleType] | None]:
    try:
        if where.is_dir():
            return _import_package(where)
        return _import_file(where), None
    except RuleSetError:
        raise
    except Exception as error:
        raise RuleSetLoadError(
            f"{where}: running it failed: {type(error).__name__}: {error}"
        ) from error


def _made_by(modules: list[ModuleType]) -> set[int]:
    """Ids of the rules and resolutions the namespaces of ``modules`` hold."""
    found: set[int] = set()

    def take(value: object) -> None:
        if isinstance(value, Rule | Resolution):
            found.add(id(value))
        elif isinstance(value, RuleSet):
            found.update(map(id, (*value.rules, *value.resolutions)))
        elif isinstance(value, tuple | list):
            for item in value:
                if isinstance(item, Rule | Resolution):
                    found.add(id(item))

    for module in modules:
        for value in vars(module).values():
            take(value)
    return found


def _check_provenance(where: Path, ruleset: RuleSet, modules: list[ModuleType]) -> None:
    """Every rule and resolution of a directory's rule set comes from the copy's files."""
    builtin = {id(x) for x in (*GUIDELINE.rules, *GUIDELINE.resolutions)}
    made = _made_by(modules) - builtin
    foreign = [r.id for r in ruleset.rules if id(r) not in made]
    foreign += [r.id for r in ruleset.resolutions if id(r) not in made]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if foreign[3:] else "")
        raise RuleSetLoadError(
            f"{where}: the rule set it defines holds rules that the files under it did not "
            f"create ({shown}): a copy of the rules package must build its rule set from its "
            "own modules, not from the built-in guideline"
        )


def _fingerprint() -> tuple[object, ...]:
    return (
        GUIDELINE.name,
        tuple(map(id, GUIDELINE.rules)),
        tuple(map(id, GUIDELINE.resolutions)),
        sys.modules[_PACKAGE].GUIDELINE is GUIDELINE,
        lbp_spec.GUIDELINE is GUIDELINE,
    )


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


def _found(where: Path, module: ModuleType) -> RuleSet:
    for variable in ("GUIDELINE", "RULESET"):
        found = getattr(module, variable, None)
        if isinstance(found, RuleSet):
            return found
    if hasattr(module, "RULES"):
        rules = tuple(module.RULES)
        if not all(isinstance(r, Rule) for r in rules):
            raise RuleSetLoadError(f"{where}: RULES must hold Rule values only")
        resolutions = tuple(getattr(module, "RESOLUTIONS", ()))
        if not all(isinstance(r, Resolution) for r in resolutions):
            raise RuleSetLoadError(f"{where}: RESOLUTIONS must hold Resolution values only")
        drop = tuple(getattr(module, "DROP", ()))
        return merge(GUIDELINE, rules, resolutions, drop, name=f"{GUIDELINE.name}, {where.name}")
    rulesets = [v for v in vars(module).values() if isinstance(v, RuleSet)]
    if len(rulesets) == 1:
        return rulesets[0]
    raise RuleSetLoadError(
        f"{where} defines no rule set: expected GUIDELINE or RULESET (a RuleSet), or RULES "
        "(rules replacing or joining the built-in ones)"
    )


def load_ruleset(path: str | Path) -> RuleSet:
    """Load the rule set at ``path`` (see the module docstring for the forms).

    Raises:
        RuleSetError: The file does not exist, cannot be run, defines no rule set,
            defines a malformed one, or one that is not the rule set at ``path``
            (built from the built-in modules, or changing the built-in guideline).
    """
    if str(path) in (BUILTIN, "-"):
        return GUIDELINE
    where = Path(path)
    if not where.exists():
        raise RuleSetLoadError(f"no such rule-set file or directory: {where}")
    before = _fingerprint()
    module, modules = _run(where)
    if _fingerprint() != before:
        raise RuleSetLoadError(f"{where}: running it changed the built-in guideline; refused")
    ruleset = _found(where, module)
    if modules is not None:
        _check_provenance(where, ruleset, modules)
    return ruleset
