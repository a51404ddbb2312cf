"""The two documents of the contract, a case and an advice, written once as shapes.

The case shape is derived from :data:`lbp_spec.logic.VARIABLES` (kinds,
vocabularies, ranges, optionality) and from the ``Attributes:`` docstrings of
:class:`~lbp_spec.case.Case` and its parts (descriptions). What is a decision of
the contract, and written here, is which fields a sender must give:

* case: ``contract_version``, ``consultation``, ``discipline``,
  ``need_for_assistance``, ``lrs`` and ``nprs``; in ``neurological_exam``:
  ``mrc_lowest``; in ``sbst``: ``total`` and ``psychosocial``. Every other field
  may be left out and then takes the default of :class:`~lbp_spec.case.Case`
  (false, empty, or null).
* advice: every normative field (``null`` or ``[]`` where there is nothing);
  the informative ``trace``, ``resolutions`` and each intervention's ``rules``
  may be left out.
"""

from __future__ import annotations

import enum
import json
import math
import operator
from collections.abc import Callable
from typing import Any, Final

import attrs

from lbp_spec.advice import (
    Advice,
    AppliedResolution,
    InterventionAdvice,
    NeurologicalExamination,
    Referral,
    TraceEntry,
    Window,
)
from lbp_spec.case import (
    FOLLOW_UP_FIELDS,
    REQUIRED_AT_FOLLOW_UP,
    Case,
    NeurologicalExam,
    Sbst,
    construction,
    field_checks,
    problems_of,
)
from lbp_spec.contract.shape import (
    _BIG,
    BAD,
    Boolean,
    Choice,
    Const,
    EnumMap,
    Field,
    Integer,
    JsonSchema,
    ListOf,
    Number,
    Obj,
    Pair,
    SetOf,
    Shape,
    String,
    show,
)
from lbp_spec.errors import InvalidCaseError, Problem
from lbp_spec.logic import VARIABLES, Variable, VariableKind
from lbp_spec.partial_case import UNKNOWN_PATHS, PartialCase
from lbp_spec.vocabulary import (
    AdviceWarning,
    BehaviourGuidance,
    Consultation,
    Discipline,
    EducationTopic,
    EvaluationAction,
    ExamComponent,
    ExerciseGuidance,
    FactorLevel,
    Intervention,
    ReferralMode,
    ReferralTarget,
    SafetyNetTopic,
    Section,
    Strength,
    Urgency,
)

__all__ = ["ADVICE", "CASE", "CONTRACT_VERSION", "PARTIAL_CASE", "SUPPORTED_VERSIONS"]

CONTRACT_VERSION: Final = "2.0"
"""The version of the JSON contract this package reads and writes."""

SUPPORTED_VERSIONS: Final = ("2.0",)
"""The contract versions this package reads."""

_VERSION: Final = Field(
    "contract_version",
    Const(CONTRACT_VERSION, SUPPORTED_VERSIONS),
    required=True,
    description=(
        f"Version of the lbp_spec JSON contract the document follows; "
        f"supported: {', '.join(SUPPORTED_VERSIONS)}."
    ),
    arg=False,
    get=lambda _: CONTRACT_VERSION,
)


# -- the case ------------------------------------------------------------------------------

_CASE_REQUIRED: Final = frozenset(
    {
        "consultation",
        "discipline",
        "need_for_assistance",
        "lrs",
        "nprs",
        "neurological_exam.mrc_lowest",
        "sbst.total",
        "sbst.psychosocial",
    }
)

_CASE_TITLES: Final = {
    "nprs": "Pain intensity (NPRS)",
    "lrs": "LRS (working diagnosis)",
    "sbst": "StarT Back Screening Tool (SBST)",
    "mrc_lowest": "Lowest MRC grade",
    "fingertip_floor_cm": "Fingertip-to-floor distance (cm)",
    "neurological_exam": "Neurological examination",
}


