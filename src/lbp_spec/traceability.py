"""The traceability table: each recommendation-bearing sentence of the summary, traced.

:data:`TRACEABILITY` lists, in text order, every sentence (or bullet) of the
guideline summary from "Diagnostic process" to the end that says something to the
therapist, with the guideline section it stands in, the rules that formalize it
and the resolutions that quote it. A sentence that no rule formalizes, or that a
rule formalizes only in part, carries a :class:`Gap` and an explanation.

:func:`segments` cuts the summary into sentences and bullets, so that the tests can
check that every segment is accounted for: it is a traced sentence, part of one,
or one of the :data:`LABELS` (headings and table labels). This module is data and
two small text functions; the docs render it, the tests check it against
:data:`lbp_spec.rules.GUIDELINE`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Final

import attrs

from lbp_spec.source import guideline_text, normalise, normalised_text
from lbp_spec.vocabulary import Section

__all__ = [
    "LABELS",
    "SCOPE_START",
    "SECTION_STARTS",
    "TRACEABILITY",
    "Coverage",
    "Gap",
    "TracedSentence",
    "locate",
    "segment",
    "segments",
]


class Gap(enum.Enum):
    """Why a sentence is not (or not wholly) formalized by a rule.

    :attr:`words` names the reason in a few words, :attr:`meaning` in a sentence.
    """

    INFORMATIVE = "informative"
    CASE_INPUT = "case_input"
    JUDGEMENT = "judgement"
    CONDUCT = "conduct"
    NOT_IN_CASE = "not_in_case"
    ELSEWHERE = "elsewhere"

    @property
    def words(self) -> str:
        """The reason in a few words, for tables."""
        return _GAP_WORDS[self][0]

    @property
    def meaning(self) -> str:
        """The reason in a sentence."""
        return _GAP_WORDS[self][1]


_GAP_WORDS: Final = {
    Gap.INFORMATIVE: (
        "informative",
        "Background or a definition: it states a fact and advises nothing.",
    ),
    Gap.CASE_INPUT: (
        "a case input",
        "It asks the therapist to assess or collect what the case carries as an input.",
    ),
    Gap.JUDGEMENT: (
        "the therapist's judgement",
        "A vague term, left to the therapist's judgement: the spec invents no threshold "
        "the text does not give.",
    ),
    Gap.CONDUCT: (
        "conduct, no decidable effect",
        "How to communicate or conduct treatment, with no decidable effect on the advice.",
    ),
    Gap.NOT_IN_CASE: (
        "not recorded in the case",
        "It depends on something the case does not record.",
    ),
    Gap.ELSEWHERE: (
        "formalized elsewhere",
        "It is formalized by rules that quote other sentences.",
    ),
}


class Coverage(enum.Enum):
    """How much of a sentence its rules formalize."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


