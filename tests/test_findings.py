"""The literal reading: collisions and gaps with replayed minimal witnesses; none resolved."""

from __future__ import annotations

import json

import attrs
import pytest
import z3

from lbp_spec import GUIDELINE, Case, evaluate
from lbp_spec import findings as findings_module
from lbp_spec import loading as loading_module
from lbp_spec.advice import Window
from lbp_spec.cli import ExitCode, main
from lbp_spec.errors import InvalidCaseError
from lbp_spec.findings import (
    EXPECTATIONS,
    Collision,
    Conflict,
    FindingKind,
    LiteralReport,
    Status,
    analyse,
    literal_json,
    literal_text,
)
from lbp_spec.logic import flag
from lbp_spec.report import case_findings
from lbp_spec.rule import Resolution, Rule, intervention_slot, sets, strength
from lbp_spec.ruleset import RuleSet
from lbp_spec.vocabulary import AdviceWarning, Intervention, Section, Strength, Urgency

MOB_MAN = (Intervention.MOBILISATION, Intervention.MANIPULATION)
QUOTE = "Limit the treatment to a maximum of three sessions."


def _rule(rule_id: str, when: object, *effects: object) -> Rule:
    return Rule(
        id=rule_id,
        section=Section.PASSIVE,
        title=rule_id,
        quote=QUOTE,
        when=when,  # type: ignore[arg-type]
        then=effects,  # type: ignore[arg-type]
    )


# A small rule set that covers every expectation and has no collision.
INDICATED = _rule(
    "T.INDICATED",
    flag("need_for_assistance"),
    sets("physiotherapy_indicated", True),
    sets("profile", 1),
    sets("reevaluation_after_weeks", Window(3, None)),
)
RECHECK = _rule("T.RECHECK", flag("lrs"), sets("recheck_after_days", Window(2, 4)))
CLEAN = RuleSet("clean", [INDICATED, RECHECK])

# The same with two rules that permit and forbid mobilisation for LRS.
PERMIT = _rule("T.PERMIT", flag("lrs"), *strength(Strength.CONSIDER, *MOB_MAN))
FORBID = _rule("T.FORBID", flag("mechanical_problem"), *strength(Strength.DO_NOT, *MOB_MAN))
CLASH = RuleSet("clash", [INDICATED, RECHECK, PERMIT, FORBID])
DECIDED = RuleSet(
    "clash, decided",
    CLASH.rules,
    [
        Resolution(
            id="T.RES",
            title="forbid wins",
            winners="T.FORBID",
            losers="T.PERMIT",
            slots=[intervention_slot(i) for i in MOB_MAN],
            reason="The forbidding rule is the more specific.",
        )
    ],
)


@pytest.fixture(scope="module")
def report() -> LiteralReport:
    """The literal analysis of the built-in guideline, computed once for the module."""
    return analyse()


def _by_key(report: LiteralReport) -> dict[str, Collision]:
    return {c.key: c for c in report.collisions}


# -- the built-in guideline -------------------------------------------------------------------


def test_known_collisions_are_found_typed_and_decided(report: LiteralReport) -> None:
    """The known collisions of the text are found, with their kind and deciding resolution."""
    expected = {
        "PROFILE.1 vs PROFILE.2": (FindingKind.CONFLICTING_VALUES, ("RES.PROFILE_2_OVER_1",)),
        "PROFILE.2 vs PROFILE.3": (FindingKind.CONFLICTING_VALUES, ("RES.PROFILE_3_OVER_2",)),
        "EMERGENCY.REFER vs LRS.REFER.SEVERE": (
            FindingKind.CONFLICTING_VALUES,
            ("RES.MOST_URGENT_REFERRAL",),
        ),
        "PASSIVE.PROFILE_2_3.MOBILISATION vs PASSIVE.LRS.PREFERABLY_NO_MOBILISATION": (
            FindingKind.PERMIT_AND_FORBID,
            ("RES.LRS_OVER_PROFILE_MOBILISATION",),
        ),
        "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET vs PASSIVE.LRS.NO_MASSAGE_TENS": (
            FindingKind.PERMIT_AND_FORBID,
            ("RES.LRS_OVER_PROFILE_MASSAGE",),
        ),
        "EXERCISE.PROFILE_2_3.OFFER vs EXERCISE.LRS.CONSIDER": (
            FindingKind.CONFLICTING_STRENGTHS,
            ("RES.LRS_EXERCISE",),
        ),
        "PASSIVE.PROFILE_1.DO_NOT vs PASSIVE.LRS.PREFERABLY_NO_MOBILISATION": (
            FindingKind.CONFLICTING_STRENGTHS,
            ("RES.PROFILE_1_OVER_LRS_MOBILISATION",),
        ),
        "EVAL.LRS.MEDICATION_DOUBT vs EVAL.LRS.PERSISTENT": (
            FindingKind.CONFLICTING_VALUES,
            ("RES.REFERRAL_INSTEAD_OVER_ALONGSIDE",),
        ),
        "EDUCATION.LRS.MOVE_GUIDED_BY_PAIN vs EXERCISE.TYPE.GRADUAL": (
            FindingKind.EXCLUDED_GUIDANCE,
            ("RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",),
        ),
        "EXERCISE.TYPE.GRADUAL vs EXERCISE.LRS.HIGH_RESPONSIVENESS": (
            FindingKind.EXCLUDED_GUIDANCE,
            ("RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",),
        ),
    }
    found = _by_key(report)
    actual = {
        key: (found[key].kind, tuple(r.id for r in found[key].resolutions))
        for key in expected
        if key in found
    }
    assert expected == actual


