"""JSON shapes: small typed descriptions of JSON values that read, write and describe themselves.

A *shape* is a value (a frozen attrs object) that knows three things about one
kind of JSON value:

* :meth:`Shape.read` turns a parsed JSON value into the Python value of the
  package, appending every problem it finds (with a path relative to the value)
  to a list instead of stopping at the first;
* :meth:`Shape.dump` turns the Python value back into canonical JSON;
* :meth:`Shape.schema` describes the value as JSON Schema (draft 2020-12).

The two documents of the contract are written once, as shapes, in
:mod:`lbp_spec.contract.documents`; the codec and the JSON Schemas are both
derived from them, so they cannot drift apart.

Decisions that hold for every shape:

* JSON ``true``/``false`` are never numbers, and numbers are never booleans.
* An integer field accepts a number with a zero fraction (``3.0`` reads as
  ``3``), exactly as JSON Schema's ``"type": "integer"`` does; ``3.5`` is
  rejected. Canonical output always writes ``3``.
* ``null`` is accepted only where a field is nullable, and then means "absent".
* An object rejects unknown fields. A *partial* object (the case and its parts)
  hands the fields that read cleanly to its own constructor, with
  :data:`BAD` standing for the fields that did not, so that the range checks
  and cross-field contradictions of :mod:`lbp_spec.case` (the one validation
  truth) still report on everything else; problems at fields already reported
  are dropped.
"""

from __future__ import annotations

import difflib
import enum
import json
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from lbp_spec.errors import InvalidCaseError, Problem

__all__ = [
    "BAD",
    "Boolean",
    "Choice",
    "Const",
    "EnumMap",
    "Field",
    "Integer",
    "JsonSchema",
    "ListOf",
    "Number",
    "Obj",
    "OutOfRange",
    "Pair",
    "SetOf",
    "Shape",
    "String",
    "attribute_docs",
    "show",
    "title_of",
]

JsonSchema = dict[str, Any]


