"""The case: one patient at one consultation, as frozen, validated attrs values.

Construction validates everything at once: a case that is malformed, out of range
or self-contradictory raises a single :class:`~lbp_spec.errors.InvalidCaseError`
listing every problem by its field path. A constructed case is therefore always
valid, and the evaluator trusts it.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from lbp_spec.errors import InvalidCaseError, Problem
from lbp_spec.vocabulary import (
    Consultation,
    Discipline,
    EmergencySign,
    FactorLevel,
    Improvement,
    MassageCriterion,
    PrognosticFactor,
    RedFlag,
    Responsiveness,
)

__all__ = [
    "FINGERTIP_FLOOR_MAX_CM",
    "FOLLOW_UP_FIELDS",
    "REQUIRED_AT_FOLLOW_UP",
    "Case",
    "NeurologicalExam",
    "Sbst",
    "field_problem",
]

FINGERTIP_FLOOR_MAX_CM: Final = 200.0
"""Upper bound of a plausible fingertip-to-floor distance (a plausibility check of
the contract, not a clinical threshold)."""

FOLLOW_UP_FIELDS: Final = (
    "weeks_since_start",
    "sessions_used",
    "improvement",
    "reevaluation_new_insights",
    "adjustment_expected_to_suffice",
    "lrs_diagnosed_earlier",
)
"""Fields that describe a follow-up consultation and must be absent at the initial one."""

REQUIRED_AT_FOLLOW_UP: Final = ("weeks_since_start", "sessions_used", "improvement")


# -- field checks -------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_bool(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, got {value!r}"


def _check_int(lo: int, hi: int | None) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if not _is_int(value):
            return f"must be an integer, got {value!r}"
        assert isinstance(value, int)
        if value < lo or (hi is not None and value > hi):
            allowed = f"{lo} or more" if hi is None else f"{lo} to {hi}"
            return f"must be {allowed}, got {value}"
        return None

    return check


def _check_enum(kind: type[enum.Enum]) -> Callable[[object], str | None]:
    allowed = ", ".join(m.value for m in kind)

    def check(value: object) -> str | None:
        if isinstance(value, kind):
            return None
        return f"must be one of {allowed}; got {_show(value)}"

    return check


def _show(value: object) -> str:
    return repr(value.value) if isinstance(value, enum.Enum) else repr(value)


def _optional(check: Callable[[object], str | None]) -> Callable[[object], str | None]:
    def optional(value: object) -> str | None:
        return None if value is None else check(value)

    return optional


def _collect(obj: Any, checks: Mapping[str, Callable[[object], str | None]]) -> list[Problem]:
    problems = []
    for name, check in checks.items():
        message = check(getattr(obj, name))
        if message is not None:
            problems.append(Problem(name, message))
    return problems


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise InvalidCaseError(problems)


# -- parts of a case ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NeurologicalExam:
    """Findings of the neurological examination for suspected LRS.

    Attributes:
        dermatomal_pain: The pain distribution follows a dermatome.
        fingertip_floor_cm: Fingertip-to-floor distance bending forward with
            straight knees, in cm; ``None`` when not measured.
        lasegue: Lasègue test (passive straight leg raise) positive.
        crossed_lasegue: Crossed Lasègue test positive.
        reversed_lasegue: Reversed Lasègue test positive.
        mrc_lowest: MRC grade (0-5) of the weakest key muscle; 5 is normal.
        dermatomal_sensory_loss: Vital or gnostic sensibility diminished in a
            dermatome.
        diminished_tendon_reflexes: The Achilles or knee tendon reflex is
            diminished (a sign of nerve root involvement).
        extensor_plantar_response: The plantar reflex (sole of the foot) is an
            extensor response (Babinski sign): a pyramidal sign, so a possible
            sign of a neurological emergency. A plantar reflex is never
            entered as diminished.

    """

    dermatomal_pain: bool = False
    fingertip_floor_cm: float | None = None
    lasegue: bool = False
    crossed_lasegue: bool = False
    reversed_lasegue: bool = False
    mrc_lowest: int = 5
    dermatomal_sensory_loss: bool = False
    diminished_tendon_reflexes: bool = False
    extensor_plantar_response: bool = False

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of this examination, paths relative to it."""
        return _collect(self, _EXAM_CHECKS)


