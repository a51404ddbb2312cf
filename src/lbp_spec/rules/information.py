"""Information and advice and (pain) education, and the LRS safety-net advice."""

from __future__ import annotations

from lbp_spec.logic import flag
from lbp_spec.rule import Rule, add
from lbp_spec.rules.definitions import ANY_FACTOR, HAS_PROFILE
from lbp_spec.vocabulary import EducationTopic, SafetyNetTopic, Section

__all__ = ["RULES"]

_GIVE = (
    "Give patients with low back pain in treatment profiles 1, 2 and 3 information and advice "
    "about:"
)
_S = Section.INFORMATION
_LRS_TREATED = flag("lrs") & HAS_PROFILE


def _education(id: str, title: str, topic: EducationTopic, *quote: str, **kw: object) -> Rule:
    return Rule(
        id=id,
        section=_S,
        title=title,
        quote=quote,
        when=kw.pop("when", HAS_PROFILE),  # type: ignore[arg-type]
        then=add("education", topic),
        **kw,  # type: ignore[arg-type]
    )


RULES = (
    _education(
        "EDUCATION.NATURE.UNCLEAR_ORIGIN",
        "Explain that the origin is often unclear",
        EducationTopic.UNCLEAR_ORIGIN,
        _GIVE,
        "The nature and diagnosis of the low back pain",
        "Explain that it is often unclear exactly how low back pain arises and that there is "
        "often a combination of factors present.",
    ),
    _education(
        "EDUCATION.NATURE.NO_RARE_CONDITION",
        "Explain that a rare underlying condition is unlikely",
        EducationTopic.NO_UNDERLYING_RARE_CONDITION,
        _GIVE,
        "The nature and diagnosis of the low back pain",
        "Explain that the vast majority of people with low back pain have no indications for "
        "an underlying rare condition.",
    ),
    _education(
        "EDUCATION.COURSE.RECURRING",
        "Explain that low back pain is frequent and recurring",
        EducationTopic.FREQUENT_AND_RECURRING,
        _GIVE,
        "The course and prognosis of low back pain",
        "Explain that low back pain occurs often and frequently returns, and that the extent "
        "of the low back pain can differ each time.",
    ),
    _education(
        "EDUCATION.COURSE.THREE_MONTHS",
        "Explain that half recover within three months",
        EducationTopic.HALF_RECOVERED_AFTER_THREE_MONTHS,
        _GIVE,
        "The course and prognosis of low back pain",
        "Explain that after three months about half of patients are pain-free and physical "
        "functioning has been recovered.",
    ),
    _education(
        "EDUCATION.FACTORS.STAY_ACTIVE",
        "Explain what expedites recovery",
        EducationTopic.STAY_ACTIVE_AND_SELF_MANAGE,
        _GIVE,
        "Inhibiting and facilitating factors (if applicable)",
        "Explain that recovery can be expedited by remaining active and limiting bed rest, "
        "self-management for recovery, active coping strategies, positive emotions and a "
        "healthy lifestyle.",
    ),
    _education(
        "EDUCATION.FACTORS.PROGNOSTIC",
        "Explain that prognostic factors can slow recovery",
        EducationTopic.PROGNOSTIC_FACTORS_SLOW_RECOVERY,
        _GIVE,
        "Inhibiting and facilitating factors (if applicable)",
        "Explain that the presence of the above-mentioned prognostic factors can cause the "
        "recovery to progress less rapidly.",
        when=HAS_PROFILE & ANY_FACTOR,
        note="'If applicable' is read as: when at least one prognostic factor is present.",
    ),
    _education(
        "EDUCATION.LRS.NERVE_ROOT",
        "LRS: explain the nerve root and the disc",
        EducationTopic.LRS_NERVE_ROOT_AND_DISC,
        "Explain that LRS is characterised by the stimulation of a nerve root in the back, "
        "usually due to a herniated intervertebral disc, and that this results in sciatica and "
        "sometimes also in sensory disorders and loss of strength in the area innervated by "
        "this nerve.",
        "Also explain that the herniated intervertebral disc retracts on its own in most cases.",
        when=_LRS_TREATED,
        note="The LRS information is given to LRS patients in a treatment profile.",
    ),
    _education(
        "EDUCATION.LRS.RECOVERY",
        "LRS: explain recovery without surgery",
        EducationTopic.LRS_RECOVERS_IN_THREE_MONTHS,
        "Explain that LRS significantly recovers in most patients in the first three months, "
        "without requiring surgical intervention.",
        when=_LRS_TREATED,
    ),
    _education(
        "EDUCATION.LRS.IMAGING",
        "LRS: imaging is decided by the GP",
        EducationTopic.LRS_IMAGING_DECIDED_BY_GP,
        "Explain to patients who need information about imaging diagnostics (X-ray or MRI) "
        "that the general practitioner in consultation with the medical specialist will decide "
        "whether or not the patient is eligible for this.",
        when=_LRS_TREATED,
        note=(
            "Whether the patient needs information about imaging is not part of the case; the "
            "topic is listed for every treated LRS patient, to be given on request."
        ),
    ),
    _education(
        "EDUCATION.LRS.CONSERVATIVE",
        "LRS: conservative treatment in the first three months",
        EducationTopic.LRS_CONSERVATIVE_FIRST_THREE_MONTHS,
        "Explain that, in case of an LRS, the treatment is generally conservative during the "
        "first three months.",
        when=_LRS_TREATED,
    ),
    _education(
        "EDUCATION.LRS.MOVE_GUIDED_BY_PAIN",
        "LRS: move guided by the pain",
        EducationTopic.LRS_MOVE_GUIDED_BY_PAIN,
        "Advise the patient to move guided by the pain and to gradually increase physical "
        "activity.",
        when=_LRS_TREATED,
    ),
    _education(
        "EDUCATION.LRS.REFERRAL_6_8_WEEKS",
        "LRS: referral if not improved after six to eight weeks",
        EducationTopic.LRS_REFERRAL_IF_NO_IMPROVEMENT,
        "Explain that if the complaints have not sufficiently improved after six to eight "
        "weeks, a referral to the medical specialist/general practitioner will be provided.",
        when=_LRS_TREATED,
    ),
    Rule(
        id="LRS.SAFETY_NET",
        section=_S,
        title="LRS: when to contact the GP immediately",
        quote=(
            "Advise the patient with LRS to immediately contact the general practitioner in "
            "the event of:",
            "saddle numbness;",
            "unintentional loss of urine or bowel movement or inability to urinate;",
            "increasing loss of muscle strength in the legs.",
        ),
        when=flag("lrs"),
        then=add("safety_net_advice", *SafetyNetTopic),
        note="Given to every LRS patient, referred or not.",
    ),
)