_CASE_DESCRIPTIONS: Final = {
    "red_flags": (
        "Signs that could indicate a fracture, infection, tumour or inflammatory condition "
        "(red flags). Any red flag means a referral to the general practitioner."
    ),
    "neurological_emergency_signs": (
        "Possible signs of a neurological emergency, as reported or observed. A severe motor "
        "deficit (MRC at most 3) is not listed here: it is read from "
        "neurological_exam.mrc_lowest."
    ),
    "nprs": (
        "Pain intensity on the Numeric Pain Rating Scale, 0-10. In LRS, severe pain "
        "(NPRS >= 8) is a reason to refer to the general practitioner."
    ),
    "mrc_lowest": (
        "MRC grade (0-5) of the weakest key muscle; 5 is normal. A severe motor deficit "
        "(MRC <= 3) is a possible sign of a neurological emergency."
    ),
    "fingertip_floor_cm": (
        "Fingertip-to-floor distance bending forward with straight knees, in cm; null when "
        "not measured. More than 25 cm is a positive finding."
    ),
    "prognostic_factors": (
        "Each present prognostic factor for persistent complaints with its level: "
        "non_dominant, or dominant when the factor greatly contributes to perpetuating the "
        "pain and/or limitations (the therapist's judgement). Absent factors are left out. "
        "The factors decide the treatment profile."
    ),
    "responsiveness": (
        "Responsiveness (irritability) of the complaints; LRS only, so absent or null when "
        "lrs is false."
    ),
    "complaint_duration_weeks": (
        "How long the complaints have lasted, in whole weeks since they began (not since the "
        "start of treatment); null when not known. At a follow-up at least weeks_since_start. "
        "For LRS, complaints that persist from six to eight weeks with insufficient "
        "alleviation lead to a referral."
    ),
    "pain_alleviation": (
        "The alleviation of pain so far (adequate or inadequate), as the patient judges it "
        "with the therapist; null when not judged. Any consultation. For LRS, inadequate "
        "alleviation of pain alone suffices for the referral after six weeks."
    ),
    "loss_of_function_decrease": (
        "The decrease of loss of function so far (adequate or inadequate; for LRS: weakness, "
        "sensory loss, reflexes and the limitations they cause); null when not judged. Any "
        "consultation. For LRS, an inadequate decrease alone suffices for the referral after "
        "six weeks, even when the pain is better."
    ),
    "lrs_diagnosed_earlier": (
        "Follow-up only, and required there when lrs is true (null otherwise): LRS was already "
        "the working diagnosis at an earlier consultation. The check after two to four days is "
        "advised once, where LRS becomes the working diagnosis."
    ),
    "medication_dose_doubt": (
        "Doubt whether the medication dosage is high enough, at any consultation; null reads "
        "as no doubt. For LRS it leads to a referral alongside the treatment."
    ),
    "reevaluation_new_insights": (
        "Follow-up only: the re-evaluation yielded new insights. Null means not answered (the "
        "re-evaluation has not been done); it never leads to a referral, which needs an "
        "explicit false here and in adjustment_expected_to_suffice."
    ),
    "adjustment_expected_to_suffice": (
        "Follow-up only: an adjustment of the profile or the treatment is expected to be "
        "sufficient. Null means not answered; it never leads to a referral, which needs an "
        "explicit false here and in reevaluation_new_insights."
    ),
    "diminished_tendon_reflexes": (
        "The Achilles or knee tendon reflex is diminished (a sign of nerve root involvement)."
    ),
    "extensor_plantar_response": (
        "The plantar reflex (sole of the foot) is an extensor response (Babinski sign): a "
        "pyramidal sign, so a possible sign of a neurological emergency, which makes the "
        "referral immediate. A plantar reflex is never entered as diminished."
    ),
}


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _variable_shape(var: Variable) -> Shape:
    kind = var.kind
    if kind is VariableKind.BOOL:
        return Boolean(nullable=var.optional)
    if kind is VariableKind.INT:
        return Integer(_int(var.low), _int(var.high), nullable=var.optional, enforce=False)
    if kind is VariableKind.REAL:
        return Number(var.low, var.high, nullable=var.optional)
    assert var.enum is not None, var.path
    if kind is VariableKind.ENUM:
        return Choice(var.enum, nullable=var.optional)
    if kind is VariableKind.SET:
        return SetOf(var.enum)
    if kind is VariableKind.FACTORS:
        return EnumMap(var.enum, Choice(FactorLevel), "prognostic factor")
    raise AssertionError(f"{var.path}: objects are built by _object")  # pragma: no cover


def _fields(parent: str | None) -> tuple[Field, ...]:
    fields = []
    for path, var in VARIABLES.items():
        if var.parent != parent or (parent is None and "." in path):
            continue
        shape = _OBJECTS[path]() if var.kind is VariableKind.OBJECT else _variable_shape(var)
        fields.append(
            Field(
                var.name,
                shape,
                required=path in _CASE_REQUIRED,
                title=_CASE_TITLES.get(var.name, ""),
                description=_CASE_DESCRIPTIONS.get(var.name, ""),
            )
        )
    return tuple(fields)


