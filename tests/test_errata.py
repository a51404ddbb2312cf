"""The errata and ambiguities of the guideline text: located exactly, printed, in JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lbp_spec import GUIDELINE
from lbp_spec import loading as loading_module
from lbp_spec.cli import main
from lbp_spec.errata import (
    ERRATA,
    Erratum,
    ErratumKind,
    append_errata,
    errata_json,
    errata_text,
)
from lbp_spec.logic import flag
from lbp_spec.rule import Rule, sets
from lbp_spec.ruleset import RuleSet
from lbp_spec.source import guideline_text
from lbp_spec.vocabulary import Section

SHARED = Path(__file__).parents[1] / ".." / "shared" / "guideline"
TEXT_FILE = SHARED / "kngf-2021-low-back-pain-summary.txt"


def _lines() -> list[str]:
    """The lines of the guideline summary in ../shared (the source of truth)."""
    if not TEXT_FILE.exists():  # pragma: no cover - only outside the project layout
        pytest.skip(f"{TEXT_FILE} is not beside the repository")
    return TEXT_FILE.read_text(encoding="utf-8").split("\n")


def test_shipped_text_is_the_shared_text() -> None:
    """Line numbers are those of ../shared; the package ships that file byte for byte."""
    assert "\n".join(_lines()) == guideline_text()


@pytest.mark.parametrize("item", ERRATA, ids=lambda e: e.id)
def test_every_quoted_location_is_exact(item: Erratum) -> None:
    """The quoted text stands, exactly, on the line the item gives."""
    lines = _lines()
    assert 1 <= item.line <= len(lines)
    assert item.text in lines[item.line - 1], f"{item.id}: not on line {item.line}"


@pytest.mark.parametrize("item", ERRATA, ids=lambda e: e.id)
def test_every_section_heading_comes_before_its_line(item: Erratum) -> None:
    """The section named (its last heading) stands at or before the item's line."""
    before = "\n".join(_lines()[: item.line])
    heading = item.section.split(" / ")[-1]
    if heading == "Summary (introduction)":
        assert "SUMMARY" in before
    else:
        assert heading in before, f"{item.id}: {heading!r} not before line {item.line}"


def test_a_wrong_line_is_caught() -> None:
    """The location check can fail: the same text one line off is not found."""
    item = next(e for e in ERRATA if e.id == "TEXT.MCR_SCORE")
    assert item.text not in _lines()[item.line]


def test_ids_are_unique_and_stable_in_form() -> None:
    """Ids are unique, upper-case dotted names under TEXT."""
    ids = [e.id for e in ERRATA]
    assert len(ids) == len(set(ids))
    assert [] == [i for i in ids if not re.fullmatch(r"TEXT\.[A-Z0-9_]+", i)]


def test_rules_named_exist_in_the_guideline() -> None:
    """Every rule an item names is a rule of the built-in guideline."""
    known = {r.id for r in GUIDELINE.rules}
    assert [] == [(e.id, r) for e in ERRATA for r in e.rules if r not in known]


def test_the_listed_defects_are_there() -> None:
    """The typing errors the guideline README names and the committee's list are covered."""
    texts = " | ".join(e.text for e in ERRATA)
    for expected in (
        "MCR score",
        "condigion of a specifica sumbosacral nerve root",
        "likely to recovery quickly",
        "StarT Back",
        "aiming this specifically on",
        "to create acceptance of an active approach",
        "(#)",
        "medical specialist/general practitioner",
        "persist from six to eight weeks",
        "at least after three weeks",
        "---",
        ">\t<ul",
    ):
        assert expected in texts
    kinds = {e.kind for e in ERRATA}
    assert {ErratumKind.ERRATUM, ErratumKind.AMBIGUITY} == kinds


def test_items_are_in_text_order() -> None:
    """The list follows the text, as a committee reads it."""
    assert sorted(e.line for e in ERRATA) == [e.line for e in ERRATA]


def test_text_rendering_shows_location_and_both_readings() -> None:
    """The printed entry has the id, kind, line, section, the text, the reading and the spec."""
    item = Erratum(
        id="TEXT.X",
        kind=ErratumKind.ERRATUM,
        text="MCR score",
        line=18,
        section="Diagnostic process / Red flags",
        reading="Should say MRC.",
        spec="Read as MRC.",
        rules=("EMERGENCY.REFER",),
    )
    text = errata_text((item,))
    assert "TEXT.X (erratum), line 18, Diagnostic process / Red flags" in text
    assert '"MCR score"' in text
    assert "should say: Should say MRC." in text
    assert "the spec: Read as MRC." in text
    assert "rules: EMERGENCY.REFER" in text
    assert "1 errata and 0 ambiguities" in text


def test_append_keeps_the_summary_line_last() -> None:
    """The errata go before the report's closing summary line, which stays last."""
    out = append_errata("report body\nmore\nSUMMARY LINE\n")
    assert "SUMMARY LINE" == out.rstrip("\n").rsplit("\n", 1)[-1]
    assert out.index("Errata and ambiguities") > out.index("more")


def test_json_has_every_field() -> None:
    """The JSON form carries every field of every item."""
    data = errata_json()
    assert len(ERRATA) == len(data)
    first = data[0]
    assert {"id", "kind", "text", "line", "section", "reading", "spec", "rules"} == set(first)
    assert ERRATA[0].line == first["line"]


_TINY = RuleSet(
    "tiny",
    [
        Rule(
            id="T.INDICATED",
            section=Section.NEED_FOR_ASSISTANCE,
            title="indicated",
            quote="There is an indication for physical therapy or exercise therapy when:",
            when=flag("need_for_assistance"),
            then=[sets("physiotherapy_indicated", True)],
        )
    ],
)


def test_cli_literal_prints_the_errata(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``verify --literal`` prints the errata after the findings, before the summary lines.

    The findings' summary line follows the errata, and the overall verdict ends the run.
    """
    monkeypatch.setattr(loading_module, "GUIDELINE", _TINY)
    main(["verify", "--literal"])
    out = capsys.readouterr().out
    assert "TEXT.MCR_SCORE (erratum), line 18" in out
    last_two = [line for line in out.splitlines() if line.strip()][-2:]
    assert "in the literal reading" in last_two[0]
    assert last_two[1].startswith("Overall: ")
    assert out.index("TEXT.MCR_SCORE") < out.index(last_two[0])


def test_cli_literal_json_has_the_errata(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``verify --literal --json`` carries the errata under ``errata``."""
    monkeypatch.setattr(loading_module, "GUIDELINE", _TINY)
    main(["verify", "--literal", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert errata_json() == data["errata"]