class _Bad:
    """The value of a field that did not read; every validator of the case rejects it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unreadable>"


BAD: Final = _Bad()
"""Stands for a value that could not be read (its problems are already reported)."""


class OutOfRange:
    """A JSON number too large to represent: an integer of thousands of digits, ``1e999``.

    The strict reader (:func:`lbp_spec.contract.parse_json`) gives this instead
    of failing, so that the field holding it is named like any out-of-range value.

    Attributes:
        text: The number as written (its start, for a long one).
        digits: How many characters it was written with.

    """

    __slots__ = ("digits", "text")

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 20 else text[:12] + "..."
        self.digits = len(text)

    def __repr__(self) -> str:
        return f"{self.text} ({self.digits} characters)" if self.digits > 20 else self.text


_BIG: Final = 2**63
"""Beyond this magnitude a whole number is out of range for every field of the contract."""


def _brief_int(value: int) -> str:
    digits = int(value.bit_length() * math.log10(2)) + 1
    return f"an integer of about {digits} digits"


def show(raw: object) -> str:
    """A short JSON rendering of ``raw`` for a problem message (never fails)."""
    if type(raw) is int and not -_BIG <= raw <= _BIG:  # str() of a huge int can fail
        return _brief_int(raw)
    try:
        text = json.dumps(raw, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        try:
            text = repr(raw)
        except Exception:  # a foreign object whose repr fails
            text = f"<{type(raw).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def _far_out(raw: object) -> Problem:
    return Problem("", f"is far out of range, got {show(raw)}")


def _values(kind: type[enum.Enum]) -> str:
    return ", ".join(str(m.value) for m in kind)


def _or_null(text: str, nullable: bool) -> str:
    return f"{text} (or null)" if nullable else text


def _nullable_type(name: str, nullable: bool) -> str | list[str]:
    return [name, "null"] if nullable else name


class Shape:
    """What every shape offers; see the module docstring."""

    __slots__ = ()

    nullable: bool

    def read(self, raw: object, problems: list[Problem]) -> object:
        """Read ``raw``; append problems (paths relative to it) and return :data:`BAD` on error."""
        raise NotImplementedError  # pragma: no cover

    def dump(self, value: Any) -> object:
        """Write ``value`` as canonical JSON."""
        raise NotImplementedError  # pragma: no cover

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        """JSON Schema of the value; named sub-schemas go into ``defs``."""
        raise NotImplementedError  # pragma: no cover


# -- scalars ------------------------------------------------------------------------------


@attrs.frozen
class Const(Shape):
    """A fixed string, e.g. the contract version; any of ``accepted`` reads."""

    value: str
    accepted: tuple[str, ...]
    nullable: bool = False

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if isinstance(raw, str) and raw in self.accepted:
            return raw
        supported = ", ".join(self.accepted)
        problems.append(Problem("", f"must be one of: {supported} (a string); got {show(raw)}"))
        return BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return self.value

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        return {"type": "string", "const": self.value}


@attrs.frozen
class Boolean(Shape):
    """JSON ``true`` or ``false``."""

    nullable: bool = False

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if raw is True or raw is False or (raw is None and self.nullable):
            return raw
        problems.append(
            Problem("", f"{_or_null('must be true or false', self.nullable)}, got {show(raw)}")
        )
        return BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return value

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        return {"type": _nullable_type("boolean", self.nullable)}


@attrs.frozen
class Integer(Shape):
    """A whole number.

    Attributes:
        low: Lowest valid value (in the schema; checked here only if ``enforce``).
        high: Highest valid value, ``None`` if unbounded.
        nullable: ``null`` reads as ``None``.
        enforce: Check the range while reading. False where the built type checks
            it itself (the case), so that the range has one truth.

    """

    low: int | None = None
    high: int | None = None
    nullable: bool = False
    enforce: bool = True

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        kind = type(raw)
        if kind is int:
            value: int = raw  # type: ignore[assignment]
        elif kind is float and raw.is_integer():  # type: ignore[attr-defined]
            value = int(raw)  # type: ignore[call-overload]
        elif raw is None and self.nullable:
            return None
        elif kind is OutOfRange:
            problems.append(_far_out(raw))
            return BAD
        else:
            problems.append(
                Problem("", f"{_or_null('must be an integer', self.nullable)}, got {show(raw)}")
            )
            return BAD
        if not -_BIG <= value <= _BIG:
            problems.append(_far_out(value))
            return BAD
        if self.enforce and (
            (self.low is not None and value < self.low)
            or (self.high is not None and value > self.high)
        ):
            problems.append(Problem("", f"must be {self._range()}, got {value}"))
            return BAD
        return value

    def _range(self) -> str:
        if self.high is None:
            return f"{self.low} or more"
        if self.low is None:
            return f"{self.high} or less"
        return f"{self.low} to {self.high}"

    def dump(self, value: Any) -> object:  # noqa: D102
        return value

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        out: JsonSchema = {"type": _nullable_type("integer", self.nullable)}
        if self.low is not None:
            out["minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        return out


@attrs.frozen
class Number(Shape):
    """A number, read as a float; the range is left to the built type (see :class:`Integer`)."""

    low: float | None = None
    high: float | None = None
    nullable: bool = False

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        kind = type(raw)
        if kind is float:
            if math.isfinite(raw):  # type: ignore[arg-type]
                return raw
            problems.append(Problem("", f"must be a finite number, got {show(raw)}"))
            return BAD
        if kind is int:
            if -_BIG <= raw <= _BIG:  # type: ignore[operator]
                return float(raw)  # type: ignore[arg-type]
            problems.append(_far_out(raw))
            return BAD
        if kind is OutOfRange:
            problems.append(_far_out(raw))
            return BAD
        if raw is None and self.nullable:
            return None
        problems.append(
            Problem("", f"{_or_null('must be a number', self.nullable)}, got {show(raw)}")
        )
        return BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return None if value is None else float(value)

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        out: JsonSchema = {"type": _nullable_type("number", self.nullable)}
        if self.low is not None:
            out["minimum"] = self.low
        if self.high is not None:
            out["maximum"] = self.high
        return out


@attrs.frozen
class String(Shape):
    """A non-empty string (an identifier such as a rule id)."""

    nullable: bool = False

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if isinstance(raw, str) and raw:
            return raw
        if raw is None and self.nullable:
            return None
        problems.append(Problem("", f"must be a non-empty string, got {show(raw)}"))
        return BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return value

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        return {"type": _nullable_type("string", self.nullable), "minLength": 1}


def _by_value(kind: type[enum.Enum]) -> dict[object, enum.Enum]:
    return {m.value: m for m in kind}


def _order(kind: type[enum.Enum]) -> dict[enum.Enum, int]:
    return {m: i for i, m in enumerate(kind)}


@attrs.frozen
class Choice(Shape):
    """One value of a vocabulary enum, spelt as its value."""

    kind: type[enum.Enum]
    nullable: bool = False
    _members: dict[object, enum.Enum] = attrs.field(init=False, eq=False, repr=False)
    _spelling: dict[enum.Enum, object] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_members", _by_value(self.kind))
        object.__setattr__(self, "_spelling", {m: m.value for m in self.kind})

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if isinstance(raw, str):
            member = self._members.get(raw)
            if member is not None:
                return member
        elif raw is None and self.nullable:
            return None
        allowed = _or_null(f"must be one of {_values(self.kind)}", self.nullable)
        problems.append(Problem("", f"{allowed}; got {show(raw)}"))
        return BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return None if value is None else self._spelling[value]

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        values: list[object] = [m.value for m in self.kind]
        if self.nullable:
            values.append(None)
        return {"type": _nullable_type("string", self.nullable), "enum": values}


# -- collections --------------------------------------------------------------------------


@attrs.frozen
class SetOf(Shape):
    """A set of vocabulary values, as an array of distinct strings.

    Read into a frozenset (``ordered=False``) or a tuple in vocabulary order
    (``ordered=True``); written in vocabulary order either way.
    """

    kind: type[enum.Enum]
    ordered: bool = False
    nullable: bool = False
    _members: dict[object, enum.Enum] = attrs.field(init=False, eq=False, repr=False)
    _rank: dict[enum.Enum, int] = attrs.field(init=False, eq=False, repr=False)
    _spelling: dict[enum.Enum, object] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_members", _by_value(self.kind))
        object.__setattr__(self, "_rank", _order(self.kind))
        object.__setattr__(self, "_spelling", {m: m.value for m in self.kind})

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if not isinstance(raw, list | tuple):
            problems.append(
                Problem(
                    "",
                    f"must be an array of distinct values from: {_values(self.kind)}; "
                    f"got {show(raw)}",
                )
            )
            return BAD
        seen: dict[enum.Enum, int] = {}
        ok = True
        members = self._members
        for i, item in enumerate(raw):
            member = members.get(item) if isinstance(item, str) else None
            if member is None:
                problems.append(
                    Problem(f"[{i}]", f"must be one of {_values(self.kind)}; got {show(item)}")
                )
                ok = False
            elif member in seen:
                problems.append(
                    Problem(
                        f"[{i}]",
                        f"repeats {show(item)} (item {seen[member]}); items must be distinct",
                    )
                )
                ok = False
            else:
                seen[member] = i
        if not ok:
            return BAD
        if self.ordered:
            return tuple(sorted(seen, key=self._rank.__getitem__))
        return frozenset(seen)

    def dump(self, value: Any) -> object:  # noqa: D102
        spelling = self._spelling
        return [spelling[m] for m in sorted(value, key=self._rank.__getitem__)]

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        return {
            "type": "array",
            "items": {"type": "string", "enum": [m.value for m in self.kind]},
            "uniqueItems": True,
        }


@attrs.frozen
class ListOf(Shape):
    """An array of values of one shape, read into a tuple (order kept)."""

    item: Shape
    unique: bool = False

    nullable: bool = attrs.field(default=False, init=False)

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if not isinstance(raw, list | tuple):
            problems.append(Problem("", f"must be an array, got {show(raw)}"))
            return BAD
        out = []
        ok = True
        seen: dict[object, int] = {}
        for i, item in enumerate(raw):
            n = len(problems)
            value = self.item.read(item, problems)
            if len(problems) != n:
                problems[n:] = [p.at(f"[{i}]") for p in problems[n:]]
                ok = False
                continue
            if self.unique:
                if value in seen:
                    problems.append(
                        Problem(f"[{i}]", f"repeats item {seen[value]}; items must be distinct")
                    )
                    ok = False
                    continue
                seen[value] = i
            out.append(value)
        return tuple(out) if ok else BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return [self.item.dump(v) for v in value]

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        out: JsonSchema = {"type": "array", "items": self.item.schema(defs)}
        if self.unique:
            out["uniqueItems"] = True
        return out


@attrs.frozen
class Pair(Shape):
    """A window ``[low, high]`` of whole units; ``high`` may be ``null`` (open-ended).

    ``high >= low`` is checked here; JSON Schema cannot express it.
    """

    build: Callable[[int, int | None], object]
    nullable: bool = False

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if raw is None and self.nullable:
            return None
        if not isinstance(raw, list | tuple) or len(raw) != 2:
            message = _or_null("must be an array [low, high] (high may be null)", self.nullable)
            problems.append(Problem("", f"{message}; got {show(raw)}"))
            return BAD
        n = len(problems)
        low = _WINDOW_LOW.read(raw[0], problems)
        problems[n:] = [p.at("[0]") for p in problems[n:]]
        n = len(problems)
        high = _WINDOW_HIGH.read(raw[1], problems)
        problems[n:] = [p.at("[1]") for p in problems[n:]]
        if low is BAD or high is BAD:
            return BAD
        assert isinstance(low, int)
        if isinstance(high, int) and high < low:
            problems.append(Problem("[1]", f"must be at least low ({low}), got {high}"))
            return BAD
        return self.build(low, high)  # type: ignore[arg-type]

    def dump(self, value: Any) -> object:  # noqa: D102
        return None if value is None else [value.low, value.high]

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        pair: JsonSchema = {
            "type": "array",
            "prefixItems": [_WINDOW_LOW.schema(defs), _WINDOW_HIGH.schema(defs)],
            "minItems": 2,
            "items": False,
        }
        if self.nullable:
            return {"anyOf": [pair, {"type": "null"}]}
        return pair


_WINDOW_LOW: Final = Integer(low=0)
_WINDOW_HIGH: Final = Integer(low=0, nullable=True)


@attrs.frozen
class EnumMap(Shape):
    """A JSON object whose keys are values of a vocabulary enum, read into a dict.

    Attributes:
        keys: The vocabulary of the keys.
        value: The shape of each value.
        noun: How a key is named in a problem ("prognostic factor").
        all_required: Every key must be present.

    """

    keys: type[enum.Enum]
    value: Shape
    noun: str
    all_required: bool = False
    nullable: bool = False
    _members: dict[object, enum.Enum] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_members", _by_value(self.keys))

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if not isinstance(raw, dict):
            problems.append(
                Problem("", f"must be a JSON object keyed by {self.noun}, got {show(raw)}")
            )
            return BAD
        out = {}
        ok = True
        for key, item in raw.items():
            member = self._members.get(key) if isinstance(key, str) else None
            if member is None:
                problems.append(
                    Problem(_key(key), f"unknown {self.noun}; must be one of {_values(self.keys)}")
                )
                ok = False
                continue
            n = len(problems)
            value = self.value.read(item, problems)
            if len(problems) != n:
                problems[n:] = [p.at(str(key)) for p in problems[n:]]
                ok = False
                continue
            out[member] = value
        if self.all_required:
            for member in self.keys:
                if member.value not in raw:
                    problems.append(Problem(str(member.value), "is required"))
                    ok = False
        return out if ok else BAD

    def dump(self, value: Any) -> object:  # noqa: D102
        return {m.value: self.value.dump(value[m]) for m in self.keys if m in value}

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        value = self.value.schema(defs)
        out: JsonSchema = {
            "type": "object",
            "properties": {str(m.value): value for m in self.keys},
            "additionalProperties": False,
        }
        if self.all_required:
            out["required"] = [str(m.value) for m in self.keys]
        return out


# -- objects ------------------------------------------------------------------------------


@attrs.frozen
class Field:
    """One field of an object shape.

    Attributes:
        name: The JSON name; also the keyword of the built type.
        shape: The shape of its value.
        required: Must be present in the JSON (possibly as ``null`` if nullable).
        title: Short name for the schema; from the name when empty.
        description: Meaning, for the schema; from the docstring of the built
            type's ``Attributes:`` section when empty.
        arg: Pass the value to the builder (false for the contract version).
        get: Reads the field's value from the built value (default: attribute).

    """

    name: str
    shape: Shape
    required: bool = False
    title: str = ""
    description: str = ""
    arg: bool = True
    get: Callable[[Any], object] | None = None

    _getter: Callable[[Any], object] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_getter", self.get or operator.attrgetter(self.name))

    def value_of(self, built: object) -> object:
        """The field's value in a built value."""
        return self._getter(built)