def _strings(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class TracedSentence:
    """One recommendation-bearing sentence (or bullet) of the summary, traced.

    Attributes:
        sentence: The sentence exactly as it occurs in the normalised summary.
        section: The guideline section it stands in.
        rules: Ids of the rules that formalize it (they quote it).
        resolutions: Ids of the resolutions that quote it.
        gap: Why it is not, or not wholly, formalized; ``None`` when its rules
            formalize it fully (their interpretation notes say how it was read).
        explanation: The gap in words: what is left out and where it went.

    Raises:
        ValueError: A sentence without rules has no gap, or a gap has no
            explanation, or an explanation has no gap.

    """

    sentence: str
    section: Section
    rules: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    resolutions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    gap: Gap | None = None
    explanation: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.sentence.strip():
            raise ValueError("a traced sentence must not be empty")
        if not self.rules and self.gap is None:
            raise ValueError(f"no rule formalizes {self.sentence!r}: say why (gap)")
        if (self.gap is None) != (not self.explanation.strip()):
            raise ValueError(f"{self.sentence!r}: a gap and its explanation go together")

    @property
    def coverage(self) -> Coverage:
        """Full, partial or no formalization."""
        if not self.rules:
            return Coverage.NONE
        return Coverage.FULL if self.gap is None else Coverage.PARTIAL


# -- segmentation ----------------------------------------------------------------------

SCOPE_START: Final = "Diagnostic process"
"""The first segment of the part of the summary that the table covers."""

_BLOCK = re.compile(r"<[^>]*>|[\t\n]")
_BULLET = re.compile(r"\s*•\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[*A-Z])")
_CONTINUED = re.compile(r"\s*>$")
_FOOTNOTE = re.compile(r"^\*\s+")
_WORD = re.compile(r"[A-Za-z0-9]")


def segment(raw: str) -> tuple[str, ...]:
    """Cut a raw guideline text into its sentences and bullets, in order.

    The raw text is first cut at the boundaries that normalisation erases: HTML
    tags (paragraphs, lists), tabs (table cells) and line ends. Each block is then
    normalised and cut at bullets ("•") and at sentence ends (".", "!", "?" or ":"
    before a capital or a footnote star). A trailing ``>`` (the cell continues in
    the next block) and a leading ``*`` (a footnote) are stripped; pieces without
    a letter or digit (``>``, table rules like ``---``) are dropped.

    Args:
        raw: Text as shipped (tags, tabs and all).

    Returns:
        The segments, normalised; each occurs in ``normalise(raw)``.

    """
    out: list[str] = []
    for block in _BLOCK.split(raw):
        for piece in _BULLET.split(normalise(block)):
            for sentence in _SENTENCE_END.split(piece):
                text = _FOOTNOTE.sub("", _CONTINUED.sub("", sentence.strip()))
                if _WORD.search(text):
                    out.append(text)
    return tuple(out)


def segments() -> tuple[str, ...]:
    """The segments of the shipped summary from :data:`SCOPE_START` to the end."""
    every = segment(guideline_text())
    return every[every.index(SCOPE_START) :]


def locate(texts: Iterable[str], start: int = 0) -> tuple[tuple[int, int], ...]:
    """Where each text occurs in the normalised summary, searching in order.

    Each text is looked for from where the previous one began (from ``start``
    for the first), so repeated texts such as "LRS" are found in turn.

    Args:
        texts: Normalised texts, in the order they occur.
        start: Offset in the normalised summary to search from.

    Returns:
        For each text, its ``(begin, end)`` offsets.

    Raises:
        ValueError: A text does not occur there, or not in the given order.

    """
    text = normalised_text()
    spans: list[tuple[int, int]] = []
    position = start
    for item in texts:
        begin = text.find(item, position)
        if begin < 0:
            raise ValueError(f"not found in the summary (in this order): {item!r}")
        spans.append((begin, begin + len(item)))
        position = begin
    return tuple(spans)


# -- headings and labels -----------------------------------------------------------------

LABELS: Final[frozenset[str]] = frozenset(
    {
        "Diagnostic process",
        "Medical history taking and physical examination",
        "Need for assistance",
        "Red flags",
        "Lumbosacral radicular syndrome (LRS)",
        "Neurological examination",
        "Prognostic factors",
        "Factors related to back pain",
        "Work-related factors",
        "Patient-related factors",
        "Psychosocial factors",
        "Indications and treatment profiles",
        "StarT Back Screening Tool",
        "LRS",
        "Therapeutic process",
        "Information and advice and (pain) education",
        "Profiles 1, 2 and 3",
        "Exercise therapy",
        "Profile 1",
        "Profile 3",
        "Profiles 1 and 2",
        "Profiles 2 and 3",
        "Type of exercise therapy",
        "Guidance",
        "Behaviour-oriented treatments",
        "Type",
        "Manipulations and mobilisations*, massage, TENS and interference",
        "Evaluation and referral",
    }
)
"""Segments that are headings or table labels: they carry no recommendation."""

SECTION_STARTS: Final[tuple[tuple[str, Section], ...]] = (
    # The table of the diagnostic process opens with its lead-in, which is read as
    # part of its first row (need for assistance): the summary names no section
    # for the lead-in alone.
    ("Diagnostic process", Section.NEED_FOR_ASSISTANCE),
    ("Red flags", Section.RED_FLAGS),
    ("Lumbosacral radicular syndrome (LRS)", Section.LRS),
    ("Neurological examination", Section.NEUROLOGICAL_EXAMINATION),
    ("Prognostic factors", Section.PROGNOSTIC_FACTORS),
    ("Indications and treatment profiles", Section.PROFILES),
    ("StarT Back Screening Tool", Section.SBST),
    # The LRS row after the SBST row belongs to the profiles table again.
    ("LRS", Section.PROFILES),
    ("Information and advice and (pain) education", Section.INFORMATION),
    ("Exercise therapy", Section.EXERCISE),
    ("Behaviour-oriented treatments", Section.BEHAVIOUR),
    ("Manipulations and mobilisations*, massage, TENS and interference", Section.PASSIVE),
    ("Evaluation and referral", Section.EVALUATION),
)
"""The segment that opens each stretch of a section, in text order."""


# -- the table -----------------------------------------------------------------------------

_T = TracedSentence


def _factor(sentence: str, value: str, rules: tuple[str, ...] = ()) -> TracedSentence:
    return _T(
        sentence=sentence,
        section=Section.PROGNOSTIC_FACTORS,
        rules=rules,
        gap=Gap.CASE_INPUT,
        explanation=(
            f"A prognostic factor: the case key prognostic_factors.{value}, with the "
            "therapist's judgement of whether it is dominant. The profile rules read it."
        ),
    )


_EDUCATION_GENERAL = (
    "EDUCATION.NATURE.UNCLEAR_ORIGIN",
    "EDUCATION.NATURE.NO_RARE_CONDITION",
    "EDUCATION.COURSE.RECURRING",
    "EDUCATION.COURSE.THREE_MONTHS",
    "EDUCATION.FACTORS.STAY_ACTIVE",
    "EDUCATION.FACTORS.PROGNOSTIC",
)
_PROFILES = ("PROFILE.1", "PROFILE.2", "PROFILE.3")
_MASSAGE = (
    "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_MET",
    "PASSIVE.PROFILE_2_3.MASSAGE.CRITERIA_NOT_MET",
)
_SAFETY_NET = ("EMERGENCY.REFER.SAFETY_NET_SIGNS", "LRS.SAFETY_NET")
_EVALUATION = (
    "EVAL.WINDOW.PROFILE_1",
    "EVAL.WINDOW.PROFILE_2",
    "EVAL.WINDOW.PROFILE_3",
    "EVAL.REPEAT_RISK_EVALUATION",
)
_MASSAGE_CRITERION = (
    "One of the five massage conditions: a case input (massage_criteria), judged by the therapist."
)

TRACEABILITY: Final[tuple[TracedSentence, ...]] = (
    # -- Diagnostic process ------------------------------------------------------------
    _T(
        sentence="Collect information about the following in the medical history taking and "
        "the physical examination:",
        section=Section.NEED_FOR_ASSISTANCE,
        gap=Gap.CASE_INPUT,
        explanation=(
            "The lead-in of the diagnostic table: what is collected is the case itself "
            "(need for assistance, red flags, LRS, examination findings, prognostic factors)."
        ),
    ),
    _T(
        sentence="There is an indication for physical therapy or exercise therapy when:",
        section=Section.NEED_FOR_ASSISTANCE,
        rules="INDICATION.THERAPY",
    ),
    _T(
        sentence="a patient with low back pain sees the physical or exercise therapist with a "
        "need for assistance related to limitations in activities of daily living and/or "
        "social participation based on movement-related functioning and",
        section=Section.NEED_FOR_ASSISTANCE,
        rules="INDICATION.THERAPY",
    ),
    _T(
        sentence="the therapist sees no reason to refer the patient (back) to the general "
        "practitioner or referring specialist (see red flags).",
        section=Section.NEED_FOR_ASSISTANCE,
        rules=("INDICATION.THERAPY", "REDFLAG.REFER"),
    ),
    _T(
        sentence="Assess whether there are signs that could indicate a fracture, infection, "
        "tumour or inflammatory condition, or a neurological emergency.",
        section=Section.RED_FLAGS,
        rules=("REDFLAG.REFER", "EMERGENCY.REFER"),
        gap=Gap.CASE_INPUT,
        explanation=(
            "The assessment is the therapist's (red_flags and neurological_emergency_signs are "
            "case inputs). Its consequence, referral, is REDFLAG.REFER for the four "
            "conditions and EMERGENCY.REFER for the neurological emergency."
        ),
    ),
    _T(
        sentence="Possible signs of a neurological emergency: urine retention, faecal or "
        "urinary incontinence, severe motor deficit (MCR score ≤ 3 out of 5) or widespread "
        "neurological symptoms (such as pyramidal signs).",
        section=Section.RED_FLAGS,
        rules="EMERGENCY.REFER",
        resolutions="RES.MOST_URGENT_REFERRAL",
    ),
    _T(
        sentence="LRS is characterised by pain in the buttocks and/or sciatica into the leg, "
        "accompanied by one or more complaints or symptoms that are suggestive of a condigion "
        "of a specifica sumbosacral nerve root, such as tingling sensations (paraesthesia) and "
        "neurological loss of function (hypoesthesia/hypalgesia, paresis, diminished "
        "reflexes).",
        section=Section.LRS,
        rules=("LRS.CHARACTERISATION", "FACTORS.LRS_LEG_PAIN_UNRECORDED"),
        gap=Gap.JUDGEMENT,
        explanation=(
            "A definition: the diagnosis of LRS stays the therapist's (the case input lrs). "
            "The rules only warn: when the examination suggests LRS and it was not diagnosed, "
            "and when LRS is diagnosed without the prognostic factor pain in the leg; "
            "paraesthesia is not recorded in the case."
        ),
    ),
    _T(
        sentence="In the event of suspected LRS, for example with symptoms underneath the "
        "knee, perform a neurological examination on the patient:",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules="NEURO.EXAM",
    ),
    _T(
        sentence="examination of the pain distribution (connected or not connected to the "
        "dermatome), and",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("NEURO.EXAM", "NEURO.FINDING.DERMATOMAL_PAIN"),
    ),
    _T(
        sentence="examination of the fingertips-to-floor distance when bending forward with "
        "straight knees (positive if the distance is > 25 cm), and",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("NEURO.EXAM", "NEURO.FINDING.FINGERTIP_FLOOR"),
    ),
    _T(
        sentence="the Lasègue test (passive 'straight leg raise'), the crossed Lasègue test or "
        "the reversed Lasègue test, and",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("NEURO.EXAM", "NEURO.FINDING.LASEGUE"),
    ),
    _T(
        sentence="examination of the muscle strength ('Medical Research Council' of the key "
        "muscles), and",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("NEURO.EXAM", "NEURO.FINDING.MUSCLE_STRENGTH"),
    ),
    _T(
        sentence="examination of the vital and gnostic sensibility (connected or not connected "
        "to the dermatome), and",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("NEURO.EXAM", "NEURO.FINDING.SENSIBILITY"),
    ),
    _T(
        sentence="examination of the reflexes (Achilles tendon, knee tendon, soles of the feet).",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("NEURO.EXAM", "NEURO.FINDING.REFLEXES"),
    ),
    _T(
        sentence="Be alert to emergency indications in patients with LRS, in the form of signs "
        "of a serious neurological problem.",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules="EMERGENCY.REFER.SAFETY_NET_SIGNS",
        gap=Gap.CONDUCT,
        explanation=(
            "'Be alert' has no decidable effect of its own; the signs it points to refer the "
            "patient immediately (EMERGENCY.REFER.SAFETY_NET_SIGNS, and EMERGENCY.REFER for "
            "the red-flag signs)."
        ),
    ),
    _T(
        sentence="Refer the patient with LRS and severe motor deficit (MRC score ≤ 3 out of "
        "5), and/or severe pain (NPRS ≥ 8) to the general practitioner.",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules=("LRS.REFER.SEVERE", "FACTORS.SEVERE_PAIN_UNRECORDED"),
        resolutions="RES.MOST_URGENT_REFERRAL",
    ),
    _T(
        sentence="Check other patients with LRS after two to four days and act according to "
        "the recommendations in this guideline.",
        section=Section.NEUROLOGICAL_EXAMINATION,
        rules="LRS.RECHECK",
        gap=Gap.ELSEWHERE,
        explanation=(
            "The check is formalized (once, where LRS is diagnosed: LRS.RECHECK). 'Act "
            "according to the recommendations in this guideline' adds nothing of its own: it "
            "points to the rest of the rules, among them the evaluation of LRS in weeks 6 to 8 "
            "of the complaints (EVAL.LRS.WINDOW)."
        ),
    ),
    _T(
        sentence="Assess the following prognostic factors for persistent low back pain and LRS:",
        section=Section.PROGNOSTIC_FACTORS,
        rules="FACTORS.SEVERE_PAIN_UNRECORDED",
        gap=Gap.CASE_INPUT,
        explanation=(
            "The assessment is the therapist's: the case carries each present factor with "
            "its level (prognostic_factors); the profile rules read them. Where the recorded "
            "findings disagree with the recorded factors, the advice warns "
            "(FACTORS.SEVERE_PAIN_UNRECORDED, FACTORS.LRS_LEG_PAIN_UNRECORDED)."
        ),
    ),
    _factor("previous episodes of low back pain", "previous_episodes"),
    # The three factors below also stand in the LRS row of the profiles table, which the
    # warning FACTORS.LRS_LEG_PAIN_UNRECORDED quotes; high intensity of pain is the factor
    # FACTORS.SEVERE_PAIN_UNRECORDED reads.
    _factor(
        "a high degree of limitations in activities",
        "high_activity_limitation",
        ("FACTORS.LRS_LEG_PAIN_UNRECORDED",),
    ),
    _factor("pain in the leg", "leg_pain", ("FACTORS.LRS_LEG_PAIN_UNRECORDED",)),
    _factor(
        "high intensity of pain",
        "high_pain_intensity",
        ("FACTORS.LRS_LEG_PAIN_UNRECORDED", "FACTORS.SEVERE_PAIN_UNRECORDED"),
    ),
    _factor("high degree of physical load at work", "high_physical_work_load"),
    _factor("bad relationships with colleagues", "poor_colleague_relationships"),
    _factor("diminished job satisfaction", "low_job_satisfaction"),
    _factor("bad general health status or quality of life", "poor_general_health"),
    _factor("psychological and psychosocial stress", "psychological_stress"),
    _factor("pain-related fear of movement", "fear_of_movement"),
    _factor("feelings/symptoms of depression", "depressive_symptoms"),
    _factor("passive coping style", "passive_coping"),
    _factor(
        "negative expectations about recovery or catastrophisation",
        "negative_recovery_expectations",
    ),
    # -- Indications and treatment profiles ----------------------------------------------
    _T(
        sentence="Evaluate the risk of persistent complaints upon initial contact with the "
        "patient by assessing whether there are prognostic factors for persistent low back "
        "pain complaints.",
        section=Section.PROFILES,
        rules=_PROFILES,
        gap=Gap.CASE_INPUT,
        explanation=(
            "The assessment of the factors is a case input. The profile rules select a profile "
            "at every consultation from the factors as then assessed, not only on initial "
            "contact (see the note of PROFILE.1)."
        ),
    ),
    _T(
        sentence="Then select among the following profiles:",
        section=Section.PROFILES,
        rules=_PROFILES,
    ),
    _T(
        sentence="Profile 1 Low risk of persistent complaints",
        section=Section.PROFILES,
        rules="PROFILE.1",
    ),
    _T(
        sentence="There are no dominant prognostic factors for delayed recovery present.",
        section=Section.PROFILES,
        rules="PROFILE.1",
        resolutions="RES.PROFILE_2_OVER_1",
    ),
    _T(
        sentence="Limit the treatment to a maximum of three sessions.",
        section=Section.PROFILES,
        rules=("PROFILE.1.SESSION_LIMIT", "PROFILE.1.SESSION_LIMIT.EXCEEDED"),
    ),
    _T(
        sentence="Profile 2 Moderate risk of persistent low back pain",
        section=Section.PROFILES,
        rules="PROFILE.2",
    ),
    _T(
        sentence="There are some non-dominant prognostic factors for delayed recovery present.",
        section=Section.PROFILES,
        rules="PROFILE.2",
        resolutions="RES.PROFILE_2_OVER_1",
    ),
    _T(
        sentence="Profile 3 High risk of persistent low back pain",
        section=Section.PROFILES,
        rules="PROFILE.3",
    ),
    _T(
        sentence="There are dominant prognostic factors for delayed recovery present.",
        section=Section.PROFILES,
        rules="PROFILE.3",
        resolutions="RES.PROFILE_3_OVER_2",
    ),
    _T(
        sentence="Dominant/non-dominant: a dominant presence is when the factor greatly "
        "contributes to perpetuating the pain and/or limitations in physical functioning.",
        section=Section.PROFILES,
        rules="PROFILE.3",
        gap=Gap.JUDGEMENT,
        explanation=(
            "Defines 'dominant'; whether a factor greatly contributes is the therapist's "
            "judgement, given in the case as the factor's level."
        ),
    ),
    _T(
        sentence="Based on the treatment profiles, consider offering simpler and less "
        "intensive support to people who are likely to recovery quickly and more complex and "
        "intensive support to people with a higher risk of persistent complaints.",
        section=Section.PROFILES,
        resolutions="RES.PROFILE_3_OVER_2",
        gap=Gap.ELSEWHERE,
        explanation=(
            "The principle behind the profiles, realised by the profile-specific rules (at "
            "most three sessions in profile 1, exercise therapy offered in profiles 2 and 3, "
            "behaviour-oriented treatment considered in profile 3); it is the reason of "
            "RES.PROFILE_3_OVER_2."
        ),
    ),
    _T(
        sentence="Consider using the StarT Back Screening Tool (SBST) to support the "
        "evaluation of the risk of persistent complaints.",
        section=Section.SBST,
        rules="SBST.SUPPORT_ONLY",
        gap=Gap.CASE_INPUT,
        explanation=(
            "Using the SBST is the therapist's choice: its score is an optional case input. "
            "The rule only warns when the SBST risk group differs from the profile."
        ),
    ),
    _T(
        sentence="Never base the evaluation solely on the SBST.",
        section=Section.SBST,
        rules="SBST.SUPPORT_ONLY",
    ),
    _T(
        sentence="Because LRS is often associated with a high degree of limitations in "
        "activities, pain in the leg and high intensity of pain, these patients have a greater "
        "chance of being assigned to profile 3.",
        section=Section.PROFILES,
        rules=("FACTORS.LRS_LEG_PAIN_UNRECORDED", "FACTORS.SEVERE_PAIN_UNRECORDED"),
        gap=Gap.INFORMATIVE,
        explanation=(
            "States an expected outcome, not a rule: the profile is decided by the prognostic "
            "factors, which LRS patients more often have dominant; the diagnosis itself never "
            "sets the profile. The spec only warns when LRS is recorded without the factor "
            "pain in the leg (FACTORS.LRS_LEG_PAIN_UNRECORDED)."
        ),
    ),
    # -- Information and advice and (pain) education -------------------------------------
    _T(
        sentence="Give patients with low back pain in treatment profiles 1, 2 and 3 "
        "information and advice about:",
        section=Section.INFORMATION,
        rules=_EDUCATION_GENERAL,
    ),
    _T(
        sentence="The nature and diagnosis of the low back pain",
        section=Section.INFORMATION,
        rules=("EDUCATION.NATURE.UNCLEAR_ORIGIN", "EDUCATION.NATURE.NO_RARE_CONDITION"),
    ),
    _T(
        sentence="Explain that it is often unclear exactly how low back pain arises and that "
        "there is often a combination of factors present.",
        section=Section.INFORMATION,
        rules="EDUCATION.NATURE.UNCLEAR_ORIGIN",
    ),
    _T(
        sentence="Explain that the vast majority of people with low back pain have no "
        "indications for an underlying rare condition.",
        section=Section.INFORMATION,
        rules="EDUCATION.NATURE.NO_RARE_CONDITION",
    ),
    _T(
        sentence="The course and prognosis of low back pain",
        section=Section.INFORMATION,
        rules=("EDUCATION.COURSE.RECURRING", "EDUCATION.COURSE.THREE_MONTHS"),
    ),
    _T(
        sentence="Explain that low back pain occurs often and frequently returns, and that "
        "the extent of the low back pain can differ each time.",
        section=Section.INFORMATION,
        rules="EDUCATION.COURSE.RECURRING",
    ),
    _T(
        sentence="Explain that after three months about half of patients are pain-free and "
        "physical functioning has been recovered.",
        section=Section.INFORMATION,
        rules="EDUCATION.COURSE.THREE_MONTHS",
    ),
    _T(
        sentence="Inhibiting and facilitating factors (if applicable)",
        section=Section.INFORMATION,
        rules=("EDUCATION.FACTORS.STAY_ACTIVE", "EDUCATION.FACTORS.PROGNOSTIC"),
    ),
    _T(
        sentence="Explain that recovery can be expedited by remaining active and limiting bed "
        "rest, self-management for recovery, active coping strategies, positive emotions and "
        "a healthy lifestyle.",
        section=Section.INFORMATION,
        rules="EDUCATION.FACTORS.STAY_ACTIVE",
    ),
    _T(
        sentence="Explain that the presence of the above-mentioned prognostic factors can "
        "cause the recovery to progress less rapidly.",
        section=Section.INFORMATION,
        rules="EDUCATION.FACTORS.PROGNOSTIC",
    ),
    _T(
        sentence="Explain that LRS is characterised by the stimulation of a nerve root in the "
        "back, usually due to a herniated intervertebral disc, and that this results in "
        "sciatica and sometimes also in sensory disorders and loss of strength in the area "
        "innervated by this nerve.",
        section=Section.INFORMATION,
        rules="EDUCATION.LRS.NERVE_ROOT",
    ),
    _T(
        sentence="Also explain that the herniated intervertebral disc retracts on its own in "
        "most cases.",
        section=Section.INFORMATION,
        rules="EDUCATION.LRS.NERVE_ROOT",
    ),
    _T(
        sentence="Explain that LRS significantly recovers in most patients in the first three "
        "months, without requiring surgical intervention.",
        section=Section.INFORMATION,
        rules="EDUCATION.LRS.RECOVERY",
    ),
    _T(
        sentence="Explain to patients who need information about imaging diagnostics (X-ray "
        "or MRI) that the general practitioner in consultation with the medical specialist "
        "will decide whether or not the patient is eligible for this.",
        section=Section.INFORMATION,
        rules="EDUCATION.LRS.IMAGING",
        gap=Gap.NOT_IN_CASE,
        explanation=(
            "Whether the patient needs information about imaging is not recorded in the case; "
            "the topic is listed for every treated LRS patient, to be given on request."
        ),
    ),
    _T(
        sentence="Explain that, in case of an LRS, the treatment is generally conservative "
        "during the first three months.",
        section=Section.INFORMATION,
        rules="EDUCATION.LRS.CONSERVATIVE",
    ),
    _T(
        sentence="Advise the patient to move guided by the pain and to gradually increase "
        "physical activity.",
        section=Section.INFORMATION,
        rules="EDUCATION.LRS.MOVE_GUIDED_BY_PAIN",
        resolutions="RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",
    ),
    _T(
        sentence="Explain that if the complaints have not sufficiently improved after six to "
        "eight weeks, a referral to the medical specialist/general practitioner will be "
        "provided.",
        section=Section.INFORMATION,
        rules=("EDUCATION.LRS.REFERRAL_6_8_WEEKS", "EVAL.LRS.PERSISTENT", "EVAL.LRS.WINDOW"),
        gap=Gap.ELSEWHERE,
        explanation=(
            "The explanation, its evaluation window and the referral are formalized. The "
            "referral goes to the general practitioner, as the referral sentence of the "
            "evaluation row says; the 'medical specialist' this sentence names as an "
            "alternative is not a referral target of the advice."
        ),
    ),
    _T(
        sentence="Advise the patient with LRS to immediately contact the general practitioner "
        "in the event of:",
        section=Section.INFORMATION,
        rules=_SAFETY_NET,
    ),
    _T(sentence="saddle numbness;", section=Section.INFORMATION, rules=_SAFETY_NET),
    _T(
        sentence="unintentional loss of urine or bowel movement or inability to urinate;",
        section=Section.INFORMATION,
        rules="LRS.SAFETY_NET",
    ),
    _T(
        sentence="increasing loss of muscle strength in the legs.",
        section=Section.INFORMATION,
        rules=_SAFETY_NET,
    ),
    # -- Exercise therapy -------------------------------------------------------------------
    _T(
        sentence="Consider giving instructions for exercise therapy to be done independently "
        "for patients with a low risk of persistent complaints.",
        section=Section.EXERCISE,
        rules="EXERCISE.PROFILE_1.SELF_DIRECTED",
    ),
    _T(
        sentence="Offer exercise therapy for patients with a moderate or high risk of "
        "persistent low back pain.",
        section=Section.EXERCISE,
        rules="EXERCISE.PROFILE_2_3.OFFER",
        resolutions="RES.LRS_EXERCISE",
    ),
    _T(
        sentence="Focus the exercise therapy on the patient's needs, preferences and "
        "capabilities as determined during the medical history taking and the physical "
        "examination.",
        section=Section.EXERCISE,
        rules="EXERCISE.TYPE.TAILOR",
    ),
    _T(
        sentence="Encourage the patient to resume or expand activities, preferably gradually "
        "and in a time-contingent manner.",
        section=Section.EXERCISE,
        rules="EXERCISE.TYPE.GRADUAL",
        resolutions="RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",
    ),
    _T(
        sentence="If permissible, scale back the guidance during the treatment period.",
        section=Section.EXERCISE,
        rules="EXERCISE.GUIDANCE.SCALE_BACK",
        gap=Gap.JUDGEMENT,
        explanation=(
            "Whether scaling back is permissible is the therapist's judgement and not a case "
            "input; the guidance is listed for every patient in profile 2 or 3."
        ),
    ),
    _T(
        sentence="Do this in consultation with the patient.",
        section=Section.EXERCISE,
        rules="EXERCISE.GUIDANCE.SCALE_BACK",
        gap=Gap.CONDUCT,
        explanation="How to decide with the patient: no decidable effect on the advice.",
    ),
    _T(
        sentence="In this case, it is important to not decrease the exercise frequency and "
        "intensity; the focus will shift to independent exercising and physical activity.",
        section=Section.EXERCISE,
        rules="EXERCISE.GUIDANCE.SCALE_BACK",
    ),
    _T(
        sentence="Consider exercise therapy if there is a need for assistance related to "
        "limitations in activities of daily living and/or social participation based on "
        "movement-related functioning.",
        section=Section.EXERCISE,
        rules="EXERCISE.LRS.CONSIDER",
        resolutions="RES.LRS_EXERCISE",
    ),
    _T(
        sentence="Focus on pain alleviation in the presence of high responsiveness.",
        section=Section.EXERCISE,
        rules="EXERCISE.LRS.HIGH_RESPONSIVENESS",
        resolutions="RES.LRS_PAIN_GUIDED_OVER_TIME_CONTINGENT",
    ),
    _T(
        sentence="In the presence of moderate responsiveness, increased pain of short "
        "duration (a part of a day) is acceptable.",
        section=Section.EXERCISE,
        rules="EXERCISE.LRS.MODERATE_RESPONSIVENESS",
    ),
    _T(
        sentence="If good progress is made, expand the activities to the prior level in 6 to "
        "12 weeks.",
        section=Section.EXERCISE,
        rules="EXERCISE.LRS.EXPAND",
    ),
    # -- Behaviour-oriented treatments --------------------------------------------------------
    _T(
        sentence="For profiles 1 and 2, a thorough explanation and focus on the "
        "biopsychosocial model are sufficient.",
        section=Section.BEHAVIOUR,
        rules="BEHAVIOUR.PROFILE_1_2.EXPLANATION",
    ),
    _T(
        sentence="Consider behaviour-oriented treatment in order to optimise physical activity "
        "and participation in patients with dominant (psychosocial) prognostic factors.",
        section=Section.BEHAVIOUR,
        rules="BEHAVIOUR.PROFILE_3.CONSIDER",
    ),
    _T(
        sentence="Consider personalising the behaviour-oriented treatment by aiming this "
        "specifically on the psychosocial prognostic factors.",
        section=Section.BEHAVIOUR,
        rules="BEHAVIOUR.PROFILE_3.PERSONALISE",
    ),
    _T(
        sentence="Discuss the choice of behaviour-oriented treatment with the patient and "
        "align with the patient's needs, preferences and capabilities and your own knowledge "
        "and skills as a therapist.",
        section=Section.BEHAVIOUR,
        rules="BEHAVIOUR.TYPE.SHARED_CHOICE",
    ),
    # -- Manipulations and mobilisations, massage, TENS and interference ----------------------
    _T(
        sentence="These non-exercise therapy interventions are outside the competency profile "
        "of the exercise therapist (Cesar/Mensendieck), unless the exercise therapist has "
        "been trained in the additional competencies.",
        section=Section.PASSIVE,
        rules="PASSIVE.COMPETENCY.EXERCISE_THERAPIST",
        resolutions="RES.COMPETENCY_LIMIT",
    ),
    _T(
        sentence="Do not perform manipulations and mobilisations, massage, TENS or interference.",
        section=Section.PASSIVE,
        rules="PASSIVE.PROFILE_1.DO_NOT",
        resolutions="RES.PROFILE_1_OVER_LRS_MOBILISATION",
    ),
    _T(
        sentence="For profiles 2 and 3, consider performing mobilisations and/or "
        "manipulations* on patients with low back pain as a supplement to exercise therapy if "
        "the problem is mechanical in nature due to disorders within the neuromusculoskeletal "
        "system.",
        section=Section.PASSIVE,
        rules="PASSIVE.PROFILE_2_3.MOBILISATION",
        resolutions="RES.LRS_OVER_PROFILE_MOBILISATION",
    ),
    _T(
        sentence="Only apply massage:",
        section=Section.PASSIVE,
        rules=_MASSAGE,
        resolutions="RES.LRS_OVER_PROFILE_MASSAGE",
    ),
    _T(
        sentence="if you assess, in your capacity as a therapist, that there is a connection "
        "between the increased muscle tension and the complaints, and",
        section=Section.PASSIVE,
        rules=_MASSAGE,
        gap=Gap.JUDGEMENT,
        explanation=_MASSAGE_CRITERION,
    ),
    _T(
        sentence="if a decrease of the increased muscle tension is necessary in order to "
        "achieve an active approach, and",
        section=Section.PASSIVE,
        rules=_MASSAGE,
        gap=Gap.JUDGEMENT,
        explanation=_MASSAGE_CRITERION,
    ),
    _T(
        sentence="to create acceptance of an active approach and achieve exercise and "
        "self-reliance on the part of the patient, and",
        section=Section.PASSIVE,
        rules=_MASSAGE,
        gap=Gap.JUDGEMENT,
        explanation=_MASSAGE_CRITERION,
    ),
    _T(
        sentence="if massage is a part of a more extensive approach, so in combination with "
        "active and/or behaviour-oriented treatment, and",
        section=Section.PASSIVE,
        rules=_MASSAGE,
        gap=Gap.JUDGEMENT,
        explanation=_MASSAGE_CRITERION,
    ),
    _T(
        sentence="if massage is only used for a brief period of time.",
        section=Section.PASSIVE,
        rules=_MASSAGE,
        gap=Gap.JUDGEMENT,
        explanation=_MASSAGE_CRITERION + " 'Brief' is given no number.",
    ),
    _T(
        sentence="Do not apply TENS or interference.",
        section=Section.PASSIVE,
        rules="PASSIVE.PROFILE_2_3.NO_TENS",
    ),
    _T(
        sentence="Do not apply massage, TENS or interference.",
        section=Section.PASSIVE,
        rules="PASSIVE.LRS.NO_MASSAGE_TENS",
        resolutions="RES.LRS_OVER_PROFILE_MASSAGE",
    ),
    _T(
        sentence="Preferably do not perform manipulations and mobilisations.",
        section=Section.PASSIVE,
        rules="PASSIVE.LRS.PREFERABLY_NO_MOBILISATION",
        resolutions=("RES.LRS_OVER_PROFILE_MOBILISATION", "RES.PROFILE_1_OVER_LRS_MOBILISATION"),
    ),
    _T(
        sentence="Mobilisations are understood to mean passive arthrogenic mobilisations.",
        section=Section.PASSIVE,
        rules="PASSIVE.PROFILE_2_3.MOBILISATION",
        gap=Gap.INFORMATIVE,
        explanation=(
            "A definition of the technique, which the spec does not distinguish further: the "
            "intervention mobilisation stands for it."
        ),
    ),
    _T(
        sentence="Manipulations are understood to mean 'high-velocity-thrust' techniques.",
        section=Section.PASSIVE,
        rules="PASSIVE.PROFILE_2_3.MOBILISATION",
        gap=Gap.INFORMATIVE,
        explanation=(
            "A definition of the technique, which the spec does not distinguish further: the "
            "intervention manipulation stands for it."
        ),
    ),
    # -- Evaluation and referral ---------------------------------------------------------------
    _T(
        sentence="If there is an inadequate alleviation of complaints, repeat the evaluation "
        "of the risk of persistent complaints*.",
        section=Section.EVALUATION,
        rules=_EVALUATION,
    ),
    _T(
        sentence="Perform the re-evaluation at least after three weeks for profile 1, after "
        "three to six weeks for profile 2 and after six to 12 weeks for profile 3.",
        section=Section.EVALUATION,
        rules=_EVALUATION,
    ),
    _T(
        sentence="Consider adjusting the treatment profile (or the treatment) based on the "
        "re-evaluation.",
        section=Section.EVALUATION,
        rules="EVAL.PROFILE_1_2.ADJUST",
    ),
    _T(
        sentence="If there is an inadequate alleviation of complaints, refer the patient to "
        "the general practitioner if the re-evaluation does not yield any new insights and you "
        "don't expect an adjustment of the treatment profile (or the treatment) to be "
        "sufficient.",
        section=Section.EVALUATION,
        rules="EVAL.PROFILE_1_2.REFER",
    ),
    _T(
        sentence="Contact the general practitioner if there is an inadequate alleviation of "
        "complaints after six weeks.",
        section=Section.EVALUATION,
        rules="EVAL.PROFILE_3.CONSULT_GP",
    ),
    _T(
        sentence="Refer the patient to the general practitioner if there is an inadequate "
        "alleviation of complaints after 12 weeks, and consult about the next phase in the "
        "gradual approach.",
        section=Section.EVALUATION,
        rules="EVAL.PROFILE_3.REFER",
    ),
    _T(
        sentence="Refer a patient with LRS to the general practitioner if there is doubt about "
        "whether the medication dosage is high enough.",
        section=Section.EVALUATION,
        rules="EVAL.LRS.MEDICATION_DOUBT",
        resolutions="RES.REFERRAL_INSTEAD_OVER_ALONGSIDE",
    ),
    _T(
        sentence="Refer a patient with LRS to the general practitioner if the complaints "
        "persist from six to eight weeks and if there is insufficient alleviation of pain "
        "and/or decrease of loss of function.",
        section=Section.EVALUATION,
        rules=("EVAL.LRS.PERSISTENT", "EVAL.LRS.WINDOW"),
        resolutions="RES.REFERRAL_INSTEAD_OVER_ALONGSIDE",
    ),
    _T(
        sentence="The patient, in consultation with the therapist, assesses whether there is "
        "an (in)adequate decrease of complaints; this can optionally be supported by "
        "measurement instruments.",
        section=Section.EVALUATION,
        rules="EVAL.REPEAT_RISK_EVALUATION",
        gap=Gap.CASE_INPUT,
        explanation=(
            "The judgement is the case input improvement (adequate or inadequate), which every "
            "evaluation rule reads; measurement instruments are optional and not recorded."
        ),
    ),
)
"""Every recommendation-bearing sentence of the summary, in text order, traced to rules."""