def _exam() -> Obj:
    return Obj(
        "neurological_exam",
        _fields("neurological_exam"),
        NeurologicalExam,
        docs=NeurologicalExam,
        description=(
            "Findings of the neurological examination for suspected LRS (pain distribution, "
            "fingertip-to-floor distance, Lasègue tests, muscle strength, sensibility, "
            "reflexes); null when it was not done. Fields other than mrc_lowest default to "
            "false/null (not found, not measured)."
        ),
        partial=True,
        nullable=True,
    )


def _sbst() -> Obj:
    return Obj(
        "sbst",
        _fields("sbst"),
        Sbst,
        docs=Sbst,
        description=(
            "StarT Back Screening Tool scores; null when the tool was not used. The SBST "
            "supports the choice of profile but never decides it. The library also checks "
            "that psychosocial is at most total, which this schema cannot express."
        ),
        partial=True,
        nullable=True,
    )


_OBJECTS: Final = {"neurological_exam": _exam, "sbst": _sbst}


def _const(name: str, value: object) -> dict[str, Any]:
    return {"properties": {name: {"const": value}}, "required": [name]}


def _case_rules() -> dict[str, Any]:
    follow_up = Consultation.FOLLOW_UP.value
    return {
        "allOf": [
            {
                "description": (
                    "At an initial consultation the follow-up fields describe nothing yet: "
                    "they must be absent or null."
                ),
                "if": _const("consultation", Consultation.INITIAL.value),
                "then": {"properties": {name: {"type": "null"} for name in FOLLOW_UP_FIELDS}},
            },
            {
                "description": (
                    "At a follow-up the weeks since the start of treatment, the sessions used "
                    "(at least 1: the initial consultation was one) and the improvement are "
                    "required."
                ),
                "if": _const("consultation", follow_up),
                "then": {
                    "required": list(REQUIRED_AT_FOLLOW_UP),
                    "properties": {
                        "weeks_since_start": {"type": "integer"},
                        "sessions_used": {"type": "integer", "minimum": 1},
                        "improvement": {"type": "string"},
                    },
                },
            },
            {
                "description": (
                    "Responsiveness is assessed, and lrs_diagnosed_earlier given, for LRS only."
                ),
                "if": _const("lrs", False),
                "then": {
                    "properties": {
                        "responsiveness": {"type": "null"},
                        "lrs_diagnosed_earlier": {"type": "null"},
                    }
                },
            },
            {
                "description": (
                    "At a follow-up of an LRS patient, whether LRS was diagnosed at an earlier "
                    "consultation is required."
                ),
                "if": {
                    "properties": {
                        "consultation": {"const": follow_up},
                        "lrs": {"const": True},
                    },
                    "required": ["consultation", "lrs"],
                },
                "then": {
                    "required": ["lrs_diagnosed_earlier"],
                    "properties": {"lrs_diagnosed_earlier": {"type": "boolean"}},
                },
            },
            {
                "description": (
                    "Additional competencies apply only to exercise therapists (Cesar/Mensendieck)."
                ),
                "if": _const("discipline", Discipline.PHYSICAL_THERAPIST.value),
                "then": {"properties": {"additional_competencies": {"const": False}}},
            },
        ]
    }


CASE: Final = Obj(
    "",
    (_VERSION, *_fields(None)),
    Case,
    docs=Case,
    description=(
        "One patient with low back pain at one consultation with a physical or exercise "
        "therapist: the input of the KNGF 2021 guideline on low back pain and lumbosacral "
        "radicular syndrome (LRS). Optional fields left out take their default (false, "
        "empty, or null). Checked by the library but not expressible in this schema: "
        "sbst.psychosocial at most sbst.total, complaint_duration_weeks at least "
        "weeks_since_start, and no duplicate keys in an object."
    ),
    partial=True,
    schema_rules=_case_rules(),
)
"""The shape of a case document."""


# -- plain case documents, read once -------------------------------------------------------

_NO: Final = object()
"""Not a plain value: the general reader decides (and names the problems)."""
_NOTHING: Final = frozenset[enum.Enum]()


