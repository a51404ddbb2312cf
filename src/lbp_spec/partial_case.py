"""A partial case: one patient at one consultation, with some inputs not (yet) known.

At the point of care the data is rarely complete: the MRC grade is not measured
yet, the therapist has not judged whether the problem is mechanical. A
:class:`PartialCase` holds what *is* recorded and names the inputs that are not
known by their field path (:data:`UNKNOWN_PATHS`). Its *completions* are the
valid cases (:class:`~lbp_spec.case.Case`) that agree with everything recorded;
:func:`lbp_spec.evaluate_partial` reasons over all of them at once.

What a path names (every path is derived from :data:`lbp_spec.logic.VARIABLES`,
so new case fields become nameable without a change here):

* a field, e.g. ``mechanical_problem`` or ``improvement``: any value the
  contract allows there, including absent (``null``) where the field is optional;
* an optional part, e.g. ``neurological_exam``: whether it was done at all, and
  every finding in it;
* one finding of a part, e.g. ``neurological_exam.mrc_lowest``: the part itself
  is recorded (it must be given, with its known findings);
* one member of a set, e.g. ``red_flags.fracture``: whether that member belongs
  to the set (the others are as given);
* one prognostic factor, e.g. ``prognostic_factors.leg_pain``: absent,
  non-dominant or dominant (the others are as given).

Completions range over the *valid* cases only: an unknown follow-up field at an
initial consultation can only be absent, an unknown consultation with recorded
follow-up fields can only be a follow-up. Nothing here knows Z3.
"""

from __future__ import annotations

import difflib
import enum
import functools
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from lbp_spec.case import Case, contradictions, field_problem
from lbp_spec.errors import InvalidCaseError, Problem
from lbp_spec.logic import VARIABLES, Variable, VariableKind

__all__ = ["UNKNOWN_PATHS", "PartialCase", "unknown_target"]


def _paths() -> tuple[str, ...]:
    out: list[str] = []
    for path, var in VARIABLES.items():
        out.append(path)
        if var.kind in (VariableKind.SET, VariableKind.FACTORS):
            assert var.enum is not None
            out.extend(f"{path}.{m.value}" for m in var.enum)
    return tuple(out)


UNKNOWN_PATHS: Final = _paths()
"""Every field path a partial case may name as unknown, in case order."""


@functools.cache
def unknown_target(path: str) -> tuple[Variable, enum.Enum | None]:
    """The case variable a path names, and the set member or factor if it names one.

    Raises:
        KeyError: ``path`` is not in :data:`UNKNOWN_PATHS`.

    """
    var = VARIABLES.get(path)
    if var is not None:
        return var, None
    head, _, tail = path.rpartition(".")
    var = VARIABLES.get(head)
    if var is not None and var.enum is not None:
        for member in var.enum:
            if member.value == tail:
                return var, member
    raise KeyError(path)


def _top_level() -> tuple[Variable, ...]:
    return tuple(v for v in VARIABLES.values() if v.parent is None)


def _children(parent: str) -> tuple[Variable, ...]:
    return tuple(v for v in VARIABLES.values() if v.parent == parent)


@functools.cache
def _part_class(name: str) -> type:
    """The attrs class of an optional part of a case (e.g. NeurologicalExam)."""
    hint = typing.get_type_hints(Case)[name]
    for arg in typing.get_args(hint) or (hint,):
        if attrs.has(arg):
            return typing.cast(type, arg)
    raise TypeError(f"{name} is not an object field of Case")  # pragma: no cover


def _default(cls: type, name: str) -> object:
    field = attrs.fields_dict(cls)[name]
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


def _children_of(value: object, part: type) -> dict[str, object]:
    if isinstance(value, Mapping):
        return dict(value)
    return {f.name: getattr(value, f.name) for f in attrs.fields(part)}