def _check_cm(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number of centimetres, got {value!r}"
    if not math.isfinite(value) or not 0 <= value <= FINGERTIP_FLOOR_MAX_CM:
        return f"must be 0 to {FINGERTIP_FLOOR_MAX_CM:g} cm, got {value}"
    return None


_EXAM_CHECKS: Final[Mapping[str, Callable[[object], str | None]]] = {
    "dermatomal_pain": _check_bool,
    "fingertip_floor_cm": _optional(_check_cm),
    "lasegue": _check_bool,
    "crossed_lasegue": _check_bool,
    "reversed_lasegue": _check_bool,
    "mrc_lowest": _check_int(0, 5),
    "dermatomal_sensory_loss": _check_bool,
    "diminished_tendon_reflexes": _check_bool,
    "extensor_plantar_response": _check_bool,
}


@attrs.frozen(kw_only=True)
class Sbst:
    """StarT Back Screening Tool scores.

    Attributes:
        total: Total score, 0-9.
        psychosocial: Psychosocial subscale score, 0-5; part of the total.

    """

    total: int
    psychosocial: int

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of these scores, paths relative to them."""
        problems = _collect(self, _SBST_CHECKS)
        if not problems and self.psychosocial > self.total:
            problems.append(
                Problem(
                    "psychosocial",
                    f"the psychosocial subscore ({self.psychosocial}) cannot exceed "
                    f"the total ({self.total}) it is part of",
                )
            )
        return problems


_SBST_CHECKS: Final[Mapping[str, Callable[[object], str | None]]] = {
    "total": _check_int(0, 9),
    "psychosocial": _check_int(0, 5),
}


# -- the case ---------------------------------------------------------------------------


def _frozen_set(value: Any) -> Any:
    if isinstance(value, set | list | tuple):
        try:
            return frozenset(value)
        except TypeError:  # unhashable members: left for validation to report
            return tuple(value)
    return value


def _frozen_map(value: Any) -> Any:
    return _FrozenFactors(value) if isinstance(value, dict) else value


class _FrozenFactors(dict[PrognosticFactor, FactorLevel]):
    """A dict that refuses mutation, so that a case stays a value.

    It stays a real dict (look-ups in the evaluator run at C speed); every
    mutating method is blocked, and copying or pickling rebuilds it whole.
    """

    def _immutable(self, *args: object, **kwargs: object) -> Any:
        raise TypeError("prognostic_factors of a case are immutable; build a new Case")

    __setitem__ = __delitem__ = __ior__ = _immutable
    clear = pop = popitem = setdefault = update = _immutable

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_FrozenFactors, (dict(self),))

    def __copy__(self) -> _FrozenFactors:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> _FrozenFactors:
        return self


def _check_members(kind: type[enum.Enum]) -> Callable[[object], str | None]:
    member = _check_enum(kind)

    def check(value: object) -> str | None:
        if not isinstance(value, frozenset):
            return f"must be a set of {kind.__name__} values, got {value!r}"
        for item in value:
            message = member(item)
            if message is not None:
                return f"each item {message}"
        return None

    return check


_CHECK_FACTOR: Final = _check_enum(PrognosticFactor)
_CHECK_LEVEL: Final = _check_enum(FactorLevel)


def _check_factors(value: object) -> str | None:
    if not isinstance(value, dict):
        return f"must map prognostic factors to levels, got {value!r}"
    for key, item in value.items():
        message = _CHECK_FACTOR(key) or _CHECK_LEVEL(item)
        if message is not None:
            return f"{_show(key)}: {message}"
    return None


@attrs.frozen(kw_only=True)
class Case:
    """One patient at one consultation: the input of the guideline.

    The defaults describe a plain patient: a first consultation with a physical
    therapist, a need for assistance, no findings at all.

    Attributes:
        consultation: Initial consultation or follow-up.
        discipline: Physical therapist or exercise therapist (Cesar/Mensendieck).
        additional_competencies: An exercise therapist trained in the
            non-exercise interventions (only meaningful for exercise therapists).
        need_for_assistance: Limitations in activities of daily living or social
            participation based on movement-related functioning.
        red_flags: Signs that could indicate a fracture, infection, tumour or
            inflammatory condition.
        neurological_emergency_signs: Possible signs of a neurological emergency.
        lrs: The therapist's working diagnosis of lumbosacral radicular syndrome.
        symptoms_below_knee: Symptoms radiate below the knee.
        neurological_exam: Findings of the neurological examination, if done.
        nprs: Pain intensity on the Numeric Pain Rating Scale, 0-10.
        prognostic_factors: Each present prognostic factor with its level.
        sbst: StarT Back Screening Tool scores, if used.
        mechanical_problem: The problem is mechanical in nature, due to
            disorders within the neuromusculoskeletal system.
        massage_criteria: The conditions of the massage recommendation that hold.
        responsiveness: Responsiveness of the complaints (LRS only).
        complaint_duration_weeks: How long the complaints have lasted, in whole
            weeks since they began (not since the start of treatment); ``None``
            when not known. At a follow-up at least ``weeks_since_start``.
        pain_alleviation: The alleviation of pain so far, adequate or
            inadequate, as the patient judges it with the therapist; ``None``
            when not judged. Read for LRS, with loss_of_function_decrease.
        loss_of_function_decrease: The decrease of loss of function so far (for
            LRS: weakness, sensory loss, reflexes, and the limitations they
            cause), adequate or inadequate; ``None`` when not judged.
        weeks_since_start: Follow-up only: weeks since the start of treatment.
        sessions_used: Follow-up only: sessions held before this consultation
            (the initial consultation included), so at least 1.
        improvement: Follow-up only: adequate or inadequate decrease of complaints.
        reevaluation_new_insights: Follow-up only: the re-evaluation yielded new
            insights. ``None``: not answered (the re-evaluation has not been
            done), which never leads to a referral.
        adjustment_expected_to_suffice: Follow-up only: an adjustment of the
            profile or treatment is expected to be sufficient. ``None``: not
            answered, which never leads to a referral.
        lrs_diagnosed_earlier: Follow-up with LRS only, and then required: LRS
            was already the working diagnosis at an earlier consultation, so
            its check after two to four days was advised there and is not
            advised again.
        medication_dose_doubt: Any consultation: doubt whether the medication
            dosage is high enough. ``None`` reads as no doubt.

    """

    consultation: Consultation = Consultation.INITIAL
    discipline: Discipline = Discipline.PHYSICAL_THERAPIST
    additional_competencies: bool = False
    need_for_assistance: bool = True
    red_flags: frozenset[RedFlag] = attrs.field(default=frozenset(), converter=_frozen_set)
    neurological_emergency_signs: frozenset[EmergencySign] = attrs.field(
        default=frozenset(), converter=_frozen_set
    )
    lrs: bool = False
    symptoms_below_knee: bool = False
    neurological_exam: NeurologicalExam | None = None
    nprs: int = 0
    prognostic_factors: Mapping[PrognosticFactor, FactorLevel] = attrs.field(
        factory=dict, converter=_frozen_map
    )
    sbst: Sbst | None = None
    mechanical_problem: bool = False
    massage_criteria: frozenset[MassageCriterion] = attrs.field(
        default=frozenset(), converter=_frozen_set
    )
    responsiveness: Responsiveness | None = None
    complaint_duration_weeks: int | None = None
    pain_alleviation: Improvement | None = None
    loss_of_function_decrease: Improvement | None = None
    weeks_since_start: int | None = None
    sessions_used: int | None = None
    improvement: Improvement | None = None
    reevaluation_new_insights: bool | None = None
    adjustment_expected_to_suffice: bool | None = None
    lrs_diagnosed_earlier: bool | None = None
    medication_dose_doubt: bool | None = None

    def __attrs_post_init__(self) -> None:
        _raise_if(self.problems())

    def problems(self) -> list[Problem]:
        """Every problem of this case: types, ranges and contradictions."""
        return problems_of(self, _CASE_CHECKS)

    @property
    def is_follow_up(self) -> bool:
        """Whether this is a follow-up consultation."""
        return self.consultation is Consultation.FOLLOW_UP


def problems_of(case: Case, checks: Mapping[str, Callable[[object], str | None]]) -> list[Problem]:
    """The problems of ``case`` with only ``checks`` of its fields on their own (by name).

    :meth:`Case.problems` runs every field's check; a reader that has already
    established some fields' types passes the checks still needed (those of
    :func:`field_checks`). The parts' types and the contradictions are always checked.
    """
    problems = _collect(case, checks)
    for name, kind in (("neurological_exam", NeurologicalExam), ("sbst", Sbst)):
        value = getattr(case, name)
        if value is not None and not isinstance(value, kind):
            problems.append(Problem(name, f"must be a {kind.__name__} or None"))
    bad = {p.path for p in problems}
    problems.extend(contradictions({f: getattr(case, f) for f in _CROSS_FIELDS if f not in bad}))
    return problems


def field_checks(names: Iterable[str]) -> dict[str, Callable[[object], str | None]]:
    """The case's own checks of the fields ``names``, for :func:`problems_of`."""
    return {name: _CASE_CHECKS[name] for name in names}


