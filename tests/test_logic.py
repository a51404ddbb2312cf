"""The condition language: typed helpers, plain-word descriptions, Python compilation."""

from __future__ import annotations

from typing import Any

import pytest

from lbp_spec import Case, NeurologicalExam, Sbst
from lbp_spec.logic import (
    VARIABLES,
    AdviceIs,
    All,
    AnyFactorAt,
    AnyOf,
    Const,
    Expr,
    Named,
    Not,
    PyContext,
    VariableKind,
    cmp,
    factor,
    flag,
    has,
    is_,
    present,
)
from lbp_spec.vocabulary import (
    Consultation,
    Discipline,
    EmergencySign,
    FactorLevel,
    Improvement,
    PrognosticFactor,
    RedFlag,
)

FOLLOW_UP: dict[str, Any] = {
    "consultation": Consultation.FOLLOW_UP,
    "weeks_since_start": 6,
    "sessions_used": 4,
    "improvement": Improvement.INADEQUATE,
}


def holds(expr: Expr, case: Case, advice: dict[str, object] | None = None) -> bool:
    """Compile ``expr`` to Python the way the evaluator does, and run it on ``case``."""
    ctx: PyContext

    def reader(slot: str, value: object) -> str:
        return f"(a[{slot!r}] == {ctx.constant(value)})"

    ctx = PyContext(reader)
    body = expr.to_python(ctx)
    lines = [f"    {local} = {source}" for local, source in ctx.named.items()]
    source = "\n".join(["def _f(c, a):", *lines, f"    return {body}"])
    namespace: dict[str, Any] = dict(ctx.constants)
    exec(compile(source, "<test>", "exec"), namespace)
    result = namespace["_f"](case, advice or {})
    assert isinstance(result, bool)
    return result


# -- the helpers reject bad paths and types ------------------------------------------------------


def test_flag_on_a_number_is_a_type_error() -> None:
    """flag() reads booleans only: the NPRS is a number."""
    with pytest.raises(TypeError, match="nprs is a int variable, not bool"):
        flag("nprs")


@pytest.mark.parametrize("path", ["nrps", "neurological_exam.mrc", "", "exam.mrc_lowest"])
def test_unknown_path_is_a_value_error(path: str) -> None:
    """A path that names no case variable is a ValueError that names the known ones."""
    with pytest.raises(ValueError, match="no case variable") as info:
        flag(path)
    assert "neurological_exam.mrc_lowest" in str(info.value)


def test_is_with_a_value_of_another_enum_is_a_type_error() -> None:
    """The consultation is initial or follow-up, never a discipline."""
    with pytest.raises(TypeError, match="consultation takes"):
        is_("consultation", Discipline.PHYSICAL_THERAPIST)


def test_is_on_a_non_enum_variable_is_a_type_error() -> None:
    """is_() needs an enum variable: lrs is a bool."""
    with pytest.raises(TypeError):
        is_("lrs", Consultation.INITIAL)


def test_has_with_a_member_of_another_set_is_a_type_error() -> None:
    """Red flags hold RedFlag members, not emergency signs."""
    with pytest.raises(TypeError, match="red_flags holds"):
        has("red_flags", EmergencySign.SADDLE_NUMBNESS)


def test_has_on_a_non_set_variable_is_a_type_error() -> None:
    """has() needs a set variable."""
    with pytest.raises(TypeError):
        has("nprs", RedFlag.FRACTURE)


@pytest.mark.parametrize("path", ["lrs", "consultation", "red_flags", "prognostic_factors"])
def test_cmp_on_a_non_number_is_a_type_error(path: str) -> None:
    """cmp() compares numbers only."""
    with pytest.raises(TypeError):
        cmp(path, ">=", 1)


@pytest.mark.parametrize("op", ["=>", "=", "<>", "is"])
def test_cmp_with_an_unknown_operator_is_a_value_error(op: str) -> None:
    """Only the six comparison operators exist."""
    with pytest.raises(ValueError, match="unknown comparison"):
        cmp("nprs", op, 8)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["nprs", "lrs", "neurological_exam.mrc_lowest"])
def test_present_on_a_required_variable_is_a_type_error(path: str) -> None:
    """present() only makes sense for optional variables."""
    with pytest.raises(TypeError, match="is never absent"):
        present(path)


def test_empty_all_and_anyof_are_rejected() -> None:
    """All() and AnyOf() of nothing are ambiguous and refused."""
    with pytest.raises(ValueError, match="Const"):
        All(())
    with pytest.raises(ValueError, match="Const"):
        AnyOf(())


def test_every_variable_path_is_a_case_field() -> None:
    """Each variable the language knows is a real field of Case or of its parts."""
    parts = {"neurological_exam": NeurologicalExam, "sbst": Sbst}
    for path, var in VARIABLES.items():
        owner = Case if var.parent is None else parts[var.parent]
        assert var.name in {f.name for f in owner.__attrs_attrs__}, path