_ACRONYMS: Final = {"nprs": "NPRS", "lrs": "LRS", "sbst": "SBST", "mrc": "MRC", "cm": "(cm)"}


def title_of(name: str) -> str:
    """A readable title from a field name: ``mrc_lowest`` -> ``MRC lowest``."""
    words = [_ACRONYMS.get(w, w) for w in name.split("_")]
    first = words[0]
    words[0] = first if first.isupper() else first.capitalize()
    return " ".join(words)


def attribute_docs(cls: type) -> dict[str, str]:
    """The ``Attributes:`` section of a Google-style class docstring, by attribute name.

    Properties that are not attributes (e.g. ``required``) are read from their
    own docstrings.
    """
    docs: dict[str, str] = {}
    lines = (cls.__doc__ or "").splitlines()
    inside = False
    name = ""
    indent = 0
    for line in lines:
        stripped = line.strip()
        if stripped == "Attributes:":
            inside, indent = True, len(line) - len(line.lstrip()) + 4
            continue
        if not inside:
            continue
        if not stripped:
            continue
        depth = len(line) - len(line.lstrip())
        if depth < indent:
            break
        if depth == indent and ":" in stripped:
            name, _, text = stripped.partition(":")
            docs[name] = text.strip()
        elif name:
            docs[name] += " " + stripped
    for attr, value in vars(cls).items():
        if isinstance(value, property) and value.__doc__ and attr not in docs:
            docs[attr] = " ".join(value.__doc__.split())
    return {name: _plain(text) for name, text in docs.items()}