def _plain_reader(shape: Shape) -> Callable[[object], object]:
    """What ``shape.read`` gives for a value it accepts without a problem, else :data:`_NO`.

    Only the plainest spellings are taken (an integer as an ``int``, a set as a
    list of distinct names); anything else is left to the general reader.
    Ranges and cross-field rules are the case's own checks, run on the result.
    """
    nullable = shape.nullable
    if isinstance(shape, Boolean):
        return lambda raw: raw if raw is True or raw is False or (raw is None and nullable) else _NO
    if isinstance(shape, Integer):
        return lambda raw: (
            raw
            if (type(raw) is int and -_BIG <= raw <= _BIG) or (raw is None and nullable)
            else _NO
        )
    if isinstance(shape, Number):

        def number(raw: object) -> object:
            kind = type(raw)
            if kind is float and math.isfinite(raw):  # type: ignore[arg-type]
                return raw
            if kind is int and -_BIG <= raw <= _BIG:  # type: ignore[operator]
                return float(raw)  # type: ignore[arg-type]
            return None if raw is None and nullable else _NO

        return number
    if isinstance(shape, Choice):
        members = shape._members

        def choice(raw: object) -> object:
            if type(raw) is str:
                return members.get(raw, _NO)
            return None if raw is None and nullable else _NO

        return choice
    if isinstance(shape, SetOf):
        assert not shape.ordered
        names = shape._members

        def set_of(raw: object) -> object:
            if type(raw) is not list:
                return _NO
            if not raw:
                return _NOTHING
            seen = dict.fromkeys(names.get(item) if type(item) is str else None for item in raw)
            if None in seen or len(seen) != len(raw):
                return _NO
            return frozenset(seen)  # as the general reader builds it: the same iteration order

        return set_of
    if isinstance(shape, EnumMap):
        keys, read_value = shape._members, _plain_reader(shape.value)

        def enum_map(raw: object) -> object:
            if type(raw) is not dict:
                return _NO
            out = {}
            for key, item in raw.items():
                member = keys.get(key) if type(key) is str else None
                value = read_value(item)
                if member is None or value is _NO:
                    return _NO
                out[member] = value
            return out

        return enum_map
    assert isinstance(shape, Obj), shape
    return _plain_object(shape)


def _plain_object(shape: Obj) -> Callable[[object], object]:
    """The plain reader of a part (an object shape): its fields read plainly, its checks run."""
    names: dict[str, object] = {"_Part": shape.build}
    lines = [
        "def read(obj):",
        "    if type(obj) is not dict:",
        f"        return None if obj is None and {shape.nullable} else _NO",
        "    get = obj.get",
        "    left = len(obj)",
        "    part = _new(_Part)",
        *_field_lines(shape, "part", "_NO", names),
        "    if left: return _NO",
        "    return _NO if part.problems() else part",
    ]
    reader: Callable[[object], object] = _compiled(
        "\n".join(lines), names, "read", f"<lbp_spec plain {shape.name} reader>"
    )
    return reader


def _compiled(source: str, names: dict[str, object], name: str, where: str) -> Any:
    """The function ``name`` that ``source`` defines over ``names`` (and the readers' names)."""
    namespace: dict[str, object] = {
        "_new": object.__new__,
        "_set": object.__setattr__,
        "_NO": _NO,
        "_BIG": _BIG,
        **names,
    }
    exec(compile(source, where, "exec"), namespace)
    return namespace[name]


def _field_lines(shape: Obj, target: str, fail: str, names: dict[str, object]) -> list[str]:
    """Source reading each field of ``shape`` plainly from ``get`` into ``target``.

    A field left out takes its default, as construction gives it; a value that is
    not plain, or a missing required field, returns ``fail``. ``left`` counts the
    keys not yet read (a key of no field is then left over).
    """
    built = {name: (default, convert) for name, default, convert in construction(shape.build)}  # type: ignore[arg-type]
    lines = []
    for k, field in enumerate(f for f in shape.fields if f.arg):
        field_shape, name = field.shape, field.name
        default, convert = built[name]
        names[f"_D{k}"] = default
        lines.append(f"    v = get({name!r}, _NO)")
        lines.append("    if v is _NO:")
        lines.append(f"        return {fail}" if field.required else f"        v = _D{k}")
        lines.append("    else:")
        none = " or v is None" if field_shape.nullable else ""
        if isinstance(field_shape, Boolean):
            lines.append(f"        if not (v is True or v is False{none}): return {fail}")
        elif isinstance(field_shape, Integer):
            lines.append(
                f"        if not ((type(v) is int and -_BIG <= v <= _BIG){none}): return {fail}"
            )
        elif isinstance(field_shape, Choice):
            names[f"_M{k}"] = field_shape._members
            lines.append("        if type(v) is str:")
            lines.append(f"            v = _M{k}.get(v, _NO)")
            lines.append(f"            if v is _NO: return {fail}")
            lines.append(
                f"        elif v is not None: return {fail}"
                if field_shape.nullable
                else f"        else: return {fail}"
            )
        else:  # a number, set, map or part: its plain reader
            names[f"_R{k}"] = _plain_reader(field_shape)
            lines.append(f"        v = _R{k}(v)")
            lines.append(f"        if v is _NO: return {fail}")
        if convert is not None:
            names[f"_C{k}"] = convert
            lines.append(f"        v = _C{k}(v)")
        lines.append("        left -= 1")
        lines.append(f"    _set({target}, {name!r}, v)")
    return lines