def test_excluded_guidance_pairs_have_a_witness_and_do_not_remain(report: LiteralReport) -> None:
    """Each excluded pair the literal text gives is shown on an LRS patient and resolved."""
    found = [c for c in report.collisions if c.kind is FindingKind.EXCLUDED_GUIDANCE]
    assert [(True, Status.FOUND, Status.CLEAR)] * 2 == [
        (c.witness is not None and c.witness.lrs, c.status, c.after_resolution) for c in found
    ]


def test_mobilisation_and_manipulation_are_one_finding(report: LiteralReport) -> None:
    """The slots one pair of rules contests are grouped into one finding."""
    key = "PASSIVE.PROFILE_2_3.MOBILISATION vs PASSIVE.LRS.PREFERABLY_NO_MOBILISATION"
    assert (intervention_slot(Intervention.MOBILISATION), intervention_slot(MOB_MAN[1])) == (
        _by_key(report)[key].slots
    )
    assert len({c.key for c in report.collisions}) == len(report.collisions)


def test_every_collision_replays_through_the_literal_evaluator(report: LiteralReport) -> None:
    """Each witness, evaluated literally, fires both rules and warns of the collision."""
    literal = GUIDELINE.literal()
    problems = []
    for c in report.collisions:
        assert c.witness is not None
        advice = evaluate(c.witness, literal)
        if advice != c.advice:
            problems.append(f"{c.key}: advice differs from the report's")
        if not set(c.rules) <= set(advice.fired):
            problems.append(f"{c.key}: not both rules fired")
        if AdviceWarning.UNRESOLVED_COLLISION not in advice.warnings:
            problems.append(f"{c.key}: no unresolved_collision warning")
    assert [] == problems
    assert [Status.FOUND] * len(report.collisions) == [c.status for c in report.collisions]
    assert (0, 0) == (report.errors, report.unknown)


def test_every_witness_is_minimal(report: LiteralReport) -> None:
    """Setting any one finding of a witness back to the plain patient's value undoes it.

    The case then becomes invalid, or the two rules no longer fire together.
    """
    plain = Case()
    literal = GUIDELINE.literal()
    not_minimal = []
    for c in report.collisions:
        assert c.witness is not None
        differing = [
            f for f in attrs.fields_dict(Case) if getattr(c.witness, f) != getattr(plain, f)
        ]
        assert len(differing) == len(case_findings(c.witness))
        for name in differing:
            try:
                dropped = attrs.evolve(c.witness, **{name: getattr(plain, name)})
            except InvalidCaseError:
                continue
            if set(c.rules) <= set(evaluate(dropped, literal).fired):
                not_minimal.append(f"{c.key}: {name}")
    assert [] == not_minimal


def test_with_the_resolutions_none_remain(report: LiteralReport) -> None:
    """Proven slot by slot; and each witness, evaluated with resolutions, is decided."""
    assert report.none_remain
    assert [Status.CLEAR] * len(report.resolved) == [s.status for s in report.resolved]
    undecided = []
    for c in report.collisions:
        assert c.witness is not None
        advice = evaluate(c.witness, GUIDELINE)
        applied = {r.resolution for r in advice.resolutions}
        if AdviceWarning.UNRESOLVED_COLLISION in advice.warnings or not applied & {
            r.id for r in c.resolutions
        }:
            undecided.append(c.key)
    assert [] == undecided
    assert () == report.unresolved