# -- describe() gives readable words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        (flag("lrs"), "the working diagnosis is LRS"),
        (cmp("nprs", ">=", 8), "the pain intensity (NPRS) is at least 8"),
        (
            cmp("neurological_exam.mrc_lowest", "<=", 3),
            "the lowest MRC grade is at most 3",
        ),
        (
            cmp("neurological_exam.fingertip_floor_cm", ">", 25),
            "the fingertip-to-floor distance (cm) is above 25",
        ),
        (cmp("weeks_since_start", "<", 6), "the weeks since the start is below 6"),
        (is_("consultation", Consultation.FOLLOW_UP), "the consultation is follow up"),
        (has("red_flags", RedFlag.FRACTURE), "fracture among the red flags"),
        (
            factor(PrognosticFactor.FEAR_OF_MOVEMENT, FactorLevel.DOMINANT),
            "prognostic factor 'fear of movement' dominant",
        ),
        (
            factor(PrognosticFactor.LEG_PAIN, FactorLevel.NON_DOMINANT),
            "prognostic factor 'leg pain' non-dominant",
        ),
        (factor(PrognosticFactor.LEG_PAIN), "prognostic factor 'leg pain' present"),
        (present("sbst"), "an SBST score (recorded)"),
        (AdviceIs("profile", 3), "the profile is 3"),
        (Const(True), "always"),
        (Const(False), "never"),
        (~flag("lrs"), "not (the working diagnosis is LRS)"),
        (
            flag("lrs") & (cmp("nprs", ">=", 8) | cmp("neurological_exam.mrc_lowest", "<=", 3)),
            "the working diagnosis is LRS and (either the pain intensity (NPRS) is at least 8 "
            "or the lowest MRC grade is at most 3)",
        ),
        (
            Named("severe", flag("lrs"), "severe LRS") & flag("lrs"),
            "severe LRS and the working diagnosis is LRS",
        ),
    ],
)
def test_describe_gives_plain_words(expr: Expr, words: str) -> None:
    """Conditions read as plain English, with brackets where and/or nest."""
    assert words == expr.describe()


def test_describe_never_shows_code() -> None:
    """No description of a variable leaks a dotted path or an underscore."""
    for var in VARIABLES.values():
        assert "_" not in var.words, var.path
        assert "." not in var.words, var.path


def test_operators_build_the_tree() -> None:
    """&, | and ~ build All, AnyOf and Not, flattening chains of the same operator."""
    a, b, c = flag("lrs"), flag("symptoms_below_knee"), flag("mechanical_problem")
    assert All((a, b, c)) == a & b & c
    assert AnyOf((a, b, c)) == a | b | c
    assert Not(a) == ~a


# -- Python compilation ---------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_cmp_on_an_absent_optional_field_is_false(op: str) -> None:
    """A comparison with an absent follow-up field is false, whatever the operator."""
    assert False is holds(cmp("weeks_since_start", op, 6), Case())  # type: ignore[arg-type]


def test_negated_cmp_on_an_absent_field_is_true() -> None:
    """Absence is false, so its negation holds: not (weeks >= 6) at an initial consultation."""
    assert True is holds(~cmp("weeks_since_start", ">=", 6), Case())


@pytest.mark.parametrize(("weeks", "expected"), [(5, False), (6, True), (7, True)])
def test_cmp_on_a_present_optional_field_compares(weeks: int, expected: bool) -> None:
    """A present follow-up field is compared with the bound, on both sides of it."""
    case = Case(**{**FOLLOW_UP, "weeks_since_start": weeks})
    assert expected is holds(cmp("weeks_since_start", ">=", 6), case)


def test_cmp_inside_an_absent_exam_is_false() -> None:
    """Without a neurological examination, an MRC comparison is false (not an error)."""
    assert False is holds(cmp("neurological_exam.mrc_lowest", "<=", 3), Case())
    assert False is holds(cmp("neurological_exam.mrc_lowest", ">", 3), Case())


def test_cmp_on_an_unmeasured_distance_is_false() -> None:
    """An examination without a fingertip-floor measurement makes the comparison false."""
    case = Case(neurological_exam=NeurologicalExam(fingertip_floor_cm=None))
    assert False is holds(cmp("neurological_exam.fingertip_floor_cm", ">", 25), case)
    assert False is holds(cmp("neurological_exam.fingertip_floor_cm", "<=", 25), case)


@pytest.mark.parametrize(("cm", "expected"), [(25, False), (25.5, True), (26, True)])
def test_cmp_on_a_real_compares_exactly(cm: float, expected: bool) -> None:
    """The fingertip-floor distance is compared as a real number."""
    case = Case(neurological_exam=NeurologicalExam(fingertip_floor_cm=cm))
    assert expected is holds(cmp("neurological_exam.fingertip_floor_cm", ">", 25), case)