def construction(cls: type) -> tuple[tuple[str, object, Callable[[Any], Any] | None], ...]:
    """Each field of ``cls`` (a case or a part) with its default and converter, as built."""
    return _CONSTRUCTION[cls]


def _defaults(cls: type) -> tuple[tuple[str, object, Callable[[Any], Any] | None], ...]:
    out = []
    for a in attrs.fields(cls):
        default = a.default.factory() if isinstance(a.default, attrs.Factory) else a.default  # type: ignore[arg-type]
        if a.converter is not None:
            default = a.converter(default)
        out.append((a.name, default, a.converter))
    return tuple(out)


_CASE_CHECKS: Final[Mapping[str, Callable[[object], str | None]]] = {
    "consultation": _check_enum(Consultation),
    "discipline": _check_enum(Discipline),
    "additional_competencies": _check_bool,
    "need_for_assistance": _check_bool,
    "red_flags": _check_members(RedFlag),
    "neurological_emergency_signs": _check_members(EmergencySign),
    "lrs": _check_bool,
    "symptoms_below_knee": _check_bool,
    "nprs": _check_int(0, 10),
    "prognostic_factors": _check_factors,
    "mechanical_problem": _check_bool,
    "massage_criteria": _check_members(MassageCriterion),
    "responsiveness": _optional(_check_enum(Responsiveness)),
    "complaint_duration_weeks": _optional(_check_int(0, None)),
    "pain_alleviation": _optional(_check_enum(Improvement)),
    "loss_of_function_decrease": _optional(_check_enum(Improvement)),
    "weeks_since_start": _optional(_check_int(0, None)),
    "sessions_used": _optional(_check_int(0, None)),
    "improvement": _optional(_check_enum(Improvement)),
    "reevaluation_new_insights": _optional(_check_bool),
    "adjustment_expected_to_suffice": _optional(_check_bool),
    "lrs_diagnosed_earlier": _optional(_check_bool),
    "medication_dose_doubt": _optional(_check_bool),
}