def test_every_resolution_is_listed_with_what_it_decides(report: LiteralReport) -> None:
    """Each declared resolution appears, in order, with the findings it decides."""
    assert [r.id for r in GUIDELINE.resolutions] == [u.resolution.id for u in report.resolutions]
    decides = {u.resolution.id: u.decides for u in report.resolutions}
    assert "EMERGENCY.REFER vs LRS.REFER.SEVERE" in decides["RES.MOST_URGENT_REFERRAL"]
    assert [] == [rid for rid, keys in decides.items() if not keys]


def test_guideline_has_no_gaps(report: LiteralReport) -> None:
    """Every coverage expectation holds on the literal rules (and with resolutions)."""
    assert [(e.name, Status.CLEAR, Status.CLEAR) for e in EXPECTATIONS] == [
        (c.name, c.status, c.resolved) for c in report.coverage
    ]


def test_text_report_shows_rules_quotes_witness_and_resolution(report: LiteralReport) -> None:
    """The committee's text: kinds as headings, quotes, the patient, the deciding resolution."""
    text = literal_text(report)
    for line in (
        "Permitted and forbidden (4)",
        "Two strengths for one intervention (3)",
        '"Preferably do not perform manipulations and mobilisations."',
        "decided by RES.LRS_OVER_PROFILE_MASSAGE",
        "PASSIVE.LRS.NO_MASSAGE_TENS wins over PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",
        "with the resolutions none remain",
        "witness patient (what differs from a plain patient):",
    ):
        assert line in text
    assert "mechanical_problem: true" in text


def test_json_report_round_trips(report: LiteralReport) -> None:
    """The JSON form is plain JSON, with witnesses as contract cases."""
    data = json.loads(json.dumps(literal_json(report)))
    assert len(report.collisions) == data["summary"]["collisions"]
    assert True is data["summary"]["none_remain"]
    first = data["findings"][0]
    assert "permit_and_forbid" == first["kind"]
    assert [c.key for c in report.collisions] == [f["key"] for f in data["findings"]]
    assert "follow_up" != first["witness"]["consultation"]
    assert "exercise_therapist" == first["witness"]["discipline"]


# -- deliberately broken rule sets -----------------------------------------------------------


def test_conflict_kinds() -> None:
    """Permit against forbid, two strengths on one side, and other values are told apart."""
    mob = intervention_slot(Intervention.MOBILISATION)
    assert [
        FindingKind.PERMIT_AND_FORBID,
        FindingKind.CONFLICTING_STRENGTHS,
        FindingKind.CONFLICTING_STRENGTHS,
        FindingKind.CONFLICTING_VALUES,
    ] == [
        Conflict(mob, Strength.CONSIDER, Strength.PREFERABLY_NOT).kind,
        Conflict(mob, Strength.DO_NOT, Strength.PREFERABLY_NOT).kind,
        Conflict(mob, Strength.OFFER, Strength.CONSIDER).kind,
        Conflict("referral", Urgency.IMMEDIATE, Urgency.NOT_STATED).kind,
    ]


def test_clean_rule_set_has_no_findings() -> None:
    """A rule set without collisions or gaps reports none, and none remain."""
    report = analyse(CLEAN)
    assert ((), (), True, 0) == (
        report.collisions,
        report.findings,
        report.none_remain,
        report.unknown,
    )
    assert [Status.CLEAR] * len(EXPECTATIONS) == [c.status for c in report.coverage]


def test_unresolved_collision_is_marked_and_remains() -> None:
    """Without a resolution the clash is unresolved and still there in the 'resolved' rules."""
    report = analyse(CLASH)
    [c] = report.collisions
    assert ("T.PERMIT", "T.FORBID", FindingKind.PERMIT_AND_FORBID) == (
        c.first.id,
        c.second.id,
        c.kind,
    )
    assert (True, (), Status.FOUND) == (c.unresolved, c.resolutions, c.after_resolution)
    assert c.witness is not None
    assert (True, True) == (c.witness.lrs, c.witness.mechanical_problem)
    assert not report.none_remain
    assert {intervention_slot(i) for i in MOB_MAN} == {s.slot for s in report.remaining}
    assert {("T.PERMIT", "T.FORBID")} == {s.rules for s in report.remaining}
    assert "UNRESOLVED" in literal_text(report)


def test_declared_resolution_decides_the_clash() -> None:
    """With a resolution the same clash is a finding that is decided, and none remain."""
    report = analyse(DECIDED)
    [c] = report.collisions
    assert (False, ("T.RES",), Status.CLEAR) == (
        c.unresolved,
        tuple(r.id for r in c.resolutions),
        c.after_resolution,
    )
    assert report.none_remain
    assert ((c.key,),) == tuple(u.decides for u in report.resolutions)