_PLAIN_CHECKS: Final = field_checks(
    f.name for f in CASE.fields if f.arg and isinstance(f.shape, Integer | Number)
)
"""The case's checks a plain reading leaves to do: the ranges (a plainly read boolean,
vocabulary value, set or map has the type its check asks for; a default is valid)."""


def _plain_case_source() -> tuple[str, dict[str, object]]:
    """The source of :func:`plain_case`, straight-line over the case's fields, and its names."""
    names: dict[str, object] = {
        "_Case": Case,
        "_VERSION": CONTRACT_VERSION,
        "_problems": problems_of,
        "_CHECKS": _PLAIN_CHECKS,
    }
    lines = [
        "def plain_case(obj, id_problem):",
        "    if type(obj) is not dict: return None",
        "    get = obj.get",
        "    if get('contract_version') != _VERSION: return None",
        "    left = len(obj) - 1",
        "    if 'id' in obj:",
        "        if id_problem(obj) is not None: return None",
        "        left -= 1",
        "    case = _new(_Case)",
        *_field_lines(CASE, "case", "None", names),
        "    if left: return None",
        "    return None if _problems(case, _CHECKS) else case",
    ]
    return "\n".join(lines), names


def _compile_plain_case() -> Callable[[object, Callable[[dict[str, Any]], object]], Case | None]:
    source, names = _plain_case_source()
    reader = _compiled(source, names, "plain_case", "<lbp_spec plain case reader>")
    reader.__doc__ = _PLAIN_CASE_DOC
    return reader  # type: ignore[no-any-return]


_PLAIN_CASE_DOC: Final = """The case of a plain, valid case document, read once; else ``None``.

A plain document is a JSON object of this contract version whose every value
has its plainest spelling (see :func:`_plain_reader`), with an ``id`` only if
``id_problem`` finds none in it, and no other key. Its fields are read in one
pass straight into a case, which is then checked by the checks construction
runs that the reading leaves to do (:data:`_PLAIN_CHECKS`: the ranges, the
contradictions). ``None`` means: read the document with ``CASE.read``, which
names every problem; whatever this reader accepts, that one accepts too, into an
equal case. Compiled from the case's fields (:func:`_plain_case_source`).
"""

plain_case: Final = _compile_plain_case()


# -- the partial case ----------------------------------------------------------------------


@attrs.frozen
class _Path(Shape):
    """A field path of :data:`~lbp_spec.partial_case.UNKNOWN_PATHS` (checked by the builder)."""

    nullable: bool = False

    def read(self, raw: object, problems: list[Problem]) -> object:
        if isinstance(raw, str):
            return raw
        problems.append(Problem("", f"must be a field path (a string), got {show(raw)}"))
        return BAD

    def dump(self, value: Any) -> object:
        return value

    def schema(self, defs: dict[str, JsonSchema]) -> JsonSchema:
        return {"type": "string", "enum": list(UNKNOWN_PATHS)}


def _given(**fields: object) -> dict[str, object]:
    return fields


def _lifted(shape: Obj) -> Obj:
    """The same object with no field required and the recorded fields kept as a mapping."""
    fields = tuple(attrs.evolve(f, required=False) for f in shape.fields if f.arg)
    return attrs.evolve(shape, fields=fields, build=_given, partial=True, schema_rules={})


def _missing(unknown: tuple[str, ...], given: dict[str, object]) -> list[Problem]:
    """Fields a complete case must give that are neither given nor named unknown."""
    problems = []
    for field in CASE.fields[1:]:
        if field.name in unknown:
            continue
        if field.required and field.name not in given:
            problems.append(Problem(field.name, "is required (or name it in unknown)"))
        value = given.get(field.name)
        shape = field.shape
        if isinstance(shape, Obj) and isinstance(value, dict):
            for child in shape.fields:
                path = f"{field.name}.{child.name}"
                if child.required and child.name not in value and path not in unknown:
                    problems.append(Problem(path, "is required (or name it in unknown)"))
    return problems


