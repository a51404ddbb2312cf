"""Errata and ambiguities of the guideline text itself, as data, for the committee.

The rules quote the summary as it stands, typing errors included
(``shared/guideline/README.md``). This module lists the places where the text
itself should be corrected (an *erratum*: a typing error, leftover markup, a
broken link) or where it can be read in more than one way (an *ambiguity*), each
with the exact text as it stands, its line in the shipped summary
(``lbp_spec.source.guideline_text()``) and its section, what it should probably
say or why it is ambiguous, and what the spec does about it. Tests check every
location against the text.

``lbp-spec verify --literal`` prints the list after the literal findings
(:func:`append_errata`, :func:`errata_json`); the documentation renders it on the
committee's page.
"""

from __future__ import annotations

import enum
import textwrap
from typing import Any, Final

import attrs

__all__ = [
    "ERRATA",
    "Erratum",
    "ErratumKind",
    "append_errata",
    "errata_json",
    "errata_text",
]


class ErratumKind(enum.Enum):
    """What is wrong with a place in the text."""

    ERRATUM = "erratum"
    """A defect of the text: a typing error, leftover markup, a broken link."""
    AMBIGUITY = "ambiguity"
    """Text that can be read in more than one way; the spec had to choose."""


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class Erratum:
    """One erratum or ambiguity of the guideline summary.

    Attributes:
        id: Stable identifier, e.g. ``TEXT.MCR_SCORE``.
        kind: Erratum or ambiguity.
        text: The text exactly as it stands on that line of the summary.
        line: Its line in the summary (1 is the first line of the file).
        section: The section of the summary it is in, by its headings as they stand.
        reading: What it should probably say (erratum), or why it is ambiguous.
        spec: What the spec does about it.
        rules: The rules whose reading it concerns (may be empty).

    """

    id: str
    kind: ErratumKind
    text: str
    line: int
    section: str
    reading: str
    spec: str
    rules: tuple[str, ...] = attrs.field(converter=_strings, default=())


_E, _A = ErratumKind.ERRATUM, ErratumKind.AMBIGUITY