def test_gap_has_a_witness() -> None:
    """A rule set that leaves a patient with a need for assistance unanswered has a gap."""
    only_without_lrs = attrs.evolve(INDICATED, when=flag("need_for_assistance") & ~flag("lrs"))
    report = analyse(RuleSet("gappy", [only_without_lrs, RECHECK]))
    [gap] = report.gaps
    assert ("need_for_assistance_answered", FindingKind.GAP, Status.FOUND) == (
        gap.name,
        gap.kind,
        gap.resolved,
    )
    assert gap.witness is not None
    assert gap.advice is not None
    assert (True, True, False) == (
        gap.witness.need_for_assistance,
        gap.witness.lrs,
        gap.advice.physiotherapy_indicated,
    )
    assert (gap,) == report.of_kind(FindingKind.GAP)
    assert "need_for_assistance_answered: GAP" in literal_text(report)


def test_collision_settled_by_a_resolution_naming_a_third_rule() -> None:
    """A pair no resolution names is not unresolved when the resolutions still settle it.

    ``T.FORBID.TOO`` fires whenever ``T.FORBID`` does and overrides ``T.PERMIT``, so
    ``T.PERMIT`` and ``T.FORBID`` never take effect together in the resolved rules.
    """
    too = attrs.evolve(FORBID, id="T.FORBID.TOO")
    rules = RuleSet(
        "settled",
        [*CLASH.rules, too],
        [attrs.evolve(DECIDED.resolutions[0], winners=("T.FORBID.TOO",))],
    )
    report = analyse(rules, expectations=())
    pair = _by_key(report)["T.PERMIT vs T.FORBID"]
    assert ((), Status.CLEAR, False) == (pair.resolutions, pair.after_resolution, pair.unresolved)
    assert report.none_remain
    assert "no resolution names both rules" in literal_text(report)


def test_expectation_whose_premise_never_holds_is_vacuous() -> None:
    """No rule indicates therapy: 'indicated implies a profile' is vacuous, not covered."""
    report = analyse(RuleSet("recheck only", [RECHECK]))
    by_name = {c.name: c.status for c in report.coverage}
    assert Status.VACUOUS == by_name["indicated_has_profile"]


def test_failed_replay_is_an_error_never_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """An evaluator that disagrees with the encoding makes the finding an error."""
    monkeypatch.setattr(findings_module, "evaluate", lambda case, rules: evaluate(Case(), rules))
    report = analyse(CLASH, expectations=())
    [c] = report.collisions
    assert Status.ERROR == c.status
    assert "disagree" in c.message
    assert c in report.findings
    assert report.errors >= 1


def test_solver_unknown_is_never_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    """When Z3 gives up, pairs and slots are unknown: never a finding-free 'none remain'."""
    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    report = analyse(CLASH)
    assert [Status.UNKNOWN] == [c.status for c in report.collisions]
    assert not report.none_remain
    assert {Status.UNKNOWN} == {s.status for s in report.resolved}
    assert report.unknown > 0


# -- the command line ---------------------------------------------------------------------------


def test_cli_literal_on_the_guideline_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in guideline has literal findings: status 1, the list on stdout."""
    assert ExitCode.CHECK_FAILED == main(["verify", "--literal"])
    out = capsys.readouterr().out
    assert "PROFILE.1 vs PROFILE.2" in out
    assert "with the resolutions none remain" in out


@pytest.mark.parametrize(
    ("ruleset", "status"),
    [(CLEAN, ExitCode.OK), (CLASH, ExitCode.CHECK_FAILED), (DECIDED, ExitCode.CHECK_FAILED)],
)
def test_cli_literal_exit_status(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ruleset: RuleSet,
    status: ExitCode,
) -> None:
    """Status 0 without findings, 1 while findings exist (decided or not)."""
    monkeypatch.setattr(loading_module, "GUIDELINE", ruleset)
    assert status == main(["verify", "--literal", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert ruleset.name == data["ruleset"]


def test_cli_literal_error_and_unknown_statuses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A replay error is status 4; a solver that gives up is status 3."""
    monkeypatch.setattr(loading_module, "GUIDELINE", CLASH)
    with monkeypatch.context() as patch:
        patch.setattr(findings_module, "evaluate", lambda case, rules: evaluate(Case(), rules))
        assert ExitCode.INTERNAL == main(["verify", "--literal"])
    with monkeypatch.context() as patch:
        patch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
        assert ExitCode.UNKNOWN == main(["verify", "--literal"])
    assert ExitCode.USAGE == main(["verify", "--literal", "--property", "x"])
    capsys.readouterr()
