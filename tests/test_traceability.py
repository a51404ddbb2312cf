"""The traceability table accounts for the whole summary and agrees with the rule set."""

from __future__ import annotations

from collections import Counter

import pytest

from lbp_spec.rules import GUIDELINE
from lbp_spec.source import normalise, normalised_text, quote_occurs
from lbp_spec.traceability import (
    LABELS,
    SCOPE_START,
    SECTION_STARTS,
    TRACEABILITY,
    Coverage,
    Gap,
    TracedSentence,
    locate,
    segment,
    segments,
)
from lbp_spec.vocabulary import PrognosticFactor, Section

SENTENCES = tuple(t.sentence for t in TRACEABILITY)
RESOLUTION_IDS = {r.id for r in GUIDELINE.resolutions}


def _related(a: str, b: str) -> bool:
    """One text is the other or part of it (after normalisation)."""
    a, b = normalise(a), normalise(b)
    return a in b or b in a


def _scope_begin() -> int:
    return normalised_text().index(SCOPE_START)


# -- segmentation ---------------------------------------------------------------------------


def test_segment_splits_cells_bullets_and_sentences() -> None:
    """Cells, list items, bullets and sentence ends each start a new segment."""
    raw = "<p>Head</p>\tFirst one. Second: Third<ul x> • alpha; • beta >\n>\t* Note here.\n---\t--"

    assert ("Head", "First one.", "Second:", "Third", "alpha;", "beta", "Note here.") == segment(
        raw
    )


def test_segment_keeps_colons_and_abbreviations_inside_a_sentence() -> None:
    """A colon before a lower-case word and a full stop inside brackets do not split."""
    raw = "Signs of a thing: urine retention (MCR score ≤ 3 out of 5) or more."

    assert (normalise(raw),) == segment(raw)


def test_segments_start_at_the_diagnostic_process() -> None:
    """The scope opens with the heading "Diagnostic process" and leaves out the preface."""
    found = segments()

    assert SCOPE_START == found[0]
    assert not any("overview of the most important" in s for s in found)


def test_every_segment_occurs_in_order_in_the_normalised_text() -> None:
    """Each segment is a piece of the normalised summary, found in text order."""
    spans = locate(segments(), _scope_begin())

    assert len(segments()) == len(spans)
    assert all(begin < end for begin, end in spans)


def test_no_segment_keeps_markup() -> None:
    """Continuation markers, bullets and tags are stripped from every segment."""
    bad = [s for s in segments() if s.endswith(">") or "•" in s or "<" in s or s.startswith("*")]

    assert [] == bad


def test_locate_rejects_text_out_of_order() -> None:
    """Locating texts in the wrong order fails instead of matching backwards."""
    with pytest.raises(ValueError, match="not found"):
        locate(["Evaluation and referral", "Red flags"])


# -- the records themselves ---------------------------------------------------------------


def test_every_sentence_occurs_in_the_guideline() -> None:
    """Each traced sentence occurs verbatim in the normalised summary."""
    missing = [s for s in SENTENCES if not quote_occurs(s)]

    assert [] == missing


def test_sentences_are_normalised() -> None:
    """Each sentence is written as it reads after normalisation (no stray spaces)."""
    assert [normalise(s) for s in SENTENCES] == list(SENTENCES)


def test_sentences_are_in_text_order_and_do_not_overlap() -> None:
    """The records follow the text, within the scope, one after another."""
    spans = locate(SENTENCES, _scope_begin())

    overlapping = [
        (SENTENCES[i], SENTENCES[i + 1])
        for i in range(len(spans) - 1)
        if spans[i][1] > spans[i + 1][0]
    ]
    assert [] == overlapping


def test_sentences_are_unique() -> None:
    """No sentence is traced twice."""
    assert [] == [s for s, n in Counter(SENTENCES).items() if n > 1]


def test_every_named_rule_exists() -> None:
    """Each rule id in the table is a rule of the guideline."""
    known = {r.id for r in GUIDELINE.rules}

    assert [] == [(t.sentence, r) for t in TRACEABILITY for r in t.rules if r not in known]


def test_every_named_resolution_exists() -> None:
    """Each resolution id in the table is a resolution of the guideline."""
    assert [] == [
        (t.sentence, r) for t in TRACEABILITY for r in t.resolutions if r not in RESOLUTION_IDS
    ]


def test_every_rule_is_traced() -> None:
    """Every rule of the guideline formalizes at least one traced sentence."""
    traced = {r for t in TRACEABILITY for r in t.rules}

    assert [] == [r.id for r in GUIDELINE.rules if r.id not in traced]


def test_a_record_names_exactly_the_rules_that_quote_it() -> None:
    """A rule is listed on a sentence exactly when one of its quotes is, or holds, it."""
    wrong = []
    for t in TRACEABILITY:
        quoting = {r.id for r in GUIDELINE.rules if any(_related(q, t.sentence) for q in r.quote)}
        if quoting != set(t.rules):
            wrong.append((t.sentence, sorted(quoting), sorted(t.rules)))

    assert [] == wrong


def test_a_record_names_exactly_the_resolutions_that_quote_it() -> None:
    """A resolution is listed on a sentence exactly when one of its quotes is, or holds, it."""
    wrong = []
    for t in TRACEABILITY:
        quoting = {
            r.id for r in GUIDELINE.resolutions if any(_related(q, t.sentence) for q in r.quotes)
        }
        if quoting != set(t.resolutions):
            wrong.append((t.sentence, sorted(quoting), sorted(t.resolutions)))

    assert [] == wrong