@attrs.frozen
class PartialCase:
    """A case with some inputs not known; see the module docstring.

    Build one with :meth:`of` (from a complete case, ignoring the values at the
    unknown paths) or :meth:`from_given` (from the fields that were recorded;
    what the JSON contract reads). Construction validates everything and raises
    one :class:`~lbp_spec.errors.InvalidCaseError` naming every problem by its
    field path.

    Attributes:
        known: Every case variable that is known, by path (see
            :data:`lbp_spec.logic.VARIABLES`): an optional part by whether it is
            present, a set by its known members, the prognostic factors by the
            known ones. Fields not recorded hold their default.
        unknown: The unknown inputs, by field path, in the order given.

    """

    known: Mapping[str, object]
    unknown: tuple[str, ...]

    # -- construction -------------------------------------------------------------------

    @classmethod
    def of(cls, case: Case, unknown: Iterable[str]) -> PartialCase:
        """The partial case that knows everything of ``case`` except ``unknown``.

        The values ``case`` holds at the unknown paths are ignored.

        Raises:
            InvalidCaseError: An unknown path does not exist, or repeats one.

        Example:
            >>> from lbp_spec import Case, NeurologicalExam
            >>> p = PartialCase.of(Case(lrs=True, neurological_exam=NeurologicalExam()),
            ...                    ["neurological_exam.mrc_lowest"])
            >>> p.unknown
            ('neurological_exam.mrc_lowest',)

        """
        unknown = tuple(unknown)
        _raise_if(_path_problems(unknown))
        given: dict[str, object] = {}
        for var in _top_level():
            name = var.path
            if name in unknown:
                continue
            value = getattr(case, name)
            if var.kind is VariableKind.OBJECT and value is not None:
                children = _children_of(value, _part_class(name))
                value = {k: v for k, v in children.items() if f"{name}.{k}" not in unknown}
            elif var.kind is VariableKind.SET:
                value = frozenset(m for m in value if f"{name}.{m.value}" not in unknown)
            elif var.kind is VariableKind.FACTORS:
                value = {f: lv for f, lv in value.items() if f"{name}.{f.value}" not in unknown}
            given[name] = value
        return cls.from_given(given, unknown)

    @classmethod
    def from_given(cls, given: Mapping[str, object], unknown: Iterable[str]) -> PartialCase:
        """The partial case of the recorded fields ``given`` and the ``unknown`` paths.

        Args:
            given: Top-level field name to its typed value, as
                :class:`~lbp_spec.case.Case` takes it; an optional part may also
                be a mapping of its recorded findings. A field left out takes
                its default, exactly as in a complete case.
            unknown: Field paths from :data:`~lbp_spec.partial_case.UNKNOWN_PATHS`.

        Raises:
            InvalidCaseError: Every problem, by field path: an unknown path that
                does not exist or repeats, a value given at an unknown path, a
                finding unknown in a part that is absent, a value out of range,
                and contradictions between known fields.

        """
        unknown = tuple(unknown)
        problems = _path_problems(unknown)
        if problems:
            bad_items = {p.path for p in problems}
            unknown = tuple(
                dict.fromkeys(
                    path
                    for i, path in enumerate(unknown)
                    if f"unknown[{i}]" not in bad_items and path in _KNOWN_PATHS
                )
            )
        names = {v.path for v in _top_level()}
        problems.extend(Problem(str(k), "unknown field of a case") for k in given if k not in names)
        known: dict[str, object] = {}
        unknown_set = set(unknown)
        for var in _top_level():
            problems.extend(_read_top(var, given, unknown_set, known))
        bad = {p.path.split(".")[0].split("[")[0] for p in problems} - {"unknown"}
        cross = {
            k: v for k, v in known.items() if "." not in k and k not in bad and k in _CROSS_NAMES
        }
        problems.extend(contradictions(cross))
        _raise_if(problems)
        return cls(known, unknown)

    # -- use ----------------------------------------------------------------------------

    def complete(self, fill: Mapping[str, object] | None = None) -> Case:
        """The completion that takes ``fill`` at the unknown paths.

        Args:
            fill: Unknown path to its value: a field's value, a part (an
                instance or ``None``), a finding's value, ``True``/``False``
                for a set member, a :class:`~lbp_spec.vocabulary.FactorLevel`
                or ``None`` for a factor. Required for every unknown path.

        Raises:
            InvalidCaseError: The completion is not a valid case.
            KeyError: An unknown path has no value in ``fill``.

        """
        fill = fill or {}
        kwargs: dict[str, Any] = {}
        for var in _top_level():
            name = var.path
            if name in self.unknown:
                kwargs[name] = fill[name]
                continue
            value = self.known[name]
            if var.kind is VariableKind.OBJECT:
                if value:
                    part = _part_class(name)
                    children = {}
                    for child in _children(name):
                        if child.path in self.unknown:
                            children[child.name] = fill[child.path]
                        else:
                            children[child.name] = self.known[child.path]
                    kwargs[name] = part(**children)
                else:
                    kwargs[name] = None
            elif var.kind is VariableKind.SET:
                assert var.enum is not None
                assert isinstance(value, frozenset)
                extra = {m for m in var.enum if fill.get(f"{name}.{m.value}") is True}
                kwargs[name] = value | extra
            elif var.kind is VariableKind.FACTORS:
                assert var.enum is not None
                assert isinstance(value, Mapping)
                factors = dict(value)
                for f in var.enum:
                    level = fill.get(f"{name}.{f.value}")
                    if level is not None:
                        factors[f] = level
                kwargs[name] = factors
            else:
                kwargs[name] = value
        return Case(**kwargs)

    def known_member(self, path: str) -> bool:
        """Whether a set member or factor path is known (not named unknown itself or above)."""
        return path not in self.unknown and path.rpartition(".")[0] not in self.unknown