_ROLE: Final = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")


def _plain(text: str) -> str:
    """Docstring markup to plain text: ``:class:`~a.B``` -> ``B``, ````x```` -> ``x``."""
    return _ROLE.sub(r"\1", text).replace("``", "")


@attrs.frozen
class Obj(Shape):
    """A JSON object with known fields, built into a Python value.

    Attributes:
        name: Name in the schema's ``$defs``; the schema is inlined when empty.
        fields: The fields, in canonical order.
        build: Builds the value from the fields read (keyword arguments).
        docs: Class whose docstring describes the fields.
        description: What the object is, for the schema.
        partial: The builder validates (raising
            :class:`~lbp_spec.errors.InvalidCaseError`) and tolerates
            :data:`BAD` for fields that did not read, so it is called even when
            some fields failed, to report what it checks on the others.
        nullable: ``null`` reads as ``None``.
        schema_rules: Extra schema keywords (``allOf`` with ``if``/``then``) for
            the cross-field rules the schema can express.

    """

    name: str
    fields: tuple[Field, ...]
    build: Callable[..., object]
    docs: type | None = None
    description: str = ""
    partial: bool = False
    nullable: bool = False
    schema_rules: Mapping[str, Any] = attrs.field(factory=dict)
    _by_name: dict[str, Field] = attrs.field(init=False, eq=False, repr=False)
    _required: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _rank: dict[str, int] = attrs.field(init=False, eq=False, repr=False)
    _known: str = attrs.field(init=False, eq=False, repr=False)
    _dumpers: tuple[tuple[str, Callable[[Any], object], Callable[[Any], object]], ...] = (
        attrs.field(init=False, eq=False, repr=False)
    )
    _readers: dict[str, tuple[Callable[[object, list[Problem]], object], bool]] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "_readers", {f.name: (f.shape.read, f.arg) for f in self.fields})
        set_(self, "_dumpers", tuple((f.name, f.value_of, f.shape.dump) for f in self.fields))
        set_(self, "_by_name", {f.name: f for f in self.fields})
        set_(self, "_required", frozenset(f.name for f in self.fields if f.required))
        set_(self, "_rank", {f.name: i for i, f in enumerate(self.fields)})
        set_(self, "_known", ", ".join(f.name for f in self.fields))

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return self._by_name[name]

    def read(self, raw: object, problems: list[Problem]) -> object:  # noqa: D102
        if not isinstance(raw, dict):
            if raw is None and self.nullable:
                return None
            problems.append(
                Problem("", f"{_or_null('must be a JSON object', self.nullable)}, got {show(raw)}")
            )
            return BAD
        start = len(problems)
        values: dict[str, object] = {}
        readers = self._readers
        bad: set[str] = set()
        unknown = 0
        for key, item in raw.items():
            reader = readers.get(key)
            if reader is None:
                unknown += 1  # past the reported problems, a suggestion is not worth its cost
                message = self._unknown(key) if unknown <= _SUGGESTED else "unknown field"
                problems.append(Problem(_key(key), message))
                continue
            n = len(problems)
            value = reader[0](item, problems)
            if len(problems) != n:
                problems[n:] = [p.at(key) for p in problems[n:]]
                bad.add(key)
            if reader[1]:
                values[key] = value
        if not self._required.issubset(raw):
            for field in self.fields:
                if field.required and field.name not in raw:
                    problems.append(Problem(field.name, "is required"))
                    bad.add(field.name)
                    if field.arg:
                        values[field.name] = BAD
        if len(problems) == start:
            try:
                return self.build(**values)
            except InvalidCaseError as error:
                problems.extend(error.problems)
                return BAD
        if self.partial:
            try:
                self.build(**values)
            except InvalidCaseError as error:
                problems.extend(p for p in error.problems if _root(p.path) not in bad)
        rank, last = self._rank, len(self.fields)
        problems[start:] = sorted(problems[start:], key=lambda p: rank.get(_root(p.path), last))
        return BAD

    def _unknown(self, key: object) -> str:
        close = difflib.get_close_matches(_key(key), self._by_name, n=1)
        if close:
            return f"unknown field; did you mean {close[0]}?"
        return f"unknown field; known fields: {self._known}"

    def dump(self, value: Any) -> object:  # noqa: D102
        if value is None:
            return None
        return {name: dump(get(value)) for name, get, dump in self._dumpers}

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:  # noqa: D102
        if self.name and self.name not in defs:
            defs[self.name] = {}  # reserve the name (recursion guard, stable order)
            defs[self.name] = self.object_schema(defs)
        ref: JsonSchema = (
            {"$ref": f"#/$defs/{self.name}"} if self.name else self.object_schema(defs)
        )
        if self.nullable:
            return {"anyOf": [ref, {"type": "null"}]}
        return ref

    def object_schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        """The schema of the object itself (never a reference)."""
        docs = attribute_docs(self.docs) if self.docs is not None else {}
        properties = {}
        for field in self.fields:
            described: JsonSchema = {"title": field.title or title_of(field.name)}
            description = field.description or docs.get(field.name, "")
            if description:
                described["description"] = description
            properties[field.name] = {**described, **field.shape.schema(defs)}
        out: JsonSchema = {"type": "object"}
        if self.name:
            out["title"] = title_of(self.name)
        if self.description:
            out["description"] = self.description
        out["properties"] = properties
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
        out.update(self.schema_rules)
        return out


_SUGGESTED: Final = 100
"""Unknown fields of one object that get a "did you mean" (problems past the cap are not shown)."""


def _key(key: object) -> str:
    """A key as a field path: short, even for a huge or foreign key."""
    text = key if isinstance(key, str) else show(key)
    return text if len(text) <= 60 else text[:57] + "..."


def _root(path: str) -> str:
    for i, char in enumerate(path):
        if char in ".[":
            return path[:i]
    return path