def test_every_quote_of_every_rule_is_traced_to_that_rule() -> None:
    """Each sentence a rule quotes is a traced sentence (or holds one) that names the rule."""
    untraced = [
        (rule.id, q)
        for rule in GUIDELINE.rules
        for q in rule.quote
        if not any(_related(q, t.sentence) and rule.id in t.rules for t in TRACEABILITY)
    ]

    assert [] == untraced


def test_a_record_without_rules_says_why() -> None:
    """Every sentence no rule formalizes carries a gap and an explanation."""
    silent = [
        t.sentence
        for t in TRACEABILITY
        if t.coverage is Coverage.NONE and (t.gap is None or not t.explanation.strip())
    ]

    assert [] == silent


def test_a_partial_record_says_what_is_left_out() -> None:
    """Every partly formalized sentence carries an explanation; a full one carries none."""
    assert all(
        bool(t.explanation.strip()) == (t.coverage is not Coverage.FULL) for t in TRACEABILITY
    )


def test_a_record_without_rules_or_gap_is_refused() -> None:
    """The record type itself refuses an untraced sentence without a reason."""
    with pytest.raises(ValueError, match="say why"):
        TracedSentence(sentence="Some advice.", section=Section.PROFILES)


def test_a_gap_without_explanation_is_refused() -> None:
    """The record type refuses a gap with no words, and words with no gap."""
    with pytest.raises(ValueError, match="go together"):
        TracedSentence(sentence="Some advice.", section=Section.PROFILES, gap=Gap.INFORMATIVE)
    with pytest.raises(ValueError, match="go together"):
        TracedSentence(
            sentence="Some advice.", section=Section.PROFILES, rules="PROFILE.1", explanation="x"
        )


def test_coverage_follows_rules_and_gap() -> None:
    """Coverage is none without rules, partial with rules and a gap, full otherwise."""
    kinds = Counter(t.coverage for t in TRACEABILITY)

    assert set(Coverage) == set(kinds)
    assert all((t.coverage is Coverage.NONE) == (not t.rules) for t in TRACEABILITY)


def test_every_prognostic_factor_is_traced_to_its_bullet() -> None:
    """Each factor of the vocabulary is named in the explanation of one factor bullet."""
    explanations = " ".join(
        t.explanation for t in TRACEABILITY if t.section is Section.PROGNOSTIC_FACTORS
    )

    assert [] == [
        f.value for f in PrognosticFactor if f"prognostic_factors.{f.value}" not in explanations
    ]


# -- every segment is accounted for -------------------------------------------------------


def test_every_segment_is_a_traced_sentence_or_a_label() -> None:
    """Each segment lies within a traced sentence, holds one, or is a heading or label."""
    begin = _scope_begin()
    records = locate(SENTENCES, begin)
    unaccounted = []
    for text, (s0, s1) in zip(segments(), locate(segments(), begin), strict=True):
        if text in LABELS:
            continue
        if not any((r0 <= s0 and s1 <= r1) or (s0 <= r0 and r1 <= s1) for r0, r1 in records):
            unaccounted.append(text)

    assert [] == unaccounted


def test_every_traced_sentence_covers_a_segment() -> None:
    """Each record lines up with the segments: it is one, lies in one, or spans several."""
    spans = locate(segments(), _scope_begin())
    loose = [
        sentence
        for sentence, (r0, r1) in zip(SENTENCES, locate(SENTENCES, _scope_begin()), strict=True)
        if not any((r0 <= s0 and s1 <= r1) or (s0 <= r0 and r1 <= s1) for s0, s1 in spans)
    ]

    assert [] == loose


def test_every_label_is_a_segment() -> None:
    """Each listed heading or label occurs in the text as a segment of its own."""
    found = set(segments())

    assert [] == sorted(label for label in LABELS if label not in found or not quote_occurs(label))


def test_no_label_is_traced() -> None:
    """Headings and labels are not listed as traced sentences too (or the reverse)."""
    assert [] == [s for s in SENTENCES if s in LABELS]


# -- sections ---------------------------------------------------------------------------------


def _section_at(position: int, starts: list[tuple[int, Section]]) -> Section | None:
    current = None
    for begin, section in starts:
        if begin <= position:
            current = section
    return current


def test_section_starts_are_labels_in_text_order() -> None:
    """Each section start is a heading segment, found in the order listed."""
    found = segments()
    index = 0
    for text, _ in SECTION_STARTS:
        assert text in LABELS
        index = found.index(text, index)


def test_every_record_has_the_section_it_stands_in() -> None:
    """A record's section is that of the latest section start before it in the text."""
    found = segments()
    positions = locate(found, _scope_begin())
    starts: list[tuple[int, Section]] = []
    index = 0
    for text, section in SECTION_STARTS:
        index = found.index(text, index)
        starts.append((positions[index][0], section))
    records = locate(SENTENCES, _scope_begin())

    wrong = [
        (t.sentence, t.section, _section_at(r0, starts))
        for t, (r0, _) in zip(TRACEABILITY, records, strict=True)
        if _section_at(r0, starts) is not t.section
    ]
    assert [] == wrong


def test_every_section_has_a_record() -> None:
    """No guideline section is left without a traced sentence."""
    assert set(Section) == {t.section for t in TRACEABILITY}


def test_every_gap_is_described() -> None:
    """Each reason has a short name for tables and a sentence for the docs."""
    assert all(g.words and g.meaning.endswith(".") for g in Gap)