def _partial_case(**given: object) -> PartialCase:
    unknown = given.pop("unknown", ())
    readable = unknown is not BAD
    if not readable:
        unknown = ()  # its problems are reported; check the rest without it
    assert isinstance(unknown, tuple)
    fields = {k: v for k, v in given.items() if v is not BAD}
    problems = _missing(unknown, fields) if readable else []
    try:
        partial = PartialCase.from_given(fields, unknown)
    except InvalidCaseError as error:
        problems.extend(error.problems)
    if problems:
        raise InvalidCaseError(problems)
    return partial


def _partial_fields() -> tuple[Field, ...]:
    out = []
    for field in CASE.fields[1:]:
        shape = _lifted(field.shape) if isinstance(field.shape, Obj) else field.shape
        out.append(attrs.evolve(field, shape=shape, required=False))
    return tuple(out)


PARTIAL_CASE: Final = Obj(
    "",
    (
        _VERSION,
        Field(
            "unknown",
            ListOf(_Path(), unique=True),
            required=True,
            description=(
                "The inputs that are not known, by field path: a field (mechanical_problem), "
                "an optional part as a whole (neurological_exam: whether it was done and every "
                "finding), one finding of a part that is given (neurological_exam.mrc_lowest), "
                "one member of a set (red_flags.fracture) or one prognostic factor "
                "(prognostic_factors.leg_pain). A field named here must be left out; every "
                "other field is as in a case document (left out: its default)."
            ),
        ),
        *_partial_fields(),
    ),
    _partial_case,
    docs=Case,
    description=(
        "A case with some inputs not known: a case document that names its unknown inputs. "
        "The advice for it is what holds for every valid case that completes it "
        "(lbp_spec.evaluate_partial). Checked by the library but not expressible in this "
        "schema: the fields a case requires are required unless named unknown; a field named "
        "unknown is not also given; the cross-field rules of a case hold among the known "
        "fields, and some valid case completes the known ones."
    ),
    partial=True,
)
"""The shape of a partial case document: a case document with ``unknown``."""


# -- the advice ----------------------------------------------------------------------------


def _ordered(kind: type[enum.Enum]) -> SetOf:
    return SetOf(kind, ordered=True)


def _examination(
    required: bool,
    components: tuple[ExamComponent, ...],
    positive_findings: tuple[ExamComponent, ...],
) -> NeurologicalExamination:
    if required != bool(components):
        raise InvalidCaseError(
            [
                Problem(
                    "required",
                    "must be true exactly when components are listed, "
                    f"got {str(required).lower()} with {len(components)} component(s)",
                )
            ]
        )
    return NeurologicalExamination(components, positive_findings)


_EXAMINATION: Final = Obj(
    "neurological_examination",
    (
        Field("required", Boolean(), required=True),
        Field("components", _ordered(ExamComponent), required=True),
        Field("positive_findings", _ordered(ExamComponent), required=True),
    ),
    _examination,
    docs=NeurologicalExamination,
    description="The neurological examination the guideline asks for, and its positive findings.",
    schema_rules={
        "if": {"properties": {"required": {"const": True}}},
        "then": {"properties": {"components": {"minItems": 1}}},
        "else": {"properties": {"components": {"maxItems": 0}}},
    },
)

_REFERRAL: Final = Obj(
    "referral",
    (
        Field("to", Choice(ReferralTarget), required=True),
        Field(
            "urgency",
            Choice(Urgency),
            required=True,
            description=(
                "immediate where the text makes it an emergency; not_stated where the guideline "
                "states no urgency (the therapist judges it; it does not mean the referral can "
                "wait)."
            ),
        ),
        Field(
            "mode",
            Choice(ReferralMode),
            required=True,
            description=(
                "instead_of_treatment: the referral replaces the physical or exercise therapy, "
                "so the advice then plans no treatment (no intervention permitted, no session "
                "limit, no recheck or evaluation window); alongside_treatment: the GP is asked "
                "about one matter (the medication dose) and the treatment goes on."
            ),
        ),
    ),
    Referral,
    docs=Referral,
    description="A referral of the patient (back) to the general practitioner.",
    nullable=True,
)