ERRATA: Final[tuple[Erratum, ...]] = (
    Erratum(
        id="TEXT.PLACEHOLDER_LINK",
        kind=_E,
        text="[KNGF knowledge platform](#)",
        line=9,
        section="Summary (introduction)",
        reading=(
            "The link to the complete guideline is a placeholder ('#'): it points nowhere. It "
            "should give the address of the KNGF knowledge platform."
        ),
        spec="Nothing to formalize; the sentence is informative.",
    ),
    Erratum(
        id="TEXT.LEFTOVER_MARKUP",
        kind=_E,
        text='<ul style="list-style-type: none"> • a patient with low back pain',
        line=17,
        section="Diagnostic process / Need for assistance",
        reading=(
            "HTML tags of the export (<p>, <ul style=...>) are left in the table cells on this "
            "line and on most table rows after it; they are markup, not text."
        ),
        spec=(
            "Quotes are compared with the tags stripped and whitespace collapsed "
            "(lbp_spec.source.normalise), so every rule quotes the words, not the markup."
        ),
    ),
    Erratum(
        id="TEXT.MCR_SCORE",
        kind=_E,
        text="MCR score ≤ 3 out of 5",
        line=18,
        section="Diagnostic process / Red flags",
        reading=(
            "Should say 'MRC score' (Medical Research Council grade), as the neurological "
            "examination row spells it."
        ),
        spec=(
            "Quoted as it stands; the rule reads the lowest MRC grade of the key muscles from "
            "the neurological examination."
        ),
        rules=("EMERGENCY.REFER",),
    ),
    Erratum(
        id="TEXT.CONDIGION",
        kind=_E,
        text="condigion of a specifica sumbosacral nerve root",
        line=19,
        section="Diagnostic process / Lumbosacral radicular syndrome (LRS)",
        reading="Should say 'condition of a specific lumbosacral nerve root'.",
        spec="Quoted as it stands; the rule's note says what was read.",
        rules=("LRS.CHARACTERISATION",),
    ),
    Erratum(
        id="TEXT.RECHECK_HOW_OFTEN",
        kind=_A,
        text="Check other patients with LRS after two to four days",
        line=20,
        section="Diagnostic process / Neurological examination",
        reading=(
            "The sentence does not say whether the check is done once, after the consultation "
            "that establishes (suspected) LRS, or after every consultation of an LRS patient "
            "who is not referred; read as the latter, the patient is seen every two to four "
            "days until referred."
        ),
        spec=(
            "The rule's note states the reading the spec takes; the timing findings show what "
            "it does to the care pathway over time."
        ),
        rules=("LRS.RECHECK",),
    ),
    Erratum(
        id="TEXT.PLANTAR_REFLEX",
        kind=_A,
        text="examination of the reflexes (Achilles tendon, knee tendon, soles of the feet)",
        line=20,
        section="Diagnostic process / Neurological examination",
        reading=(
            "The reflexes are listed together, but an abnormal response of the sole of the "
            "foot is an extensor (Babinski) response, a pyramidal sign and a possible "
            "neurological emergency, not a diminished reflex as for the Achilles and knee "
            "tendons. The text does not say which finding it looks for."
        ),
        spec=(
            "The examination is asked for with all its components; the rules of the "
            "neurological examination say how a reflex finding is read, and a pyramidal sign "
            "is a sign of a neurological emergency (widespread neurological symptoms)."
        ),
        rules=("NEURO.EXAM",),
    ),
    Erratum(
        id="TEXT.THREE_SESSIONS",
        kind=_A,
        text="Limit the treatment to a maximum of three sessions.",
        line=27,
        section="Indications and treatment profiles",
        reading=(
            "The text does not say whether the consultations it asks for elsewhere count as "
            "treatment sessions: for a profile-1 patient with LRS, the check after two to four "
            "days and the evaluation in weeks 6 to 8 of the complaints may take a fourth "
            "session."
        ),
        spec=(
            "Every session held counts (sessions_used, the initial consultation included); at "
            "a follow-up with three sessions used the advice warns that the limit is used up. "
            "The timing finding episodes.profile_1_session_limit shows the episode in which "
            "the consultations the advice requires exceed three."
        ),
        rules=("PROFILE.1.SESSION_LIMIT", "PROFILE.1.SESSION_LIMIT.EXCEEDED"),
    ),
    Erratum(
        id="TEXT.SOME_NON_DOMINANT",
        kind=_A,
        text="There are some non-dominant prognostic factors",
        line=28,
        section="Indications and treatment profiles",
        reading="'Some' gives no number: one factor, or more than one?",
        spec=(
            "'Some' is read as at least one; the therapist judges which factors are present "
            "and whether each is dominant."
        ),
        rules=("PROFILE.2",),
    ),
    Erratum(
        id="TEXT.LIKELY_TO_RECOVERY",
        kind=_E,
        text="likely to recovery quickly",
        line=31,
        section="Indications and treatment profiles",
        reading="Should say 'likely to recover quickly'.",
        spec=(
            "Nothing to formalize beyond the profiles themselves: the sentence motivates them "
            "(see the traceability table)."
        ),
    ),
    Erratum(
        id="TEXT.START_BACK",
        kind=_E,
        text="StarT Back Screening Tool",
        line=33,
        section="Indications and treatment profiles / StarT Back Screening Tool",
        reading=(
            "The tool is called the STarT Back Screening Tool (Subgroups for Targeted "
            "Treatment); the row label and the sentence both spell it 'StarT Back'."
        ),
        spec="Quoted as it stands; the spec calls the tool the SBST.",
        rules=("SBST.SUPPORT_ONLY",),
    ),
    Erratum(
        id="TEXT.STRAY_CONTINUATION_MARK",
        kind=_E,
        text=">\t<ul",
        line=43,
        section="Therapeutic process / Information and advice and (pain) education",
        reading=(
            "A '>' at the end of a table cell (line 41) and at the start of the next block "
            "(this line) marks a cell that continues across a page break of the original; the "
            "same happens on lines 65 and 67 (massage). It is not part of the text."
        ),
        spec=(
            "The continued cell is read as one cell; no quote contains the '>' (quotes are "
            "checked against the text)."
        ),
    ),
    Erratum(
        id="TEXT.REFERRAL_TO_WHOM",
        kind=_A,
        text="a referral to the medical specialist/general practitioner will be provided",
        line=43,
        section="Therapeutic process / Information and advice and (pain) education",
        reading=(
            "The patient is told of a referral to 'the medical specialist/general "
            "practitioner', while the evaluation row (line 78) refers the same patient to the "
            "general practitioner only. To whom is the LRS patient referred?"
        ),
        spec=(
            "Every referral in the advice is to the general practitioner, as the evaluation "
            "row says; the information given to the patient is quoted as it stands."
        ),
        rules=("EVAL.LRS.PERSISTENT",),
    ),
    Erratum(
        id="TEXT.STRAY_TABLE_RULE",
        kind=_E,
        text="---\t--",
        line=44,
        section="Therapeutic process / Information and advice and (pain) education",
        reading="A leftover table separator of the export, with no text.",
        spec="Ignored.",
    ),
    Erratum(
        id="TEXT.AIMING_THIS_ON",
        kind=_E,
        text="aiming this specifically on the psychosocial prognostic factors",
        line=57,
        section="Therapeutic process / Behaviour-oriented treatments",
        reading="Should say 'aiming it specifically at the psychosocial prognostic factors'.",
        spec="Quoted as it stands.",
        rules=("BEHAVIOUR.PROFILE_3.PERSONALISE",),
    ),
    Erratum(
        id="TEXT.MASSAGE_PURPOSE",
        kind=_A,
        text=(
            "to create acceptance of an active approach and achieve exercise and "
            "self-reliance on the part of the patient, and"
        ),
        line=65,
        section="Therapeutic process / Manipulations and mobilisations*, massage, TENS and "
        "interference",
        reading=(
            "The other bullets of 'Only apply massage' are conditions ('if you assess ...', "
            "'if massage is ...'); this third one states a purpose. Is it a condition that "
            "must hold, or the aim of the massage?"
        ),
        spec=(
            "Read as a condition like the others: the therapist records whether the massage "
            "serves to gain acceptance of an active approach, and massage is permitted only "
            "when all five hold."
        ),
        rules=("PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",),
    ),
    Erratum(
        id="TEXT.TWO_FOOTNOTES_ONE_MARK",
        kind=_E,
        text="repeat the evaluation of the risk of persistent complaints*",
        line=74,
        section="Therapeutic process / Evaluation and referral",
        reading=(
            "The mark '*' refers here to the note on line 80 (who judges the decrease of "
            "complaints), but the same mark already refers to the note on mobilisations and "
            "manipulations (line 70). Two notes should have two marks."
        ),
        spec="Each rule quotes the note it relies on.",
        rules=("EVAL.REPEAT_RISK_EVALUATION",),
    ),
    Erratum(
        id="TEXT.AT_LEAST_AFTER_THREE_WEEKS",
        kind=_A,
        text="at least after three weeks for profile 1",
        line=74,
        section="Therapeutic process / Evaluation and referral",
        reading=(
            "Profiles 2 and 3 get a window with an end (three to six, six to 12 weeks); "
            "profile 1 gets only a start. 'At least after three weeks' sets no latest week, so "
            "nothing says when a profile-1 patient must be evaluated."
        ),
        spec=(
            "Read as an open window, from week 3 on, without a deadline; the spec does not "
            "invent one, and the timing findings show the consequence."
        ),
        rules=("EVAL.WINDOW.PROFILE_1",),
    ),
    Erratum(
        id="TEXT.INADEQUATE_ALLEVIATION",
        kind=_A,
        text="If there is an inadequate alleviation of complaints",
        line=74,
        section="Therapeutic process / Evaluation and referral",
        reading=(
            "The text does not say against what the alleviation is judged (the onset of the "
            "complaints, the start of treatment, the last evaluation) nor what is adequate; "
            "the rows of the evaluation table use the same words for profiles 1 to 3."
        ),
        spec=(
            "The spec takes the judgement as an input (improvement: adequate or inadequate "
            "decrease of complaints, as the patient judges it with the therapist) and defines "
            "no reference point or threshold of its own."
        ),
        rules=(
            "EVAL.REPEAT_RISK_EVALUATION",
            "EVAL.PROFILE_1_2.REFER",
            "EVAL.PROFILE_3.CONSULT_GP",
            "EVAL.PROFILE_3.REFER",
        ),
    ),
    Erratum(
        id="TEXT.AFTER_SIX_WEEKS",
        kind=_A,
        text="Contact the general practitioner if there is an inadequate alleviation of "
        "complaints after six weeks",
        line=77,
        section="Therapeutic process / Evaluation and referral",
        reading=(
            "'After six weeks' (and 'after 12 weeks' for the referral) can mean at the end of "
            "week 6 or from week 6 on, and the 6-12-week window lets the evaluation that "
            "judges it come as late as week 12."
        ),
        spec="Read as: from week 6 on (and from week 12 on for the referral).",
        rules=("EVAL.PROFILE_3.CONSULT_GP", "EVAL.PROFILE_3.REFER"),
    ),
    Erratum(
        id="TEXT.NEXT_PHASE",
        kind=_A,
        text="consult about the next phase in the gradual approach",
        line=77,
        section="Therapeutic process / Evaluation and referral",
        reading=(
            "The summary names no phases of the gradual approach, so it does not say what "
            "the next phase is, nor who decides on it."
        ),
        spec=(
            "The advice asks the therapist to discuss the next phase with the general "
            "practitioner (evaluation action discuss_next_phase_with_gp) and says nothing of "
            "its content."
        ),
        rules=("EVAL.PROFILE_3.REFER",),
    ),
    Erratum(
        id="TEXT.PERSIST_SIX_TO_EIGHT_WEEKS",
        kind=_A,
        text="if the complaints persist from six to eight weeks",
        line=78,
        section="Therapeutic process / Evaluation and referral",
        reading=(
            "Two readings meet: whether the weeks count from the onset of the complaints or "
            "from the start of treatment, and whether the referral is due at six weeks, at "
            "eight, or anywhere between. Nor does the text say whether the sentence applies "
            "to a patient first seen after the sixth week of the complaints, before any "
            "treatment."
        ),
        spec=(
            "The weeks count from the onset of the complaints; the rule's note states the "
            "reading, and the timing findings show which week the referral falls in. The "
            "sentence has no condition of treatment, so it applies at every consultation, "
            "the first included: a patient first seen with LRS complaints of six weeks or "
            "more and an insufficient alleviation of pain or decrease of loss of function is "
            "referred instead of treated. The committee may want to confirm this."
        ),
        rules=("EVAL.LRS.PERSISTENT",),
    ),
)
"""Every erratum and ambiguity of the summary, in text order."""


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, 88, initial_indent=indent, subsequent_indent=indent + "  ")


