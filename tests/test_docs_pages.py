"""The generated pages for readers and committees, tested without a docs build."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lbp_spec import Case
from lbp_spec.case import NeurologicalExam
from lbp_spec.errata import ERRATA
from lbp_spec.vocabulary import Consultation, FactorLevel, Improvement, PrognosticFactor

EXT = Path(__file__).parents[1] / "docs" / "_ext"

pytest.importorskip("sphinx")


def _extension() -> ModuleType:
    sys.path.insert(0, str(EXT))
    try:
        spec = importlib.util.spec_from_file_location("lbp_docs", EXT / "lbp_docs.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXT))


DOCS = _extension()


def test_patient_words_name_no_field_and_no_python_literal() -> None:
    """A witness reads as words: no field names, no True/False/None."""
    case = Case(
        lrs=True,
        nprs=9,
        neurological_exam=NeurologicalExam(mrc_lowest=3),
        consultation=Consultation.FOLLOW_UP,
        weeks_since_start=6,
        sessions_used=1,
        improvement=Improvement.INADEQUATE,
        lrs_diagnosed_earlier=True,
        prognostic_factors={PrognosticFactor.LEG_PAIN: FactorLevel.DOMINANT},
    )
    words = DOCS.patient_words(case)
    assert "the working diagnosis is LRS" in words
    assert "in week 6 since the start of treatment" in words
    assert "an inadequate decrease of complaints" in words
    assert "leg pain (dominant)" in words
    assert [] == re.findall(r"\b(True|False|None)\b|[a-z]_[a-z]", words)


def test_patient_words_of_a_worse_finding_say_only_what_changed() -> None:
    """Against a base case, only the findings that differ are named."""
    base = Case(lrs=True, neurological_exam=NeurologicalExam(mrc_lowest=4))
    worse = Case(lrs=True, neurological_exam=NeurologicalExam(mrc_lowest=3))
    assert "the lowest MRC grade: 3" == DOCS.patient_words(worse, base)


def test_committee_page_lists_every_erratum_with_its_line() -> None:
    """Each erratum of the data has its paragraph with its line and its text."""
    text = "\n".join(DOCS._errata_paragraphs())
    for item in ERRATA:
        assert f"line {item.line}**" in text
        assert item.id in text


def test_pathway_titles_come_from_the_advice() -> None:
    """Each pathway picture is titled by the profile the rules give its first consultation."""
    titles = [
        DOCS.pathway_title(DOCS.pathway_episode(start)) for _, start in DOCS.pathway_scenarios()
    ]
    assert [
        "Profile 1, without adequate improvement",
        "Profile 2, without adequate improvement",
        "Profile 3, without adequate improvement",
        "LRS, profile 1, without adequate improvement",
        "LRS, profile 3, without adequate improvement",
    ] == titles


def test_pathway_episodes_end_in_a_referral_within_the_bound() -> None:
    """Without adequate improvement every pictured patient is referred before week 16."""
    for _, start in DOCS.pathway_scenarios():
        episode = DOCS.pathway_episode(start)
        assert episode.visits[-1].advice.referral is not None