_CROSS_NAMES: Final = frozenset(
    v.path for v in VARIABLES.values() if v.parent is None and v.kind is not VariableKind.OBJECT
)


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidCaseError(problems)


def _path_problems(unknown: tuple[str, ...]) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for i, path in enumerate(unknown):
        at = f"unknown[{i}]"
        if not isinstance(path, str) or path not in _KNOWN_PATHS:
            close = difflib.get_close_matches(str(path), UNKNOWN_PATHS, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(Problem(at, f"no such input {path!r}{hint}"))
            continue
        if path in seen:
            problems.append(Problem(at, f"repeats {path!r} (item {seen[path]})"))
            continue
        seen[path] = i
    for i, path in enumerate(unknown):
        if path not in seen or seen[path] != i:
            continue
        parts = path.split(".")
        for k in range(1, len(parts)):
            above = ".".join(parts[:k])
            if above in seen:
                problems.append(
                    Problem(f"unknown[{i}]", f"{path!r} is already unknown as part of {above!r}")
                )
    return problems


_KNOWN_PATHS: Final = frozenset(UNKNOWN_PATHS)


def _also_given(path: str) -> Problem:
    return Problem(path, "is named in unknown but also given; leave it out, or know it")


def _read_top(
    var: Variable, given: Mapping[str, object], unknown: set[str], known: dict[str, object]
) -> list[Problem]:
    name = var.path
    if name in unknown:
        return [_also_given(name)] if name in given else []
    value = given.get(name, _default(Case, name))
    if var.kind is VariableKind.OBJECT:
        return _read_part(var, value, unknown, known)
    if var.kind in (VariableKind.SET, VariableKind.FACTORS):
        message = field_problem(Case, name, _normal_set(var, value))
        if message is not None:
            return [Problem(name, message)]
        value = _normal_set(var, value)
        problems = []
        assert var.enum is not None
        assert isinstance(value, frozenset | Mapping)
        for m in var.enum:
            if f"{name}.{m.value}" in unknown and m in value:
                problems.append(_also_given(f"{name}.{m.value}"))
        known[name] = value
        return problems
    message = field_problem(Case, name, value)
    if message is not None:
        return [Problem(name, message)]
    known[name] = value
    return []


def _normal_set(var: Variable, value: object) -> object:
    if var.kind is VariableKind.SET and isinstance(value, set | list | tuple):
        try:
            return frozenset(value)
        except TypeError:
            return value
    return value


def _read_part(
    var: Variable, value: object, unknown: set[str], known: dict[str, object]
) -> list[Problem]:
    name = var.path
    part = _part_class(name)
    children = _children(name)
    open_children = [c for c in children if c.path in unknown]
    if value is None:
        known[name] = False
        return [
            Problem(
                c.path,
                f"is named unknown, but {name} is absent; give {name} with its known "
                f"findings, or name {name} itself unknown",
            )
            for c in open_children
        ]
    if isinstance(value, part) and not open_children:
        known[name] = True
        for c in children:
            known[c.path] = getattr(value, c.name)
        return []
    if not isinstance(value, part | Mapping):
        return [Problem(name, f"must be a {part.__name__}, a mapping of its findings, or None")]
    values = _children_of(value, part)
    problems = [
        Problem(f"{name}.{k}", "unknown field")
        for k in values
        if k not in {c.name for c in children}
    ]
    for c in children:
        if c.path in unknown:
            if c.name in values:
                problems.append(_also_given(c.path))
            continue
        if c.name in values:
            child = values[c.name]
        else:
            child = _default(part, c.name)
            if child is attrs.NOTHING:
                problems.append(Problem(c.path, "is required"))
                continue
        message = field_problem(part, c.name, child)
        if message is not None:
            problems.append(Problem(c.path, message))
            continue
        known[c.path] = child
    if not problems and not open_children:
        try:
            part(**{c.name: known[c.path] for c in children})
        except InvalidCaseError as error:
            problems.extend(p.at(name) for p in error.problems)
    known[name] = True
    return problems