_INTERVENTION: Final = Obj(
    "intervention_advice",
    (
        Field("strength", Choice(Strength), required=True),
        Field("rules", ListOf(String(), unique=True)),
    ),
    InterventionAdvice,
    docs=InterventionAdvice,
    description=(
        "The strength of the recommendation about one intervention, on the scale "
        "do > offer > consider > not_indicated > preferably_not > do_not (the first three "
        "permit, the last two forbid), and the rules that set it (informative)."
    ),
)

_TRACE: Final = Obj(
    "trace_entry",
    (
        Field("rule", String(), required=True),
        Field("section", Choice(Section), required=True),
    ),
    TraceEntry,
    docs=TraceEntry,
    description="A rule whose condition held for the case.",
)

_RESOLUTION: Final = Obj(
    "applied_resolution",
    tuple(
        Field(name, String(), required=True) for name in ("resolution", "winner", "loser", "slot")
    ),
    AppliedResolution,
    docs=AppliedResolution,
    description="A declared resolution that decided a collision between two rules for this case.",
)

_ADVICE_FIELDS: Final = (
    _VERSION,
    Field("physiotherapy_indicated", Boolean(), required=True),
    Field("referral", _REFERRAL, required=True),
    Field("consult_general_practitioner", Boolean(), required=True, title="Consult the GP"),
    Field(
        "profile",
        Integer(1, 3, nullable=True),
        required=True,
        description=(
            "Treatment profile: 1, low risk of persistent complaints (no dominant prognostic "
            "factors; at most three sessions); 2, moderate risk (some non-dominant factors); "
            "3, high risk (dominant factors). Null when the patient has no need for "
            "assistance or is referred for a red flag, an emergency sign or severe LRS; "
            "still given when a follow-up ends in a referral."
        ),
    ),
    Field("neurological_examination", _EXAMINATION, required=True),
    Field(
        "recheck_after_days",
        Pair(Window, nullable=True),
        required=True,
        description=(
            "When to check the patient again, in days, as [low, high] (e.g. [2, 4]); null "
            "when no recheck is asked."
        ),
    ),
    Field(
        "reevaluation_after_weeks",
        Pair(Window, nullable=True),
        required=True,
        description=(
            "When to re-evaluate, in weeks since the start of treatment, as [low, high]; "
            "high null means 'after at least low weeks' (e.g. [3, null]); null when no "
            "re-evaluation is scheduled."
        ),
    ),
    Field(
        "lrs_evaluation_after_weeks",
        Pair(Window, nullable=True),
        required=True,
        description=(
            "LRS: when to evaluate whether the complaints persist, in weeks since the "
            "complaints began (not since the start of treatment), as [low, high] ([6, 8]); "
            "null when not treated for LRS."
        ),
    ),
    Field(
        "session_limit",
        Integer(1, None, nullable=True),
        required=True,
        description=(
            "Maximum number of sessions (3 in profile 1); null when not limited or when a "
            "referral replaces the treatment."
        ),
    ),
    Field(
        "interventions",
        EnumMap(Intervention, _INTERVENTION, "intervention", all_required=True),
        required=True,
        description="Every intervention the guideline grades, with its strength.",
    ),
    Field("education", _ordered(EducationTopic), required=True),
    Field("safety_net_advice", _ordered(SafetyNetTopic), required=True),
    Field("exercise_guidance", _ordered(ExerciseGuidance), required=True),
    Field("behaviour_guidance", _ordered(BehaviourGuidance), required=True),
    Field("evaluation_actions", _ordered(EvaluationAction), required=True),
    Field("warnings", _ordered(AdviceWarning), required=True),
    Field(
        "trace",
        ListOf(_TRACE),
        description="Rules whose condition held, in rule-set order (informative).",
    ),
    Field(
        "resolutions",
        ListOf(_RESOLUTION),
        description="Declared resolutions that decided a collision here (informative).",
    ),
)

ADVICE: Final = Obj(
    "",
    _ADVICE_FIELDS,
    Advice,
    docs=Advice,
    description=(
        "What the KNGF 2021 guideline on low back pain and LRS says for one case. Two "
        "implementations agree when their advices are equal without the informative parts "
        "(trace, resolutions, and each intervention's rules). Checked by the library but not "
        "expressible in this schema: in a window [low, high], high is at least low; no "
        "duplicate keys in an object."
    ),
)
"""The shape of an advice document."""


# -- the advice as compact JSON text -------------------------------------------------------