_CROSS_FIELDS: Final = (
    "consultation",
    "discipline",
    "additional_competencies",
    "lrs",
    "responsiveness",
    "complaint_duration_weeks",
    *FOLLOW_UP_FIELDS,
)


_CONSTRUCTION: Final[dict[type, tuple[tuple[str, object, Callable[[Any], Any] | None], ...]]] = {
    cls: _defaults(cls) for cls in (Case, NeurologicalExam, Sbst)
}


def contradictions(values: Mapping[str, Any]) -> list[Problem]:
    """Problems between fields, judged only on the fields present in ``values``.

    ``values`` holds the already type-checked fields of a case; a field that
    failed its own check is left out, so that one mistake is reported once.

    Args:
        values: Field name to (typed) value.

    Returns:
        One problem per contradiction, at the path of the field to change.

    """
    problems = []
    consultation = values.get("consultation")
    if consultation is Consultation.INITIAL:
        for name in FOLLOW_UP_FIELDS:
            if values.get(name) is not None:
                problems.append(
                    Problem(
                        name, "describes a follow-up; must be absent at an initial consultation"
                    )
                )
    elif consultation is Consultation.FOLLOW_UP:
        for name in REQUIRED_AT_FOLLOW_UP:
            if name in values and values[name] is None:
                problems.append(Problem(name, "is required at a follow-up consultation"))
        if values.get("sessions_used") == 0:
            problems.append(
                Problem(
                    "sessions_used",
                    "must be at least 1 at a follow-up (the initial consultation was a session)",
                )
            )
        if (
            values.get("lrs") is True
            and "lrs_diagnosed_earlier" in values
            and values["lrs_diagnosed_earlier"] is None
        ):
            problems.append(
                Problem(
                    "lrs_diagnosed_earlier",
                    "is required at a follow-up when lrs is true (was LRS already the working "
                    "diagnosis at an earlier consultation?)",
                )
            )
        if values.get("lrs_diagnosed_earlier") is not None and values.get("lrs") is False:
            problems.append(
                Problem(
                    "lrs_diagnosed_earlier",
                    "describes an LRS diagnosis; must be absent when lrs is false",
                )
            )
        duration, weeks = values.get("complaint_duration_weeks"), values.get("weeks_since_start")
        if duration is not None and weeks is not None and duration < weeks:
            problems.append(
                Problem(
                    "complaint_duration_weeks",
                    f"must be at least weeks_since_start ({weeks}): the complaints began before "
                    f"the treatment, got {duration}",
                )
            )
    if values.get("additional_competencies") is True and (
        values.get("discipline") is Discipline.PHYSICAL_THERAPIST
    ):
        problems.append(
            Problem(
                "additional_competencies",
                "applies only to exercise therapists; must be false for a physical therapist",
            )
        )
    if values.get("responsiveness") is not None and values.get("lrs") is False:
        problems.append(
            Problem("responsiveness", "is assessed for LRS only; must be absent when lrs is false")
        )
    return problems


def field_problem(part: type, name: str, value: object) -> str | None:
    """The problem of one field of a case, or of one of its parts, on its own.

    Used to check the known fields of a partial case one by one (see
    :mod:`lbp_spec.partial_case`); cross-field contradictions are those of
    ``contradictions``.

    Args:
        part: :class:`Case`, :class:`NeurologicalExam` or :class:`Sbst`.
        name: The field (attribute) name.
        value: Its value.

    Returns:
        What is wrong, or ``None``.

    """
    checks = {Case: _CASE_CHECKS, NeurologicalExam: _EXAM_CHECKS, Sbst: _SBST_CHECKS}[part]
    check = checks.get(name)
    return None if check is None else check(value)