def test_flag_and_is_on_absent_optional_fields_are_false() -> None:
    """Absent yes/no answers and an absent improvement read as false."""
    assert False is holds(flag("medication_dose_doubt"), Case())
    assert False is holds(is_("improvement", Improvement.INADEQUATE), Case())
    assert False is holds(flag("neurological_exam.lasegue"), Case())


def test_flag_reads_the_value() -> None:
    """flag() is true exactly when the boolean is True."""
    assert True is holds(flag("lrs"), Case(lrs=True))
    assert False is holds(flag("lrs"), Case(lrs=False))
    assert True is holds(
        flag("medication_dose_doubt"), Case(**FOLLOW_UP, medication_dose_doubt=True)
    )


def test_present_tells_absence_from_presence() -> None:
    """present() distinguishes a recorded SBST from none."""
    assert False is holds(present("sbst"), Case())
    assert True is holds(present("sbst"), Case(sbst=Sbst(total=0, psychosocial=0)))


def test_has_and_factor_read_sets_and_levels() -> None:
    """has() tests membership; factor() tests presence and level."""
    case = Case(
        red_flags={RedFlag.INFECTION},
        prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT},
    )
    assert True is holds(has("red_flags", RedFlag.FRACTURE, RedFlag.INFECTION), case)
    assert False is holds(has("red_flags", RedFlag.FRACTURE), case)
    assert True is holds(factor(PrognosticFactor.LEG_PAIN), case)
    assert True is holds(factor(PrognosticFactor.LEG_PAIN, FactorLevel.NON_DOMINANT), case)
    assert False is holds(factor(PrognosticFactor.LEG_PAIN, FactorLevel.DOMINANT), case)
    assert False is holds(factor(PrognosticFactor.FEAR_OF_MOVEMENT), case)


def test_advice_is_reads_the_decided_slot() -> None:
    """AdviceIs compares with the value decided for the slot."""
    assert True is holds(AdviceIs("profile", 2), Case(), {"profile": 2})
    assert False is holds(AdviceIs("profile", 2), Case(), {"profile": 3})


def test_named_definition_is_computed_once_and_reused() -> None:
    """A definition used twice compiles to one local, read twice."""
    severe = Named("severe", flag("lrs") & cmp("nprs", ">=", 8), "severe LRS")
    ctx = PyContext(lambda slot, value: "False")
    source = (severe | ~severe).to_python(ctx)
    assert ["n_severe"] == list(ctx.named)
    assert 2 == source.count("n_severe")
    assert True is holds(severe, Case(lrs=True, nprs=8))
    assert False is holds(severe, Case(lrs=True, nprs=7))


def test_variable_kinds_match_case_types() -> None:
    """Every boolean variable is declared BOOL and every count INT (no bool/int mix-ups)."""
    kinds = {path: var.kind for path, var in VARIABLES.items()}
    assert VariableKind.INT == kinds["nprs"]
    assert VariableKind.INT == kinds["neurological_exam.mrc_lowest"]
    assert VariableKind.REAL == kinds["neurological_exam.fingertip_floor_cm"]
    assert VariableKind.BOOL == kinds["lrs"]
    assert VariableKind.ENUM == kinds["improvement"]
    assert VariableKind.SET == kinds["red_flags"]


@pytest.mark.parametrize(
    ("node", "factors", "expected"),
    [
        (AnyFactorAt(FactorLevel.DOMINANT), {}, False),
        (AnyFactorAt(None), {}, False),
        (AnyFactorAt(None), {PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT}, True),
        (
            AnyFactorAt(FactorLevel.DOMINANT),
            {PrognosticFactor.LEG_PAIN: FactorLevel.NON_DOMINANT},
            False,
        ),
        (
            AnyFactorAt(FactorLevel.NON_DOMINANT),
            {
                PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT,
                PrognosticFactor.PASSIVE_COPING: FactorLevel.NON_DOMINANT,
            },
            True,
        ),
        (
            AnyFactorAt(FactorLevel.DOMINANT, (PrognosticFactor.FEAR_OF_MOVEMENT,)),
            {PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT},
            False,
        ),
        (
            AnyFactorAt(FactorLevel.DOMINANT, (PrognosticFactor.FEAR_OF_MOVEMENT,)),
            {PrognosticFactor.FEAR_OF_MOVEMENT: FactorLevel.DOMINANT},
            True,
        ),
    ],
)
def test_any_factor_at_reads_levels(
    node: AnyFactorAt, factors: dict[PrognosticFactor, FactorLevel], expected: bool
) -> None:
    """'Some factor at a level' holds exactly when one of the looked-at factors has it."""
    assert expected is holds(node, Case(prognostic_factors=factors))


def test_any_factor_at_describes_itself() -> None:
    """'Some factor at a level' reads as plain words."""
    assert (
        "at least one prognostic factor (dominant)" == AnyFactorAt(FactorLevel.DOMINANT).describe()
    )
    assert (
        "at least one of leg pain (non-dominant)"
        == AnyFactorAt(FactorLevel.NON_DOMINANT, (PrognosticFactor.LEG_PAIN,)).describe()
    )