def errata_text(items: tuple[Erratum, ...] = ERRATA) -> str:
    """The list for people, as ``lbp-spec verify --literal`` prints it."""
    errata = sum(e.kind is ErratumKind.ERRATUM for e in items)
    title = "Errata and ambiguities of the guideline text"
    lines = [
        title,
        "-" * len(title),
        "",
        *_wrap(
            f"{errata} errata and {len(items) - errata} ambiguities of the summary itself, for "
            "the committee; each with its line in the text, quoted as it stands.",
            "",
        ),
    ]
    for item in items:
        lines += ["", f"{item.id} ({item.kind.value}), line {item.line}, {item.section}"]
        lines += _wrap(f'"{item.text}"', "  ")
        label = "should say" if item.kind is ErratumKind.ERRATUM else "ambiguous"
        lines += _wrap(f"{label}: {item.reading}", "  ")
        lines += _wrap(f"the spec: {item.spec}", "  ")
        if item.rules:
            lines += _wrap(f"rules: {', '.join(item.rules)}", "  ")
    return "\n".join(lines) + "\n"


def append_errata(literal: str, items: tuple[Erratum, ...] = ERRATA) -> str:
    """``literal`` (the literal findings report) with the errata before its summary line.

    The summary line stays last, so that a reader (or CI) taking the tail of the
    report still finds it there.
    """
    body, _, summary = literal.rstrip("\n").rpartition("\n")
    return f"{body}\n\n{errata_text(items)}\n{summary}\n"


def errata_json(items: tuple[Erratum, ...] = ERRATA) -> list[dict[str, Any]]:
    """The list as a JSON value."""
    return [
        {
            "id": e.id,
            "kind": e.kind.value,
            "text": e.text,
            "line": e.line,
            "section": e.section,
            "reading": e.reading,
            "spec": e.spec,
            "rules": list(e.rules),
        }
        for e in items
    ]
