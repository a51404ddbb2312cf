"""Every quote is in the guideline text; the shipped text is the shared source, byte for byte."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from lbp_spec import GUIDELINE
from lbp_spec.source import SOURCE_NAME, guideline_text, normalise, quote_occurs

SHARED = Path(__file__).parents[1].parent / "shared" / "guideline" / SOURCE_NAME
"""The guideline text as handed to the project, beside the repository."""

RULE_ID = re.compile(r"[A-Z0-9_]+(\.[A-Z0-9_]+)+")

RULE_QUOTES = [(rule.id, quote) for rule in GUIDELINE.rules for quote in rule.quote]
RESOLUTION_QUOTES = [(res.id, quote) for res in GUIDELINE.resolutions for quote in res.quotes]


@pytest.mark.parametrize(("rule_id", "quote"), RULE_QUOTES, ids=[f"{i}" for i, _ in RULE_QUOTES])
def test_rule_quote_occurs_in_the_guideline(rule_id: str, quote: str) -> None:
    """Each sentence a rule quotes is in the guideline text (after normalisation)."""
    assert quote_occurs(quote), f"{rule_id} quotes text not in the guideline: {quote!r}"


@pytest.mark.parametrize(
    ("resolution_id", "quote"), RESOLUTION_QUOTES, ids=[i for i, _ in RESOLUTION_QUOTES]
)
def test_resolution_quote_occurs_in_the_guideline(resolution_id: str, quote: str) -> None:
    """Each sentence a resolution cites is in the guideline text (after normalisation)."""
    assert quote_occurs(quote), f"{resolution_id} cites text not in the guideline: {quote!r}"


def test_every_resolution_cites_the_guideline() -> None:
    """A resolution gives the guideline sentences behind it, and a reason."""
    for res in GUIDELINE.resolutions:
        assert res.quotes, res.id
        assert res.reason.strip(), res.id


def test_quote_check_can_fail() -> None:
    """A sentence the guideline does not contain is not found (the check is not vacuous)."""
    assert False is quote_occurs("Always apply TENS for patients with LRS.")
    assert False is quote_occurs("Refer the patient with LRS and severe pain (NPRS ≥ 7)")


def test_quotes_survive_line_breaks_and_tags() -> None:
    """Normalisation makes a quote match across table markup and line breaks."""
    assert "a b c" == normalise("  <p>a</p>\n\tb  <li>c</li> ")
    assert quote_occurs("Refer the patient with LRS and severe motor deficit\n(MRC score ≤ 3")


def test_typing_errors_are_quoted_as_they_stand() -> None:
    """The text's own typing errors ('MCR score', 'condigion') are quoted verbatim."""
    quotes = " ".join(q for _, q in RULE_QUOTES)
    assert "MCR score ≤ 3 out of 5" in quotes
    assert "condigion of a specifica sumbosacral nerve root" in quotes


def test_shipped_text_is_the_package_resource() -> None:
    """guideline_text() reads the copy shipped inside the package."""
    shipped = resources.files("lbp_spec").joinpath("data", SOURCE_NAME).read_bytes()
    assert shipped.decode("utf-8") == guideline_text()
    assert "KNGF Guideline on Low Back Pain and Lumbosacral Radicular Syndrome" in guideline_text()


def test_shipped_text_equals_the_shared_source_byte_for_byte() -> None:
    """The package ships exactly the guideline text handed to the project."""
    if not SHARED.exists():
        pytest.skip(f"the shared guideline text is not beside the repository ({SHARED})")
    shipped = resources.files("lbp_spec").joinpath("data", SOURCE_NAME).read_bytes()
    assert SHARED.read_bytes() == shipped


def test_every_rule_has_a_title() -> None:
    """Each rule has a non-empty title for people."""
    assert [] == [rule.id for rule in GUIDELINE.rules if not rule.title.strip()]


def test_every_resolution_has_a_title() -> None:
    """Each resolution has a non-empty title for people."""
    assert [] == [res.id for res in GUIDELINE.resolutions if not res.title.strip()]


def test_rule_ids_are_unique() -> None:
    """No two rules share an id."""
    ids = [rule.id for rule in GUIDELINE.rules]
    assert sorted(set(ids)) == sorted(ids)


def test_resolution_ids_are_unique() -> None:
    """No two resolutions share an id."""
    ids = [res.id for res in GUIDELINE.resolutions]
    assert sorted(set(ids)) == sorted(ids)


def test_rule_ids_follow_the_pattern() -> None:
    """Rule ids are dotted upper-case words, e.g. LRS.REFER.SEVERE."""
    assert [] == [rule.id for rule in GUIDELINE.rules if not RULE_ID.fullmatch(rule.id)]


def test_rule_id_pattern_rejects_bad_ids() -> None:
    """The id pattern itself refuses lower case, single words and empty parts."""
    for bad in ("profile.1", "PROFILE", "PROFILE..1", ".PROFILE", "PROFILE-1.X"):
        assert RULE_ID.fullmatch(bad) is None, bad


def test_resolution_ids_follow_the_pattern() -> None:
    """Resolution ids are dotted upper-case words starting with RES."""
    bad = [
        res.id
        for res in GUIDELINE.resolutions
        if not RULE_ID.fullmatch(res.id) or not res.id.startswith("RES.")
    ]
    assert [] == bad