compact_json: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``: one line of batch output."""

_VALUE_CLASSES: Final = (
    Referral,
    NeurologicalExamination,
    InterventionAdvice,
    TraceEntry,
    AppliedResolution,
    Window,
)
_CACHED_TEXTS: Final = 4096
"""Texts kept per advice field; the cache starts afresh when full (memory stays bounded)."""


def _immutable(value: object) -> bool:
    """Whether ``value`` can never change: scalars, vocabulary, tuples and advice values of them."""
    if value is None or type(value) in (bool, int, str) or isinstance(value, enum.Enum):
        return True
    if type(value) is tuple:
        return all(_immutable(item) for item in value)
    if type(value) in _VALUE_CLASSES:
        fields = attrs.fields(type(value))  # type: ignore[arg-type]
        return all(_immutable(getattr(value, a.name)) for a in fields)
    return False


def _cached(dump: Callable[[Any], object]) -> Callable[[object], str]:
    """The compact text of ``dump(value)``, kept per immutable value object (by identity).

    The cache holds the value itself, so that its ``id`` is not reused while
    the text is kept; a value that could change (a list) is encoded every time.
    """
    texts: dict[int, tuple[object, str]] = {}

    def text(value: object) -> str:
        hit = texts.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        out: str = compact_json(dump(value))
        if _immutable(value):
            if len(texts) >= _CACHED_TEXTS:
                texts.clear()
            texts[id(value)] = (value, out)
        return out

    return text


def _text_of(shape: Shape) -> Callable[[Any], str]:
    """Writes what ``compact_json(shape.dump(value))`` writes, reusing immutable parts' texts."""
    dump = shape.dump
    if isinstance(shape, Boolean):
        return lambda v: "true" if v is True else "false" if v is False else compact_json(dump(v))
    if isinstance(shape, Integer):
        return lambda v: (
            "null" if v is None else int.__repr__(v) if type(v) is int else compact_json(dump(v))
        )
    if isinstance(shape, EnumMap):
        keys = tuple((m, compact_json(m.value) + ":") for m in shape.keys)
        item = _cached(shape.value.dump)
        return lambda v: "{" + ",".join([k + item(v[m]) for m, k in keys if m in v]) + "}"
    if isinstance(shape, ListOf):
        item = _cached(shape.item.dump)
        return lambda v: "[" + ",".join([item(x) for x in v]) + "]"
    return _cached(dump)


def _advice_text_source() -> tuple[str, dict[str, object]]:
    """The source of :func:`advice_text`, straight-line over the advice's fields, and its names."""
    attributes = [f for f in ADVICE.fields if f.get is None]
    names: dict[str, object] = {"_values": operator.attrgetter(*(f.name for f in attributes))}
    locals_ = {f.name: f"x{k}" for k, f in enumerate(attributes)}
    parts = []
    for k, field in enumerate(ADVICE.fields):
        key = compact_json(field.name) + ":"
        text = _text_of(field.shape)
        names[f"_T{k}"] = text
        if field.name in locals_:
            value = locals_[field.name]
        else:
            names[f"_G{k}"] = field.value_of
            value = f"_G{k}(advice)"
        if isinstance(field.shape, Boolean):
            written = (
                f'("true" if {value} is True else "false" if {value} is False else _T{k}({value}))'
            )
        else:
            written = f"_T{k}({value})"
        parts.append(f"{('{' if k == 0 else ',') + key!r}, {written}")
    lines = [
        "def advice_text(advice):",
        f"    {', '.join(locals_.values())}, = _values(advice)",
        "    return ''.join((",
        *(f"        {part}," for part in parts),
        "        '}',",
        "    ))",
    ]
    return "\n".join(lines), names


def _compile_advice_text() -> Callable[[Advice], str]:
    source, names = _advice_text_source()
    exec(compile(source, "<lbp_spec advice writer>", "exec"), names)
    writer: Any = names["advice_text"]
    writer.__doc__ = _ADVICE_TEXT_DOC
    return writer  # type: ignore[no-any-return]


_ADVICE_TEXT_DOC: Final = """The canonical JSON of ``advice`` as compact text (``compact_json``'s).

The same text as ``compact_json(ADVICE.dump(advice))``, written without building
the value first: the texts of the advice's immutable parts (a trace entry, an
intervention's advice, a window) are written once and reused. Compiled from the
advice's fields (:func:`_advice_text_source`).
"""

advice_text: Final = _compile_advice_text()


def _check_case_fields() -> None:
    names = tuple(f.name for f in CASE.fields[1:])
    expected = tuple(a.name for a in attrs.fields(Case))
    assert names == expected, f"VARIABLES and Case disagree: {names} != {expected}"


_check_case_fields()
